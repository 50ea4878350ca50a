"""Pure Python: the data model, the initiative templates and their rules.

Imports neither Qt nor sqlite3 (tests/test_layering.py enforces it)."""
