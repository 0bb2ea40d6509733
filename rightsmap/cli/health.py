"""Is the server able to serve? The database opens, its schema is current, and the public view's stored
protected table was made with the app's k and covers the data. For `python -m rightsmap health`, a
service manager or a monitor: exit 0 when healthy, 1 with the reason when not.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd

from rightsmap.data import db, metrics
from rightsmap.disclosure import protect
from rightsmap.domain import config
from rightsmap.domain.vocab import N_

NO_TABLE = N_("{path} has no stored protected table; an import or undo stores it (the app computes it on every start "
              "meanwhile)")
OTHER_K = N_("the stored protected table of {path} hides counts below {stored}, but the app uses RIGHTSMAP_MIN_COUNT="
             "{k}; the next import or undo stores it again (the app computes it on every start meanwhile)")
BEHIND = N_("the stored protected table of {path} ends at {stored}, but the data goes on to {last}: it was not "
            "stored by the last write")
DIFFERS = N_("the stored protected table of {path} differs from the one the data gives now; the next import or undo "
             "stores it again")


class Unhealthy(RuntimeError):
    """The server cannot serve the public view as it should; the message says why."""


def _quarter(day) -> dt.date:
    day = pd.Timestamp(day).date()
    return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def check(path: Path | str | None = None, *, full: bool = False) -> str:
    """Check the database; return a one-line summary, or raise Unhealthy (or db.DatabaseError) with the reason."""
    target = config.db_path(path)
    conn = db.connect(target)  # opens with the key, checks the schema version
    try:
        meta = db.run(conn, "dataset_meta")
        stored_k = dict(zip(meta["key"], meta["value"], strict=True)).get(protect.STORED_K)
        try:
            span = db.run(conn, "protected_span").iloc[0]
        except duckdb.CatalogException:
            raise Unhealthy(NO_TABLE.format(path=target)) from None
        if stored_k is None:
            raise Unhealthy(NO_TABLE.format(path=target))
        if stored_k != str(config.MIN_COUNT):
            raise Unhealthy(OTHER_K.format(path=target, stored=stored_k, k=config.MIN_COUNT))
        _first, last = metrics.data_span(conn)
        if last is not None and (pd.isna(span["last_quarter"]) or _quarter(span["last_quarter"]) < _quarter(last)):
            stored = "-" if pd.isna(span["last_quarter"]) else _quarter(span["last_quarter"]).isoformat()
            raise Unhealthy(BEHIND.format(path=target, stored=stored, last=_quarter(last).isoformat()))
        if full:
            computed = protect.protected_table(conn, config.MIN_COUNT)
            stored_table = protect.stored_or_computed(conn, config.MIN_COUNT)
            keys = ["quarter", "measure", "region", "category"]
            if not _same(computed, stored_table, keys):
                raise Unhealthy(DIFFERS.format(path=target))
        return N_("{path}: opens, protected table current (k={k}, {cells} cells)").format(
            path=target, k=config.MIN_COUNT, cells=int(span["cells"]))
    finally:
        conn.close()


def _same(a: pd.DataFrame, b: pd.DataFrame, keys: list[str]) -> bool:
    if len(a) != len(b):
        return False
    a = a.assign(quarter=pd.to_datetime(a["quarter"])).sort_values(keys).reset_index(drop=True)
    b = b.assign(quarter=pd.to_datetime(b["quarter"])).sort_values(keys).reset_index(drop=True)
    return a[list(b.columns)].astype(str).equals(b.astype(str))
