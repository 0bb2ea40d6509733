"""The database: connections (encrypted or not), the schema and its migrations, the metrics the pages read,
and staff accounts. Imports only rightsmap.domain."""
