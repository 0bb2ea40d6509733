"""The floor under the two Chromium figures: the public view's map and one "From" box, nothing else.

Not a page of the app. bench/run.py starts it as the app is started (rightsmap.cli.serve: the same warm-up
and socket) and times it beside the app, in turns: what Streamlit, streamlit-folium and Leaflet cost
for this very map on this machine, before any of the rest of the page (filters, figures, chart,
tables, panels). The app's figure minus this one is what the rest of the page costs.

bench/elements.py adds parts of the page back, named in RIGHTSMAP_FLOOR_EXTRA (comma-separated): the
overview's sections (Sections' methods, drawn as the overview draws them) or "captions:N", N lines of
text that never change. Unset, as bench/run.py leaves it, the page is the floor.
"""

import os

import streamlit as st

from rightsmap.disclosure import public_filters
from rightsmap.disclosure.public_filters import PublicFilters
from rightsmap.web import cache, ui
from rightsmap.web.public_sections import Sections

SECTIONS = ("headlines", "timeline", "breakdown", "marks", "events")

st.set_page_config(page_title="rightsmap: the bench's floor", layout="wide")
cache.follow_the_database()  # the filters offer the data's period, as in dashboard.py
_ = ui.init_language()
quarters = public_filters.all_quarters()
# Labelled as the app's "From" box labels them (bench/sequence.py types these labels).
first = st.sidebar.selectbox("From", quarters, format_func=_.quarter, key="floor_from")
page = Sections(PublicFilters(quarter_from=first, quarter_to=quarters[-1]))
st.caption(page.describe())  # "<from> to <to> · ...": what the bench waits for, as on the app's page
page.map()
for extra in filter(None, os.environ.get("RIGHTSMAP_FLOOR_EXTRA", "").split(",")):
    if extra.startswith("captions:"):
        for number in range(int(extra.removeprefix("captions:"))):
            st.caption(f"A line of text that never changes, number {number + 1}.")
    elif extra in SECTIONS:
        getattr(page, extra)()
    else:
        st.error(f"bench/floor_page.py: no such extra {extra!r}")
