"""Presentation mode: full screen, large type, slides for the filters or the views of a story."""

import streamlit as st

from rightsmap.web import cache, downloads, presenting, ui
from rightsmap.web.staff import require as require_staff

require_staff()  # exact counts: staff only, whatever the address

filters = ui.current_filters()
_ = ui.translator()
presenting.full_screen()
now = presenting.current(filters, _)
view = now.view
data = cache.export_data(now.filters, metric=view.metric, violation_type=view.violation_type)

presenting.controls(now, _)
st.title(presenting.title(now, data, _))
st.caption(ui.describe(now.filters) + (" · " + _("every region is shown") if view.slide == "map" else ""))
if view.slide == "map" and now.story is None:
    presenting.metric_picker(now, _)
presenting.draw(view.slide, data, _)

st.divider()
presenting.story_panel(now, _)
story_slides = None
if now.story is not None:
    story_slides = [(v.slide, cache.export_data(v.to_filters(), metric=v.metric, violation_type=v.violation_type))
                    for v in now.story.views]
downloads.panel(now.filters, metric=view.metric, violation_type=view.violation_type, story_slides=story_slides,
                story_name=now.story.name if now.story else "", key="present_downloads")
