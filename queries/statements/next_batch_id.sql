-- name: statements/next_batch_id: the id the next import batch takes
-- columns: id
SELECT coalesce(max(id), 0) + 1 AS id FROM batches
