"""The database schema, created by code, with forward-only migrations.

Every table holds aggregates: counts per region and month (or quarter). There is
no table with one row per case, and no column for free text about a person.
"""

from __future__ import annotations

import functools

import duckdb

from rightsmap.domain import config

# Each migration moves the schema from version i to i + 1: queries/schema/00i_*.sql, one file each.
# Never edit a migration that has shipped: add the next file, and raise SCHEMA_VERSION with it.
SCHEMA_VERSION = 4
MIGRATIONS_DIR = config.QUERIES_DIR / "schema"


@functools.cache
def migration(number: int) -> str:
    """The SQL of migration NUMBER (1 to SCHEMA_VERSION), from queries/schema/."""
    found = sorted(MIGRATIONS_DIR.glob(f"{number:03d}_*.sql"))
    if len(found) != 1:
        raise RuntimeError(f"{MIGRATIONS_DIR} needs one file named {number:03d}_*.sql for schema version "
                           f"{number}; it has {len(found)}")
    return found[0].read_text(encoding="utf-8")


def current_version(conn: duckdb.DuckDBPyConnection) -> int:
    """The schema version of this database, 0 when it is empty."""
    exists = conn.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchall()[0][0]
    if not exists:
        return 0
    return conn.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchall()[0][0]


def migrate(conn: duckdb.DuckDBPyConnection) -> int:
    """Apply every migration this database lacks, each in its own transaction; return the version."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMP NOT NULL)"
    )
    version = current_version(conn)
    if version > SCHEMA_VERSION:
        raise RuntimeError(
            f"This database has schema version {version}, newer than this rightsmap "
            f"({SCHEMA_VERSION}). Upgrade rightsmap before opening it."
        )
    for number in range(version + 1, SCHEMA_VERSION + 1):
        conn.execute("BEGIN TRANSACTION")
        try:
            conn.execute(migration(number))
            conn.execute("INSERT INTO schema_version VALUES (?, now())", [number])
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise
    return SCHEMA_VERSION
