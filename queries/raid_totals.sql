-- name: raid_totals: raid events and people detained in them, for the regions and period
-- columns: raid_events, people_detained_in_raids
SELECT coalesce(sum(raid_events), 0)::BIGINT AS raid_events,
       coalesce(sum(people_detained), 0)::BIGINT AS people_detained_in_raids
FROM raids
WHERE region IN (SELECT unnest($regions))
  AND month BETWEEN $month_from AND $month_to;
