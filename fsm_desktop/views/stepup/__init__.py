"""Optrapning: the step-up page, its models and its dialogs."""
