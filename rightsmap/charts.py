"""Altair chart builders: pure functions from frames to charts, no Streamlit."""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd

# Colour-blind-safe categorical palette (Okabe-Ito), readable on a projector.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#999999", "#000000")
EVENT_COLOR = "#B00020"


def _x(grain: str, title: str = "") -> alt.X:
    unit = "yearquarter" if grain == "quarter" else "yearmonth"
    return alt.X(f"{unit}(period):T", title=title, axis=alt.Axis(format="%Y-%m" if grain == "month" else "%Y"))


def stacked_cases(frame: pd.DataFrame, *, labels: Mapping[str, str], grain: str, legend_title: str) -> alt.Chart:
    """Cases per period stacked by category (violation type or perpetrator)."""
    data = frame.assign(category_label=[labels.get(v, v) for v in frame["category"]])
    order = [labels.get(c, c) for c in labels]
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=_x(grain),
            y=alt.Y("sum(cases):Q", title="Cases"),
            color=alt.Color("category_label:N", title=legend_title, sort=order,
                            scale=alt.Scale(domain=order, range=list(PALETTE[: len(order)]))),
            tooltip=[alt.Tooltip(f"{'yearquarter' if grain == 'quarter' else 'yearmonth'}(period):T", title="Period"),
                     alt.Tooltip("category_label:N", title=legend_title),
                     alt.Tooltip("sum(cases):Q", title="Cases")],
        )
    )


def lines(frame: pd.DataFrame, *, value: str, value_title: str, grain: str,
          series: str = "region", series_labels: Mapping[str, str] | None = None) -> alt.Chart:
    """One line per series (for example per region) of one value over time."""
    labels = dict(series_labels or {})
    data = frame.assign(series_label=[labels.get(v, v) for v in frame[series]])
    return (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=_x(grain),
            y=alt.Y(f"{value}:Q", title=value_title),
            color=alt.Color("series_label:N", title="", scale=alt.Scale(range=list(PALETTE))),
            tooltip=[alt.Tooltip("period:T", title="Period", format="%Y-%m"),
                     alt.Tooltip("series_label:N", title=""),
                     alt.Tooltip(f"{value}:Q", title=value_title)],
        )
    )


def planned_vs_reached(frame: pd.DataFrame) -> alt.Chart:
    """Per quarter: planned as a light bar, reached as a dark bar inside it, coverage % in the tooltip."""
    data = frame.rename(columns={"quarter": "period"})
    base = alt.Chart(data).encode(x=_x("quarter"))
    tooltip = [alt.Tooltip("yearquarter(period):T", title="Quarter"),
               alt.Tooltip("planned:Q", title="Planned", format=","),
               alt.Tooltip("reached:Q", title="Reached", format=","),
               alt.Tooltip("coverage_pct:Q", title="Coverage, % of plan", format=".1f")]
    planned = base.mark_bar(color="#C6DBEF", size=18).encode(y=alt.Y("planned:Q", title="People"), tooltip=tooltip)
    reached = base.mark_bar(color="#08519C", size=10).encode(y="reached:Q", tooltip=tooltip)
    return alt.layer(planned, reached)


def coverage_line(frame: pd.DataFrame, *, series_labels: Mapping[str, str] | None = None) -> alt.Chart:
    """Coverage % of plan per quarter, one line per region, with the 100% plan line."""
    data = frame.rename(columns={"quarter": "period"})
    chart = lines(data, value="coverage_pct", value_title="Coverage, % of plan", grain="quarter",
                  series_labels=series_labels)
    plan = alt.Chart(pd.DataFrame({"plan": [100]})).mark_rule(strokeDash=[4, 4], color="#555").encode(y="plan:Q")
    return alt.layer(chart, plan)


def with_events(chart: alt.Chart, events: pd.DataFrame, *, title_column: str = "title_en") -> alt.LayerChart:
    """Draw dated events over a time chart as vertical rules, numbered, with the title in the tooltip."""
    if events.empty:
        return alt.layer(chart)
    data = events.assign(number=range(1, len(events) + 1), title=events[title_column].fillna(""))
    base = alt.Chart(data).encode(x=alt.X("event_date:T"))
    tooltip = [alt.Tooltip("event_date:T", title="Date", format="%Y-%m"), alt.Tooltip("title:N", title="Event")]
    rules = base.mark_rule(color=EVENT_COLOR, strokeDash=[3, 3]).encode(tooltip=tooltip)
    marks = base.mark_text(color=EVENT_COLOR, dy=-6, fontWeight="bold", baseline="bottom").encode(
        y=alt.value(0), text="number:Q", tooltip=tooltip)
    return alt.layer(chart, rules, marks)


def breakdown(counts: Mapping[str, int], *, labels: Mapping[str, str], title: str) -> alt.Chart:
    """A horizontal bar per category, largest first."""
    data = pd.DataFrame({"category": [labels.get(k, k) for k in counts], "cases": list(counts.values())})
    return (
        alt.Chart(data, title=title)
        .mark_bar(color=PALETTE[0])
        .encode(
            x=alt.X("cases:Q", title="Cases"),
            y=alt.Y("category:N", title="", sort="-x"),
            tooltip=[alt.Tooltip("category:N", title=""), alt.Tooltip("cases:Q", title="Cases")],
        )
        .properties(height=alt.Step(18))
    )


def aligned(top: alt.Chart, bottom: alt.Chart) -> alt.VConcatChart:
    """Two time charts stacked on one shared time axis, so a rise in one lines up with a fall in the other."""
    return alt.vconcat(top.properties(height=220), bottom.properties(height=220)).resolve_scale(x="shared")
