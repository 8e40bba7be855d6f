"""Attune: attachment-informed addiction care and ketamine-assisted psychotherapy."""

__version__ = "0.1.0"
