"""Ready-made arms for ``attune simulate run`` and quick experiments.

Each is Attune's own example of a program, not a published protocol: weekly therapy
for twelve weeks as usual outpatient care; the same plus three weekly ketamine doses,
each followed the next day by an integration session (the shape of KARE's three weekly
infusions with therapy); intensive outpatient care; a month of residential care.
"""

from __future__ import annotations

from attune.domain.errors import ValidationError
from attune.domain.levelofcare.model import Level
from attune.sim.cycle.schedule import NO_TREATMENT, Arm

PRESETS: dict[str, Arm] = {
    "none": NO_TREATMENT,
    "therapy": Arm("therapy", level=Level.OUTPATIENT, therapy_weekdays=(1,), therapy_weeks=12),
    "kap": Arm(
        "kap",
        level=Level.OUTPATIENT,
        therapy_weekdays=(1,),
        therapy_weeks=12,
        dose_days=(7, 14, 21),
        integration_after=1,
    ),
    "ketamine_only": Arm("ketamine_only", level=Level.OUTPATIENT, dose_days=(7, 14, 21)),
    "intensive": Arm(
        "intensive", level=Level.INTENSIVE_OUTPATIENT, therapy_weekdays=(0, 2, 4), therapy_weeks=8
    ),
    "residential": Arm(
        "residential", level=Level.RESIDENTIAL, therapy_weekdays=(0, 1, 2, 3, 4), therapy_weeks=4
    ),
}


def preset(name: str) -> Arm:
    """The preset arm called ``name``; ValidationError lists the known names."""
    try:
        return PRESETS[name]
    except KeyError:
        known = ", ".join(PRESETS)
        raise ValidationError(
            f"no arm called {name!r}; choose from {known}", field="arms"
        ) from None
