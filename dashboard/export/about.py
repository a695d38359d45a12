"""What every exported file says about itself: title, filters, sources,
reference period, export date and warehouse version.

A figure pasted into a briefing without its source and reference date is a
liability, so every format (image footer, XLSX "About" sheet, CSV sidecar
text, HTML footer, briefing pack) is written from this one `About`.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from dashboard import formats, i18n
from dashboard.i18n import N_, _, ngettext
from dashboard.catalog import ChartData
from warehouse.queries import Filters

PROJECT = N_("Northwest Syria displacement dashboard")


def day(value: date | None) -> str:
    """1 Dec 2019 (no leading zero), the form briefings use (dashboard/formats.py)."""
    return formats.day(value, "…")


def period_text(start: date | None, end: date | None) -> str:
    """The period as every export writes it: dashboard.formats' rule, 'not stated' when there is none."""
    return formats.period_text(start, end, empty=_("not stated"))


def describe_filters(filters: Filters, names: Mapping[str, str] | None = None) -> str:
    """The active filters in words, e.g. 'Period: 1 Dec 2019 – 31 Mar 2020 · Governorates: Idleb (SY07)'.

    `names` maps P-codes and source ids to readable names (from the warehouse).
    """
    names = names or {}
    parts = []
    if filters.start or filters.end:
        parts.append(_("Period: {start} – {end}").format(start=day(filters.start) if filters.start else _("any"),
                                                        end=day(filters.end) if filters.end else _("any")))
    labelled = ((N_("Governorates"), filters.governorates), (N_("Sources"), filters.sources),
                (N_("Figure types"), filters.figure_types))
    for label, values in labelled:
        if values:
            parts.append(f"{_(label)}: " + ", ".join(_named(v, names) for v in values))
    parts.extend(f"{_(EXTRA_LABELS.get(key, key.replace('_', ' ').capitalize()))}: {_named(value, names)}"
                 for key, value in filters.extra)
    return " · ".join(parts) or _("No filters: every figure in the warehouse")


EXTRA_LABELS = {"District": N_("District"), "district": N_("District"), "breakdown": N_("Breakdown"),
                "level": N_("Level"), "month": N_("Month")}


def _named(code: str, names: Mapping[str, str]) -> str:
    return f"{names[code]} ({i18n.isolate(code)})" if code in names and names[code] != code else code


@dataclass(frozen=True)
class About:
    """The citation block of one export."""

    title: str
    filters: str
    sources: tuple[str, ...]
    period: tuple[date | None, date | None]
    exported_on: date
    warehouse_version: str = ""
    measure: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def period_text(self) -> str:
        return period_text(*self.period)

    @property
    def sources_text(self) -> str:
        return "; ".join(self.sources) or _("no source recorded")

    def sources_brief(self, limit: int = 500) -> str:
        """The sources, short enough for an image footer.

        A timeline can cite fifty reports; under a chart we then name the
        publishers (with how many documents each) and point to the full list.
        """
        if len(self.sources_text) <= limit:
            return self.sources_text
        counts = Counter(source.split(", ", 1)[0] for source in self.sources)
        named = [ngettext("{publisher} ({count} document)", "{publisher} ({count} documents)", n).format(
                     publisher=p, count=i18n.number(n)) if n > 1 else p
                 for p, n in counts.most_common()]
        shown = []
        for item in named:
            if len("; ".join(shown + [item])) > limit:
                break
            shown.append(item)
        left = len(named) - len(shown)
        more = "; " + ngettext("and {count} more publisher", "and {count} more publishers", left).format(
            count=i18n.number(left)) if left else ""
        return _("{publishers}{more}. Titles and dates of all {count} documents: "
                 "the About sheet of the XLSX export and the briefing pack.").format(
            publishers="; ".join(shown), more=more, count=i18n.number(len(self.sources)))

    def footer_lines(self) -> list[str]:
        """The three lines an image carries under the plot."""
        if i18n.language() == "en":
            return [
                f"Sources: {self.sources_brief()}",
                f"Reference period: {self.period_text}." + (f" {self.measure}" if self.measure else ""),
                f"Exported {self.exported_on:%Y-%m-%d} from the {PROJECT}"
                + (f" (warehouse: {self.warehouse_version})" if self.warehouse_version else "") + ".",
            ]
        return [
            _("Sources: {sources}").format(sources=i18n.isolate(self.sources_brief())),
            _("Reference period: {period}").format(period=self.period_text) + "." + (f" {self.measure}" if self.measure else ""),
            _("Exported {day} from the {project}").format(day=day(self.exported_on), project=_(PROJECT))
            + (" " + _("(warehouse: {version})").format(version=i18n.isolate(self.warehouse_version))
               if self.warehouse_version else "") + ".",
        ]

    def rows(self) -> list[tuple[str, str]]:
        """Label/value pairs for the XLSX About sheet and the CSV sidecar."""
        return [
            (_("Title"), self.title),
            (_("Filters"), self.filters),
            (_("Sources"), self.sources_text),
            (_("Reference period"), self.period_text),
            (_("Measure"), self.measure),
            (_("Export date"), f"{self.exported_on:%Y-%m-%d}"),
            (_("Warehouse version"), self.warehouse_version),
            (_("Produced by"), _(PROJECT)),
            *((_("Note"), n) for n in self.notes),
        ]

    def text(self) -> str:
        return "\n".join(f"{label}: {value}" for label, value in self.rows() if value) + "\n"


def about_chart(chart: ChartData, filters: Filters, *, names: Mapping[str, str] | None = None,
                exported_on: date | None = None, warehouse_version: str = "") -> About:
    """The About of one chart under the given filters."""
    return About(
        title=chart.title,
        filters=describe_filters(filters, names),
        sources=tuple(str(s) for s in chart.sources),
        period=chart.period,
        exported_on=exported_on or date.today(),
        warehouse_version=warehouse_version,
        measure=chart.measure,
    )


def file_stem(name: str, filters: Filters, period: tuple[date | None, date | None] = (None, None)) -> str:
    """What and when: `displacement-timeline_2019-12-01_2020-03-31`.

    The filter dates when the user chose them, else the chart's reference period;
    selected governorates are added so two regional exports don't collide.
    """
    start = filters.start or period[0]
    end = filters.end or period[1]
    parts = [_slug(name)]
    if filters.governorates:
        parts.append("-".join(_slug(g) for g in filters.governorates[:3]))
    parts.append(f"{start:%Y-%m-%d}" if start else "start")
    parts.append(f"{end:%Y-%m-%d}" if end else "latest")
    return "_".join(parts)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "export"
