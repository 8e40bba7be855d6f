"""Daily self-monitoring: the check-in, what precedes craving and use, and relapse risk.

* :mod:`.checkin` — the daily check-in and its validation;
* :mod:`.insight` — the per-patient functional analysis (lagged, within-person centred);
* :mod:`.risk` — the transparent relapse-risk score against the patient's own baseline;
* :mod:`.streaks` — days checked in, told without guilt.
"""
