"""Benchmarks (a package: pysbd installs a top-level `benchmarks` package of its own, which
would otherwise shadow this folder)."""
