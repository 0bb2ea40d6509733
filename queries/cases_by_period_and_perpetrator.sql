-- name: cases_by_period_and_perpetrator: cases per perpetrator, per month or quarter ($grain), per region or all together ($by_region)
-- columns: period, region, perpetrator, cases
SELECT date_trunc($grain, month)::DATE AS period,
       CASE WHEN $by_region THEN region ELSE 'all' END AS region,
       perpetrator,
       sum(cases)::BIGINT AS cases
FROM cases
WHERE region IN (SELECT unnest($regions))
  AND month BETWEEN $month_from AND $month_to
  AND perpetrator IN (SELECT unnest($perpetrators))
  AND ($all_types OR list_has_any(violation_types, $types))
GROUP BY ALL
ORDER BY period, region, perpetrator;
