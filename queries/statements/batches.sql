-- name: statements/batches: every import batch, newest first
-- columns: id, imported_at, kind, rows, cases_rows, detentions_rows, raids_rows, reach_rows, events_rows, estimates_rows, imported_by, file_sha256
SELECT id, imported_at, kind, rows, cases_rows, detentions_rows, raids_rows, reach_rows, events_rows,
       estimates_rows, imported_by, file_sha256
FROM batches
ORDER BY id DESC
