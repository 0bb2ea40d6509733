"""Streamlit pieces every page shares: the sidebar filters, their URL mirror, and the sample banner."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from rightsmap import cache, db
from rightsmap.filters import URL_KEYS, Filters, from_query_params, month_text
from rightsmap.sample import months
from rightsmap.vocab import PERPETRATORS, REGION_BY_CODE, REGION_CODES, VIOLATION_TYPES

_KEYS = {"regions": "f_regions", "period": "f_period", "types": "f_types", "perpetrators": "f_perpetrators"}


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
    st.session_state[_KEYS["period"]] = (filters.month_from, filters.month_to)


def sidebar_filters() -> Filters:
    """Draw the shared filters in the sidebar, mirror them in the URL, and return them."""
    if "filters_initialised" not in st.session_state:
        # First run of this browser session: the URL is the source of truth.
        filters, notices = from_query_params(st.query_params.to_dict())
        _widgets_from(filters)
        st.session_state["url_notices"] = notices
        st.session_state["filters_initialised"] = True

    all_months = months()
    with st.sidebar:
        st.header("Filters")
        regions = st.multiselect("Regions", REGION_CODES, key=_KEYS["regions"], format_func=region_name,
                                 placeholder="All regions")
        period: tuple[dt.date, dt.date] = st.select_slider(
            "Period", options=all_months, key=_KEYS["period"], format_func=month_text,
            help="Months are the finest time unit stored. Reach is counted per quarter.")
        types = st.multiselect("Violation types", list(VIOLATION_TYPES), key=_KEYS["types"],
                               format_func=VIOLATION_TYPES.get, placeholder="All violation types")
        perpetrators = st.multiselect("Perpetrators", list(PERPETRATORS), key=_KEYS["perpetrators"],
                                      format_func=PERPETRATORS.get, placeholder="All perpetrators")
        if st.button("Reset filters", width="stretch"):
            _widgets_from(Filters())
            st.session_state["url_notices"] = []
            st.rerun()

    values = {"month_from": period[0], "month_to": period[1]}
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
    return st.session_state["filters"]


def has_previous(filters: Filters) -> bool:
    """Whether the period before this one lies inside the data."""
    return filters.previous().month_from >= Filters().month_from
