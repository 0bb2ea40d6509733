-- name: statements/record_release: record a published protected table: when, its k, its hash and its size
-- columns: (none)
INSERT INTO releases
SELECT coalesce(max(id), 0) + 1, now()::TIMESTAMP, $k, $sha, $cells, $hidden FROM releases
