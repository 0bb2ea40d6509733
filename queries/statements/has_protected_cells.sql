-- name: statements/has_protected_cells: 1 when the database stores a protected table, else 0
-- columns: found
SELECT count(*) AS found FROM information_schema.tables WHERE table_name = 'protected_cells'
