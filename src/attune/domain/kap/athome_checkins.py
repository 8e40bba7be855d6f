"""At-home KAP: the sitter's check-ins during the session and the patient's check-in after.

The sitter checks in every ``checkin_every_minutes`` (15 by default) from the dose:
:func:`due_checkins` lists the times due so far, :func:`missed_checkins` those that
passed their grace with no check-in. :func:`assess_checkin` reads one check-in: the
person not responding, breathing not normal or in distress STOPS the flow, with plain
instructions for the sitter and an alert for the clinician; a concern in words alerts
the clinician without stopping. :func:`assess_missed` turns missed check-ins into an
instruction and an alert.

After the session the patient answers :class:`PostSessionCheckin`;
:func:`assess_post_session` alerts the clinician when they do not feel safe, report an
urgent side effect, or the sitter left earlier than the clinic asks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from enum import Enum

from attune.domain.kap import checks
from attune.domain.kap.athome import AtHomeSettings

EMERGENCY = "Call 911 now."


@dataclass(frozen=True)
class SitterCheckin:
    at: datetime
    responsive: bool
    breathing_normal: bool
    distressed: bool
    concern: str = ""


@dataclass(frozen=True)
class Outcome:
    """What a check-in means: stop the session flow? alert the clinician? what to do."""

    stop: bool
    alert_needed: bool
    #: For the sitter or patient, in the order to do them.
    instructions: tuple[str, ...] = ()
    #: For the clinician.
    alert_reasons: tuple[str, ...] = ()


ALL_WELL = Outcome(stop=False, alert_needed=False)


def due_checkins(
    start: datetime, now: datetime, every_minutes: int = 15, end: datetime | None = None
) -> tuple[datetime, ...]:
    """Check-in times due from the dose at ``start`` up to ``now`` (and not past ``end``)."""
    limit = now if end is None else min(now, end)
    step, times, at = timedelta(minutes=every_minutes), [], start + timedelta(minutes=every_minutes)
    while at <= limit:
        times.append(at)
        at += step
    return tuple(times)


def missed_checkins(
    start: datetime,
    now: datetime,
    checkins: Sequence[SitterCheckin],
    settings: AtHomeSettings,
    end: datetime | None = None,
) -> tuple[datetime, ...]:
    """Due times whose grace has passed with no check-in within the grace either side."""
    grace = timedelta(minutes=settings.checkin_grace_minutes)
    return tuple(
        due
        for due in due_checkins(start, now, settings.checkin_every_minutes, end)
        if now > due + grace and not any(abs(c.at - due) <= grace for c in checkins)
    )


def next_checkin(start: datetime, now: datetime, settings: AtHomeSettings) -> datetime:
    """The next check-in time after ``now``."""
    step = timedelta(minutes=settings.checkin_every_minutes)
    done = len(due_checkins(start, now, settings.checkin_every_minutes))
    return start + step * (done + 1)


def checkin_errors(checkin: SitterCheckin, start: datetime, now: datetime) -> checks.FieldErrors:
    errors: list[tuple[str, str]] = []
    if problem := checks.time_problem(checkin.at):
        errors.append(("at", problem))
    elif not start <= checkin.at <= now + timedelta(minutes=1):
        errors.append(("at", "A check-in is recorded between the dose and now."))
    if problem := checks.text_problem(checkin.concern, checks.MAX_LONG_TEXT, required=False):
        errors.append(("concern", problem))
    return tuple(errors)


def assess_checkin(checkin: SitterCheckin) -> Outcome:
    """Read one check-in; anything out of range stops the flow and alerts the clinician."""
    steps: list[str] = []
    reasons: list[str] = []
    if not checkin.responsive or not checkin.breathing_normal:
        steps.append(EMERGENCY)
        steps.append(
            "Stay with them. If they are breathing, gently roll them onto their side with "
            "their head tilted back a little, so their airway stays clear."
        )
        if not checkin.breathing_normal:
            steps.append("Follow what the 911 call handler tells you to do.")
        steps.append("When you can, call the clinic so we can help.")
        if not checkin.responsive:
            reasons.append("Not responding at a sitter check-in.")
        if not checkin.breathing_normal:
            reasons.append("Breathing not normal at a sitter check-in.")
    if checkin.distressed:
        steps.append(
            "Stay close and speak calmly. Remind them that they are safe, that this is the "
            "medicine, and that it will pass. Dim the lights and keep things quiet."
        )
        steps.append(
            "Call the clinic now so a clinician can talk with you. If they might hurt "
            "themselves or someone else, call 911."
        )
        reasons.append("In distress at a sitter check-in.")
    concern = checkin.concern.strip()
    if concern:
        reasons.append(f"The sitter wrote: {concern}")
    stop = not checkin.responsive or not checkin.breathing_normal or checkin.distressed
    if not reasons:
        return ALL_WELL
    if not stop:
        steps.append("Thank you for telling us. A clinician will read this and may call you.")
    return Outcome(stop, True, tuple(steps), tuple(reasons))


def assess_missed(missed: Sequence[datetime], tz: tzinfo | None = None) -> Outcome:
    """Missed check-ins alert the clinician and ask the sitter to check now."""
    if not missed:
        return ALL_WELL
    times = ", ".join(checks.clock(t, tz) for t in missed)
    return Outcome(
        stop=False,
        alert_needed=True,
        instructions=(
            "A check-in was missed. Please look in on them now and record how they are.",
        ),
        alert_reasons=(f"Sitter check-in missed at {times}.",),
    )


class SideEffect(Enum):
    NAUSEA = "nausea"
    VOMITING = "vomiting"
    HEADACHE = "headache"
    DIZZINESS = "dizziness"
    TIREDNESS = "tiredness"
    ANXIETY = "anxiety"
    LOW_MOOD = "low_mood"
    CONFUSION = "confusion"
    CHEST_PAIN = "chest_pain"
    BREATHING_TROUBLE = "breathing_trouble"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


#: Side effects that alert the clinician at once and ask the patient to get help.
URGENT_SIDE_EFFECTS = frozenset(
    {SideEffect.CHEST_PAIN, SideEffect.BREATHING_TROUBLE, SideEffect.CONFUSION}
)


@dataclass(frozen=True)
class PostSessionCheckin:
    at: datetime
    #: "How are you feeling now?" 0 (very bad) to 10 (very good).
    wellbeing: int
    side_effects: tuple[SideEffect, ...] = ()
    other_side_effect: str = ""
    feels_safe: bool | None = None
    sitter_stayed_until: datetime | None = None
    note: str = ""


def post_session_errors(checkin: PostSessionCheckin, dosed_at: datetime) -> checks.FieldErrors:
    errors: list[tuple[str, str]] = []
    if problem := checks.time_problem(checkin.at):
        errors.append(("at", problem))
    if not 0 <= checkin.wellbeing <= 10:
        errors.append(("wellbeing", "Choose a number from 0 to 10."))
    needs_text = SideEffect.OTHER in checkin.side_effects
    if problem := checks.text_problem(checkin.other_side_effect, required=needs_text):
        errors.append(("other_side_effect", "Tell us what else you noticed. " + problem))
    if checkin.feels_safe is None:
        errors.append(("feels_safe", "Please tell us whether you feel safe right now."))
    until = checkin.sitter_stayed_until
    if until is None:
        errors.append(("sitter_stayed_until", "Please tell us until when your sitter stayed."))
    elif problem := checks.time_problem(until):
        errors.append(("sitter_stayed_until", problem))
    elif not errors and not dosed_at <= until <= checkin.at:
        errors.append(
            ("sitter_stayed_until", "This should be between your dose and now; please check.")
        )
    if problem := checks.text_problem(checkin.note, checks.MAX_LONG_TEXT, required=False):
        errors.append(("note", problem))
    return tuple(errors)


def assess_post_session(
    checkin: PostSessionCheckin,
    dosed_at: datetime,
    settings: AtHomeSettings,
    crisis_line: str,
) -> Outcome:
    """FormErrors for answers that cannot be saved; otherwise what to do and whom to alert.
    ``crisis_line`` is the clinic's crisis resources text (Settings.crisis_line)."""
    checks.raise_if_any(post_session_errors(checkin, dosed_at))
    steps: list[str] = []
    reasons: list[str] = []
    stop = False
    if checkin.feels_safe is False:
        stop = True
        steps.append(
            "Thank you for telling us. You do not have to manage this alone: please reach "
            f"out now. {crisis_line}"
        )
        steps.append("If you can, ask someone you trust to stay with you.")
        reasons.append("Does not feel safe after the session.")
    urgent = [e for e in checkin.side_effects if e in URGENT_SIDE_EFFECTS]
    if urgent:
        stop = True
        names = ", ".join(e.label.lower() for e in urgent)
        steps.append(f"You told us about {names}. {EMERGENCY} Then let the clinic know.")
        reasons.append(f"Urgent side effects after the session: {names}.")
    until = checkin.sitter_stayed_until
    needed = dosed_at + timedelta(hours=settings.sitter_min_hours)
    if until is not None and until < needed:
        reasons.append(
            f"The sitter left {checks.minutes_between(until, needed)} minutes before the "
            f"{settings.sitter_min_hours} hours the clinic asks."
        )
    if checkin.wellbeing <= 2:
        reasons.append(f"Rated how they feel {checkin.wellbeing} out of 10.")
    others = [e for e in checkin.side_effects if e not in URGENT_SIDE_EFFECTS]
    if others and not stop:
        steps.append(
            "Side effects like these usually ease within the day. Rest, sip water and eat "
            "something light when you feel ready. If anything gets worse, call the clinic."
        )
    if not reasons:
        return Outcome(False, False, tuple(steps))
    return Outcome(stop, True, tuple(steps), tuple(reasons))
