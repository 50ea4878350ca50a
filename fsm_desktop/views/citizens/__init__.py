"""Borgere: the register page and the citizen window with its tabs."""
