"""Timelines: cases by type or perpetrator, raids, detentions and reach, per month or quarter, with events."""

import streamlit as st

from rightsmap import cache, charts, ui
from rightsmap.vocab import PERPETRATORS, VIOLATION_TYPES

SERIES = {
    "type": "Cases by violation type",
    "perpetrator": "Cases by perpetrator",
    "raids": "Raids and people detained in them",
    "detentions": "Documented detentions",
    "reach": "Reach: planned against reached",
}

filters = ui.current_filters()
st.title("Timelines")
st.caption(ui.describe(filters))

left, middle, right = st.columns([2, 1, 1])
series = left.selectbox("Series", list(SERIES), format_func=SERIES.get, key="timeline_series")
grain = middle.segmented_control("Step", ["month", "quarter"], default="month", key="timeline_grain",
                                 format_func=str.capitalize, disabled=series == "reach") or "month"
compare = right.toggle("Compare regions", key="timeline_compare",
                       help="One line per chosen region instead of their total.")
names = {code: ui.region_name(code) for code in filters.regions}
events = cache.events(filters)
domain = charts.time_domain(filters.month_from, filters.month_to)

if series in ("type", "perpetrator"):
    frame = cache.cases_series(filters, by=series, grain=grain, by_region=compare)
    if compare:
        totals = frame.groupby(["period", "region"], as_index=False)["cases"].sum()
        chart = charts.lines(totals, value="cases", value_title="Cases", grain=grain, series_labels=names,
                             domain=domain)
        if series == "type":
            st.caption("A case with several types counts under each: the lines add up the types you chose.")
    else:
        labels, chosen, legend = ((VIOLATION_TYPES, filters.types, "Violation type") if series == "type"
                                  else (PERPETRATORS, filters.perpetrators, "Perpetrator"))
        chart = charts.stacked_cases(frame, labels={k: labels[k] for k in chosen}, grain=grain, legend_title=legend,
                                     domain=domain)
elif series in ("raids", "detentions"):
    frame = cache.raids_series(filters, grain=grain, by_region=compare)
    value, title = (("raid_events", "Raids") if series == "raids" else ("detentions", "Documented detentions"))
    if compare:
        chart = charts.lines(frame, value=value, value_title=title, grain=grain, series_labels=names,
                             domain=domain)
    else:
        long = frame.melt(id_vars=["period"], value_vars=[value, "people_detained_in_raids" if series == "raids"
                                                         else "detention_days"], var_name="measure")
        chart = charts.lines(long, value="value", value_title="Count", grain=grain, series="measure",
                             series_labels={"raid_events": "Raids", "people_detained_in_raids": "People detained",
                                            "detentions": "Cases with a detention",
                                            "detention_days": "Days in detention"}, domain=domain)
    st.caption("Raids and detentions are recorded by region and month; the type and perpetrator filters do not "
               "apply to them.")
else:
    frame = cache.reach_series(filters, by_region=compare)
    if frame.empty:
        st.info("No quarter lies wholly inside the chosen period, so there is no reach to show. "
                "Widen the period to at least one full quarter.")
        st.stop()
    chart = (charts.coverage_line(frame, series_labels=names, domain=domain) if compare
             else charts.planned_vs_reached(frame, domain=domain))

st.altair_chart(charts.with_events(chart.properties(height=380), events), width="stretch")
ui.event_list(events)
with st.expander("The numbers behind the chart"):
    st.dataframe(frame, hide_index=True)
