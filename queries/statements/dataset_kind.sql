-- name: statements/dataset_kind: what the data is, 'sample' or 'imported' (no row in a database made before)
-- columns: value
SELECT value FROM meta WHERE key = 'dataset'
