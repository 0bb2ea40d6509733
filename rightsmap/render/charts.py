"""Altair chart builders: pure functions from frames to charts, no Streamlit.

Time charts take the period as an explicit x domain and reserve the same
width for their y axis, so charts drawn one above the other share one time
axis: a rise in raids lines up with a fall in reach.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, TypeGuard

import altair as alt
import pandas as pd

from rightsmap.domain.i18n import Translator, translator

# Colour-blind-safe categorical palette (Okabe-Ito), readable on a projector.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#999999", "#000000")
EVENT_COLOR = "#B00020"
Y_AXIS_WIDTH = 64  # pixels reserved for every y axis, so stacked charts align
Domain = tuple[dt.date, dt.date]
# A finished chart of any kind (what alt.layer, alt.vconcat and st.altair_chart take).
AnyChart = alt.Chart | alt.LayerChart | alt.FacetChart | alt.ConcatChart | alt.HConcatChart | alt.VConcatChart \
    | alt.RepeatChart
ENGLISH = translator("en")


def time_domain(month_from: dt.date, month_to: dt.date) -> Domain:
    """The x domain for a period: the first day of its first month to the first day after its last."""
    after = dt.date(month_to.year + (month_to.month == 12), month_to.month % 12 + 1, 1)
    return month_from, after


def _time_unit(grain: str) -> str:
    return "yearquarter" if grain == "quarter" else "yearmonth"


def _time_format(grain: str, translate: Translator) -> str:
    # Quarters are written differently in each language (2017 Q2, 2 кв. 2017).
    return translate("%Y Q%q") if grain == "quarter" else "%Y-%m"


def _x(grain: str, domain: Domain | None, translate: Translator) -> alt.X:
    scale = alt.Scale(domain=[d.isoformat() for d in domain]) if domain else alt.Undefined
    return alt.X(f"{_time_unit(grain)}(period):T", title=None, scale=scale,
                 axis=alt.Axis(format=_time_format(grain, translate), labelOverlap=True, labelFlush=True))


def _y(field: str, title: str, *, whole: bool = True) -> alt.Y:
    """A value axis; whole (a count) has ticks on whole numbers only, never 2,5."""
    ticks: dict[str, Any] = {"tickMinStep": 1, "format": ",d"} if whole else {}
    return alt.Y(field, title=title, axis=alt.Axis(minExtent=Y_AXIS_WIDTH, maxExtent=Y_AXIS_WIDTH, **ticks))


def _legend(title: str | None, columns: int = 5) -> alt.Legend:
    # One column (a narrow chart's legend) has room for whole labels; several share the width.
    return alt.Legend(title=title, orient="bottom", columns=columns, labelLimit=0 if columns == 1 else 200)


def _period_tooltip(grain: str, translate: Translator) -> alt.Tooltip:
    return alt.Tooltip(f"{_time_unit(grain)}(period):T", title=translate("Period"),
                       format=_time_format(grain, translate))


def stacked_cases(frame: pd.DataFrame, *, labels: Mapping[str, str], grain: str, legend_title: str,
                  domain: Domain | None = None, legend_columns: int = 5,
                  translate: Translator = ENGLISH) -> alt.Chart:
    """Cases per period stacked by category (violation type or perpetrator), in the order of labels."""
    order = list(labels.values())
    data = frame.assign(category_label=[labels.get(v, v) for v in frame["category"]])
    data["category_order"] = [order.index(v) if v in order else len(order) for v in data["category_label"]]
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=_x(grain, domain, translate),
            y=_y("sum(cases):Q", translate("Cases")),
            color=alt.Color("category_label:N", sort=order, legend=_legend(legend_title, legend_columns),
                            scale=alt.Scale(domain=order, range=list(PALETTE[: len(order)]))),
            order=alt.Order("category_order:Q"),
            tooltip=[_period_tooltip(grain, translate), alt.Tooltip("category_label:N", title=legend_title),
                     alt.Tooltip("sum(cases):Q", title=translate("Cases"))],
        )
    )


def lines(frame: pd.DataFrame, *, value: str, value_title: str, grain: str, series: str = "region",
          series_labels: Mapping[str, str] | None = None, domain: Domain | None = None,
          translate: Translator = ENGLISH) -> alt.Chart:
    """One line per series (a region, or a measure) of one value over time."""
    labels = dict(series_labels or {})
    data = frame.assign(series_label=[labels.get(v, v) for v in frame[series]])
    return (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=_x(grain, domain, translate),
            y=_y(f"{value}:Q", value_title, whole=not value.endswith("_pct")),
            color=alt.Color("series_label:N", legend=_legend(None), scale=alt.Scale(range=list(PALETTE))),
            tooltip=[_period_tooltip(grain, translate), alt.Tooltip("series_label:N", title=""),
                     alt.Tooltip(f"{value}:Q", title=value_title, format=",")],
        )
    )


def planned_vs_reached(frame: pd.DataFrame, *, domain: Domain | None = None,
                       translate: Translator = ENGLISH) -> AnyChart:
    """Per quarter: planned as a light bar, reached as a dark bar inside it, coverage % in the tooltip."""
    planned_label, reached_label = translate("Planned"), translate("Reached")
    data = frame.rename(columns={"quarter": "period", "planned": planned_label, "reached": reached_label}).melt(
        id_vars=["period", "coverage_pct"], value_vars=[planned_label, reached_label], var_name="measure",
        value_name="people")
    tooltip = [_period_tooltip("quarter", translate), alt.Tooltip("measure:N", title=""),
               alt.Tooltip("people:Q", title=translate("People"), format=","),
               alt.Tooltip("coverage_pct:Q", title=translate("Coverage, % of plan"), format=".1f")]
    colour = alt.Color("measure:N", legend=_legend(None),
                       scale=alt.Scale(domain=[planned_label, reached_label], range=["#C6DBEF", "#08519C"]))
    base = alt.Chart(data).encode(x=_x("quarter", domain, translate), y=_y("people:Q", translate("People")),
                                  color=colour, tooltip=tooltip)
    planned = base.transform_filter(alt.datum.measure == planned_label).mark_bar(size=16)
    reached = base.transform_filter(alt.datum.measure == reached_label).mark_bar(size=8)
    return alt.layer(planned, reached)


def coverage_line(frame: pd.DataFrame, *, series_labels: Mapping[str, str] | None = None,
                  domain: Domain | None = None, translate: Translator = ENGLISH) -> AnyChart:
    """Coverage % of plan per quarter, one line per region, with the 100% plan line."""
    data = frame.rename(columns={"quarter": "period"})
    chart = lines(data, value="coverage_pct", value_title=translate("Coverage, % of plan"), grain="quarter",
                  series_labels=series_labels, domain=domain, translate=translate)
    plan = alt.Chart(pd.DataFrame({"plan": [100]})).mark_rule(strokeDash=[4, 4], color="#555").encode(y="plan:Q")
    return alt.layer(chart, plan)


def with_events(chart: AnyChart, events: pd.DataFrame, *,
                translate: Translator = ENGLISH) -> AnyChart:
    """Draw dated events (with a `title` column) over a time chart as numbered dashed rules, titles in tooltips."""
    if events.empty:
        return alt.layer(chart)
    data = events.assign(number=[str(n) for n in range(1, len(events) + 1)], title=events["title"].fillna(""))
    base = alt.Chart(data).encode(x=alt.X("event_date:T"))
    tooltip = [alt.Tooltip("event_date:T", title=translate("Date"), format="%Y-%m"),
               alt.Tooltip("title:N", title=translate("Event"))]
    rules = base.mark_rule(color=EVENT_COLOR, strokeDash=[3, 3], strokeWidth=1.5).encode(tooltip=tooltip)
    numbers = base.mark_text(color=EVENT_COLOR, dy=-4, fontWeight="bold", baseline="bottom").encode(
        y=alt.value(0), text="number:N", tooltip=tooltip)
    return alt.layer(chart, rules, numbers)


def breakdown(*, counts: Mapping[str, int], labels: Mapping[str, str], title: str,
              translate: Translator = ENGLISH) -> alt.Chart:
    """A horizontal bar per category, largest first."""
    data = pd.DataFrame({"category": [labels.get(k, k) for k in counts], "cases": list(counts.values())})
    return (
        alt.Chart(data, title=title)
        .mark_bar(color=PALETTE[0])
        .encode(
            x=alt.X("cases:Q", title=translate("Cases"), axis=alt.Axis(tickMinStep=1, format=",d")),
            # Every category labelled: no label is dropped for overlap, none is cut short.
            y=alt.Y("category:N", title=None, sort="-x", axis=alt.Axis(labelOverlap=False, labelLimit=0)),
            tooltip=[alt.Tooltip("category:N", title=""), alt.Tooltip("cases:Q", title=translate("Cases"))],
        )
        .properties(height=alt.Step(18))
    )


def vega_locale(translate: Translator) -> dict:
    """Vega's number and time locale for the language: 1 234,5 and month names in Russian and Kyrgyz."""
    symbols = translate.locale.number_symbols.get("latn", translate.locale.number_symbols)
    months = [translate.locale.months["stand-alone"]["wide"][m] for m in range(1, 13)]
    short = [translate.locale.months["stand-alone"]["abbreviated"][m] for m in range(1, 13)]
    days = [translate.locale.days["stand-alone"]["wide"][d] for d in (6, 0, 1, 2, 3, 4, 5)]
    short_days = [translate.locale.days["stand-alone"]["abbreviated"][d] for d in (6, 0, 1, 2, 3, 4, 5)]
    return {
        "number": {"decimal": symbols["decimal"], "thousands": symbols["group"], "grouping": [3],
                   "currency": ["", ""]},
        "time": {"dateTime": "%x %X", "date": "%d.%m.%Y", "time": "%H:%M:%S", "periods": ["AM", "PM"],
                 "days": days, "shortDays": short_days, "months": months, "shortMonths": short},
    }


def localized(chart: AnyChart, translate: Translator) -> AnyChart:
    """The chart with Vega's locale set for the language (numbers and month names)."""
    return chart.configure(locale=vega_locale(translate))


BUILDERS: dict[str, Callable[..., AnyChart]] = {
    "stacked_cases": stacked_cases,
    "lines": lines,
    "planned_vs_reached": planned_vs_reached,
    "coverage_line": coverage_line,
    "breakdown": breakdown,
}


def spec(kind: str, lang: str, options: tuple[tuple[str, object], ...], frame: pd.DataFrame | None = None,
         events: pd.DataFrame | None = None, height: int | None = None) -> dict:
    """The finished Vega-Lite spec of one chart, from hashable arguments, so it can be cached.

    Options are (name, value) pairs; a value given as a tuple of pairs is a mapping (labels keep their order).
    """
    translate = translator(lang)
    kwargs = {name: dict(value) if _is_pairs(value) else value for name, value in options}
    figure = BUILDERS[kind](frame, translate=translate, **kwargs) if frame is not None \
        else BUILDERS[kind](translate=translate, **kwargs)
    if height is not None:
        figure = figure.properties(height=height)
    if events is not None:
        figure = with_events(figure, events, translate=translate)
    # Built by these tested builders, so Altair's schema validation is skipped: it would be most of a
    # warm rerun of a page with charts.
    finished = figure.to_dict(validate=False)
    # The two top-level settings go into the finished spec: through Altair (`properties`, `configure`)
    # they cost about 8 ms of a staff overview's rerun after a filter change (profiled in AppTest).
    # The height is the plot's, and the legend and axes add to it ("fit-x"). With Streamlit's default
    # ("fit") they are taken out of it: a nine-row legend left a region's timeline 30 px high.
    finished["autosize"] = {"type": "fit-x", "contains": "padding"}
    finished.setdefault("config", {})["locale"] = vega_locale(translate)
    return finished


def _is_pairs(value: object) -> TypeGuard[tuple[tuple[Any, Any], ...]]:
    return isinstance(value, tuple) and all(isinstance(v, tuple) and len(v) == 2 for v in value) and bool(value)
