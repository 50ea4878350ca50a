"""SQLite through sqlite-utils: the schema and its migrations, the project file, repositories.

The only place with SQL. Imports no Qt."""
