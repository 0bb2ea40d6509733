"""The Streamlit caching wrappers for data: values keyed by what they depend on, one connection per database file.

Every cached value is made by a function decorated here, and its key is made by construction:
- `@stamped(...)` caches fn(conn, *args) by st.cache_data (each caller unpickles its own copy) or, shared,
  by st.cache_resource; `@kept` keeps what pages make from those figures (frames named, tables as text) in
  `derived`. The key is the function, the database file's stamp (path and modification time) and every
  argument, bound by name; the function gets the connection opened on that very file.
- Such a function depends on nothing else: it may not be a closure, may not read a Translator from its
  module, and may not read the session (ui.translator() inside a build answers the build's own `lang`
  argument, and raises when it has none; ui.current_filters() raises).
- A shared value is immutable: tuples, frozen dataclasses, Arrow tables, read-only mappings, and frames
  as `Frame`, which hands each caller its own copy.

When an import or undo swaps in a new file, the next run opens a connection on it; the old one is dropped,
not closed, so a session still running on it finishes, and it closes when its last user lets go.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable, Hashable
from types import MappingProxyType
from typing import Any, Concatenate, ParamSpec, TypeVar

import duckdb
import pandas as pd
import pyarrow as pa
import streamlit as st

from rightsmap.data import db, metrics
from rightsmap.disclosure import protect
from rightsmap.domain import config, i18n, period
from rightsmap.domain.filters import Filters
from rightsmap.domain.i18n import Translator
from rightsmap.domain.vocab import N_
from rightsmap.records import sample
from rightsmap.render import assets
from rightsmap.web import cache_rules as rules
from rightsmap.web.cache_rules import Derived, Frame

DbKey = tuple[str, int]
P = ParamSpec("P")
R = TypeVar("R")


@st.cache_resource(show_spinner=False)  # ready() shows the spinner, in the session's language
def _prepare_static() -> bool:
    assets.ensure_leaflet()
    return True


@st.cache_resource(show_spinner=False)  # see ready()
def _ensure_default_sample() -> bool:
    sample.ensure(config.DEFAULT_DB)
    return True


def db_key() -> DbKey:
    """Identify the current database file; raises db.DatabaseError when there is none."""
    _prepare_static()
    path = config.db_path()
    if path == config.DEFAULT_DB:
        _ensure_default_sample()
    try:
        return str(path), path.stat().st_mtime_ns
    except FileNotFoundError:
        raise db.DatabaseError(
            f"No database at {path} (set by RIGHTSMAP_DB). Check the path, or unset RIGHTSMAP_DB "
            "to use the sample data."
        ) from None


# What ready() has made in this process. A cache may forget a value since: it is then made again, without
# a spinner, which is all that is lost.
_made: set[Hashable] = set()


def _once(key: Hashable, text: str, translate: Translator, make: Callable[[], object]) -> None:
    if key not in _made:
        with st.spinner(translate(text)):
            make()
        _made.add(key)


def ready(translate: Translator, *, public: bool) -> None:
    """Make what a first run waits for, under a spinner in the session's language: the map files, the
    sample on a first start and, for the public view, its protected table. (Streamlit's own spinner text
    is fixed when this module loads, in English, so the cached functions show none.)"""
    _once("static", N_("Preparing the map files…"), translate, _prepare_static)
    if config.db_path() == config.DEFAULT_DB:
        _once("sample", N_("Building the sample database (first start only)…"), translate, _ensure_default_sample)
    if public:
        _once(("protected", db_key(), config.MIN_COUNT), N_("Protecting small counts for the public view…"),
              translate, lambda: _protected(config.MIN_COUNT))


_prepared: set = set()  # database paths whose one-time preparations db_key() has made in this process


def _stamp() -> DbKey:
    """db_key() without its one-time preparations (the asset files, the sample) once they are made."""
    path = config.db_path()
    if path not in _prepared:  # the first time: an outdated sample is rebuilt before anything reads it
        key = db_key()
        _prepared.add(path)
        return key
    try:
        return str(path), path.stat().st_mtime_ns
    except FileNotFoundError:
        return db_key()  # builds the sample, or says what is missing


# --- the connection: one per file, never closed under a user ---------------------------------

class _Live:
    """The newest file's stamp and connection, by path."""

    def __init__(self) -> None:
        self.by_path: dict[str, tuple[DbKey, duckdb.DuckDBPyConnection]] = {}
        self.lock = threading.Lock()


@st.cache_resource(show_spinner=False)
def _live() -> _Live:
    """The process's connections (st.cache_resource.clear() forgets them, as it forgets every resource)."""
    return _Live()


# The stamp and connection a build runs on, so that what it asks for comes from the same file.
_SNAPSHOT: contextvars.ContextVar[tuple[DbKey, duckdb.DuckDBPyConnection] | None] = contextvars.ContextVar(
    "rightsmap_snapshot", default=None)


def _current() -> tuple[DbKey, duckdb.DuckDBPyConnection]:
    """The database file's stamp now, and a connection opened on that very file."""
    inside = _SNAPSHOT.get()
    if inside is not None:
        return inside
    while True:
        key, live = _stamp(), _live()
        with live.lock:
            held = live.by_path.get(key[0])
            if held is not None and held[0] == key:
                return held
            # A DuckDB of its own: connect(path) would hand back the instance still open on the old file.
            conn = db.connect(key[0], read_only=True, own_instance=True)
            if _stamp() == key:  # not swapped again while it opened: it reads the file so stamped
                # The old connection is dropped, not closed: sessions still running on it hold it, and it
                # closes when the last of them lets go (tests/test_cache.py).
                live.by_path[key[0]] = (key, conn)
                return key, conn
        conn.close()  # nobody has it yet: try again on the newer file


def connection() -> duckdb.DuckDBPyConnection:
    """The connection to the current database file (hold it only for the run: the next file gets another)."""
    return _current()[1]


# --- the decorators ---------------------------------------------------------------------------

def _build(fn: Callable, snapshot: tuple[DbKey, duckdb.DuckDBPyConnection], names: tuple[str, ...],
           values: tuple, first: tuple = ()) -> Any:
    """fn run on the snapshot's file, with the session out of its reach (see the module's docstring)."""
    for name in fn.__code__.co_names:
        if isinstance(fn.__globals__.get(name), i18n.Translator):
            raise rules.HiddenDependency(f"{fn.__qualname__} reads the translator {name}: give it a `lang` argument")
    arguments = dict(zip(names, values, strict=True))
    lang = arguments.get("lang")
    build = rules.BUILD.set((fn.__qualname__, lang if isinstance(lang, str) else None))
    inside = _SNAPSHOT.set(snapshot)
    try:
        return fn(*first, **arguments)
    finally:
        _SNAPSHOT.reset(inside)
        rules.BUILD.reset(build)


def stamped(*, max_entries: int, shared: bool = False) -> Callable[[Callable[Concatenate[Any, P], R]], Callable[P, R]]:
    """fn(conn, *args) cached by the database file's stamp and every argument (shared: st.cache_resource)."""

    def decorate(fn: Callable[Concatenate[Any, P], R]) -> Callable[P, R]:
        signature, names = rules.parameters(fn, 1)

        def cached(stamp: DbKey, values: tuple, _snapshot: tuple) -> Any:
            value = _build(fn, _snapshot, names, values, first=(_snapshot[1],))
            return rules.shared(value, fn.__qualname__) if shared else value

        # Streamlit tells caches apart by module, name and source: each function is its own.
        cached.__module__, cached.__qualname__, cached.__name__ = fn.__module__, fn.__qualname__, fn.__name__
        store = (st.cache_resource if shared else st.cache_data)(max_entries=max_entries, show_spinner=False)  # see ready()
        kept_values = store(cached)

        def call(*args: P.args, **kwargs: P.kwargs) -> R:
            snapshot = _current()
            values = rules.bind(signature, names, 1, args, kwargs)
            return rules.handed_out(kept_values(snapshot[0], values, _snapshot=snapshot))

        call.__name__, call.__qualname__, call.__doc__ = fn.__name__, fn.__qualname__, fn.__doc__
        call.clear = kept_values.clear  # type: ignore[attr-defined]
        return call

    return decorate


derived = Derived(512)


def kept(fn: Callable[P, R]) -> Callable[P, R]:
    """fn(*args) kept in `derived` by fn, the database file's stamp and every argument; its value shared."""
    signature, names = rules.parameters(fn, 0)
    where = (fn.__code__.co_filename, fn.__qualname__)  # page scripts all run as __main__

    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        values = rules.bind(signature, names, 0, args, kwargs)
        snapshot = _current()
        return rules.handed_out(derived((where, snapshot[0], values),
                                        lambda: rules.shared(_build(fn, snapshot, names, values), fn.__qualname__)))

    call.__name__, call.__qualname__, call.__doc__ = fn.__name__, fn.__qualname__, fn.__doc__
    return call


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """frame (without its index) as an Arrow table, which st.dataframe sends without converting it again."""
    return pa.Table.from_pandas(frame, preserve_index=False)


# --- the data -----------------------------------------------------------------------------------


@stamped(max_entries=512)
def summary(conn: duckdb.DuckDBPyConnection, filters: Filters) -> dict[str, Any]:
    return metrics.summary(conn, filters)


@stamped(max_entries=512)
def region_values(conn: duckdb.DuckDBPyConnection, filters: Filters, metric: str,
                  violation_type: str | None = None) -> pd.DataFrame:
    return metrics.region_values(conn, filters, metric, violation_type)


@stamped(max_entries=512)
def cases_series(conn: duckdb.DuckDBPyConnection, filters: Filters, *, by: str, grain: str,
                 by_region: bool) -> pd.DataFrame:
    return metrics.cases_series(conn, filters, by=by, grain=grain, by_region=by_region)


@stamped(max_entries=512)
def raids_series(conn: duckdb.DuckDBPyConnection, filters: Filters, *, grain: str, by_region: bool) -> pd.DataFrame:
    return metrics.raids_series(conn, filters, grain=grain, by_region=by_region)


@stamped(max_entries=512)
def reach_series(conn: duckdb.DuckDBPyConnection, filters: Filters, *, by_region: bool) -> pd.DataFrame:
    return metrics.reach_series(conn, filters, by_region=by_region)


@stamped(max_entries=128)
def rate_series(conn: duckdb.DuckDBPyConnection, filters: Filters, *, metric: str, grain: str) -> pd.DataFrame:
    return metrics.rate_series(conn, filters, metric=metric, grain=grain)


@stamped(max_entries=4)
def estimates(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every population size estimate with its source (the About page)."""
    return metrics.estimates(conn)


# Shared: every event, read once per database file; events() filters it (a few dozen rows), so a new
# period or region costs no query.
@stamped(max_entries=2, shared=True)
def all_events(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every event in the database (each caller its own copy)."""
    return metrics.all_events(conn)


def events(filters: Filters) -> pd.DataFrame:
    return metrics.events_in(all_events(), filters)


@stamped(max_entries=4)
def dataset_meta(conn: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return metrics.dataset_meta(conn)


@stamped(max_entries=4)
def data_span(conn: duckdb.DuckDBPyConnection) -> tuple[Any, Any]:
    return metrics.data_span(conn)


@kept
def data_months() -> period.Span:
    """The first and last month of the current database's data (None, None when it is empty).

    Kept, not st.cache_resource: every Filters() asks, and Streamlit's hashing of the key cost more than
    the rest of a Filters() together. A new file, as an import writes, is a new key.
    """
    first, last = metrics.data_span(connection())
    return period.as_month(first), period.as_month(last)


@kept
def _published_quarters(k: int) -> tuple:
    from rightsmap.disclosure import public

    return public.published_quarters(protected_table(k))


def published_quarters() -> tuple:
    """The quarters the current protected table publishes."""
    return _published_quarters(config.MIN_COUNT)


def follow_the_database() -> None:
    """Make the filters offer the current database's period (rightsmap.domain.period); the app calls this each run."""
    period.follow(data_months, published_quarters)


@stamped(max_entries=4)
def batches(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The import batches in the current database, newest first (for the staff page)."""
    from rightsmap.records.importing.report import batches as list_batches

    return list_batches(conn)


@stamped(max_entries=64)
def export_data(conn: duckdb.DuckDBPyConnection, filters: Filters, *, metric: str = "cases",
                violation_type: str | None = None, view: str = "full"):
    """Every number the presentation and the exports show for one view (rightsmap.exports.data.gather)."""
    from rightsmap.exports import data as export_data

    return export_data.gather(conn, filters, metric=metric, violation_type=violation_type, view=view)


# Shared: computed once per database file and k, and handed out without a copy but the frame's.
@stamped(max_entries=2, shared=True)  # see ready()
def _protected(conn: duckdb.DuckDBPyConnection, k: int) -> tuple[Frame, MappingProxyType]:
    from rightsmap.disclosure import public

    table = protect.stored_or_computed(conn, k)
    return Frame(table), MappingProxyType(public.index(table))


def protected_table(k: int | None = None) -> pd.DataFrame:
    """The public view's one protected table (rightsmap.disclosure): quarter x region x category."""
    return _protected(config.MIN_COUNT if k is None else k)[0].frame()


def public_cells(k: int | None = None) -> MappingProxyType:
    """The protected table as a read-only lookup for rightsmap.disclosure.public's figures."""
    return _protected(config.MIN_COUNT if k is None else k)[1]


# A resource, not data: the spec is returned as a copy of its top level only (Streamlit changes nothing
# deeper), and its datasets are already Arrow bytes, so a warm rerun neither unpickles nor re-encodes them.
@st.cache_resource(max_entries=512, show_spinner=False)
def _chart_spec(kind: str, lang: str, options: tuple, frame: pd.DataFrame | None = None,
                events: pd.DataFrame | None = None, height: int | None = None) -> dict:
    from rightsmap.render import charts  # Altair: imported by the staff pages' first chart, not by the public view

    return _with_arrow(charts.spec(kind, lang, options, frame, events, height))


def chart_spec(kind: str, lang: str, options: tuple, frame: pd.DataFrame | None = None,
               events: pd.DataFrame | None = None, height: int | None = None) -> dict:
    """A finished chart spec; building and serialising charts was most of a warm rerun."""
    return dict(_chart_spec(kind, lang, options, frame, events, height))


@st.cache_resource(max_entries=512, show_spinner=False)
def _chart_spec_by_source(kind: str, lang: str, options: tuple, height: int | None, source: Hashable,
                          _frame: pd.DataFrame | None = None, _events: pd.DataFrame | None = None) -> dict:
    from rightsmap.render import charts  # see chart_spec

    return _with_arrow(charts.spec(kind, lang, options, _frame, _events, height))


def chart_spec_by_source(kind: str, lang: str, options: tuple, height: int | None, source: Hashable,
                         frame: pd.DataFrame | None = None, events: pd.DataFrame | None = None) -> dict:
    """chart_spec, keyed by the database file and what the frames were made from (source), not by hashing them."""
    return dict(_chart_spec_by_source(kind, lang, options, height, (_current()[0], source), frame, events))


def _with_arrow(spec: dict) -> dict:
    """spec with its datasets as Arrow bytes, which st.vega_lite_chart sends without re-encoding."""
    spec["datasets"] = {name: _arrow_bytes(rows) for name, rows in spec.get("datasets", {}).items()}
    return spec


def _arrow_bytes(rows: list[dict]) -> bytes:
    sink = pa.BufferOutputStream()
    table = pa.Table.from_pylist(rows)
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()
