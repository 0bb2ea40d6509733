-- name: cases_by_period_and_type: cases including each selected type, per month or quarter ($grain), per region or all together ($by_region)
-- columns: period, region, violation_type, cases
SELECT date_trunc($grain, month)::DATE AS period,
       CASE WHEN $by_region THEN region ELSE 'all' END AS region,
       violation_type,
       sum(cases)::BIGINT AS cases
FROM violations
WHERE region IN (SELECT unnest($regions))
  AND month BETWEEN $month_from AND $month_to
  AND perpetrator IN (SELECT unnest($perpetrators))
  AND violation_type IN (SELECT unnest($types))
GROUP BY ALL
ORDER BY period, region, violation_type;
