"""SYNTHETIC data made by code, for test fixtures and benchmarks only; never a real figure.

Every file written here cites a publisher that starts with "SYNTHETIC" and, where the
tidy reader supports it, `source_is_synthetic = true`, so the warehouse marks each row
synthetic (sources.is_synthetic) wherever it shows. Both the tests and bench/ import it
from here, so neither depends on the other:

- at_scale: millions of movement rows shaped like the real files (codes, distributions);
- reliability: small places and two versions of one displacement file with known totals.
"""
