-- name: regions: the nine first-level units with their names and label points
-- columns: code, name_en, name_ru, name_ky, kind, label_lat, label_lon
SELECT code, name_en, name_ru, name_ky, kind, label_lat, label_lon FROM regions ORDER BY code;
