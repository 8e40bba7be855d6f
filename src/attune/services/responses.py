"""Saving draft answers, submitting a response, and acknowledging the flags it raises.

A draft keeps a patient's answers while they work through a questionnaire, so nothing is
lost if the connection drops. Each save merges the new answers into the draft (an answer
of None clears that item) after checking every one of them: a bad answer is refused,
naming the item, and the draft stays as it was.

A submission is checked and scored by the instrument engine. If the instrument's missing
-item rule can score it, it is stored with what was imputed; if not, it is refused with
the unanswered items listed. Critical answers (PHQ-9 item 9 above zero) raise a flag that
stays open until a clinician acknowledges it; a suicidal-ideation flag also raises an
URGENT safety alert tied to it (services/alert_raising.py), and acknowledging the flag
acknowledges that alert (and the other way round, services/alerts.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from attune.domain.errors import Conflict, NotFound, ValidationError
from attune.domain.instruments import Instrument, Score, ScoringContext
from attune.domain.instruments import score as score_answers
from attune.domain.instruments import validate as validate_answers
from attune.services.access import Action, patient_action, refuse_missing
from attune.services.actors import Actor
from attune.services.alert_raising import (
    FLAG_SOURCE,
    acknowledge_flag_alerts,
    raise_safety_alert,
)
from attune.services.assignments import next_due_after
from attune.services.audit import record_event
from attune.services.clock import SYSTEM_CLOCK, Clock
from attune.services.levelofcare import reevaluate_after_response
from attune.services.ports import Answers, Assignment, Flag, NewResponse, Outcome, UnitOfWork

CRISIS_FLAG = "suicidal_ideation"
MAX_NOTE_LENGTH = 2000


@dataclass(frozen=True)
class DraftSaved:
    assignment_id: int
    answers: dict[str, int | None]
    updated_at: datetime


@dataclass(frozen=True)
class SubmittedResponse:
    response_id: int
    score: Score
    #: True when an answer suggests suicidal thoughts: show crisis resources at once.
    crisis: bool


@dataclass(frozen=True)
class FlagInfo:
    id: int
    patient_id: int
    response_id: int | None
    kind: str
    message: str
    raised_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: int | None
    note: str | None

    @property
    def open(self) -> bool:
        return self.acknowledged_at is None


def flag_info(flag: Flag) -> FlagInfo:
    return FlagInfo(
        id=flag.id,
        patient_id=flag.patient_id,
        response_id=flag.response_id,
        kind=flag.kind,
        message=flag.message,
        raised_at=flag.raised_at,
        acknowledged_at=flag.acknowledged_at,
        acknowledged_by=flag.acknowledged_by,
        note=flag.note,
    )


def _no_such_questionnaire(assignment_id: int) -> NotFound:
    return NotFound(f"There is no questionnaire with id {assignment_id}.", field="assignment_id")


def save_draft(
    uow: UnitOfWork,
    actor: Actor,
    assignment_id: int,
    answers: Answers,
    clock: Clock = SYSTEM_CLOCK,
) -> DraftSaved:
    """Merge ``answers`` into the assignment's draft after checking each one."""
    now = clock.now()
    with uow:
        assignment = uow.assignments.get(assignment_id)
        if assignment is None:
            refuse_missing(
                uow,
                actor,
                Action.SAVE_DRAFT,
                clock,
                _no_such_questionnaire(assignment_id),
                detail=f"no assignment {assignment_id}",
            )
        try:
            with patient_action(
                uow,
                actor,
                assignment.patient_id,
                Action.SAVE_DRAFT,
                clock,
                detail=f"assignment {assignment_id}",
            ):
                if not assignment.active:
                    raise Conflict("This questionnaire is already complete.", field="assignment_id")
                instrument = uow.instruments.get(assignment.instrument_id)
                clean = validate_answers(instrument, answers)
                existing = uow.drafts.get(assignment.id)
                merged = dict(existing.answers) if existing is not None else {}
                for link_id, value in clean.items():
                    if value is None:
                        merged.pop(link_id, None)
                    else:
                        merged[link_id] = value
                draft = uow.drafts.put(assignment.id, merged, now)
                raised = [
                    kind
                    for kind, message in _critical_in(instrument, merged)
                    if raise_flag(
                        uow,
                        patient_id=assignment.patient_id,
                        kind=kind,
                        message=f"{message} (Answered while the form was being filled in.)",
                        now=now,
                    )[1]
                ]
                if raised:
                    record_event(
                        uow,
                        at=now,
                        actor=actor,
                        patient_id=assignment.patient_id,
                        action="raise_flag",
                        outcome=Outcome.ALLOWED,
                        detail="from a saved draft: " + ", ".join(raised),
                    )
                uow.commit()
        except NotFound as exc:
            # Someone else's questionnaire looks exactly like one that does not exist.
            raise _no_such_questionnaire(assignment_id) from exc
    return DraftSaved(draft.assignment_id, dict(draft.answers), draft.updated_at)


class IncompleteResponse(ValidationError):
    """A response too incomplete to score. Nothing is stored, except that a critical answer
    in it still raises its flag for the clinicians: ``crisis`` then tells the edge to show
    the crisis resources all the same."""

    def __init__(
        self, message: str, *, field: str, flags: tuple[tuple[str, str], ...] = ()
    ) -> None:
        super().__init__(message, field=field)
        #: (kind, message) of each flag raised by a critical answer.
        self.flags = flags
        self.crisis = any(kind == CRISIS_FLAG for kind, _ in flags)


def _refuse_unscorable(instrument: Instrument, result: Score) -> None:
    if result.scored:
        return
    numbers = [str(instrument.item(link_id).number) for link_id in result.missing]
    allowed = (
        f" (it can be scored with at most {instrument.max_missing} unanswered)"
        if instrument.max_missing
        else ""
    )
    raise IncompleteResponse(
        f"Please answer every question of the {instrument.abbreviation}: "
        f"question{'s' if len(numbers) != 1 else ''} {', '.join(numbers)} "
        f"{'are' if len(numbers) != 1 else 'is'} unanswered{allowed}.",
        field=result.missing[0] if result.missing else "answers",
        flags=tuple((kind, _flag_message(instrument, kind)) for kind in result.flags),
    )


def _assignment_for(
    uow: UnitOfWork,
    patient_id: int,
    instrument: Instrument,
    assignment_id: int | None,
    today: date,
) -> Assignment | None:
    if assignment_id is not None:
        assignment = uow.assignments.get(assignment_id)
        if assignment is None or assignment.patient_id != patient_id:
            raise _no_such_questionnaire(assignment_id)
        if assignment.instrument_id != instrument.id:
            raise ValidationError(
                f"Questionnaire {assignment_id} is not the {instrument.abbreviation}.",
                field="assignment_id",
            )
        if not assignment.active:
            raise Conflict("This questionnaire is already complete.", field="assignment_id")
        return assignment
    # A response given without naming an assignment (say, in a session) still counts for
    # an assignment of the same instrument that is due.
    for candidate in uow.assignments.for_patient(patient_id):
        if candidate.instrument_id == instrument.id and candidate.next_due_on <= today:
            return candidate
    return None


def submit_response(
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    instrument_id: str,
    answers: Answers,
    clock: Clock,
    assignment_id: int | None = None,
) -> SubmittedResponse:
    """Check, score and store a response; raise flags; finish or move on the assignment.

    A response the instrument's missing-item rule cannot score is refused with
    :class:`IncompleteResponse` listing the unanswered questions; a critical answer in it
    still raises its flag (with no response attached), because a clinician must know.

    After a response (or a flag) is stored for a patient with a submitted intake, the level
    of care is re-evaluated in a transaction of its own: a changed recommendation waits for
    a clinician's review and is never applied by itself (services/levelofcare.py).
    """
    try:
        submitted = _submit(uow, actor, patient_id, instrument_id, answers, clock, assignment_id)
    except IncompleteResponse as refused:
        if refused.flags:
            _raise_orphan_flags(uow, actor, patient_id, refused.flags, clock)
            reevaluate_after_response(
                uow, patient_id, clock, because=f"flag raised by an incomplete {instrument_id}"
            )
        raise
    reevaluate_after_response(
        uow, patient_id, clock, because=f"response {submitted.response_id} ({instrument_id})"
    )
    return submitted


def _raise_orphan_flags(
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    flags: tuple[tuple[str, str], ...],
    clock: Clock,
) -> None:
    now = clock.now()
    with uow:
        for kind, message in flags:
            raise_flag(uow, patient_id=patient_id, kind=kind, message=message, now=now)
        record_event(
            uow,
            at=now,
            actor=actor,
            patient_id=patient_id,
            action="raise_flag",
            outcome=Outcome.ALLOWED,
            detail="from an incomplete response: " + ", ".join(kind for kind, _ in flags),
        )
        uow.commit()


def _submit(
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    instrument_id: str,
    answers: Answers,
    clock: Clock,
    assignment_id: int | None,
) -> SubmittedResponse:
    now = clock.now()
    today = now.date()
    with (
        uow,
        patient_action(
            uow,
            actor,
            patient_id,
            Action.SUBMIT_RESPONSE,
            clock,
            detail=f"{instrument_id}" + (f", assignment {assignment_id}" if assignment_id else ""),
        ) as patient,
    ):
        instrument = uow.instruments.get(instrument_id)
        result = score_answers(instrument, answers, context=ScoringContext(sex=patient.sex))
        _refuse_unscorable(instrument, result)
        assignment = _assignment_for(uow, patient.id, instrument, assignment_id, today)
        clean = validate_answers(instrument, answers)
        given: dict[str, int | None] = {k: v for k, v in clean.items() if v is not None}
        stored = uow.responses.add(
            NewResponse(
                patient_id=patient.id,
                instrument_id=instrument.id,
                instrument_version=instrument.version,
                assignment_id=assignment.id if assignment is not None else None,
                answers=given,
                submitted_at=now,
                submitted_by=actor.user_id,
                total=result.total,
                band=result.band,
                subscales=dict(result.subscales),
                flags=list(result.flags),
                missing=list(result.missing),
                imputed=list(result.imputed),
                skipped=list(result.skipped),
                findings=[{"code": f.code, "text": f.text} for f in result.findings],
            )
        )
        for kind in result.flags:
            raise_flag(
                uow,
                patient_id=patient.id,
                kind=kind,
                message=_flag_message(instrument, kind),
                now=now,
                response_id=stored.id,
            )
        if assignment is not None:
            uow.drafts.delete(assignment.id)
            if assignment.every_days is None:
                uow.assignments.reschedule(
                    assignment.id, next_due_on=assignment.next_due_on, active=False
                )
            else:
                uow.assignments.reschedule(
                    assignment.id,
                    next_due_on=next_due_after(
                        assignment.next_due_on, assignment.every_days, today
                    ),
                    active=True,
                )
        uow.commit()
    return SubmittedResponse(
        response_id=stored.id, score=result, crisis=CRISIS_FLAG in result.flags
    )


def raise_flag(
    uow: UnitOfWork,
    *,
    patient_id: int,
    kind: str,
    message: str,
    now: datetime,
    response_id: int | None = None,
) -> tuple[Flag, bool]:
    """Raise a flag unless the same concern is already open from a form not yet sent.

    A critical answer saved in a draft raises its flag at once (``response_id`` None), so
    the clinician hears of it even if the form is never finished; when the response is
    sent, that open flag is tied to it instead of raising a second one. Returns the flag
    and whether it is new.
    """
    for open_flag in uow.flags.open_for_patient(patient_id):
        if open_flag.kind == kind and open_flag.response_id is None:
            if response_id is None:
                return open_flag, False
            return uow.flags.link_response(open_flag.id, response_id), False
    added = uow.flags.add(
        patient_id=patient_id,
        response_id=response_id,
        kind=kind,
        message=message,
        raised_at=now,
    )
    if kind == CRISIS_FLAG:
        # Suicidal thoughts also reach the alert inbox at once, as an URGENT alert tied to
        # this flag; acknowledging either one acknowledges the other.
        raise_safety_alert(
            uow,
            patient_id=patient_id,
            source=FLAG_SOURCE,
            source_id=added.id,
            reasons=(message,),
            now=now,
        )
    return added, True


def _critical_in(instrument: Instrument, answers: Answers) -> tuple[tuple[str, str], ...]:
    """The flags the critical items raise for these answers, with their messages."""
    found: dict[str, str] = {}
    for critical in instrument.critical:
        value = answers.get(critical.link_id)
        if value is not None and value >= critical.minimum:
            found.setdefault(critical.flag, critical.message)
    return tuple(found.items())


def _flag_message(instrument: Instrument, kind: str) -> str:
    for critical in instrument.critical:
        if critical.flag == kind:
            return critical.message
    return f"{instrument.abbreviation}: {kind.replace('_', ' ')}"


def acknowledge_flag(
    uow: UnitOfWork,
    actor: Actor,
    flag_id: int,
    clock: Clock,
    note: str | None = None,
) -> FlagInfo:
    """Mark a flag as seen and dealt with by a clinician (staff only), with an optional note."""
    if note is not None:
        note = note.strip() or None
    if note is not None and len(note) > MAX_NOTE_LENGTH:
        raise ValidationError(
            f"The note can have at most {MAX_NOTE_LENGTH} characters.", field="note"
        )
    now = clock.now()
    with uow:
        flag = uow.flags.get(flag_id)
        if flag is None:
            refuse_missing(
                uow,
                actor,
                Action.ACKNOWLEDGE_FLAG,
                clock,
                NotFound(f"There is no flag with id {flag_id}.", field="flag_id"),
                detail=f"no flag {flag_id}",
            )
        try:
            with patient_action(
                uow,
                actor,
                flag.patient_id,
                Action.ACKNOWLEDGE_FLAG,
                clock,
                detail=f"flag {flag_id}",
            ):
                if flag.acknowledged_at is not None:
                    raise Conflict("This flag has already been acknowledged.", field="flag_id")
                updated = uow.flags.acknowledge(flag.id, at=now, by=actor.user_id, note=note)
                acknowledge_flag_alerts(uow, flag.patient_id, flag.id, actor.user_id, now)
                uow.commit()
        except NotFound as exc:
            raise NotFound(f"There is no flag with id {flag_id}.", field="flag_id") from exc
    return flag_info(updated)
