"""At home: the dosing-day gate, sitter check-ins and the post-session check-in."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from attune.domain.errors import FormErrors, InvalidDefinition
from attune.domain.kap.athome import (
    AtHomeSettings,
    GateAnswers,
    GateItem,
    default_settings,
    evaluate_gate,
    parse_settings,
    settings_as_dict,
)
from attune.domain.kap.athome_checkins import (
    ALL_WELL,
    PostSessionCheckin,
    SideEffect,
    SitterCheckin,
    assess_checkin,
    assess_missed,
    assess_post_session,
    checkin_errors,
    due_checkins,
    missed_checkins,
    next_checkin,
)

NOW = datetime(2025, 3, 1, 14, 0, tzinfo=UTC)
SETTINGS = default_settings()
CRISIS = "988 Suicide & Crisis Lifeline: call or text 988 (US). In an emergency call 911."
READY = GateAnswers(
    last_ate_at=NOW - timedelta(hours=5),
    sitter_present=True,
    sitter_name="Maya",
    systolic=124,
    diastolic=78,
    bp_measured_at=NOW - timedelta(minutes=5),
    phone_charged=True,
    no_driving_agreed=True,
    intention="To be kind to the part of me that is scared",
)


def items(answers: GateAnswers, now: datetime = NOW) -> list[GateItem]:
    return [f.item for f in evaluate_gate(answers, now, SETTINGS).failures]


def test_the_default_settings_are_marked_as_clinic_defaults() -> None:
    assert "Clinic-configurable defaults" in SETTINGS.basis
    assert SETTINGS.min_fasting_hours == 4
    assert (SETTINGS.bp_max_systolic, SETTINGS.bp_max_diastolic) == (140, 90)
    assert parse_settings(settings_as_dict(SETTINGS)) == SETTINGS


def test_a_ready_patient_passes_the_gate() -> None:
    result = evaluate_gate(READY, NOW, SETTINGS)
    assert result.passed
    assert result.failures == ()
    assert not result.alert_needed


def test_an_empty_gate_lists_every_item_with_an_instruction() -> None:
    result = evaluate_gate(GateAnswers(), NOW, SETTINGS)
    assert not result.passed
    assert [f.item for f in result.failures] == list(GateItem)
    assert all(f.instruction.endswith(".") for f in result.failures)
    assert not result.alert_needed


def test_not_fasting_long_enough_says_when_to_come_back() -> None:
    eaten = replace(READY, last_ate_at=NOW - timedelta(hours=2, minutes=30))
    (failure,) = evaluate_gate(eaten, NOW, SETTINGS, ZoneInfo("America/Chicago")).failures
    assert failure.item is GateItem.FASTING
    assert "Please wait until 09:30" in failure.instruction
    exactly = replace(READY, last_ate_at=NOW - timedelta(hours=4))
    assert evaluate_gate(exactly, NOW, SETTINGS).passed


def test_a_sitter_must_be_present_and_named() -> None:
    assert items(replace(READY, sitter_present=False)) == [GateItem.SITTER]
    (failure,) = evaluate_gate(replace(READY, sitter_name=" "), NOW, SETTINGS).failures
    assert failure.field == "sitter_name"


def test_high_blood_pressure_stops_and_alerts_the_clinician() -> None:
    result = evaluate_gate(replace(READY, systolic=152, diastolic=88), NOW, SETTINGS)
    assert not result.passed
    assert result.alert_needed
    assert result.alert_reasons == ("Blood pressure 152/88: above 140/90.",)
    assert "Please do not take your medicine yet" in result.failures[0].instruction


def test_very_high_blood_pressure_says_when_to_call_911() -> None:
    result = evaluate_gate(replace(READY, systolic=186, diastolic=100), NOW, SETTINGS)
    assert result.alert_needed
    assert "call 911 now" in result.failures[0].instruction
    assert result.alert_reasons == ("Blood pressure 186/100: very high.",)


def test_low_blood_pressure_alerts_too() -> None:
    result = evaluate_gate(replace(READY, systolic=84, diastolic=56), NOW, SETTINGS)
    assert result.alert_needed
    assert "lower than your clinic's range" in result.failures[0].instruction


def test_an_old_reading_is_measured_again_without_an_alert() -> None:
    old = replace(READY, bp_measured_at=NOW - timedelta(minutes=61))
    result = evaluate_gate(old, NOW, SETTINGS)
    assert [f.field for f in result.failures] == ["bp_measured_at"]
    assert not result.alert_needed


def test_impossible_answers_are_refused_naming_the_field() -> None:
    with pytest.raises(FormErrors) as caught:
        evaluate_gate(
            replace(READY, systolic=400, last_ate_at=NOW + timedelta(hours=1)), NOW, SETTINGS
        )
    assert [f for f, _ in caught.value.errors] == ["last_ate_at", "systolic"]
    with pytest.raises(FormErrors) as swapped:
        evaluate_gate(replace(READY, systolic=80, diastolic=120), NOW, SETTINGS)
    assert swapped.value.field == "diastolic"


@settings(max_examples=150, deadline=None)
@given(sys=st.integers(50, 300), dia=st.integers(20, 200))
def test_the_gate_passes_blood_pressure_only_within_the_range(sys: int, dia: int) -> None:
    assume(dia < sys)
    result = evaluate_gate(replace(READY, systolic=sys, diastolic=dia), NOW, SETTINGS)
    in_range = sys <= 140 and dia <= 90 and sys >= 90
    assert result.passed == in_range
    assert result.alert_needed == (not in_range)


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"min_fasting_hours": 30}, "min_fasting_hours"),
        ({"bp_urgent_systolic": 140}, "bp_urgent_systolic"),
        ({"checkin_grace_minutes": 8}, "checkin_grace_minutes"),
        ({"sitter": 1}, "root"),
    ],
)
def test_bad_settings_name_where(change: dict[str, object], where: str) -> None:
    with pytest.raises(InvalidDefinition) as caught:
        parse_settings({**settings_as_dict(SETTINGS), **change})
    assert caught.value.field == where


# --- sitter check-ins -------------------------------------------------------------------

DOSE = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)


def minutes(m: int) -> datetime:
    return DOSE + timedelta(minutes=m)


def well(m: int) -> SitterCheckin:
    return SitterCheckin(minutes(m), responsive=True, breathing_normal=True, distressed=False)


def test_checkins_are_due_every_fifteen_minutes() -> None:
    assert due_checkins(DOSE, minutes(44)) == (minutes(15), minutes(30))
    assert due_checkins(DOSE, minutes(90), 15, end=minutes(45)) == tuple(
        minutes(m) for m in (15, 30, 45)
    )
    assert next_checkin(DOSE, minutes(44), SETTINGS) == minutes(45)


def test_missed_checkins_are_those_past_their_grace() -> None:
    checkins = [well(16), well(37)]  # 7 minutes late for 30
    assert missed_checkins(DOSE, minutes(49), checkins, SETTINGS) == (minutes(30),)
    assert missed_checkins(DOSE, minutes(51), checkins, SETTINGS) == (minutes(30), minutes(45))


def test_a_missed_checkin_alerts_and_asks_the_sitter_to_look_in() -> None:
    outcome = assess_missed((minutes(30),))
    assert outcome.alert_needed and not outcome.stop
    assert outcome.alert_reasons == ("Sitter check-in missed at 10:30.",)
    assert assess_missed(()) is ALL_WELL


def test_a_good_checkin_needs_nothing() -> None:
    assert assess_checkin(well(15)) is ALL_WELL


def test_not_responding_stops_the_flow_and_says_call_911() -> None:
    outcome = assess_checkin(replace(well(15), responsive=False))
    assert outcome.stop and outcome.alert_needed
    assert outcome.instructions[0] == "Call 911 now."
    assert outcome.alert_reasons == ("Not responding at a sitter check-in.",)


def test_abnormal_breathing_stops_the_flow() -> None:
    outcome = assess_checkin(replace(well(15), breathing_normal=False))
    assert outcome.stop
    assert "Breathing not normal at a sitter check-in." in outcome.alert_reasons


def test_distress_stops_the_flow_with_calming_steps() -> None:
    outcome = assess_checkin(replace(well(15), distressed=True))
    assert outcome.stop and outcome.alert_needed
    assert "Call 911 now." not in outcome.instructions
    assert "Call the clinic now" in outcome.instructions[1]


def test_a_written_concern_alerts_without_stopping() -> None:
    outcome = assess_checkin(replace(well(15), concern="She says her chest feels tight"))
    assert not outcome.stop and outcome.alert_needed
    assert outcome.alert_reasons == ("The sitter wrote: She says her chest feels tight",)


@given(responsive=st.booleans(), breathing=st.booleans(), distressed=st.booleans(), text=st.text())
def test_anything_out_of_range_stops_and_alerts(
    responsive: bool, breathing: bool, distressed: bool, text: str
) -> None:
    outcome = assess_checkin(SitterCheckin(DOSE, responsive, breathing, distressed, text))
    out_of_range = not responsive or not breathing or distressed
    assert outcome.stop == out_of_range
    if out_of_range:
        assert outcome.alert_needed and outcome.instructions


def test_checkin_times_and_text_are_checked() -> None:
    assert [f for f, _ in checkin_errors(well(-5), DOSE, minutes(30))] == ["at"]
    assert checkin_errors(well(15), DOSE, minutes(30)) == ()


# --- after the session ------------------------------------------------------------------

AFTER = PostSessionCheckin(
    at=minutes(300),
    wellbeing=7,
    side_effects=(SideEffect.TIREDNESS,),
    feels_safe=True,
    sitter_stayed_until=minutes(270),
)


def test_a_settled_patient_gets_gentle_advice_and_no_alert() -> None:
    outcome = assess_post_session(AFTER, DOSE, SETTINGS, CRISIS)
    assert not outcome.alert_needed and not outcome.stop
    assert "usually ease" in outcome.instructions[0]


def test_not_feeling_safe_shows_the_crisis_line_and_alerts() -> None:
    outcome = assess_post_session(replace(AFTER, feels_safe=False), DOSE, SETTINGS, CRISIS)
    assert outcome.stop and outcome.alert_needed
    assert CRISIS in outcome.instructions[0]


def test_an_urgent_side_effect_alerts() -> None:
    checkin = replace(AFTER, side_effects=(SideEffect.CHEST_PAIN, SideEffect.NAUSEA))
    outcome = assess_post_session(checkin, DOSE, SETTINGS, CRISIS)
    assert outcome.stop
    assert outcome.alert_reasons == ("Urgent side effects after the session: chest pain.",)


def test_a_sitter_who_left_early_alerts_the_clinician() -> None:
    outcome = assess_post_session(
        replace(AFTER, sitter_stayed_until=minutes(180)), DOSE, SETTINGS, CRISIS
    )
    assert outcome.alert_needed and not outcome.stop
    assert outcome.alert_reasons == (
        "The sitter left 60 minutes before the 4 hours the clinic asks.",
    )


def test_post_session_answers_are_checked() -> None:
    bad = replace(
        AFTER,
        wellbeing=11,
        side_effects=(SideEffect.OTHER,),
        feels_safe=None,
        sitter_stayed_until=minutes(400),
    )
    with pytest.raises(FormErrors) as caught:
        assess_post_session(bad, DOSE, SETTINGS, CRISIS)
    assert [f for f, _ in caught.value.errors] == [
        "wellbeing",
        "other_side_effect",
        "feels_safe",
    ]
    with pytest.raises(FormErrors) as late:
        assess_post_session(
            replace(AFTER, sitter_stayed_until=minutes(400)), DOSE, SETTINGS, CRISIS
        )
    assert late.value.field == "sitter_stayed_until"


def test_settings_can_be_built_directly() -> None:
    assert AtHomeSettings().checkin_every_minutes == 15
