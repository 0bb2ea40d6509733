"""Present the public view: one big slide at a time, safe for a projector; the slide is kept in the URL."""

import streamlit as st

from rightsmap.web import presenting, public_ui, ui
from rightsmap.web.public_sections import Sections

SLIDES = ("headline", "map", "timeline", "breakdown")

filters = public_ui.current_filters()
_ = ui.translator()
presenting.full_screen()
slide = st.query_params.get("slide") if st.query_params.get("slide") in SLIDES else SLIDES[0]
number = SLIDES.index(slide)
page = Sections(filters)
st.title(filters.choice.label(_) if slide != "headline" else _("Overview"))
st.caption(page.describe())
if slide == "headline":
    page.headlines()
elif slide == "map":
    page.map(height=540, key="show_map")
elif slide == "timeline":
    page.timeline(height=300, width=1100)
else:
    page.breakdown(split=True)
page.marks()
back, where, forward = st.columns([1, 3, 1], vertical_alignment="center")
back.button(_("Previous"), icon=":material/arrow_back:", disabled=number == 0, width="stretch",
            on_click=lambda: st.query_params.update(slide=SLIDES[number - 1]), key="show_previous")
forward.button(_("Next"), icon=":material/arrow_forward:", disabled=number == len(SLIDES) - 1, width="stretch",
               on_click=lambda: st.query_params.update(slide=SLIDES[number + 1]), key="show_next")
where.markdown(_("Slide {number} of {count}", number=number + 1, count=len(SLIDES)))
