"""Guards against gross performance regressions: bytes, query counts, connections. No timings.

The timed figures live in bench/run.py; these checks fail fast and
deterministically when something goes badly wrong (a cache lost, a query per
region, a connection per session, full-resolution geometry sent to the browser).
"""

from __future__ import annotations

import collections
from dataclasses import replace

import pytest
import streamlit as st
from app_support import open_dashboard
from streamlit.testing.v1 import AppTest

from rightsmap.data import db, metrics
from rightsmap.domain import config
from rightsmap.domain.filters import Filters, parse_month
from rightsmap.domain.vocab import VIOLATION_TYPES
from rightsmap.render import geo, maps

PAYLOAD_BUDGET_BYTES = 150_000
# Queries a page may run when one filter changes, with caches warm for the old
# filters. Each number is what the page needs today, with the reason; a page
# that issues more has lost a cache or grown a query per region or per series.
PUBLIC_PAGES = ("pages/public.py", "pages/about.py")
QUERY_BUDGETS = {
    # summary (6 queries) for the period and for the period before it, one
    # timeline of cases and one of raids (the events are read once per database).
    "pages/overview.py": 14,
    # One region_summary for the map (the region detail is covered below).
    "pages/map.py": 1,
    # The chosen series.
    "pages/timelines.py": 1,
    # Reach in total and by region, cases, raids.
    "pages/reach.py": 4,
    # The public view: every figure comes from the protected table, and the events from the
    # list of them, both read once per database file.
    "pages/public.py": 0,
    # The dataset's facts and span are keyed by the database only.
    "pages/about.py": 0,
}
# The map's region detail: summary (6) and its quarterly timeline (1).
REGION_DETAIL_BUDGET = 7


@pytest.fixture()
def queries(monkeypatch) -> collections.Counter:
    """Counts every query db.run issues while the test runs, by name."""
    counter: collections.Counter = collections.Counter()
    monkeypatch.setattr(db, "QUERY_HOOKS", [*db.QUERY_HOOKS, lambda name: counter.update([name])])
    return counter


@pytest.fixture()
def connections(monkeypatch) -> list:
    opened: list = []
    monkeypatch.setattr(db, "CONNECT_HOOKS", [*db.CONNECT_HOOKS, opened.append])
    return opened


@pytest.fixture()
def open_page(sample_db, monkeypatch):
    monkeypatch.setenv("RIGHTSMAP_DB", str(sample_db))

    def open_(page: str) -> AppTest:
        return open_dashboard(page)

    return open_


# --- what the browser is sent ---------------------------------------------------------------


def _map_cases():
    yield from ((metric, None) for metric in metrics.MAP_METRICS if metric != "cases_of_type")
    yield from (("cases_of_type", code) for code in VIOLATION_TYPES)


@pytest.mark.parametrize("selected", [None, "KG-GB"])
def test_every_map_metric_stays_under_its_byte_budget(conn, selected):
    boundaries = geo.load_boundaries()
    for metric, violation_type in _map_cases():
        values = metrics.region_values(conn, Filters(), metric, violation_type)
        definition = metrics.METRICS[metric]
        figure = maps.choropleth(geo.join(boundaries, values), metric_label=definition.label,
                                 selected=selected, percent=definition.percent)
        size = maps.map_payload_bytes(figure)
        assert 0 < size <= PAYLOAD_BUDGET_BYTES, (metric, violation_type, size)


def test_boundaries_are_simplified_not_full_resolution():
    # Full-resolution Natural Earth for these regions is about 1.6 MB of GeoJSON;
    # the simplified file is about 32 KB. A swap would blow the payload budget.
    assert config.BOUNDARIES_FILE.stat().st_size < 64_000


# --- queries per rerun ----------------------------------------------------------------------


def change_the_period(at: AppTest, page: str, month: str) -> None:
    """Move the start of the period: by month in the staff view, by quarter in the public view."""
    if page in PUBLIC_PAGES:
        at.selectbox(key="p_from").set_value(parse_month(month)).run()
    else:
        at.selectbox(key="f_from").set_value(parse_month(month)).run()


@pytest.mark.parametrize("page", list(QUERY_BUDGETS))
def test_a_filter_change_runs_few_queries_and_an_unchanged_rerun_none(open_page, queries, page):
    st.cache_data.clear()
    at = open_page(page)
    queries.clear()
    at.run()
    assert sum(queries.values()) == 0, f"a rerun with unchanged filters ran {dict(queries)}"

    change_the_period(at, page, "2016-04")
    assert not at.exception, [e.value for e in at.exception]
    assert sum(queries.values()) <= QUERY_BUDGETS[page], dict(queries)
    queries.clear()
    at.run()
    assert sum(queries.values()) == 0, f"a rerun with unchanged filters ran {dict(queries)}"


def test_the_map_region_detail_runs_few_queries(open_page, queries):
    st.cache_data.clear()
    at = open_page("pages/map.py")
    queries.clear()
    at.selectbox(key="map_region_pick").set_value("KG-N").run()
    assert sum(queries.values()) <= REGION_DETAIL_BUDGET, dict(queries)
    queries.clear()
    # A metric change recolours the map: one query, the detail stays cached.
    at.selectbox(key="map_metric").set_value("raid_events").run()
    assert dict(queries) == {"region_summary": 1}


def test_the_map_queries_every_region_once_not_once_per_region(conn, queries):
    metrics.region_values(conn, replace(Filters(), month_from=parse_month("2017-01")), "cases")
    assert dict(queries) == {"region_summary": 1}


def test_derived_values_are_built_once_per_key_and_the_least_recently_used_forgotten():
    from rightsmap.web.cache import Derived

    kept, builds = Derived(2), []

    def build(key):
        return lambda: builds.append(key) or f"value of {key}"

    assert kept(("a", 1), build("a")) == kept(("a", 1), build("a")) == "value of a"
    kept(("b", 2), build("b"))
    kept(("a", 1), build("a"))  # a is now the most recently used
    kept(("c", 3), build("c"))  # so b is forgotten
    assert kept(("a", 1), build("a")) == "value of a" and builds == ["a", "b", "c"]
    kept(("b", 2), build("b"))
    assert builds == ["a", "b", "c", "b"]
    kept.clear()
    kept(("a", 1), build("a"))
    assert builds[-1] == "a" and len(builds) == 5


# --- the connection -------------------------------------------------------------------------


def test_the_connection_is_opened_once_per_process(open_page, connections):
    st.cache_resource.clear()
    st.cache_data.clear()
    sessions = [(page, open_page(page)) for page in QUERY_BUDGETS]
    months = ("2016-01", "2016-07", "2017-01", "2017-07", "2018-01", "2018-04")
    for month, (page, at) in zip(months, sessions, strict=True):
        change_the_period(at, page, month)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    assert len(connections) == 1, connections
