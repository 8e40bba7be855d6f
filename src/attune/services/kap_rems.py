"""The Spravato (esketamine) REMS patient-monitoring record of each in-office Spravato
session: filling it in, marking it submitted, the list still to submit, and the record as
printable lines and as a PDF.

The record is made when a Spravato session starts, filled in from what is known (the
dose, lot and time from the session; date of birth and sex from the patient; whether it
is the first treatment; the patient's, provider's and setting's details from the
patient's previous record). Staff only; every read and change is audited against the
patient. :func:`unsubmitted_rems` lists, soonest due first, the records of the patients
the actor may see (an admin: the clinic; a clinician: their caseload), one ``view_kap_rems``
event per patient listed.

The PDF is drawn with fpdf2's built-in Helvetica (nothing fetched, no font files
bundled). That font covers Latin-1 only, so other characters are written as their
closest Latin-1 form (accents dropped, typographic quotes and dashes made plain), or
``?`` when there is none.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, tzinfo

from fpdf import FPDF

from attune.domain.errors import Conflict, NotFound, ValidationError
from attune.domain.kap.record_store import from_json, merge_json, to_json
from attune.domain.kap.session import SessionRecord
from attune.domain.kap.spravato import (
    DoseChoice,
    RemsPatient,
    Sex,
    SpravatoRecord,
    Submission,
    treatment_date,
)
from attune.domain.kap.spravato_form import FormLine, mark_submitted, unsubmitted
from attune.services.access import Action, open_patient, require_staff
from attune.services.actors import Actor, Role
from attune.services.clock import SYSTEM_CLOCK, Clock
from attune.services.kap_common import session_change, session_read
from attune.services.kap_views import RemsView, build_rems_view
from attune.services.ports import KapRemsRecord, KapSessionRecord, Patient, UnitOfWork

#: Fields that only :func:`mark_rems_submitted` sets.
SUBMISSION_FIELDS = frozenset({"submission", "submitted_on", "confirmation"})


@dataclass(frozen=True)
class PendingRems:
    session_id: int
    course_id: int
    patient_id: int
    patient_name: str
    treatment_date: date | None
    due: date | None
    overdue: bool
    #: Every field is filled in (ready to submit).
    complete: bool


def _dose(record: SessionRecord) -> tuple[DoseChoice | None, SpravatoRecord]:
    mg = record.dose_mg
    if mg is None:
        return None, SpravatoRecord()
    if mg == 56:
        return DoseChoice.MG_56, SpravatoRecord()
    if mg == 84:
        return DoseChoice.MG_84, SpravatoRecord()
    return DoseChoice.OTHER, SpravatoRecord(other_dose_mg=mg)


def prefill_rems(
    uow: UnitOfWork,
    actor: Actor,
    patient: Patient,
    session: KapSessionRecord,
    record: SessionRecord,
    now: datetime,
) -> KapRemsRecord:
    """Make the session's REMS record from what is already known (see the module text).
    Called inside the transaction that starts the session."""
    earlier = [
        r
        for r in uow.kap.rems_in_clinic(patient.clinic_id)
        if r.patient_id == patient.id and r.session_id != session.id
    ]
    previous = from_json(SpravatoRecord, earlier[-1].record) if earlier else None
    choice, other = _dose(record)
    sex = {"female": Sex.FEMALE, "male": Sex.MALE}.get(patient.sex or "")
    identity = previous.patient if previous is not None else RemsPatient()
    filled = SpravatoRecord(
        patient=replace(
            identity,
            birth_date=patient.date_of_birth or identity.birth_date,
            sex=sex or identity.sex,
            first_treatment=not earlier,
            enrolled=None,
        ),
        provider=previous.provider if previous is not None else other.provider,
        setting=previous.setting if previous is not None else other.setting,
        dose=choice,
        other_dose_mg=other.other_dose_mg,
        lot_number=record.lot_number,
        administered_at=record.started_at,
    )
    return uow.kap.put_rems(
        session_id=session.id,
        record=to_json(filled),
        submitted=False,
        submitted_on=None,
        updated_at=now,
        updated_by=actor.user_id,
    )


def _stored(uow: UnitOfWork, session_id: int) -> KapRemsRecord:
    stored = uow.kap.rems(session_id)
    if stored is None:
        raise NotFound(
            "This session has no Spravato REMS record (only Spravato sessions have one).",
            field="session_id",
        )
    return stored


def rems_view(
    uow: UnitOfWork,
    actor: Actor,
    session_id: int,
    clock: Clock = SYSTEM_CLOCK,
    *,
    tz: tzinfo | None = None,
) -> RemsView:
    """The session's REMS record, what is still missing, when it is due (staff); dates
    and times in the clinic's time zone ``tz`` (UTC unless given)."""
    tz = tz or uow.clinic_timezone
    now = clock.now()
    with uow:
        session_read(uow, actor, session_id, Action.VIEW_KAP_REMS, clock)
        view = build_rems_view(_stored(uow, session_id), _today(now, tz), tz)
        uow.commit()
    return view


def update_rems(
    uow: UnitOfWork,
    actor: Actor,
    session_id: int,
    fields: SpravatoRecord | Mapping[str, object],
    clock: Clock = SYSTEM_CLOCK,
) -> RemsView:
    """Save the REMS record (staff): a whole record, or some of its top-level fields in
    their JSON form (e.g. ``{"lowest_spo2": 97, "sedation": False}``); wrong types are
    refused with FormErrors naming each field, and missing answers are listed in the
    view's ``problems``. A submitted record is not changed again."""
    now = clock.now()
    with (
        uow,
        session_change(uow, actor, session_id, Action.RECORD_KAP_REMS, clock) as (
            _,
            _course,
            _session,
        ),
    ):
        stored = _stored(uow, session_id)
        if stored.submitted:
            raise Conflict(
                f"This REMS record was submitted on {stored.submitted_on} and is not changed.",
                field="session_id",
            )
        current = from_json(SpravatoRecord, stored.record)
        if isinstance(fields, SpravatoRecord):
            changed = fields
        else:
            touched = sorted(str(k) for k in fields if k in SUBMISSION_FIELDS)
            if touched:
                raise ValidationError(
                    "Mark the record submitted with its confirmation number instead.",
                    field=touched[0],
                )
            changed = merge_json(current, fields)
        if changed.submission is not Submission.NOT_SUBMITTED:
            raise ValidationError(
                "Mark the record submitted with its confirmation number instead.",
                field="submission",
            )
        saved = uow.kap.put_rems(
            session_id=session_id,
            record=to_json(changed),
            submitted=False,
            submitted_on=None,
            updated_at=now,
            updated_by=actor.user_id,
        )
        view = build_rems_view(saved, now.date())
        uow.commit()
    return view


def mark_rems_submitted(
    uow: UnitOfWork,
    actor: Actor,
    session_id: int,
    confirmation: str,
    submitted_on: date,
    clock: Clock = SYSTEM_CLOCK,
) -> RemsView:
    """Record that the REMS record was submitted, with its confirmation number (staff).
    Refused (FormErrors) while anything is missing; Conflict when already submitted."""
    now = clock.now()
    detail = f"submitted on {submitted_on}"
    with (
        uow,
        session_change(uow, actor, session_id, Action.RECORD_KAP_REMS, clock, detail) as (
            _,
            _course,
            _session,
        ),
    ):
        if submitted_on > now.date():
            raise ValidationError(
                "The submission date cannot be in the future.", field="submitted_on"
            )
        stored = _stored(uow, session_id)
        done = mark_submitted(
            from_json(SpravatoRecord, stored.record),
            on=submitted_on,
            confirmation=confirmation.strip(),
        )
        saved = uow.kap.put_rems(
            session_id=session_id,
            record=to_json(done),
            submitted=True,
            submitted_on=submitted_on,
            updated_at=now,
            updated_by=actor.user_id,
        )
        view = build_rems_view(saved, now.date())
        uow.commit()
    return view


def unsubmitted_rems(
    uow: UnitOfWork, actor: Actor, clock: Clock = SYSTEM_CLOCK
) -> tuple[PendingRems, ...]:
    """REMS records not yet submitted, soonest due first, with whether each is overdue
    (staff: an admin sees the clinic's, a clinician those of their caseload)."""
    now = clock.now()
    require_staff(actor, "list REMS records")
    with uow:
        stored = uow.kap.rems_in_clinic(actor.clinic_id, submitted=False)
        if actor.role is Role.CLINICIAN:
            stored = [r for r in stored if uow.patients.is_on_caseload(actor.user_id, r.patient_id)]
        by_session = {r.session_id: r for r in stored}
        names: dict[int, str] = {}
        for patient_id in dict.fromkeys(r.patient_id for r in stored):
            sessions = ", ".join(str(r.session_id) for r in stored if r.patient_id == patient_id)
            patient = open_patient(
                uow,
                actor,
                patient_id,
                Action.VIEW_KAP_REMS,
                clock,
                detail=f"REMS records not submitted: sessions {sessions}",
            )
            names[patient_id] = patient.display_name
        records = [(r.session_id, from_json(SpravatoRecord, r.record)) for r in stored]
        pending = tuple(
            PendingRems(
                session_id=p.key,
                course_id=by_session[p.key].course_id,
                patient_id=by_session[p.key].patient_id,
                patient_name=names[by_session[p.key].patient_id],
                treatment_date=treatment_date(p.record),
                due=p.due,
                overdue=p.overdue,
                complete=build_rems_view(by_session[p.key], now.date()).complete,
            )
            for p in unsubmitted(records, now.date())
        )
        uow.commit()
    return pending


def rems_form(
    uow: UnitOfWork,
    actor: Actor,
    session_id: int,
    clock: Clock = SYSTEM_CLOCK,
    *,
    tz: tzinfo | None = None,
) -> tuple[FormLine, ...]:
    """The record as printable lines (section, label, value), in the form's order."""
    return rems_view(uow, actor, session_id, clock, tz=tz).lines


# --- the PDF -------------------------------------------------------------------------------

_PLAIN = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u2026": "...",
    "\u2022": "-",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
}


def latin1(text: str) -> str:
    """``text`` in characters Helvetica can draw (see the module text)."""
    out: list[str] = []
    for ch in text:
        if ch in _PLAIN:
            out.append(_PLAIN[ch])
        elif ch == "\n" or (ord(ch) < 256 and unicodedata.category(ch) != "Cc"):
            out.append(ch)
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if ord(c) < 128)
            out.append(base or "?")
    return "".join(out)


def _today(now: datetime, tz: tzinfo | None) -> date:
    return (now.astimezone(tz) if tz is not None else now).date()


def _pdf(view: RemsView, patient: Patient, now: datetime, tz: tzinfo | None = None) -> bytes:
    pdf = FPDF(format="Letter")
    pdf.set_creation_date(now)
    pdf.set_title(latin1(f"Spravato REMS monitoring record, session {view.session_id}"))
    pdf.set_creator("Attune")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, "Spravato REMS patient monitoring record", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    zone = str(tz) if tz is not None else "UTC"
    intro = (
        f"Prepared by Attune on {_today(now, tz):%m/%d/%Y} from session {view.session_id} of "
        f"{patient.display_name}. Every field of the REMS patient monitoring form, for "
        f"submission through the SPRAVATO REMS. Times are in {zone}."
    )
    pdf.multi_cell(0, 5, latin1(intro), new_x="LMARGIN", new_y="NEXT", align="L")
    if view.problems:
        pdf.set_font("Helvetica", "B", 9)
        missing = f"Not complete: {len(view.problems)} field(s) still missing or to check."
        pdf.multi_cell(0, 5, latin1(missing), new_x="LMARGIN", new_y="NEXT", align="L")
    sections: dict[str, list[FormLine]] = {}
    for line in view.lines:
        sections.setdefault(line.section, []).append(line)
    for section, lines in sections.items():
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 11)
        pdf.multi_cell(0, 6, latin1(section), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        with pdf.table(
            col_widths=(45, 55),
            first_row_as_headings=False,
            borders_layout="HORIZONTAL_LINES",
            line_height=5,
            text_align="LEFT",
        ) as table:
            for line in lines:
                row = table.row()
                row.cell(latin1(line.label))
                row.cell(latin1(line.value))
    return bytes(pdf.output())


def rems_pdf(uow: UnitOfWork, actor: Actor, session_id: int, clock: Clock = SYSTEM_CLOCK) -> bytes:
    """The record as a PDF (Letter), for printing or filing (staff)."""
    now = clock.now()
    with uow:
        patient, _, _ = session_read(uow, actor, session_id, Action.VIEW_KAP_REMS, clock, "pdf")
        tz = uow.clinic_timezone
        view = build_rems_view(_stored(uow, session_id), _today(now, tz), tz)
        uow.commit()
    return _pdf(view, patient, now, tz)
