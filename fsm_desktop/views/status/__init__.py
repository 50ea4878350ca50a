"""Statusark: the status sheet page and its model."""
