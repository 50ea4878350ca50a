"""The initiative editor (issue 25)."""
