-- name: statements/last_release: the hash of the last protected table published
-- columns: table_sha256
SELECT table_sha256 FROM releases ORDER BY id DESC LIMIT 1
