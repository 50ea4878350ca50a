"""Benchmarks: ``python -m bench``. Figures are ratios to a floor measured in the same run."""
