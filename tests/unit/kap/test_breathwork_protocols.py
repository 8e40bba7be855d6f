"""Breathwork protocols as data, the timer's timeline and the practice log."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from importlib import resources
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attune.domain.errors import InvalidDefinition, NotFound, ValidationError
from attune.domain.kap.breathwork import (
    BreathProtocol,
    PhaseKind,
    PracticeEntry,
    builtin_protocols,
    cycles_for,
    get_protocol,
    parse_protocols,
    practice_errors,
    summarise,
    timeline,
    timeline_as_data,
)

NOW = datetime(2025, 3, 1, 20, 0, tzinfo=UTC)


def shipped() -> dict[str, object]:
    folder = resources.files("attune.domain.kap") / "breathwork"
    data: dict[str, object] = json.loads((folder / "protocols.json").read_text(encoding="utf-8"))
    return data


def test_the_shipped_protocols_have_their_patterns() -> None:
    found = {p.id: (p.pattern, p.breaths_per_minute) for p in builtin_protocols()}
    assert found == {
        "box": ("4-4-4-4", Decimal("3.8")),
        "4-7-8": ("4-7-8", Decimal("3.2")),
        "slow-6": ("5-5", Decimal("6.0")),
        "cyclic-sigh": ("2-1-6", Decimal("6.7")),
    }


def test_every_protocol_has_a_description_steps_cautions_and_a_source() -> None:
    for protocol in builtin_protocols():
        assert protocol.summary and protocol.steps and protocol.cautions and protocol.source
        assert (protocol.cycles is None) != (protocol.minutes is None)


def test_the_box_timeline_runs_phase_after_phase() -> None:
    steps = timeline(get_protocol("box"), cycles=2)
    assert [(s.cycle, s.kind, s.start_ms, s.duration_ms) for s in steps[:5]] == [
        (1, PhaseKind.INHALE, 0, 4000),
        (1, PhaseKind.HOLD_IN, 4000, 4000),
        (1, PhaseKind.EXHALE, 8000, 4000),
        (1, PhaseKind.HOLD_OUT, 12000, 4000),
        (2, PhaseKind.INHALE, 16000, 4000),
    ]
    assert steps[-1].end_ms == 32_000
    assert [s.cue for s in steps[:4]] == ["Breathe in", "Hold", "Breathe out", "Rest"]


def test_a_protocol_can_name_its_own_cues() -> None:
    steps = timeline(get_protocol("cyclic-sigh"), cycles=1)
    assert [s.cue for s in steps] == ["Breathe in", "A little more", "Long breath out"]


def test_minutes_give_the_whole_cycles_that_fit() -> None:
    slow = get_protocol("slow-6")
    assert cycles_for(slow) == 30  # the default five minutes at ten seconds a breath
    assert cycles_for(get_protocol("4-7-8"), minutes=1) == 3  # 57 s of 60
    assert cycles_for(get_protocol("4-7-8")) == 4


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"cycles": 0}, "cycles"),
        ({"minutes": 61}, "minutes"),
        ({"cycles": 2, "minutes": 2}, "cycles"),
    ],
)
def test_a_bad_timer_choice_is_refused(kwargs: dict[str, int], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        timeline(get_protocol("box"), **kwargs)
    assert caught.value.field == field


@given(protocol=st.sampled_from(builtin_protocols()), cycles=st.integers(1, 50))
def test_the_timeline_is_gapless_and_its_length_is_cycles_times_the_cycle(
    protocol: BreathProtocol, cycles: int
) -> None:
    steps = timeline(protocol, cycles=cycles)
    assert len(steps) == cycles * len(protocol.phases)
    assert all(a.end_ms == b.start_ms for a, b in pairwise(steps))
    assert steps[-1].end_ms == cycles * protocol.cycle_ms


def test_the_timeline_as_data_is_json_ready() -> None:
    data = timeline_as_data(timeline(get_protocol("slow-6"), cycles=1))
    assert json.loads(json.dumps(data)) == [
        {
            "cycle": 1,
            "phase": 0,
            "kind": "inhale",
            "cue": "Breathe in",
            "start_ms": 0,
            "duration_ms": 5000,
        },
        {
            "cycle": 1,
            "phase": 1,
            "kind": "exhale",
            "cue": "Breathe out",
            "start_ms": 5000,
            "duration_ms": 5000,
        },
    ]


def test_an_unknown_protocol_is_not_found_naming_the_known_ones() -> None:
    with pytest.raises(NotFound) as caught:
        get_protocol("holotropic")
    assert "box, 4-7-8, slow-6, cyclic-sigh" in caught.value.message


def _with(change: dict[str, object]) -> dict[str, object]:
    data = shipped()
    protocols = data["protocols"]
    assert isinstance(protocols, list)
    protocols[0] = {**protocols[0], **change}
    return data


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"phases": [{"kind": "inhale", "seconds": 4}]}, "protocols[0].phases"),
        ({"phases": [{"kind": "sniff", "seconds": 4}]}, "protocols[0].phases[0].kind"),
        (
            {"phases": [{"kind": "inhale", "seconds": 0.2}, {"kind": "exhale", "seconds": 4}]},
            "protocols[0].phases[0].seconds",
        ),
        (
            {"phases": [{"kind": "inhale", "seconds": "4.0005"}, {"kind": "exhale", "seconds": 4}]},
            "protocols[0].phases[0].seconds",
        ),
        ({"minutes": 3}, "protocols[0]"),
        ({"id": "4-7-8"}, "protocols[1].id"),
        ({"colour": "blue"}, "protocols[0]"),
        ({"cautions": []}, "protocols[0].cautions"),
    ],
)
def test_a_bad_protocols_file_names_where(change: dict[str, object], where: str) -> None:
    with pytest.raises(InvalidDefinition) as caught:
        parse_protocols(_with(change))
    assert caught.value.field == where


def test_half_seconds_are_read_exactly() -> None:
    phases = [{"kind": "inhale", "seconds": 5.5}, {"kind": "exhale", "seconds": 5.5}]
    (first, *_) = parse_protocols(_with({"phases": phases}))
    assert first.cycle_ms == 11_000
    assert first.breaths_per_minute == Decimal("5.5")


# --- the practice log -------------------------------------------------------------------

ENTRY = PracticeEntry("box", NOW - timedelta(minutes=10), 5, 3, 6)


def test_a_practice_entry_is_checked_field_by_field() -> None:
    assert practice_errors(ENTRY, NOW) == ()
    bad = PracticeEntry("nope", datetime(2025, 3, 1, 20, 0), 0, 11, -1)
    assert [f for f, _ in practice_errors(bad, NOW)] == [
        "protocol_id",
        "started_at",
        "minutes",
        "calm_before",
        "calm_after",
    ]
    future = PracticeEntry("box", NOW + timedelta(hours=1), 5, 3, 6)
    assert [f for f, _ in practice_errors(future, NOW)] == ["started_at"]


def test_the_practice_summary_counts_minutes_and_the_mean_change_in_calm() -> None:
    entries = [ENTRY, PracticeEntry("slow-6", NOW, 10, 5, 6), PracticeEntry("box", NOW, 3, 4, 4)]
    summary = summarise(entries)
    assert (summary.sessions, summary.minutes, summary.mean_calm_change) == (3, 18, Decimal("1.3"))
    assert summarise([]).mean_calm_change is None
