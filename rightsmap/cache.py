"""The Streamlit caching wrappers for data: one connection per database file, frames keyed by filters.

(What the pages make from that data is kept by `derived`, keyed by what it depends on; the map's
component arguments are cached beside their drawing, in rightsmap.mapview.)

Every cached frame is keyed by the database file's identity (path and
modification time), so when an import swaps in a new file the app shows the
new data on its next rerun, without a restart.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import streamlit as st

from rightsmap import assets, config, db, metrics, period, sample
from rightsmap.filters import Filters
from rightsmap.i18n import Translator
from rightsmap.vocab import N_

DbKey = tuple[str, int]


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
        key = db_key()
        _once(("protected", key, config.MIN_COUNT), N_("Protecting small counts for the public view…"), translate,
              lambda: _protected(key, config.MIN_COUNT))


# The connection open on each path. DuckDB hands a new connection to a path the
# database instance that is already open there, even after an import has
# replaced the file, so the old connection is closed before the new one opens.
_open: dict[str, duckdb.DuckDBPyConnection] = {}


# One entry: when the file changes, the old connection is dropped and closed.
@st.cache_resource(max_entries=1, show_spinner=False)
def _connection(path: str, stamp: int) -> duckdb.DuckDBPyConnection:
    previous = _open.pop(path, None)
    if previous is not None:
        previous.close()
    _open[path] = db.connect(path, read_only=True)
    return _open[path]


def connection() -> duckdb.DuckDBPyConnection:
    return _connection(*db_key())


@st.cache_data(max_entries=512, show_spinner=False)
def _summary(key: DbKey, filters: Filters) -> dict[str, Any]:
    return metrics.summary(_connection(*key), filters)


def summary(filters: Filters) -> dict[str, Any]:
    return _summary(db_key(), filters)


@st.cache_data(max_entries=512, show_spinner=False)
def _region_values(key: DbKey, filters: Filters, metric: str, violation_type: str | None) -> pd.DataFrame:
    return metrics.region_values(_connection(*key), filters, metric, violation_type)


def region_values(filters: Filters, metric: str, violation_type: str | None = None) -> pd.DataFrame:
    return _region_values(db_key(), filters, metric, violation_type)


@st.cache_data(max_entries=512, show_spinner=False)
def _cases_series(key: DbKey, filters: Filters, by: str, grain: str, by_region: bool) -> pd.DataFrame:
    return metrics.cases_series(_connection(*key), filters, by=by, grain=grain, by_region=by_region)


def cases_series(filters: Filters, *, by: str, grain: str, by_region: bool) -> pd.DataFrame:
    return _cases_series(db_key(), filters, by, grain, by_region)


@st.cache_data(max_entries=512, show_spinner=False)
def _raids_series(key: DbKey, filters: Filters, grain: str, by_region: bool) -> pd.DataFrame:
    return metrics.raids_series(_connection(*key), filters, grain=grain, by_region=by_region)


def raids_series(filters: Filters, *, grain: str, by_region: bool) -> pd.DataFrame:
    return _raids_series(db_key(), filters, grain, by_region)


@st.cache_data(max_entries=512, show_spinner=False)
def _reach_series(key: DbKey, filters: Filters, by_region: bool) -> pd.DataFrame:
    return metrics.reach_series(_connection(*key), filters, by_region=by_region)


def reach_series(filters: Filters, *, by_region: bool) -> pd.DataFrame:
    return _reach_series(db_key(), filters, by_region)


@st.cache_data(max_entries=128, show_spinner=False)
def _rate_series(key: DbKey, filters: Filters, metric: str, grain: str) -> pd.DataFrame:
    return metrics.rate_series(_connection(*key), filters, metric=metric, grain=grain)


def rate_series(filters: Filters, *, metric: str, grain: str) -> pd.DataFrame:
    return _rate_series(db_key(), filters, metric, grain)


@st.cache_data(max_entries=4, show_spinner=False)
def _estimates(key: DbKey) -> pd.DataFrame:
    return metrics.estimates(_connection(*key))


def estimates() -> pd.DataFrame:
    """Every population size estimate with its source (the About page)."""
    return _estimates(db_key())


# A resource, read-only: every event, read once per database file; events() filters it (a few
# dozen rows), so a new period or region costs no query.
@st.cache_resource(max_entries=2, show_spinner=False)
def _all_events(key: DbKey) -> pd.DataFrame:
    return metrics.all_events(_connection(*key))


def events(filters: Filters) -> pd.DataFrame:
    return metrics.events_in(_all_events(db_key()), filters)


def all_events() -> pd.DataFrame:
    """Every event in the database (shared: do not change it)."""
    return _all_events(db_key())


@st.cache_data(max_entries=4, show_spinner=False)
def _dataset_meta(key: DbKey) -> dict[str, str]:
    return metrics.dataset_meta(_connection(*key))


def dataset_meta() -> dict[str, str]:
    return _dataset_meta(db_key())


@st.cache_data(max_entries=4, show_spinner=False)
def _data_span(key: DbKey) -> tuple[Any, Any]:
    return metrics.data_span(_connection(*key))


def data_span() -> tuple[Any, Any]:
    return _data_span(db_key())


def _months(key: DbKey) -> period.Span:
    first, last = metrics.data_span(_connection(*key))
    return period.as_month(first), period.as_month(last)


def data_months() -> period.Span:
    """The first and last month of the current database's data (None, None when it is empty).

    Kept per database file by `derived`, not st.cache_resource: every Filters() asks, and Streamlit's
    hashing of the key cost more than the rest of a Filters() together. A new file, as an import
    writes, is a new key, so its months show on the next rerun.
    """
    key = _stamp()
    return derived(("data_months", key), lambda: _months(key))


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


def published_quarters() -> tuple:
    """The quarters the current protected table publishes (kept like data_months)."""
    from rightsmap import public

    key, k = _stamp(), config.MIN_COUNT
    return derived(("published_quarters", key, k), lambda: public.published_quarters(_protected(key, k)[0]))


def follow_the_database() -> None:
    """Make the filters offer the current database's period (rightsmap.period); the app calls this each run."""
    period.follow(data_months, published_quarters)


@st.cache_data(max_entries=4, show_spinner=False)
def _batches(key: DbKey) -> pd.DataFrame:
    from rightsmap.importing.report import batches as list_batches

    return list_batches(_connection(*key))


def batches() -> pd.DataFrame:
    """The import batches in the current database, newest first (for the staff page)."""
    return _batches(db_key())


@st.cache_data(max_entries=64, show_spinner=False)
def _export_data(key: DbKey, filters: Filters, metric: str, violation_type: str | None, view: str):
    from rightsmap.exports import data as export_data

    return export_data.gather(_connection(*key), filters, metric=metric, violation_type=violation_type, view=view)


def export_data(filters: Filters, *, metric: str = "cases", violation_type: str | None = None, view: str = "full"):
    """Every number the presentation and the exports show for one view (rightsmap.exports.data.gather)."""
    return _export_data(db_key(), filters, metric, violation_type, view)


# Resources, not data: computed once per database file and k, shared by every
# session, and never copied (nothing changes them).
@st.cache_resource(max_entries=2, show_spinner=False)  # see ready()
def _protected(key: DbKey, k: int) -> tuple[pd.DataFrame, dict]:
    from rightsmap import disclosure, public

    table = disclosure.stored_or_computed(_connection(*key), k)
    return table, public.index(table)


def protected_table() -> pd.DataFrame:
    """The public view's one protected table (rightsmap.disclosure): quarter x region x category."""
    return _protected(db_key(), config.MIN_COUNT)[0]


def public_cells() -> dict:
    """The protected table as a lookup for rightsmap.public's figures."""
    return _protected(db_key(), config.MIN_COUNT)[1]


# A resource, not data: the spec is returned without a copy (Streamlit copies the
# top level before it changes anything), and its datasets are already Arrow bytes,
# so a warm rerun neither unpickles nor re-encodes them.
@st.cache_resource(max_entries=512, show_spinner=False)
def chart_spec(kind: str, lang: str, options: tuple, frame: pd.DataFrame | None = None,
               events: pd.DataFrame | None = None, height: int | None = None) -> dict:
    """A finished chart spec; building and serialising charts was most of a warm rerun."""
    from rightsmap import charts  # Altair: imported by the staff pages' first chart, not by the public view

    return _with_arrow(charts.spec(kind, lang, options, frame, events, height))


@st.cache_resource(max_entries=512, show_spinner=False)
def chart_spec_by_source(kind: str, lang: str, options: tuple, height: int | None, source: Hashable,
                         _frame: pd.DataFrame | None = None, _events: pd.DataFrame | None = None) -> dict:
    """chart_spec, keyed by what the frames were made from (source) instead of by hashing them."""
    from rightsmap import charts  # see chart_spec

    return _with_arrow(charts.spec(kind, lang, options, _frame, _events, height))


class Derived:
    """What pages make from their cached figures (frames reshaped and named, tables as text or Arrow),
    kept by a key that names everything it depends on: the database, the filters, the language, the
    page's choices. Shared by sessions: nothing may change a value taken from here.

    A dictionary that forgets the least recently used of its `size` values, not st.cache_resource:
    Streamlit hashes a key's every part on each call (1-4 ms for a key with a period's quarters, each
    call, against microseconds here). The key is hashed as Python hashes it, so it must be made of plain
    values (str, numbers, dates, tuples of them, frozen dataclasses).
    """

    def __init__(self, size: int):
        self.size = size
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, key: Hashable, build: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = build()  # unlocked: two sessions may build the same value at once, and keep one
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


derived = Derived(512)


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """frame (without its index) as an Arrow table, which st.dataframe sends without converting it again."""
    return pa.Table.from_pandas(frame, preserve_index=False)


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
