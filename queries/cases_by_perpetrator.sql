-- name: cases_by_perpetrator: cases per selected perpetrator, for the filters
-- columns: perpetrator, cases
SELECT p.perpetrator, coalesce(sum(c.cases), 0)::BIGINT AS cases
FROM (SELECT unnest($perpetrators) AS perpetrator) AS p
LEFT JOIN cases AS c
  ON c.perpetrator = p.perpetrator
 AND c.region IN (SELECT unnest($regions))
 AND c.month BETWEEN $month_from AND $month_to
 AND ($all_types OR list_has_any(c.violation_types, $types))
GROUP BY p.perpetrator
ORDER BY p.perpetrator;
