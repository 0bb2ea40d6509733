"""Service reach: planned against reached by region and quarter, beside violations and raids."""

from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import streamlit as st

from rightsmap.domain.filters import Filters
from rightsmap.render import charts
from rightsmap.web import cache, downloads, ui
from rightsmap.web.cache_rules import Frame
from rightsmap.web.staff import require as require_staff

require_staff()  # exact counts: staff only, whatever the address

filters = ui.current_filters()
_ = ui.translator()


@dataclass(frozen=True)
class ReachView:
    """The page's frames (each caller its own copy) and tables, in one language."""

    total: Frame
    by_region: Frame
    pressure: Frame
    names: tuple[tuple[str, str], ...]
    coverage: pa.Table
    counts: pa.Table


@cache.kept
def reach_view(filters: Filters, lang: str) -> ReachView | None:
    """The page's frames and tables for the filters, in the language; None when no quarter lies in the period."""
    _ = ui.translator()
    total = cache.reach_series(filters, by_region=False)
    if total.empty:
        return None
    names = {code: _.region(code) for code in filters.regions}
    by_region = cache.reach_series(filters, by_region=True)
    cases = cache.cases_series(filters, by="perpetrator", grain="quarter", by_region=False)
    raids = cache.raids_series(filters, grain="quarter", by_region=False)
    pressure = pd.concat([
        cases.groupby("period", as_index=False)["cases"].sum().rename(columns={"cases": "count"})
        .assign(measure="cases"),
        raids.rename(columns={"raid_events": "count"})[["period", "count"]].assign(measure="raids"),
    ])
    quarter_label = {q: _.quarter(q) for q in by_region["quarter"].unique()}
    # Pivot on the dates, so the columns stay in time order, then name them.
    coverage = by_region.pivot(index="region", columns="quarter", values="coverage_pct")
    coverage = coverage.map(lambda v: _.percent(None if pd.isna(v) else float(v)))  # 78,9 %, as elsewhere
    coverage = coverage.rename(index=names, columns=quarter_label).rename_axis(index=_("Region"), columns=None)
    counts = ui.table_frame(by_region[["quarter", "region", "planned", "reached", "coverage_pct"]])
    return ReachView(Frame(total), Frame(by_region), Frame(pressure), tuple(names.items()),
                     cache.arrow_table(coverage.reset_index()), cache.arrow_table(counts))


st.title(_("Service reach"))
st.caption(ui.describe(filters) + " · " + _("quarters wholly inside the period"))

view = reach_view(filters, _.lang)
if view is None:
    st.info(_("No quarter lies wholly inside the chosen period. Widen the period to at least one full quarter."))
    st.stop()

events = ui.events(filters)
domain = charts.time_domain(filters.month_from, filters.month_to)
st.subheader(_("Reach against cases and raids, quarter by quarter"))
ui.chart("planned_vs_reached", view.total.frame(), height=260, domain=domain, source=("reach total", filters))
ui.chart("lines", view.pressure.frame(), events=events, height=220, value="count", value_title=_("Cases and raids"),
         grain="quarter", series="measure", series_labels={"cases": _("Documented cases"), "raids": _("Raids")},
         domain=domain, source=("reach pressure", filters))
ui.event_list(events)

st.subheader(_("Coverage by region"))
ui.chart("coverage_line", view.by_region.frame(), height=320, series_labels=dict(view.names), domain=domain,
         source=("reach by region", filters))

st.subheader(_("Planned and reached, by region and quarter"))
st.dataframe(view.coverage, hide_index=True)
if counts := ui.lazy_expander(_("Planned and reached counts"), key="reach-counts"):
    with counts:
        st.dataframe(view.counts, hide_index=True)
downloads.panel(filters, charts=("reach", "coverage_by_region"))
