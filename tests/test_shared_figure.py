"""dashboard.shared_figure: what Streamlit sends for a shared figure is exactly what it sends for
the figure itself, and the plain dict is made once per figure."""
from __future__ import annotations

import gc

import plotly.io as pio
import plotly.tools
import pytest

from dashboard import catalog
from dashboard.shared_figure import _PLAIN, SharedFigure, shared
from warehouse.queries import Filters


def _as_streamlit_sends(figure) -> str:
    """The two calls st.plotly_chart makes (streamlit/elements/plotly_chart.py)."""
    return pio.to_json(plotly.tools.return_figure_from_figure_or_data(figure, validate_figure=True), validate=False)


@pytest.mark.parametrize("name", sorted(catalog.CHARTS))
def test_streamlit_sends_the_same_spec(reference_db, name):
    chart = catalog.build(name, catalog.direct_query(reference_db), Filters())
    if chart.figure is None:
        pytest.skip(f"{name} draws nothing on the reference warehouse")
    assert _as_streamlit_sends(shared(chart.figure)) == _as_streamlit_sends(chart.figure)


def test_the_plain_dict_is_made_once_and_forgotten_with_its_figure(reference_db):
    chart = catalog.build("displacement-timeline", catalog.direct_query(reference_db), Filters())
    first, second = shared(chart.figure), shared(chart.figure)
    assert isinstance(first, SharedFigure) and first.to_dict() is second.to_dict()
    key = id(chart.figure)
    assert key in _PLAIN
    del chart, first, second
    gc.collect()
    assert key not in _PLAIN
