-- name: quarter_cells: exact counts per quarter, region, measure and category, the input of disclosure control (never shown as is)
-- columns: quarter, region, measure, category, value
-- A case counts once under its perpetrator (measure cases) and once under each of its
-- violation types (measure cases_of_type); the other measures have one category, themselves.
SELECT date_trunc('quarter', month)::DATE AS quarter, region, 'cases' AS measure, perpetrator AS category,
       sum(cases)::BIGINT AS value
FROM cases WHERE month BETWEEN $month_from AND $month_to GROUP BY ALL
UNION ALL
SELECT date_trunc('quarter', month)::DATE, region, 'cases_of_type', violation_type, sum(cases)::BIGINT
FROM violations WHERE month BETWEEN $month_from AND $month_to GROUP BY ALL
UNION ALL
SELECT date_trunc('quarter', month)::DATE, region, 'raid_events', 'raid_events', sum(raid_events)::BIGINT
FROM raids WHERE month BETWEEN $month_from AND $month_to GROUP BY ALL
UNION ALL
SELECT date_trunc('quarter', month)::DATE, region, 'people_detained_in_raids', 'people_detained_in_raids',
       sum(people_detained)::BIGINT
FROM raids WHERE month BETWEEN $month_from AND $month_to GROUP BY ALL
UNION ALL
SELECT date_trunc('quarter', month)::DATE, region, 'detentions', 'detentions', sum(cases_with_detention)::BIGINT
FROM detentions WHERE month BETWEEN $month_from AND $month_to GROUP BY ALL
UNION ALL
SELECT quarter, region, 'reached', 'reached', sum(reached)::BIGINT
FROM reach WHERE quarter BETWEEN $month_from AND $month_to GROUP BY ALL
UNION ALL
SELECT quarter, region, 'planned', 'planned', sum(planned)::BIGINT
FROM reach WHERE quarter BETWEEN $month_from AND $month_to GROUP BY ALL
ORDER BY quarter, region, measure, category;
