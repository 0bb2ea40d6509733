-- name: events_in_period: dated annotations in the period that are national or concern one of the regions
-- columns: event_date, region, title_en, title_ru, title_ky, public
SELECT event_date, region, title_en, title_ru, title_ky, public
FROM events
WHERE event_date >= $month_from
  AND event_date < $month_to + INTERVAL 1 MONTH
  AND (region IS NULL OR region IN (SELECT unnest($regions)))
ORDER BY event_date, region;
