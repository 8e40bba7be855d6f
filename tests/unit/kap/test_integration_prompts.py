"""Integration prompts from the attachment profile and the cycle; the integration window;
integration notes and journal entries."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attune.domain.errors import InvalidDefinition, ValidationError
from attune.domain.formulation.model import Formulation
from attune.domain.kap.integration import (
    Source,
    builtin_bank,
    choose_prompts,
    parse_bank,
)
from attune.domain.kap.integration_window import (
    IntegrationNote,
    JournalEntry,
    WindowSettings,
    WindowStatus,
    integration_window,
    journal_errors,
    note_errors,
    overdue,
    window_status,
)
from attune.domain.profiles.attachment import AttachmentProfile, profile_from_dimensions

ANXIOUS = profile_from_dimensions(5.8, 2.0)
AVOIDANT = profile_from_dimensions(2.0, 5.9)
BOTH_HIGH = profile_from_dimensions(5.5, 5.5)
BOTH_LOW = profile_from_dimensions(2.0, 2.2)
MIXED = profile_from_dimensions(4.2, 5.5)
MIDDLE = profile_from_dimensions(4.1, 3.8)
CYCLE = Formulation(
    situations=("Sunday evenings",),
    relational=("My partner goes quiet",),
    soothes=("loneliness",),
    alternatives=("Call my sister",),
)


def shipped() -> dict[str, object]:
    folder = resources.files("attune.domain.kap") / "integration"
    data: dict[str, object] = json.loads((folder / "prompts.json").read_text(encoding="utf-8"))
    return data


def test_the_bank_has_prompts_for_each_source() -> None:
    sources = {p.when.source for p in builtin_bank()}
    assert sources == set(Source)
    assert len(builtin_bank()) >= 25


def test_a_choice_mixes_attachment_cycle_and_general_prompts_with_reasons() -> None:
    chosen = choose_prompts(ANXIOUS, CYCLE, seed=7)
    assert [c.source for c in chosen] == [Source.ATTACHMENT, Source.CYCLE, Source.GENERAL]
    assert chosen[0].reason.startswith("Because closeness and reassurance")
    assert "attachment anxiety score leans higher" in chosen[0].reason
    assert chosen[1].entry in {
        "Sunday evenings",
        "My partner goes quiet",
        "loneliness",
        "Call my sister",
    }
    assert chosen[1].reason == f"From your cycle: \u201c{chosen[1].entry}\u201d."
    assert f"\u201c{chosen[1].entry}\u201d" in chosen[1].text
    assert "{entry}" not in chosen[1].text


def test_the_choice_is_deterministic_for_a_seed() -> None:
    assert choose_prompts(ANXIOUS, CYCLE, seed=3) == choose_prompts(ANXIOUS, CYCLE, seed=3)
    different = {choose_prompts(ANXIOUS, CYCLE, seed=s) for s in range(10)}
    assert len(different) > 1


@pytest.mark.parametrize(
    ("profile", "words"),
    [
        (AVOIDANT, "attachment avoidance score leans higher"),
        (BOTH_LOW, "both your attachment scores lean lower"),
        (MIDDLE, "near the middle"),
    ],
)
def test_attachment_prompts_follow_the_dimensions(profile: AttachmentProfile, words: str) -> None:
    chosen = choose_prompts(profile, None, seed=1, count=1)
    assert chosen[0].source is Source.ATTACHMENT
    assert words in chosen[0].reason


def test_both_dimensions_higher_can_draw_on_anxiety_avoidance_and_both() -> None:
    reasons = {c.reason for s in range(30) for c in choose_prompts(BOTH_HIGH, None, seed=s)}
    assert any("both your attachment scores lean higher" in r for r in reasons)
    assert any("anxiety score leans higher" in r for r in reasons)
    assert any("avoidance score leans higher" in r for r in reasons)


def test_a_mixed_picture_draws_on_the_mixed_prompts_and_any_clear_lean() -> None:
    for seed in range(20):
        (middle,) = choose_prompts(MIDDLE, None, seed=seed, count=1)
        assert "near the middle" in middle.reason
    reasons = {c.reason for s in range(30) for c in choose_prompts(MIXED, None, seed=s)}
    assert any("near the middle" in r for r in reasons)
    assert any("avoidance score leans higher" in r for r in reasons)
    assert not any("anxiety score leans higher" in r for r in reasons)


def test_without_a_profile_or_cycle_the_prompts_are_general() -> None:
    chosen = choose_prompts(None, None, seed=5)
    assert [c.source for c in chosen] == [Source.GENERAL] * 3
    assert len({c.prompt_id for c in chosen}) == 3


def test_recently_used_prompts_are_avoided_while_others_remain() -> None:
    first = {c.prompt_id for c in choose_prompts(None, None, seed=5)}
    again = {c.prompt_id for c in choose_prompts(None, None, seed=5, count=2, avoid=first)}
    assert not first & again
    # Five general prompts: with three avoided, a third prompt has to repeat one of them.
    filled = {c.prompt_id for c in choose_prompts(None, None, seed=5, avoid=first)}
    assert len(filled) == 3 and len(filled & first) == 1
    everything = {p.id for p in builtin_bank()}
    assert len(choose_prompts(None, None, seed=5, avoid=everything)) == 3


@given(
    seed=st.integers(0, 2**32),
    count=st.integers(1, 10),
    anxiety=st.floats(1, 7),
    avoidance=st.floats(1, 7),
)
def test_no_prompt_or_entry_is_repeated(
    seed: int, count: int, anxiety: float, avoidance: float
) -> None:
    chosen = choose_prompts(
        profile_from_dimensions(anxiety, avoidance), CYCLE, seed=seed, count=count
    )
    assert len(chosen) == count
    assert len({c.prompt_id for c in chosen}) == count
    entries = [c.entry for c in chosen if c.entry is not None]
    assert len(entries) == len(set(entries))


def test_patient_words_with_braces_are_quoted_as_written() -> None:
    odd = Formulation(situations=("{entry} {0} at 9pm",))
    texts = {c.text for s in range(20) for c in choose_prompts(None, odd, seed=s)}
    assert any("\u201c{entry} {0} at 9pm\u201d" in t for t in texts)


def test_a_bad_count_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        choose_prompts(None, None, seed=1, count=0)
    assert caught.value.field == "count"


def _with(change: dict[str, object]) -> dict[str, object]:
    data = shipped()
    prompts = data["prompts"]
    assert isinstance(prompts, list)
    prompts[0] = {**prompts[0], **change}
    return data


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"when": {"anxiety": "very"}}, "prompts[0].when.anxiety"),
        ({"when": {"cycle": "dreams"}}, "prompts[0].when.cycle"),
        ({"when": {"cycle": "cost", "anxiety": "higher"}}, "prompts[0].when"),
        ({"reason": "nope"}, "prompts[0].reason"),
        ({"text": "About {entry}"}, "prompts[0].text"),
        ({"id": "anx-words"}, "prompts[1].id"),
    ],
)
def test_a_bad_bank_names_where(change: dict[str, object], where: str) -> None:
    with pytest.raises(InvalidDefinition) as caught:
        parse_bank(_with(change))
    assert caught.value.field == where


# --- the integration window -------------------------------------------------------------

DOSE = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)
WINDOW = integration_window(DOSE, WindowSettings())


def hours(h: float) -> datetime:
    return DOSE + timedelta(hours=h)


def test_the_default_window_is_24_to_72_hours_after_the_dose() -> None:
    assert (WINDOW.opens, WINDOW.closes) == (hours(24), hours(72))
    assert WINDOW.contains(hours(24)) and WINDOW.contains(hours(72))
    assert not WINDOW.contains(hours(73))


@pytest.mark.parametrize(
    ("now", "held", "status"),
    [
        (10, None, WindowStatus.NOT_YET_OPEN),
        (30, None, WindowStatus.OPEN),
        (72, None, WindowStatus.OPEN),
        (73, None, WindowStatus.OVERDUE),
        (80, 12, WindowStatus.HELD_EARLY),
        (80, 48, WindowStatus.HELD_IN_WINDOW),
        (80, 75, WindowStatus.HELD_LATE),
    ],
)
def test_window_status(now: float, held: float | None, status: WindowStatus) -> None:
    held_at = None if held is None else hours(held)
    assert window_status(WINDOW, hours(now), held_at) is status


def test_overdue_lists_doses_oldest_first() -> None:
    doses = [
        ("d3", hours(0), None),
        ("d1", hours(-100), None),
        ("d2", hours(-90), hours(-50)),
        ("d4", hours(-80), None),
    ]
    assert overdue(doses, hours(1), WindowSettings()) == ("d1", "d4")


def test_the_window_is_configurable_but_must_make_sense() -> None:
    same_day = integration_window(DOSE, WindowSettings(0, 24))
    assert same_day.opens == DOSE
    with pytest.raises(ValidationError):
        WindowSettings(48, 24)


# --- notes and journal ------------------------------------------------------------------


def test_an_integration_note_links_the_dose_and_needs_some_content() -> None:
    note = IntegrationNote(
        "dose-4", hours(30), insights=("I can ask for help",), response_ids=("r-19",)
    )
    assert note_errors(note, DOSE, hours(31)) == ()
    empty = IntegrationNote("", hours(-1))
    assert [f for f, _ in note_errors(empty, DOSE, hours(31))] == ["dose_id", "held_at", "insights"]
    future = IntegrationNote("dose-4", hours(40), commitments=("Walk daily",))
    assert [f for f, _ in note_errors(future, DOSE, hours(31))] == ["held_at"]
    blank = IntegrationNote("dose-4", hours(30), insights=("  ",))
    assert [f for f, _ in note_errors(blank, DOSE, hours(31))] == ["insights[0]"]


def test_journal_entries_are_checked() -> None:
    entry = JournalEntry("gen-carry", hours(30), "Slow mornings")
    assert journal_errors(entry, hours(31)) == ()
    assert [f for f, _ in journal_errors(JournalEntry("x", hours(30), ""), hours(31))] == ["text"]
