"""Profiles built from scored instruments and the intake.

* :mod:`.attachment` — the attachment profile: anxiety and avoidance first, then what
  they tend to mean, in words for the patient and for the clinician.
"""
