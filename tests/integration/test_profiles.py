"""Profiles through the service: attachment from stored ECR-R scores (both registers,
with its history) and the addiction profile from the newest intake. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from attune.db import SqlUnitOfWork
from attune.domain.errors import NotFound, PermissionDenied
from attune.domain.profiles.addiction import ScreenStatus
from attune.services import responses
from attune.services.clock import FixedClock
from attune.services.profiles import patient_profiles
from factories import ClinicSetup, submitted_intake


def _ecrr(code: int) -> dict[str, int | None]:
    return {f"q{i}": code for i in range(1, 37)}


def test_nothing_yet(uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock) -> None:
    profiles = patient_profiles(uow, setup.patient_actor(0), setup.patients[0].id, clock)
    assert profiles.attachment is None
    assert profiles.attachment_history == ()
    assert profiles.earlier_attachment == ()
    assert profiles.addiction is None


def test_attachment_from_the_newest_ecrr_with_its_history(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    me, patient = setup.patient_actor(0), setup.patients[0].id
    first = responses.submit_response(uow, me, patient, "ecrr", _ecrr(6), clock)
    first_at = clock.now()
    clock.advance(timedelta(days=60))
    responses.submit_response(uow, me, patient, "ecrr", _ecrr(4), clock)
    profiles = patient_profiles(uow, setup.clinician_actor, patient, clock)
    assert profiles.attachment is not None
    # Both registers are there; the edge picks the one for its reader.
    assert profiles.attachment.patient.summary
    assert profiles.attachment.clinician.summary
    assert profiles.attachment.patient.summary != profiles.attachment.clinician.summary
    history = profiles.attachment_history
    assert [p.submitted_at for p in history] == [first_at, clock.now()]
    anxiety_first = first.score.subscales["anxiety"]
    assert history[0].anxiety == anxiety_first
    when, anxiety, avoidance = history[-1]
    assert when == clock.now()
    assert (anxiety, avoidance) == (
        profiles.attachment.anxiety.value,
        profiles.attachment.avoidance.value,
    )
    assert profiles.earlier_attachment == history[:1]


def test_addiction_profile_from_the_intake_and_the_screens(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    submitted_intake(uow, setup, clock)
    me, patient = setup.patient_actor(0), setup.patients[0].id
    before = patient_profiles(uow, me, patient, clock).addiction
    assert before is not None and before.answered
    (entry,) = before.entries
    assert entry.status is ScreenStatus.NOT_YET_COMPLETED
    assert entry.result is None
    clock.advance(timedelta(hours=2))
    answers = {f"q{i}": 0 for i in range(1, 11)} | {"q1": 3, "q2": 1, "q3": 1}
    responses.submit_response(uow, me, patient, "audit", answers, clock)
    after = patient_profiles(uow, me, patient, clock).addiction
    assert after is not None
    (entry,) = after.entries
    assert entry.status is ScreenStatus.COMPLETED
    assert entry.result is not None
    assert entry.result.instrument_id == "audit"
    assert entry.result.total == 5
    assert entry.result.completed_at == clock.now()


def test_profiles_are_audited_and_only_for_the_care_team(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient = setup.patients[0].id
    patient_profiles(uow, setup.patient_actor(0), patient, clock)
    with uow:
        event = list(uow.audit.in_order())[-1]
    assert (event.action, event.outcome, event.patient_id) == ("view_profiles", "allowed", patient)
    with pytest.raises(PermissionDenied):
        patient_profiles(uow, setup.other_clinician_actor, patient, clock)
    with pytest.raises(NotFound):
        patient_profiles(uow, setup.patient_actor(1), patient, clock)
