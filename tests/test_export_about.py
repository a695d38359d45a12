"""The citation every export carries: filters in words, file names, image decoration."""
from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard.catalog import ChartData
from dashboard.export import images
from dashboard.export.about import About, about_chart, describe_filters, file_stem
from warehouse.queries import Filters

D = date


@pytest.mark.parametrize("filters, period, stem", [
    (Filters(), (D(2019, 12, 1), D(2020, 3, 31)), "displacement-toward-border_2019-12-01_2020-03-31"),
    (Filters(start=D(2020, 1, 1)), (D(2019, 12, 1), D(2020, 3, 31)), "displacement-toward-border_2020-01-01_2020-03-31"),
    (Filters(start=D(2020, 1, 1), end=D(2020, 2, 1), governorates=("SY07", "SY02")), (None, None),
     "displacement-toward-border_sy07-sy02_2020-01-01_2020-02-01"),
    (Filters(), (None, None), "displacement-toward-border_start_latest"),
])
def test_file_stem_says_what_and_when(filters, period, stem):
    assert file_stem("Displacement toward border", filters, period) == stem


@pytest.mark.parametrize("filters, text", [
    (Filters(), "No filters: every figure in the warehouse"),
    (Filters(start=D(2019, 12, 1), end=D(2020, 3, 31)), "Period: 1 Dec 2019 – 31 Mar 2020"),
    (Filters(end=D(2020, 3, 5)), "Period: any – 5 Mar 2020"),
    (Filters(governorates=("SY07",), figure_types=("arrivals",)), "Governorates: Idleb (SY07) · Figure types: arrivals"),
    (Filters(sources=("ocha-1",)), "Sources: UN OCHA, Flash update (ocha-1)"),
    (Filters(extra=(("district", "SY0703"),)), "District: Jisr-Ash-Shugur (SY0703)"),
])
def test_filters_in_words(filters, text):
    assert describe_filters(filters, {"SY07": "Idleb", "SY0703": "Jisr-Ash-Shugur", "ocha-1": "UN OCHA, Flash update"}) == text


def _chart(figure=None, sources=("UN OCHA, Flash Update (2020-03-05)",)) -> ChartData:
    return ChartData(name="test-chart", title="Test chart", figure=figure, data=pd.DataFrame({"x": [1]}),
                     sources=list(sources), period=(D(2019, 12, 1), D(2020, 3, 5)), measure="A flow.")


def test_decorate_adds_title_subtitle_and_footer_to_a_copy():
    original = go.Figure(go.Scatter(x=[1, 2], y=[3, 4], name="arrivals"))
    chart = _chart(original)
    about = about_chart(chart, Filters(governorates=("SY07",)), names={"SY07": "Idleb"}, exported_on=D(2026, 1, 15))
    fig = images.decorate(chart, about)
    assert fig.layout.title.text == "<b>Test chart</b>"
    assert fig.layout.title.subtitle.text == "Governorates: Idleb (SY07)"
    footer = fig.layout.annotations[-1].text
    assert "Sources: UN OCHA, Flash Update (2020-03-05)" in footer
    assert "Reference period: 1 Dec 2019 – 5 Mar 2020. A flow." in footer
    assert "Exported 2026-01-15" in footer
    assert not original.layout.annotations and original.layout.title.text is None


def test_empty_chart_exports_its_message():
    chart = _chart(None)
    fig = images.decorate(chart, about_chart(chart, Filters(), exported_on=D(2026, 1, 15)))
    assert any("No figures for this selection." in (a.text or "") for a in fig.layout.annotations)


def test_long_source_lists_are_summarised_by_publisher_in_images():
    sources = [f"UN OCHA, Situation report {i} (2020-0{1 + i % 9}-01)" for i in range(40)] + ["REACH, Overview (2020-03-16)"]
    about = About("t", "f", tuple(sources), (None, None), D(2026, 1, 15))
    brief = about.sources_brief()
    assert brief.startswith("UN OCHA (40 documents); REACH.")
    assert "all 41 documents" in brief
    assert about.sources_text.count(";") == 40  # the XLSX and the pack keep the full list


def test_about_text_lists_every_field():
    about = About("Title", "No filters", ("A, B (2020-01-01)",), (D(2020, 1, 1), D(2020, 1, 1)), D(2026, 1, 15), "load 3")
    assert about.text().splitlines()[:4] == [
        "Title: Title", "Filters: No filters", "Sources: A, B (2020-01-01)", "Reference period: 1 Jan 2020"]
    assert "Warehouse version: load 3" in about.text()
