"""One simulated patient's days as check-in records (``CheckIn``), ready for the services."""

from __future__ import annotations

from attune.domain.monitoring.checkin import CheckIn, Safety, Use
from attune.sim.cycle.cohort import ADDICTIONS, UNITS
from attune.sim.cycle.constants import COPING_SIM, TRIGGER_SIM
from attune.sim.cycle.result import SimResult

_SAFETY = (Safety.NONE, Safety.THOUGHTS, Safety.MIGHT_ACT)


def _tags(bits: int, names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(name for j, name in enumerate(names) if bits >> j & 1)


def checkins_of(result: SimResult, patient: int) -> list[CheckIn]:
    """Every day ``patient`` checked in, oldest first."""
    obs = {name: values[patient].tolist() for name, values in result.checkins.items()}
    amounts = result.events["amount"][patient].tolist()
    what = ADDICTIONS[int(result.cohort.addiction[patient])]
    unit = UNITS[what]
    out = []
    for day, done in enumerate(obs["checked_in"]):
        if not done:
            continue
        uses = (
            (Use(what=what, amount=round(amounts[day], 1), unit=unit),) if obs["used"][day] else ()
        )
        out.append(
            CheckIn(
                day=result.date_of(day),
                mood=obs["mood"][day],
                stress=obs["stress"][day],
                loneliness=obs["loneliness"][day],
                craving=obs["craving"][day],
                uses=uses,
                triggers=_tags(obs["triggers"][day], TRIGGER_SIM),
                coping=_tags(obs["coping"][day], COPING_SIM),
                sleep_hours=obs["sleep_half_hours"][day] / 2.0,
                sleep_quality=obs["sleep_quality"][day],
                safety=_SAFETY[obs["safety"][day]],
            )
        )
    return out
