-- name: statements/store_protected_cells: keep the protected table (published statuses and values only)
-- columns: (none)
CREATE OR REPLACE TABLE protected_cells AS SELECT * FROM protected
