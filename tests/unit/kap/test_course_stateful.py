"""Stateful property test: no sequence of events reaches an illegal course.

Hypothesis drives the course with every kind of event, in any order, with time moved on
only by explicit rules (no clock). After every step the invariants re-derive, from the
list of ACCEPTED events alone (an oracle independent of the state machine's own
bookkeeping), that nothing unsafe was ever accepted:

- a dose only after an approving (or overriding) sign-off for this program, active
  consent and the protocol's preparation sessions;
- never a dose while an adverse event is open;
- never a dose while an earlier dose's integration is overdue (and, by default, not
  before the previous dose's integration was held);
- never an at-home dose without a passed, unused gate for that day, or on a day whose
  gate was stopped; never esketamine at home; never a medicine the program is not for;
- never more doses than the protocol, never two closer than its minimum interval;
- integration only inside (or after) its window, once per dose;
- aftercare only after the last integration; nothing but follow-up after a stop;
- events accepted in time order.

It also checks that the state agrees with the oracle, that ``overdue`` matches, and that
``next_steps`` allows a dose exactly when ``apply`` would accept it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from attune.domain.errors import StepRefused
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
    CourseStopped,
    DoseRecorded,
    EligibilitySignedOff,
    Event,
    IntegrationCompleted,
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
    PROGRAMS,
    Medicine,
    Program,
    Setting,
)
from attune.domain.kap.protocol import Protocol, load_protocol
from attune.domain.kap.signoff import Decision, SignOff, sign_off

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
CLEAR = Intake(
    addictions=(),
    medications=Medications(False),
    medical=MedicalHistory(False, None, False, False, False, LiverDisease.NONE, Pregnancy.NO),
    mental_health=MentalHealthHistory(
        EpisodeHistory.NEVER, EpisodeHistory.NEVER, AttemptHistory.NONE, SelfHarm.NEVER, False
    ),
    situation=Situation(stable_housing=True),
)
SEEN: Counter[str] = Counter()
PAST_PSYCHOSIS = replace(
    CLEAR, mental_health=replace(CLEAR.mental_health, psychosis=EpisodeHistory.PAST)
)


def eligibility(program: Program, intake: Intake = CLEAR) -> Eligibility:
    ready = AtHomeAnswers(True, True, True, True)
    bp = BloodPressure(120, 80, T0)
    return assess(EligibilityInputs(intake, program, "female", bp, ready), T0)


RATIONALE = "One episode fifteen years ago, well since; psychiatrist consulted; close follow-up."


def history_is_legal(events: list[Event], program: Program, p: Protocol) -> None:
    """The oracle: every rule, checked against the accepted events only."""
    assert all(a.at <= b.at for a, b in pairwise(events))
    doses: list[DoseRecorded] = []
    for k, e in enumerate(events):
        before = events[:k]
        integrated = {x.dose_number for x in before if isinstance(x, IntegrationCompleted)}
        ended = [x for x in before if isinstance(x, AftercareStarted | CourseStopped)]
        if isinstance(e, DoseRecorded):
            signoffs = [x for x in before if isinstance(x, EligibilitySignedOff)]
            assert signoffs, "dosed without a sign-off"
            s, result = signoffs[-1].signoff, signoffs[-1].eligibility
            assert s.eligibility_digest == result.digest and result.program == program
            if s.decision is Decision.APPROVE:
                assert result.outcome is not Outcome.NOT_ELIGIBLE
            else:
                assert s.decision is Decision.OVERRIDE
                assert all(x.overridable for x in result.exclusions)
                assert set(s.overridden) == {x.code for x in result.exclusions}
            consent = [x for x in before if isinstance(x, ConsentRecorded | ConsentWithdrawn)]
            assert consent and isinstance(consent[-1], ConsentRecorded)
            assert (
                sum(isinstance(x, PreparationCompleted) for x in before) >= p.preparation_sessions
            )
            opened = {x.event_id for x in before if isinstance(x, AdverseEventOpened)}
            closed = {x.event_id for x in before if isinstance(x, AdverseEventClosed)}
            assert opened <= closed
            assert e.medicine is program.medicine
            assert not (e.medicine is Medicine.ESKETAMINE and e.setting is Setting.AT_HOME)
            if e.setting is Setting.AT_HOME:
                assert program.at_home
                gates = [x for x in before if isinstance(x, AtHomeGatePassed) and x.day == e.day]
                stops = [x for x in before if isinstance(x, AtHomeGateStopped) and x.day == e.day]
                used = [d for d in doses if d.setting is Setting.AT_HOME and d.day == e.day]
                assert not stops and len(gates) > len(used)
            assert len(doses) < p.dosing_sessions
            if doses:
                assert e.at - doses[-1].at >= p.min_between_doses
            for n, d in enumerate(doses, start=1):
                if n not in integrated:
                    assert e.at <= d.at + p.integration_closes, "dosed with an overdue integration"
                    assert not p.integration_before_next_dose
            assert not ended
            doses.append(e)
        elif isinstance(e, IntegrationCompleted):
            assert 1 <= e.dose_number <= len(doses) and e.dose_number not in integrated
            assert e.at >= doses[e.dose_number - 1].at + p.integration_opens
        elif isinstance(e, AftercareStarted):
            assert all(n in integrated for n in range(1, len(doses) + 1))
            stopped = any(isinstance(x, CourseStopped) for x in before)
            assert stopped or len(doses) == p.dosing_sessions
            assert not any(isinstance(x, AftercareStarted) for x in before)
        elif ended and not isinstance(
            e, AdverseEventOpened | AdverseEventClosed | ConsentWithdrawn
        ):
            assert isinstance(e, IntegrationCompleted | AftercareStarted)
    assert len(doses) <= p.dosing_sessions


class CourseMachine(RuleBasedStateMachine):
    """One course of ``PROGRAM`` (a subclass per program sets it)."""

    PROGRAM: Program = IN_OFFICE

    @initialize(
        doses=st.sampled_from([3, 2, 1]),
        min_hours=st.sampled_from([0, 0, 48]),
        before_next=st.booleans(),
        ready_with=st.sampled_from([None, 1, 2, 2]),
    )
    def begin(
        self,
        doses: int,
        min_hours: int,
        before_next: bool,
        ready_with: int | None,
    ) -> None:
        program = self.program = self.PROGRAM
        self.protocol = replace(
            load_protocol(program),
            dosing_sessions=doses,
            min_between_doses=timedelta(hours=min_hours),
            integration_before_next_dose=before_next,
        )
        self.state = start(program, T0, self.protocol)
        self.now = T0 + timedelta(hours=5)
        self.accepted: list[Event] = []
        self.ae_count = 0
        self.eligible = eligibility(program)
        self.soft = eligibility(program, PAST_PSYCHOSIS)
        other = AT_HOME if program is not AT_HOME else IN_OFFICE
        self.other_program = eligibility(other)
        if ready_with is not None:
            self.get_ready(ready_with)

    def _try(self, event: Event, label: str) -> None:
        try:
            new = apply(self.state, event, self.now)
        except StepRefused as refusal:
            assert refusal.reasons and all(r.strip() for r in refusal.reasons)
            SEEN[f"refused {label}"] += 1
            if isinstance(event, DoseRecorded) and event.setting is Setting.AT_HOME:
                SEEN["refused at-home dose"] += 1
            return
        self.state = new
        self.accepted.append(event)
        SEEN[label] += 1
        if isinstance(event, DoseRecorded) and len(new.doses) > 1:
            SEEN["a later dose"] += 1
        if isinstance(event, DoseRecorded) and event.setting is Setting.AT_HOME:
            SEEN["at-home dose"] += 1
        if isinstance(event, AftercareStarted) and new.stopped_at is None:
            SEEN["aftercare after every dose"] += 1

    @rule(hours=st.sampled_from([1, 6, 23, 25, 47, 49, 73, 100]))
    def advance(self, hours: int) -> None:
        self.now += timedelta(hours=hours)

    @rule()
    def preparation(self) -> None:
        self._try(PreparationCompleted(self.now), "preparation")

    @rule(roll=st.integers(0, 3))
    def consent(self, roll: int) -> None:
        event = ConsentWithdrawn(self.now) if roll == 0 else ConsentRecorded(self.now)
        self._try(event, "consent")

    @rule(kind=st.sampled_from(["approve", "decline", "override", "other_program", "forged"]))
    def signoff(self, kind: str) -> None:
        result = self.eligible
        if kind == "approve":
            s = sign_off(
                result,
                prescriber_user_id=2,
                signed_at=self.now,
                decision=Decision.APPROVE,
                note="ok",
            )
        elif kind == "decline":
            s = sign_off(
                result, prescriber_user_id=2, signed_at=self.now, decision=Decision.DECLINE
            )
        elif kind == "override":
            result = self.soft
            s = sign_off(
                result,
                prescriber_user_id=2,
                signed_at=self.now,
                decision=Decision.OVERRIDE,
                overridden=("psychosis_history",),
                rationale=RATIONALE,
            )
        elif kind == "other_program":
            result = self.other_program
            s = sign_off(
                result,
                prescriber_user_id=2,
                signed_at=self.now,
                decision=Decision.APPROVE,
                note="ok",
            )
        else:
            result = self.soft
            s = SignOff(
                2, self.now, Decision.APPROVE, "", result.digest, result.program, result.outcome
            )
        self._try(EligibilitySignedOff(result, s), f"sign-off {kind}")

    @rule(preparations=st.sampled_from([1, 2, 2]))
    def get_ready(self, preparations: int) -> None:
        """Preparation sessions (sometimes one too few), consent and an approval."""
        for _ in range(preparations):
            self.preparation()
        self.consent(roll=1)
        self.signoff("approve")

    @rule(day_offset=st.sampled_from([0, 0, 0, -1, 1]), stop=st.booleans())
    def gate(self, day_offset: int, stop: bool) -> None:
        day = self.now.date() + timedelta(days=day_offset)
        event = (
            AtHomeGateStopped(self.now, day, "BP high") if stop else AtHomeGatePassed(self.now, day)
        )
        self._try(event, "gate")

    @rule(
        at_home=st.sampled_from([True, True, False]),
        wait=st.booleans(),
        gate=st.sampled_from(["pass", "pass", "pass", "none", "stop", "pass then stop"]),
    )
    def dose(self, at_home: bool, wait: bool, gate: str) -> None:
        """A dose of the program's medicine, at home when the program is, on today. With
        ``wait``, time first moves on to the protocol's earliest next dose; ``gate`` is
        what happened at today's dosing-day gate just before."""
        if wait and self.state.doses:
            earliest = self.state.doses[-1].at + self.protocol.min_between_doses
            self.now = max(self.now, earliest)
        today = self.now.date()
        if gate in ("pass", "pass then stop"):
            self._try(AtHomeGatePassed(self.now, today), "gate")
        if gate in ("stop", "pass then stop"):
            self._try(AtHomeGateStopped(self.now, today, "blood pressure out of range"), "gate")
        setting = Setting.AT_HOME if at_home and self.program.at_home else Setting.IN_OFFICE
        self._try(DoseRecorded(self.now, setting, self.program.medicine, today), "dose")

    @rule(at_home=st.booleans())
    def carry_on(self, at_home: bool) -> None:
        """The ordinary path from wherever the course is: hold each waiting integration
        once its window opens, then dose when the interval allows (passing the gate at
        home), until the protocol's doses are given; then start aftercare. Every step
        still goes through ``apply`` and may be refused."""
        for _ in range(2 * self.protocol.dosing_sessions):
            self.integrate(which=0, wait=True)
            if not self.state.doses_left:
                break
            self.dose(at_home=at_home, wait=True, gate="pass")
        self.integrate(which=0, wait=True)
        self.aftercare()

    @rule()
    def dose_again_now(self) -> None:
        """Straight after a dose, another at home without passing the gate again."""
        if self.state.doses:
            self.dose(at_home=True, wait=False, gate="none")

    @rule(
        setting=st.sampled_from(list(Setting)),
        medicine=st.sampled_from(list(Medicine)),
        day_offset=st.sampled_from([None, -1, 0]),
        hours_ago=st.sampled_from([0, 2]),
    )
    def any_dose(
        self, setting: Setting, medicine: Medicine, day_offset: int | None, hours_ago: int
    ) -> None:
        """Any dose at all: other medicines and settings, no day, back-dated."""
        day = None if day_offset is None else self.now.date() + timedelta(days=day_offset)
        at = self.now - timedelta(hours=hours_ago)
        self._try(DoseRecorded(at, setting, medicine, day), "dose")

    @rule(which=st.integers(0, 2), wait=st.booleans())
    def integrate(self, which: int, wait: bool) -> None:
        """The integration of a dose still waiting for one; with ``wait``, time first moves
        on to an hour after its window opens (if it is not open yet)."""
        waiting = [d for d in self.state.doses if d.integrated_at is None]
        if waiting:
            dose = waiting[which % len(waiting)]
            if wait:
                opens = dose.at + self.protocol.integration_opens + timedelta(hours=1)
                self.now = max(self.now, opens)
            self._try(IntegrationCompleted(self.now, dose.number), "integration")

    @rule(number=st.integers(0, 4))
    def integrate_any(self, number: int) -> None:
        self._try(IntegrationCompleted(self.now, number), "integration")

    # Rare events take a "roll": they happen on one roll in four (stop: one in ten), so
    # that courses also get far enough to dose, integrate and reach aftercare.
    @rule(roll=st.integers(0, 3))
    def open_adverse_event(self, roll: int) -> None:
        if roll == 0:
            self.ae_count += 1
            self._try(AdverseEventOpened(self.now, f"ae-{self.ae_count}"), "adverse event")

    @rule(which=st.integers(0, 2))
    def close_adverse_event(self, which: int) -> None:
        still_open = self.state.open_adverse_events
        event_id = still_open[which % len(still_open)] if still_open else f"ae-{which}"
        self._try(AdverseEventClosed(self.now, event_id), "adverse event closed")

    @rule()
    def aftercare(self) -> None:
        self._try(AftercareStarted(self.now), "aftercare")

    @rule(roll=st.integers(0, 9))
    def stop(self, roll: int) -> None:
        if roll == 0:
            self._try(CourseStopped(self.now, "stopped by the prescriber"), "stop")

    @invariant()
    def no_illegal_history(self) -> None:
        if hasattr(self, "state"):
            history_is_legal(self.accepted, self.program, self.protocol)

    @invariant()
    def the_state_agrees_with_the_history(self) -> None:
        if not hasattr(self, "state"):
            return
        doses = [e for e in self.accepted if isinstance(e, DoseRecorded)]
        assert [d.at for d in self.state.doses] == [d.at for d in doses]
        done = {e.dose_number for e in self.accepted if isinstance(e, IntegrationCompleted)}
        assert {d.number for d in self.state.doses if d.integrated_at} == done
        closes = self.protocol.integration_closes
        late = [n for n, d in enumerate(doses, 1) if n not in done and self.now > d.at + closes]
        assert [o.dose_number for o in overdue(self.state, self.now)] == late

    @invariant()
    def next_steps_agree_with_apply(self) -> None:
        if not hasattr(self, "state"):
            return
        day = self.now.date()
        for step in next_steps(self.state, self.now, day):
            if step.kind not in (StepKind.DOSE_AT_HOME, StepKind.DOSE_IN_OFFICE):
                continue
            setting = Setting.AT_HOME if step.kind is StepKind.DOSE_AT_HOME else Setting.IN_OFFICE
            event = DoseRecorded(self.now, setting, self.program.medicine, day)
            try:
                apply(self.state, event, self.now)
            except StepRefused as refusal:
                assert not step.allowed and refusal.reasons == step.reasons
            else:
                assert step.allowed and step.reasons == ()


@pytest.mark.parametrize("program", PROGRAMS, ids=[p.id for p in PROGRAMS])
def test_no_sequence_of_events_reaches_an_illegal_state(program: Program) -> None:
    SEEN.clear()
    machine = type(f"CourseMachine_{program.id}", (CourseMachine,), {"PROGRAM": program})
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=150, stateful_step_count=60, deadline=None, derandomize=True
        ),
    )
    # The search reached the interesting places, not only refusals at the start.
    reached = ["dose", "a later dose", "integration", "aftercare after every dose", "stop"]
    reached += ["sign-off override", "adverse event closed", "refused dose"]
    reached += ["refused sign-off forged", "refused sign-off other_program"]
    if program.at_home:
        reached += ["gate", "refused gate", "at-home dose", "refused at-home dose"]
    for label in reached:
        assert SEEN[label] > 0, label


def test_the_oracle_itself_rejects_unsafe_histories() -> None:
    """The invariant is not vacuous: unsafe histories written by hand are caught."""
    protocol = load_protocol(IN_OFFICE)
    result = eligibility(IN_OFFICE)
    approve = sign_off(result, prescriber_user_id=2, signed_at=T0, decision=Decision.APPROVE)
    ready: list[Event] = [
        EligibilitySignedOff(result, approve),
        PreparationCompleted(T0),
        PreparationCompleted(T0),
        ConsentRecorded(T0),
    ]
    day1, day2 = T0 + timedelta(days=1), T0 + timedelta(days=5)
    office, k = Setting.IN_OFFICE, Medicine.KETAMINE
    unsafe: list[list[Event]] = [
        [DoseRecorded(day1, office, k)],
        [*ready, DoseRecorded(day1, office, k), DoseRecorded(day2, office, k)],
        [*ready, AdverseEventOpened(T0, "a"), DoseRecorded(day1, office, k)],
        [*ready, DoseRecorded(day1, Setting.AT_HOME, k, day1.date())],
        [*ready, DoseRecorded(day1, office, Medicine.ESKETAMINE)],
        [*ready, DoseRecorded(day1, office, k), AftercareStarted(day2)],
    ]
    for history in unsafe:
        with pytest.raises(AssertionError):
            history_is_legal(history, IN_OFFICE, protocol)
    history_is_legal([*ready, DoseRecorded(day1, office, k)], IN_OFFICE, protocol)
