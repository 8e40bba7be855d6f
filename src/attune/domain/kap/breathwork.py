"""Breathwork protocols as data, the timeline a guided timer follows, and a practice log.

Protocols live in ``breathwork/protocols.json``: each has phases (breathe in, hold, breathe
out, hold empty; seconds), a default length in cycles or minutes, a plain description,
steps, cautions and its source. :func:`timeline` lays a protocol out as
:class:`TimelineStep` rows in whole milliseconds, which the browser's animated timer
plays; :func:`timeline_as_data` is the same as plain JSON-ready dictionaries.

A :class:`PracticeEntry` records one practice: which protocol, when, how many minutes and
how calm the person felt before and after (0–10).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from functools import cache
from importlib import resources

from attune.domain.errors import NotFound, ValidationError
from attune.domain.kap import checks

_WHAT = "breathwork protocols"
MAX_CYCLES = 200
MAX_MINUTES = 60


class PhaseKind(Enum):
    INHALE = "inhale"
    HOLD_IN = "hold_in"
    EXHALE = "exhale"
    HOLD_OUT = "hold_out"

    @property
    def cue(self) -> str:
        return {
            "inhale": "Breathe in",
            "hold_in": "Hold",
            "exhale": "Breathe out",
            "hold_out": "Rest",
        }[self.value]


@dataclass(frozen=True)
class Phase:
    kind: PhaseKind
    #: Whole milliseconds (the file gives seconds, read exactly).
    ms: int
    cue: str

    @property
    def seconds(self) -> Decimal:
        return Decimal(self.ms) / 1000


@dataclass(frozen=True)
class BreathProtocol:
    id: str
    name: str
    summary: str
    steps: tuple[str, ...]
    phases: tuple[Phase, ...]
    cycles: int | None
    minutes: int | None
    cautions: tuple[str, ...]
    source: str

    @property
    def cycle_ms(self) -> int:
        return sum(p.ms for p in self.phases)

    @property
    def breaths_per_minute(self) -> Decimal:
        """Cycles a minute, to one decimal."""
        return (Decimal(60_000) / self.cycle_ms).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def pattern(self) -> str:
        """E.g. "4-4-4-4" (seconds of each phase)."""
        return "-".join(checks.plain_decimal(p.seconds) for p in self.phases)


@dataclass(frozen=True)
class TimelineStep:
    #: 1-based cycle number.
    cycle: int
    phase: int
    kind: PhaseKind
    cue: str
    start_ms: int
    duration_ms: int

    @property
    def end_ms(self) -> int:
        return self.start_ms + self.duration_ms


def cycles_for(
    protocol: BreathProtocol, *, cycles: int | None = None, minutes: int | None = None
) -> int:
    """How many cycles to play: ``cycles``, or as many whole cycles as fit in ``minutes``
    (at least one), or the protocol's default. ValidationError names a bad choice."""
    if cycles is not None and minutes is not None:
        raise ValidationError("Choose a number of rounds or of minutes, not both.", field="cycles")
    if cycles is None and minutes is None:
        cycles, minutes = protocol.cycles, protocol.minutes
    if cycles is not None:
        if not 1 <= cycles <= MAX_CYCLES:
            raise ValidationError(f"Choose 1 to {MAX_CYCLES} rounds.", field="cycles")
        return cycles
    if minutes is None or not 1 <= minutes <= MAX_MINUTES:
        raise ValidationError(f"Choose 1 to {MAX_MINUTES} minutes.", field="minutes")
    return max(1, minutes * 60_000 // protocol.cycle_ms)


def timeline(
    protocol: BreathProtocol, *, cycles: int | None = None, minutes: int | None = None
) -> tuple[TimelineStep, ...]:
    """Every phase of every cycle, back to back from 0 ms."""
    steps: list[TimelineStep] = []
    at = 0
    for cycle in range(1, cycles_for(protocol, cycles=cycles, minutes=minutes) + 1):
        for index, phase in enumerate(protocol.phases):
            steps.append(TimelineStep(cycle, index, phase.kind, phase.cue, at, phase.ms))
            at += phase.ms
    return tuple(steps)


def timeline_as_data(steps: Sequence[TimelineStep]) -> list[dict[str, object]]:
    """The timeline as JSON-ready data for the browser's timer."""
    return [
        {
            "cycle": s.cycle,
            "phase": s.phase,
            "kind": s.kind.value,
            "cue": s.cue,
            "start_ms": s.start_ms,
            "duration_ms": s.duration_ms,
        }
        for s in steps
    ]


# --- the protocols file -----------------------------------------------------------------


def _phase(value: object, where: str) -> Phase:
    data = checks.obj(value, _WHAT, where, {"kind", "seconds", "cue"})
    try:
        kind = PhaseKind(data.get("kind"))
    except ValueError as error:
        raise checks.fail(_WHAT, f"{where}.kind", str(error)) from None
    seconds = checks.decimal(
        data.get("seconds"), _WHAT, f"{where}.seconds", Decimal("0.5"), Decimal(30)
    )
    ms = seconds * 1000
    if ms != ms.to_integral_value():
        raise checks.fail(_WHAT, f"{where}.seconds", "use at most three decimals")
    cue = data.get("cue", kind.cue)
    return Phase(kind, int(ms), checks.text(cue, _WHAT, f"{where}.cue"))


def _protocol(value: object, where: str) -> BreathProtocol:
    keys = {"id", "name", "summary", "steps", "phases", "cycles", "minutes", "cautions", "source"}
    data = checks.obj(value, _WHAT, where, keys)
    phases = tuple(
        _phase(p, f"{where}.phases[{i}]")
        for i, p in enumerate(checks.items(data.get("phases"), _WHAT, f"{where}.phases"))
    )
    if not any(p.kind is PhaseKind.INHALE for p in phases) or not any(
        p.kind is PhaseKind.EXHALE for p in phases
    ):
        raise checks.fail(_WHAT, f"{where}.phases", "a breath needs an in and an out phase")
    cycles, minutes = data.get("cycles"), data.get("minutes")
    if (cycles is None) == (minutes is None):
        raise checks.fail(_WHAT, where, "give either cycles or minutes")
    return BreathProtocol(
        id=checks.text(data.get("id"), _WHAT, f"{where}.id"),
        name=checks.text(data.get("name"), _WHAT, f"{where}.name"),
        summary=checks.text(data.get("summary"), _WHAT, f"{where}.summary"),
        steps=checks.nonempty_texts(data.get("steps"), _WHAT, f"{where}.steps"),
        phases=phases,
        cycles=None
        if cycles is None
        else checks.whole(cycles, _WHAT, f"{where}.cycles", 1, MAX_CYCLES),
        minutes=None
        if minutes is None
        else checks.whole(minutes, _WHAT, f"{where}.minutes", 1, MAX_MINUTES),
        cautions=checks.nonempty_texts(data.get("cautions"), _WHAT, f"{where}.cautions"),
        source=checks.text(data.get("source"), _WHAT, f"{where}.source"),
    )


def parse_protocols(data: object) -> tuple[BreathProtocol, ...]:
    root = checks.obj(data, _WHAT, "root", {"protocols"})
    found = tuple(
        _protocol(p, f"protocols[{i}]")
        for i, p in enumerate(checks.items(root.get("protocols"), _WHAT, "protocols"))
    )
    ids = [p.id for p in found]
    for i, pid in enumerate(ids):
        if pid in ids[:i]:
            raise checks.fail(_WHAT, f"protocols[{i}].id", f"'{pid}' is used twice")
    return found


@cache
def builtin_protocols() -> tuple[BreathProtocol, ...]:
    folder = resources.files("attune.domain.kap") / "breathwork"
    return parse_protocols(json.loads((folder / "protocols.json").read_text(encoding="utf-8")))


def get_protocol(protocol_id: str) -> BreathProtocol:
    for protocol in builtin_protocols():
        if protocol.id == protocol_id:
            return protocol
    known = ", ".join(p.id for p in builtin_protocols())
    raise NotFound(
        f"There is no breathing exercise '{protocol_id}' (known: {known}).", field="protocol_id"
    )


# --- the practice log -------------------------------------------------------------------


@dataclass(frozen=True)
class PracticeEntry:
    protocol_id: str
    started_at: datetime
    minutes: int
    #: How calm before and after, 0 (not at all) to 10 (completely).
    calm_before: int
    calm_after: int
    note: str = ""

    @property
    def calm_change(self) -> int:
        return self.calm_after - self.calm_before


def practice_errors(entry: PracticeEntry, now: datetime) -> checks.FieldErrors:
    """Why a practice entry cannot be saved, each named by its field."""
    errors: list[tuple[str, str]] = []
    if entry.protocol_id not in {p.id for p in builtin_protocols()}:
        errors.append(("protocol_id", "Choose one of the breathing exercises."))
    if problem := checks.time_problem(entry.started_at):
        errors.append(("started_at", problem))
    elif entry.started_at > now + timedelta(minutes=1):
        errors.append(("started_at", "This is in the future; please check the time."))
    if not 1 <= entry.minutes <= MAX_MINUTES * 2:
        errors.append(("minutes", f"Enter the minutes you practised, 1 to {MAX_MINUTES * 2}."))
    for name in ("calm_before", "calm_after"):
        if not 0 <= getattr(entry, name) <= 10:
            errors.append((name, "Choose a number from 0 to 10."))
    if problem := checks.text_problem(entry.note, checks.MAX_LONG_TEXT, required=False):
        errors.append(("note", problem))
    return tuple(errors)


@dataclass(frozen=True)
class PracticeSummary:
    sessions: int
    minutes: int
    #: Mean of (after − before), to one decimal; None with no sessions.
    mean_calm_change: Decimal | None


def summarise(entries: Sequence[PracticeEntry]) -> PracticeSummary:
    if not entries:
        return PracticeSummary(0, 0, None)
    mean = Decimal(sum(e.calm_change for e in entries)) / len(entries)
    return PracticeSummary(
        len(entries),
        sum(e.minutes for e in entries),
        mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
    )
