-- name: protected_span: the quarters and number of rows the stored protected table holds
-- columns: first_quarter, last_quarter, cells
SELECT min(quarter)::DATE AS first_quarter, max(quarter)::DATE AS last_quarter, count(*) AS cells
FROM protected_cells;
