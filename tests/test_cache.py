"""The caches: keys that name everything a value depends on, values no caller can change, and a database swap
that closes nothing a running session still uses."""

from __future__ import annotations

import gc
import os
import threading
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from app_support import open_dashboard
from import_helpers import CASES_HEADER, run_import, write

from rightsmap.data import metrics
from rightsmap.domain import i18n
from rightsmap.domain.filters import Filters
from rightsmap.domain.vocab import REGION_CODES
from rightsmap.records import store
from rightsmap.web import cache, cache_rules, ui

FOUR_CASES = (CASES_HEADER + "\n" + "\n".join(["05.01.2017;Бишкек;extortion;police;да;3;100;нет"] * 3)
              + "\n06.02.2017;Ош;threats;pimp;;;;\n")
ONE_CASE = CASES_HEADER + "\n07.03.2017;Нарын;threats;police;;;;\n"


def _forget_everything() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()
    cache.derived.clear()


@pytest.fixture()
def on_sample(sample_db, monkeypatch):
    monkeypatch.setenv("RIGHTSMAP_DB", str(sample_db))
    _forget_everything()
    yield
    _forget_everything()


# --- keys that cannot leave out a dependency -------------------------------------------------


def test_a_cached_function_that_reads_from_around_it_is_refused():
    lang = "ky"

    def titles():
        return lang

    with pytest.raises(TypeError, match="lang"):
        cache.kept(titles)

    def anything(*parts):
        return parts

    with pytest.raises(TypeError, match="name every argument"):
        cache.kept(anything)


@cache.kept
def _greeting(lang: str) -> str:
    return ui.translator()("Region")


@cache.kept
def _forgetful() -> str:
    return ui.translator()("Region")


@cache.kept
def _filters_from_the_session() -> Filters:
    return ui.current_filters()


def test_a_build_reads_its_own_language_and_none_other(on_sample):
    english, kyrgyz = _greeting("en"), _greeting("ky")
    assert english == "Region" and kyrgyz == i18n.translator("ky")("Region") != "Region"
    with pytest.raises(cache_rules.HiddenDependency, match="lang"):
        _forgetful()
    with pytest.raises(cache_rules.HiddenDependency, match="filters"):
        _filters_from_the_session()


def test_a_cached_function_that_reads_a_translator_from_its_module_is_refused(on_sample):
    namespace = {"_": i18n.translator("ru"), "cache": cache}
    exec("def region_name(code):\n    return _.region(code)\n", namespace)  # a page's function, as pages/*.py
    with pytest.raises(cache_rules.HiddenDependency, match="translator _"):
        cache.kept(namespace["region_name"])("KG-B")


BUILDS: list[tuple] = []


@cache.kept
def _echo(filters: Filters, *, metric: str = "cases", lang: str = "ru") -> tuple:
    BUILDS.append((metric, lang))
    return (filters.month_from, metric, lang)


def test_the_key_is_every_argument_by_name_and_the_database(on_sample, tmp_path, monkeypatch):
    BUILDS.clear()
    filters = Filters()
    assert _echo(filters) == _echo(filters, metric="cases", lang="ru")  # defaults filled in: one key
    _echo(filters, lang="en")
    _echo(filters, metric="raid_events")
    assert BUILDS == [("cases", "ru"), ("cases", "en"), ("raid_events", "ru")]
    monkeypatch.setenv("RIGHTSMAP_DB", str(store.create_empty(tmp_path / "other.duckdb")))
    _echo(filters)  # another database file: another key
    assert BUILDS[-1] == ("cases", "ru") and len(BUILDS) == 4
    with pytest.raises(TypeError):
        _echo(pd.DataFrame())  # a frame is no key


# --- every language sees its own words, whoever filled the cache -----------------------------


def _seen(at) -> list:
    """Everything a session is shown as text: headings, captions, Markdown, metrics, tables and chart specs."""
    seen: list = [(e.type, getattr(e, "value", None)) for e in (*at.title, *at.subheader, *at.caption,
                                                                  *at.markdown, *at.info)]
    seen += [(m.label, m.value) for m in at.metric]
    seen += [frame.value.to_csv() for frame in at.dataframe]
    seen += [chart.proto.spec for chart in at.get("arrow_vega_lite_chart")]
    return seen


PAGES = [("public", None), ("staff", "pages/overview.py"), ("staff", "pages/map.py"),
         ("staff", "pages/timelines.py"), ("staff", "pages/reach.py")]


@pytest.mark.parametrize(("view", "page"), PAGES)
def test_a_session_sees_its_language_in_every_cached_value_whoever_filled_it(on_sample, view, page):
    def open_in(lang: str):
        at = open_dashboard(page, staff_view=view == "staff", query={"lang": lang, "from": "2016-01"})
        if page == "pages/map.py":  # the table behind the map (kept in its language), and a region's detail
            at.session_state["map-table"] = True
            at.selectbox(key="map_region_pick").set_value("KG-N").run()
        assert not at.exception, [e.value for e in at.exception]
        return _seen(at)

    alone = open_in("en")  # caches filled by English only
    _forget_everything()
    open_in("ru")
    assert open_in("ky") != alone  # (the check below can fail: the languages differ on this page)
    after_others = open_in("en")  # caches filled in Russian and Kyrgyz first
    assert after_others == alone


# --- values no caller can change --------------------------------------------------------------


def test_a_frame_from_a_shared_cache_changed_by_one_caller_is_not_seen_by_another(on_sample):
    first = cache.all_events()
    untouched = first.copy(deep=True)
    first["title_en"] = "changed"
    first.loc[0, "region"] = "KG-X"
    del first["public"]
    first.index.name = "changed"
    assert cache.all_events().equals(untouched) and cache.all_events().index.name is None

    table = cache.protected_table()
    untouched = table.copy(deep=True)
    table["value"] = 0
    table.loc[0, "status"] = "changed"
    assert cache.protected_table().equals(untouched)

    titled = ui._titled_events(Filters(), "en")
    titled["title"] = "changed"
    assert "changed" not in ui._titled_events(Filters(), "en")["title"].tolist()


def test_the_public_lookup_is_read_only(on_sample):
    cells = cache.public_cells()
    some_key = next(iter(cells))
    with pytest.raises(TypeError):
        cells[some_key] = (0.0, "exact")  # type: ignore[index]


def test_a_shared_cache_refuses_a_value_that_can_change():
    assert cache_rules.immutable((1, "a", (None, 2.5), cache_rules.Frame(pd.DataFrame())))
    for changeable in ([1], {"a": 1}, (1, [2]), ({1},)):
        with pytest.raises(TypeError, match="changed in place"):
            cache_rules.shared(changeable, "f")
    with pytest.raises(TypeError, match="changed in place"):
        cache_rules.shared((pd.DataFrame(),), "f")  # a frame inside a tuple: only a Frame may be shared
    assert isinstance(cache_rules.shared(pd.DataFrame(), "f"), cache_rules.Frame)


# --- a swap closes nothing a session is using -------------------------------------------------


@pytest.fixture()
def live_db(tmp_path, monkeypatch):
    target = store.create_empty(tmp_path / "live.duckdb")
    _swap(tmp_path, target, FOUR_CASES)
    monkeypatch.setenv("RIGHTSMAP_DB", str(target))
    _forget_everything()
    yield target
    _forget_everything()


def _open_files(path: Path) -> list[str]:
    """The files this process holds open at path, the replaced ones included ("... (deleted)")."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            name = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if name.startswith(str(path)) and not name.endswith((".lock", ".wal", ".wal (deleted)")):
            found.append(name)
    return found


def _swap(tmp_path: Path, target: Path, cases: str) -> None:
    """An import: a new file written beside target and swapped in."""
    code, report = run_import("cases", write(tmp_path / f"cases{len(cases)}.csv", cases), target)
    assert code == 0, report["errors"]


STARTED, PROCEED = threading.Event(), threading.Event()


@cache.stamped(max_entries=4)
def _slow_cases(conn, name: str) -> int:
    """A session's build, stopped in the middle until the test lets it go on."""
    STARTED.set()
    assert PROCEED.wait(30)
    return int(metrics.summary(conn, Filters())["cases"])


def test_a_swap_while_a_thread_is_mid_query_closes_nothing_it_holds(live_db, tmp_path):
    STARTED.clear(), PROCEED.clear()
    results: dict = {}

    def session():
        try:
            results["slow"] = _slow_cases("before")
        except Exception as exc:  # noqa: BLE001 - reported below
            results["error"] = exc

    running = threading.Thread(target=session)
    running.start()
    assert STARTED.wait(30)
    _swap(tmp_path, live_db, ONE_CASE)
    assert cache.summary(Filters())["cases"] == 5  # another session: the new file, on a new connection
    assert len(_open_files(live_db)) == 2  # the old file (replaced) and the new one, both open
    PROCEED.set()
    running.join(30)
    assert "error" not in results, results
    assert results["slow"] == 4  # the first session read the file it started on, to the end
    gc.collect()
    assert _open_files(live_db) == [str(live_db)]  # its last user done, the old file is closed


def test_several_sessions_and_an_import_mid_run(live_db, tmp_path, monkeypatch):
    first, second, third = (open_dashboard("pages/overview.py", query={"lang": "en"}) for _ in range(3))
    assert first.metric[0].value == second.metric[0].value == third.metric[0].value == "4"
    reached, proceed, armed = threading.Event(), threading.Event(), [True]
    cases_series = metrics.cases_series

    def stopping(*args, **kwargs):  # the next query waits in the middle of the first session's run
        if armed and armed.pop():
            reached.set()
            assert proceed.wait(60)
        return cases_series(*args, **kwargs)

    monkeypatch.setattr(metrics, "cases_series", stopping)
    regions = first.multiselect(key="f_regions")  # all but Batken, where no case is: the counts stay
    run = threading.Thread(target=lambda: regions.set_value([c for c in REGION_CODES if c != "KG-B"]).run())
    run.start()
    assert reached.wait(60)
    _swap(tmp_path, live_db, ONE_CASE)
    second.run()  # opens the new file while the first session still runs on the old one
    assert not second.exception, [e.value for e in second.exception]
    assert second.metric[0].value == "5"
    proceed.set()
    run.join(90)
    assert not run.is_alive()
    assert not first.exception, [e.value for e in first.exception]
    third.run()
    first.run()
    assert not first.exception and not third.exception
    assert third.metric[0].value == first.metric[0].value == "5"
