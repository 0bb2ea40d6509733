-- name: statements/batch_of_file: the batch that imported the file with this hash, if any
-- columns: id, imported_at
SELECT id, imported_at FROM batches WHERE file_sha256 = $sha
