"""The store: engine and sessions, the schema (models) and its migrations, reading records at a version, backups."""
