-- name: cases_by_type: cases that include each selected violation type (a case with several types counts under each)
-- columns: violation_type, cases
SELECT t.violation_type, coalesce(sum(c.cases), 0)::BIGINT AS cases
FROM (SELECT unnest($types) AS violation_type) AS t
LEFT JOIN cases AS c
  ON list_contains(c.violation_types, t.violation_type)
 AND c.region IN (SELECT unnest($regions))
 AND c.month BETWEEN $month_from AND $month_to
 AND c.perpetrator IN (SELECT unnest($perpetrators))
GROUP BY t.violation_type
ORDER BY t.violation_type;
