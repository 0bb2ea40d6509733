"""Synthetic bigger databases: the sample with 10x or 100x more rows in the aggregate tables.

Written straight into the tables (not through the importer), as the rows an
import of more detailed data would add: each extra copy of a cases row gets
another set of violation types, so the per-type queries see more distinct
combinations; raids and detentions get extra rows per region and month. Then the
public view's protected table is stored again, as every write does (releases.store),
so the public view shows the bigger data.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import duckdb
import pandas as pd

from rightsmap.disclosure import releases
from rightsmap.domain import config
from rightsmap.domain.vocab import VIOLATION_TYPES

TYPES = list(VIOLATION_TYPES)


def scaled_copy(source: Path, target: Path, factor: int, seed: int = 7) -> dict[str, int]:
    """Copy source to target with factor x the rows of cases, raids and detentions; the row counts."""
    shutil.copyfile(source, target)
    rng = random.Random(seed)
    with duckdb.connect(str(target)) as conn:
        cases = conn.execute("SELECT * FROM cases").df()
        extra = []
        for _ in range(1, factor):
            frame = cases.copy()
            frame["violation_types"] = [sorted(rng.sample(TYPES, rng.randint(1, 3))) for _ in range(len(frame))]
            frame["cases"] = [rng.randint(0, 3) for _ in range(len(frame))]
            extra.append(frame)
        if extra:
            more = pd.concat(extra, ignore_index=True)  # noqa: F841 - read by DuckDB
            conn.execute("INSERT INTO cases SELECT * FROM more")
            for table in ("raids", "detentions"):
                # Fixed names only; table names cannot be bound.
                conn.execute(f"INSERT INTO {table} SELECT t.* FROM {table} AS t, range({factor - 1})")  # noqa: S608
            releases.store(conn, config.MIN_COUNT)
        conn.execute("CHECKPOINT")
        return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
                for table in ("cases", "raids", "detentions", "reach")}
