"""Open the database and run the named queries in queries/ with bound parameters: reads with run(), on a
cursor of their own; the statements of a write (queries/statements/) with execute(), on the connection."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd

from rightsmap.data import crypto, schema
from rightsmap.data.crypto import CANNOT_OPEN, NOT_OURS, DatabaseError  # callers catch db.DatabaseError
from rightsmap.domain import config
from rightsmap.domain.vocab import N_

# Observers, for the performance tests and bench/: each is called with the
# file opened by connect(), or the name of the query run() is about to run.
CONNECT_HOOKS: list[Callable[[Path], None]] = []
QUERY_HOOKS: list[Callable[[str], None]] = []
_T = TypeVar("_T")


@functools.cache
def load_query(name: str) -> str:
    """The SQL text of queries/NAME.sql."""
    path = config.QUERIES_DIR / f"{name}.sql"
    if not path.is_file():
        raise KeyError(f"no query named {name!r} in {config.QUERIES_DIR}")
    return path.read_text(encoding="utf-8")


def query_names() -> list[str]:
    """Every query in queries/, by name."""
    return sorted(p.stem for p in config.QUERIES_DIR.glob("*.sql"))


def query_header(name: str) -> dict[str, str]:
    """The `-- key: value` lines at the top of a query file (name, columns)."""
    header: dict[str, str] = {}
    for line in load_query(name).splitlines():
        if not line.startswith("--"):
            break
        key, _, value = line[2:].partition(":")
        header[key.strip()] = value.strip()
    return header


def connect(path: Path | str | None = None, *, read_only: bool = True,
            own_instance: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the database; read-only unless asked. Raises DatabaseError with an actionable message.

    own_instance: a DuckDB of its own (rightsmap.data.crypto.open_with), so a file swapped in at the same
    path is read as it is now, while connections to the file it replaced stay open for their users."""
    db_file = config.db_path(path)
    if read_only and not db_file.is_file():
        raise DatabaseError(N_(
            "No database at {path}. Build the sample with `python -m rightsmap build-sample` "
            "or point RIGHTSMAP_DB at an existing file.").format(path=db_file))
    try:
        # Encrypted when a key is configured (RIGHTSMAP_DB_KEY_FILE), a plain file otherwise.
        conn = crypto.open_file(db_file, read_only=read_only, own_instance=own_instance)
    except duckdb.IOException as exc:
        raise DatabaseError(CANNOT_OPEN.format(path=db_file, problem=_first_line(exc))) from None
    except duckdb.Error as exc:
        raise DatabaseError(NOT_OURS.format(path=db_file, problem=_first_line(exc))) from None
    try:
        version = schema.current_version(conn)
    except duckdb.Error as exc:
        conn.close()
        raise DatabaseError(NOT_OURS.format(path=db_file, problem=_first_line(exc))) from None
    if read_only and version != schema.SCHEMA_VERSION:
        conn.close()
        raise DatabaseError(N_(
            "{path} has schema version {version}; this rightsmap needs {needed}. "
            "Run `python -m rightsmap migrate` to bring it up to date.").format(
                path=db_file, version=version, needed=schema.SCHEMA_VERSION))
    for hook in CONNECT_HOOKS:
        hook(db_file)
    return conn


def run(conn: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pd.DataFrame:
    """Run queries/NAME.sql with bound $params on its own cursor; return a DataFrame.

    Only the parameters the query names are bound, so callers can pass one
    dict of filter parameters to every query.
    """
    sql = load_query(name)
    wanted = query_params(name)
    missing = wanted - params.keys()
    if missing:
        raise KeyError(f"query {name!r} needs parameters {sorted(missing)}")
    for hook in QUERY_HOOKS:
        hook(name)
    # A cursor per query lets Streamlit's threads share one connection.
    with conn.cursor() as cursor:
        return cursor.execute(sql, {k: params[k] for k in wanted}).df()


def execute(conn: duckdb.DuckDBPyConnection, name: str, *, frames: Mapping[str, Any] | None = None,
            **params: Any) -> list[tuple[Any, ...]]:
    """Run the statement queries/NAME.sql (NAME such as statements/next_batch_id) on conn itself, inside
    its transaction, with exactly the $params it binds; return its rows.

    frames: pandas or Arrow tables the statement reads, registered under their names for it only."""
    return _statement(conn, name, frames, params, duckdb.DuckDBPyConnection.fetchall)


def execute_frame(conn: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pd.DataFrame:
    """execute(), the rows as a DataFrame."""
    return _statement(conn, name, None, params, duckdb.DuckDBPyConnection.df)


def _statement(conn: duckdb.DuckDBPyConnection, name: str, frames: Mapping[str, Any] | None,
               params: dict[str, Any], fetch: Callable[[duckdb.DuckDBPyConnection], _T]) -> _T:
    sql = load_query(name)
    wanted = query_params(name)
    if wanted != params.keys():
        raise KeyError(f"statement {name!r} binds {sorted(wanted)}, not {sorted(params)}")
    for hook in QUERY_HOOKS:
        hook(name)
    for frame_name, frame in (frames or {}).items():
        conn.register(frame_name, frame)
    try:
        return fetch(conn.execute(sql, params or None))
    finally:
        for frame_name in frames or {}:
            conn.unregister(frame_name)


@functools.cache
def query_params(name: str) -> frozenset[str]:
    """The $parameters that queries/NAME.sql binds."""
    body = "\n".join(line for line in load_query(name).splitlines() if not line.lstrip().startswith("--"))
    return frozenset(re.findall(r"\$([a-z_]+)", body))


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
