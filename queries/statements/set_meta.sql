-- name: statements/set_meta: set one of the database's own settings (meta: key, value)
-- columns: (none)
INSERT OR REPLACE INTO meta VALUES ($key, $value)
