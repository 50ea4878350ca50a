"""Pure Python: the data model, the initiative templates and their rules.

Imports neither Qt nor sqlite3 (the import contracts in pyproject.toml enforce it)."""
