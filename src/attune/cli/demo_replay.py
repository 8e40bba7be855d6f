"""Replay the demo clinic's synthetic events through the service functions.

Each event of :mod:`attune.sim.demo_history` and :mod:`attune.sim.demo_care` is played
with the clock set to its moment, as the person it names (the patient in the portal or
their clinician), so scores, flags, recommendations, plans and the audit chain are made
exactly as real ones would be. Nothing here writes to the database any other way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from argon2 import PasswordHasher

from attune.domain.formulation import AuthorRole
from attune.domain.instruments import list_instruments
from attune.domain.intake import Intake
from attune.domain.intake import to_dict as intake_to_dict
from attune.domain.kap.vitals import VitalsReading
from attune.services import (
    alerts,
    assignments,
    formulation,
    intake,
    kap_course,
    kap_home,
    kap_integration,
    kap_sessions,
    ledger,
    ledger_reports,
    levelofcare,
    plans,
    records,
    responses,
    users,
)
from attune.services.actors import Actor, Role
from attune.services.checkins import CHECKIN_SOURCE
from attune.services.clock import FixedClock
from attune.services.ports import UnitOfWork
from attune.services.ports_monitoring import AlertKind, AlertStatus
from attune.sim.demo_care import (
    CareEvent,
    CycleSaved,
    Decision,
    DemoCare,
    IntakeOpened,
    IntakeSitting,
    IntakeSubmitted,
    LevelReview,
    PlanAcknowledged,
    PlanAgreed,
    PlanSaved,
    override_for,
)
from attune.sim.demo_history import (
    RECURRING,
    DemoAcknowledgement,
    DemoHistory,
    DemoPatient,
    DemoResponse,
    intake_instruments,
)
from attune.sim.demo_kap import (
    REGISTRANT_DEA,
    SUPPLIER,
    SUPPLIER_DEA,
    AfterCheckin,
    BreathworkLogged,
    ConsentGiven,
    CourseOpened,
    DemoKap,
    Discharged,
    DoseStarted,
    EligibilityChecked,
    EligibilitySigned,
    GateChecked,
    HomeDoseTaken,
    IntegrationBooked,
    IntegrationHeld,
    JournalWritten,
    KapStep,
    LedgerStep,
    ModuleDone,
    Rated,
    RemsFilled,
    RemsSubmitted,
    SafetyPlanSaved,
    SessionSigned,
    SitterCheckedIn,
    StockAdministered,
    StockCounted,
    StockInventoried,
    StockReceived,
    StockWasted,
    VitalsTaken,
)

#: The demo hashes its logins at argon2's lowest cost: every demo password is printed on
#: screen, and the default cost would spend several seconds of every build on hashing.
#: ``log_in`` upgrades a hash to the default cost the first time someone logs in with it.
DEMO_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@dataclass(frozen=True)
class Join:
    """A patient joins: their clinician creates them and assigns the questionnaires."""

    patient: DemoPatient

    @property
    def at(self) -> datetime:
        return self.patient.joined


Event = Join | DemoResponse | DemoAcknowledgement | CareEvent | KapStep | LedgerStep


def intake_sections(answers: Intake, keys: tuple[str, ...]) -> dict[str, dict[str, object]]:
    """The answers of each section in ``keys`` as ``intake.save_intake_section`` takes them."""
    stored = intake_to_dict(answers)
    sections: dict[str, dict[str, object]] = {}
    for key in keys:
        value = stored[key]
        if key in intake.VALUE_SECTIONS:
            sections[key] = {key: value}
        else:
            assert isinstance(value, dict)
            sections[key] = dict(value)
    return sections


@dataclass
class Counts:
    responses: int = 0
    intakes: int = 0
    reviews: int = 0
    overrides: int = 0
    cycles: int = 0
    plans: set[int] = field(default_factory=set)
    courses: int = 0
    sessions: int = 0
    ledger_entries: int = 0


class Replay:
    """Plays the history and the care path through the services, one moment at a time."""

    def __init__(
        self,
        uow: UnitOfWork,
        history: DemoHistory,
        care: DemoCare,
        kap: DemoKap,
        clock: FixedClock,
        password: str,
    ) -> None:
        self.uow = uow
        self.history = history
        self.care = care
        self.kap = kap
        self.clock = clock
        self.password = password
        self.by_key = {p.key: p for p in history.patients}
        self.clinicians: list[Actor] = []
        self.patients: dict[str, tuple[int, Actor]] = {}
        self.assignment_ids: dict[tuple[str, str], int] = {}
        self.intake_ids: dict[str, int] = {}
        self.plan_ids: dict[str, int] = {}
        self.course_ids: dict[str, int] = {}
        self.eligibility_ids: dict[str, int] = {}
        self.session_ids: dict[tuple[str, int], int] = {}
        self.lot_ids: dict[str, int] = {}
        self.counts = Counts()
        self.known = {i.id: i for i in list_instruments()}
        self._early_readings: dict[str, list[VitalsReading]] = {}
        self._answered = {
            (e.patient, e.instrument_id) for e in history.events if isinstance(e, DemoResponse)
        }

    # --- people ---------------------------------------------------------------------------

    def staff(self) -> int:
        uow, clock, history = self.uow, self.clock, self.history
        clinic = users.create_clinic(uow, history.clinic_name, clock)
        for person in (history.admin, *history.clinicians):
            info = users.create_staff_user(
                uow,
                None,
                email=person.email,
                name=person.name,
                role=person.role,
                password=self.password,
                clinic_id=clinic.id,
                clock=clock,
                hasher=DEMO_HASHER,
            )
            actor = Actor(info.id, clinic.id, info.role, info.name)
            if info.role is Role.CLINICIAN:
                self.clinicians.append(actor)
            else:
                self.admin = actor
        return clinic.id

    def clinician_of(self, key: str) -> Actor:
        return self.clinicians[self.by_key[key].clinician]

    def patient_id(self, key: str) -> int:
        return self.patients[key][0]

    def patient_actor(self, key: str) -> Actor:
        return self.patients[key][1]

    def join(self, patient: DemoPatient) -> None:
        clinician = self.clinicians[patient.clinician]
        info = users.create_patient(
            self.uow,
            clinician,
            display_name=patient.display_name,
            email=patient.email,
            password=self.password,
            date_of_birth=patient.date_of_birth,
            sex=patient.sex,
            clock=self.clock,
            hasher=DEMO_HASHER,
        )
        assert info.user_id is not None
        actor = Actor(info.user_id, info.clinic_id, Role.PATIENT, info.display_name, info.id)
        self.patients[patient.key] = (info.id, actor)
        starts = patient.joined.date()
        plan: list[tuple[str, int | None]] = [(i, every) for i, every in RECURRING]
        if patient.key not in self.care.submitted:
            # No intake to choose them: the clinician assigns the intake questionnaires.
            plan = [(i, None) for i in intake_instruments(patient, self.known)] + plan
        for instrument_id, every_days in plan:
            if (patient.key, instrument_id) not in self._answered:
                continue
            assignment = assignments.assign_instrument(
                self.uow, clinician, info.id, instrument_id, every_days, starts, self.clock
            )
            self.assignment_ids[(patient.key, instrument_id)] = assignment.id

    # --- questionnaires -------------------------------------------------------------------

    def respond(self, event: DemoResponse) -> None:
        responses.submit_response(
            self.uow,
            self.patient_actor(event.patient),
            self.patient_id(event.patient),
            event.instrument_id,
            event.answers,
            self.clock,
            assignment_id=self.assignment_ids.get((event.patient, event.instrument_id)),
        )
        self.counts.responses += 1

    def acknowledge(self, event: DemoAcknowledgement) -> None:
        clinician = self.clinician_of(event.patient)
        record = records.patient_record(
            self.uow, clinician, self.patient_id(event.patient), self.clock
        )
        for flag in record.open_flags:
            responses.acknowledge_flag(self.uow, clinician, flag.id, self.clock, note=event.note)
        # The follow-up is done, so the safety alerts the answers raised are closed too.
        for alert in alerts.patient_alerts(self.uow, clinician, record.patient.id, self.clock):
            if (
                alert.kind is AlertKind.SAFETY
                and alert.source != CHECKIN_SOURCE  # the check-in replay handles those
                and alert.status is not AlertStatus.RESOLVED
            ):
                alerts.resolve_alert(self.uow, clinician, alert.id, event.note, self.clock)

    # --- the care path --------------------------------------------------------------------

    def care_event(self, event: CareEvent) -> None:
        key = event.patient
        clinician, me, patient_id = (
            self.clinician_of(key),
            self.patient_actor(key),
            self.patient_id(key),
        )
        uow, clock = self.uow, self.clock
        if isinstance(event, IntakeOpened):
            self.intake_ids[key] = intake.open_intake(uow, clinician, patient_id, clock).id
        elif isinstance(event, IntakeSitting):
            for section, answers in intake_sections(event.intake, event.sections).items():
                intake.save_intake_section(uow, me, self.intake_ids[key], section, answers, clock)
        elif isinstance(event, IntakeSubmitted):
            intake.submit_intake(uow, me, self.intake_ids[key], clock)
            self.counts.intakes += 1
        elif isinstance(event, LevelReview):
            self.review(event, clinician, patient_id)
        elif isinstance(event, CycleSaved):
            author = me if event.author is AuthorRole.PATIENT else clinician
            formulation.save_formulation(
                uow, author, patient_id, event.formulation, clock, event.author
            )
            self.counts.cycles += 1
        elif isinstance(event, PlanSaved):
            saved = plans.save_plan(uow, clinician, patient_id, event.plan, clock)
            self.plan_ids[key] = saved.id
            self.counts.plans.add(patient_id)
        elif isinstance(event, PlanAgreed):
            plans.agree_plan(uow, clinician, self.plan_ids[key], clock)
        else:
            assert isinstance(event, PlanAcknowledged)
            plans.acknowledge_plan(uow, me, self.plan_ids[key], clock)

    def review(self, event: LevelReview, clinician: Actor, patient_id: int) -> None:
        view = levelofcare.level_of_care(self.uow, clinician, patient_id, self.clock)
        current = view.current
        if current is None or not current.pending:
            return
        if event.decision is Decision.OVERRIDE:
            level, rationale = override_for(current.level, event.variant)
            levelofcare.decide_recommendation(
                self.uow,
                clinician,
                current.id,
                levelofcare.Decision.OVERRIDE,
                self.clock,
                level=level,
                rationale=rationale,
            )
            self.counts.overrides += 1
        else:
            levelofcare.decide_recommendation(
                self.uow, clinician, current.id, levelofcare.Decision.ACCEPT, self.clock
            )
        self.counts.reviews += 1

    # --- ketamine-assisted psychotherapy ---------------------------------------------------

    def kap_step(self, step: KapStep) -> None:
        key = step.patient
        staff, me = self.clinician_of(key), self.patient_actor(key)
        uow, clock = self.uow, self.clock
        course = self.course_ids.get(key, 0)
        if isinstance(step, CourseOpened):
            opened = kap_course.open_course(uow, staff, self.patient_id(key), step.program, clock)
            self.course_ids[key] = opened.id
            self.counts.courses += 1
        elif isinstance(step, EligibilityChecked):
            checked = kap_course.assess_eligibility(
                uow, staff, course, step.blood_pressure, step.at_home, clock
            )
            self.eligibility_ids[key] = checked.id
        elif isinstance(step, EligibilitySigned):
            kap_course.sign_off_eligibility(
                uow, staff, course, self.eligibility_ids[key], "approve", step.note, clock
            )
        elif isinstance(step, ConsentGiven):
            kap_course.record_consent(uow, me, course, clock)
        elif isinstance(step, ModuleDone):
            kap_course.complete_preparation(uow, me, course, step.key, clock)
        elif isinstance(step, SafetyPlanSaved):
            kap_course.save_safety_plan(uow, me, course, step.plan, clock)
        elif isinstance(step, BreathworkLogged):
            kap_integration.log_practice(uow, me, step.entry, clock)
        elif isinstance(step, JournalWritten):
            kap_integration.save_journal_entry(uow, me, course, "free", step.text, clock)
        elif isinstance(step, GateChecked):
            gate = kap_home.dosing_day_gate(uow, me, course, step.answers, clock)
            assert gate.passed, gate.blockers
        elif isinstance(step, HomeDoseTaken):
            dosed = kap_home.record_home_dose(uow, me, course, step.at, clock)
            self.session_ids[(key, step.dose)] = dosed.id
            self.counts.sessions += 1
        else:
            self.session_step(step, staff, me, course)

    def session_step(self, step: KapStep, staff: Actor, me: Actor, course: int) -> None:
        """A step of one dose's session (in the office or at home)."""
        uow, clock = self.uow, self.clock
        if isinstance(step, DoseStarted):
            started = kap_sessions.start_session(
                uow, staff, course, step.route, step.dose_mg, None, step.weight_kg, step.lot,
                step.at, clock,
            )  # fmt: skip
            self.session_ids[(step.patient, step.dose)] = started.id
            self.counts.sessions += 1
            for reading in self._early_readings.pop(step.patient, []):
                kap_sessions.record_vitals(uow, staff, started.id, reading, clock)
            return
        if isinstance(step, VitalsTaken) and (step.patient, step.dose) not in self.session_ids:
            # The baseline is taken before the dose starts the session's record.
            self._early_readings.setdefault(step.patient, []).append(step.reading)
            return
        session = self.session_ids[(step.patient, step.dose)]  # type: ignore[union-attr]
        if isinstance(step, VitalsTaken):
            kap_sessions.record_vitals(uow, staff, session, step.reading, clock)
        elif isinstance(step, Rated):
            kap_sessions.record_rating(uow, staff, session, step.rating, clock)
        elif isinstance(step, Discharged):
            kap_sessions.update_discharge(uow, staff, session, step.checklist, step.at, clock)
        elif isinstance(step, SessionSigned):
            kap_sessions.sign_session(uow, staff, session, clock)
        elif isinstance(step, IntegrationBooked):
            kap_integration.schedule_integration(uow, staff, session, step.for_at, clock)
        elif isinstance(step, IntegrationHeld):
            kap_integration.complete_integration(
                uow, staff, session, step.notes, step.insights, step.commitments, (), clock
            )
        elif isinstance(step, SitterCheckedIn):
            kap_home.sitter_checkin(uow, me, session, step.checkin, clock)
        elif isinstance(step, AfterCheckin):
            kap_home.post_session_checkin(uow, me, session, step.checkin, clock)
        elif isinstance(step, RemsFilled):
            kap_sessions.update_rems(uow, staff, session, step.fields, clock)
        else:
            assert isinstance(step, RemsSubmitted)
            kap_sessions.mark_rems_submitted(
                uow, staff, session, step.confirmation, step.at.date(), clock
            )

    def ledger_step(self, step: LedgerStep) -> None:
        uow, clock = self.uow, self.clock
        if isinstance(step, StockReceived):
            ledger.record_receipt(
                uow,
                self.admin,
                lot=step.lot,
                description=step.description,
                supplier=SUPPLIER,
                supplier_dea=SUPPLIER_DEA,
                quantity=step.mg,
                mg_per_ml=step.mg_per_ml,
                clock=clock,
            )
            self.lot_ids = {lot.lot: lot.id for lot in ledger.lots(uow, self.admin)}
        elif isinstance(step, StockAdministered):
            session = self.session_ids[(step.patient, step.dose)]
            ledger.record_use(
                uow,
                self.clinician_of(step.patient),
                kind="administration",
                lot_id=self.lot_ids[step.lot],
                quantity=step.mg,
                session_ref=f"KAP session {session} (dose {step.dose})",
                patient_id=self.patient_id(step.patient),
                clock=clock,
            )
        elif isinstance(step, StockWasted):
            by = self.clinician_of(step.patient)
            witness = next(c for c in self.clinicians if c.user_id != by.user_id)
            ledger.record_waste(
                uow,
                by,
                lot_id=self.lot_ids[step.lot],
                quantity=step.mg,
                reason=step.reason,
                witness_id=witness.user_id,
                witness_password=self.password,
                clock=clock,
            )
        elif isinstance(step, StockInventoried):
            ledger_reports.take_inventory(
                uow,
                self.admin,
                as_of=step.at,
                taken_at="close_of_business",
                registrant_dea=REGISTRANT_DEA,
                clock=clock,
            )
        else:
            assert isinstance(step, StockCounted)
            on_hand = {
                lot.lot: Decimal(lot.balance_ug) / 1000 for lot in ledger.lots(uow, self.admin)
            }
            ledger_reports.record_count(uow, self.admin, on_hand, clock, note=step.note)
        self.counts.ledger_entries += 1

    # --- playing --------------------------------------------------------------------------

    def play(self, event: Event) -> None:
        self.clock.set(event.at)
        if isinstance(event, Join):
            self.join(event.patient)
        elif isinstance(event, DemoResponse):
            self.respond(event)
        elif isinstance(event, DemoAcknowledgement):
            self.acknowledge(event)
        elif isinstance(event, LEDGER_STEPS):
            self.ledger_step(event)
        elif isinstance(event, KAP_STEPS):
            self.kap_step(event)
        else:
            self.care_event(event)


LEDGER_STEPS = (StockReceived, StockAdministered, StockWasted, StockCounted, StockInventoried)
KAP_STEPS = (
    CourseOpened, EligibilityChecked, EligibilitySigned, ConsentGiven, ModuleDone,
    SafetyPlanSaved, DoseStarted, VitalsTaken, Rated, Discharged, SessionSigned,
    IntegrationBooked, IntegrationHeld, GateChecked, HomeDoseTaken, SitterCheckedIn,
    AfterCheckin, RemsFilled, RemsSubmitted, JournalWritten, BreathworkLogged,
)  # fmt: skip


def timeline(history: DemoHistory, care: DemoCare, kap: DemoKap) -> list[Event]:
    """Every event in the order it happens (a patient joins before anything of theirs)."""
    events: list[Event] = [Join(p) for p in history.patients]
    events += history.events
    events += care.events
    events += kap.steps
    order = {Join: 0, IntakeOpened: 1, IntakeSitting: 2, IntakeSubmitted: 3}
    events.sort(key=lambda e: (e.at, order.get(type(e), 9)))
    return events
