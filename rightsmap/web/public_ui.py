"""Streamlit pieces of the public view: its sidebar filters, their URL mirror, the view marker."""

from __future__ import annotations

import streamlit as st

from rightsmap.disclosure import public_filters
from rightsmap.disclosure.layout import ALL
from rightsmap.disclosure.public import CHOICES
from rightsmap.disclosure.public_filters import PublicFilters
from rightsmap.domain import config
from rightsmap.domain.vocab import REGION_CODES
from rightsmap.web import ui

_KEYS = {"q_from": "p_from", "q_to": "p_to", "region": "p_region", "show": "p_show"}
STATE = "public_filters"
_PENDING_REGION = "p_region_pending"
SIDEBAR = ui.FilterSidebar("public_filters_initialised", "public_url_notices", tuple(_KEYS.values()))


def _widgets_from(filters: PublicFilters) -> None:
    st.session_state[_KEYS["q_from"]] = filters.quarter_from
    st.session_state[_KEYS["q_to"]] = filters.quarter_to
    st.session_state[_KEYS["region"]] = filters.region
    st.session_state[_KEYS["show"]] = filters.show


def _reset() -> None:
    _widgets_from(PublicFilters())
    st.session_state["public_url_notices"] = []


def sidebar_filters() -> PublicFilters:
    """Draw the public filters in the sidebar, mirror them in the URL, and return them."""
    # The staff view shows the language notice too, on its first page, so it is not popped here.
    SIDEBAR.seed(lambda: public_filters.from_query_params(st.query_params.to_dict()), _widgets_from,
                 lambda: st.session_state.get(STATE, PublicFilters()), lambda: st.session_state.get("lang_notices", []))
    if _PENDING_REGION in st.session_state:  # a click on the map, applied before the widget is drawn
        st.session_state[_KEYS["region"]] = st.session_state.pop(_PENDING_REGION)
    quarters = public_filters.all_quarters()
    ui.follow_the_span(_KEYS["q_from"], _KEYS["q_to"], quarters, "p_span")
    with st.sidebar:
        _ = ui.translator()
        ui.language_switcher()
        st.header(_("Filters"))
        show = st.selectbox(_("Show"), [c.key for c in CHOICES], key=_KEYS["show"],
                            format_func=lambda key: public_filters.CHOICE_BY_KEY[key].label(_))
        region = st.selectbox(_("Region"), (ALL, *REGION_CODES), key=_KEYS["region"],
                              format_func=lambda code: _("All regions") if code == ALL else _.region(code))
        # One above the other: a Kyrgyz quarter ("2015-ж. 1-чейр.") does not fit half the sidebar.
        quarter_from = st.selectbox(_("From"), quarters, key=_KEYS["q_from"], format_func=_.quarter,
                                    help=_("The public view counts whole quarters."))
        quarter_to = st.selectbox(_("To"), quarters, key=_KEYS["q_to"], format_func=_.quarter)
        st.button(_("Reset filters"), width="stretch", on_click=_reset)
    quarter_from, quarter_to = ui.in_order(quarter_from, quarter_to)
    filters = PublicFilters(quarter_from=quarter_from, quarter_to=quarter_to, region=region, show=show)
    SIDEBAR.finish(filters.to_query_params(), public_filters.URL_KEYS)
    st.session_state[STATE] = filters
    return filters


def current_filters() -> PublicFilters:
    ui.ensure_entry_script_ran()
    return st.session_state.get(STATE, PublicFilters())


def view_marker(staff_name: str | None) -> None:
    """Say on every page which view is showing, so nobody projects the staff view by mistake."""
    _ = ui.translator()
    if staff_name is None:
        st.success(_("**Public view.** Counts from 1 to {below} are hidden, and so is anything that would give "
                     "them away. Safe to show and share.", below=config.MIN_COUNT - 1),
                   icon=":material/public:")
    else:
        st.warning(_("**Staff view: exact counts.** Logged in as {name}. Do not project or share these pages; "
                   "use the public view for that.", name=ui.escape_markdown(staff_name)),
                   icon=":material/lock_open:")


def select_region(code: str) -> None:
    """Choose a region from the map: the sidebar's region follows on the rerun this starts."""
    st.session_state[_PENDING_REGION] = code
    st.rerun()
