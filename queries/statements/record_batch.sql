-- name: statements/record_batch: record one import batch: its file's hash (never its name) and its rows per table
-- columns: (none)
INSERT INTO batches (id, imported_at, kind, file_sha256, rows, cases_rows, detentions_rows, raids_rows,
                     reach_rows, events_rows, estimates_rows, imported_by)
VALUES ($id, $at, $kind, $sha, $rows, $cases, $detentions, $raids, $reach, $events, $estimates, $by)
