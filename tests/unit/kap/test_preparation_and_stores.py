"""Preparation modules as data, the safety plan, and the strict storage forms of the KAP
records and course events."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from importlib import resources

import pytest

from attune.domain.errors import FormErrors, InvalidDefinition, NotFound, ValidationError
from attune.domain.kap import (
    AT_HOME,
    IN_OFFICE,
    PROGRAMS,
    SPRAVATO_IN_OFFICE,
    AdverseEventOpened,
    AtHomeGatePassed,
    AtHomeGateStopped,
    ConsentRecorded,
    CourseStopped,
    Decision,
    DoseRecorded,
    EligibilityInputs,
    EligibilitySignedOff,
    IntegrationCompleted,
    PreparationCompleted,
    assess,
    load_protocol,
    sign_off,
    start,
)
from attune.domain.kap.athome import GateAnswers, GateResult, default_settings, evaluate_gate
from attune.domain.kap.athome_checkins import PostSessionCheckin, SideEffect
from attune.domain.kap.course_store import event_from_dict, event_to_dict, replay
from attune.domain.kap.preparation import (
    Contact,
    ModuleKind,
    SafetyPlan,
    builtin_preparation,
    get_module,
    modules_for,
    parse_preparation,
    parts_complete,
    safety_plan_errors,
    safety_plan_from_dict,
    safety_plan_to_dict,
)
from attune.domain.kap.program import Medicine, Setting
from attune.domain.kap.record_store import from_json, merge_json, to_json
from attune.domain.kap.session import DischargeChecklist, Disposition, Route, SessionRecord
from attune.domain.kap.session_events import AdverseEvent, AdverseEventKind, Rating, Severity
from attune.domain.kap.spravato import BloodPressure, DoseChoice, RemsPatient, SpravatoRecord
from attune.domain.kap.vitals import VitalsReading
from factories import complete_intake

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _raw() -> dict[str, object]:
    folder = resources.files("attune.domain.kap") / "preparation"
    data = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


# --- preparation ------------------------------------------------------------------------


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.id)
def test_each_programs_parts_are_its_protocols_preparation_sessions(program: object) -> None:
    assert program in PROGRAMS
    prep = builtin_preparation()
    mine = modules_for(program)  # type: ignore[arg-type]
    assert len(prep.parts) == load_protocol(program).preparation_sessions  # type: ignore[arg-type]
    assert {m.part for m in mine} == {p.number for p in prep.parts}
    assert [m.kind for m in mine].count(ModuleKind.SAFETY_PLAN) == 1
    for module in mine:
        assert module.sections and module.check.strip()
        assert all(s.heading and s.paragraphs for s in module.sections)


def test_program_specific_modules() -> None:
    assert "at_home_day" in [m.key for m in modules_for(AT_HOME)]
    assert "spravato_visit" in [m.key for m in modules_for(SPRAVATO_IN_OFFICE)]
    assert {"at_home_day", "spravato_visit"}.isdisjoint(m.key for m in modules_for(IN_OFFICE))
    with pytest.raises(NotFound, match="no preparation module 'at_home_day'"):
        get_module("at_home_day", IN_OFFICE)


def test_a_part_is_complete_when_all_its_modules_are_done() -> None:
    assert parts_complete(IN_OFFICE, set()) == ()
    assert parts_complete(IN_OFFICE, {"what_to_expect"}) == ()
    assert parts_complete(IN_OFFICE, {"what_to_expect", "set_and_setting"}) == (1,)
    assert parts_complete(AT_HOME, {"what_to_expect", "set_and_setting"}) == ()
    everything = {m.key for m in modules_for(IN_OFFICE)}
    assert parts_complete(IN_OFFICE, everything) == (1, 2)


def test_the_modules_file_is_checked() -> None:
    raw = _raw()
    modules = raw["modules"]
    assert isinstance(modules, list)
    broken = copy.deepcopy(raw)
    broken["modules"] = [
        m for m in modules if m["key"] != "intentions" and m["key"] != "safety_plan"
    ]
    with pytest.raises(InvalidDefinition, match="no module in part 2"):
        parse_preparation(broken)
    twice = copy.deepcopy(raw)
    twice["modules"] = [*modules, modules[0]]
    with pytest.raises(InvalidDefinition, match="used twice"):
        parse_preparation(twice)
    unknown = copy.deepcopy(raw)
    unknown["modules"][0]["programs"] = ["spravato_at_home"]  # type: ignore[index]
    with pytest.raises(InvalidDefinition, match="no program"):
        parse_preparation(unknown)


def test_a_safety_plan_may_be_saved_part_way_and_names_what_is_missing() -> None:
    empty = SafetyPlan()
    assert safety_plan_errors(empty, complete=False) == ()
    assert [f for f, _ in safety_plan_errors(empty, complete=True)] == [
        "warning_signs",
        "coping_steps",
        "people",
        "crisis_line",
    ]
    plan = SafetyPlan(("Not sleeping",), ("A walk",), (Contact("Sam", "555 0100"),), "988")
    assert safety_plan_errors(plan, complete=True) == ()
    assert safety_plan_from_dict(safety_plan_to_dict(plan)) == plan
    bad = replace(plan, people=(Contact("Sam", "call me"),), warning_signs=("x" * 201,))
    assert [f for f, _ in safety_plan_errors(bad, complete=True)] == [
        "warning_signs[0]",
        "people[0].phone",
    ]
    with pytest.raises(ValidationError, match="people"):
        safety_plan_from_dict({**safety_plan_to_dict(plan), "people": [{"name": "Sam"}]})


# --- the records' storage form -------------------------------------------------------------

SESSION = SessionRecord(
    route=Route.IM,
    dose_mg=Decimal("35.5"),
    weight_kg=Decimal(71),
    lot_number="K-1",
    started_at=T0,
    ended_at=T0 + timedelta(hours=1),
    vitals=(VitalsReading(T0 - timedelta(minutes=5), 120, 80, 70, 98), VitalsReading(T0, spo2=97)),
    ratings=(Rating(T0 + timedelta(minutes=20), 2, 3, "Quiet"),),
    adverse_events=(
        AdverseEvent(
            AdverseEventKind.NAUSEA, Severity.MILD, T0, "Ondansetron", T0 + timedelta(minutes=30)
        ),
    ),
    discharge=DischargeChecklist(True, True, True, True, "Jo", True),
    disposition=Disposition.DISCHARGED,
)


@pytest.mark.parametrize(
    "record",
    [
        SESSION,
        SessionRecord(),
        SpravatoRecord(
            patient=RemsPatient("Zoë", "", "Ng", date(1990, 1, 2), None, "P-1", True, True),
            dose=DoseChoice.OTHER,
            other_dose_mg=Decimal(28),
            bp_before=BloodPressure(120, 80, T0),
        ),
        GateAnswers(T0, True, "Alex", 120, 80, T0, True, True, "Rest"),
        evaluate_gate(GateAnswers(), T0, default_settings()),
        PostSessionCheckin(T0, 7, (SideEffect.NAUSEA, SideEffect.OTHER), "Hiccups", True, T0),
    ],
    ids=lambda r: type(r).__name__,
)
def test_records_round_trip_through_json(record: object) -> None:
    stored = json.loads(json.dumps(to_json(record)))
    assert from_json(type(record), stored) == record


def test_a_stored_record_is_read_strictly_and_every_problem_named() -> None:
    stored = to_json(SESSION)
    stored["route"] = "oral"
    stored["vitals"][0]["at"] = "2026-01-05T09:00:00"  # type: ignore[index]
    stored["ratings"][0]["sedation"] = True  # type: ignore[index]
    stored["dose_mg"] = 35.5
    del stored["notes"]
    stored["colour"] = "blue"
    with pytest.raises(FormErrors) as bad:
        from_json(SessionRecord, stored)
    assert {f for f, _ in bad.value.errors} == {
        "colour",
        "route",
        "vitals[0].at",
        "ratings[0].sedation",
        "dose_mg",
        "notes",
    }


def test_merge_changes_top_level_fields_only_with_the_same_checks() -> None:
    changed = merge_json(SESSION, {"lot_number": "K-2", "weight_kg": "70"})
    assert (changed.lot_number, changed.weight_kg, changed.vitals) == ("K-2", 70, SESSION.vitals)
    with pytest.raises(FormErrors, match="Choose one of"):
        merge_json(SESSION, {"disposition": "home"})
    result = from_json(GateResult, to_json(evaluate_gate(GateAnswers(), T0, default_settings())))
    assert not result.passed


# --- course events -------------------------------------------------------------------------


def _signed() -> EligibilitySignedOff:
    eligibility = assess(EligibilityInputs(complete_intake(T0.date()), IN_OFFICE), T0)
    note = "Conditions met."
    signoff = sign_off(
        eligibility, prescriber_user_id=3, signed_at=T0, decision=Decision.APPROVE, note=note
    )
    return EligibilitySignedOff(eligibility, signoff)


EVENTS = [
    PreparationCompleted(T0, "part-1"),
    ConsentRecorded(T0),
    AtHomeGatePassed(T0, T0.date()),
    AtHomeGateStopped(T0, T0.date(), "Blood pressure 190/110"),
    DoseRecorded(T0, Setting.AT_HOME, Medicine.KETAMINE, T0.date()),
    DoseRecorded(T0, Setting.IN_OFFICE, Medicine.ESKETAMINE),
    IntegrationCompleted(T0, 2),
    AdverseEventOpened(T0, "s1-ae1"),
    CourseStopped(T0, "Moved"),
]


@pytest.mark.parametrize("event", [*EVENTS, _signed()], ids=lambda e: type(e).__name__)
def test_events_round_trip(event: object) -> None:
    kind, data = event_to_dict(event)  # type: ignore[arg-type]
    assert event_from_dict(kind, json.loads(json.dumps(data))) == event


def test_stored_events_are_read_strictly() -> None:
    with pytest.raises(ValidationError, match="not a known event"):
        event_from_dict("dose_taken", {"at": T0.isoformat()})
    with pytest.raises(ValidationError, match="no time zone"):
        event_from_dict("consent_recorded", {"at": "2026-01-05T09:00:00"})
    with pytest.raises(ValidationError, match="not a field"):
        event_from_dict("consent_recorded", {"at": T0.isoformat(), "by": 3})
    kind, data = event_to_dict(_signed())
    tampered = copy.deepcopy(data)
    tampered["eligibility"]["outcome"] = "eligible"  # type: ignore[index]
    tampered["eligibility"]["reasons"] = []  # type: ignore[index]
    with pytest.raises(ValidationError, match="digest"):
        event_from_dict(kind, tampered)


def test_replay_rebuilds_the_state_and_refuses_an_out_of_order_log() -> None:
    protocol = load_protocol(IN_OFFICE)
    steps = [(ConsentRecorded(T0), T0), (_signed(), T0 + timedelta(minutes=1))]
    state = replay(IN_OFFICE, T0, protocol, steps)
    assert state.consent_at == T0 and state.signoff is not None
    assert state == replay(IN_OFFICE, T0, protocol, list(steps))
    later = T0 + timedelta(minutes=5)
    out_of_order = [(ConsentRecorded(later), later), (_signed(), later)]
    with pytest.raises(ValidationError, match=r"Stored course event 2 .* in the order"):
        replay(IN_OFFICE, T0, protocol, out_of_order)
    assert start(IN_OFFICE, T0) == replay(IN_OFFICE, T0, protocol, [])
