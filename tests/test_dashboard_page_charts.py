"""Chart builders on the real files plus the reference data: the questions users bring."""
from __future__ import annotations

import pandas as pd

from dashboard import catalog
from warehouse.queries import Filters


def test_turkey_has_its_latest_refugee_figure_as_a_separate_line(real_reference_db):
    path, _ = real_reference_db
    chart = catalog.build("refugees-by-host-country", catalog.direct_query(path), Filters())
    turkey = chart.data[chart.data["asylum_iso3"] == "TUR"]
    assert turkey["series"].nunique() == 2
    other = turkey[turkey["series"].str.contains("other UNHCR reports")]
    assert pd.Timestamp(other["period_end"].max()).year >= 2020
    assert other["persons"].max() >= 3_500_000
    solid = turkey[~turkey["series"].str.contains("other")]
    assert solid.set_index(pd.to_datetime(solid["period_end"]).dt.year)["persons"].get(2017) == 3_424_237
    names = [t.name for t in chart.figure.data]
    dashed = [t for t in chart.figure.data if t.line.dash == "dash"]
    assert len(dashed) == 1 and "other UNHCR reports" in dashed[0].name and len(names) == len(set(names))
