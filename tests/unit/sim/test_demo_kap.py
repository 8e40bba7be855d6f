"""The demo's KAP courses and ledger: safe candidates, records that can be signed, one
warning, a passed gate today, a REMS record waiting, and a ledger that balances."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from attune.domain.instruments import get_instrument, score
from attune.domain.kap.athome import default_settings, evaluate_gate
from attune.domain.kap.breathwork import practice_errors
from attune.domain.kap.candidacy import Outcome, screen
from attune.domain.kap.preparation import modules_for
from attune.domain.kap.program import program
from attune.domain.kap.session import (
    Disposition,
    Route,
    SessionRecord,
    can_sign,
    session_warnings,
)
from attune.domain.kap.vitals import default_protocol
from attune.sim.demo_care import DemoCare, generate_care
from attune.sim.demo_history import DemoHistory, DemoResponse, generate
from attune.sim.demo_kap import (
    STORIES,
    BreathworkLogged,
    DemoKap,
    Discharged,
    DoseStarted,
    GateChecked,
    HomeDoseTaken,
    IntegrationHeld,
    ModuleDone,
    Rated,
    RemsFilled,
    RemsSubmitted,
    SafetyPlanSaved,
    SessionSigned,
    StockAdministered,
    StockCounted,
    StockInventoried,
    StockReceived,
    StockWasted,
    VitalsTaken,
    candidates,
    generate_kap,
)

TODAY = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def history() -> DemoHistory:
    return generate(seed=11, today=TODAY)


@pytest.fixture(scope="module")
def care(history: DemoHistory) -> DemoCare:
    return generate_care(11, history, TODAY)


@pytest.fixture(scope="module")
def kap(history: DemoHistory, care: DemoCare) -> DemoKap:
    return generate_kap(11, history, care, TODAY)


def story_of(kap: DemoKap, story: str) -> str:
    return next(k for k, s in kap.courses.items() if s == story)


def test_same_seed_same_steps(history: DemoHistory, care: DemoCare, kap: DemoKap) -> None:
    assert generate_kap(11, history, care, TODAY) == kap


def test_four_courses_for_patients_the_screen_does_not_rule_out(
    history: DemoHistory, care: DemoCare, kap: DemoKap
) -> None:
    assert sorted(kap.courses.values()) == sorted(STORIES)
    people = {p.key: p for p in history.patients}
    for key in kap.courses:
        assert key in candidates(history, care)
        intake = care.intakes[key]
        found = screen(intake, today=TODAY.date(), sex=people[key].sex)
        assert found.outcome is not Outcome.CONTRAINDICATIONS_FOUND
        assert not people[key].at_risk
        screens = [
            r
            for r in history.events
            if isinstance(r, DemoResponse)
            and r.patient == key
            and r.instrument_id in ("audit", "dast10")
        ]
        for response in screens:
            instrument = get_instrument(response.instrument_id)
            result = score(instrument, response.answers)
            assert result.band_index != len(instrument.bands) - 1, (key, result)
    assert story_of(kap, "at_home") in candidates(history, care, at_home=True)


def test_steps_are_in_order_and_before_today(kap: DemoKap) -> None:
    times = [s.at for s in kap.steps]
    assert times == sorted(times)
    assert all(t < TODAY for t in times)


def _records(kap: DemoKap, key: str) -> dict[int, SessionRecord]:
    """Each in-office dose's record built from its steps, as the services would keep it."""
    records: dict[int, SessionRecord] = {}
    readings = defaultdict(list)
    for step in kap.steps:
        if getattr(step, "patient", None) != key:
            continue
        if isinstance(step, VitalsTaken):
            readings[step.dose].append(step.reading)
        elif isinstance(step, DoseStarted):
            records[step.dose] = SessionRecord(
                route=Route(step.route),
                dose_mg=step.dose_mg,
                weight_kg=step.weight_kg,
                lot_number=step.lot,
                started_at=step.at,
            )
        elif isinstance(step, Rated):
            record = records[step.dose]
            records[step.dose] = _with(record, ratings=(*record.ratings, step.rating))
        elif isinstance(step, Discharged):
            records[step.dose] = _with(
                records[step.dose], discharge=step.checklist, ended_at=step.at
            )
    for dose, record in records.items():
        records[dose] = _with(record, vitals=tuple(readings[dose]))
    return records


def _with(record: SessionRecord, **changes: object) -> SessionRecord:
    return replace(record, disposition=Disposition.DISCHARGED, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize("story", ["in_office", "spravato"])
def test_every_in_office_record_can_be_signed_and_one_reading_warns(
    kap: DemoKap, story: str
) -> None:
    key = story_of(kap, story)
    protocol = default_protocol()
    records = _records(kap, key)
    assert len(records) == (4 if story == "in_office" else 2)
    warnings = 0
    for record in records.values():
        assert can_sign(record, protocol) == (), can_sign(record, protocol)
        warnings += len(session_warnings(record, protocol))
    assert warnings == (1 if story == "in_office" else 0)
    signed = [s for s in kap.steps if isinstance(s, SessionSigned) and s.patient == key]
    assert len(signed) == len(records)


def test_preparation_is_half_done_and_the_others_complete(kap: DemoKap) -> None:
    done: dict[str, int] = defaultdict(int)
    for step in kap.steps:
        if isinstance(step, ModuleDone | SafetyPlanSaved):
            done[step.patient] += 1
    assert done[story_of(kap, "preparation")] == 2
    for story, programme in (
        ("in_office", "in_office"),
        ("at_home", "at_home"),
        ("spravato", "spravato_in_office"),
    ):
        assert done[story_of(kap, story)] == len(modules_for(program(programme)))


def test_at_home_gates_pass_and_todays_comes_last(kap: DemoKap) -> None:
    key = story_of(kap, "at_home")
    settings = default_settings()
    gates = [s for s in kap.steps if isinstance(s, GateChecked)]
    assert {g.patient for g in gates} == {key}
    for gate in gates:
        assert evaluate_gate(gate.answers, gate.at, settings).passed
    assert gates[-1].at.date() == TODAY.date()
    doses = [s for s in kap.steps if isinstance(s, HomeDoseTaken)]
    assert [d.dose for d in doses] == [1, 2] and doses[-1].at < gates[-1].at
    practice = [s for s in kap.steps if isinstance(s, BreathworkLogged)]
    assert practice and {p.patient for p in practice} == {key}
    assert all(practice_errors(p.entry, p.at) == () for p in practice)


def test_integrations_are_held_between_doses(kap: DemoKap) -> None:
    for key in (story_of(kap, "in_office"), story_of(kap, "at_home")):
        held = {s.dose: s.at for s in kap.steps if isinstance(s, IntegrationHeld)
                and s.patient == key}  # fmt: skip
        dosed = {
            s.dose: s.at
            for s in kap.steps
            if isinstance(s, DoseStarted | HomeDoseTaken) and s.patient == key
        }
        for dose, at in dosed.items():
            if dose + 1 in dosed:
                assert at + timedelta(hours=24) <= held[dose] <= at + timedelta(hours=72)
                assert held[dose] < dosed[dose + 1]


def test_one_rems_record_submitted_and_the_newest_waiting(kap: DemoKap) -> None:
    key = story_of(kap, "spravato")
    filled = [s.dose for s in kap.steps if isinstance(s, RemsFilled) and s.patient == key]
    submitted = [s.dose for s in kap.steps if isinstance(s, RemsSubmitted)]
    assert filled == [1, 2] and submitted == [1]


def test_the_ledger_balances_and_ties_each_dose_to_its_lot(kap: DemoKap) -> None:
    balance: dict[str, Decimal] = defaultdict(Decimal)
    doses = {(s.patient, s.dose): s for s in kap.steps if isinstance(s, DoseStarted)}
    used = set()
    for step in kap.steps:
        if isinstance(step, StockReceived):
            balance[step.lot] += step.mg
        elif isinstance(step, StockAdministered):
            dose = doses[(step.patient, step.dose)]
            assert (step.lot, step.mg) == (dose.lot, dose.dose_mg)
            assert dose.at < step.at
            used.add((step.patient, step.dose))
            balance[step.lot] -= step.mg
        elif isinstance(step, StockWasted):
            balance[step.lot] -= step.mg
        assert all(v >= 0 for v in balance.values())
    assert used == set(doses)
    assert len(kap.lots) == 3
    assert len([s for s in kap.steps if isinstance(s, StockWasted)]) == 1
    inventory = [s.at for s in kap.steps if isinstance(s, StockInventoried)]
    receipts = [s.at for s in kap.steps if isinstance(s, StockReceived)]
    assert len(inventory) == 1 and receipts[0] < inventory[0] < receipts[1]
    counted = [s.at for s in kap.steps if isinstance(s, StockCounted)]
    entries = [s.at for s in kap.steps if isinstance(s, StockAdministered | StockWasted)]
    assert len(counted) == 1 and max(entries) < counted[0]


def test_a_small_clinic_gets_the_courses_it_can() -> None:
    small = generate(seed=3, today=TODAY, patients=4)
    care = generate_care(3, small, TODAY)
    kap = generate_kap(3, small, care, TODAY)
    assert set(kap.courses) <= set(candidates(small, care))
    assert len(kap.lots) == 3


@pytest.mark.parametrize(
    "today",
    [
        datetime(2026, 3, 2, 0, 4, tzinfo=UTC),
        datetime(2026, 3, 2, 10, 40, tzinfo=UTC),
        datetime(2026, 3, 2, 23, 59, tzinfo=UTC),
    ],
)
def test_at_any_time_of_day_every_step_is_in_the_past_and_the_gate_is_today(
    today: datetime,
) -> None:
    history = generate(seed=5, today=today)
    care = generate_care(5, history, today)
    kap = generate_kap(5, history, care, today)
    assert all(s.at < today for s in kap.steps)
    assert all(e.at < today for e in care.events)
    gates = [s for s in kap.steps if isinstance(s, GateChecked)]
    assert gates[-1].at.date() == today.date()
    for step in kap.steps:
        if isinstance(step, IntegrationHeld):
            assert step.at < today
