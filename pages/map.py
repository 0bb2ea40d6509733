"""Map: a choropleth of one metric for the period; click a region for its timeline and breakdown."""

from dataclasses import replace

import pyarrow as pa
import streamlit as st

from rightsmap.data import metrics
from rightsmap.domain.filters import Filters
from rightsmap.domain.vocab import N_, REGION_CODES, VIOLATION_TYPES
from rightsmap.render import charts, maps
from rightsmap.web import cache, downloads, links, mapview, ui
from rightsmap.web.staff import require as require_staff

require_staff()  # exact counts: staff only, whatever the address

LINK = (  # what the link holds beside the filters: metric, type, clicked region
    links.Choice("metric", "map_metric", metrics.MAP_METRICS, metrics.MAP_METRICS[0],
                 metrics.METRICS[metrics.MAP_METRICS[0]].label),
    links.Choice("vtype", "map_type", tuple(VIOLATION_TYPES), next(iter(VIOLATION_TYPES)),
                 next(iter(VIOLATION_TYPES.values()))),
    links.Choice("detail", "map_region_pick", REGION_CODES, None, N_("no region")),
)



@cache.kept
def map_table(everywhere: Filters, metric: str, violation_type: str | None, lang: str) -> pa.Table:
    """The numbers behind the map, in the language, as an Arrow table."""
    values = cache.region_values(everywhere, metric, violation_type)
    return cache.arrow_table(ui.table_frame(values.assign(region=values["code"])[
        ["code", "region", *values.columns.drop("code")]]))


filters = ui.current_filters()
_ = ui.translator()
notices = links.seed("map", LINK)
# The region shown in detail follows the picker, which the link (or an earlier click) set.
st.session_state["map_selected"] = st.session_state.setdefault("map_region_pick",
                                                               st.session_state.get("map_selected"))
st.title(_("Map"))
st.caption(ui.describe(filters) + " · " + _("the map shows every region; the region filter applies to the detail"))
links.show_notices(notices, _)

left, right = st.columns([3, 2], gap="large")
with left:
    pick, kind = st.columns(2)
    metric = pick.selectbox(_("Metric"), metrics.MAP_METRICS, key="map_metric",
                            format_func=lambda key: _(metrics.METRICS[key].label))
    violation_type = None
    if metric == "cases_of_type":
        violation_type = kind.selectbox(_("Violation type"), list(VIOLATION_TYPES), key="map_type",
                                        format_func=_.violation_type)
    definition = metrics.METRICS[metric]
    everywhere = replace(filters, regions=REGION_CODES)
    values = cache.region_values(everywhere, metric, violation_type)
    label = (_(definition.label) if violation_type is None
             else _("Cases: {type}", type=_.violation_type(violation_type)))
    selected = st.session_state.get("map_selected")
    rated = metric in metrics.RATE_METRICS
    tooltips = maps.rate_labels(values, percent=definition.percent, translate=_) if rated else None

    def regions():
        return maps.region_layer(values, metric_label=label, selected=selected, percent=definition.percent,
                                 translate=_, labels=tooltips)

    # The base map never changes, so a new metric, period or selection swaps the regions layer
    # in place instead of remounting the map; only clicks come back, so panning does not rerun.
    content = ("staff", _.lang, metric, label, selected, mapview.values_key(values),
               tuple(sorted((tooltips or {}).items())))
    clicked = mapview.clicked_code(mapview.show(content, regions, key="map", height=520))
    if clicked in REGION_CODES and clicked != selected:
        # The selection lives in session state: restyling remounts the map and resets what it returns.
        st.session_state["map_selected"] = clicked
        st.session_state["map_region_pick"] = clicked
        st.rerun()
    st.caption(_(definition.definition) + " "
               + _("Osh City and Bishkek are also drawn as circles so they stay visible."))
    if rated:
        ui.rate_notes(values, values.loc[values["estimate"].isna(), "code"].tolist())

with right:
    st.selectbox(_("Region detail"), REGION_CODES, key="map_region_pick", index=None, format_func=_.region,
                 placeholder=_("Click a region on the map, or choose one"),
                 on_change=lambda: st.session_state.update(map_selected=st.session_state["map_region_pick"]))
    code = st.session_state.get("map_selected")
    if code is None:
        st.info(_("Click a region on the map to see its timeline and its breakdown by type and perpetrator."))
    else:
        region_filters = replace(filters, regions=(code,))
        detail = cache.summary(region_filters)
        st.subheader(_.region(code))
        a, b, c = st.columns(3)
        a.metric(_("Cases"), _.number(detail["cases"]))
        b.metric(_("Raids"), _.number(detail["raids"]))
        c.metric(_("Coverage"), _.percent(detail["coverage_pct"]))
        timeline = cache.cases_series(region_filters, by="type", grain="quarter", by_region=False)
        ui.chart("stacked_cases", timeline, height=220, labels={k: _.violation_type(k) for k in filters.types},
                 grain="quarter", legend_title=_("Violation type"),
                 domain=charts.time_domain(filters.month_from, filters.month_to), legend_columns=1,
                 source=("map region timeline", region_filters))
        ui.chart("breakdown", counts=detail["cases_by_type"],
                 labels={k: _.violation_type(k) for k in VIOLATION_TYPES}, title=_("By violation type"))
        ui.chart("breakdown", counts=detail["cases_by_perpetrator"],
                 labels={k: _.perpetrator(k) for k in detail["cases_by_perpetrator"]}, title=_("By perpetrator"))

if numbers := ui.lazy_expander(_("The numbers behind the map"), key="map-table"):
    with numbers:
        st.dataframe(map_table(everywhere, metric, violation_type, _.lang), hide_index=True)
links.mirror(LINK, {"metric": metric, "vtype": violation_type, "detail": st.session_state.get("map_selected")})
downloads.panel(filters, metric=metric, violation_type=violation_type, charts=("by_type", "by_perpetrator"))
