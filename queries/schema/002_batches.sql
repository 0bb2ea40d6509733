-- name: schema/002_batches: imports: a batch per import, and every row it adds carries the batch's id
-- Shipped: never edit it; add the next file.
-- One batch can be undone exactly (batch_id NULL = the synthetic sample). A batch records the
-- file's hash, never its name: a name can identify someone.
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
