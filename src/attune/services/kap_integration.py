"""Integration after each dose, the patient's journal, and breathwork practice.

* Integration sessions (staff): :func:`schedule_integration` inside the dose's window
  (24 to 72 hours after it by default; ValidationError naming ``at`` otherwise);
  :func:`complete_integration` records the session (insights, commitments, notes and the
  questionnaire responses taken as session-level measures, linked to the dose it
  follows) and applies ``IntegrationCompleted`` to the course, so the next dose may be
  given. A session held late is recorded as such, never refused for being late.
* The journal: :func:`journal_prompts` chooses prompts from the patient's attachment
  profile (the two dimensions) and the newest version of their cycle, the same for a
  course on a given day; :func:`save_journal_entry` is the patient's own writing (only
  the patient writes it; their care team may read it).
* Breathwork: :func:`breathwork_protocols` (no patient data, no audit);
  :func:`log_practice` (the patient) and :func:`practice_log`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from attune.domain.errors import PermissionDenied, ValidationError
from attune.domain.formulation import Formulation
from attune.domain.formulation import from_dict as formulation_from_dict
from attune.domain.kap import checks
from attune.domain.kap.breathwork import (
    BreathProtocol,
    PracticeEntry,
    builtin_protocols,
    practice_errors,
    summarise,
)
from attune.domain.kap.course_model import IntegrationCompleted
from attune.domain.kap.integration import ChosenPrompt, builtin_bank, choose_prompts
from attune.domain.kap.integration_window import (
    IntegrationNote,
    JournalEntry,
    integration_window,
    journal_errors,
    note_errors,
)
from attune.domain.kap.record_store import from_json, to_json
from attune.domain.profiles.attachment import (
    ATTACHMENT_INSTRUMENTS,
    AttachmentProfile,
    attachment_profile,
)
from attune.services.access import Action, open_patient, patient_action
from attune.services.actors import Actor
from attune.services.clock import SYSTEM_CLOCK, Clock
from attune.services.kap_common import (
    LoadedCourse,
    apply_event,
    course_change,
    course_read,
    session_change,
)
from attune.services.kap_views import IntegrationView, integration_view
from attune.services.levelofcare import stored_score
from attune.services.ports import BreathworkPracticeRecord, KapJournalRecord, UnitOfWork

#: How many recent journal entries' prompts are left out of a new choice.
RECENT_PROMPTS = 6
#: The prompt key of free writing (no prompt).
FREE_WRITING = "free"


@dataclass(frozen=True)
class JournalEntryView:
    id: int
    course_id: int
    prompt_key: str
    prompt_text: str
    text: str
    written_at: datetime
    written_by: int


@dataclass(frozen=True)
class PracticeView:
    id: int
    patient_id: int
    entry: PracticeEntry
    recorded_at: datetime


@dataclass(frozen=True)
class PracticeLog:
    patient_id: int
    #: Newest first.
    entries: tuple[PracticeView, ...]
    sessions: int
    minutes: int
    #: Mean change in calm (after minus before, 0-10 scales), to one decimal.
    mean_calm_change: Decimal | None


# --- integration sessions --------------------------------------------------------------------


def schedule_integration(
    uow: UnitOfWork,
    actor: Actor,
    session_id: int,
    at: datetime,
    clock: Clock = SYSTEM_CLOCK,
) -> IntegrationView:
    """Schedule the integration session after a dose (staff), inside its window."""
    now = clock.now()
    detail = f"at {at.isoformat()}"
    with (
        uow,
        session_change(uow, actor, session_id, Action.SCHEDULE_KAP_INTEGRATION, clock, detail) as (
            _,
            course,
            session,
        ),
    ):
        if problem := checks.time_problem(at):
            raise ValidationError(problem, field="at")
        window = integration_window(session.dosed_at, course.window)
        held = uow.kap.integration(session.id)
        if held is not None and held.completed_at is not None:
            raise ValidationError(
                f"The integration session after dose {session.dose_number} was already held.",
                field="at",
            )
        if not window.contains(at):
            raise ValidationError(
                f"The integration session after dose {session.dose_number} falls between "
                f"{window.opens:%d %b %H:%M} and {window.closes:%d %b %H:%M} UTC; choose a "
                "time in that window.",
                field="at",
            )
        if at < now:
            raise ValidationError("Choose a time from now on.", field="at")
        uow.kap.schedule_integration(session_id=session.id, at=at, by=actor.user_id)
        view = integration_view(uow, course, session, now)
        uow.commit()
    return view


def complete_integration(
    uow: UnitOfWork,
    actor: Actor,
    session_id: int,
    notes: str,
    insights: tuple[str, ...],
    commitments: tuple[str, ...],
    measures: tuple[int, ...] = (),
    clock: Clock = SYSTEM_CLOCK,
    *,
    prompt_ids: tuple[str, ...] = (),
) -> IntegrationView:
    """Record the integration session held now after a dose (staff): the patient's
    insights and commitments (at least one), notes, and the ids of questionnaire responses
    taken at it. FormErrors names every problem; StepRefused before the window opens or
    when it was already held."""
    now = clock.now()
    with (
        uow,
        session_change(uow, actor, session_id, Action.COMPLETE_KAP_INTEGRATION, clock) as (
            patient,
            course,
            session,
        ),
    ):
        for response_id in measures:
            response = uow.responses.get(response_id)
            if response is None or response.patient_id != patient.id:
                raise ValidationError(
                    f"There is no questionnaire response {response_id} of this patient.",
                    field="measures",
                )
        note = IntegrationNote(
            dose_id=str(session.id),
            held_at=now,
            insights=tuple(i.strip() for i in insights),
            commitments=tuple(c.strip() for c in commitments),
            prompt_ids=tuple(prompt_ids),
            response_ids=tuple(str(m) for m in measures),
            note=notes,
        )
        checks.raise_if_any(note_errors(note, session.dosed_at, now))
        event = IntegrationCompleted(now, session.dose_number)
        course = apply_event(uow, course, event, actor.user_id, now)
        uow.kap.complete_integration(
            session_id=session.id, at=now, by=actor.user_id, note=to_json(note)
        )
        view = integration_view(uow, course, session, now)
        uow.commit()
    return view


# --- the journal -----------------------------------------------------------------------------


def _attachment(uow: UnitOfWork, patient_id: int) -> AttachmentProfile | None:
    for response in uow.responses.for_patient(patient_id):  # newest first
        if response.instrument_id not in ATTACHMENT_INSTRUMENTS:
            continue
        try:
            return attachment_profile(stored_score(uow.instruments, response))
        except ValidationError:
            continue
    return None


def _formulation(uow: UnitOfWork, patient_id: int) -> Formulation | None:
    versions = uow.formulations.for_patient(patient_id)
    return formulation_from_dict(versions[-1].content) if versions else None


def _prompts(
    uow: UnitOfWork, course: LoadedCourse, now: datetime, count: int
) -> tuple[ChosenPrompt, ...]:
    recent = [j.prompt_key for j in uow.kap.journal(course.id)[:RECENT_PROMPTS]]
    return choose_prompts(
        _attachment(uow, course.patient_id),
        _formulation(uow, course.patient_id),
        seed=course.id * 100_000 + now.date().toordinal(),
        count=count,
        avoid=recent,
    )


def journal_prompts(
    uow: UnitOfWork,
    actor: Actor,
    course_id: int,
    clock: Clock = SYSTEM_CLOCK,
    *,
    count: int = 3,
) -> tuple[ChosenPrompt, ...]:
    """A few journaling prompts chosen from the patient's attachment profile and cycle,
    each with why it was chosen (the same ones all day; recent prompts left out)."""
    now = clock.now()
    with uow:
        _, course = course_read(uow, actor, course_id, Action.VIEW_KAP, clock, "journal prompts")
        chosen = _prompts(uow, course, now, count)
        uow.commit()
    return chosen


def _entry_view(record: KapJournalRecord) -> JournalEntryView:
    return JournalEntryView(
        record.id,
        record.course_id,
        record.prompt_key,
        record.prompt_text,
        record.text,
        record.written_at,
        record.written_by,
    )


def save_journal_entry(
    uow: UnitOfWork,
    actor: Actor,
    course_id: int,
    prompt_key: str,
    text: str,
    clock: Clock = SYSTEM_CLOCK,
    *,
    prompt_text: str = "",
) -> JournalEntryView:
    """Save the patient's writing to a prompt (``prompt_key`` a prompt id, or ``free``),
    with the prompt as they saw it (a cycle prompt quotes their own words; by default the
    prompt's text). Only the patient writes in their journal."""
    now = clock.now()
    with (
        uow,
        course_change(uow, actor, course_id, Action.WRITE_KAP_JOURNAL, clock) as (
            _,
            course,
        ),
    ):
        bank = {p.id: p for p in builtin_bank()}
        if prompt_key != FREE_WRITING and prompt_key not in bank:
            raise ValidationError("Choose one of the prompts, or write freely.", field="prompt_key")
        shown = prompt_text.strip() or (bank[prompt_key].text if prompt_key in bank else "")
        entry = JournalEntry(prompt_key, now, text, shown)
        checks.raise_if_any(journal_errors(entry, now))
        if problem := checks.text_problem(shown, checks.MAX_LONG_TEXT, required=False):
            raise ValidationError(problem, field="prompt_text")
        record = uow.kap.add_journal(
            course_id=course.id,
            prompt_key=prompt_key,
            prompt_text=shown,
            text=text,
            written_at=now,
            written_by=actor.user_id,
        )
        uow.commit()
    return _entry_view(record)


def journal(
    uow: UnitOfWork, actor: Actor, course_id: int, clock: Clock = SYSTEM_CLOCK
) -> tuple[JournalEntryView, ...]:
    """The course's journal, newest first (the patient and their care team)."""
    with uow:
        _, course = course_read(uow, actor, course_id, Action.VIEW_KAP, clock, "journal")
        entries = tuple(_entry_view(r) for r in uow.kap.journal(course.id))
        uow.commit()
    return entries


# --- breathwork ------------------------------------------------------------------------------


def breathwork_protocols() -> tuple[BreathProtocol, ...]:
    """The breathing exercises (box 4-4-4-4, 4-7-8, slow breathing …), as data."""
    return builtin_protocols()


def _practice_view(record: BreathworkPracticeRecord) -> PracticeView:
    return PracticeView(
        record.id, record.patient_id, from_json(PracticeEntry, record.entry), record.recorded_at
    )


def log_practice(
    uow: UnitOfWork,
    actor: Actor,
    entry: PracticeEntry,
    clock: Clock = SYSTEM_CLOCK,
    *,
    patient_id: int | None = None,
) -> PracticeView:
    """Add a practice to the patient's own log (the patient; ``patient_id`` defaults to
    theirs). FormErrors names every problem."""
    now = clock.now()
    target = patient_id if patient_id is not None else actor.patient_id
    if target is None:
        raise PermissionDenied("Only the patient can add to their breathwork log.", field="action")
    detail = f"breathwork {entry.protocol_id}"
    with (
        uow,
        patient_action(uow, actor, target, Action.LOG_BREATHWORK, clock, detail=detail) as (
            patient
        ),
    ):
        checks.raise_if_any(practice_errors(entry, now))
        record = uow.kap.add_practice(
            patient_id=patient.id, entry=to_json(entry), recorded_at=now, recorded_by=actor.user_id
        )
        uow.commit()
    return _practice_view(record)


def practice_log(
    uow: UnitOfWork, actor: Actor, patient_id: int, clock: Clock = SYSTEM_CLOCK
) -> PracticeLog:
    """The patient's breathwork log, newest first, with totals."""
    with uow:
        patient = open_patient(uow, actor, patient_id, Action.VIEW_KAP, clock, detail="breathwork")
        entries = tuple(_practice_view(r) for r in uow.kap.practice(patient.id))
        uow.commit()
    summary = summarise([e.entry for e in entries])
    return PracticeLog(
        patient.id, entries, summary.sessions, summary.minutes, summary.mean_calm_change
    )
