"""Profiles built from scored instruments and the intake.

* :mod:`.attachment` — the attachment profile: anxiety and avoidance first, then what
  they tend to mean, in words for the patient and for the clinician.
* :mod:`.addiction` — every addiction the patient named, with the screen behind it, its
  score, band and what the band suggests.
"""
