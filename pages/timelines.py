"""Timelines: cases by type or perpetrator, raids, detentions and reach, per month or quarter, with events."""

import streamlit as st

from rightsmap.data import metrics
from rightsmap.domain.vocab import N_
from rightsmap.render import charts
from rightsmap.web import cache, downloads, links, ui
from rightsmap.web.staff import require as require_staff

require_staff()  # exact counts: staff only, whatever the address

SERIES = {
    "type": N_("Cases by violation type"),
    "perpetrator": N_("Cases by perpetrator"),
    "raids": N_("Raids and people detained in them"),
    "detentions": N_("Documented detentions"),
    "reach": N_("Reach: planned against reached"),
    "cases_per_100": N_("Cases per 100 estimated sex workers"),
    "coverage_of_estimate": N_("Coverage, % of estimated sex workers"),
}
GRAINS = {"month": N_("Month"), "quarter": N_("Quarter")}
LINK = (  # what the link holds beside the filters
    links.Choice("series", "timeline_series", tuple(SERIES), "type", SERIES["type"]),
    links.Choice("grain", "timeline_grain", tuple(GRAINS), "month", GRAINS["month"]),
    links.Choice("compare", "timeline_compare", (), None, N_("one line for all chosen regions"), switch=True),
)

filters = ui.current_filters()
_ = ui.translator()
notices = links.seed("timelines", LINK)
st.title(_("Timelines"))
st.caption(ui.describe(filters))
links.show_notices(notices, _)

left, middle, right = st.columns([2, 1, 1])
series = left.selectbox(_("Series"), list(SERIES), format_func=lambda key: _(SERIES[key]), key="timeline_series")
st.session_state.setdefault("timeline_grain", "month")  # the default, unless the link chose
grain = middle.segmented_control(_("Step"), list(GRAINS), key="timeline_grain",
                                 format_func=lambda key: _(GRAINS[key]),
                                 disabled=series in ("reach", "coverage_of_estimate")) or "month"
compare = right.toggle(_("Compare regions"), key="timeline_compare",
                       help=_("One line per chosen region instead of their total."),
                       disabled=series in metrics.RATE_METRICS)  # a rate is always drawn per region
links.mirror(LINK, {"series": series, "grain": grain, "compare": compare})
names = {code: _.region(code) for code in filters.regions}
events = ui.events(filters)
domain = charts.time_domain(filters.month_from, filters.month_to)

if series in ("type", "perpetrator"):
    frame = cache.cases_series(filters, by=series, grain=grain, by_region=compare)
    if compare:
        totals = frame.groupby(["period", "region"], as_index=False)["cases"].sum()
        chart = ("lines", totals, dict(value="cases", value_title=_("Cases"), grain=grain, series_labels=names))
        if series == "type":
            st.caption(_("A case with several types counts under each: the lines add up the types you chose."))
    else:
        labels = ({k: _.violation_type(k) for k in filters.types} if series == "type"
                  else {k: _.perpetrator(k) for k in filters.perpetrators})
        legend = _("Violation type") if series == "type" else _("Perpetrator")
        chart = ("stacked_cases", frame, dict(labels=labels, grain=grain, legend_title=legend))
elif series in ("raids", "detentions"):
    frame = cache.raids_series(filters, grain=grain, by_region=compare)
    value, title = (("raid_events", _("Raids")) if series == "raids" else ("detentions", _("Documented detentions")))
    if compare:
        chart = ("lines", frame, dict(value=value, value_title=title, grain=grain, series_labels=names))
    else:
        second = "people_detained_in_raids" if series == "raids" else "detention_days"
        long = frame.melt(id_vars=["period"], value_vars=[value, second], var_name="measure")
        chart = ("lines", long, dict(value="value", value_title=_("Count"), grain=grain, series="measure",
                                     series_labels={"raid_events": _("Raids"),
                                                    "people_detained_in_raids": _("People detained"),
                                                    "detentions": _("Cases with a detention"),
                                                    "detention_days": _("Days in detention")}))
    st.caption(_("Raids and detentions are recorded by region and month; the type and perpetrator filters do not "
                 "apply to them."))
elif series in metrics.RATE_METRICS:
    frame = cache.rate_series(filters, metric=series, grain="quarter" if series == "coverage_of_estimate" else grain)
    rated = frame.dropna(subset=["rate"])
    if rated.empty:
        st.info(_("No rate to show: no chosen region has both a population size estimate and data in the period."))
        st.stop()
    chart = ("lines", rated, dict(value="rate", value_title=_(SERIES[series]), series_labels=names,
                                  grain="quarter" if series == "coverage_of_estimate" else grain))
    st.caption(_("One line per chosen region that has a population size estimate; the table gives each rate's "
                 "range from the estimate's bounds.") + " " + _(metrics.METRICS[series].definition))
    every = cache.estimates()
    ui.rate_notes(rated, [code for code in filters.regions
                          if metrics.estimate_in(every, code, filters.month_to.year) is None])
else:
    frame = cache.reach_series(filters, by_region=compare)
    if frame.empty:
        st.info(_("No quarter lies wholly inside the chosen period, so there is no reach to show. "
                  "Widen the period to at least one full quarter."))
        st.stop()
    chart = ("coverage_line", frame, dict(series_labels=names)) if compare else ("planned_vs_reached", frame, {})

kind, data, options = chart
# The chart is made from the filters and the three choices above.
ui.chart(kind, data, events=events, height=380, domain=domain, source=("timelines", filters, series, grain, compare),
         **options)
ui.event_list(events)
if numbers := ui.lazy_expander(_("The numbers behind the chart"), key="timelines-table"):
    with numbers:
        ui.table(frame)
downloads.panel(filters, charts=("timeline", "cases_by_type", "raids"))
