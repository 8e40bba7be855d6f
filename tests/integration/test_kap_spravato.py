"""The Spravato REMS record through the services: made with the session and filled in
from what is known, completed, listed until submitted, printed and drawn as a PDF.
SQLite and PostgreSQL."""

from __future__ import annotations

import re
import zlib
from datetime import date, timedelta

import pytest

from attune.db import SqlUnitOfWork
from attune.domain.errors import Conflict, FormErrors, NotFound, PermissionDenied, ValidationError
from attune.domain.kap.spravato import DoseChoice, Sex
from attune.services import kap_sessions
from attune.services.clock import FixedClock
from attune.services.kap_rems import latin1
from factories import ClinicSetup, eligible_course


def _pdf_text(pdf: bytes) -> str:
    """The text drawn in the PDF's (compressed) page streams, read as Latin-1."""
    found = []
    for chunk in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            found.append(zlib.decompress(chunk).decode("latin-1"))
        except zlib.error:
            continue
    return "".join(re.findall(r"\((.*?)\) ?Tj", "".join(found)))


def _spravato_session(uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock) -> int:
    course = eligible_course(uow, setup, clock, program="spravato_in_office")
    clock.advance(timedelta(days=1))
    session = kap_sessions.start_session(
        uow, setup.clinician_actor, course.id, "intranasal", "56", None, "70", "ESK-1",
        clock.now(), clock,
    )  # fmt: skip
    return session.id


def _fill(clock: FixedClock, dosed_iso: str) -> dict[str, object]:
    dosed = clock.now().fromisoformat(dosed_iso)

    def at(minutes: int) -> str:
        return (dosed + timedelta(minutes=minutes)).isoformat()

    return {
        "patient": {
            "first_name": "Ana", "middle_initial": "", "last_name": "Reyès",
            "birth_date": "1988-06-02", "sex": "female", "rems_patient_id": "P-20331",
            "first_treatment": True, "enrolled": True,
        },
        "medicines": {
            "benzodiazepines": False, "non_benzodiazepine_sedative_hypnotics": False,
            "psychostimulants": False, "maois": False,
        },
        "provider": {
            "first_name": "Cam", "last_name": "Lee", "telephone": "555-0100",
            "email": "cam@harbour.example.org",
        },
        "setting": {
            "name": "Harbour Clinic", "address_1": "1 Quay St", "address_2": "",
            "city": "Portland", "state": "ME", "zip_code": "04101",
        },
        "monitoring_ended_at": at(125),
        "ready_to_leave_at": at(90),
        "vitals_acceptable_before": True,
        "vitals_acceptable_at_end": True,
        "bp_before": {"systolic": 128, "diastolic": 82, "at": at(-10)},
        "bp_40_minutes": {"systolic": 142, "diastolic": 88, "at": at(41)},
        "bp_at_end": {"systolic": 126, "diastolic": 80, "at": at(120)},
        "sedation": True,
        "dissociation": True,
        "respiratory_depression": False,
        "lowest_spo2": 96,
        "serious_adverse_event": False,
    }  # fmt: skip


def test_the_rems_record_is_filled_in_listed_and_submitted(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    staff = setup.clinician_actor
    session_id = _spravato_session(uow, setup, clock)
    view = kap_sessions.session_view(uow, staff, session_id, clock)
    assert view.rems is not None
    prefilled = view.rems.record
    assert prefilled.dose is DoseChoice.MG_56 and prefilled.lot_number == "ESK-1"
    assert prefilled.administered_at == view.dosed_at
    assert prefilled.patient.sex is Sex.FEMALE and prefilled.patient.first_treatment is True
    assert not view.rems.complete
    pending = kap_sessions.unsubmitted_rems(uow, staff, clock)
    assert [(p.session_id, p.complete, p.overdue) for p in pending] == [(session_id, False, False)]
    with pytest.raises(FormErrors):
        kap_sessions.mark_rems_submitted(uow, staff, session_id, "C-1", clock.now().date(), clock)
    clock.advance(timedelta(hours=3))
    assert prefilled.administered_at is not None
    filled = kap_sessions.update_rems(
        uow, staff, session_id, _fill(clock, prefilled.administered_at.isoformat()), clock
    )
    assert filled.complete, filled.problems
    lines = kap_sessions.rems_form(uow, staff, session_id, clock)
    assert ("Patient", "Name", "Ana Reyès") in [(x.section, x.label, x.value) for x in lines]
    pdf = kap_sessions.rems_pdf(uow, staff, session_id, clock)
    assert pdf.startswith(b"%PDF-")
    text = _pdf_text(pdf)
    assert "Ana Reyès" in text and "P-20331" in text and "ESK-1" in text
    done = kap_sessions.mark_rems_submitted(
        uow, staff, session_id, "C-20331", clock.now().date(), clock
    )
    assert done.submitted
    assert kap_sessions.unsubmitted_rems(uow, setup.admin_actor, clock) == ()
    with pytest.raises(Conflict):
        kap_sessions.update_rems(uow, staff, session_id, {"lowest_spo2": 95}, clock)


def test_bad_rems_fields_are_named_and_nothing_is_saved(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    staff = setup.clinician_actor
    session_id = _spravato_session(uow, setup, clock)
    with pytest.raises(FormErrors) as bad:
        kap_sessions.update_rems(
            uow, staff, session_id, {"lowest_spo2": "low", "dose": "112", "wings": 2}, clock
        )
    assert {f for f, _ in bad.value.errors} == {"lowest_spo2", "dose", "wings"}
    with pytest.raises(ValidationError):
        kap_sessions.update_rems(uow, staff, session_id, {"confirmation": "C-1"}, clock)
    view = kap_sessions.rems_view(uow, staff, session_id, clock)
    assert view.record.lowest_spo2 is None


def test_the_rems_list_and_record_are_for_staff_who_may_see_the_patient(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    session_id = _spravato_session(uow, setup, clock)
    assert kap_sessions.unsubmitted_rems(uow, setup.other_clinician_actor, clock) == ()
    with pytest.raises(PermissionDenied):
        kap_sessions.unsubmitted_rems(uow, setup.patient_actor(0), clock)
    with pytest.raises(NotFound):
        kap_sessions.rems_view(uow, setup.patient_actor(0), session_id + 1, clock)
    with pytest.raises(PermissionDenied):
        kap_sessions.rems_pdf(uow, setup.patient_actor(0), session_id, clock)


def test_a_ketamine_session_has_no_rems_record(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    course = eligible_course(uow, setup, clock)
    session = kap_sessions.start_session(
        uow, setup.clinician_actor, course.id, "im", "35", None, "70", "K-1", clock.now(), clock
    )
    assert session.rems is None
    with pytest.raises(NotFound, match="no Spravato REMS record"):
        kap_sessions.rems_view(uow, setup.clinician_actor, session.id, clock)


def test_text_outside_latin1_is_drawn_in_its_nearest_form() -> None:
    assert latin1("Zoë “Ana” Nguyễn — 56 mg…") == 'Zoë "Ana" Nguyen - 56 mg...'
    assert latin1("王") == "?"
    assert date(2026, 1, 1)  # the module imports are exercised above
