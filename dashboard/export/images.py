"""Charts as citable images (PNG, SVG, PDF) and standalone HTML.

The exported figure is a copy of the page's figure with the title, the active
filters as subtitle, and a footer naming sources, reference period and export
date, so a picture pasted into a briefing still says where it came from.

Static images are drawn by kaleido 1.x in the Debian Chromium (/usr/bin/chromium,
or $BROWSER_PATH). One browser is started per process, lazily, and kept: the
first image costs about 3 s, the next ones about 0.1-0.3 s. We run kaleido on
our own event-loop thread instead of `kaleido.start_sync_server()` because the
latter waits forever when the browser fails to start (measured: a bad
BROWSER_PATH hung the call); here every call has a timeout and a clear error.
"""
from __future__ import annotations

import asyncio
import atexit
import html
import os
import textwrap
import threading
from concurrent.futures import Future
from pathlib import Path

import plotly.graph_objects as go

from dashboard import i18n
from dashboard.catalog import ChartData
from dashboard.export.about import About

WIDTH, HEIGHT = 1200, 700
PNG_SCALE = 3                       # 3600 x 2100 px: 300 dpi at 12 inches wide
DEFAULT_BROWSER = "/usr/bin/chromium"
INSTALL_HINT = "install it with `sudo apt-get install chromium` (or set BROWSER_PATH)"
START_TIMEOUT_S = 60
RENDER_TIMEOUT_S = 60
FOOTER_FONT = 11
LINE_PX = 15
IMAGE_FORMATS = ("png", "svg", "pdf")
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}
TABS = 2


class ImageExportUnavailable(RuntimeError):
    """No working Chromium: image formats cannot be produced (HTML and data exports still work)."""


# --- the exported figure ---------------------------------------------------

def placeholder(message: str) -> go.Figure:
    """What an empty chart exports as: its message, so the export is still honest."""
    fig = go.Figure()
    fig.add_annotation(text=html.escape(message), x=0.5, y=0.5, xref="paper", yref="paper",
                       showarrow=False, font={"size": 16, "color": "#444"})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(template="plotly_white")
    return fig


def _wrap(text: str, width_px: int, font_px: float) -> list[str]:
    chars = max(40, int(width_px / (font_px * 0.56)))
    return textwrap.wrap(text, chars, break_long_words=False) or [""]


def _legend_rows(fig: go.Figure, width_px: int) -> int:
    """Rows of a horizontal legend: plotly lays wrapped entries in a grid of the widest entry."""
    names = [t.name for t in fig.data if getattr(t, "showlegend", None) is not False and getattr(t, "name", None)]
    if not names:
        return 0
    widest = 45 + 7 * max(len(n) for n in names)
    if sum(45 + 7 * len(n) for n in names) <= width_px - 100:
        return 1
    per_row = max(1, int((width_px - 100) // widest))
    return -(-len(names) // per_row)


def decorate(chart: ChartData, about: About, width: int = WIDTH, height: int = HEIGHT) -> go.Figure:
    """A copy of the chart's figure carrying its citation, sized for export."""
    fig = go.Figure(chart.figure) if chart.figure is not None else placeholder(chart.empty_message)
    subtitle = _wrap(about.filters, width - 40, 13)
    footer = [line for text in about.footer_lines() for line in _wrap(text, width - 20, FOOTER_FONT)]
    footer_px = LINE_PX * len(footer) + 8
    legend_px = 22 * _legend_rows(fig, width)
    top = 70 + 17 * len(subtitle)
    bottom = footer_px + legend_px + 70
    height = max(height, top + bottom + 320)  # keep a readable plot area when the legend is long
    fig.update_layout(
        title={"text": f"<b>{html.escape(about.title)}</b>", "x": 0.01, "xanchor": "left", "y": 0.98,
               "yanchor": "top", "yref": "container",
               "subtitle": {"text": "<br>".join(html.escape(s) for s in subtitle), "font": {"size": 13, "color": "#444"}}},
        width=width, height=height,
        margin={"t": top, "b": bottom, "l": 70, "r": 30},
        legend={"orientation": "h", "yref": "container", "y": (footer_px + 6) / height, "yanchor": "bottom",
                "x": 0, "xanchor": "left"},
    )
    fig.add_annotation(
        text="<br>".join(html.escape(line) for line in footer), align="left", showarrow=False,
        xref="paper", x=0, xanchor="left", xshift=-60, yref="paper", y=0, yanchor="top",
        yshift=-(bottom - footer_px), font={"size": FOOTER_FONT, "color": "#333"},
    )
    return _right_to_left(fig) if i18n.is_rtl() else fig


def _right_to_left(fig: go.Figure) -> go.Figure:
    """An Arabic export: title, filters, legend and the source footer read from the right."""
    title = fig.layout.title
    fig.update_layout(title={"x": 0.99, "xanchor": "right", "text": i18n.rtl_line(title.text),
                             "subtitle": {"text": i18n.rtl_line(title.subtitle.text)}},
                      legend={"x": 1, "xanchor": "right"},
                      font={"family": "Noto Sans Arabic, DejaVu Sans, sans-serif"})
    footer = fig.layout.annotations[-1]
    footer.update(text=i18n.rtl_line(footer.text), align="right", x=1, xanchor="right", xshift=20)
    return fig


def to_html(fig: go.Figure, about: About) -> bytes:
    """A standalone page: plotly.js embedded (works offline) and the citation as text below."""
    div = fig.to_html(full_html=False, include_plotlyjs=True, config=PLOTLY_CONFIG)
    return html_page(about.title, div + about_html(about)).encode("utf-8")


def about_html(about: About) -> str:
    items = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in about.rows() if v)
    return f'<footer class="about"><dl>{items}</dl></footer>'


def html_page(title: str, body: str) -> str:
    """A standalone page in the language of the export (right to left in Arabic; charts stay left to right)."""
    lang = i18n.language()
    direction = "rtl" if i18n.is_rtl() else "ltr"
    rtl = ("body{font-family:'Noto Sans Arabic','DejaVu Sans',Arial,sans-serif}td,th{text-align:right}"
           "dd{margin-left:0;margin-right:1em}.plotly-graph-div,.js-plotly-plot{direction:ltr}") if direction == "rtl" else ""
    return (
        f"<!DOCTYPE html>\n<html lang=\"{lang}\" dir=\"{direction}\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:'DejaVu Sans',Arial,sans-serif;margin:2em;color:#222;max-width:1250px}"
        "dt{font-weight:bold;margin-top:.4em}dd{margin-left:1em}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}"
        ".about{font-size:90%;color:#333;border-top:1px solid #ccc;margin-top:1em}" + rtl + "</style>"
        f"</head><body>{body}</body></html>\n"
    )


# --- static images through kaleido ------------------------------------------

def browser_path() -> Path:
    """The Chromium kaleido drives: $BROWSER_PATH, else the Debian package's."""
    return Path(os.environ.get("BROWSER_PATH") or DEFAULT_BROWSER)


def check_browser() -> Path:
    """The browser path, or ImageExportUnavailable saying what to install."""
    path = browser_path()
    if not path.is_file() or not os.access(path, os.X_OK):
        raise ImageExportUnavailable(f"Image export needs Chromium, not found at {path}: {INSTALL_HINT}.")
    return path


def images_available() -> bool:
    try:
        check_browser()
    except ImageExportUnavailable:
        return False
    return True


class _Renderer:
    """One headless Chromium driven by kaleido on a private event loop thread."""

    def __init__(self, path: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="kaleido-export", daemon=True)
        self.thread.start()
        try:
            self.kaleido = self._run(self._open(path), START_TIMEOUT_S)
        except BaseException:
            self.loop.call_soon_threadsafe(self.loop.stop)
            raise

    async def _open(self, path: Path):
        import kaleido

        # two tabs: a briefing pack renders one chart while Python builds the next
        browser = kaleido.Kaleido(n=TABS, mathjax=False, path=str(path), timeout=RENDER_TIMEOUT_S)
        await browser.open()
        return browser

    def _run(self, coroutine, timeout: float):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def submit(self, fig: go.Figure, fmt: str, width: int, height: int, scale: float) -> Future:
        """Start a render on the browser's loop; the caller collects it with .result(timeout)."""
        opts = {"format": fmt, "width": width, "height": height, "scale": scale}
        return asyncio.run_coroutine_threadsafe(self.kaleido.calc_fig(fig.to_dict(), opts=opts), self.loop)

    def close(self) -> None:
        try:
            self._run(self.kaleido.close(), 10)
        except Exception:  # noqa: BLE001 - closing a dead browser must not mask the real error
            pass
        self.loop.call_soon_threadsafe(self.loop.stop)


_lock = threading.Lock()
_renderer: _Renderer | None = None


def _get_renderer() -> _Renderer:
    global _renderer
    with _lock:
        if _renderer is None:
            path = check_browser()
            try:
                _renderer = _Renderer(path)
            except Exception as error:  # noqa: BLE001 - any start failure means: no images
                reason = str(error.args[0] if error.args else error).splitlines()[0] or type(error).__name__
                raise ImageExportUnavailable(
                    f"Image export could not start Chromium at {path} ({reason}): {INSTALL_HINT}."
                ) from None
        return _renderer


def shutdown() -> None:
    """Close the browser (at exit, or after it died so the next call restarts it)."""
    global _renderer
    with _lock:
        if _renderer is not None:
            _renderer.close()
            _renderer = None


atexit.register(shutdown)


def render_async(fig: go.Figure, fmt: str, *, scale: float | None = None) -> Future:
    """Start drawing a decorated figure as PNG, SVG or PDF; `.result()` gives the bytes."""
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"image format must be one of {', '.join(IMAGE_FORMATS)}, not {fmt!r}")
    width, height = int(fig.layout.width or WIDTH), int(fig.layout.height or HEIGHT)
    scale = scale if scale is not None else (PNG_SCALE if fmt == "png" else 1)
    return _get_renderer().submit(fig, fmt, width, height, scale)


def collect(pending: Future) -> bytes:
    """The bytes of a started render; a failed or stuck browser is restarted by the next call."""
    try:
        return pending.result(RENDER_TIMEOUT_S + 5)
    except Exception:
        pending.cancel()
        shutdown()
        raise


def render(fig: go.Figure, fmt: str, *, scale: float | None = None) -> bytes:
    """PNG, SVG or PDF bytes of a decorated figure."""
    return collect(render_async(fig, fmt, scale=scale))
