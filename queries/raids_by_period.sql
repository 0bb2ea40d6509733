-- name: raids_by_period: raid events, people detained in raids, and documented detentions per month or quarter ($grain), per region or all ($by_region)
-- columns: period, region, raid_events, people_detained_in_raids, detentions, detention_days
WITH r AS (
    SELECT date_trunc($grain, month)::DATE AS period,
           CASE WHEN $by_region THEN region ELSE 'all' END AS region,
           sum(raid_events) AS raid_events, sum(people_detained) AS people_detained
    FROM raids
    WHERE region IN (SELECT unnest($regions)) AND month BETWEEN $month_from AND $month_to
    GROUP BY ALL
), d AS (
    SELECT date_trunc($grain, month)::DATE AS period,
           CASE WHEN $by_region THEN region ELSE 'all' END AS region,
           sum(cases_with_detention) AS detentions, sum(detention_days) AS detention_days
    FROM detentions
    WHERE region IN (SELECT unnest($regions)) AND month BETWEEN $month_from AND $month_to
    GROUP BY ALL
)
SELECT coalesce(r.period, d.period) AS period,
       coalesce(r.region, d.region) AS region,
       coalesce(r.raid_events, 0)::BIGINT AS raid_events,
       coalesce(r.people_detained, 0)::BIGINT AS people_detained_in_raids,
       coalesce(d.detentions, 0)::BIGINT AS detentions,
       coalesce(d.detention_days, 0)::BIGINT AS detention_days
FROM r FULL OUTER JOIN d ON r.period = d.period AND r.region = d.region
ORDER BY period, region;
