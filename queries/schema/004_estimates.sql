-- name: schema/004_estimates: population size estimates, the denominators of rates; batches rebuilt to take the new kind
-- Shipped: never edit it; add the next file.
-- One estimate per region and year, with its bounds and where it comes from (source and note are
-- about a publication, never a person). DuckDB cannot alter a CHECK, so batches is rebuilt.
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
