"""Sync: the dialogs for laptop copies (check out, hand in, merge)."""
