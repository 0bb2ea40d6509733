-- name: protected_cells: the public view's protected table as stored by the last write (published values only)
-- columns: quarter, period, measure, region, category, value, status
SELECT quarter, period, measure, region, category, value, status
FROM protected_cells
ORDER BY period, quarter, measure, region, category;
