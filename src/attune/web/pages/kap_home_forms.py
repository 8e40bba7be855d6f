"""Reading the at-home forms of the patient portal: pure helpers, no I/O.

Times are asked the way people know them on the day, never as a clock time in some time
zone: "how long ago did you last eat?", "when did you measure it?", "how long after your
dose did your sitter stay?". Each answer is turned into a timezone-aware UTC time against
``now`` (the server's clock), which is what the domain checks.

Every reader collects each answer it cannot read as ``(field, message)`` named by the
form's field and raises them together as FormErrors, so each message lands next to its
control and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from attune.domain.kap.athome import GateAnswers
from attune.domain.kap.athome_checkins import PostSessionCheckin, SideEffect, SitterCheckin
from attune.web.pages.kap_forms import Reader

YES, NO = "yes", "no"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


#: "How long ago did you last eat?" in hours (the answer is read as at least that long).
FASTED_CHOICES = (
    Choice("0", "Less than an hour ago"),
    *(Choice(str(h), f"{h} hour{'s' if h > 1 else ''} ago") for h in range(1, 9)),
    Choice("10", "10 hours ago"),
    Choice("12", "12 hours ago or more"),
)

#: "When did you measure your blood pressure?" in minutes before now.
MEASURED_CHOICES = (
    Choice("0", "Just now (in the last 5 minutes)"),
    Choice("15", "About 15 minutes ago"),
    Choice("30", "About half an hour ago"),
    Choice("60", "About an hour ago"),
    Choice("120", "More than an hour ago"),
)

#: "How long after your dose did your sitter stay?" in minutes; "here" means still here.
SITTER_STILL_HERE = "here"
SITTER_CHOICES = (
    Choice(SITTER_STILL_HERE, "They are still with me"),
    *(Choice(str(m), f"{m // 60} hours" if m % 60 == 0 else f"{m / 60:g} hours") for m in
      (60, 90, 120, 150, 180, 210, 240, 300, 360, 480)),
)  # fmt: skip

SIDE_EFFECTS = tuple(Choice(e.value, e.label) for e in SideEffect)

#: Gate fields as the domain names them -> the form's field that answers them.
GATE_FIELDS = {
    "last_ate_at": "fasted_hours",
    "bp_measured_at": "bp_measured",
    "sitter_present": "sitter_present",
    "sitter_name": "sitter_name",
    "systolic": "systolic",
    "diastolic": "diastolic",
    "phone_charged": "phone_charged",
    "no_driving_agreed": "no_driving_agreed",
    "intention": "intention",
}
GATE_FORM = tuple(GATE_FIELDS.values())
SITTER_FORM = ("responsive", "breathing_normal", "distressed", "concern")
POST_FORM = ("wellbeing", "other_side_effect", "feels_safe", "sitter_stayed", "note")


def form_field(domain_field: str) -> str:
    """The gate form's field for a domain field name (unknown names pass through)."""
    return GATE_FIELDS.get(domain_field, domain_field)


def _ticked(form: Mapping[str, str], name: str) -> bool:
    return form.get(name, "").strip() == YES


def _minutes(reader: Reader, name: str, choices: Sequence[Choice], message: str) -> int | None:
    value = reader.choice(name, [c.value for c in choices], message)
    return None if value is None else int(value)


def _require(r: Reader, name: str, value: object, message: str) -> None:
    if value is None and not any(f == name for f, _ in r.errors):
        r.fail(name, message)


def read_gate(form: Mapping[str, str], now: datetime) -> GateAnswers:
    """The dosing-day answers; FormErrors for anything unanswered or unreadable. What is
    answered but not yet right (a sitter not there yet, a high reading) is the domain's to
    judge."""
    r = Reader(form)
    choose = "Choose one of the answers offered."
    hours = _minutes(r, "fasted_hours", FASTED_CHOICES, choose)
    _require(r, "fasted_hours", hours, "Please tell us when you last ate.")
    present = r.yes_no("sitter_present")
    _require(r, "sitter_present", present, "Please tell us whether your sitter is with you.")
    systolic = r.whole("systolic", 0, 400)
    _require(r, "systolic", systolic, "Please enter the top number from your cuff.")
    diastolic = r.whole("diastolic", 0, 400)
    _require(r, "diastolic", diastolic, "Please enter the bottom number from your cuff.")
    measured = _minutes(r, "bp_measured", MEASURED_CHOICES, choose)
    _require(r, "bp_measured", measured, "Please tell us when you measured it.")
    r.done()
    assert hours is not None and measured is not None
    return GateAnswers(
        last_ate_at=now - timedelta(hours=hours),
        sitter_present=present,
        sitter_name=r.text("sitter_name"),
        systolic=systolic,
        diastolic=diastolic,
        bp_measured_at=now - timedelta(minutes=measured),
        phone_charged=_ticked(form, "phone_charged"),
        no_driving_agreed=_ticked(form, "no_driving_agreed"),
        intention=r.text("intention"),
    )


def read_sitter_checkin(form: Mapping[str, str], now: datetime) -> SitterCheckin:
    """A sitter's check-in at ``now``: all three questions must be answered."""
    r = Reader(form)
    answers = {
        "responsive": (r.yes_no("responsive"), "Are they awake enough to answer you?"),
        "breathing_normal": (r.yes_no("breathing_normal"), "Is their breathing normal?"),
        "distressed": (r.yes_no("distressed"), "Do they seem very upset or frightened?"),
    }
    for name, (value, question) in answers.items():
        _require(r, name, value, f"Please answer: {question}")
    r.done()
    return SitterCheckin(
        at=now,
        responsive=bool(answers["responsive"][0]),
        breathing_normal=bool(answers["breathing_normal"][0]),
        distressed=bool(answers["distressed"][0]),
        concern=r.text("concern"),
    )


def read_post_session(
    form: Mapping[str, str], side_effects: Sequence[str], now: datetime, dosed_at: datetime
) -> PostSessionCheckin:
    """The patient's check-in after the session (the domain checks the rest)."""
    r = Reader(form)
    wellbeing = r.whole("wellbeing", 0, 10)
    _require(r, "wellbeing", wellbeing, "Choose a number from 0 to 10.")
    effects: list[SideEffect] = []
    for value in side_effects:
        try:
            effects.append(SideEffect(value))
        except ValueError:
            r.fail("side_effects", "Please tick only the answers offered.")
            break
    stayed = r.choice(
        "sitter_stayed", [c.value for c in SITTER_CHOICES], "Choose one of the answers offered."
    )
    _require(r, "sitter_stayed", stayed, "Please tell us how long your sitter stayed.")
    feels_safe = r.yes_no("feels_safe")
    _require(r, "feels_safe", feels_safe, "Please tell us whether you feel safe right now.")
    r.done()
    assert wellbeing is not None
    until: datetime | None = None
    if stayed == SITTER_STILL_HERE:
        until = now
    elif stayed is not None:
        until = min(now, dosed_at + timedelta(minutes=int(stayed)))
    return PostSessionCheckin(
        at=now,
        wellbeing=wellbeing,
        side_effects=tuple(dict.fromkeys(effects)),
        other_side_effect=r.text("other_side_effect"),
        feels_safe=feels_safe,
        sitter_stayed_until=until,
        note=r.text("note"),
    )
