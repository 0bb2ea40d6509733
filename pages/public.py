"""The public view: headline figures, the map and the quarterly timeline, all from the protected table."""

import streamlit as st

from rightsmap.web import public_downloads, public_ui, ui
from rightsmap.web.public_sections import Sections

filters = public_ui.current_filters()
_ = ui.translator()
page = Sections(filters)
st.title(_("Overview"))
st.caption(page.describe())
headlines = st.container()  # drawn after the map: the browser then starts loading the map's frame first
left, right = st.columns([3, 2], gap="large")
with left:
    by_region = page.map()
    st.caption(_("Click a region to choose it. Osh City and Bishkek are also drawn as circles so they stay visible."))
with headlines:
    page.headlines()
with right:
    st.subheader(_("{what}, quarter by quarter", what=filters.choice.label(_)))
    page.timeline()
    st.subheader(_("Cases by perpetrator and by violation type"))
    page.breakdown()
page.marks()
if numbers := ui.lazy_expander(_("The numbers behind the map"), key="public-map-table"):
    with numbers:
        page.region_table(by_region)
page.events()
public_downloads.panel(filters)
