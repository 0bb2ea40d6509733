-- name: reach_totals: people planned and reached by HIV prevention in the quarters wholly inside the period
-- columns: quarters, planned, reached, hiv_tests, condoms, consultations
SELECT count(DISTINCT quarter)::BIGINT AS quarters,
       coalesce(sum(planned), 0)::BIGINT AS planned,
       coalesce(sum(reached), 0)::BIGINT AS reached,
       sum(hiv_tests)::BIGINT AS hiv_tests,
       sum(condoms)::BIGINT AS condoms,
       sum(consultations)::BIGINT AS consultations
FROM reach
WHERE region IN (SELECT unnest($regions))
  AND quarter >= $month_from
  AND quarter + INTERVAL 2 MONTH <= $month_to;
