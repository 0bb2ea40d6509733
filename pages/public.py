"""The public view: headline figures, the map and the quarterly timeline, all from the protected table."""

import streamlit as st
import streamlit_folium

from rightsmap import cache, charts, config, geo, maps, public, public_downloads, public_ui, ui
from rightsmap.disclosure import ALL
from rightsmap.public_filters import quarter_text
from rightsmap.vocab import REGION_CODES

HEADLINES = ("cases", "raid_events", "people_detained_in_raids", public.COVERAGE)

filters = public_ui.current_filters()
_ = ui.translator()
k = config.MIN_COUNT
cells = cache.public_cells()
choice = filters.choice
region_name = _("All regions") if filters.region == ALL else _.region(filters.region)
st.title(_("Overview"))
st.caption(" · ".join((_("{first} to {last}", first=quarter_text(filters.quarter_from),
                                last=quarter_text(filters.quarter_to)), region_name, choice.label(_))))

shown: list[public.Figure] = []
for column, key in zip(st.columns(len(HEADLINES)), HEADLINES, strict=True):
    headline = public.CHOICE_BY_KEY[key]
    figure = public.figure(cells, k, filters.quarters, headline.measure, filters.region, headline.category)
    shown.append(figure)
    column.metric(headline.label(_), figure.text(_, percent=headline.percent), border=True)

left, right = st.columns([3, 2], gap="large")
with left:
    by_region = public.region_figures(cells, k, filters.quarters, choice)
    shown += by_region.values()
    frame = geo.join(geo.load_boundaries(), public.map_values(by_region))
    frame["name"] = [_.region(code) for code in frame["code"]]
    layer = maps.region_layer(
        frame, metric_label=choice.label(_), percent=choice.percent, translate=_,
        selected=None if filters.region == ALL else filters.region,
        withheld={code: (f.status, f.text(_, percent=choice.percent)) for code, f in by_region.items()},
        small_label=_("<{k}: small count, hidden", k=k))
    returned = streamlit_folium.st_folium(maps.base_map(), feature_group_to_add=layer, key="public_map", height=480,
                                          use_container_width=True, returned_objects=["last_active_drawing"])
    clicked = ((returned or {}).get("last_active_drawing") or {}).get("properties", {}).get("code")
    if clicked in REGION_CODES and clicked != filters.region:
        public_ui.select_region(clicked)
    st.caption(_("Click a region to choose it. Osh City and Bishkek are also drawn as circles so they stay visible."))

with right:
    series = public.quarter_figures(cells, k, filters.quarters, choice, filters.region)
    shown += series.values()
    st.subheader(_("{what}, quarter by quarter", what=choice.label(_)))
    ui.chart("public_series", public.series_frame(series, _, percent=choice.percent), height=260,
             value_title=choice.label(_), domain=charts.time_domain(filters.quarter_from, filters.month_to))
    st.subheader(_("Cases by perpetrator and by violation type"))
    breakdown, breakdown_figures = public.breakdown(cells, k, filters.quarters, filters.region, _)
    shown += breakdown_figures
    ui.table(breakdown[["group", "name", "shown"]])

for mark in public.mark_texts(shown, k, _):
    st.caption(mark)
with st.expander(_("The numbers behind the map")):
    ui.table(public.table(by_region, _, percent=choice.percent, name=_.region)[["code", "name", "shown"]])
ui.event_list(ui.events(filters.as_filters()))
public_downloads.panel(filters)
