"""The KAP course state machine: each refusal, named in plain words, and the happy path."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from attune.domain.errors import StepRefused, ValidationError
from attune.domain.intake import (
    AttemptHistory,
    EpisodeHistory,
    Intake,
    LiverDisease,
    MedicalHistory,
    Medications,
    MentalHealthHistory,
    Pregnancy,
    SelfHarm,
    Situation,
)
from attune.domain.kap.course import apply, next_steps, overdue, start
from attune.domain.kap.course_model import (
    AdverseEventClosed,
    AdverseEventOpened,
    AftercareStarted,
    AtHomeGatePassed,
    AtHomeGateStopped,
    ConsentRecorded,
    ConsentWithdrawn,
    CourseState,
    CourseStopped,
    DoseRecorded,
    EligibilitySignedOff,
    Event,
    IntegrationCompleted,
    Phase,
    PreparationCompleted,
    StepKind,
)
from attune.domain.kap.eligibility import (
    AtHomeAnswers,
    BloodPressure,
    Eligibility,
    EligibilityInputs,
    Outcome,
    assess,
)
from attune.domain.kap.program import (
    AT_HOME,
    IN_OFFICE,
    SPRAVATO_AT_HOME,
    SPRAVATO_IN_OFFICE,
    Medicine,
    Program,
    Setting,
)
from attune.domain.kap.protocol import load_protocol
from attune.domain.kap.signoff import Decision, SignOff, sign_off

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
H = timedelta(hours=1)
CLEAR = Intake(
    addictions=(),
    medications=Medications(False),
    medical=MedicalHistory(False, None, False, False, False, LiverDisease.NONE, Pregnancy.NO),
    mental_health=MentalHealthHistory(
        EpisodeHistory.NEVER, EpisodeHistory.NEVER, AttemptHistory.NONE, SelfHarm.NEVER, False
    ),
    situation=Situation(stable_housing=True),
)
K, ESK = Medicine.KETAMINE, Medicine.ESKETAMINE
OFFICE, HOME = Setting.IN_OFFICE, Setting.AT_HOME


def eligibility(program: Program, intake: Intake = CLEAR) -> Eligibility:
    inputs = EligibilityInputs(
        intake,
        program,
        sex="female",
        blood_pressure=BloodPressure(120, 80, T0),
        at_home=AtHomeAnswers(True, True, True, True),
    )
    return assess(inputs, T0)


def approval(
    result: Eligibility, at: datetime = T0 + H, decision: Decision = Decision.APPROVE
) -> SignOff:
    return sign_off(
        result, prescriber_user_id=3, signed_at=at, decision=decision, note="Conditions planned."
    )


def run(state: CourseState, *events: Event) -> CourseState:
    for e in events:
        state = apply(state, e, e.at)
    return state


def ready(
    program: Program = IN_OFFICE, protocol_changes: dict[str, object] | None = None
) -> CourseState:
    """A course with two preparation sessions, consent and an approving sign-off."""
    protocol = replace(load_protocol(program), **(protocol_changes or {}))  # type: ignore[arg-type]
    result = eligibility(program)
    return run(
        start(program, T0, protocol),
        PreparationCompleted(T0 + H),
        PreparationCompleted(T0 + 2 * H),
        ConsentRecorded(T0 + 3 * H),
        EligibilitySignedOff(result, approval(result, T0 + 4 * H)),
    )


DAY1 = T0 + timedelta(days=1)


def refused(state: CourseState, event: Event, now: datetime | None = None) -> tuple[str, ...]:
    with pytest.raises(StepRefused) as caught:
        apply(state, event, now or event.at)
    assert caught.value.reasons
    return caught.value.reasons


def test_a_whole_in_office_course_from_preparation_to_aftercare() -> None:
    state = ready()
    assert state.phase is Phase.PREPARATION
    at = DAY1
    for n in range(1, 7):
        state = apply(state, DoseRecorded(at, OFFICE, K), at)
        assert state.phase is Phase.DOSING
        state = apply(state, IntegrationCompleted(at + 30 * H, n), at + 30 * H)
        at += 84 * H
    assert [d.number for d in state.doses] == [1, 2, 3, 4, 5, 6]
    assert state.doses_left == 0
    steps = next_steps(state, at)
    assert [s.kind for s in steps] == [StepKind.AFTERCARE, StepKind.STOP]
    assert steps[0].allowed
    state = apply(state, AftercareStarted(at), at)
    assert state.phase is Phase.AFTERCARE
    assert next_steps(state, at) == ()
    assert "aftercare" in refused(state, DoseRecorded(at + H, OFFICE, K))[0]


def test_no_dose_before_sign_off_consent_and_preparation() -> None:
    state = start(IN_OFFICE, T0)
    reasons = refused(state, DoseRecorded(DAY1, OFFICE, K))
    assert reasons == (
        "The prescriber has not signed off eligibility yet.",
        "The patient's consent has not been recorded.",
        "Preparation is not complete: 0 of 2 sessions held.",
    )
    one_prep = run(state, PreparationCompleted(T0 + H), ConsentRecorded(T0 + 2 * H))
    assert refused(one_prep, DoseRecorded(DAY1, OFFICE, K))[-1] == (
        "Preparation is not complete: 1 of 2 sessions held."
    )


def test_each_missing_requirement_alone_blocks_the_dose() -> None:
    result = eligibility(IN_OFFICE)
    steps: list[Event] = [
        PreparationCompleted(T0 + H),
        PreparationCompleted(T0 + 2 * H),
        ConsentRecorded(T0 + 3 * H),
        EligibilitySignedOff(result, approval(result, T0 + 4 * H)),
    ]
    for left_out in range(len(steps)):
        state = run(start(IN_OFFICE, T0), *(s for i, s in enumerate(steps) if i != left_out))
        assert len(refused(state, DoseRecorded(DAY1, OFFICE, K))) == 1
    assert apply(run(start(IN_OFFICE, T0), *steps), DoseRecorded(DAY1, OFFICE, K), DAY1).doses


def test_a_declined_sign_off_blocks_and_a_later_approval_unblocks() -> None:
    result = eligibility(IN_OFFICE)
    state = run(
        ready(), EligibilitySignedOff(result, approval(result, T0 + 5 * H, Decision.DECLINE))
    )
    assert "declined" in refused(state, DoseRecorded(DAY1, OFFICE, K))[0]
    state = run(state, EligibilitySignedOff(result, approval(result, T0 + 6 * H)))
    assert apply(state, DoseRecorded(DAY1, OFFICE, K), DAY1).doses


def test_a_sign_off_must_match_its_result_and_the_course() -> None:
    result, other = eligibility(IN_OFFICE), eligibility(IN_OFFICE, replace(CLEAR, goals="x"))
    state = start(IN_OFFICE, T0)
    mismatched = approval(replace(other, digest="0" * 64))
    assert "different result" in refused(state, EligibilitySignedOff(result, mismatched))[0]
    home = eligibility(AT_HOME)
    assert "at_home program" in refused(state, EligibilitySignedOff(home, approval(home)))[-1]


def test_a_forged_approval_of_a_not_eligible_result_is_refused() -> None:
    result = eligibility(
        IN_OFFICE, replace(CLEAR, medical=replace(CLEAR.medical, pregnancy=Pregnancy.YES))
    )
    forged = SignOff(3, T0 + H, Decision.APPROVE, "", result.digest, IN_OFFICE, result.outcome)
    reasons = refused(start(IN_OFFICE, T0), EligibilitySignedOff(result, forged))
    assert any("cannot make it eligible" in r for r in reasons)


def test_a_result_altered_after_its_digest_is_refused() -> None:
    result = eligibility(
        IN_OFFICE, replace(CLEAR, medical=replace(CLEAR.medical, pregnancy=Pregnancy.YES))
    )
    decline = approval(result, decision=Decision.DECLINE)
    # Claiming "eligible" for the same digest, or dropping its reasons, is caught.
    for altered in (replace(result, outcome=Outcome.ELIGIBLE), replace(result, reasons=())):
        forged = replace(decline, decision=Decision.APPROVE, outcome=altered.outcome)
        reasons = refused(start(IN_OFFICE, T0), EligibilitySignedOff(altered, forged))
        assert "does not match its digest" in " ".join(reasons)


def test_withdrawn_consent_blocks_until_consent_is_recorded_again() -> None:
    state = run(ready(), ConsentWithdrawn(T0 + 5 * H))
    assert "withdrawn" in refused(state, DoseRecorded(DAY1, OFFICE, K))[0]
    assert "no consent" in refused(state, ConsentWithdrawn(T0 + 6 * H))[0]
    state = run(state, ConsentRecorded(T0 + 6 * H))
    assert "already recorded" in refused(state, ConsentRecorded(T0 + 7 * H))[0]
    assert apply(state, DoseRecorded(DAY1, OFFICE, K), DAY1).doses


def test_an_open_adverse_event_blocks_the_next_dose() -> None:
    state = run(ready(), DoseRecorded(DAY1, OFFICE, K), AdverseEventOpened(DAY1 + H, "ae-1"))
    state = run(state, IntegrationCompleted(DAY1 + 26 * H, 1))
    reasons = refused(state, DoseRecorded(DAY1 + 72 * H, OFFICE, K))
    assert reasons == ("An adverse event is still open (ae-1): close it before the next dose.",)
    assert "already recorded" in refused(state, AdverseEventOpened(DAY1 + 27 * H, "ae-1"))[0]
    assert "not open" in refused(state, AdverseEventClosed(DAY1 + 27 * H, "ae-2"))[0]
    state = run(state, AdverseEventClosed(DAY1 + 27 * H, "ae-1"))
    assert len(apply(state, DoseRecorded(DAY1 + 72 * H, OFFICE, K), DAY1 + 72 * H).doses) == 2
    with pytest.raises(ValidationError):
        apply(state, AdverseEventOpened(DAY1 + 28 * H, " "), DAY1 + 28 * H)


def test_the_integration_window_and_an_overdue_integration() -> None:
    state = run(ready(), DoseRecorded(DAY1, OFFICE, K))
    assert (
        "opens at 2025-03-05 09:00 UTC" in refused(state, IntegrationCompleted(DAY1 + 23 * H, 1))[0]
    )
    assert "no dose 2" in refused(state, IntegrationCompleted(DAY1 + 25 * H, 2))[0]
    assert "has not been held yet" in refused(state, DoseRecorded(DAY1 + 50 * H, OFFICE, K))[0]
    assert overdue(state, DAY1 + 72 * H) == ()
    late = DAY1 + 73 * H
    (item,) = overdue(state, late)
    assert (item.dose_number, item.due_by) == (1, DAY1 + 72 * H)
    assert "is overdue" in refused(state, DoseRecorded(late, OFFICE, K))[0]
    state = run(state, IntegrationCompleted(late, 1))
    assert overdue(state, late) == ()
    assert "was held on" in refused(state, IntegrationCompleted(late + H, 1))[0]
    assert apply(state, DoseRecorded(late + H, OFFICE, K), late + H).doses[1].number == 2


def test_without_integration_first_only_an_overdue_one_blocks() -> None:
    state = run(
        ready(protocol_changes={"integration_before_next_dose": False}),
        DoseRecorded(DAY1, OFFICE, K),
    )
    assert len(apply(state, DoseRecorded(DAY1 + 50 * H, OFFICE, K), DAY1 + 50 * H).doses) == 2
    assert "is overdue" in refused(state, DoseRecorded(DAY1 + 73 * H, OFFICE, K))[0]


def test_doses_keep_the_minimum_interval() -> None:
    state = run(ready(), DoseRecorded(DAY1, OFFICE, K), IntegrationCompleted(DAY1 + 24 * H, 1))
    reasons = refused(state, DoseRecorded(DAY1 + 47 * H, OFFICE, K))
    assert reasons == (
        "Doses are at least 48 hours apart: the next may be given from 2025-03-06 09:00 UTC.",
    )
    assert apply(state, DoseRecorded(DAY1 + 48 * H, OFFICE, K), DAY1 + 48 * H).doses


def test_no_more_doses_than_the_protocol() -> None:
    state = ready(protocol_changes={"dosing_sessions": 1})
    state = run(state, DoseRecorded(DAY1, OFFICE, K), IntegrationCompleted(DAY1 + 24 * H, 1))
    assert refused(state, DoseRecorded(DAY1 + 72 * H, OFFICE, K)) == (
        "All 1 doses of the protocol have been given.",
    )


def test_an_at_home_dose_needs_that_days_passed_gate() -> None:
    state = ready(
        AT_HOME, {"min_between_doses": timedelta(0), "integration_before_next_dose": False}
    )
    day = DAY1.date()
    assert refused(state, DoseRecorded(DAY1, HOME, K, day)) == (
        f"The dosing-day gate for {day} has not been passed: pass it before the dose.",
    )
    assert "local day" in refused(state, DoseRecorded(DAY1, HOME, K))[0]
    state = run(state, AtHomeGatePassed(DAY1 - H, day))
    yesterday = DoseRecorded(DAY1, HOME, K, day - timedelta(days=1))
    assert "has not been passed" in refused(state, yesterday)[0]
    state = run(state, DoseRecorded(DAY1, HOME, K, day))
    assert state.gates[0].used_by == 1
    assert "has not been passed" in refused(state, DoseRecorded(DAY1 + H, HOME, K, day))[0]
    assert apply(state, DoseRecorded(DAY1 + H, OFFICE, K), DAY1 + H).doses[-1].setting is OFFICE


def test_a_stopped_gate_blocks_at_home_dosing_that_day() -> None:
    state = ready(AT_HOME)
    day = DAY1.date()
    state = run(
        state, AtHomeGatePassed(DAY1 - 2 * H, day), AtHomeGateStopped(DAY1 - H, day, "BP 170/105")
    )
    assert refused(state, DoseRecorded(DAY1, HOME, K, day)) == (
        f"The dosing-day gate was stopped on {day}: no at-home dose that day.",
    )
    assert "cannot be passed" in refused(state, AtHomeGatePassed(DAY1, day))[0]
    with pytest.raises(ValidationError):
        apply(state, AtHomeGatePassed(DAY1, day + timedelta(days=3)), DAY1)


def test_an_in_office_course_has_no_gate_and_no_at_home_dose() -> None:
    state = ready()
    assert "Only an at-home course" in refused(state, AtHomeGatePassed(DAY1, DAY1.date()))[0]
    assert refused(state, DoseRecorded(DAY1, HOME, K, DAY1.date())) == (
        "This is an in-office course: at-home dosing was not signed off.",
    )


def test_esketamine_is_never_taken_at_home() -> None:
    with pytest.raises(StepRefused, match="REMS"):
        start(SPRAVATO_AT_HOME, T0)
    spravato = ready(SPRAVATO_IN_OFFICE)
    reasons = refused(spravato, DoseRecorded(DAY1, HOME, ESK, DAY1.date()))
    assert any("never taken at home" in r for r in reasons)
    assert "for esketamine" in refused(spravato, DoseRecorded(DAY1, OFFICE, K))[0]
    home = ready(AT_HOME)
    reasons = refused(
        run(home, AtHomeGatePassed(DAY1 - H, DAY1.date())),
        DoseRecorded(DAY1, HOME, ESK, DAY1.date()),
    )
    assert any("REMS" in r for r in reasons)
    assert apply(spravato, DoseRecorded(DAY1, OFFICE, ESK), DAY1).doses


def test_aftercare_only_after_the_last_integration() -> None:
    state = ready(protocol_changes={"dosing_sessions": 2})
    state = run(state, DoseRecorded(DAY1, OFFICE, K), IntegrationCompleted(DAY1 + 24 * H, 1))
    assert refused(state, AftercareStarted(DAY1 + 25 * H)) == (
        "Aftercare follows the last dose: 1 of 2 doses given.",
    )
    state = run(state, DoseRecorded(DAY1 + 72 * H, OFFICE, K))
    reasons = refused(state, AftercareStarted(DAY1 + 73 * H))
    assert reasons == (
        "The integration session after dose 2 has not been held: aftercare starts after the "
        "last integration.",
    )
    state = run(state, IntegrationCompleted(DAY1 + 98 * H, 2), AftercareStarted(DAY1 + 99 * H))
    assert state.phase is Phase.AFTERCARE
    assert "moved to aftercare" in refused(state, AftercareStarted(DAY1 + 100 * H))[0]
    assert run(state, AdverseEventOpened(DAY1 + 100 * H, "late-ae")).open_adverse_events == (
        "late-ae",
    )


def test_a_stopped_course_allows_integration_and_aftercare_but_no_dose() -> None:
    state = run(
        ready(), DoseRecorded(DAY1, OFFICE, K), CourseStopped(DAY1 + 2 * H, "patient moved away")
    )
    assert state.phase is Phase.STOPPED
    assert "patient moved away" in refused(state, DoseRecorded(DAY1 + 80 * H, OFFICE, K))[0]
    assert "integration" in refused(state, AftercareStarted(DAY1 + 3 * H))[0]
    state = run(state, IntegrationCompleted(DAY1 + 30 * H, 1), AftercareStarted(DAY1 + 31 * H))
    assert state.phase is Phase.AFTERCARE
    with pytest.raises(ValidationError):
        apply(ready(), CourseStopped(DAY1, "  "), DAY1)


def test_events_are_taken_in_time_order_and_never_ahead_of_now() -> None:
    state = ready()
    assert "after now" in refused(state, DoseRecorded(DAY1, OFFICE, K), now=DAY1 - H)[0]
    assert "in the order they happened" in refused(state, PreparationCompleted(T0))[0]
    with pytest.raises(ValidationError):
        apply(state, PreparationCompleted(datetime(2025, 3, 4)), DAY1)
    with pytest.raises(ValidationError):
        apply(state, PreparationCompleted(DAY1), datetime(2025, 3, 5))


def test_a_refusal_leaves_the_state_as_it_was() -> None:
    state = start(IN_OFFICE, T0)
    before = replace(state)
    refused(state, DoseRecorded(DAY1, OFFICE, K))
    assert state == before


def test_next_steps_at_the_start_list_what_is_missing() -> None:
    steps = next_steps(start(IN_OFFICE, T0), T0 + H)
    kinds = [s.kind for s in steps]
    assert kinds == [
        StepKind.PREPARATION,
        StepKind.CONSENT,
        StepKind.SIGN_OFF,
        StepKind.DOSE_IN_OFFICE,
        StepKind.STOP,
    ]
    dose = steps[3]
    assert not dose.allowed and len(dose.reasons) == 3
    assert all(s.allowed for s in steps if s.kind is not StepKind.DOSE_IN_OFFICE)


def test_next_steps_during_dosing_show_the_integration_window() -> None:
    state = run(ready(), DoseRecorded(DAY1, OFFICE, K))
    steps = {s.kind: s for s in next_steps(state, DAY1 + 2 * H)}
    integration = steps[StepKind.INTEGRATION]
    assert (integration.dose_number, integration.allowed) == (1, False)
    assert (integration.opens_at, integration.due_by) == (DAY1 + 24 * H, DAY1 + 72 * H)
    dose = steps[StepKind.DOSE_IN_OFFICE]
    assert dose.dose_number == 2 and dose.opens_at == DAY1 + 48 * H and not dose.allowed
    later = {s.kind: s for s in next_steps(state, DAY1 + 24 * H)}
    assert later[StepKind.INTEGRATION].allowed


def test_next_steps_at_home_list_the_gate_and_both_kinds_of_dose() -> None:
    state = ready(AT_HOME)
    day = date(2025, 3, 4)
    kinds = [s.kind for s in next_steps(state, DAY1, day)]
    assert kinds == [StepKind.GATE, StepKind.DOSE_AT_HOME, StepKind.DOSE_IN_OFFICE, StepKind.STOP]
    gated = run(state, AtHomeGatePassed(DAY1 - H, day))
    steps = {s.kind: s for s in next_steps(gated, DAY1, day)}
    assert StepKind.GATE not in steps
    assert steps[StepKind.DOSE_AT_HOME].allowed


@pytest.mark.parametrize("program", [IN_OFFICE, AT_HOME, SPRAVATO_IN_OFFICE])
def test_a_dose_step_allowed_now_is_a_dose_apply_accepts(program: Program) -> None:
    state = ready(program)
    if program.at_home:
        state = run(state, AtHomeGatePassed(DAY1 - H, DAY1.date()))
    for step in next_steps(state, DAY1, DAY1.date()):
        if step.kind in (StepKind.DOSE_AT_HOME, StepKind.DOSE_IN_OFFICE):
            setting = HOME if step.kind is StepKind.DOSE_AT_HOME else OFFICE
            event = DoseRecorded(DAY1, setting, program.medicine, DAY1.date())
            assert step.allowed
            assert apply(state, event, DAY1).doses
