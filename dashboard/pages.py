"""The one list of the dashboard's pages: key (its URL path and its file in dashboard/views/), menu title
and which one is the landing page. The app's navigation, the static snapshot's pages and titles, and the
tests that visit every page read it; a page added here is everywhere at once.

No Streamlit here: the command-line exports read it too.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dashboard.i18n import N_

VIEWS = Path(__file__).parent / "views"


@dataclass(frozen=True)
class PageSpec:
    key: str               # URL path and file stem: dashboard/views/<key>.py, served at /<key>
    title: str             # menu title (English, N_(); shown through _())
    landing: bool = False  # served at / as well

    @property
    def file(self) -> Path:
        return VIEWS / f"{self.key}.py"


PAGES = (
    PageSpec("crisis", N_("Crisis briefing"), landing=True),
    PageSpec("overview", N_("Overview")),
    PageSpec("border", N_("Toward the border")),
    PageSpec("map", N_("Map")),
    PageSpec("camps", N_("Camps")),
    PageSpec("casualties", N_("Casualties")),
    PageSpec("refugees", N_("Refugees")),
    PageSpec("figures", N_("Figures side by side")),
    PageSpec("data", N_("Data and sources")),
)
KEYS = tuple(page.key for page in PAGES)
BY_KEY = {page.key: page for page in PAGES}
LANDING = next(page for page in PAGES if page.landing)


def charts_of(key: str) -> list[str]:
    """The catalogue charts a page shows, in the order it shows them: the crisis briefing tells the story's
    sections (dashboard.story), every other page its own charts (dashboard.catalog)."""
    from dashboard import catalog, story

    if key == LANDING.key:
        return story.pack_charts()
    return [spec.name for spec in catalog.charts_on(key)]
