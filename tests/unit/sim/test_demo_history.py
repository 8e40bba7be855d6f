"""The demo history generator: seeded, valid answers, varied courses, an open flag."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from attune.domain.instruments import get_instrument, score, validate
from attune.sim.demo_history import (
    Course,
    DemoAcknowledgement,
    DemoHistory,
    DemoPatient,
    DemoResponse,
    generate,
    newcomers,
)

TODAY = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def history() -> DemoHistory:
    return generate(seed=11, today=TODAY)


def responses(history: DemoHistory) -> list[DemoResponse]:
    return [e for e in history.events if isinstance(e, DemoResponse)]


def settled(history: DemoHistory) -> list[DemoPatient]:
    """The patients in care for more than a month (not the ones who joined this week)."""
    return [p for p in history.patients if TODAY - p.joined > timedelta(days=30)]


def test_two_patients_joined_in_the_past_days(history: DemoHistory) -> None:
    new = [p for p in history.patients if p not in settled(history)]
    assert len(new) == newcomers(30) == 2
    assert all(TODAY - p.joined < timedelta(days=10) for p in new)
    for patient in new:
        answered = {r.instrument_id for r in responses(history) if r.patient == patient.key}
        assert {"phq9", "gad7", "ecrr"} <= answered


def test_same_seed_same_history_and_another_seed_differs(history: DemoHistory) -> None:
    assert generate(seed=11, today=TODAY) == history
    assert generate(seed=12, today=TODAY) != history


def test_people(history: DemoHistory) -> None:
    assert len(history.patients) == 30
    assert len({p.email for p in history.patients}) == 30
    assert history.admin.role == "admin"
    assert {c.role for c in history.clinicians} == {"clinician"}
    assert {p.course for p in history.patients} == set(Course)
    assert all(0 <= p.clinician < len(history.clinicians) for p in history.patients)


def test_events_are_in_order_within_each_patients_time_in_care(history: DemoHistory) -> None:
    times = [e.at for e in history.events]
    assert times == sorted(times)
    joined = {p.key: p.joined for p in history.patients}
    assert all(joined[e.patient] <= e.at < TODAY for e in history.events)
    assert history.starts < min(joined.values())


def test_every_answer_is_valid_and_scorable(history: DemoHistory) -> None:
    for response in responses(history):
        instrument = get_instrument(response.instrument_id)
        validate(instrument, response.answers)
        assert score(instrument, response.answers).scored, response


def test_phq9_comes_about_every_fourteen_days(history: DemoHistory) -> None:
    by_patient: dict[str, list[datetime]] = defaultdict(list)
    for r in responses(history):
        if r.instrument_id == "phq9":
            by_patient[r.patient].append(r.at)
    for patient in settled(history):
        times = by_patient[patient.key]
        assert len(times) >= 3, patient
        gaps = [(b - a).days for a, b in pairwise(times)]
        assert all(11 <= gap <= 32 for gap in gaps), (patient.key, gaps)


def test_courses_show_in_the_phq9_totals(history: DemoHistory) -> None:
    phq9 = get_instrument("phq9")
    change: dict[Course, list[float]] = defaultdict(list)
    for patient in settled(history):
        totals = [
            score(phq9, r.answers).total
            for r in responses(history)
            if r.patient == patient.key and r.instrument_id == "phq9"
        ]
        first, last = totals[:2], totals[-2:]
        assert None not in first and None not in last
        change[patient.course].append(sum(last) / 2 - sum(first) / 2)  # type: ignore[arg-type]
    mean = {course: sum(v) / len(v) for course, v in change.items()}
    assert mean[Course.IMPROVING] < -3
    assert abs(mean[Course.FLAT]) < 3
    assert mean[Course.WORSENING] > 3


def test_at_least_one_flag_stays_open(history: DemoHistory) -> None:
    phq9 = get_instrument("phq9")
    open_flags = []
    for patient in history.patients:
        flagged = [
            r.at
            for r in responses(history)
            if r.patient == patient.key
            and r.instrument_id == "phq9"
            and score(phq9, r.answers).flags
        ]
        acks = [
            e.at
            for e in history.events
            if isinstance(e, DemoAcknowledgement) and e.patient == patient.key
        ]
        if flagged and (not acks or max(acks) < max(flagged)):
            open_flags.append(patient.key)
        # every acknowledgement follows a flag of that patient
        assert all(any(f <= a for f in flagged) for a in acks)
    assert open_flags


def test_needs_an_aware_today() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        generate(seed=1, today=datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="patients"):
        generate(seed=1, today=TODAY, patients=0)
    small = generate(seed=1, today=TODAY + timedelta(days=1), patients=4)
    assert len(small.patients) == 4
