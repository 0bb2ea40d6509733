"""The naive reference page for bench/run.py: the same filters, and no caching at all.

    RIGHTSMAP_DB=... RIGHTSMAP_BENCH_FULL_GEOJSON=... streamlit run bench/naive_page.py

Every rerun reads the full-resolution boundaries and the whole cases table,
filters in pandas and builds a new folium.Choropleth. Its legend and its
default Leaflet come from CDNs, so with outside requests blocked it never paints.
"""

import os
import sys
from pathlib import Path

import altair as alt
import streamlit as st
import streamlit_folium

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import naive  # noqa: E402

from rightsmap.domain.vocab import PERPETRATORS, REGION_BY_CODE, REGION_CODES, VIOLATION_TYPES  # noqa: E402
from rightsmap.records.sample import months  # noqa: E402

all_months = [m.strftime("%Y-%m") for m in months()]
with st.sidebar:
    regions = st.multiselect("Regions", REGION_CODES, format_func=lambda c: REGION_BY_CODE[c].name_en)
    first, last = st.columns(2)
    month_from = first.selectbox("From", all_months, index=0)
    month_to = last.selectbox("To", all_months, index=len(all_months) - 1)
    types = st.multiselect("Violation types", list(VIOLATION_TYPES), format_func=VIOLATION_TYPES.get)
    perpetrators = st.multiselect("Perpetrators", list(PERPETRATORS), format_func=PERPETRATORS.get)

st.title("Map (naive reference)")
cases = naive.read_cases(os.environ["RIGHTSMAP_DB"])
chosen = naive.filter_cases(cases, regions or REGION_CODES, month_from, month_to,
                            types or list(VIOLATION_TYPES), perpetrators or list(PERPETRATORS))
everywhere = naive.filter_cases(cases, REGION_CODES, month_from, month_to,
                                types or list(VIOLATION_TYPES), perpetrators or list(PERPETRATORS))
per_region = everywhere.groupby("region", as_index=False)["cases"].sum()
figure = naive.choropleth(Path(os.environ["RIGHTSMAP_BENCH_FULL_GEOJSON"]), per_region)
streamlit_folium.st_folium(figure, key="map", height=520, use_container_width=True,
                           returned_objects=["last_active_drawing"])
timeline = chosen.groupby(["month", "perpetrator"], as_index=False)["cases"].sum()
st.altair_chart(alt.Chart(timeline).mark_bar().encode(x="month:T", y="sum(cases):Q", color="perpetrator:N"),
                width="stretch")
