"""Reading the daily check-in form: pure helpers, no I/O.

The form is one plain HTML form (it works without JavaScript). Its fields:

================  ==========================================================
``mood`` …        the four 0–10 ratings (``mood``, ``stress``, ``loneliness``,
                  ``craving``), one radio button per number
``used``          ``no`` or ``yes`` (asked every day, never pre-chosen)
``use``           ticked addictions (their ids); for each, ``amount_<id>``,
                  ``unit_<id>`` and ``detail_<id>`` (all optional but "other")
``triggers``      ticked trigger tags; ``trigger_note`` in words
``coping``        ticked coping tags
``sleep_hours``   a choice of half hours; ``sleep_quality`` 0–4
``safety``        ``none``, ``thoughts`` or ``might_act`` (asked every day)
``note``          anything else, in words
================  ==========================================================

:func:`read_checkin` turns the posted form into the domain's :class:`CheckIn` and raises
every problem together as FormErrors named by the form's fields (a domain error about
``uses.0.amount`` is shown by the "what did you use" question: ``uses``).
:class:`FormState` keeps what was posted (or what is saved) to fill the form in again.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from attune.domain.errors import FormErrors
from attune.domain.intake.labels import label
from attune.domain.intake.model import AddictionType, AmountUnit
from attune.domain.monitoring.checkin import (
    COPING,
    RATINGS,
    TRIGGERS,
    CheckIn,
    Safety,
    Use,
    checkin_errors,
)

YES, NO = "yes", "no"
#: Fields that hold one value each (the rest are ticked lists or per-addiction fields).
SINGLE = (*RATINGS, "used", "trigger_note", "sleep_hours", "sleep_quality", "safety", "note")
LISTS = ("use", "triggers", "coping")


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class Rating:
    """One 0–10 question: its field, the question (about today, or about an earlier day)
    and what each end means."""

    name: str
    today: str
    earlier: str
    low: str
    high: str


RATING_QUESTIONS = (
    Rating("mood", "How has your mood been today?", "How was your mood that day?",
           "Very low", "Very good"),
    Rating("stress", "How stressed have you felt?", "How stressed did you feel?",
           "Not at all", "Extremely"),
    Rating("loneliness", "How alone or cut off have you felt?",
           "How alone or cut off did you feel?", "Not at all", "Very"),
    Rating("craving", "How strong have your cravings or urges been?",
           "How strong were your cravings or urges?", "None", "Very strong"),
)  # fmt: skip

SAFETY_CHOICES = (
    Choice(Safety.NONE.value, "No"),
    Choice(Safety.THOUGHTS.value, "Yes, I have had thoughts like that"),
    Choice(Safety.MIGHT_ACT.value, "Yes, and I feel I might act on them"),
)

SLEEP_QUALITY_CHOICES = (
    Choice("0", "Very poor"),
    Choice("1", "Poor"),
    Choice("2", "All right"),
    Choice("3", "Good"),
    Choice("4", "Very good"),
)

#: Hours of sleep: every half hour to 12, then whole hours to 16.
SLEEP_HOURS_CHOICES = tuple(
    Choice(f"{h:g}", f"{h:g} hour{'' if h == 1 else 's'}")
    for h in [*(x / 2 for x in range(25)), 13.0, 14.0, 15.0, 16.0]
)

TRIGGER_CHOICES = tuple(Choice(k, v) for k, v in TRIGGERS.items())
COPING_CHOICES = tuple(Choice(k, v) for k, v in COPING.items())
UNIT_CHOICES = tuple(Choice(u.value, label(u)) for u in AmountUnit)


def addiction_choices(first: Sequence[AddictionType] = ()) -> tuple[Choice, ...]:
    """What a patient may say they used: their own (``first``) or, with none known, every
    kind Attune knows, in the intake's order."""
    chosen = list(dict.fromkeys(first)) or list(AddictionType)
    # The short name ("Opioids", not the examples in brackets): a chip, not a question.
    return tuple(Choice(a.value, label(a).split(" (")[0]) for a in chosen)


@dataclass(frozen=True)
class FormState:
    """What the form shows: single values by field, and ticked values of the lists."""

    values: Mapping[str, str] = field(default_factory=dict)
    ticked: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def value(self, name: str) -> str:
        return self.values.get(name, "")

    def has(self, name: str, value: str) -> bool:
        return value in self.ticked.get(name, ())


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def posted_state(form: Mapping[str, object], lists: Mapping[str, Sequence[object]]) -> FormState:
    """The posted form as a FormState: ``form`` maps a field to its value, ``lists`` the
    three ticked lists to every value sent."""
    values = {name: _text(form.get(name)) for name in SINGLE}
    for what in AddictionType:
        for part in ("amount", "unit", "detail"):
            key = f"{part}_{what.value}"
            values[key] = _text(form.get(key))
    ticked = {
        name: tuple(dict.fromkeys(_text(v) for v in lists.get(name, ()) if _text(v)))
        for name in LISTS
    }
    return FormState(values, ticked)


def _hours_text(hours: float | None) -> str:
    return "" if hours is None else f"{hours:g}"


def saved_state(checkin: CheckIn) -> FormState:
    """A saved check-in as the form shows it, to change it."""
    values: dict[str, str] = {name: str(getattr(checkin, name)) for name in RATINGS}
    values.update(
        used=YES if checkin.used else NO,
        trigger_note=checkin.trigger_note,
        sleep_hours=_hours_text(checkin.sleep_hours),
        sleep_quality="" if checkin.sleep_quality is None else str(checkin.sleep_quality),
        safety=checkin.safety.value,
        note=checkin.note,
    )
    for use in checkin.uses:
        key = use.what.value
        values[f"amount_{key}"] = "" if use.amount is None else f"{use.amount:g}"
        values[f"unit_{key}"] = "" if use.unit is None else use.unit.value
        values[f"detail_{key}"] = use.detail
    ticked = {
        "use": tuple(u.what.value for u in checkin.uses),
        "triggers": checkin.triggers,
        "coping": checkin.coping,
    }
    return FormState(values, ticked)


class _Reader:
    def __init__(self, state: FormState) -> None:
        self.state = state
        self.errors: list[tuple[str, str]] = []

    def fail(self, name: str, message: str) -> None:
        self.errors.append((name, message))

    def rating(self, name: str) -> int:
        text = self.state.value(name)
        if text == "":
            self.fail(name, "Please choose a number from 0 to 10.")
            return 0
        if not text.isdigit() or not 0 <= int(text) <= 10:
            self.fail(name, "Choose one of the numbers from 0 to 10.")
            return 0
        return int(text)

    def number(self, name: str, message: str) -> float | None:
        text = self.state.value(name).replace(",", ".")
        if text == "":
            return None
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            self.fail(name, message)
            return None
        return value

    def quality(self) -> int | None:
        text = self.state.value("sleep_quality")
        if text == "":
            return None
        if text not in {c.value for c in SLEEP_QUALITY_CHOICES}:
            self.fail("sleep_quality", "Choose one of the answers offered.")
            return None
        return int(text)

    def safety(self) -> Safety:
        text = self.state.value("safety")
        if text == "":
            self.fail(
                "safety", "Please answer this one too. Whatever your answer, it is all right."
            )
            return Safety.NONE
        try:
            return Safety(text)
        except ValueError:
            self.fail("safety", "Choose one of the answers offered.")
            return Safety.NONE

    def use(self, key: str) -> Use | None:
        try:
            what = AddictionType(key)
        except ValueError:
            self.fail("uses", "Choose from the list what you used.")
            return None
        unit_text = self.state.value(f"unit_{key}")
        unit: AmountUnit | None = None
        if unit_text:
            try:
                unit = AmountUnit(unit_text)
            except ValueError:
                self.fail("uses", "Choose the unit from the list.")
        amount = self.number(f"amount_{key}", "Enter the amount as a number, e.g. 3 or 1.5.")
        return Use(what, amount, unit, self.state.value(f"detail_{key}"))

    def uses(self) -> tuple[Use, ...]:
        used = self.state.value("used")
        if used not in (YES, NO):
            self.fail("used", "Please choose yes or no.")
            return ()
        if used == NO:
            return ()
        picked = self.state.ticked.get("use", ())
        if not picked:
            self.fail("uses", "Tick what you used (or choose “No” above).")
            return ()
        found = (self.use(key) for key in picked)
        return tuple(u for u in found if u is not None)


def default_unit(what: AddictionType) -> AmountUnit:
    """The unit the form offers first for an addiction (the patient may change it)."""
    if what is AddictionType.ALCOHOL:
        return AmountUnit.STANDARD_DRINKS
    if what.kind.value == "substance":
        return AmountUnit.USES
    return AmountUnit.HOURS


def form_field(domain_field: str) -> str:
    """The form's field for a domain error's field: ``uses.0.amount`` -> ``uses``."""
    head = domain_field.split(".", 1)[0]
    return "uses" if head == "uses" else head


def read_checkin(state: FormState, day: date, today: date) -> CheckIn:
    """The check-in for ``day`` from the form; FormErrors (by form field) for every problem,
    the domain's own checks included (``today`` is the patient's own date)."""
    r = _Reader(state)
    ratings = {name: r.rating(name) for name in RATINGS}
    uses = r.uses()
    hours = r.number("sleep_hours", "Choose the hours you slept from the list.")
    quality = r.quality()
    safety = r.safety()
    checkin = CheckIn(
        day=day,
        mood=ratings["mood"],
        stress=ratings["stress"],
        loneliness=ratings["loneliness"],
        craving=ratings["craving"],
        uses=uses,
        triggers=state.ticked.get("triggers", ()),
        trigger_note=state.value("trigger_note"),
        coping=state.ticked.get("coping", ()),
        sleep_hours=hours,
        sleep_quality=quality,
        safety=safety,
        note=state.value("note"),
    )
    taken = {name for name, _ in r.errors}
    for name, message in checkin_errors(checkin, today):
        if form_field(name) not in taken:
            r.errors.append((form_field(name), message))
    if r.errors:
        raise FormErrors(tuple(r.errors))
    return checkin


#: What each question is called in the list of problems at the top of the form.
FIELD_NAMES = {
    "day": "The day",
    "mood": "Mood",
    "stress": "Stress",
    "loneliness": "Feeling alone or cut off",
    "craving": "Cravings or urges",
    "used": "Did you use",
    "uses": "What you used",
    "triggers": "What was hard",
    "trigger_note": "In your own words",
    "coping": "What helped",
    "sleep_hours": "Hours of sleep",
    "sleep_quality": "How well you slept",
    "safety": "The question about your safety",
    "note": "Your note",
}


def error_summary(errors: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The problems for the list at the top: (form field, "Question: message")."""
    found: list[tuple[str, str]] = []
    for name, message in errors:
        key = form_field(name or "form")
        question = FIELD_NAMES.get(key)
        found.append((key, f"{question}: {message}" if question else message))
    return found


def errors_by_field(errors: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Every message by the form field it belongs to (several joined with a space)."""
    found: dict[str, str] = {}
    for name, message in errors:
        key = form_field(name or "form")
        found[key] = f"{found[key]} {message}" if key in found else message
    return found
