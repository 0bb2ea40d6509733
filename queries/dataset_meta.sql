-- name: dataset_meta: key/value facts about the loaded dataset (whether it is the sample, its calibration)
-- columns: key, value
SELECT key, value FROM meta ORDER BY key;
