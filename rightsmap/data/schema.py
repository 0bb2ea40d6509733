"""The database schema, created by code, with forward-only migrations.

Every table holds aggregates: counts per region and month (or quarter). There is
no table with one row per case, and no column for free text about a person.
"""

from __future__ import annotations

import duckdb

# Each migration moves the schema from version i to i + 1. Never edit a
# migration that has shipped: append a new one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE meta (
        key   VARCHAR PRIMARY KEY,
        value VARCHAR NOT NULL
    );
    CREATE TABLE regions (
        code      VARCHAR PRIMARY KEY,
        name_en   VARCHAR NOT NULL,
        name_ru   VARCHAR NOT NULL,
        name_ky   VARCHAR NOT NULL,
        kind      VARCHAR NOT NULL CHECK (kind IN ('oblast', 'city')),
        label_lat DOUBLE NOT NULL,
        label_lon DOUBLE NOT NULL
    );
    -- Documented cases, counted per region, month, perpetrator and the set of
    -- violation types they include. A case with several types is one row of
    -- count here, so totals count it once; the violations view counts it once
    -- per type.
    CREATE TABLE cases (
        region          VARCHAR NOT NULL REFERENCES regions (code),
        month           DATE NOT NULL CHECK (day(month) = 1),
        perpetrator     VARCHAR NOT NULL CHECK (perpetrator IN ('police', 'pimp', 'client', 'vigilante', 'other')),
        violation_types VARCHAR[] NOT NULL CHECK (len(violation_types) > 0),
        cases           INTEGER NOT NULL CHECK (cases >= 0),
        extorted_som    BIGINT NOT NULL DEFAULT 0 CHECK (extorted_som >= 0)
    );
    CREATE VIEW violations AS
        SELECT region, month, violation_type, perpetrator, sum(cases)::BIGINT AS cases
        FROM (SELECT region, month, perpetrator, cases, unnest(violation_types) AS violation_type FROM cases)
        GROUP BY ALL;
    CREATE TABLE raids (
        region          VARCHAR NOT NULL REFERENCES regions (code),
        month           DATE NOT NULL CHECK (day(month) = 1),
        raid_events     INTEGER NOT NULL CHECK (raid_events >= 0),
        people_detained INTEGER NOT NULL CHECK (people_detained >= 0)
    );
    CREATE TABLE detentions (
        region               VARCHAR NOT NULL REFERENCES regions (code),
        month                DATE NOT NULL CHECK (day(month) = 1),
        cases_with_detention INTEGER NOT NULL CHECK (cases_with_detention >= 0),
        detention_days       INTEGER NOT NULL CHECK (detention_days >= 0)
    );
    -- quarter is the first day of the quarter.
    CREATE TABLE reach (
        region        VARCHAR NOT NULL REFERENCES regions (code),
        quarter       DATE NOT NULL CHECK (day(quarter) = 1 AND month(quarter) IN (1, 4, 7, 10)),
        planned       INTEGER NOT NULL CHECK (planned >= 0),
        reached       INTEGER NOT NULL CHECK (reached >= 0),
        hiv_tests     INTEGER CHECK (hiv_tests >= 0),
        condoms       INTEGER CHECK (condoms >= 0),
        consultations INTEGER CHECK (consultations >= 0)
    );
    CREATE TABLE events (
        event_date DATE NOT NULL,
        region     VARCHAR REFERENCES regions (code),
        title_en   VARCHAR,
        title_ru   VARCHAR,
        title_ky   VARCHAR,
        CHECK (coalesce(title_en, title_ru, title_ky) IS NOT NULL)
    );
    """,
    # 2: imports. Each import is a batch; every row it adds carries the batch's
    # id, so one batch can be undone exactly (NULL = the synthetic sample). A
    # batch records the file's hash, never its name: a name can identify someone.
    """
    CREATE TABLE batches (
        id               INTEGER PRIMARY KEY,
        imported_at      TIMESTAMP NOT NULL,
        kind             VARCHAR NOT NULL CHECK (kind IN ('cases', 'raids', 'coverage', 'events')),
        file_sha256      VARCHAR NOT NULL UNIQUE,
        rows             INTEGER NOT NULL CHECK (rows >= 0),
        cases_rows       INTEGER NOT NULL DEFAULT 0,
        detentions_rows  INTEGER NOT NULL DEFAULT 0,
        raids_rows       INTEGER NOT NULL DEFAULT 0,
        reach_rows       INTEGER NOT NULL DEFAULT 0,
        events_rows      INTEGER NOT NULL DEFAULT 0,
        imported_by      VARCHAR NOT NULL
    );
    ALTER TABLE cases ADD COLUMN batch_id INTEGER;
    ALTER TABLE raids ADD COLUMN batch_id INTEGER;
    ALTER TABLE detentions ADD COLUMN batch_id INTEGER;
    ALTER TABLE reach ADD COLUMN batch_id INTEGER;
    ALTER TABLE events ADD COLUMN batch_id INTEGER;
    """,
    # 3: the public view (issue 18). An event reaches it only when staff marked it public on import.
    # Every protected table the app has published is recorded by its hash, so a later one can be
    # checked against it; the table itself is kept as protected_release_cells (statuses and shown
    # values only, never a hidden value).
    """
    ALTER TABLE events ADD COLUMN public BOOLEAN NOT NULL DEFAULT false;
    CREATE TABLE releases (
        id           INTEGER PRIMARY KEY,
        published_at TIMESTAMP NOT NULL,
        k            INTEGER NOT NULL,
        table_sha256 VARCHAR NOT NULL,
        cells        INTEGER NOT NULL,
        hidden       INTEGER NOT NULL
    );
    """,
    # 4: population size estimates, the denominators of rates. One estimate per region and year,
    # with its bounds and where it comes from (source and note are about a publication, never a
    # person). DuckDB cannot alter a CHECK, so batches is rebuilt to take the new kind.
    """
    CREATE TABLE estimates (
        region      VARCHAR NOT NULL REFERENCES regions (code),
        year        INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
        estimate    INTEGER NOT NULL CHECK (estimate > 0),
        low         INTEGER CHECK (low > 0 AND low <= estimate),
        high        INTEGER CHECK (high >= estimate),
        source      VARCHAR NOT NULL,
        source_note VARCHAR NOT NULL,
        batch_id    INTEGER,
        UNIQUE (region, year)
    );
    CREATE TABLE batches_4 (
        id               INTEGER PRIMARY KEY,
        imported_at      TIMESTAMP NOT NULL,
        kind             VARCHAR NOT NULL CHECK (kind IN ('cases', 'raids', 'coverage', 'events', 'estimates')),
        file_sha256      VARCHAR NOT NULL UNIQUE,
        rows             INTEGER NOT NULL CHECK (rows >= 0),
        cases_rows       INTEGER NOT NULL DEFAULT 0,
        detentions_rows  INTEGER NOT NULL DEFAULT 0,
        raids_rows       INTEGER NOT NULL DEFAULT 0,
        reach_rows       INTEGER NOT NULL DEFAULT 0,
        events_rows      INTEGER NOT NULL DEFAULT 0,
        imported_by      VARCHAR NOT NULL,
        estimates_rows   INTEGER NOT NULL DEFAULT 0
    );
    INSERT INTO batches_4 SELECT *, 0 FROM batches;
    DROP TABLE batches;
    ALTER TABLE batches_4 RENAME TO batches;
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)


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
            conn.execute(MIGRATIONS[number - 1])
            conn.execute("INSERT INTO schema_version VALUES (?, now())", [number])
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise
    return SCHEMA_VERSION
