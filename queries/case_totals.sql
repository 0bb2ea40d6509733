-- name: case_totals: documented cases (each counted once) and extorted som, for the filters
-- columns: cases, extorted_som
SELECT coalesce(sum(cases), 0)::BIGINT AS cases,
       coalesce(sum(extorted_som), 0)::BIGINT AS extorted_som
FROM cases
WHERE region IN (SELECT unnest($regions))
  AND month BETWEEN $month_from AND $month_to
  AND perpetrator IN (SELECT unnest($perpetrators))
  AND ($all_types OR list_has_any(violation_types, $types));
