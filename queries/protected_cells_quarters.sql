-- name: protected_cells_quarters: a protected table stored before year cells existed (quarters only)
-- columns: quarter, measure, region, category, value, status
SELECT quarter, measure, region, category, value, status
FROM protected_cells
ORDER BY quarter, measure, region, category;
