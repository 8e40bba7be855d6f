"""The KAP course through its services: opening, eligibility and sign-off, consent,
preparation with the safety plan, stopping and aftercare. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from attune.db import SqlUnitOfWork
from attune.domain.errors import Conflict, FormErrors, NotFound, StepRefused, ValidationError
from attune.domain.kap.course_model import Phase, StepKind
from attune.domain.kap.eligibility_model import Outcome
from attune.domain.kap.preparation import Contact, SafetyPlan
from attune.services import kap_course
from attune.services.clock import FixedClock
from factories import ClinicSetup, submitted_intake

PLAN = SafetyPlan(
    warning_signs=("I stop answering messages",),
    coping_steps=("A walk by the river", "Slow breathing"),
    people=(Contact("Sam", "555 0100"),),
    crisis_line="Call or text 988",
)


def _course(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock, program: str = "in_office"
) -> int:
    return kap_course.open_course(
        uow, setup.clinician_actor, setup.patients[0].id, program, clock
    ).id


def test_a_new_course_starts_in_preparation_with_its_modules(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient = setup.patients[0].id
    assert kap_course.course_view(uow, setup.patient_actor(0), patient, clock) is None
    opened = kap_course.open_course(uow, setup.clinician_actor, patient, "at_home", clock)
    assert opened.phase is Phase.PREPARATION
    assert opened.program.id == "at_home"
    assert opened.protocol_name == "default 1.0.0"
    assert (opened.doses_given, opened.doses_planned) == (0, 6)
    assert [m.key for m in opened.preparation] == [
        "what_to_expect",
        "set_and_setting",
        "at_home_day",
        "intentions",
        "safety_plan",
    ]
    assert {s.kind for s in opened.next_steps} >= {StepKind.CONSENT, StepKind.SIGN_OFF}
    seen = kap_course.course_view(uow, setup.patient_actor(0), patient, clock)
    assert seen is not None and seen.id == opened.id


def test_one_course_at_a_time_and_never_esketamine_at_home(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient = setup.patients[0].id
    _course(uow, setup, clock)
    with pytest.raises(Conflict, match="already has a KAP course"):
        kap_course.open_course(uow, setup.clinician_actor, patient, "in_office", clock)
    with pytest.raises(StepRefused, match="never taken at home"):
        kap_course.open_course(
            uow, setup.admin_actor, setup.patients[1].id, "spravato_at_home", clock
        )
    with pytest.raises(ValidationError, match="No KAP program"):
        kap_course.open_course(uow, setup.admin_actor, setup.patients[1].id, "bath", clock)
