"""The map's readability layers (dashboard/maps.py): place labels that do not collide, the joint-patrol
route with its dates, returns as their own layer, area markers told apart."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import synthetic
from dashboard import catalog, i18n, maps
from etl.load import load_paths
from warehouse.queries import Filters, run

OFFENSIVE = Filters(start=date(2019, 12, 1), end=date(2020, 3, 31))


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> Path:
    """The synthetic warehouse plus a returns row at Atma and a patrol event."""
    folder = tmp_path_factory.mktemp("maps")
    db = synthetic.build(folder / "warehouse.duckdb", folder / "csv")
    (folder / "extra").mkdir()
    extra = [  # named as the readers expect
        synthetic._write(folder / "extra" / "displacement.csv",
                  ["period_start", "period_end", "origin_pcode", "destination_pcode", "figure_type", "individuals"],
                  [["2020-04-01", "2020-04-30", "", "C4130", "returns", 1500]]),
        synthetic._write(folder / "extra" / "events.csv", ["event_date", "title", "description", "category"],
                  [["2020-03-15", "First joint patrol, cut short", "Synthetic", "patrol"]]),
    ]
    reports = load_paths(extra, db)
    assert all(r.status != "failed" and not r.rows_rejected for r in reports), [r.message for r in reports]
    return db


def _figure(db: Path, filters: Filters, language: str = "en"):
    with i18n.using(language, "latn"):
        return catalog.build("map-displacement", lambda name, f=None, **kw: run(db, name, f, **kw), filters).figure


def _trace(fig, name: str):
    return next(t for t in fig.data if t.name == name)


def test_the_map_centre_is_at_zero_and_a_degree_east_is_maplibre_pixels():
    assert maps.to_pixels(maps.CENTRE["lat"], maps.CENTRE["lon"]) == pytest.approx((0, 0))
    x, y = maps.to_pixels(maps.CENTRE["lat"], maps.CENTRE["lon"] + 1)
    assert x == pytest.approx(512 * 2 ** maps.ZOOM / 360) and y == pytest.approx(0)
    assert maps.to_pixels(maps.CENTRE["lat"] + 0.5, maps.CENTRE["lon"])[1] > 0  # north is up


@pytest.mark.parametrize("points", [
    [(0, 0), (30, 0)],             # side by side: the names cannot both go right
    [(0, 0), (0, 12)],             # one above the other
    [(0, 0), (20, 8), (10, -10)],  # a cluster like Dana, Sarmada and Bab al-Hawa
])
def test_nearby_labels_are_placed_apart(points):
    texts = ["Sarmada", "Bab al-Hawa crossing", "Dana"][:len(points)]
    spots = maps.label_spots(points, texts)
    boxes = [maps._label_box(x, y, t, s) for (x, y), t, s in zip(points, texts, spots)]
    assert all(maps._overlap(a, b) == 0 for i, a in enumerate(boxes) for b in boxes[i + 1:])


@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_briefing_place_is_labelled_without_collisions(reference_db, language):
    places = run(reference_db, "maps.named_places", None, pcodes=maps.BRIEFING_PLACES)
    assert len(places) == len(maps.BRIEFING_PLACES)
    with i18n.using(language, "latn"):
        names = [maps.label_name(n, a) for n, a in zip(places["name_en"], places["name_ar"])]
    points = [maps.to_pixels(la, lo) for la, lo in zip(places["lat"], places["lon"])]
    spots = maps.label_spots(points, names)
    boxes = [maps._label_box(x, y, t, s) for (x, y), t, s in zip(points, names, spots)]
    assert all(maps._overlap(a, b) == 0 for i, a in enumerate(boxes) for b in boxes[i + 1:])
    fig = _figure(reference_db, OFFENSIVE, language)
    shown = [i18n_strip(a.text) for a in fig.layout.annotations]
    expected = {"en": ["Saraqab", "Dana", "Azaz", "Bab al-Hawa crossing"], "ar": ["سراقب", "دانا", "معبر باب الهوى"]}
    assert set(expected[language]) <= set(shown)


def i18n_strip(text: str) -> str:
    """Text without the bidi isolates an Arabic page wraps around it."""
    return text.strip("\u2066\u2067\u2068\u2069")


def test_the_patrol_route_follows_the_m4_west_of_saraqib_and_lists_the_patrols(wh):
    route = _trace(_figure(wh, OFFENSIVE), "Joint patrol route (M4)")
    lons = [x for x in route.lon if x is not None]
    assert max(lons) < 36.801 and min(lons) < 36.32  # starts west of Saraqib, runs past Jisr ash-Shughur
    assert "15 Mar 2020: First joint patrol, cut short" in route.hovertext


def test_returns_are_their_own_layer_sized_by_the_figure(wh):
    assert run(wh, "maps.returns", Filters(start=date(2020, 1, 1), end=date(2020, 1, 31))).empty
    rows = run(wh, "maps.returns", Filters())
    assert rows[["pcode", "individuals", "lat"]].values.tolist() == [["C4130", 1500, 36.311]]
    returns = _trace(_figure(wh, Filters()), "Returns (size = people)")
    assert "1,500 people returned" in returns.hovertext[0]


def test_area_markers_have_a_colour_each(reference_db):
    fig = _figure(reference_db, OFFENSIVE)
    colours = [t.marker.color for t in fig.data if t.name and " people (" in t.name]
    assert len(colours) >= 2 and len(set(colours)) == len(colours)
