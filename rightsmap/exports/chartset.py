"""Every chart the presentation and the exports draw, built with rightsmap.render.charts from one ExportData."""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import pandas as pd

from rightsmap.domain.i18n import Translator
from rightsmap.domain.vocab import N_
from rightsmap.exports.data import ExportData, event_titles
from rightsmap.render import charts


def projector(chart: charts.AnyChart) -> charts.AnyChart:
    """Large black type for axes and legends, readable on a projector (keeps the chart's other settings)."""
    # 18 px and up: what reads from the back of a room on a 1920 x 1080 projector.
    return (chart.configure_axis(labelFontSize=18, titleFontSize=20, labelColor="#000000", titleColor="#000000")
            .configure_legend(labelFontSize=18, titleFontSize=20, labelColor="#000000", titleColor="#000000",
                              labelLimit=300))


def _domain(data: ExportData) -> charts.Domain:
    return charts.time_domain(data.filters.month_from, data.filters.month_to)


def _events(data: ExportData, _: Translator) -> pd.DataFrame:
    """Events with their title in the language, in the column the chart builders read."""
    return data.events.assign(title=event_titles(data.events, _.lang))


def timeline(data: ExportData, _: Translator) -> charts.AnyChart:
    """Cases by perpetrator month by month, with the numbered events."""
    labels = {code: _.perpetrator(code) for code in data.filters.perpetrators}
    bars = charts.stacked_cases(data.cases_by_perpetrator, labels=labels, grain="month",
                                legend_title=_("Perpetrator"), domain=_domain(data), translate=_)
    return charts.with_events(bars, _events(data, _), translate=_)


def cases_by_type(data: ExportData, _: Translator) -> charts.AnyChart:
    labels = {code: _.violation_type(code) for code in data.filters.types}
    return charts.stacked_cases(data.cases_by_type, labels=labels, grain="month",
                                legend_title=_("Violation type"), domain=_domain(data), translate=_)


def raids(data: ExportData, _: Translator) -> charts.AnyChart:
    return charts.lines(data.raids.assign(measure="raids"), value="raid_events", value_title=_("Raids"),
                        grain="month", series="measure", series_labels={"raids": _("Raids")}, domain=_domain(data),
                        translate=_)


def reach(data: ExportData, _: Translator) -> charts.AnyChart:
    """Planned against reached per quarter, above cases and raids on the same time axis."""
    # Each part keeps its own colours and y axis; the time axis is the same explicit domain in both.
    return alt.vconcat(reach_planned(data, _), reach_pressure(data, _)).resolve_scale(color="independent",
                                                                                       y="independent")


def reach_planned(data: ExportData, _: Translator) -> charts.AnyChart:
    return charts.planned_vs_reached(data.reach, domain=_domain(data), translate=_)


def reach_pressure(data: ExportData, _: Translator) -> charts.AnyChart:
    """Cases and raids per quarter, with the numbered events."""
    quarter = pd.to_datetime(data.cases_by_perpetrator["period"]).dt.to_period("Q").dt.start_time
    cases = (data.cases_by_perpetrator.assign(period=quarter).groupby("period", as_index=False)["cases"].sum()
             .rename(columns={"cases": "count"}).assign(measure="cases"))
    raid_quarter = pd.to_datetime(data.raids["period"]).dt.to_period("Q").dt.start_time
    raid_counts = (data.raids.assign(period=raid_quarter).groupby("period", as_index=False)["raid_events"].sum()
                   .rename(columns={"raid_events": "count"}).assign(measure="raids"))
    lines = charts.lines(pd.concat([cases, raid_counts], ignore_index=True), value="count",
                         value_title=_("Cases and raids"), grain="quarter", series="measure",
                         series_labels={"cases": _("Documented cases"), "raids": _("Raids")}, domain=_domain(data),
                         translate=_)
    return charts.with_events(lines, _events(data, _), translate=_)


def coverage_by_region(data: ExportData, _: Translator) -> charts.AnyChart:
    names = {code: _.region(code) for code in data.filters.regions}
    return charts.coverage_line(data.reach_by_region, series_labels=names, domain=_domain(data), translate=_)


def by_type(data: ExportData, _: Translator) -> charts.AnyChart:
    labels = {code: _.violation_type(code) for code in data.summary["cases_by_type"]}
    return charts.breakdown(counts=data.summary["cases_by_type"], labels=labels, title="", translate=_)


def by_perpetrator(data: ExportData, _: Translator) -> charts.AnyChart:
    labels = {code: _.perpetrator(code) for code in data.summary["cases_by_perpetrator"]}
    return charts.breakdown(counts=data.summary["cases_by_perpetrator"], labels=labels, title="", translate=_)


# name -> (title, builder). The names are the file names.
CHARTS: dict[str, tuple[str, Callable[[ExportData, Translator], charts.AnyChart]]] = {
    "timeline": (N_("Cases by perpetrator, month by month, with events"), timeline),
    "cases_by_type": (N_("Cases by violation type, month by month"), cases_by_type),
    "raids": (N_("Raids, month by month"), raids),
    "reach": (N_("Reach against cases and raids, quarter by quarter"), reach),
    "coverage_by_region": (N_("Coverage by region, % of plan"), coverage_by_region),
    "by_type": (N_("Cases by violation type"), by_type),
    "by_perpetrator": (N_("Cases by perpetrator"), by_perpetrator),
}
# The table behind each chart (see tables.TABLES).
CHART_TABLES: dict[str, str] = {
    "timeline": "cases_by_perpetrator", "cases_by_type": "cases_by_type", "raids": "raids", "reach": "reach",
    "coverage_by_region": "coverage_by_region", "by_type": "by_type", "by_perpetrator": "by_perpetrator",
}  # fmt: skip
