"""The story's headline wording (dashboard/story.py): a headline says whose figure it is."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard import story
from etl.specs import CASUALTY_CATEGORIES


def _death_row(category: str) -> pd.Series:
    return pd.Series({"category": category, "value": 18.0, "period_start": date(2019, 12, 1),
                      "period_end": date(2020, 3, 31), "source_publisher": "WHO", "source_title": "t",
                      "source_date": date(2020, 4, 1)})


def test_every_casualty_category_has_headline_words():
    assert set(story.DEATH_HEADLINES) == set(CASUALTY_CATEGORIES)


@pytest.mark.parametrize("category, label", [
    ("all", "Deaths recorded"), ("health_workers", "Health workers killed"), ("civilians", "Civilian deaths recorded"),
])
def test_a_subset_of_deaths_never_reads_as_all_deaths(category, label):
    headline = story._deaths(_death_row(category))
    assert headline.label == label and "_" not in headline.label


def test_the_camps_headline_without_a_camp_list_names_the_shelter_kind():
    row = pd.Series({"figure_type": "idps_in_open", "value": 17_000.0, "period_end": date(2020, 2, 23),
                     "source_publisher": "UN OCHA", "source_title": "t", "source_date": date(2020, 6, 9),
                     "also": "IDPs living in tents: 135,000"})
    headline = story._camps(row)
    assert headline.label == "IDPs living in the open" and headline.is_stock
    assert headline.note == "Same report: IDPs living in tents: 135,000"
