-- name: data_span: the first and last month that hold any data
-- columns: first_month, last_month
SELECT min(m)::DATE AS first_month, max(m)::DATE AS last_month FROM (
    SELECT month AS m FROM cases UNION ALL
    SELECT month FROM raids UNION ALL
    SELECT month FROM detentions UNION ALL
    SELECT quarter + INTERVAL 2 MONTH FROM reach UNION ALL
    SELECT quarter FROM reach
);
