"""The ports the services need: records as plain frozen data, repositories, the unit of work.

The database adapter (:mod:`attune.db`) implements these protocols with SQLAlchemy. The
services only ever see the dataclasses below, never an ORM object.

A unit of work is one transaction::

    with uow:                       # begins
        patient = uow.patients.get(7)
        ...
        uow.commit()                # every acknowledged write is committed before returning

Leaving the ``with`` block without committing rolls back.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from enum import StrEnum
from types import TracebackType
from typing import Protocol, Self

from attune.domain.instruments import InstrumentLibrary
from attune.domain.kap.clinic_settings import KapSettings
from attune.domain.monitoring.risk_settings import RiskSettings
from attune.services.actors import Role
from attune.services.ports_monitoring import Alerts, Monitoring

#: Answers to one instrument by item linkId: the published response code, or None.
Answers = Mapping[str, int | None]

#: The hash before the first audit event.
GENESIS_HASH = "0" * 64


class Outcome(StrEnum):
    """What became of an audited attempt."""

    ALLOWED = "allowed"
    DENIED = "denied"
    FAILED = "failed"


# --- records -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clinic:
    id: int
    name: str
    created_at: datetime


@dataclass(frozen=True)
class User:
    id: int
    clinic_id: int
    email: str
    name: str
    role: Role
    password_hash: str
    active: bool
    created_at: datetime


@dataclass(frozen=True)
class Patient:
    id: int
    clinic_id: int
    display_name: str
    date_of_birth: date | None
    #: "female" | "male" | None: used only where a manual scores by sex (AUDIT-C).
    sex: str | None
    #: The patient's own portal login, if they have one.
    user_id: int | None
    created_at: datetime


@dataclass(frozen=True)
class Assignment:
    """An instrument a patient is asked to complete: once, or every ``every_days`` days."""

    id: int
    patient_id: int
    instrument_id: str
    every_days: int | None
    starts_on: date
    #: The date the next response is due (for a finished one-off: the date it was due).
    next_due_on: date
    active: bool
    created_by: int
    created_at: datetime

    @property
    def recurring(self) -> bool:
        return self.every_days is not None


@dataclass(frozen=True)
class Draft:
    assignment_id: int
    answers: dict[str, int | None]
    updated_at: datetime


@dataclass(frozen=True)
class NewResponse:
    patient_id: int
    instrument_id: str
    instrument_version: str
    assignment_id: int | None
    answers: dict[str, int | None]
    submitted_at: datetime
    submitted_by: int
    total: float | None
    band: str | None
    subscales: dict[str, float | None] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    imputed: list[str] = field(default_factory=list)
    #: Unanswered items the form's own skip instruction scored.
    skipped: list[str] = field(default_factory=list)
    #: Rule findings as ``{"code": ..., "text": ...}``.
    findings: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class StoredResponse:
    id: int
    patient_id: int
    instrument_id: str
    instrument_version: str
    assignment_id: int | None
    answers: dict[str, int | None]
    submitted_at: datetime
    submitted_by: int
    total: float | None
    band: str | None
    subscales: dict[str, float | None]
    flags: list[str]
    missing: list[str]
    imputed: list[str]
    skipped: list[str]
    findings: list[dict[str, str]]


@dataclass(frozen=True)
class Flag:
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


@dataclass(frozen=True)
class IntakeRecord:
    """One intake as stored. ``answers`` is the JSON form of the domain intake
    (``attune.domain.intake.to_dict``); ``status`` is "open" or "submitted"."""

    id: int
    patient_id: int
    status: str
    answers: dict[str, object]
    sections_done: tuple[str, ...]
    opened_by: int
    opened_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    submitted_by: int | None


@dataclass(frozen=True)
class FormulationRecord:
    """One saved version of a patient's cycle. ``content`` is the JSON form of the domain
    formulation; ``author_role`` is "clinician", "patient" or "together"."""

    id: int
    patient_id: int
    number: int
    content: dict[str, object]
    author_user_id: int
    author_role: str
    created_at: datetime


@dataclass(frozen=True)
class RecommendationRecord:
    """One level-of-care recommendation as stored. ``content`` is the JSON form of the
    domain recommendation; ``status`` is "pending_review", "accepted", "overridden" or
    "superseded"; ``final_level`` the level the clinician decided on."""

    id: int
    patient_id: int
    created_at: datetime
    content: dict[str, object]
    rules_version: str
    level: str
    status: str
    decided_by: int | None
    decided_at: datetime | None
    final_level: str | None
    rationale: str | None


@dataclass(frozen=True)
class PlanRecord:
    """One version of a patient's treatment plan. ``content`` is the JSON form of the
    domain plan; ``status`` is "draft" or "agreed"."""

    id: int
    patient_id: int
    version: int
    content: dict[str, object]
    status: str
    created_by: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class LedgerBook:
    """A clinic's controlled-substance ledger as a whole: how many entries it holds (the
    number of the last one) and when the last was recorded. Writers lock it first."""

    clinic_id: int
    entries: int
    last_at: datetime | None


@dataclass(frozen=True)
class LedgerLot:
    """One lot of stock with its running balance in whole micrograms (never below 0)."""

    id: int
    clinic_id: int
    lot: str
    #: What the lot is (substance, strength, form), from its first receipt.
    description: str
    #: The concentration in mg/mL as exact decimal text, if the lot is a solution.
    mg_per_ml: str | None
    balance_ug: int
    created_at: datetime


@dataclass(frozen=True)
class NewLedgerEntry:
    """An entry to append. ``number`` is the clinic's next entry number (after
    :meth:`Ledger.lock_book`); ``change_ug`` is signed (a receipt adds, a use takes)."""

    clinic_id: int
    number: int
    lot_id: int
    kind: str
    change_ug: int
    at: datetime
    occurred_on: date
    recorded_by: int
    description: str = ""
    supplier: str = ""
    supplier_dea: str = ""
    patient_id: int | None = None
    session_ref: str = ""
    witness_id: int | None = None
    #: The number of the entry a correction corrects.
    corrects: int | None = None
    reason: str = ""


@dataclass(frozen=True)
class LedgerEntryRecord:
    """One ledger entry as stored, with the lot's balance just after it."""

    id: int
    clinic_id: int
    number: int
    lot_id: int
    lot: str
    kind: str
    change_ug: int
    balance_after_ug: int
    at: datetime
    occurred_on: date
    recorded_by: int
    description: str
    supplier: str
    supplier_dea: str
    patient_id: int | None
    session_ref: str
    witness_id: int | None
    corrects: int | None
    reason: str


@dataclass(frozen=True)
class LedgerCountLine:
    lot: str
    expected_ug: int
    #: None: the lot was not counted.
    counted_ug: int | None
    #: matches, short, over, not_counted or not_in_ledger.
    status: str


@dataclass(frozen=True)
class LedgerCountRecord:
    """An on-hand count compared with the ledger, line by line, with who and when."""

    id: int
    clinic_id: int
    counted_at: datetime
    counted_by: int
    #: The number of the last ledger entry the count was compared against.
    through_entry: int
    note: str
    lines: tuple[LedgerCountLine, ...]

    @property
    def discrepancies(self) -> tuple[LedgerCountLine, ...]:
        return tuple(line for line in self.lines if line.status != "matches")


@dataclass(frozen=True)
class LedgerInventoryRecord:
    """A biennial inventory: the balances as of a time, taken at the opening or the close
    of business. Its lines are worked out again from the (append-only) entries."""

    id: int
    clinic_id: int
    as_of: datetime
    #: opening or close_of_business.
    taken_at: str
    registrant_dea: str
    taken_by: int
    created_at: datetime


# --- ketamine-assisted psychotherapy (KAP) records ---------------------------------------
# JSON columns hold domain objects in their strict storage form (attune.domain.kap.*_store,
# eligibility_store, signoff, protocol); docs/adr/0014-kap-course-records-and-replay.md.


@dataclass(frozen=True)
class KapCourseRecord:
    """One KAP course. ``protocol`` is the resolved protocol (``protocol_to_dict``), kept so
    a later template change never changes a running course; ``status`` is the phase after
    the newest event (preparation, dosing, stopped, aftercare): a cache for lists only, as
    the state is always rebuilt by replaying the events."""

    id: int
    patient_id: int
    program: str
    protocol: dict[str, object]
    status: str
    opened_by: int
    opened_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class KapEventRecord:
    """One accepted course event (``seq`` counts from 1 per course, without gaps);
    ``data`` is the event's storage form (attune.domain.kap.course_store)."""

    id: int
    course_id: int
    seq: int
    kind: str
    at: datetime
    data: dict[str, object]
    recorded_by: int | None
    recorded_at: datetime


@dataclass(frozen=True)
class KapEligibilityRecord:
    """One eligibility check; ``result`` is ``eligibility_to_dict`` (with its digest)."""

    id: int
    course_id: int
    result: dict[str, object]
    outcome: str
    digest: str
    assessed_by: int
    assessed_at: datetime


@dataclass(frozen=True)
class KapSignOffRecord:
    """The prescriber's sign-off on one eligibility result (``signoff_to_dict``)."""

    id: int
    course_id: int
    eligibility_id: int
    content: dict[str, object]
    decision: str
    signed_by: int
    signed_at: datetime


@dataclass(frozen=True)
class KapConsentRecord:
    """Consent given or withdrawn (``kind``: given | withdrawn), by whom and when."""

    id: int
    course_id: int
    kind: str
    at: datetime
    by: int


@dataclass(frozen=True)
class KapPreparationRecord:
    """A preparation module the patient completed."""

    id: int
    course_id: int
    module: str
    done_at: datetime
    done_by: int


@dataclass(frozen=True)
class KapSafetyPlanRecord:
    """The patient's safety plan for a course (``preparation.safety_plan_to_dict``)."""

    course_id: int
    content: dict[str, object]
    updated_at: datetime
    updated_by: int


@dataclass(frozen=True)
class KapSessionRecord:
    """One dosing session. ``kind``: in_office | at_home; ``record`` is the domain
    SessionRecord (``session_store.session_to_dict``); ``status``: draft | signed for an
    in-office session, open | completed for one at home; ``dose_number`` the course's
    dose it recorded."""

    id: int
    course_id: int
    kind: str
    dose_number: int
    record: dict[str, object]
    status: str
    dosed_at: datetime
    created_by: int
    created_at: datetime
    updated_at: datetime
    signed_by: int | None
    signed_at: datetime | None


@dataclass(frozen=True)
class KapRemsRecord:
    """The Spravato REMS monitoring record of one session (``spravato_to_dict``), with the
    session's course and patient (read through the session, not stored twice)."""

    id: int
    session_id: int
    course_id: int
    patient_id: int
    record: dict[str, object]
    submitted: bool
    submitted_on: date | None
    updated_at: datetime
    updated_by: int


@dataclass(frozen=True)
class KapGateRecord:
    """One pass through the at-home dosing-day gate, for the patient's local ``day``."""

    id: int
    course_id: int
    day: date
    at: datetime
    passed: bool
    answers: dict[str, object]
    result: dict[str, object]
    by: int


@dataclass(frozen=True)
class KapCheckinRecord:
    """A check-in during or after an at-home session. ``kind``: sitter | post_session;
    ``by``: sitter | patient (a sitter uses the patient's portal session); ``outcome`` what
    the patient or sitter was told and why the clinician was alerted."""

    id: int
    session_id: int
    kind: str
    by: str
    at: datetime
    answers: dict[str, object]
    stop: bool
    alert: bool
    outcome: dict[str, object]
    recorded_by: int
    recorded_at: datetime


@dataclass(frozen=True)
class KapIntegrationRecord:
    """The integration session after one dosing session: when it is scheduled, when it was
    held and its note (``integration_note_to_dict``)."""

    session_id: int
    scheduled_at: datetime | None
    scheduled_by: int | None
    completed_at: datetime | None
    completed_by: int | None
    note: dict[str, object] | None


@dataclass(frozen=True)
class KapJournalRecord:
    id: int
    course_id: int
    prompt_key: str
    prompt_text: str
    text: str
    written_at: datetime
    written_by: int


@dataclass(frozen=True)
class BreathworkPracticeRecord:
    """One breathwork practice (``practice_to_dict``) in a patient's log."""

    id: int
    patient_id: int
    entry: dict[str, object]
    recorded_at: datetime
    recorded_by: int


@dataclass(frozen=True)
class LoginSession:
    id: int
    token_hash: str
    user_id: int
    created_at: datetime
    expires_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True)
class AuditEvent:
    """One entry of the hash-chained audit log (see services/audit.py)."""

    seq: int
    at: datetime
    actor_user_id: int | None
    actor_role: str
    patient_id: int | None
    action: str
    outcome: str
    detail: str
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class ChainHead:
    """The last event of the audit chain: its sequence number and hash (0 and genesis)."""

    seq: int
    hash: str


# --- repositories --------------------------------------------------------------------------


class Clinics(Protocol):
    def add(self, *, name: str, created_at: datetime) -> Clinic: ...
    def get(self, clinic_id: int) -> Clinic | None: ...
    def all(self) -> list[Clinic]: ...


class Users(Protocol):
    def add(
        self,
        *,
        clinic_id: int,
        email: str,
        name: str,
        role: Role,
        password_hash: str,
        created_at: datetime,
    ) -> User: ...
    def get(self, user_id: int) -> User | None: ...
    def by_email(self, email: str) -> User | None:
        """The user with this email, compared case-insensitively."""
        ...

    def in_clinic(self, clinic_id: int) -> list[User]: ...
    def set_password_hash(self, user_id: int, password_hash: str) -> None: ...
    def set_active(self, user_id: int, active: bool) -> None: ...


class Patients(Protocol):
    def add(
        self,
        *,
        clinic_id: int,
        display_name: str,
        date_of_birth: date | None,
        sex: str | None,
        user_id: int | None,
        created_at: datetime,
    ) -> Patient: ...
    def get(self, patient_id: int) -> Patient | None: ...
    def by_user(self, user_id: int) -> Patient | None: ...
    def in_clinic(self, clinic_id: int) -> list[Patient]:
        """Every patient of the clinic, by display name."""
        ...

    def on_caseload_of(self, clinician_id: int) -> list[Patient]:
        """The clinician's caseload, by display name."""
        ...

    def add_to_caseload(self, clinician_id: int, patient_id: int, added_at: datetime) -> bool:
        """Link a clinician and a patient; False if they were already linked."""
        ...

    def is_on_caseload(self, clinician_id: int, patient_id: int) -> bool: ...
    def clinicians_of(self, patient_id: int) -> list[int]: ...


class Assignments(Protocol):
    def add(
        self,
        *,
        patient_id: int,
        instrument_id: str,
        every_days: int | None,
        starts_on: date,
        created_by: int,
        created_at: datetime,
    ) -> Assignment: ...
    def get(self, assignment_id: int) -> Assignment | None: ...
    def for_patient(self, patient_id: int, *, active_only: bool = True) -> list[Assignment]:
        """The patient's assignments, soonest due first."""
        ...

    def reschedule(self, assignment_id: int, *, next_due_on: date, active: bool) -> None: ...


class Drafts(Protocol):
    def get(self, assignment_id: int) -> Draft | None: ...
    def put(self, assignment_id: int, answers: Answers, updated_at: datetime) -> Draft: ...
    def delete(self, assignment_id: int) -> None: ...


class Responses(Protocol):
    def add(self, response: NewResponse) -> StoredResponse: ...
    def get(self, response_id: int) -> StoredResponse | None: ...
    def for_patient(self, patient_id: int) -> list[StoredResponse]:
        """Every response of the patient, newest first."""
        ...


class Flags(Protocol):
    def add(
        self,
        *,
        patient_id: int,
        response_id: int | None,
        kind: str,
        message: str,
        raised_at: datetime,
    ) -> Flag: ...
    def get(self, flag_id: int) -> Flag | None: ...
    def open_for_patient(self, patient_id: int) -> list[Flag]:
        """Flags nobody has acknowledged yet, oldest first."""
        ...

    def link_response(self, flag_id: int, response_id: int) -> Flag:
        """Tie a flag raised while a form was being filled in to the response sent later."""
        ...

    def acknowledge(self, flag_id: int, *, at: datetime, by: int, note: str | None) -> Flag: ...


class Intakes(Protocol):
    def add(
        self, *, patient_id: int, opened_by: int, opened_at: datetime, answers: dict[str, object]
    ) -> IntakeRecord: ...
    def get(self, intake_id: int, *, for_update: bool = False) -> IntakeRecord | None:
        """``for_update``: read it afresh and hold a row lock until the transaction ends."""
        ...

    def latest_for_patient(
        self, patient_id: int, *, submitted_only: bool = False
    ) -> IntakeRecord | None:
        """The newest intake of the patient (open or submitted, or submitted only)."""
        ...

    def save_answers(
        self,
        intake_id: int,
        *,
        answers: dict[str, object],
        sections_done: tuple[str, ...],
        updated_at: datetime,
    ) -> IntakeRecord: ...
    def submit(self, intake_id: int, *, at: datetime, by: int) -> IntakeRecord: ...


class Formulations(Protocol):
    def add(
        self,
        *,
        patient_id: int,
        number: int,
        content: dict[str, object],
        author_user_id: int,
        author_role: str,
        created_at: datetime,
    ) -> FormulationRecord:
        """Store a version; a second version with the same number is a Conflict."""
        ...

    def for_patient(self, patient_id: int) -> list[FormulationRecord]:
        """Every version of the patient's cycle, oldest first."""
        ...


class Recommendations(Protocol):
    def add(
        self,
        *,
        patient_id: int,
        created_at: datetime,
        content: dict[str, object],
        rules_version: str,
        level: str,
        status: str,
    ) -> RecommendationRecord: ...
    def get(
        self, recommendation_id: int, *, for_update: bool = False
    ) -> RecommendationRecord | None:
        """``for_update``: read it afresh and hold a row lock until the transaction ends."""
        ...

    def for_patient(self, patient_id: int) -> list[RecommendationRecord]:
        """Every recommendation of the patient, oldest first."""
        ...

    def set_status(self, recommendation_id: int, status: str) -> RecommendationRecord: ...
    def decide(
        self,
        recommendation_id: int,
        *,
        status: str,
        by: int,
        at: datetime,
        final_level: str,
        rationale: str | None,
    ) -> RecommendationRecord: ...


class TreatmentPlans(Protocol):
    def add(
        self,
        *,
        patient_id: int,
        version: int,
        content: dict[str, object],
        status: str,
        created_by: int,
        created_at: datetime,
    ) -> PlanRecord:
        """Store a new version; a second plan with the same version is a Conflict."""
        ...

    def get(self, plan_id: int, *, for_update: bool = False) -> PlanRecord | None:
        """``for_update``: read it afresh and hold a row lock until the transaction ends."""
        ...

    def latest_for_patient(self, patient_id: int) -> PlanRecord | None: ...
    def for_patient(self, patient_id: int) -> list[PlanRecord]:
        """Every version of the patient's plan, oldest first."""
        ...

    def update(
        self, plan_id: int, *, content: dict[str, object], status: str, updated_at: datetime
    ) -> PlanRecord: ...


class Ledger(Protocol):
    """The controlled-substance ledger. Entries, counts and inventories are append-only
    (database triggers refuse UPDATE and DELETE); a lot's balance moves only through
    :meth:`append`, and the database refuses a balance below zero."""

    def lock_book(self, clinic_id: int) -> LedgerBook:
        """The clinic's book (made on first use), locked until the transaction ends. Every
        ledger write takes this lock first, so writes to one clinic's ledger queue up."""
        ...

    def book(self, clinic_id: int) -> LedgerBook:
        """The book as stored, without locking it (0 entries before the first)."""
        ...

    def add_lot(
        self,
        *,
        clinic_id: int,
        lot: str,
        description: str,
        mg_per_ml: str | None,
        created_at: datetime,
    ) -> LedgerLot:
        """A new lot with a balance of 0 (a second lot with the same number is a Conflict)."""
        ...

    def lot(self, lot_id: int, *, for_update: bool = False) -> LedgerLot | None: ...
    def lot_named(self, clinic_id: int, lot: str, *, for_update: bool = False) -> LedgerLot | None:
        """The clinic's lot with this number (``for_update``: locked)."""
        ...

    def lots(self, clinic_id: int) -> list[LedgerLot]:
        """Every lot of the clinic, by lot number."""
        ...

    def append(self, entry: NewLedgerEntry) -> LedgerEntryRecord:
        """Insert the entry, move its lot's balance by ``change_ug`` in one statement that
        refuses to take it below zero (Conflict), and advance the book. Call after
        :meth:`lock_book`, inside the same transaction."""
        ...

    def entry(self, clinic_id: int, number: int) -> LedgerEntryRecord | None: ...
    def entries(
        self, clinic_id: int, *, lot_id: int | None = None, upto: datetime | None = None
    ) -> list[LedgerEntryRecord]:
        """The clinic's entries in order (of one lot; recorded at or before ``upto``)."""
        ...

    def add_count(
        self,
        *,
        clinic_id: int,
        counted_at: datetime,
        counted_by: int,
        through_entry: int,
        note: str,
        lines: tuple[LedgerCountLine, ...],
    ) -> LedgerCountRecord: ...
    def count(self, count_id: int) -> LedgerCountRecord | None: ...
    def counts(self, clinic_id: int) -> list[LedgerCountRecord]:
        """The clinic's counts, newest first."""
        ...

    def add_inventory(
        self,
        *,
        clinic_id: int,
        as_of: datetime,
        taken_at: str,
        registrant_dea: str,
        taken_by: int,
        created_at: datetime,
    ) -> LedgerInventoryRecord: ...
    def inventory(self, inventory_id: int) -> LedgerInventoryRecord | None: ...
    def inventories(self, clinic_id: int) -> list[LedgerInventoryRecord]:
        """The clinic's inventories, the latest ``as_of`` first."""
        ...


class Kap(Protocol):
    """The KAP records of every course. Course events are append-only: :meth:`add_event`
    takes the next ``seq`` and a second event with the same number is a Conflict."""

    def add_course(
        self,
        *,
        patient_id: int,
        program: str,
        protocol: dict[str, object],
        status: str,
        opened_by: int,
        opened_at: datetime,
    ) -> KapCourseRecord: ...
    def course(self, course_id: int, *, for_update: bool = False) -> KapCourseRecord | None:
        """``for_update``: read it afresh and hold a row lock until the transaction ends."""
        ...

    def courses_for_patient(self, patient_id: int) -> list[KapCourseRecord]:
        """Every course of the patient, oldest first."""
        ...

    def set_course_status(self, course_id: int, *, status: str, updated_at: datetime) -> None: ...
    def add_event(
        self,
        *,
        course_id: int,
        seq: int,
        kind: str,
        at: datetime,
        data: dict[str, object],
        recorded_by: int | None,
        recorded_at: datetime,
    ) -> KapEventRecord: ...
    def events(self, course_id: int) -> list[KapEventRecord]:
        """The course's events by ``seq``."""
        ...

    def add_eligibility(
        self,
        *,
        course_id: int,
        result: dict[str, object],
        outcome: str,
        digest: str,
        assessed_by: int,
        assessed_at: datetime,
    ) -> KapEligibilityRecord: ...
    def eligibility(self, eligibility_id: int) -> KapEligibilityRecord | None: ...
    def eligibilities(self, course_id: int) -> list[KapEligibilityRecord]:
        """Oldest first."""
        ...

    def add_signoff(
        self,
        *,
        course_id: int,
        eligibility_id: int,
        content: dict[str, object],
        decision: str,
        signed_by: int,
        signed_at: datetime,
    ) -> KapSignOffRecord: ...
    def signoffs(self, course_id: int) -> list[KapSignOffRecord]:
        """Oldest first."""
        ...

    def add_consent(
        self, *, course_id: int, kind: str, at: datetime, by: int
    ) -> KapConsentRecord: ...
    def consents(self, course_id: int) -> list[KapConsentRecord]:
        """Oldest first."""
        ...

    def add_preparation(
        self, *, course_id: int, module: str, done_at: datetime, done_by: int
    ) -> KapPreparationRecord:
        """A module done twice is a Conflict."""
        ...

    def preparations(self, course_id: int) -> list[KapPreparationRecord]: ...
    def put_safety_plan(
        self, *, course_id: int, content: dict[str, object], updated_at: datetime, updated_by: int
    ) -> KapSafetyPlanRecord: ...
    def safety_plan(self, course_id: int) -> KapSafetyPlanRecord | None: ...
    def add_session(
        self,
        *,
        course_id: int,
        kind: str,
        dose_number: int,
        record: dict[str, object],
        status: str,
        dosed_at: datetime,
        created_by: int,
        created_at: datetime,
    ) -> KapSessionRecord: ...
    def session(self, session_id: int, *, for_update: bool = False) -> KapSessionRecord | None: ...
    def sessions(self, course_id: int) -> list[KapSessionRecord]:
        """By dose number."""
        ...

    def update_session(
        self,
        session_id: int,
        *,
        record: dict[str, object],
        status: str,
        updated_at: datetime,
        signed_by: int | None = None,
        signed_at: datetime | None = None,
    ) -> KapSessionRecord: ...
    def put_rems(
        self,
        *,
        session_id: int,
        record: dict[str, object],
        submitted: bool,
        submitted_on: date | None,
        updated_at: datetime,
        updated_by: int,
    ) -> KapRemsRecord: ...
    def rems(self, session_id: int) -> KapRemsRecord | None: ...
    def rems_in_clinic(
        self, clinic_id: int, *, submitted: bool | None = None
    ) -> list[KapRemsRecord]:
        """The clinic's REMS records (only those submitted or not, when asked), by session."""
        ...

    def add_gate(
        self,
        *,
        course_id: int,
        day: date,
        at: datetime,
        passed: bool,
        answers: dict[str, object],
        result: dict[str, object],
        by: int,
    ) -> KapGateRecord: ...
    def gates(self, course_id: int) -> list[KapGateRecord]:
        """Oldest first."""
        ...

    def add_checkin(
        self,
        *,
        session_id: int,
        kind: str,
        by: str,
        at: datetime,
        answers: dict[str, object],
        stop: bool,
        alert: bool,
        outcome: dict[str, object],
        recorded_by: int,
        recorded_at: datetime,
    ) -> KapCheckinRecord: ...
    def checkins(self, session_id: int) -> list[KapCheckinRecord]:
        """By time."""
        ...

    def integration(self, session_id: int) -> KapIntegrationRecord | None: ...
    def schedule_integration(
        self, *, session_id: int, at: datetime, by: int
    ) -> KapIntegrationRecord: ...
    def complete_integration(
        self, *, session_id: int, at: datetime, by: int, note: dict[str, object]
    ) -> KapIntegrationRecord: ...
    def add_journal(
        self,
        *,
        course_id: int,
        prompt_key: str,
        prompt_text: str,
        text: str,
        written_at: datetime,
        written_by: int,
    ) -> KapJournalRecord: ...
    def journal(self, course_id: int) -> list[KapJournalRecord]:
        """Newest first."""
        ...

    def add_practice(
        self, *, patient_id: int, entry: dict[str, object], recorded_at: datetime, recorded_by: int
    ) -> BreathworkPracticeRecord: ...
    def practice(self, patient_id: int) -> list[BreathworkPracticeRecord]:
        """Newest first."""
        ...


class Sessions(Protocol):
    def add(
        self, *, token_hash: str, user_id: int, created_at: datetime, expires_at: datetime
    ) -> LoginSession: ...
    def by_token_hash(self, token_hash: str) -> LoginSession | None: ...
    def end(self, session_id: int, at: datetime) -> None: ...


class AuditLog(Protocol):
    def lock_head(self) -> ChainHead:
        """Read the chain head and hold a lock on it until the transaction ends.

        Two transactions appending at once therefore queue up instead of forking the chain.
        """
        ...

    def append(self, event: AuditEvent) -> None:
        """Insert the event and make it the new chain head (after :meth:`lock_head`)."""
        ...

    def head(self) -> ChainHead:
        """The chain head as stored, without locking it."""
        ...

    def in_order(self) -> Iterator[AuditEvent]:
        """Every event by sequence number."""
        ...

    def for_patient(self, patient_id: int) -> list[AuditEvent]: ...


class UnitOfWork(Protocol):
    """One transaction and the repositories that work inside it."""

    @property
    def clinics(self) -> Clinics: ...
    @property
    def users(self) -> Users: ...
    @property
    def patients(self) -> Patients: ...
    @property
    def assignments(self) -> Assignments: ...
    @property
    def drafts(self) -> Drafts: ...
    @property
    def responses(self) -> Responses: ...
    @property
    def flags(self) -> Flags: ...
    @property
    def sessions(self) -> Sessions: ...
    @property
    def audit(self) -> AuditLog: ...
    @property
    def intakes(self) -> Intakes: ...
    @property
    def formulations(self) -> Formulations: ...
    @property
    def recommendations(self) -> Recommendations: ...
    @property
    def plans(self) -> TreatmentPlans: ...
    @property
    def ledger(self) -> Ledger: ...
    @property
    def kap(self) -> Kap: ...
    @property
    def monitoring(self) -> Monitoring:
        """Daily check-ins, time zones, reminder times and the email outbox."""
        ...

    @property
    def alerts(self) -> Alerts: ...
    @property
    def instruments(self) -> InstrumentLibrary:
        """The instruments this clinic uses: the shipped ones plus any it added."""
        ...

    @property
    def clinic_timezone(self) -> tzinfo:
        """The clinic's time zone: where a day (an at-home dosing day, a due date) begins."""
        ...

    @property
    def kap_settings(self) -> KapSettings:
        """The clinic's vital-sign thresholds and at-home rules (shipped defaults unless set)."""
        ...

    @property
    def risk_settings(self) -> RiskSettings:
        """The clinic's relapse-risk thresholds per program (Attune's starting points unless
        set)."""
        ...

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
