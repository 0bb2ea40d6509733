-- name: events: every dated annotation (few: they mark what happened, not cases); metrics.events_in filters them
-- columns: event_date, region, title_en, title_ru, title_ky, public
SELECT event_date, region, title_en, title_ru, title_ky, public
FROM events
ORDER BY event_date, region;
