-- name: statements/forget_batch: remove an undone batch's record (after its rows are gone)
-- columns: (none)
DELETE FROM batches WHERE id = $batch
