"""One import from start to end: read and check the file, aggregate, and write one batch (or only preview it).

Every outcome is a report (report.py). Nothing that a cell holds reaches the
report, a log line or the database: only codes, counts and row numbers.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from rightsmap.data import crypto, db
from rightsmap.domain import config
from rightsmap.domain.vocab import N_
from rightsmap.records import store
from rightsmap.records.importing import aggregate, mapping as columnmap, readers, validate
from rightsmap.records.importing.columns import KINDS, NOT_STORED

log = logging.getLogger("rightsmap.records.importing")

NO_DATABASE = N_("no database at {path}; create one with `python -m rightsmap init --db PATH`")
SAMPLE_REFUSED = N_("this database holds the synthetic sample, and real data is never mixed with it; create a "
                    "database for real data with `python -m rightsmap init --db PATH` and import into that")


class Refused(Exception):
    """The database will not take this file (sample data, or the file was imported before)."""


@dataclass
class Prepared:
    """A checked file, ready to write: its aggregates, or the errors that stop it."""

    kind: str
    file_sha256: str
    rows: int = 0
    dropped_columns: list[str] = field(default_factory=list)
    not_stored: list[str] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    errors_total: int = 0
    warnings: list[str] = field(default_factory=list)
    tables: dict[str, pa.Table] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors_total


def file_error(reason: str) -> dict:
    return {"row": None, "column": None, "reason": reason}


def sha256(source: bytes | Path) -> str:
    digest = hashlib.sha256()
    if isinstance(source, bytes):
        digest.update(source)
    else:
        with open(source, "rb") as handle:
            while chunk := handle.read(1 << 22):
                digest.update(chunk)
    return digest.hexdigest()


def prepare(kind: str, source: bytes | Path, mapping: columnmap.Mapping | None = None) -> Prepared:
    """Read, check and aggregate a file in memory (read through a column mapping if given); touches no database."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    prepared = Prepared(kind, sha256(source))
    raw = None
    try:
        raw = readers.read(source)
        prepared.rows = raw.rows
        mapped_warnings = columnmap.apply(raw, kind, mapping)
        checked = validate.check(raw, kind)
        prepared.dropped_columns = checked.dropped_columns
        prepared.not_stored = [n for n in NOT_STORED.get(kind, ()) if n in checked.found]
        prepared.errors, prepared.errors_total = checked.errors, checked.errors_total
        prepared.warnings = mapped_warnings + checked.warnings
        if prepared.ok:
            prepared.tables = aggregate.aggregates(raw.conn, kind, set(checked.found))
    except readers.FileProblem as exc:
        prepared.errors, prepared.errors_total = [file_error(str(exc))], 1
    except Exception as exc:  # noqa: BLE001 - a library's message may quote a cell, so only its type is shown
        if os.environ.get("RIGHTSMAP_DEBUG"):
            raise
        prepared.errors = [file_error(N_("the file could not be imported ({problem})").format(problem=type(exc).__name__))]
        prepared.errors_total = 1
    finally:
        if raw is not None:
            raw.conn.close()
    log.info("checked a %s file: %d rows, %d errors", kind, prepared.rows, prepared.errors_total)
    return prepared


def target_problems(conn: duckdb.DuckDBPyConnection, prepared: Prepared) -> list[str]:
    """Why this database cannot take this file; empty when it can."""
    tables = {t for (t,) in db.execute(conn, "statements/table_names")}
    if "meta" in tables:
        dataset = db.execute(conn, "statements/dataset_kind")
        if dataset and dataset[0][0] == "sample":
            return [SAMPLE_REFUSED]
    if "batches" in tables:
        earlier = db.execute(conn, "statements/batch_of_file", sha=prepared.file_sha256)
        if earlier:
            batch, when = earlier[0]
            return [N_("this file was already imported, as batch {batch} on {when}; undo that batch first to "
                       "import it again").format(batch=batch, when=f"{when:%Y-%m-%d %H:%M}")]
    if "estimates" in prepared.tables and "estimates" in tables:
        return _estimates_held(conn, prepared.tables["estimates"])
    return []


def _estimates_held(conn: duckdb.DuckDBPyConnection, rows: pa.Table) -> list[str]:
    """One estimate per region and year: a second one would leave a rate's denominator in doubt."""
    held = db.execute(conn, "statements/estimates_held", frames={"rows": rows})
    return [N_("the database already has an estimate for {region} in {year} (batch {batch}); undo that batch "
               "first to replace it").format(region=region, year=year, batch=batch) for region, year, batch in held]


def commit(path: Path | str | None, prepared: Prepared, *, by: str | None = None) -> int:
    """Write a prepared file as one batch, atomically; return the batch id. Raises Refused or StoreError."""
    if not prepared.ok:
        raise ValueError("a file with errors is never written")
    with store.writable(path) as conn:
        problems = target_problems(conn, prepared)
        if problems:
            raise Refused("; ".join(problems))
        batch = db.execute(conn, "statements/next_batch_id")[0][0]
        counts = {}
        for table, rows in prepared.tables.items():
            columns = ", ".join(rows.column_names)
            conn.execute(f"INSERT INTO {_table(table)} ({columns}, batch_id) SELECT *, $batch FROM rows",  # noqa: S608
                         {"batch": batch})
            counts[table] = rows.num_rows
        db.execute(conn, "statements/record_batch", id=batch, at=dt.datetime.now().replace(microsecond=0),
                   kind=prepared.kind, sha=prepared.file_sha256, rows=prepared.rows, by=by or default_user(),
                   **{t: counts.get(t, 0) for t in aggregate.TABLES})
    log.info("imported batch %d (%s, %d rows)", batch, prepared.kind, prepared.rows)
    return batch


def _table(name: str) -> str:
    if name not in aggregate.TABLES:  # table names cannot be bound, so only the schema's names pass
        raise ValueError(f"not a data table: {name!r}")
    return name


def default_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def check_target(path: Path | str | None, prepared: Prepared) -> list[str]:
    """target_problems on a short-lived read-only connection (for dry runs)."""
    target = config.db_path(path)
    if not target.is_file():
        return [NO_DATABASE.format(path=target)]
    with crypto.open_file(target, read_only=True) as conn:
        return target_problems(conn, prepared)
