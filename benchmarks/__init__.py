"""Benchmarks for rnnlab; run ``make bench`` or ``python -m benchmarks [name]``."""
