"""Drafts, submissions, scores and flags, on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest

from attune.db import SqlUnitOfWork
from attune.domain.errors import (
    Conflict,
    InvalidAnswer,
    NotFound,
    PermissionDenied,
    UnknownItem,
    ValidationError,
)
from attune.services import assignments, records, responses
from attune.services.assignments import AssignmentInfo
from attune.services.clock import FixedClock
from attune.services.ports import AuditEvent
from factories import ClinicSetup, phq9


@pytest.fixture
def phq9_assignment(uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup) -> AssignmentInfo:
    return assignments.assign_instrument(
        uow, setup.clinician_actor, setup.patients[0].id, "phq9", 14, None, clock
    )


def _last_event(uow: SqlUnitOfWork) -> AuditEvent:
    with uow:
        return list(uow.audit.in_order())[-1]


def test_drafts_merge_answer_by_answer(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup, phq9_assignment: AssignmentInfo
) -> None:
    me = setup.patient_actor(0)
    responses.save_draft(uow, me, phq9_assignment.id, {"q1": 1, "q2": 2}, clock)
    clock.advance(timedelta(minutes=2))
    saved = responses.save_draft(uow, me, phq9_assignment.id, {"q2": 3, "q1": None}, clock)
    assert saved.answers == {"q2": 3}
    assert saved.updated_at == clock.now()
    event = _last_event(uow)
    assert (event.action, event.outcome, event.patient_id) == (
        "save_draft",
        "allowed",
        setup.patients[0].id,
    )


@pytest.mark.parametrize(
    ("bad", "error", "field"),
    [
        ({"q3": 4}, InvalidAnswer, "q3"),
        ({"q10": 1}, UnknownItem, "q10"),
        ({"q3": "2"}, InvalidAnswer, "q3"),
    ],
)
def test_a_bad_draft_answer_is_refused_and_the_draft_kept(
    uow: SqlUnitOfWork,
    clock: FixedClock,
    setup: ClinicSetup,
    phq9_assignment: AssignmentInfo,
    bad: dict[str, object],
    error: type[Exception],
    field: str,
) -> None:
    me = setup.patient_actor(0)
    responses.save_draft(uow, me, phq9_assignment.id, {"q1": 1}, clock)
    with pytest.raises(error) as raised:
        responses.save_draft(uow, me, phq9_assignment.id, {"q2": 2, **bad}, clock)  # type: ignore[dict-item]
    assert getattr(raised.value, "field", None) == field
    with uow:
        draft = uow.drafts.get(phq9_assignment.id)
    assert draft is not None and draft.answers == {"q1": 1}
    event = _last_event(uow)
    assert (event.action, event.outcome) == ("save_draft", "failed")
    assert field in event.detail


def test_someone_elses_draft_looks_like_no_questionnaire(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup, phq9_assignment: AssignmentInfo
) -> None:
    with pytest.raises(NotFound) as other:
        responses.save_draft(uow, setup.patient_actor(1), phq9_assignment.id, {"q1": 1}, clock)
    with pytest.raises(NotFound) as missing:
        responses.save_draft(uow, setup.patient_actor(1), 9999, {"q1": 1}, clock)
    assert str(other.value) == f"There is no questionnaire with id {phq9_assignment.id}."
    assert str(missing.value) == "There is no questionnaire with id 9999."
    with uow:
        assert uow.drafts.get(phq9_assignment.id) is None


def test_submit_scores_stores_and_clears_the_draft(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup, phq9_assignment: AssignmentInfo
) -> None:
    me = setup.patient_actor(0)
    responses.save_draft(uow, me, phq9_assignment.id, {"q1": 2}, clock)
    answers = phq9(total=12)
    result = responses.submit_response(
        uow, me, setup.patients[0].id, "phq9", answers, clock, phq9_assignment.id
    )
    assert (result.score.total, result.score.band, result.crisis) == (12.0, "Moderate", False)
    with uow:
        stored = uow.responses.get(result.response_id)
        assert uow.drafts.get(phq9_assignment.id) is None
        assert uow.flags.open_for_patient(setup.patients[0].id) == []
    assert stored is not None
    assert stored.answers == answers
    assert (stored.total, stored.band, stored.instrument_version) == (12.0, "Moderate", "2001")
    assert (stored.submitted_at, stored.submitted_by) == (clock.now(), me.user_id)
    assert (stored.missing, stored.imputed, stored.flags) == ([], [], [])
    event = _last_event(uow)
    assert (event.action, event.outcome, event.patient_id) == (
        "submit_response",
        "allowed",
        setup.patients[0].id,
    )


def test_item_nine_raises_a_flag_and_signals_crisis(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup, phq9_assignment: AssignmentInfo
) -> None:
    result = responses.submit_response(
        uow,
        setup.patient_actor(0),
        setup.patients[0].id,
        "phq9",
        phq9(total=3, item9=1),
        clock,
        phq9_assignment.id,
    )
    assert result.crisis is True
    assert result.score.flags == ("suicidal_ideation",)
    with uow:
        flags = uow.flags.open_for_patient(setup.patients[0].id)
    assert [(f.kind, f.response_id, f.raised_at) for f in flags] == [
        ("suicidal_ideation", result.response_id, clock.now())
    ]
    assert "item 9" in flags[0].message


def test_up_to_two_missing_phq9_items_are_imputed(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    answers = {f"q{i}": 2 for i in range(1, 8)}  # q8 and q9 unanswered
    result = responses.submit_response(
        uow, setup.clinician_actor, setup.patients[0].id, "phq9", answers, clock
    )
    assert result.score.total == 18.0
    assert result.score.imputed == ("q8", "q9")
    with uow:
        stored = uow.responses.get(result.response_id)
    assert stored is not None and stored.imputed == ["q8", "q9"] and stored.assignment_id is None


def test_too_many_missing_items_are_refused_listing_them(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup, phq9_assignment: AssignmentInfo
) -> None:
    answers = {f"q{i}": 1 for i in range(1, 7)}
    with pytest.raises(ValidationError) as raised:
        responses.submit_response(
            uow,
            setup.patient_actor(0),
            setup.patients[0].id,
            "phq9",
            answers,
            clock,
            phq9_assignment.id,
        )
    assert "questions 7, 8, 9 are unanswered" in str(raised.value)
    assert raised.value.field == "q7"
    with uow:
        assert uow.responses.for_patient(setup.patients[0].id) == []
        again = uow.assignments.get(phq9_assignment.id)
    assert again is not None and again.next_due_on == phq9_assignment.next_due_on
    event = _last_event(uow)
    assert (event.action, event.outcome) == ("submit_response", "failed")


def test_an_instrument_without_a_missing_rule_needs_every_answer(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    answers = {f"q{i}": 1 for i in range(1, 7)}  # GAD-7 has 7 items
    with pytest.raises(ValidationError, match="question 7 is unanswered"):
        responses.submit_response(
            uow, setup.clinician_actor, setup.patients[0].id, "gad7", answers, clock
        )


def test_a_bad_answer_is_refused_naming_the_item(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    answers = {**phq9(5), "q4": 7}
    with pytest.raises(InvalidAnswer) as raised:
        responses.submit_response(
            uow, setup.clinician_actor, setup.patients[0].id, "phq9", answers, clock
        )
    assert raised.value.field == "q4"


def test_the_assignment_must_match(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup, phq9_assignment: AssignmentInfo
) -> None:
    me = setup.patient_actor(0)
    patient = setup.patients[0].id
    gad7 = {f"q{i}": 0 for i in range(1, 8)}
    with pytest.raises(ValidationError) as wrong:
        responses.submit_response(uow, me, patient, "gad7", gad7, clock, phq9_assignment.id)
    assert wrong.value.field == "assignment_id"
    with pytest.raises(NotFound):
        responses.submit_response(uow, me, patient, "phq9", phq9(1), clock, 9999)
    responses.submit_response(uow, me, patient, "phq9", phq9(1), clock, phq9_assignment.id)
    # A one-off finished is finished; a recurring one simply moved on.
    with uow:
        moved = uow.assignments.get(phq9_assignment.id)
    assert moved is not None and moved.active and moved.next_due_on > phq9_assignment.next_due_on


def test_a_one_off_cannot_be_answered_twice(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    once = assignments.assign_instrument(
        uow, setup.clinician_actor, setup.patients[0].id, "gad7", None, None, clock
    )
    me = setup.patient_actor(0)
    gad7 = {f"q{i}": 0 for i in range(1, 8)}
    responses.submit_response(uow, me, setup.patients[0].id, "gad7", gad7, clock, once.id)
    with pytest.raises(Conflict):
        responses.submit_response(uow, me, setup.patients[0].id, "gad7", gad7, clock, once.id)
    with pytest.raises(Conflict):
        responses.save_draft(uow, me, once.id, {"q1": 1}, clock)


def test_sex_reaches_the_scoring_rules(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    """Patient 0 is recorded as female; AUDIT-C's finding uses the women's cut-off."""
    answers = {"q1": 1, "q2": 1, "q3": 1}  # total 3: positive for women, not for men
    female = responses.submit_response(
        uow, setup.clinician_actor, setup.patients[0].id, "auditc", answers, clock
    )
    unknown = responses.submit_response(
        uow, setup.other_clinician_actor, setup.patients[1].id, "auditc", answers, clock
    )
    assert female.score.total == unknown.score.total == 3.0
    assert female.score.findings != unknown.score.findings
    with uow:
        stored = uow.responses.get(female.response_id)
    assert stored is not None
    assert stored.findings == [{"code": f.code, "text": f.text} for f in female.score.findings]


def test_acknowledging_a_flag(uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup) -> None:
    result = responses.submit_response(
        uow, setup.patient_actor(0), setup.patients[0].id, "phq9", phq9(6, item9=2), clock
    )
    with uow:
        (flag,) = uow.flags.open_for_patient(setup.patients[0].id)
    assert flag.response_id == result.response_id
    clock.advance(timedelta(minutes=20))
    with pytest.raises(PermissionDenied):
        responses.acknowledge_flag(uow, setup.patient_actor(0), flag.id, clock)
    with pytest.raises(PermissionDenied):
        responses.acknowledge_flag(uow, setup.other_clinician_actor, flag.id, clock)
    done = responses.acknowledge_flag(
        uow, setup.clinician_actor, flag.id, clock, note="  Called; safety plan reviewed. "
    )
    assert (done.acknowledged_at, done.acknowledged_by, done.note, done.open) == (
        clock.now(),
        setup.clinician.id,
        "Called; safety plan reviewed.",
        False,
    )
    with uow:
        assert uow.flags.open_for_patient(setup.patients[0].id) == []
    with pytest.raises(Conflict):
        responses.acknowledge_flag(uow, setup.admin_actor, flag.id, clock)
    with pytest.raises(NotFound, match="no flag with id 999"):
        responses.acknowledge_flag(uow, setup.admin_actor, 999, clock)
    with pytest.raises(ValidationError) as long_note:
        responses.acknowledge_flag(uow, setup.admin_actor, flag.id, clock, note="x" * 2001)
    assert long_note.value.field == "note"


def test_a_critical_answer_in_an_unscorable_response_still_raises_its_flag(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    answers: dict[str, int | None] = {"q1": 1, "q2": 1, "q3": 1, "q9": 2}  # five unanswered
    with pytest.raises(responses.IncompleteResponse) as raised:
        responses.submit_response(
            uow, setup.patient_actor(0), setup.patients[0].id, "phq9", answers, clock
        )
    assert raised.value.crisis is True
    assert "questions 4, 5, 6, 7, 8 are unanswered" in str(raised.value)
    with uow:
        assert uow.responses.for_patient(setup.patients[0].id) == []
        (flag,) = uow.flags.open_for_patient(setup.patients[0].id)
        events = list(uow.audit.in_order())[-2:]
    assert (flag.kind, flag.response_id) == ("suicidal_ideation", None)
    assert [(e.action, e.outcome) for e in events] == [
        ("submit_response", "failed"),
        ("raise_flag", "allowed"),
    ]
    # The caseload shows it, so a clinician sees it the same day.
    (row,) = records.caseload(uow, setup.clinician_actor, clock)
    assert [f.kind for f in row.open_flags] == ["suicidal_ideation"]


def test_an_unscorable_response_without_critical_answers_raises_nothing(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    with pytest.raises(responses.IncompleteResponse) as raised:
        responses.submit_response(
            uow, setup.patient_actor(0), setup.patients[0].id, "phq9", {"q1": 3}, clock
        )
    assert raised.value.crisis is False
    with uow:
        assert uow.flags.open_for_patient(setup.patients[0].id) == []


def test_probing_missing_questionnaires_and_flags_is_audited(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    with pytest.raises(NotFound):
        responses.save_draft(uow, setup.patient_actor(0), 4242, {"q1": 1}, clock)
    with pytest.raises(NotFound):
        responses.acknowledge_flag(uow, setup.clinician_actor, 4343, clock)
    with uow:
        events = list(uow.audit.in_order())[-2:]
    assert [(e.action, e.outcome, e.patient_id, e.detail) for e in events] == [
        ("save_draft", "denied", None, "denied: no assignment 4242"),
        ("acknowledge_flag", "denied", None, "denied: no flag 4343"),
    ]


def test_a_critical_answer_in_a_draft_flags_the_clinician_at_once_and_only_once(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup, phq9_assignment: AssignmentInfo
) -> None:
    me = setup.patient_actor(0)
    patient_id = setup.patients[0].id
    responses.save_draft(uow, me, phq9_assignment.id, {"q1": 1, "q9": 1}, clock)
    with uow:
        (flag,) = uow.flags.open_for_patient(patient_id)
    assert (flag.kind, flag.response_id) == ("suicidal_ideation", None)
    assert "filled in" in flag.message
    assert _last_event(uow).action == "raise_flag"
    # The clinician sees it on the caseload before the form is sent.
    (row,) = records.caseload(uow, setup.clinician_actor, clock)
    assert [f.kind for f in row.open_flags] == ["suicidal_ideation"]

    # More saves while the answer stands raise nothing new.
    clock.advance(timedelta(minutes=1))
    responses.save_draft(uow, me, phq9_assignment.id, {"q9": 2, "q2": 0}, clock)
    with uow:
        assert [f.id for f in uow.flags.open_for_patient(patient_id)] == [flag.id]
    assert _last_event(uow).action == "save_draft"

    # Sending the answers ties the same flag to the response instead of raising another.
    sent = responses.submit_response(
        uow, me, patient_id, "phq9", phq9(10, item9=2), clock, phq9_assignment.id
    )
    assert sent.crisis
    with uow:
        (linked,) = uow.flags.open_for_patient(patient_id)
    assert (linked.id, linked.response_id) == (flag.id, sent.response_id)


def test_a_critical_answer_taken_back_in_a_draft_keeps_the_flag_open(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup, phq9_assignment: AssignmentInfo
) -> None:
    me = setup.patient_actor(0)
    responses.save_draft(uow, me, phq9_assignment.id, {"q9": 3}, clock)
    responses.save_draft(uow, me, phq9_assignment.id, {"q9": 0}, clock)
    with uow:
        (flag,) = uow.flags.open_for_patient(setup.patients[0].id)
    # Erring on the side of caution: a clinician decides, the form does not.
    assert flag.kind == "suicidal_ideation"
