"""The cycle through the service: versions written by clinician and patient, each kept
readable, bad content refused with every field. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from attune.db import SqlUnitOfWork
from attune.domain.errors import Conflict, FormErrors, NotFound, PermissionDenied
from attune.domain.formulation import AuthorRole, Formulation, diff_versions, from_lines
from attune.services.clock import FixedClock
from attune.services.formulation import formulation_history, save_formulation
from factories import ClinicSetup

FIRST = from_lines(
    {
        "situations": "Friday evenings alone",
        "relational": "A row with my sister",
        "feelings": "Lonely\nAshamed",
        "urge": "Strong pull to drink",
        "behaviour": "Drinking a bottle of wine",
        "relief": "Calm for an hour",
        "cost": "Hangover and missed work",
        "soothes": "Feeling unwanted",
        "alternatives": "Call a friend\nWalk by the river",
    }
)


def test_clinician_and_patient_write_versions_together(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient = setup.patients[0].id
    assert formulation_history(uow, setup.clinician_actor, patient, clock) == ()
    one = save_formulation(uow, setup.clinician_actor, patient, FIRST, clock)
    assert (one.number, one.author_role, one.created_at) == (1, AuthorRole.CLINICIAN, clock.now())
    clock.advance(timedelta(days=7))
    mine = Formulation(**{**_parts(FIRST), "alternatives": ("Call a friend", "Cook dinner")})
    two = save_formulation(uow, setup.patient_actor(0), patient, mine, clock)
    assert (two.number, two.author_role) == (2, AuthorRole.PATIENT)
    clock.advance(timedelta(days=7))
    three = save_formulation(
        uow, setup.clinician_actor, patient, FIRST, clock, author_role=AuthorRole.TOGETHER
    )
    assert three.author_role is AuthorRole.TOGETHER
    history = formulation_history(uow, setup.patient_actor(0), patient, clock)
    assert [v.number for v in history] == [1, 2, 3]
    assert history[0].content == FIRST and history[1].content == mine
    changed = diff_versions(history[0], history[1]).changes
    assert [c.part.value for c in changed] == ["alternatives"]
    with uow:
        records = uow.formulations.for_patient(patient)
    assert [r.author_user_id for r in records] == [
        setup.clinician.id,
        setup.patients[0].user_id,
        setup.clinician.id,
    ]


def _parts(f: Formulation) -> dict[str, tuple[str, ...]]:
    return {name: getattr(f, name) for name in f.__dataclass_fields__}


def test_bad_content_is_refused_with_every_field_and_earlier_versions_stay(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient = setup.patients[0].id
    save_formulation(uow, setup.clinician_actor, patient, FIRST, clock)
    bad = Formulation(**{**_parts(FIRST), "feelings": ("x" * 500,), "urge": ("ok", "  ")})
    with pytest.raises(FormErrors) as raised:
        save_formulation(uow, setup.patient_actor(0), patient, bad, clock)
    fields = {f for f, _ in raised.value.errors}
    assert "feelings[0]" in fields and len(raised.value.errors) >= 2
    history = formulation_history(uow, setup.clinician_actor, patient, clock)
    assert [v.content for v in history] == [FIRST]
    with uow:
        event = [e for e in uow.audit.in_order() if e.action == "save_formulation"][-1]
    assert event.outcome == "failed"


def test_the_same_content_twice_is_a_conflict(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient = setup.patients[0].id
    save_formulation(uow, setup.clinician_actor, patient, FIRST, clock)
    with pytest.raises(Conflict, match="Nothing has changed"):
        save_formulation(uow, setup.clinician_actor, patient, FIRST, clock)


def test_nobody_signs_for_the_other_side(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient = setup.patients[0].id
    with pytest.raises(PermissionDenied):
        save_formulation(
            uow, setup.patient_actor(0), patient, FIRST, clock, author_role=AuthorRole.CLINICIAN
        )
    with pytest.raises(PermissionDenied, match=r"^A clinician cannot save a version as written"):
        save_formulation(
            uow, setup.clinician_actor, patient, FIRST, clock, author_role=AuthorRole.PATIENT
        )
    with pytest.raises(PermissionDenied, match=r"^An admin cannot save a version as written by"):
        save_formulation(
            uow, setup.admin_actor, patient, FIRST, clock, author_role=AuthorRole.PATIENT
        )
    assert formulation_history(uow, setup.clinician_actor, patient, clock) == ()


def test_only_the_care_team_and_the_patient(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient = setup.patients[0].id
    with pytest.raises(PermissionDenied):
        save_formulation(uow, setup.other_clinician_actor, patient, FIRST, clock)
    with pytest.raises(NotFound):
        formulation_history(uow, setup.patient_actor(1), patient, clock)
