-- name: schema/003_public: the public view: events marked public, and every published protected table recorded
-- Shipped: never edit it; add the next file.
-- An event reaches the public view only when staff marked it public on import. Every protected
-- table the app has published is recorded by its hash, so a later one can be checked against it;
-- the last one itself is kept as protected_cells (statuses and shown values only, never a hidden value).
ALTER TABLE events ADD COLUMN public BOOLEAN NOT NULL DEFAULT false;
CREATE TABLE releases (
    id           INTEGER PRIMARY KEY,
    published_at TIMESTAMP NOT NULL,
    k            INTEGER NOT NULL,
    table_sha256 VARCHAR NOT NULL,
    cells        INTEGER NOT NULL,
    hidden       INTEGER NOT NULL
);
