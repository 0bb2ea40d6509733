-- name: estimates: every population size estimate, by region and year, with its bounds and source
-- columns: region, year, estimate, low, high, source, source_note
SELECT region, year, estimate, low, high, source, source_note
FROM estimates
ORDER BY region, year;
