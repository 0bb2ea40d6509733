"""Overview: headline figures against the previous period, and the national timeline."""

import streamlit as st

from rightsmap import cache, charts, metrics, ui
from rightsmap.vocab import PERPETRATORS

filters = ui.current_filters()
st.title("Overview")
st.caption(ui.describe(filters))

now = cache.summary(filters)
before = cache.summary(filters.previous()) if ui.has_previous(filters) else None
note = ("Change against the previous " + f"{filters.months} months." if before
        else "No earlier data to compare with: the period starts at the beginning of the data.")

columns = st.columns(4)
for column, key, label in zip(
    columns,
    ("cases", "raids", "people_detained_in_raids", "coverage_pct"),
    ("Documented cases", "Raids", "People detained in raids", "Coverage, % of plan"),
    strict=True,
):
    value, previous = now[key], (before or {}).get(key)
    if key == "coverage_pct":
        shown = ui.fmt_pct(value)
        delta = None if value is None or previous is None else f"{value - previous:+.1f} points"
        colour = "normal"  # more coverage is better
    else:
        shown = ui.fmt_int(value)
        change = metrics.change(value, previous)
        delta = None if change is None else f"{change:+.1f}%"
        colour = "inverse"  # more abuse is worse
    column.metric(label, shown, delta=delta, delta_color=colour, border=True,
                  help=metrics.METRICS["raid_events" if key == "raids" else key].definition)
st.caption(note)

st.subheader("Cases by perpetrator, with raids, month by month")
cases = cache.cases_series(filters, by="perpetrator", grain="month", by_region=False)
raids = cache.raids_series(filters, grain="month", by_region=False)
events = cache.events(filters)
domain = charts.time_domain(filters.month_from, filters.month_to)
perpetrators = {code: PERPETRATORS[code] for code in filters.perpetrators}
st.altair_chart(charts.with_events(charts.stacked_cases(cases, labels=perpetrators, grain="month",
                                                        legend_title="Perpetrator", domain=domain), events)
                .properties(height=300), width="stretch")
st.altair_chart(charts.lines(raids.assign(measure="raids"), value="raid_events", value_title="Raids", grain="month",
                             series="measure", series_labels={"raids": "Raids"}, domain=domain)
                .properties(height=200), width="stretch")
ui.event_list(events)
