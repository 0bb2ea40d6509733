"""Map: a choropleth of one metric for the period; click a region for its timeline and breakdown."""

from dataclasses import replace

import streamlit as st
import streamlit_folium

from rightsmap import cache, charts, geo, maps, metrics, ui
from rightsmap.vocab import PERPETRATORS, REGION_CODES, VIOLATION_TYPES

filters = ui.current_filters()
st.title("Map")
st.caption(ui.describe(filters) + " · the map shows every region; the region filter applies to the detail")

left, right = st.columns([3, 2], gap="large")
with left:
    pick, kind = st.columns(2)
    metric = pick.selectbox("Metric", metrics.MAP_METRICS, key="map_metric",
                            format_func=lambda key: metrics.METRICS[key].label)
    violation_type = None
    if metric == "cases_of_type":
        violation_type = kind.selectbox("Violation type", list(VIOLATION_TYPES), key="map_type",
                                        format_func=VIOLATION_TYPES.get)
    definition = metrics.METRICS[metric]
    everywhere = replace(filters, regions=REGION_CODES)
    values = cache.region_values(everywhere, metric, violation_type)
    label = definition.label if violation_type is None else f"Cases: {VIOLATION_TYPES[violation_type]}"
    selected = st.session_state.get("map_selected")
    figure = maps.choropleth(geo.join(geo.load_boundaries(), values), metric_label=label,
                             selected=selected, percent=definition.percent)
    # Only clicks come back, so panning and zooming do not rerun the page.
    returned = streamlit_folium.st_folium(figure, key="map", height=520, use_container_width=True,
                                          returned_objects=["last_active_drawing"])
    clicked = ((returned or {}).get("last_active_drawing") or {}).get("properties", {}).get("code")
    if clicked in REGION_CODES and clicked != selected:
        # The selection lives in session state: restyling remounts the map and resets what it returns.
        st.session_state["map_selected"] = clicked
        st.session_state["map_region_pick"] = clicked
        st.rerun()
    st.caption(definition.definition + " Osh City and Bishkek are also drawn as circles so they stay visible.")

with right:
    st.selectbox("Region detail", REGION_CODES, key="map_region_pick", index=None, format_func=ui.region_name,
                 placeholder="Click a region on the map, or choose one",
                 on_change=lambda: st.session_state.update(map_selected=st.session_state["map_region_pick"]))
    code = st.session_state.get("map_selected")
    if code is None:
        st.info("Click a region on the map to see its timeline and its breakdown by type and perpetrator.")
    else:
        region_filters = replace(filters, regions=(code,))
        detail = cache.summary(region_filters)
        st.subheader(ui.region_name(code))
        a, b, c = st.columns(3)
        a.metric("Cases", ui.fmt_int(detail["cases"]))
        b.metric("Raids", ui.fmt_int(detail["raids"]))
        c.metric("Coverage", ui.fmt_pct(detail["coverage_pct"]))
        timeline = cache.cases_series(region_filters, by="type", grain="quarter", by_region=False)
        st.altair_chart(charts.stacked_cases(timeline, labels={k: VIOLATION_TYPES[k] for k in filters.types},
                                             grain="quarter", legend_title="Violation type",
                                             domain=charts.time_domain(filters.month_from, filters.month_to),
                                             legend_columns=2)
                        .properties(height=220),
                        width="stretch")
        st.altair_chart(charts.breakdown(detail["cases_by_type"], labels=VIOLATION_TYPES, title="By violation type"),
                        width="stretch")
        st.altair_chart(charts.breakdown(detail["cases_by_perpetrator"], labels=PERPETRATORS, title="By perpetrator"),
                        width="stretch")

with st.expander("The numbers behind the map"):
    st.dataframe(values.assign(region=values["code"].map(ui.region_name)), hide_index=True)
