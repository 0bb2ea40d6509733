-- name: region_summary: per region, cases, raids, people detained and reach for the filters (all nine regions, zero or null where none)
-- columns: code, cases, raid_events, people_detained_in_raids, detentions, planned, reached, reach_quarters
WITH c AS (
    SELECT region, sum(cases) AS cases FROM cases
    WHERE month BETWEEN $month_from AND $month_to
      AND perpetrator IN (SELECT unnest($perpetrators))
      AND ($all_types OR list_has_any(violation_types, $types))
    GROUP BY region
), r AS (
    SELECT region, sum(raid_events) AS raid_events, sum(people_detained) AS people_detained
    FROM raids WHERE month BETWEEN $month_from AND $month_to GROUP BY region
), d AS (
    SELECT region, sum(cases_with_detention) AS detentions
    FROM detentions WHERE month BETWEEN $month_from AND $month_to GROUP BY region
), s AS (
    SELECT region, sum(planned) AS planned, sum(reached) AS reached, count(*) AS reach_quarters
    FROM reach
    WHERE quarter >= $month_from AND quarter + INTERVAL 2 MONTH <= $month_to
    GROUP BY region
)
SELECT g.code,
       coalesce(c.cases, 0)::BIGINT AS cases,
       coalesce(r.raid_events, 0)::BIGINT AS raid_events,
       coalesce(r.people_detained, 0)::BIGINT AS people_detained_in_raids,
       coalesce(d.detentions, 0)::BIGINT AS detentions,
       s.planned::BIGINT AS planned,
       s.reached::BIGINT AS reached,
       coalesce(s.reach_quarters, 0)::BIGINT AS reach_quarters
FROM regions AS g
LEFT JOIN c ON c.region = g.code
LEFT JOIN r ON r.region = g.code
LEFT JOIN d ON d.region = g.code
LEFT JOIN s ON s.region = g.code
WHERE g.code IN (SELECT unnest($regions))
ORDER BY g.code;
