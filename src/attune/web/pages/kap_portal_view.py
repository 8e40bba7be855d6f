"""The patient's KAP course in plain words: pure helpers, no I/O.

:func:`journey` turns a :class:`~attune.services.kap_views.CourseView` into the few
steps a patient sees on "Your KAP course": getting ready, consent, the prescriber's
check, the dosing sessions (each followed by an integration session) and aftercare, each
done, happening now, waiting on someone else, or still to come, with one short sentence
and where to go. The domain's own reasons are written for clinicians; these are the same
facts said to the patient.

:func:`read_safety_plan` reads the safety-plan form (lists one per line, people as rows)
into a :class:`~attune.domain.kap.preparation.SafetyPlan`, and :func:`plan_errors` places
each of the domain's messages next to its control.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from attune.domain.kap.course_model import Phase
from attune.domain.kap.integration_window import WindowStatus
from attune.domain.kap.preparation import MAX_ENTRIES, Contact, ModuleKind, SafetyPlan
from attune.services.kap_views import CourseView, ModuleStatus, SessionSummary
from attune.web.templating import format_datetime


class Status(StrEnum):
    DONE = "done"
    NOW = "now"
    WAITING = "waiting"
    LATER = "later"
    STOPPED = "stopped"


STATUS_LABELS = {
    Status.DONE: "Done",
    Status.NOW: "Your next step",
    Status.WAITING: "With your care team",
    Status.LATER: "Later",
    Status.STOPPED: "Stopped",
}

PHASE_TEXT = {
    Phase.PREPARATION: "Getting ready",
    Phase.DOSING: "Dosing sessions",
    Phase.AFTERCARE: "Aftercare",
    Phase.STOPPED: "Your course has stopped",
}


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    status: Status
    text: str
    link: str = ""
    link_text: str = ""

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


def phase_text(view: CourseView) -> str:
    """Where the patient is, in a few words."""
    if view.phase is Phase.PREPARATION and view.state.preparation_complete:
        s = view.sign_off
        if view.consent.in_force and s is not None and s.permits_dosing:
            return "Ready for your first dose"
        return "Preparation done"
    return PHASE_TEXT[view.phase]


def program_text(view: CourseView) -> str:
    if view.program.at_home:
        return "KAP at home"
    if view.program.medicine.value == "esketamine":
        return "Esketamine (Spravato) in the clinic"
    return "KAP in the clinic"


def first_open_module(modules: Sequence[ModuleStatus]) -> ModuleStatus | None:
    return next((m for m in modules if not m.done), None)


def module_link(module: ModuleStatus) -> str:
    if module.kind is ModuleKind.SAFETY_PLAN:
        return "/portal/kap/safety-plan"
    return f"/portal/kap/preparation/{module.key}"


def _preparation(view: CourseView) -> Step:
    done = sum(m.done for m in view.preparation)
    total = len(view.preparation)
    nxt = first_open_module(view.preparation)
    if nxt is None:
        return Step("preparation", "Get ready", Status.DONE, f"All {total} parts are done.")
    return Step(
        "preparation",
        "Get ready",
        Status.NOW,
        f"{done} of {total} done. Each one takes about ten minutes to read.",
        module_link(nxt),
        f"Next: {nxt.title}",
    )


def _consent(view: CourseView) -> Step:
    consent = view.consent
    if consent.in_force and consent.given_at is not None:
        text = f"You gave your consent on {format_datetime(consent.given_at)}."
        return Step("consent", "Your consent", Status.DONE, text, "/portal/kap/consent", "Read it")
    if consent.withdrawn_at is not None:
        text = (
            f"You withdrew your consent on {format_datetime(consent.withdrawn_at)}. No dose is "
            "given unless you choose to give it again."
        )
    else:
        text = "Read what the course involves, and say yes only if it feels right for you."
    return Step(
        "consent", "Your consent", Status.NOW, text, "/portal/kap/consent", "Read and decide"
    )


def _check(view: CourseView) -> Step:
    s = view.sign_off
    title = "Your prescriber's check"
    if s is None:
        text = (
            "Your prescriber looks at your health answers and agrees with you whether this "
            "course is safe and right for you. You don't need to do anything."
        )
        return Step("check", title, Status.WAITING, text)
    if not s.permits_dosing:
        text = (
            "Your prescriber decided that this course is not the right step for now. Your care "
            "team will talk it through with you."
        )
        return Step("check", title, Status.STOPPED, text)
    return Step("check", title, Status.DONE, f"Agreed on {format_datetime(s.signed_at)}.")


def _integration_text(session: SessionSummary) -> str:
    i = session.integration
    window = f"between {format_datetime(i.opens)} and {format_datetime(i.closes)}"
    if i.held and i.completed_at is not None:
        return f"Held on {format_datetime(i.completed_at)}."
    if i.scheduled_at is not None:
        return f"Booked for {format_datetime(i.scheduled_at)}."
    if i.status is WindowStatus.OVERDUE:
        return f"It was due {window}. Please contact your care team to book it."
    return f"Due {window}. Your care team will book it with you."


def _dosing(view: CourseView, now: datetime) -> Step:
    title = f"Dosing sessions ({view.doses_given} of {view.doses_planned})"
    state = view.state
    if view.phase is Phase.AFTERCARE or view.doses_given >= view.doses_planned:
        return Step("dosing", title, Status.DONE, "Every dosing session is done.")
    if view.phase is Phase.STOPPED:
        return Step("dosing", title, Status.STOPPED, "No more doses in this course.")
    ready = (
        state.preparation_complete
        and view.consent.in_force
        and view.sign_off is not None
        and view.sign_off.permits_dosing
    )
    if not ready:
        text = "These start once you are ready, you have given consent and your prescriber agrees."
        return Step("dosing", title, Status.LATER, text)
    waiting = [s for s in view.sessions if not s.integration.held]
    if view.open_adverse_events:
        text = (
            "Your care team is following up something from your last session before the next "
            "dose. They will be in touch."
        )
        return Step("dosing", title, Status.WAITING, text)
    if waiting and view.protocol.integration_before_next_dose:
        text = f"First comes the integration session after dose {waiting[0].dose_number}."
        return Step("dosing", title, Status.WAITING, text)
    if state.doses:
        earliest = state.doses[-1].at + view.protocol.min_between_doses
        if now < earliest:
            text = f"Your next dose can be from {format_datetime(earliest)}."
            return Step("dosing", title, Status.LATER, text)
    number = view.doses_given + 1
    if view.program.at_home:
        text = f"Dose {number} is at home. On the day, start with the dosing-day checklist."
        return Step("dosing", title, Status.NOW, text, "/portal/kap/home", "Open my dosing day")
    text = f"Dose {number} is at the clinic. Your care team will book it with you."
    return Step("dosing", title, Status.WAITING, text)


def journey(view: CourseView, now: datetime) -> tuple[Step, ...]:
    """The patient's steps through the course, in order."""
    steps = [_preparation(view), _consent(view), _check(view), _dosing(view, now)]
    for session in view.sessions:
        i = session.integration
        status = Status.DONE if i.held else Status.WAITING
        title = f"Integration after dose {session.dose_number}"
        steps.append(Step(f"integration-{session.id}", title, status, _integration_text(session)))
    aftercare_text = (
        "Support to keep what you have learned, once the dosing sessions are done."
        if view.phase is not Phase.AFTERCARE
        else "You are in aftercare. Your care team is still here for you."
    )
    steps.append(
        Step(
            "aftercare",
            "Aftercare",
            Status.DONE if view.phase is Phase.AFTERCARE else Status.LATER,
            aftercare_text,
        )
    )
    return tuple(steps)


def open_home_session(view: CourseView) -> SessionSummary | None:
    """The at-home session still running (check-ins open), if any."""
    return next(
        (s for s in reversed(view.sessions) if s.kind == "at_home" and s.status == "open"), None
    )


# --- the safety plan form ---------------------------------------------------------------------

LIST_FIELDS = ("warning_signs", "coping_steps")
PERSON = re.compile(r"people\[(\d+)\]\.(name|phone)")
#: People rows shown: the saved ones plus empty ones up to this many.
MIN_PEOPLE_ROWS = 3


def lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


@dataclass(frozen=True)
class PlanForm:
    """What the safety-plan form shows: the text of each box and the people rows."""

    warning_signs: str
    coping_steps: str
    people: tuple[tuple[str, str], ...]
    crisis_line: str
    note: str

    def rows(self) -> tuple[tuple[int, str, str], ...]:
        count = max(MIN_PEOPLE_ROWS, len(self.people) + 1)
        count = min(count, MAX_ENTRIES)
        padded = list(self.people) + [("", "")] * (count - len(self.people))
        return tuple((i, name, phone) for i, (name, phone) in enumerate(padded))


def plan_form(plan: SafetyPlan | None, crisis_line: str) -> PlanForm:
    if plan is None:
        return PlanForm("", "", (), crisis_line, "")
    return PlanForm(
        "\n".join(plan.warning_signs),
        "\n".join(plan.coping_steps),
        tuple((p.name, p.phone) for p in plan.people),
        plan.crisis_line or crisis_line,
        plan.note,
    )


def posted_plan(form: Iterable[tuple[str, object]]) -> PlanForm:
    """The form as posted: empty people rows dropped and the rest renumbered from 0."""
    values: dict[str, str] = {}
    rows: dict[int, dict[str, str]] = {}
    for key, value in form:
        if not isinstance(value, str):
            continue
        match = PERSON.fullmatch(key)
        if match:
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = value.strip()
        else:
            values[key] = value
    people = tuple(
        (row.get("name", ""), row.get("phone", ""))
        for _, row in sorted(rows.items())
        if row.get("name") or row.get("phone")
    )
    return PlanForm(
        values.get("warning_signs", ""),
        values.get("coping_steps", ""),
        people,
        values.get("crisis_line", "").strip(),
        values.get("note", "").strip(),
    )


def read_safety_plan(form: PlanForm) -> SafetyPlan:
    return SafetyPlan(
        warning_signs=lines(form.warning_signs),
        coping_steps=lines(form.coping_steps),
        people=tuple(Contact(name, phone) for name, phone in form.people),
        crisis_line=form.crisis_line,
        note=form.note,
    )


def plan_errors(errors: Iterable[tuple[str, str]]) -> defaultdict[str, str]:
    """Each message by the form control it belongs to: ``warning_signs[2]`` is line 3 of
    its box; ``people[0].phone`` is the first row's phone. A control without a message
    reads as ""."""
    out: defaultdict[str, str] = defaultdict(str)
    for name, message in errors:
        match = re.fullmatch(r"(warning_signs|coping_steps)\[(\d+)\]", name)
        if match:
            key, text = match.group(1), f"Line {int(match.group(2)) + 1}: {message}"
        else:
            key, text = name, message
        out[key] = f"{out[key]} {text}" if key in out else text
    return out
