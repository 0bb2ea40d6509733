"""Service reach: planned against reached by region and quarter, beside violations and raids."""

import pandas as pd
import streamlit as st

from rightsmap import cache, charts, ui

filters = ui.current_filters()
st.title("Service reach")
st.caption(ui.describe(filters) + " · quarters wholly inside the period")

total = cache.reach_series(filters, by_region=False)
if total.empty:
    st.info("No quarter lies wholly inside the chosen period. Widen the period to at least one full quarter.")
    st.stop()

names = {code: ui.region_name(code) for code in filters.regions}
by_region = cache.reach_series(filters, by_region=True)
cases = cache.cases_series(filters, by="perpetrator", grain="quarter", by_region=False)
raids = cache.raids_series(filters, grain="quarter", by_region=False)

st.subheader("Reach against cases and raids, quarter by quarter")
domain = charts.time_domain(filters.month_from, filters.month_to)
pressure = pd.concat([
    cases.groupby("period", as_index=False)["cases"].sum().rename(columns={"cases": "count"}).assign(measure="cases"),
    raids.rename(columns={"raid_events": "count"})[["period", "count"]].assign(measure="raids"),
])
st.altair_chart(charts.planned_vs_reached(total, domain=domain).properties(height=260), width="stretch")
bottom = charts.lines(pressure, value="count", value_title="Cases and raids", grain="quarter", series="measure",
                      series_labels={"cases": "Documented cases", "raids": "Raids"}, domain=domain)
events = cache.events(filters)
st.altair_chart(charts.with_events(bottom, events).properties(height=220), width="stretch")
ui.event_list(events)

st.subheader("Coverage by region")
st.altair_chart(charts.coverage_line(by_region, series_labels=names, domain=domain).properties(height=320),
                width="stretch")

st.subheader("Planned and reached, by region and quarter")
table = by_region.assign(region=by_region["region"].map(names), quarter=by_region["quarter"].map(
    lambda q: f"{q.year}-Q{(q.month - 1) // 3 + 1}"))
st.dataframe(table.pivot(index="region", columns="quarter", values="coverage_pct"),
             column_config={"_index": st.column_config.TextColumn("Region")})
with st.expander("Planned and reached counts"):
    st.dataframe(table[["quarter", "region", "planned", "reached", "coverage_pct"]], hide_index=True)
