"""The import report, the list of batches, and undo."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from rightsmap.data import crypto, db
from rightsmap.domain import config
from rightsmap.domain.vocab import N_
from rightsmap.records import store
from rightsmap.records.importing import aggregate
from rightsmap.records.importing.pipeline import Prepared


def report(prepared: Prepared, *, imported: bool, dry_run: bool = False, batch_id: int | None = None,
           refused: list[str] | None = None) -> dict[str, Any]:
    """The JSON-ready report: counts, codes and row numbers only."""
    errors = list(prepared.errors) + [{"row": None, "column": None, "reason": r} for r in refused or []]
    out: dict[str, Any] = {
        "kind": prepared.kind,
        "rows": prepared.rows,
        "imported": imported,
        "dry_run": dry_run,
        "batch_id": batch_id,
        "file_sha256": prepared.file_sha256,
        "dropped_columns": prepared.dropped_columns,
        "not_stored": prepared.not_stored,
        "errors": errors,
        "errors_total": prepared.errors_total + len(refused or []),
        "warnings": prepared.warnings,
        "added": {table: rows.num_rows for table, rows in prepared.tables.items()},
    }
    if dry_run:
        out["aggregates"] = {table: _records(rows.to_pandas()) for table, rows in prepared.tables.items()}
    return out


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    def plain(value: Any) -> Any:
        if isinstance(value, dt.date):
            return value.isoformat()
        if hasattr(value, "tolist"):
            return value.tolist()
        if value is None or (isinstance(value, float) and pd.isna(value)):
            return None
        return value

    return [{k: plain(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


BATCH_COLUMNS = ["id", "imported_at", "kind", "rows", "cases_rows", "detentions_rows", "raids_rows", "reach_rows",
                 "events_rows", "estimates_rows", "imported_by", "file_sha256"]


def batches(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every import batch, newest first (empty when the database has never taken an import)."""
    with conn.cursor() as cursor:
        if "batches" not in {t for (t,) in db.execute(cursor, "statements/table_names")}:
            return pd.DataFrame(columns=BATCH_COLUMNS)
        return db.execute_frame(cursor, "statements/batches")


def list_batches(path: Path | str | None = None) -> pd.DataFrame:
    target = config.db_path(path)
    if not target.is_file():
        raise store.StoreError(N_("no database at {path}").format(path=target))
    with crypto.open_file(target, read_only=True) as conn:
        return batches(conn)


def undo(path: Path | str | None, batch_id: int) -> dict[str, int]:
    """Remove exactly one batch's rows, atomically; return the rows removed per table."""
    with store.writable(path) as conn:
        if not db.execute(conn, "statements/batch_exists", batch=batch_id)[0][0]:
            raise store.StoreError(N_("no batch {batch} in this database; see `python -m rightsmap batches list`")
                                   .format(batch=batch_id))
        removed = {}
        for table in aggregate.TABLES:
            removed[table] = conn.execute(f"DELETE FROM {table} WHERE batch_id = ?", [batch_id]).fetchall()[0][0]  # noqa: S608
        db.execute(conn, "statements/forget_batch", batch=batch_id)
    return removed
