-- name: statements/estimates_held: the estimates already held for a region and year that the file (rows) also has
-- columns: region, year, batch
SELECT e.region, e.year, coalesce(e.batch_id::VARCHAR, '-') AS batch
FROM estimates AS e JOIN rows AS r USING (region, year)
ORDER BY ALL
