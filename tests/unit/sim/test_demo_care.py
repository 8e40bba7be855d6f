"""The demo's care path: valid intakes that match the questionnaires answered, reviews,
cycles and plans in a believable order, and the safety actions a demo should show."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from attune.domain.formulation import validate as validate_cycle
from attune.domain.intake import Respondent, default_battery
from attune.domain.intake import validate as validate_intake
from attune.domain.levelofcare import Action, Inputs, Level, recommend
from attune.domain.plan import validate as validate_plan
from attune.sim.demo_care import (
    OPEN_INTAKES,
    OVERRIDES,
    SECTION_KEYS,
    WITHOUT_INTAKE,
    CareEvent,
    CycleSaved,
    Decision,
    DemoCare,
    IntakeOpened,
    IntakeSitting,
    IntakeSubmitted,
    LevelReview,
    PlanAcknowledged,
    PlanAgreed,
    PlanSaved,
    generate_care,
    override_for,
)
from attune.sim.demo_history import (
    FIRST_SITTING,
    DemoHistory,
    DemoResponse,
    generate,
    newcomers,
)

TODAY = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def history() -> DemoHistory:
    return generate(seed=11, today=TODAY)


@pytest.fixture(scope="module")
def care(history: DemoHistory) -> DemoCare:
    return generate_care(11, history, TODAY)


def of_kind(care: DemoCare, kind: type[CareEvent]) -> list[CareEvent]:
    return [e for e in care.events if isinstance(e, kind)]


def test_same_seed_same_care_and_another_seed_differs(history: DemoHistory, care: DemoCare) -> None:
    assert generate_care(11, history, TODAY) == care
    assert generate_care(12, history, TODAY) != care


def test_events_are_in_order_and_within_each_patients_time_in_care(
    history: DemoHistory, care: DemoCare
) -> None:
    times = [e.at for e in care.events]
    assert times == sorted(times)
    joined = {p.key: p.joined for p in history.patients}
    assert all(joined[e.patient] < e.at < TODAY for e in care.events)


def test_most_patients_submit_an_intake_a_few_have_none_or_one_open(
    history: DemoHistory, care: DemoCare
) -> None:
    everyone = {p.key for p in history.patients}
    opened = {e.patient for e in of_kind(care, IntakeOpened)}
    submitted = {e.patient for e in of_kind(care, IntakeSubmitted)}
    assert submitted == care.submitted
    assert len(everyone - opened) == WITHOUT_INTAKE
    assert len(opened - submitted) == OPEN_INTAKES
    assert len(submitted) == len(everyone) - WITHOUT_INTAKE - OPEN_INTAKES
    assert set(care.intakes) == opened


def test_every_intake_is_valid_and_complete_on_the_day_it_was_filled_in(
    history: DemoHistory, care: DemoCare
) -> None:
    people = {p.key: p for p in history.patients}
    for sitting in of_kind(care, IntakeSitting):
        assert isinstance(sitting, IntakeSitting)
        patient = people[sitting.patient]
        who = Respondent(sitting.at.date(), patient.date_of_birth, patient.sex)
        assert validate_intake(sitting.intake, who) == (), sitting.patient


def test_a_submitted_intake_has_every_section_saved_first(care: DemoCare) -> None:
    saved: dict[str, set[str]] = defaultdict(set)
    opened: dict[str, datetime] = {}
    for event in care.events:
        if isinstance(event, IntakeOpened):
            opened[event.patient] = event.at
        elif isinstance(event, IntakeSitting):
            assert opened[event.patient] < event.at
            saved[event.patient] |= set(event.sections)
        elif isinstance(event, IntakeSubmitted):
            assert saved[event.patient] == set(SECTION_KEYS)
    open_ones = set(care.intakes) - care.submitted
    assert all(saved[k] < set(SECTION_KEYS) for k in open_ones)


def test_the_intake_names_what_the_intake_questionnaires_were_about(
    history: DemoHistory, care: DemoCare
) -> None:
    """The battery the intake assigns is exactly what the patient answered once, and it
    is submitted before those answers (so they count for the battery)."""
    answered: dict[str, set[str]] = defaultdict(set)
    first: dict[str, datetime] = {}
    for r in history.events:
        if isinstance(r, DemoResponse) and not r.recurring:
            answered[r.patient].add(r.instrument_id)
            first.setdefault(r.patient, r.at)
    for event in of_kind(care, IntakeSubmitted):
        key = event.patient
        battery = {e.instrument_id for e in default_battery(care.intakes[key].named)}
        assert answered[key] == battery - {"phq9", "gad7"}, key
        assert event.at < first[key] and event.at < history_joined(history, key) + FIRST_SITTING


def history_joined(history: DemoHistory, key: str) -> datetime:
    return next(p.joined for p in history.patients if p.key == key)


def test_addictions_of_every_kind_and_safety_actions_appear(care: DemoCare) -> None:
    kinds = {a.kind for key in care.submitted for a in care.intakes[key].named}
    assert len(kinds) == 3
    actions = set()
    for key in care.submitted:
        intake = care.intakes[key]
        actions |= set(recommend(Inputs(intake=intake, today=TODAY.date())).actions)
    assert Action.SAME_DAY_SAFETY_ASSESSMENT in actions
    assert Action.MEDICALLY_SUPERVISED_WITHDRAWAL in actions
    assert any(care.intakes[k].withdrawal.seizures for k in care.submitted)
    assert any(care.intakes[k].mental_health.suicidal_thoughts_now for k in care.submitted)


def test_reviews_accept_most_override_two_and_leave_the_newest_pending(
    history: DemoHistory, care: DemoCare
) -> None:
    reviews = [e for e in of_kind(care, LevelReview) if isinstance(e, LevelReview)]
    reviewed = {e.patient for e in reviews}
    waiting = care.submitted - reviewed
    assert len(waiting) == newcomers(len(history.patients)) == 2
    joined = {p.key: p.joined for p in history.patients}
    assert all(TODAY - joined[k] < timedelta(days=10) for k in waiting)
    overrides = [e for e in reviews if e.decision is Decision.OVERRIDE]
    assert len({e.patient for e in overrides}) == OVERRIDES
    rationales = {override_for(Level.RESIDENTIAL, e.variant)[1] for e in overrides}
    assert len(rationales) == OVERRIDES
    submitted_at = {e.patient: e.at for e in of_kind(care, IntakeSubmitted)}
    assert all(submitted_at[e.patient] < e.at for e in reviews)


@pytest.mark.parametrize("level", list(Level))
def test_an_override_chooses_another_level_and_says_why(level: Level) -> None:
    chosen, rationale = override_for(level)
    assert chosen is not level and abs(chosen.rank - level.rank) == 1
    assert len(rationale) > 40


def test_cycles_are_valid_and_a_second_version_adds_to_the_first(care: DemoCare) -> None:
    by_patient: dict[str, list[CycleSaved]] = defaultdict(list)
    for event in of_kind(care, CycleSaved):
        assert isinstance(event, CycleSaved)
        assert validate_cycle(event.formulation) == ()
        by_patient[event.patient].append(event)
    assert len(by_patient) >= 5
    twice = [v for v in by_patient.values() if len(v) == 2]
    assert twice
    for first, second in twice:
        assert second.formulation.alternatives and not first.formulation.alternatives
        assert set(first.formulation.situations) <= set(second.formulation.situations)


def test_plans_are_valid_agreed_then_acknowledged_and_revised_at_review(
    history: DemoHistory, care: DemoCare
) -> None:
    answered = defaultdict(set)
    for r in history.events:
        if isinstance(r, DemoResponse):
            answered[r.patient].add(r.instrument_id)
    steps: dict[str, list[str]] = defaultdict(list)
    for event in care.events:
        if isinstance(event, PlanSaved):
            assert validate_plan(event.plan, today=event.at.date()) == ()
            assert {g.target.instrument_id for g in event.plan.goals} <= answered[event.patient]
            steps[event.patient].append("saved")
        elif isinstance(event, PlanAgreed):
            steps[event.patient].append("agreed")
        elif isinstance(event, PlanAcknowledged):
            steps[event.patient].append("acknowledged")
    assert len(steps) >= 8
    for sequence in steps.values():
        assert sequence[0] == "saved"
        for before, after in pairwise(sequence):
            assert (before, after) in {
                ("saved", "agreed"),
                ("agreed", "acknowledged"),
                ("acknowledged", "saved"),
            }
    assert any(s.count("saved") == 2 for s in steps.values())
    assert any(s[-1] == "acknowledged" for s in steps.values())
    # Plans follow a decided recommendation.
    decided = {e.patient: e.at for e in reversed(of_kind(care, LevelReview))}
    assert all(decided[e.patient] < e.at for e in of_kind(care, PlanSaved))


def test_a_small_clinic_still_has_a_care_path() -> None:
    small = generate(seed=3, today=TODAY, patients=8)
    care = generate_care(3, small, TODAY)
    assert 4 <= len(care.submitted) <= 8
    assert of_kind(care, LevelReview) and of_kind(care, PlanSaved)
