"""Level of care through the services: stored on intake submission, re-evaluated after
new scores, never applied by itself, accepted or overridden by a clinician (audited).

Runs on SQLite and PostgreSQL. Patient 0 of the Harbour clinic is on ``clinician``'s
caseload; ``submitted_intake`` gives them an intake that recommends self-management.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from attune.db import SqlUnitOfWork
from attune.domain.errors import Conflict, FormErrors, NotFound, PermissionDenied
from attune.domain.levelofcare import Action as Safety
from attune.domain.levelofcare import Level
from attune.services import levelofcare as svc
from attune.services import responses
from attune.services.clock import FixedClock
from attune.services.ports import AuditEvent
from factories import ClinicSetup, phq9, submitted_intake

Status = svc.RecommendationStatus


def _events(uow: SqlUnitOfWork) -> list[AuditEvent]:
    with uow:
        return list(uow.audit.in_order())


def _view(uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock) -> svc.LevelOfCareView:
    return svc.level_of_care(uow, setup.clinician_actor, setup.patients[0].id, clock)


def _crisis(uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock) -> None:
    clock.advance(timedelta(hours=1))
    responses.submit_response(
        uow, setup.patient_actor(0), setup.patients[0].id, "phq9", phq9(24, item9=3), clock
    )


def test_submitting_the_intake_stores_a_recommendation_for_review(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    submitted_intake(uow, setup, clock)
    view = _view(uow, setup, clock)
    assert view.current is not None
    assert view.current.status is Status.PENDING_REVIEW
    assert view.current.level is Level.SELF_MANAGEMENT
    assert view.current.rules_version == view.current.recommendation.rules_version
    assert len(view.current.recommendation.dimensions) == 6
    assert view.accepted is None and view.change is None
    assert view.needs_review
    assert view.level_in_force is None
    assert [h.id for h in view.history] == [view.current.id]


def test_a_new_score_that_changes_nothing_stores_nothing(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    submitted_intake(uow, setup, clock)
    before = _view(uow, setup, clock)
    clock.advance(timedelta(hours=1))
    responses.submit_response(
        uow, setup.patient_actor(0), setup.patients[0].id, "phq9", phq9(2), clock
    )
    after = _view(uow, setup, clock)
    assert after.history == before.history
    evaluated = [e for e in _events(uow) if e.action == "evaluate_level_of_care"][-1]
    assert evaluated.actor_role == "system"
    assert "no change" in evaluated.detail


def test_missing_information_is_worked_out_now_without_storing_a_recommendation(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    submitted_intake(uow, setup, clock)
    before = _view(uow, setup, clock)
    assert before.current is not None
    assert any(m.startswith("PHQ-9 is not scored yet") for m in before.missing_information)
    assert before.missing_information == before.current.recommendation.missing_information

    clock.advance(timedelta(hours=1))
    responses.submit_response(
        uow, setup.patient_actor(0), setup.patients[0].id, "phq9", phq9(2), clock
    )
    after = _view(uow, setup, clock)
    # Nothing clinically changed: no new recommendation waits for review ...
    assert after.history == before.history
    # ... but the list of what is missing is today's, not the stored one.
    assert not any("PHQ-9" in m for m in after.missing_information)
    assert set(after.missing_information) < set(before.missing_information)
    assert after.current is not None
    assert any("PHQ-9" in m for m in after.current.recommendation.missing_information)
    evaluated = svc.evaluate_level_of_care(uow, setup.clinician_actor, setup.patients[0].id, clock)
    assert evaluated.missing_information == after.missing_information
    assert evaluated.history == before.history


def test_no_missing_information_before_an_intake_is_submitted(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    assert _view(uow, setup, clock).missing_information == ()


def test_a_change_waits_for_the_clinician_and_is_never_applied_silently(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    submitted_intake(uow, setup, clock)
    first = _view(uow, setup, clock).current
    assert first is not None
    clock.advance(timedelta(minutes=10))
    accepted = svc.decide_recommendation(uow, setup.clinician_actor, first.id, "accept", clock)
    assert accepted.status is Status.ACCEPTED
    assert accepted.final_level is Level.SELF_MANAGEMENT
    assert accepted.decided_by == setup.clinician.id
    assert accepted.decided_at == clock.now()

    _crisis(uow, setup, clock)
    view = _view(uow, setup, clock)
    assert view.current is not None and view.current.id != first.id
    assert view.current.status is Status.PENDING_REVIEW
    assert Safety.SAME_DAY_SAFETY_ASSESSMENT in view.current.recommendation.actions
    assert view.current.level > Level.SELF_MANAGEMENT
    # The accepted level stays in force until a clinician decides.
    assert view.accepted is not None and view.accepted.id == first.id
    assert view.level_in_force is Level.SELF_MANAGEMENT
    assert view.change is not None and view.change.escalated
    assert any("safety" in line for line in view.change.summary)
    evaluated = [e for e in _events(uow) if e.action == "evaluate_level_of_care"][-1]
    assert f"stored recommendation {view.current.id}" in evaluated.detail


def test_a_newer_change_supersedes_an_undecided_one(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    submitted_intake(uow, setup, clock)
    first = _view(uow, setup, clock).current
    assert first is not None
    _crisis(uow, setup, clock)
    view = _view(uow, setup, clock)
    assert [r.status for r in view.history] == [Status.SUPERSEDED, Status.PENDING_REVIEW]
    with pytest.raises(Conflict, match="newer one replaced it"):
        svc.decide_recommendation(uow, setup.clinician_actor, first.id, "accept", clock)


def test_an_override_needs_a_level_and_a_rationale_and_both_are_audited(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    submitted_intake(uow, setup, clock)
    pending = _view(uow, setup, clock).current
    assert pending is not None
    with pytest.raises(FormErrors) as raised:
        svc.decide_recommendation(uow, setup.clinician_actor, pending.id, "override", clock)
    assert [f for f, _ in raised.value.errors] == ["level", "rationale"]
    with pytest.raises(FormErrors) as raised:
        svc.decide_recommendation(
            uow, setup.clinician_actor, pending.id, "override", clock, level=Level.OUTPATIENT
        )
    assert raised.value.field == "rationale"
    failed = _events(uow)[-1]
    assert (failed.action, failed.outcome) == ("decide_recommendation", "failed")
    with pytest.raises(FormErrors) as raised:
        svc.decide_recommendation(
            uow,
            setup.clinician_actor,
            pending.id,
            svc.Decision.OVERRIDE,
            clock,
            level=Level.SELF_MANAGEMENT,
            rationale="same",
        )
    assert raised.value.field == "level"
    assert _view(uow, setup, clock).current == pending  # nothing changed

    why = "Lives alone after a recent loss; weekly sessions to start with."
    decided = svc.decide_recommendation(
        uow,
        setup.clinician_actor,
        pending.id,
        svc.Decision.OVERRIDE,
        clock,
        level=Level.OUTPATIENT,
        rationale=f"  {why} ",
    )
    assert decided.status is Status.OVERRIDDEN
    assert decided.final_level is Level.OUTPATIENT
    assert decided.rationale == why
    event = _events(uow)[-1]
    assert (event.action, event.outcome, event.actor_user_id) == (
        "decide_recommendation",
        "allowed",
        setup.clinician.id,
    )
    assert why in event.detail and "outpatient" in event.detail
    view = _view(uow, setup, clock)
    assert view.accepted == decided and view.level_in_force is Level.OUTPATIENT
    assert not view.needs_review
    with pytest.raises(Conflict, match="already been decided"):
        svc.decide_recommendation(uow, setup.clinician_actor, pending.id, "accept", clock)


def test_deciding_again_supersedes_the_earlier_decision(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    submitted_intake(uow, setup, clock)
    first = _view(uow, setup, clock).current
    assert first is not None
    svc.decide_recommendation(uow, setup.admin_actor, first.id, "accept", clock)
    _crisis(uow, setup, clock)
    second = _view(uow, setup, clock).current
    assert second is not None
    svc.decide_recommendation(
        uow, setup.clinician_actor, second.id, "accept", clock, rationale="Seen today."
    )
    view = _view(uow, setup, clock)
    assert [r.status for r in view.history] == [Status.SUPERSEDED, Status.ACCEPTED]
    assert view.accepted is not None and view.accepted.id == second.id
    assert view.change is None
    assert "Seen today." in _events(uow)[-2].detail


def test_only_staff_on_the_care_team_decide(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    submitted_intake(uow, setup, clock)
    pending = _view(uow, setup, clock).current
    assert pending is not None
    with pytest.raises(PermissionDenied):
        svc.decide_recommendation(uow, setup.patient_actor(0), pending.id, "accept", clock)
    with pytest.raises(PermissionDenied):
        svc.decide_recommendation(uow, setup.other_clinician_actor, pending.id, "accept", clock)
    with pytest.raises(NotFound, match=f"no recommendation with id {pending.id}"):
        svc.decide_recommendation(uow, setup.patient_actor(1), pending.id, "accept", clock)
    with pytest.raises(NotFound, match="no recommendation with id 4242"):
        svc.decide_recommendation(uow, setup.clinician_actor, 4242, "accept", clock)
    with pytest.raises(PermissionDenied):
        svc.level_of_care(uow, setup.patient_actor(0), setup.patients[0].id, clock)
    assert _view(uow, setup, clock).current == pending


def test_an_unknown_decision_is_a_form_error(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    with pytest.raises(FormErrors) as raised:
        svc.decide_recommendation(uow, setup.clinician_actor, 1, "maybe", clock)
    assert raised.value.field == "decision"


def test_evaluating_needs_a_submitted_intake(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    with pytest.raises(Conflict) as raised:
        svc.evaluate_level_of_care(uow, setup.clinician_actor, setup.patients[0].id, clock)
    assert raised.value.field == "intake"
    submitted_intake(uow, setup, clock)
    again = svc.evaluate_level_of_care(uow, None, setup.patients[0].id, clock)
    assert len(again.history) == 1  # nothing changed since the submission
    with pytest.raises(NotFound):
        svc.evaluate_level_of_care(uow, None, 987654, clock)


def test_an_incomplete_response_with_a_crisis_answer_still_re_evaluates(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    submitted_intake(uow, setup, clock)
    clock.advance(timedelta(hours=1))
    with pytest.raises(responses.IncompleteResponse):
        responses.submit_response(
            uow, setup.patient_actor(0), setup.patients[0].id, "phq9", {"q9": 2}, clock
        )
    view = _view(uow, setup, clock)
    assert view.current is not None
    assert Safety.SAME_DAY_SAFETY_ASSESSMENT in view.current.recommendation.actions
    assert len(view.history) == 2


def test_responses_without_an_intake_do_not_evaluate(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    responses.submit_response(
        uow, setup.patient_actor(0), setup.patients[0].id, "phq9", phq9(24, item9=3), clock
    )
    assert "evaluate_level_of_care" not in [e.action for e in _events(uow)]
    assert _view(uow, setup, clock).current is None


def test_a_failed_re_evaluation_keeps_the_response_and_is_audited(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    from attune.db.models import IntakeRow

    view = submitted_intake(uow, setup, clock)
    with uow:
        # A damaged stored intake (written by something other than Attune).
        row = uow.session.get(IntakeRow, view.id)
        assert row is not None
        row.answers = {"goals": 42}
        uow.commit()
    clock.advance(timedelta(hours=1))
    done = responses.submit_response(
        uow, setup.patient_actor(0), setup.patients[0].id, "phq9", phq9(24, item9=3), clock
    )
    with uow:
        assert uow.responses.get(done.response_id) is not None
        assert len(uow.recommendations.for_patient(setup.patients[0].id)) == 1
    event = _events(uow)[-1]
    assert (event.action, event.outcome, event.actor_role) == (
        "evaluate_level_of_care",
        "failed",
        "system",
    )
    assert "goals" in event.detail
    # The clinician's page still opens, and says the intake could not be read again.
    (missing,) = _view(uow, setup, clock).missing_information
    assert "could not be read again" in missing and "goals" in missing
