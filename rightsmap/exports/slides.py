"""The presentation's slides and its headline figures, shared by the page, the brief and the deck."""

from __future__ import annotations

from dataclasses import dataclass

from rightsmap.data import metrics
from rightsmap.domain.filters import Filters, month_text
from rightsmap.domain.i18n import Translator
from rightsmap.domain.vocab import N_
from rightsmap.exports.data import ExportData

# In the order they are shown.
SLIDES: dict[str, str] = {
    "headline": N_("Headline figures"),
    "map": N_("Map"),
    "timeline": N_("Cases month by month, with events"),
    "reach": N_("Reach against violations"),
}
HEADLINE = (
    ("cases", N_("Documented cases"), "cases"),
    ("raids", N_("Raids"), "raid_events"),
    ("people_detained_in_raids", N_("People detained in raids"), "people_detained_in_raids"),
    ("coverage_pct", N_("Coverage, % of plan"), "coverage_pct"),
)


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: str
    change: str | None  # against the previous period of equal length; None where undefined
    worse_when_up: bool  # more abuse is worse, more coverage is better
    definition: str


def headline(data: ExportData, _: Translator) -> list[Figure]:
    """The four headline figures, each against the previous period of equal length."""
    figures = []
    for key, label, metric in HEADLINE:
        value, previous = data.summary[key], (data.previous or {}).get(key)
        # As on the Overview page: change in points for coverage, in per cent for counts, signed.
        if key == "coverage_pct":
            shown = _.percent(value)
            change = None if value is None or previous is None else _(
                "{change} points", change=_.number(value - previous, decimals=1))
        else:
            shown = _.number(value)
            pct = metrics.change(value, previous)
            change = None if pct is None else _.percent(pct)
        if change is not None and not change.startswith("-"):
            change = "+" + change
        figures.append(Figure(key, _(label), shown, change, key != "coverage_pct",
                              _(metrics.METRICS[metric].definition)))
    return figures


def comparison_note(data: ExportData, _: Translator) -> str:
    return comparison_text(data.filters, data.previous is not None, _)


def comparison_text(filters: Filters, compared: bool, _: Translator) -> str:
    """What the changes are against, or the true reason there are none (the page, the brief and the deck)."""
    if compared:
        return _("Change against the previous {months} months.", months=filters.months)
    data_first = Filters().month_from
    if filters.month_from <= data_first:
        return _("No earlier data to compare with: the period starts at the beginning of the data ({first}).",
                 first=month_text(data_first))
    before = filters.previous()
    return _("No change shown: the previous {months} months ({first} to {last}) are not fully covered by the "
             "data, which start in {start}.", months=filters.months, first=month_text(before.month_from),
             last=month_text(before.month_to), start=month_text(data_first))


def metric_label(data: ExportData, _: Translator) -> str:
    """The map metric's name, with its violation type where it has one."""
    if data.violation_type is not None:
        return _("Cases: {type}", type=_.violation_type(data.violation_type))
    return _(metrics.METRICS[data.metric].label)
