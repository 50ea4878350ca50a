"""Mål: the measures page, its models and its charts."""
