"""Creating clinics, staff, patients and caseloads: rules, errors and audit events."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from attune.db import SqlUnitOfWork
from attune.domain.errors import Conflict, NotFound, PermissionDenied, ValidationError
from attune.services import auth, users
from attune.services.actors import Role
from attune.services.clock import FixedClock
from factories import FAST_HASHER, PASSWORD, ClinicSetup, make_clinic


def _staff(uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup, **changes: Any) -> object:
    fields: dict[str, Any] = dict(
        email="new@harbour.example.org",
        name="Nia New",
        role="clinician",
        password=PASSWORD,
        clock=clock,
        hasher=FAST_HASHER,
    )
    fields.update(changes)
    return users.create_staff_user(uow, setup.admin_actor, **fields)


def test_an_admin_adds_a_clinician_who_can_log_in(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    created = _staff(uow, clock, setup, email="  New@Harbour.Example.org ")
    assert isinstance(created, users.UserInfo)
    assert (created.email, created.role, created.clinic_id, created.active) == (
        "new@harbour.example.org",
        Role.CLINICIAN,
        setup.clinic.id,
        True,
    )
    assert auth.log_in(uow, "new@harbour.example.org", PASSWORD, clock, 1).actor.user_id == (
        created.id
    )
    staff = users.clinic_staff(uow, setup.admin_actor)
    assert {u.email for u in staff} == {
        setup.email("admin"),
        setup.email("clinician"),
        setup.email("other"),
        "new@harbour.example.org",
    }


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"email": "not-an-email"}, "email", ValidationError),
        ({"email": "two@@example.org"}, "email", ValidationError),
        ({"email": "admin@harbour.example.org"}, "email", Conflict),
        ({"password": "short"}, "password", ValidationError),
        ({"password": "123456789"}, "password", ValidationError),
        ({"role": "patient"}, "role", ValidationError),
        ({"role": "boss"}, "role", ValidationError),
        ({"name": "   "}, "name", ValidationError),
        ({"name": "x" * 201}, "name", ValidationError),
    ],
)
def test_bad_staff_input_is_refused_naming_the_field(
    uow: SqlUnitOfWork,
    clock: FixedClock,
    setup: ClinicSetup,
    changes: dict[str, Any],
    field: str,
    error: type[Exception],
) -> None:
    with pytest.raises(error) as raised:
        _staff(uow, clock, setup, **changes)
    assert getattr(raised.value, "field", None) == field
    with uow:
        assert uow.users.by_email("new@harbour.example.org") is None


def test_a_password_of_ten_characters_is_enough(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    _staff(uow, clock, setup, password="0123456789")


def test_only_admins_add_staff(uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup) -> None:
    for actor in (setup.clinician_actor, setup.patient_actor(0)):
        with pytest.raises(PermissionDenied):
            users.create_staff_user(
                uow,
                actor,
                email="x@harbour.example.org",
                name="X",
                role="admin",
                password=PASSWORD,
                clock=clock,
                hasher=FAST_HASHER,
            )


def test_staff_are_added_only_to_the_admins_own_clinic(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    elsewhere = make_clinic(uow, clock, name="Elsewhere", patients=0)
    with pytest.raises(PermissionDenied):
        _staff(uow, clock, setup, clinic_id=elsewhere.clinic.id)


def test_the_command_line_needs_an_existing_clinic(uow: SqlUnitOfWork, clock: FixedClock) -> None:
    with pytest.raises(ValidationError) as missing:
        users.create_staff_user(
            uow, None, email="a@b.org", name="A", role="admin", password=PASSWORD, clock=clock
        )
    assert missing.value.field == "clinic_id"
    with pytest.raises(NotFound):
        users.create_staff_user(
            uow,
            None,
            email="a@b.org",
            name="A",
            role="admin",
            password=PASSWORD,
            clinic_id=42,
            clock=clock,
        )


def test_create_clinic_refuses_an_empty_name(uow: SqlUnitOfWork, clock: FixedClock) -> None:
    with pytest.raises(ValidationError) as raised:
        users.create_clinic(uow, "  ", clock)
    assert raised.value.field == "name"
    made = users.create_clinic(uow, "  Two   Rivers ", clock)
    assert made.name == "Two Rivers"
    assert users.list_clinics(uow) == [made]


def test_a_clinician_creates_a_patient_on_their_own_caseload(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    patient = users.create_patient(
        uow,
        setup.clinician_actor,
        display_name="Rowan",
        email="rowan@harbour.example.org",
        password=PASSWORD,
        clinician_ids=[setup.other_clinician.id],
        date_of_birth=date(1990, 4, 1),
        sex="male",
        clock=clock,
        hasher=FAST_HASHER,
    )
    assert set(patient.clinician_ids) == {setup.clinician.id, setup.other_clinician.id}
    assert (patient.sex, patient.date_of_birth) == ("male", date(1990, 4, 1))
    login = auth.log_in(uow, "rowan@harbour.example.org", PASSWORD, clock, 1)
    assert login.actor.patient_id == patient.id
    assert login.actor.role is Role.PATIENT
    with uow:
        event = list(uow.audit.in_order())[-2]  # the log-in came after
    assert (event.action, event.patient_id, event.actor_user_id) == (
        "create_patient",
        patient.id,
        setup.clinician.id,
    )


def test_a_patient_without_a_portal_login(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    patient = users.create_patient(uow, setup.admin_actor, display_name="Quinn", clock=clock)
    assert (patient.user_id, patient.email, patient.clinician_ids) == (None, None, ())


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"display_name": ""}, "display_name"),
        ({"sex": "other"}, "sex"),
        ({"email": "q@harbour.example.org"}, "password"),
        ({"password": PASSWORD}, "email"),
        ({"email": "bad", "password": PASSWORD}, "email"),
        ({"email": "q@harbour.example.org", "password": "short"}, "password"),
        ({"clinician_ids": [999]}, "clinician_ids"),
        ({"date_of_birth": date(2026, 1, 6)}, "date_of_birth"),
    ],
)
def test_bad_patient_input_is_refused_naming_the_field(
    uow: SqlUnitOfWork,
    clock: FixedClock,
    setup: ClinicSetup,
    changes: dict[str, Any],
    field: str,
) -> None:
    fields: dict[str, Any] = {"display_name": "Quinn", "clock": clock, "hasher": FAST_HASHER}
    fields.update(changes)
    with pytest.raises(ValidationError) as raised:
        users.create_patient(uow, setup.admin_actor, **fields)
    assert raised.value.field == field
    with uow:
        assert len(uow.patients.in_clinic(setup.clinic.id)) == 2


def test_an_admin_of_the_clinic_is_not_a_clinician_for_caseloads(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    with pytest.raises(ValidationError):
        users.create_patient(
            uow,
            setup.admin_actor,
            display_name="Quinn",
            clinician_ids=[setup.admin.id],
            clock=clock,
        )


def test_patients_cannot_create_patients(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    with pytest.raises(PermissionDenied):
        users.create_patient(uow, setup.patient_actor(0), display_name="Quinn", clock=clock)


def test_an_admin_adds_a_patient_to_a_caseload(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    patient = setup.patients[1].id
    assert users.add_to_caseload(uow, setup.admin_actor, setup.clinician.id, patient, clock)
    assert not users.add_to_caseload(uow, setup.admin_actor, setup.clinician.id, patient, clock)
    with uow:
        assert uow.patients.clinicians_of(patient) == sorted(
            [setup.clinician.id, setup.other_clinician.id]
        )
        events = list(uow.audit.in_order())[-2:]
    assert [(e.action, e.outcome, e.patient_id) for e in events] == [
        ("add_to_caseload", "allowed", patient),
        ("add_to_caseload", "allowed", patient),
    ]


def test_a_clinician_cannot_add_themselves_to_a_caseload(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    patient = setup.patients[1].id
    with pytest.raises(PermissionDenied):
        users.add_to_caseload(uow, setup.clinician_actor, setup.clinician.id, patient, clock)
    with uow:
        assert not uow.patients.is_on_caseload(setup.clinician.id, patient)
        event = list(uow.audit.in_order())[-1]
    assert (event.action, event.outcome, event.actor_user_id) == (
        "add_to_caseload",
        "denied",
        setup.clinician.id,
    )


def test_the_command_line_adds_to_caseloads(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    patient = setup.patients[1].id
    assert users.add_to_caseload(uow, None, setup.clinician.id, patient, clock)
    with pytest.raises(NotFound):
        users.add_to_caseload(uow, None, setup.clinician.id, 999, clock)
    with pytest.raises(ValidationError):
        users.add_to_caseload(uow, None, setup.admin.id, patient, clock)


def test_two_clinics_keep_their_people_apart(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    elsewhere = make_clinic(uow, clock, name="Elsewhere", patients=1)
    clock.advance(timedelta(minutes=1))
    with uow:
        assert [p.id for p in uow.patients.in_clinic(elsewhere.clinic.id)] == [
            elsewhere.patients[0].id
        ]
    with pytest.raises(ValidationError):
        users.create_patient(
            uow,
            setup.admin_actor,
            display_name="Cross",
            clinician_ids=[elsewhere.clinician.id],
            clock=clock,
        )
