"""Overview: headline figures against the previous period, and the national timeline."""

from typing import Literal

import streamlit as st

from rightsmap.data import metrics
from rightsmap.domain.vocab import N_
from rightsmap.exports.slides import comparison_text
from rightsmap.render import charts
from rightsmap.web import cache, downloads, ui
from rightsmap.web.staff import require as require_staff

require_staff()  # exact counts: staff only, whatever the address

HEADLINES = (
    ("cases", "cases", N_("Documented cases")),
    ("raids", "raid_events", N_("Raids")),
    ("people_detained_in_raids", "people_detained_in_raids", N_("People detained in raids")),
    ("coverage_pct", "coverage_pct", N_("Coverage, % of plan")),
)

filters = ui.current_filters()
_ = ui.translator()
st.title(_("Overview"))
st.caption(ui.describe(filters))

now = cache.summary(filters)
before = cache.summary(filters.previous()) if ui.has_previous(filters) else None

for column, (key, metric, label) in zip(st.columns(4), HEADLINES, strict=True):
    value, previous = now[key], (before or {}).get(key)
    if key == "coverage_pct":
        shown = _.percent(value)
        delta = None if value is None or previous is None else _("{change} points",
                                                                  change=_.number(value - previous, decimals=1))
        colour: Literal["normal", "inverse"] = "normal"  # more coverage is better
    else:
        shown = _.number(value)
        change = metrics.change(value, previous)
        delta = None if change is None else _.percent(change)
        colour = "inverse"  # more abuse is worse
    if delta is not None and not delta.startswith("-"):
        delta = "+" + delta
    column.metric(_(label), shown, delta=delta, delta_color=colour, border=True,
                  help=_(metrics.METRICS[metric].definition))
st.caption(comparison_text(filters, before is not None, _))

st.subheader(_("Cases by perpetrator, with raids, month by month"))
cases = cache.cases_series(filters, by="perpetrator", grain="month", by_region=False)
raids = cache.raids_series(filters, grain="month", by_region=False)
events = ui.events(filters)
domain = charts.time_domain(filters.month_from, filters.month_to)
perpetrators = {code: _.perpetrator(code) for code in filters.perpetrators}
ui.chart("stacked_cases", cases, events=events, height=300, labels=perpetrators, grain="month",
         legend_title=_("Perpetrator"), domain=domain, source=("overview cases", filters))
ui.chart("lines", raids.assign(measure="raids"), height=200, value="raid_events", value_title=_("Raids"),
         grain="month", series="measure", series_labels={"raids": _("Raids")}, domain=domain,
         source=("overview raids", filters))
ui.event_list(events)
downloads.panel(filters, charts=("timeline", "raids"))
