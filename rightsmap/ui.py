"""Streamlit pieces every page shares: the sidebar filters, their URL mirror, and the sample banner."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from rightsmap import cache, db
from rightsmap.filters import URL_KEYS, Filters, from_query_params, month_text
from rightsmap.sample import months
from rightsmap.vocab import PERPETRATORS, REGION_BY_CODE, REGION_CODES, VIOLATION_TYPES

_KEYS = {"regions": "f_regions", "from": "f_from", "to": "f_to", "types": "f_types", "perpetrators": "f_perpetrators"}


def region_name(code: str) -> str:
    return REGION_BY_CODE[code].name_en


def _widgets_from(filters: Filters) -> None:
    """Set the sidebar widgets' state from filters (empty selection means all)."""
    default = Filters()
    st.session_state[_KEYS["regions"]] = [] if filters.regions == default.regions else list(filters.regions)
    st.session_state[_KEYS["types"]] = [] if filters.types == default.types else list(filters.types)
    st.session_state[_KEYS["perpetrators"]] = (
        [] if filters.perpetrators == default.perpetrators else list(filters.perpetrators)
    )
    st.session_state[_KEYS["from"]] = filters.month_from
    st.session_state[_KEYS["to"]] = filters.month_to


def _reset() -> None:
    # A callback runs before the widgets are drawn, the one time their state may be set.
    _widgets_from(Filters())
    st.session_state["url_notices"] = []


def _widget_state_intact() -> bool:
    return all(key in st.session_state for key in _KEYS.values())


def sidebar_filters() -> Filters:
    """Draw the shared filters in the sidebar, mirror them in the URL, and return them."""
    if "filters_initialised" not in st.session_state:
        # First run of this browser session: the URL is the source of truth.
        filters, notices = from_query_params(st.query_params.to_dict())
        _widgets_from(filters)
        st.session_state["url_notices"] = notices
        st.session_state["filters_initialised"] = True
    elif not _widget_state_intact():
        # Streamlit drops a widget's state after a run that did not draw it (a page run on its own, see ensure_entry_script_ran); restore
        # the widgets from the last filters rather than from their defaults.
        _widgets_from(st.session_state.get("filters", Filters()))

    all_months = months()
    with st.sidebar:
        st.header("Filters")
        regions = st.multiselect("Regions", REGION_CODES, key=_KEYS["regions"], format_func=region_name,
                                 placeholder="All regions")
        # Two month pickers rather than a range slider: exact to the month with
        # the keyboard, and readable on a projector.
        first, last = st.columns(2)
        month_from: dt.date = first.selectbox("From", all_months, key=_KEYS["from"], format_func=month_text,
                                              help="Months are the finest time unit stored.")
        month_to: dt.date = last.selectbox("To", all_months, key=_KEYS["to"], format_func=month_text,
                                           help="Reach is counted per quarter, for quarters wholly inside the period.")
        types = st.multiselect("Violation types", list(VIOLATION_TYPES), key=_KEYS["types"],
                               format_func=VIOLATION_TYPES.get, placeholder="All violation types")
        perpetrators = st.multiselect("Perpetrators", list(PERPETRATORS), key=_KEYS["perpetrators"],
                                      format_func=PERPETRATORS.get, placeholder="All perpetrators")
        st.button("Reset filters", width="stretch", on_click=_reset)

    if month_from > month_to:
        st.sidebar.caption("The period was given backwards, so its ends are swapped.")
        month_from, month_to = month_to, month_from
    values = {"month_from": month_from, "month_to": month_to}
    if regions:
        values["regions"] = tuple(regions)
    if types:
        values["types"] = tuple(types)
    if perpetrators:
        values["perpetrators"] = tuple(perpetrators)
    filters = Filters(**values)
    _mirror_in_url(filters)
    for notice in st.session_state.get("url_notices", []):
        st.warning(notice, icon=":material/link_off:")
    return filters


def _mirror_in_url(filters: Filters) -> None:
    wanted = filters.to_query_params()
    for key in URL_KEYS:
        if key in wanted:
            if st.query_params.get(key) != wanted[key]:
                st.query_params[key] = wanted[key]
        elif key in st.query_params:
            del st.query_params[key]


def describe(filters: Filters) -> str:
    """A one-line description of the filters, for captions."""
    default = Filters()
    parts = [f"{month_text(filters.month_from)} to {month_text(filters.month_to)}"]
    parts.append("all regions" if filters.regions == default.regions
                 else ", ".join(region_name(c) for c in filters.regions))
    if filters.types != default.types:
        parts.append("types: " + ", ".join(VIOLATION_TYPES[t] for t in filters.types))
    if filters.perpetrators != default.perpetrators:
        parts.append("perpetrators: " + ", ".join(PERPETRATORS[p] for p in filters.perpetrators))
    return " · ".join(parts)


def sample_banner() -> None:
    """While the synthetic sample is loaded, say so on every page, with what it is calibrated to."""
    meta = cache.dataset_meta()
    if meta.get("dataset") == "sample":
        st.info(
            "**Illustrative sample data, not real case records.** The breakdown by region and month is "
            "invented. Only its national totals are calibrated to published figures: "
            f"{meta.get('sample_calibration', '')}.",
            icon=":material/science:",
        )


def database_error(exc: db.DatabaseError) -> None:
    st.error(f"The dashboard cannot open its data. {exc}", icon=":material/error:")
    st.stop()


def fmt_int(value: int | float | None) -> str:
    return "—" if value is None else f"{int(value):,}".replace(",", "\u202f")


def fmt_pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"



def current_filters() -> Filters:
    """The filters the entry script read from the sidebar on this run."""
    ensure_entry_script_ran()
    return st.session_state["filters"]


def ensure_entry_script_ran() -> None:
    """Rerun through dashboard.py when Streamlit ran a page file on its own.

    Streamlit treats an app with a pages/ folder as a legacy multipage app
    until the entry script first calls st.navigation. So the first request
    a new server gets for a deep link (/map) runs pages/map.py without the
    entry script: no sidebar, no filters. Switching the legacy mode off and
    rerunning sends that request through dashboard.py like every later one.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def has_previous(filters: Filters) -> bool:
    """Whether the period before this one lies inside the data."""
    return filters.previous().month_from >= Filters().month_from


def event_list(events: pd.DataFrame) -> None:
    """The numbered events drawn on a chart, as text under it (titles are shown as plain text)."""
    if events.empty:
        return
    lines = [f"{number}. {row.event_date:%Y-%m} — {escape_markdown(row.title_en or '')}"
             for number, row in enumerate(events.itertuples(), start=1)]
    st.caption("Events  \n" + "  \n".join(lines))


def escape_markdown(text: str) -> str:
    """Text that Streamlit's Markdown shows as written: no links, no HTML, no emphasis."""
    return "".join("\\" + ch if ch in "\\`*_{}[]<>()#+-.!|~:$" else ch for ch in text)
