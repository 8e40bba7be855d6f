"""Synthetic data for demos and tests, generated from a seed (no I/O)."""
