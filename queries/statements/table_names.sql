-- name: statements/table_names: the names of the tables this database has (an old or empty one lacks some)
-- columns: table_name
SELECT table_name FROM information_schema.tables
