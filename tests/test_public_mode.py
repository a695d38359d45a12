"""Public mode: camps shown at their sub-district's centroid, small counts suppressed,
in the query layer, so pages and exports agree. Configured by environment first,
then .streamlit/secrets.toml."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from etl.load import load_file
from warehouse.queries import Filters, camps, casualties, disclosure, timeline

import synthetic  # tests/synthetic.py: pytest puts the tests' folder on the path

ROOT = Path(__file__).resolve().parents[1]
ATMA, DANA = (36.311, 36.686), (36.214, 36.770)  # CAMP-A's own point; its sub-district's centroid


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    """The synthetic warehouse plus one displacement figure of 3 people (a small count)."""
    folder = tmp_path_factory.mktemp("public")
    path = synthetic.build(folder / "warehouse.duckdb", folder / "csv")
    small = folder / "small_count.csv"
    with open(small, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["period_start", "period_end", "destination_pcode", "figure_type", "individuals",
                         *synthetic.CITE])
        writer.writerow(["2020-03-01", "2020-03-31", "C9001", "returns", 3, *synthetic.CITE.values()])
    assert load_file(small, path).status == "loaded"
    return path


@pytest.fixture
def public(monkeypatch):
    monkeypatch.setenv(disclosure.ENV_PUBLIC, "1")
    monkeypatch.delenv(disclosure.ENV_THRESHOLD, raising=False)


@pytest.fixture
def internal(monkeypatch):
    monkeypatch.setenv(disclosure.ENV_PUBLIC, "0")


@pytest.fixture
def secrets_home(tmp_path, monkeypatch):
    """A working folder and HOME with no secrets, so only what a test writes is read."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv(disclosure.ENV_PUBLIC, raising=False)
    monkeypatch.delenv(disclosure.ENV_THRESHOLD, raising=False)
    return tmp_path


def _secrets(folder: Path, text: str) -> None:
    (folder / ".streamlit").mkdir(exist_ok=True)
    (folder / ".streamlit" / "secrets.toml").write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("env", "secrets", "expected"),
    [
        ({}, None, disclosure.Disclosure(False, 5)),
        ({}, "[displacement]\npublic_mode = true\n", disclosure.Disclosure(True, 5)),
        ({}, "[displacement]\npublic_mode = true\nsuppress_below = 10\n", disclosure.Disclosure(True, 10)),
        ({"DISPLACEMENT_PUBLIC_MODE": "0"}, "[displacement]\npublic_mode = true\n", disclosure.Disclosure(False, 5)),
        ({"DISPLACEMENT_PUBLIC_MODE": "1", "DISPLACEMENT_SUPPRESS_BELOW": "3"}, None, disclosure.Disclosure(True, 3)),
        ({"DISPLACEMENT_PUBLIC_MODE": "yes"}, "[other]\nx = 1\n", disclosure.Disclosure(True, 5)),
    ],
)
def test_settings_come_from_environment_then_secrets(secrets_home, monkeypatch, env, secrets, expected):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    if secrets:
        _secrets(secrets_home, secrets)
    assert disclosure.settings() == expected


@pytest.mark.parametrize(("env", "secrets"), [({"DISPLACEMENT_PUBLIC_MODE": "maybe"}, None),
                                              ({"DISPLACEMENT_SUPPRESS_BELOW": "0"}, None),
                                              ({}, "[displacement\npublic_mode = true")])
def test_unclear_settings_are_errors_not_silently_internal(secrets_home, monkeypatch, env, secrets):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    if secrets:
        _secrets(secrets_home, secrets)
    with pytest.raises((ValueError, RuntimeError)):
        disclosure.settings()


@pytest.mark.parametrize(
    ("values", "threshold", "kept"),
    [([0, 1, 4, 5, 1000], 5, [0, None, None, 5, 1000]),
     ([2.5, -3, 7], 5, [None, None, 7]),
     ([1, 2, 3], 1, [1, 2, 3]),
     ([9, 10, 11], 10, [None, 10, 11])],
)
def test_small_counts_are_suppressed(values, threshold, kept):
    frame = pd.DataFrame({"individuals": values, "occupancy": [0.5] * len(values), "km": values})
    hidden = disclosure.suppress_small_counts(frame, threshold)
    assert [None if pd.isna(v) else v for v in frame["individuals"]] == kept
    assert frame["occupancy"].isna().tolist() == [v is None for v in kept]  # ratios would give them back
    assert frame["km"].tolist() == values  # not a count of people
    assert hidden == sum(v is None for v in kept)


def _camp(frame: pd.DataFrame, camp_id: str) -> pd.Series:
    return frame.set_index("camp_id").loc[camp_id]


def test_internal_mode_shows_camps_where_they_are(db, internal):
    camp = _camp(camps.occupancy(db, Filters()), "CAMP-A")
    assert (camp["lat"], camp["lon"]) == ATMA


def test_public_mode_moves_camps_to_their_sub_district_centroid(db, public):
    frame = camps.occupancy(db, Filters())
    camp = _camp(frame, "CAMP-A")
    assert (camp["lat"], camp["lon"]) == DANA
    assert camp["border_km"] == pytest.approx(12.3, abs=0.1)  # Dana's distance, not the camp's 5.6 km
    no_centroid = _camp(frame, "CAMP-B")  # its sub-district (Idleb) has no centroid loaded
    assert pd.isna(no_centroid["lat"]) and pd.isna(no_centroid["lon"])
    assert frame.attrs["disclosure"]["camps_moved_to_subdistrict"] == 2


def test_public_mode_suppresses_small_counts_in_every_theme(db, public):
    series = timeline.displacement_series(db, Filters())
    returns = series[series["figure_type"] == "returns"]
    assert returns["individuals"].isna().all() and len(returns) == 1
    assert series.loc[series["figure_type"] == "idp_stock", "individuals"].notna().all()
    deaths = casualties.monthly(db, Filters())
    assert deaths["deaths_best"].dropna().ge(5).all()
    assert deaths["deaths_best"].isna().any()  # the 3 deaths in Aleppo, January


def test_internal_mode_keeps_small_counts(db, internal):
    series = timeline.displacement_series(db, Filters())
    assert series.loc[series["figure_type"] == "returns", "individuals"].tolist() == [3.0]


def test_public_export_carries_the_suppression(db, public):
    from dashboard.export.files import export_named

    _, exported = export_named("displacement-timeline", "csv", Filters(extra=(("reports", "all"),)), db)  # every report
    rows = list(csv.DictReader(io.StringIO(exported.data.decode("utf-8-sig"))))
    returns = [r for r in rows if "returns" in " ".join(r.values()).lower()]
    assert returns and all(r.get("individuals", "") in ("", "nan") for r in returns), returns


def _map_page(db: Path, monkeypatch) -> AppTest:
    """The map page, which draws every camp as a marker."""
    monkeypatch.setenv("DISPLACEMENT_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("views/map.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _decode(values) -> list[float]:
    """Plotly sends arrays as {'dtype', 'bdata'} (base64); lists stay lists."""
    if isinstance(values, dict) and "bdata" in values:
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).round(3).tolist()
    return [round(v, 3) for v in values if v is not None]


def _camp_points(at: AppTest) -> list[tuple[float, float]]:
    """The (lat, lon) of every camp marker the map drew."""
    points = []
    for chart in at.get("plotly_chart"):
        for trace in json.loads(chart.proto.spec)["data"]:
            if str(trace.get("name", "")).startswith("Camps"):
                points += list(zip(_decode(trace["lat"]), _decode(trace["lon"])))
    return points


def test_map_in_public_mode_shows_camps_only_at_sub_district_centroids(db, public, monkeypatch):
    assert _camp_points(_map_page(db, monkeypatch)) == [DANA]  # CAMP-B has no centroid: not drawn


def test_map_in_internal_mode_shows_the_camps_points(db, internal, monkeypatch):
    assert _camp_points(_map_page(db, monkeypatch)) == [ATMA, (35.933, 36.633)]
