"""Hand Streamlit a cached chart's figure without copying it for every viewer on every rerun.

Why: `st.plotly_chart(figure)` calls `figure.to_dict()`, which deep-copies the
whole figure, before serialising it. Charts are built once and shared by every
viewer (dashboard/data.py), but that copy was still paid per chart, per viewer,
per rerun: 10-30 ms a chart on the reference warehouse, more than the rest of
the script. The plain dict is made once per figure and reused; Streamlit only
reads it (serialises it to JSON and looks up its width and height).
"""
from __future__ import annotations

import threading
import weakref

import plotly.graph_objects as go
from plotly.basedatatypes import BaseFigure

_PLAIN: dict[int, dict] = {}
_LOCK = threading.Lock()


class SharedFigure(BaseFigure):
    """An already validated figure, read-only: `to_dict` returns the same plain dict every time.

    Only what `st.plotly_chart` uses is provided (it checks isinstance BaseFigure, then calls
    to_dict); BaseFigure.__init__ is deliberately not run, nothing here validates again.
    """

    def __init__(self, plain: dict) -> None:  # noqa: D107 - no BaseFigure.__init__: no validation, no copy
        object.__setattr__(self, "_plain", plain)

    def to_dict(self) -> dict:
        return self._plain

    def to_plotly_json(self) -> dict:
        return self._plain


def shared(figure: go.Figure) -> SharedFigure:
    """The figure for st.plotly_chart, its plain dict made once for the life of the figure object."""
    key = id(figure)
    with _LOCK:
        plain = _PLAIN.get(key)
    if plain is None:
        plain = figure.to_dict()
        with _LOCK:
            if key not in _PLAIN:
                _PLAIN[key] = plain
                weakref.finalize(figure, _PLAIN.pop, key, None)
            plain = _PLAIN[key]
    return SharedFigure(plain)
