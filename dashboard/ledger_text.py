"""The ledger (warehouse.queries.ledger) in the page's language: questions, roles, the quoting rule,
reasons, and the caption every headline carries ("one of N published figures; range X–Y")."""
from __future__ import annotations

import pandas as pd

from dashboard import i18n
from dashboard.drawing import FIGURE_LABELS, POPULATION_LABELS
from dashboard.i18n import N_, _
from warehouse.queries.ledger import QUESTIONS, QUOTE_RULE, reason_words, spread

QUESTION_TEXT: dict[str, str] = {q.key: q.text for q in QUESTIONS}
RULE_TEXT: tuple[str, ...] = tuple(words for _key, words in QUOTE_RULE)
ROLE_TEXT = {"quoted": N_("Quoted"), "corroborating": N_("Corroborating"), "revision": N_("Revision"),
             "other": N_("Other basis")}
# Which ledger question a headline answers (story.HEADLINES names its query).
HEADLINE_QUESTION = {"headlines.displaced": "displaced", "headlines.deaths": "deaths",
                     "headlines.refugees_in_turkey": "refugees_turkey"}


def what(figure_type: str) -> str:
    """What a figure counts, in words ('civilians' is a casualty category here)."""
    if figure_type == "civilians":
        return _("civilians killed")
    return FIGURE_LABELS.get(figure_type) or POPULATION_LABELS.get(figure_type, str(figure_type).replace("_", " "))


def reasons(ledger: pd.DataFrame) -> list[str]:
    return [reason_words(code, row, _) for code, row in zip(ledger["reason_code"], ledger.to_dict("records"))]


def caption(ledger: pd.DataFrame) -> str:
    """'One of 15 published figures; range 948,000–961,300 (see Figures side by side)'."""
    low, high = spread(ledger)
    span = _("range {low}–{high}").format(low=i18n.number(low), high=i18n.number(high)) if low != high \
        else _("no other figure for the same place and window")
    if len(ledger) == 1:
        return _("the only published figure (see Figures side by side)")
    return _("one of {count} published figures; {spread} (see Figures side by side)").format(
        count=i18n.number(len(ledger)), spread=span)
