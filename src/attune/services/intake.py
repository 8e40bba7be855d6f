"""The intake: a clinician opens it, the patient fills it in over one or more sittings,
and submitting it assigns the questionnaire battery and evaluates the level of care.

Who may do what (services/access.py): only staff open an intake; the patient (for their
own) and their clinicians or an admin may read it, save sections and submit it.

Saving a section (``save_intake_section``)
    ``answers`` is one section in the JSON form of :func:`attune.domain.intake.to_dict`
    (dates as ``YYYY-MM-DD`` text, choices by their value, sets as lists):

    * an object section (``withdrawal``, ``medications``, ``medical``, ``mental_health``,
      ``situation``, ``treatment``, ``readiness``): its keys, e.g. ``{"seizures": False,
      "delirium": False, "other_severe": None}``; ``{"withdrawal": {...}}`` is read the
      same way;
    * ``addictions``: ``{"addictions": [{"what": "alcohol", ...}, ...]}`` (``[]`` = none);
    * ``goals``: ``{"goals": "in my own words"}``.

    The section is replaced as a whole (a key left out is "not answered yet"); other
    sections are untouched. It is checked with ``complete=False`` (ranges and
    contradictions, not missing answers). Any problem raises :class:`FormErrors` with
    every ``(field, message)`` pair, fields named by their path (``addictions[0].amount``),
    and nothing of that request is saved: earlier sections stay exactly as they were.

Submitting (``submit_intake``)
    checks everything (``complete=True``: FormErrors lists every missing or
    contradictory answer), marks the intake submitted, assigns each instrument of the
    default battery once (skipping one the patient already has assigned and not yet
    answered), and evaluates the level of care (a new recommendation waits for a
    clinician's review). All in one transaction, committed before returning.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from attune.domain.errors import Conflict, FormErrors, NotFound, UnknownInstrument, ValidationError
from attune.domain.intake import (
    SECTIONS,
    Intake,
    Respondent,
    default_battery,
    from_dict,
    to_dict,
    validate,
)
from attune.services.access import Action, open_patient, patient_action, refuse_missing
from attune.services.actors import Actor
from attune.services.alert_raising import raise_safety_alert
from attune.services.clock import SYSTEM_CLOCK, Clock
from attune.services.levelofcare import intake_of, reevaluate
from attune.services.ports import IntakeRecord, Patient, UnitOfWork

SECTION_KEYS: tuple[str, ...] = tuple(s.key for s in SECTIONS)
#: Sections whose JSON value is not an object: given as ``{key: value}``.
VALUE_SECTIONS = frozenset({"addictions", "goals"})
#: How many unreadable answers one request reports before giving up.
MAX_REPORTED = 60


class IntakeStatus(StrEnum):
    OPEN = "open"
    SUBMITTED = "submitted"


class BatteryStatus(StrEnum):
    NOT_ASSIGNED = "not_assigned"
    DUE = "due"
    DONE = "done"


@dataclass(frozen=True)
class BatteryItem:
    """One questionnaire of the intake's battery, why it is there and where it stands:
    ``done`` once answered since the intake was opened, ``due`` while assigned and not yet
    answered, ``not_assigned`` before the intake is submitted."""

    instrument_id: str
    abbreviation: str
    reason: str
    status: BatteryStatus


@dataclass(frozen=True)
class IntakeView:
    id: int
    patient_id: int
    status: IntakeStatus
    opened_at: datetime
    submitted_at: datetime | None
    intake: Intake
    #: Sections with every required answer given (in form order).
    sections_done: tuple[str, ...]
    battery: tuple[BatteryItem, ...]
    #: (sections done, sections in all)
    progress: tuple[int, int]
    opened_by: int = 0
    updated_at: datetime | None = None

    @property
    def open(self) -> bool:
        return self.status is IntakeStatus.OPEN

    @property
    def complete(self) -> bool:
        return self.progress[0] == self.progress[1]


def respondent(patient: Patient, clock: Clock) -> Respondent:
    return Respondent(
        today=clock.now().date(), date_of_birth=patient.date_of_birth, sex=patient.sex
    )


def section_of(field: str) -> str:
    """The section a field path belongs to: ``addictions[0].amount`` -> ``addictions``."""
    match = re.match(r"[a-z_]+", field)
    return match.group(0) if match else field


def _sections_done(intake: Intake, who: Respondent) -> tuple[str, ...]:
    unfinished = {section_of(e.field) for e in validate(intake, who, complete=True)}
    return tuple(key for key in SECTION_KEYS if key not in unfinished)


def _battery(uow: UnitOfWork, record: IntakeRecord, intake: Intake) -> tuple[BatteryItem, ...]:
    active = {a.instrument_id for a in uow.assignments.for_patient(record.patient_id)}
    answered = {
        r.instrument_id
        for r in uow.responses.for_patient(record.patient_id)
        if r.submitted_at >= record.opened_at
    }
    items: list[BatteryItem] = []
    for entry in default_battery(intake.named):
        try:
            abbreviation = uow.instruments.get(entry.instrument_id).abbreviation
        except UnknownInstrument:
            abbreviation = entry.instrument_id
        if entry.instrument_id in answered:
            status = BatteryStatus.DONE
        elif entry.instrument_id in active:
            status = BatteryStatus.DUE
        else:
            status = BatteryStatus.NOT_ASSIGNED
        items.append(BatteryItem(entry.instrument_id, abbreviation, entry.reason, status))
    return tuple(items)


def _view(uow: UnitOfWork, record: IntakeRecord) -> IntakeView:
    intake = intake_of(record)
    done = tuple(key for key in SECTION_KEYS if key in record.sections_done)
    return IntakeView(
        id=record.id,
        patient_id=record.patient_id,
        status=IntakeStatus(record.status),
        opened_at=record.opened_at,
        submitted_at=record.submitted_at,
        intake=intake,
        sections_done=done,
        battery=_battery(uow, record, intake),
        progress=(len(done), len(SECTION_KEYS)),
        opened_by=record.opened_by,
        updated_at=record.updated_at,
    )


def _no_such_intake(intake_id: int) -> NotFound:
    return NotFound(f"There is no intake with id {intake_id}.", field="intake_id")


def open_intake(
    uow: UnitOfWork, actor: Actor, patient_id: int, clock: Clock = SYSTEM_CLOCK
) -> IntakeView:
    """Open a new, empty intake for the patient (staff only). Conflict if one is open."""
    now = clock.now()
    with uow, patient_action(uow, actor, patient_id, Action.OPEN_INTAKE, clock) as patient:
        latest = uow.intakes.latest_for_patient(patient.id)
        if latest is not None and latest.status == IntakeStatus.OPEN:
            raise Conflict(
                f"{patient.display_name} already has an intake open (opened "
                f"{latest.opened_at:%d %b %Y}).",
                field="patient_id",
            )
        record = uow.intakes.add(
            patient_id=patient.id, opened_by=actor.user_id, opened_at=now, answers=to_dict(Intake())
        )
        view = _view(uow, record)
        uow.commit()
    return view


def current_intake(
    uow: UnitOfWork, actor: Actor, patient_id: int, clock: Clock = SYSTEM_CLOCK
) -> IntakeView | None:
    """The patient's newest intake (open or submitted), or None if none was ever opened."""
    with uow:
        patient = open_patient(uow, actor, patient_id, Action.VIEW_INTAKE, clock)
        record = uow.intakes.latest_for_patient(patient.id)
        view = _view(uow, record) if record is not None else None
        uow.commit()
    return view


def _section_value(section_key: str, answers: Mapping[str, object]) -> object:
    """The JSON value of the section from what the edge sent (see the module docstring)."""
    if section_key in VALUE_SECTIONS:
        extra = sorted(str(k) for k in answers if k != section_key)
        if extra:
            raise FormErrors(
                tuple((f"{section_key}.{k}", "This is not part of this section.") for k in extra)
            )
        return answers.get(section_key)
    wrapped = answers.get(section_key)
    if set(answers) == {section_key} and isinstance(wrapped, Mapping):
        return {str(k): v for k, v in wrapped.items()}
    return dict(answers)


_PATH_PART = re.compile(r"([a-z_]+)|\[(\d+)\]")


def _remove(data: dict[str, object], path: str) -> bool:
    """Remove the value at ``path`` (``addictions[0].amount``) from nested dicts and lists;
    when the leaf is already gone, remove the list entry holding it. True if removed."""
    steps: list[str | int] = [
        m.group(1) if m.group(1) is not None else int(m.group(2)) for m in _PATH_PART.finditer(path)
    ]
    if not steps:
        return False
    containers: list[tuple[object, str | int]] = []
    node: object = data
    for step in steps:
        containers.append((node, step))
        found, node = _child(node, step)
        if not found:
            break
    else:
        parent, key = containers[-1]
        if isinstance(parent, dict) and isinstance(key, str):
            del parent[key]
            return True
    for parent, key in reversed(containers):
        if isinstance(parent, list) and isinstance(key, int) and key < len(parent):
            del parent[key]
            return True
    return False


def _child(node: object, step: str | int) -> tuple[bool, object]:
    if isinstance(node, dict) and isinstance(step, str) and step in node:
        return True, node[step]
    if isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
        return True, node[step]
    return False, None


def _readable(message: str, field: str) -> str:
    detail = message.removeprefix(f"{field}:").strip().replace(" or null", "")
    return f"Please check this answer ({detail})."


def _parse(data: dict[str, object]) -> tuple[Intake, tuple[tuple[str, str], ...]]:
    """The intake from its JSON form, with every answer that cannot be read set aside and
    named as ``(field, message)``, so the rest can still be checked."""
    errors: list[tuple[str, str]] = []
    work: dict[str, object] = _deep_copy(data)
    for _ in range(MAX_REPORTED):
        try:
            return from_dict(work), tuple(errors)
        except ValidationError as exc:
            field = exc.field or "intake"
            errors.append((field, _readable(exc.message, field)))
            if not _remove(work, field):
                break
    raise FormErrors(tuple(errors))


def _problems(
    parsed: tuple[Intake, tuple[tuple[str, str], ...]],
    who: Respondent,
    *,
    complete: bool,
    section: str | None = None,
) -> tuple[tuple[str, str], ...]:
    """Unreadable answers, then every rule the readable ones break (within ``section``)."""
    intake, unreadable = parsed
    seen = {field for field, _ in unreadable}
    broken = tuple(
        (e.field, e.message)
        for e in validate(intake, who, complete=complete)
        if (section is None or section_of(e.field) == section) and e.field not in seen
    )
    return unreadable + broken


def _deep_copy(value: object) -> dict[str, object]:
    def copy(v: object) -> object:
        if isinstance(v, Mapping):
            return {str(k): copy(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [copy(x) for x in v]
        return v

    copied = copy(value)
    assert isinstance(copied, dict)
    return copied


def _load_for_change(
    uow: UnitOfWork, actor: Actor, intake_id: int, action: Action, clock: Clock, detail: str
) -> IntakeRecord:
    record = uow.intakes.get(intake_id)
    if record is None:
        refuse_missing(
            uow, actor, action, clock, _no_such_intake(intake_id), detail=f"no intake {intake_id}"
        )
    return record


def _fresh(uow: UnitOfWork, intake_id: int) -> IntakeRecord:
    """The intake read again under a row lock once access is granted, so two sittings
    saved at the same moment cannot overwrite each other's sections."""
    record = uow.intakes.get(intake_id, for_update=True)
    if record is None:
        raise _no_such_intake(intake_id)
    return record


def save_intake_section(
    uow: UnitOfWork,
    actor: Actor,
    intake_id: int,
    section_key: str,
    answers: Mapping[str, object],
    clock: Clock = SYSTEM_CLOCK,
) -> IntakeView:
    """Save one section of an open intake (see the module docstring for ``answers``)."""
    now = clock.now()
    detail = f"intake {intake_id}, section {section_key}"
    with uow:
        record = _load_for_change(uow, actor, intake_id, Action.SAVE_INTAKE, clock, detail)
        try:
            with patient_action(
                uow, actor, record.patient_id, Action.SAVE_INTAKE, clock, detail=detail
            ) as patient:
                record = _fresh(uow, record.id)
                if section_key not in SECTION_KEYS:
                    raise ValidationError(
                        f"There is no intake section '{section_key}'.", field="section"
                    )
                if record.status != IntakeStatus.OPEN:
                    raise Conflict(
                        "This intake has been submitted, so it can no longer be changed.",
                        field="intake_id",
                    )
                data = _deep_copy(record.answers)
                data[section_key] = _section_value(section_key, answers)
                parsed = _parse(data)
                who = respondent(patient, clock)
                problems = _problems(parsed, who, complete=False, section=section_key)
                if problems:
                    raise FormErrors(problems)
                intake = parsed[0]
                # Keep the stored answers of the other sections byte for byte.
                stored = _deep_copy(record.answers)
                stored[section_key] = to_dict(intake)[section_key]
                updated = uow.intakes.save_answers(
                    record.id,
                    answers=stored,
                    sections_done=_sections_done(intake, who),
                    updated_at=now,
                )
                _alert_if_at_risk_now(uow, patient.id, record.id, intake, now)
                view = _view(uow, updated)
                uow.commit()
        except NotFound as exc:
            raise _no_such_intake(intake_id) from exc
    return view


#: The source of a safety alert raised by an intake answer; its ``source_id`` is the intake.
INTAKE_SOURCE = "intake"


def _alert_if_at_risk_now(
    uow: UnitOfWork, patient_id: int, intake_id: int, intake: Intake, now: datetime
) -> None:
    """ "Thoughts of ending my life now" raises an URGENT safety alert as soon as it is saved
    (one open alert per intake), as a PHQ-9 item 9 answer does."""
    if intake.mental_health.suicidal_thoughts_now:
        raise_safety_alert(
            uow,
            patient_id=patient_id,
            source=INTAKE_SOURCE,
            source_id=intake_id,
            reasons=("Answered in the intake: thoughts of ending their life now.",),
            now=now,
        )


def _assign_battery(
    uow: UnitOfWork, actor: Actor, patient_id: int, intake: Intake, clock: Clock
) -> list[str]:
    now = clock.now()
    already = {a.instrument_id for a in uow.assignments.for_patient(patient_id)}
    assigned: list[str] = []
    for entry in default_battery(intake.named):
        if entry.instrument_id in already:
            continue
        try:
            uow.instruments.get(entry.instrument_id)
        except UnknownInstrument:
            continue
        uow.assignments.add(
            patient_id=patient_id,
            instrument_id=entry.instrument_id,
            every_days=None,
            starts_on=now.date(),
            created_by=actor.user_id,
            created_at=now,
        )
        assigned.append(entry.instrument_id)
    return assigned


def submit_intake(
    uow: UnitOfWork, actor: Actor, intake_id: int, clock: Clock = SYSTEM_CLOCK
) -> IntakeView:
    """Check the whole intake, submit it, assign the battery, evaluate the level of care."""
    now = clock.now()
    detail = f"intake {intake_id}"
    with uow:
        record = _load_for_change(uow, actor, intake_id, Action.SUBMIT_INTAKE, clock, detail)
        try:
            with patient_action(
                uow, actor, record.patient_id, Action.SUBMIT_INTAKE, clock, detail=detail
            ) as patient:
                record = _fresh(uow, record.id)
                if record.status != IntakeStatus.OPEN:
                    raise Conflict("This intake has already been submitted.", field="intake_id")
                parsed = _parse(_deep_copy(record.answers))
                problems = _problems(parsed, respondent(patient, clock), complete=True)
                if problems:
                    raise FormErrors(problems)
                intake = parsed[0]
                uow.intakes.submit(record.id, at=now, by=actor.user_id)
                _alert_if_at_risk_now(uow, patient.id, record.id, intake, now)
                _assign_battery(uow, actor, patient.id, intake, clock)
                reevaluate(uow, patient.id, clock, because=f"intake {record.id} submitted")
                submitted = uow.intakes.get(record.id)
                assert submitted is not None
                view = _view(uow, submitted)
                uow.commit()
        except NotFound as exc:
            raise _no_such_intake(intake_id) from exc
    return view
