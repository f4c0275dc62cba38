"""Benchmarks: accuracy and speed of milia-scan on samples/ (run with `make bench`)."""
