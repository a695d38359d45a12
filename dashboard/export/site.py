"""A static snapshot of the dashboard: every page as plain HTML, for slow links and any web server.

Why: when a crisis breaks, many viewers read the dashboard from field offices
over slow links, all at once. A folder of static pages costs the server
nothing per viewer (any web server or CDN can hand it out, or it can travel on
a USB stick and open with a double click), and it loads plotly.js once for
every page (assets/plotly.min.js, cached by the browser) instead of
Streamlit's application and a websocket.

The figures are the live pages' figures: the same catalogue builders
(dashboard.catalog) for the same filters. Each chart carries its sources,
reference period and note, and its rows as a CSV beside it; every page says
what the data is as of. Nothing is fetched from the network: the page works
from file://.

    python -m dashboard.export --site DIR [--start YYYY-MM-DD --end YYYY-MM-DD] [--lang en|ar]
"""
from __future__ import annotations

import html
import json
import shutil
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd
from plotly.offline import get_plotlyjs

from dashboard import catalog
from dashboard import pages as registry
from dashboard.i18n import _
from dashboard.export.about import about_chart, describe_filters, period_text
from dashboard.export.images import PLOTLY_CONFIG
from warehouse import warehouse_version
from warehouse.links import web_link
from warehouse.queries import Filters, run

PLOTLY_FILE = "assets/plotly.min.js"
SOURCES_PAGE = "sources"

# The words of the site around the charts (the charts' own titles and notes come from the catalogue).
WORDS = {
    "en": {"dir": "ltr", "snapshot": "Static snapshot", "as_of": "Data as of", "latest": "latest figure",
           "built": "snapshot made", "loaded": "warehouse loaded", "filters": "Filters", "sources": "Sources", "period": "Reference period",
           "data": "Data (CSV)", "empty": "No figures for this selection.", "all_sources": "Data and sources",
           "publisher": "Publisher", "title": "Title", "published": "Published", "link": "Link",
           "synthetic": "SYNTHETIC", "live": "This is a snapshot: the live dashboard has filters and every export.",
           "project": "Northwest Syria displacement"},
    "ar": {"dir": "rtl", "snapshot": "نسخة ثابتة", "as_of": "البيانات حتى", "latest": "آخر رقم",
           "built": "أُعدّت النسخة", "loaded": "آخر تحميل للمستودع", "filters": "المرشحات", "sources": "المصادر", "period": "الفترة المرجعية",
           "data": "البيانات (CSV)", "empty": "لا أرقام لهذا الاختيار.", "all_sources": "البيانات والمصادر",
           "publisher": "الناشر", "title": "العنوان", "published": "تاريخ النشر", "link": "الرابط",
           "synthetic": "بيانات اصطناعية",
           "live": "هذه نسخة ثابتة: في لوحة البيانات الحية مرشحات وجميع التصديرات.",
           "project": "النزوح في شمال غرب سوريا"},
}
LANGUAGES = tuple(WORDS)

STYLE = """
body{font-family:'DejaVu Sans',Arial,sans-serif;margin:0;color:#222;line-height:1.4}
header{background:#1f3b57;color:#fff;padding:.6em 1.2em}header a{color:#fff;margin-inline-end:1em}
header .project{font-weight:bold;margin-inline-end:1.5em}header a[aria-current]{font-weight:bold;text-decoration:none}
main{max-width:1250px;margin:0 auto;padding:0 1.2em 2em}
.asof{color:#444;font-size:90%}.chart{margin:1.5em 0 2.5em}.plot{width:100%;min-height:450px}
.about{font-size:85%;color:#333}.about dt{font-weight:bold;display:inline}.about dd{display:inline;margin:0}
.about div{margin:.2em 0}table{border-collapse:collapse;font-size:90%}
td,th{border:1px solid #ccc;padding:4px 8px;text-align:start;vertical-align:top}
"""


@dataclass(frozen=True)
class Page:
    url: str      # file stem: overview -> overview.html
    title: str


def pages() -> list[Page]:
    """The dashboard's pages that show catalogue charts, in menu order, titled as the menu titles them in the
    site's language (dashboard/pages.py): the crisis briefing first, as in the app."""
    return [Page(page.key, _(page.title)) for page in registry.PAGES if registry.charts_of(page.key)]


def _text(value) -> str:
    return html.escape(str(value), quote=True)


def _figure_json(chart: catalog.ChartData) -> str:
    """The figure as plotly.js reads it; '</' escaped so no string in the data can end the script."""
    return chart.figure.to_json().replace("</", "<\\/")


def data_as_of(db_path: Path) -> tuple[date | None, datetime | None]:
    """(the latest day any figure covers, when the warehouse was last loaded)."""
    fresh = run(db_path, "admin.freshness")
    latest = None if fresh.empty or fresh["latest_figure"].isna().all() else \
        pd.Timestamp(fresh["latest_figure"].max()).date()
    loads = run(db_path, "admin.load_history", limit=1)
    loaded = None
    if not loads.empty and "finished_at" in loads and pd.notna(loads["finished_at"].iloc[0]):
        loaded = pd.Timestamp(loads["finished_at"].iloc[0]).to_pydatetime()
    return latest, loaded


def _nav(all_pages: list[Page], current: str, words: dict) -> str:
    links = "".join(f'<a href="{p.url}.html"{" aria-current=page" if p.url == current else ""}>{_text(p.title)}</a>'
                    for p in all_pages)
    links += f'<a href="{SOURCES_PAGE}.html">{_text(words["all_sources"])}</a>'
    return f'<header><span class="project">{_text(words["project"])}</span><nav>{links}</nav></header>'


def _head(title: str, words: dict, lang: str, depth_js: bool) -> str:
    script = f'<script src="{PLOTLY_FILE}"></script>' if depth_js else ""
    return (f'<!DOCTYPE html>\n<html lang="{lang}" dir="{words["dir"]}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_text(title)} — {_text(words['snapshot'])}</title><style>{STYLE}</style>{script}</head>")


def _as_of_line(as_of: tuple[date | None, datetime | None], filters_text: str, built: datetime, words: dict) -> str:
    latest, loaded = as_of
    parts = [f"{words['as_of']} {latest:%Y-%m-%d} ({words['latest']})" if latest else "",
             f"{words['loaded']} {loaded:%Y-%m-%d %H:%M} UTC" if loaded else "",
             f"{words['built']} {built:%Y-%m-%d %H:%M} UTC"]
    return (f'<p class="asof">{_text(" · ".join(p for p in parts if p))}<br>'
            f'{_text(words["filters"])}: {_text(filters_text)}<br>{_text(words["live"])}</p>')


def _chart_block(index: int, chart: catalog.ChartData, filters: Filters, version: str, words: dict) -> str:
    block = f'<section class="chart" id="{_text(chart.name)}"><h2>{_text(chart.title)}</h2>'
    if chart.is_empty:
        return block + f"<p>{_text(chart.empty_message or words['empty'])}</p></section>"
    about = about_chart(chart, filters, warehouse_version=version)
    block += (f'<div class="plot" id="plot-{index}"></div><script>(function(){{var f={_figure_json(chart)};'
              f'Plotly.newPlot("plot-{index}",f.data,f.layout,{json.dumps(PLOTLY_CONFIG)});}})();</script>')
    rows = [(words["sources"], about.sources_text), (words["period"], about.period_text), ("", about.measure)]
    block += '<div class="about">' + "".join(
        f"<div>{f'<dt>{_text(label)}:</dt> ' if label else ''}<dd>{_text(value)}</dd></div>"
        for label, value in rows if value)
    block += f'<div><a href="data/{_text(chart.name)}.csv" download>{_text(words["data"])}</a></div></div></section>'
    return block


def _sources_page(db_path: Path, words: dict) -> str:
    frame = run(db_path, "admin.sources")
    rows = []
    for row in frame.itertuples(index=False):
        url = web_link(row.url)
        link = f'<a href="{_text(url)}">{_text(url)}</a>' if url else ""
        published = "" if pd.isna(row.published) else f"{pd.Timestamp(row.published):%Y-%m-%d}"
        flag = f" [{words['synthetic']}]" if bool(row.is_synthetic) else ""
        rows.append(f"<tr><td>{_text(row.publisher)}{_text(flag)}</td><td>{_text(row.title)}</td>"
                    f"<td>{published}</td><td>{link}</td></tr>")
    head = "".join(f"<th>{_text(words[k])}</th>" for k in ("publisher", "title", "published", "link"))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def build_site(out_dir: Path, db_path: Path, filters: Filters, lang: str = "en",
               query: catalog.Query | None = None) -> list[Path]:
    """Write the snapshot into out_dir (created; files of an earlier snapshot there are replaced)."""
    if lang not in WORDS:
        raise ValueError(f"language {lang!r}: the snapshot has {', '.join(LANGUAGES)}")
    words = WORDS[lang]
    query = query or catalog.direct_query(db_path)
    version = warehouse_version(db_path)
    as_of = data_as_of(db_path)
    built = datetime.now(timezone.utc)
    filters_text = describe_filters(filters)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "assets").mkdir(exist_ok=True)
    data_dir = out_dir / "data"
    if data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir()
    (out_dir / PLOTLY_FILE).write_text(get_plotlyjs(), encoding="utf-8")
    all_pages = pages()
    written = [out_dir / PLOTLY_FILE]
    index = 0
    for page in all_pages:
        blocks = []
        for name in registry.charts_of(page.url):
            chart = catalog.build(name, query, filters)  # as the live page opens, before its own controls
            if not chart.is_empty:
                chart.data.to_csv(data_dir / f"{chart.name}.csv", index=False, encoding="utf-8-sig")
                written.append(data_dir / f"{chart.name}.csv")
            blocks.append(_chart_block(index, chart, filters, version, words))
            index += 1
        body = (f"{_nav(all_pages, page.url, words)}<main><h1>{_text(page.title)}</h1>"
                f"{_as_of_line(as_of, filters_text, built, words)}{''.join(blocks)}</main>")
        target = out_dir / f"{page.url}.html"
        target.write_text(_head(page.title, words, lang, True) + f"<body>{body}</body></html>\n", encoding="utf-8")
        written.append(target)
    body = (f"{_nav(all_pages, SOURCES_PAGE, words)}<main><h1>{_text(words['all_sources'])}</h1>"
            f"{_as_of_line(as_of, filters_text, built, words)}{_sources_page(db_path, words)}</main>")
    target = out_dir / f"{SOURCES_PAGE}.html"
    target.write_text(_head(words["all_sources"], words, lang, False) + f"<body>{body}</body></html>\n",
                      encoding="utf-8")
    written.append(target)
    first = all_pages[0].url if all_pages else SOURCES_PAGE
    index_page = out_dir / "index.html"
    index_page.write_text(f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
                          f'<meta http-equiv="refresh" content="0; url={first}.html"><title>{_text(words["project"])}'
                          f'</title></head><body><a href="{first}.html">{_text(words["project"])}</a></body></html>\n',
                          encoding="utf-8")
    written.append(index_page)
    return written
