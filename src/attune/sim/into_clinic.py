"""Put a simulated cohort into a clinic database, through the services.

:func:`load_cohort` creates a clinic named as asked, one clinician, and one patient per
simulated person (with a login nobody knows the password of: these people do not
exist), then plays every day in order with the clock set to it: each patient's check-in
at their evening, and their PHQ-9 and GAD-7 answers on the days the model gives them.
Because it goes through the same services as the app, safety alerts, flags, the audit
chain and the insight pages come out exactly as for real check-ins. At the end the
relapse-risk scan runs once, as the background jobs would.

A model for teaching and testing, not a prediction for any real person.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import numpy as np

from attune.domain.instruments import get_instrument
from attune.domain.instruments.batch import MISSING
from attune.domain.monitoring.checkin import CheckIn
from attune.services import checkins, relapse_scan, responses, users
from attune.services.actors import Actor, Role
from attune.services.clock import FixedClock
from attune.services.ports import UnitOfWork
from attune.sim.cycle import SimResult, checkins_of

#: The local times the simulated patients answer.
CHECKIN_TIME = time(20, 30)
QUESTIONNAIRE_TIME = time(9, 15)
#: Questionnaires written into the clinic (the model makes others too).
LOADED = ("phq9", "gad7")
DOMAIN = "simulated.invalid"


@dataclass(frozen=True)
class Loaded:
    clinic_id: int
    clinician_email: str
    patient_ids: tuple[int, ...]
    checkins: int
    responses: int
    alerts_from_scan: int


def _answers(instrument_id: str, codes: np.ndarray) -> dict[str, int | None]:
    items = get_instrument(instrument_id).items
    return {
        item.link_id: (None if int(code) == MISSING else int(code))
        for item, code in zip(items, codes, strict=True)
    }


def load_cohort(
    uow: UnitOfWork,
    result: SimResult,
    *,
    clinic_name: str,
    clinician_email: str,
    clinician_password: str,
    now: datetime,
    advance: Callable[[int], None] | None = None,
) -> Loaded:
    """Create the clinic and play ``result`` into it; days after ``now`` are skipped."""
    clock = FixedClock(now - timedelta(days=result.days + 1))
    clinic = users.create_clinic(uow, clinic_name, clock)
    staff = users.create_staff_user(
        uow,
        None,
        email=clinician_email,
        name="Simulation clinician",
        role=Role.CLINICIAN,
        password=clinician_password,
        clinic_id=clinic.id,
        clock=clock,
    )
    tz = uow.clinic_timezone
    actors: list[Actor] = []
    for index in range(result.patients):
        info = users.create_patient(
            uow,
            None,
            display_name=f"Simulated patient {index + 1:03d}",
            email=f"patient{index + 1:03d}.{clinic.id}@{DOMAIN}",
            password=secrets.token_urlsafe(24),
            clinician_ids=[staff.id],
            clinic_id=clinic.id,
            clock=clock,
        )
        assert info.user_id is not None
        actors.append(Actor(info.user_id, clinic.id, Role.PATIENT, info.display_name, info.id))

    steps: list[tuple[datetime, int, CheckIn | tuple[str, np.ndarray]]] = []
    for index in range(result.patients):
        for checkin in checkins_of(result, index):
            steps.append((datetime.combine(checkin.day, CHECKIN_TIME, tzinfo=tz), index, checkin))
    for instrument_id in LOADED:
        given = result.questionnaires.get(instrument_id)
        if given is None:
            continue
        for row in range(len(given.patient)):
            at = datetime.combine(
                result.date_of(int(given.day[row])), QUESTIONNAIRE_TIME, tzinfo=tz
            )
            steps.append((at, int(given.patient[row]), (instrument_id, given.codes[row])))
    steps.sort(key=lambda step: (step[0], step[1]))

    saved = answered = 0
    for at, index, what in steps:
        if at > now:
            continue
        clock.set(at)
        actor = actors[index]
        assert actor.patient_id is not None
        if isinstance(what, CheckIn):
            checkins.record_checkin(uow, actor, actor.patient_id, what, clock)
            saved += 1
        else:
            instrument_id, codes = what
            try:
                responses.submit_response(
                    uow,
                    actor,
                    actor.patient_id,
                    instrument_id,
                    _answers(instrument_id, codes),
                    clock,
                )
                answered += 1
            except responses.IncompleteResponse:
                pass  # too many items skipped to score: kept out, as the app would refuse it
        if advance is not None:
            advance(1)
    clock.set(now)
    raised = relapse_scan.scan_relapse_risk(uow, clock)
    return Loaded(
        clinic_id=clinic.id,
        clinician_email=clinician_email,
        patient_ids=tuple(a.patient_id for a in actors if a.patient_id is not None),
        checkins=saved,
        responses=answered,
        alerts_from_scan=raised,
    )


def steps_in(result: SimResult) -> int:
    """How many check-ins and questionnaires :func:`load_cohort` will play (for a
    progress bar)."""
    total = int(np.asarray(result.checkins["checked_in"]).sum())
    return total + sum(
        len(result.questionnaires[i].patient) for i in LOADED if i in result.questionnaires
    )
