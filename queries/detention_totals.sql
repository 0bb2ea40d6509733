-- name: detention_totals: documented cases with a detention and the days spent in detention, for the regions and period
-- columns: detentions, detention_days
SELECT coalesce(sum(cases_with_detention), 0)::BIGINT AS detentions,
       coalesce(sum(detention_days), 0)::BIGINT AS detention_days
FROM detentions
WHERE region IN (SELECT unnest($regions))
  AND month BETWEEN $month_from AND $month_to;
