-- name: reach_by_quarter: planned and reached per quarter wholly inside the period, per region or all ($by_region), with coverage % of plan
-- columns: quarter, region, planned, reached, coverage_pct
SELECT quarter,
       CASE WHEN $by_region THEN region ELSE 'all' END AS region,
       sum(planned)::BIGINT AS planned,
       sum(reached)::BIGINT AS reached,
       CASE WHEN sum(planned) > 0 THEN round(100.0 * sum(reached) / sum(planned), 1) END AS coverage_pct
FROM reach
WHERE region IN (SELECT unnest($regions))
  AND quarter >= $month_from
  AND quarter + INTERVAL 2 MONTH <= $month_to
GROUP BY ALL
ORDER BY quarter, region;
