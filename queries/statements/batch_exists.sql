-- name: statements/batch_exists: 1 when the database has this batch, else 0
-- columns: found
SELECT count(*) AS found FROM batches WHERE id = $batch
