"""Small builders for tests that need a clinic with people in it.

Import as ``from factories import make_clinic`` (pytest puts ``tests/`` on the path for
``tests/conftest.py``); the ``setup`` fixture in conftest gives a ready-made clinic.

Everything goes through the real services (so the audit log and caseloads are right) on
the database the test's ``uow`` points at. Passwords are hashed with :data:`FAST_HASHER`
(argon2id at its lowest cost) so a test does not spend a tenth of a second per user;
``log_in`` checks them the same way as production hashes.

``make_clinic(uow, clock, name="Harbour", patients=2)`` -> :class:`ClinicSetup` with

* ``clinic``, ``admin``, ``clinician`` and ``other_clinician`` (staff ``UserInfo``);
* ``patients``: patient 0 is on ``clinician``'s caseload, patient 1 on
  ``other_clinician``'s, any further ones on nobody's; every patient has a portal login
  (``patient0@harbour.example.org`` …) and patient 0 is ``female``;
* actors for each (``admin_actor``, ``clinician_actor``, ``other_clinician_actor``,
  ``patient_actor(i)``), built without logging in.

Every user's password is :data:`PASSWORD`; emails are ``admin@<slug>.example.org``,
``clinician@…``, ``other@…``, ``patient<i>@…`` where ``slug`` is the clinic name
lower-cased with spaces removed, so two clinics in one database do not clash.

``phq9(total=…, item9=…)`` builds a complete PHQ-9 answer set with the given total and
item 9; ``T0`` is the fixed time the ``clock`` fixture starts at.

Intake helpers (issue 3), for service, web and browser tests alike:

* ``complete_intake(today, **changes)`` -> a complete, valid domain ``Intake`` (one
  alcohol addiction used 4 days a week, 3 standard drinks, last used the day before
  ``today``; nothing in the history that raises a safety action); pass any ``Intake``
  field to change it, e.g. ``complete_intake(today, goals="…")``;
* ``intake_sections(intake)`` -> ``{section_key: answers}``: exactly what
  ``services.intake.save_intake_section`` takes for each section, in form order;
* ``fill_intake(uow, actor, intake_id, clock, intake=None)`` saves every section (as the
  actor: the patient in the portal, or a clinician) and returns the last ``IntakeView``;
* ``submitted_intake(uow, setup, clock, patient=0, intake=None)`` opens an intake as the
  patient's clinician, fills it in as the patient and submits it as the patient, so the
  battery is assigned and the first level-of-care recommendation waits for review.

Ledger (issue 4): ``receive_stock(uow, setup, clock, lot="K-1", mg="500", mg_per_ml="50")``
records a receipt as the admin (supplier DEA number :data:`LEDGER_DEA`).

KAP (issue 4), for service, web and browser tests alike:

* ``eligible_course(uow, setup, clock, patient=0, program="in_office")`` -> a
  ``kap_course.CourseView`` ready for its first dose: intake submitted (unless one is)
  and a PHQ-9 answered, the course opened, eligibility checked (122/78; at home every
  answer yes) and approved by the patient's clinician, consent given and every
  preparation module done by the patient (safety plan :data:`KAP_SAFETY_PLAN`). The
  clock is not moved: a test moves it before the first dose if it wants time to pass.
  ``program`` is ``in_office``, ``at_home`` or ``spravato_in_office``;
* ``kap_staff(setup, patient=0)`` -> the staff actor who looks after that patient.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from argon2 import PasswordHasher

from attune.domain.intake import (
    Addiction,
    AddictionType,
    AmountUnit,
    AttemptHistory,
    EpisodeHistory,
    Intake,
    LiverDisease,
    MedicalHistory,
    Medications,
    MentalHealthHistory,
    Pregnancy,
    Readiness,
    SelfHarm,
    Situation,
    Stage,
    Support,
    TreatmentHistory,
    WithdrawalHistory,
)
from attune.domain.intake import to_dict as intake_to_dict
from attune.domain.kap.eligibility_model import AtHomeAnswers
from attune.domain.kap.preparation import Contact, SafetyPlan
from attune.services import intake as intake_service
from attune.services import kap_course, ledger, responses, users
from attune.services.actors import Actor, Role
from attune.services.clock import Clock
from attune.services.ledger_common import EntryView
from attune.services.ports import UnitOfWork
from attune.services.users import ClinicInfo, PatientInfo, UserInfo

FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD = "correct horse battery"
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def staff_actor(user: UserInfo) -> Actor:
    return Actor(user.id, user.clinic_id, user.role, user.name, None)


def patient_actor(patient: PatientInfo) -> Actor:
    if patient.user_id is None:
        raise ValueError(f"patient {patient.id} has no portal login")
    return Actor(patient.user_id, patient.clinic_id, Role.PATIENT, patient.display_name, patient.id)


@dataclass(frozen=True)
class ClinicSetup:
    clinic: ClinicInfo
    admin: UserInfo
    clinician: UserInfo
    other_clinician: UserInfo
    patients: tuple[PatientInfo, ...]

    @property
    def admin_actor(self) -> Actor:
        return staff_actor(self.admin)

    @property
    def clinician_actor(self) -> Actor:
        return staff_actor(self.clinician)

    @property
    def other_clinician_actor(self) -> Actor:
        return staff_actor(self.other_clinician)

    def patient_actor(self, index: int = 0) -> Actor:
        return patient_actor(self.patients[index])

    def email(self, who: str) -> str:
        return f"{who}@{_slug(self.clinic.name)}.example.org"


def _slug(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def make_clinic(
    uow: UnitOfWork, clock: Clock, *, name: str = "Harbour", patients: int = 2
) -> ClinicSetup:
    """A clinic with an admin, two clinicians and ``patients`` patients (see module doc)."""
    slug = _slug(name)
    clinic = users.create_clinic(uow, name, clock)

    def staff(who: str, full_name: str, role: Role) -> UserInfo:
        return users.create_staff_user(
            uow,
            None,
            email=f"{who}@{slug}.example.org",
            name=full_name,
            role=role,
            password=PASSWORD,
            clinic_id=clinic.id,
            clock=clock,
            hasher=FAST_HASHER,
        )

    admin = staff("admin", f"Ada Admin ({name})", Role.ADMIN)
    clinician = staff("clinician", f"Cam Clinician ({name})", Role.CLINICIAN)
    other = staff("other", f"Olu Other ({name})", Role.CLINICIAN)
    made = []
    for i in range(patients):
        owners = [clinician.id] if i == 0 else [other.id] if i == 1 else []
        made.append(
            users.create_patient(
                uow,
                None,
                display_name=f"Patient {i} ({name})",
                email=f"patient{i}@{slug}.example.org",
                password=PASSWORD,
                clinician_ids=owners,
                sex="female" if i == 0 else None,
                clinic_id=clinic.id,
                clock=clock,
                hasher=FAST_HASHER,
            )
        )
    return ClinicSetup(clinic, admin, clinician, other, tuple(made))


def phq9(total: int = 6, item9: int = 0) -> dict[str, int | None]:
    """A complete PHQ-9 answer set adding up to ``total`` with item 9 answered ``item9``."""
    if not 0 <= item9 <= 3 or not item9 <= total <= 24 + item9:
        raise ValueError("PHQ-9: items 1-8 give 0-24 on top of item 9")
    answers: dict[str, int | None] = {"q9": item9}
    left = total - item9
    for i in range(1, 9):
        answers[f"q{i}"] = min(3, left)
        left -= answers[f"q{i}"] or 0
    return answers


def complete_intake(today: date, **changes: object) -> Intake:
    """A complete, valid intake as of ``today`` (see the module docstring)."""
    drinking = Addiction(
        AddictionType.ALCOHOL,
        detail="wine",
        days_per_week=4,
        amount=3,
        unit=AmountUnit.STANDARD_DRINKS,
        last_use=today - timedelta(days=1),
        years_of_use=6,
    )
    base = Intake(
        addictions=(drinking,),
        withdrawal=WithdrawalHistory(seizures=False, delirium=False, other_severe=False),
        medications=Medications(takes_any=False),
        medical=MedicalHistory(
            high_blood_pressure=False,
            heart_disease=False,
            aneurysm_or_brain_bleed=False,
            epilepsy=False,
            liver_disease=LiverDisease.NONE,
            pregnancy=Pregnancy.NO,
        ),
        mental_health=MentalHealthHistory(
            psychosis=EpisodeHistory.NEVER,
            mania=EpisodeHistory.NEVER,
            suicide_attempts=AttemptHistory.NONE,
            self_harm=SelfHarm.NEVER,
            suicidal_thoughts_now=False,
        ),
        situation=Situation(
            stable_housing=True,
            lives_alone=False,
            lives_with_someone_who_uses=False,
            supports=frozenset({Support.FRIENDS}),
            pressures=frozenset(),
        ),
        treatment=TreatmentHistory(had_treatment=False),
        readiness=Readiness(ruler=8, stage=Stage.PREPARING),
        goals="Drink less and sleep better.",
    )
    return replace(base, **changes)


def intake_sections(intake: Intake) -> dict[str, dict[str, object]]:
    """Each section's answers as ``save_intake_section`` takes them, in form order."""
    stored = intake_to_dict(intake)
    sections: dict[str, dict[str, object]] = {}
    for key in intake_service.SECTION_KEYS:
        value = stored[key]
        if key in intake_service.VALUE_SECTIONS:
            sections[key] = {key: value}
        else:
            assert isinstance(value, dict)
            sections[key] = dict(value)
    return sections


def fill_intake(
    uow: UnitOfWork, actor: Actor, intake_id: int, clock: Clock, intake: Intake | None = None
) -> intake_service.IntakeView:
    """Save every section of ``intake`` (default: ``complete_intake`` as of the clock)."""
    chosen = intake if intake is not None else complete_intake(clock.now().date())
    view = None
    for key, answers in intake_sections(chosen).items():
        view = intake_service.save_intake_section(uow, actor, intake_id, key, answers, clock)
    assert view is not None
    return view


def submitted_intake(
    uow: UnitOfWork,
    setup: ClinicSetup,
    clock: Clock,
    *,
    patient: int = 0,
    intake: Intake | None = None,
) -> intake_service.IntakeView:
    """Open (as the patient's clinician), fill in and submit (as the patient) an intake."""
    staff = setup.clinician_actor if patient == 0 else setup.other_clinician_actor
    if patient > 1:
        staff = setup.admin_actor
    opened = intake_service.open_intake(uow, staff, setup.patients[patient].id, clock)
    me = setup.patient_actor(patient)
    fill_intake(uow, me, opened.id, clock, intake)
    return intake_service.submit_intake(uow, me, opened.id, clock)


# --- the controlled-substance ledger (issue 4) ------------------------------------------

#: A DEA number whose check digit is right (the example in docs/kap.md).
LEDGER_DEA = "AP5836727"


def receive_stock(
    uow: UnitOfWork,
    setup: ClinicSetup,
    clock: Clock,
    *,
    lot: str = "K-1",
    mg: str = "500",
    mg_per_ml: str | None = "50",
) -> EntryView:
    """Record a receipt of ``mg`` of ketamine 50 mg/mL into ``lot`` as the clinic admin."""
    return ledger.record_receipt(
        uow,
        setup.admin_actor,
        lot=lot,
        description="Ketamine HCl 50 mg/mL, 10 mL vial",
        supplier="Valley Pharmacy Supply",
        supplier_dea=LEDGER_DEA,
        quantity=mg,
        mg_per_ml=mg_per_ml,
        clock=clock,
    )


# --- ketamine-assisted psychotherapy (issue 4) -------------------------------------------

#: A complete safety plan, for courses that need their preparation done.
KAP_SAFETY_PLAN = SafetyPlan(
    warning_signs=("I stop answering messages", "I lie awake going over things"),
    coping_steps=("A walk by the river", "Slow breathing for five minutes"),
    people=(Contact("Sam (sister)", "555 0100"),),
    crisis_line="988 Suicide & Crisis Lifeline: call or text 988",
)


def kap_staff(setup: ClinicSetup, patient: int = 0) -> Actor:
    """The staff member who looks after ``patient`` (their clinician, else the admin)."""
    if patient == 0:
        return setup.clinician_actor
    return setup.other_clinician_actor if patient == 1 else setup.admin_actor


def eligible_course(
    uow: UnitOfWork,
    setup: ClinicSetup,
    clock: Clock,
    *,
    patient: int = 0,
    program: str = "in_office",
) -> kap_course.CourseView:
    """A KAP course ready for its first dose: the patient's intake submitted (unless one
    already is) and a PHQ-9 answered; the course opened, eligibility checked (blood
    pressure 122/78, at home every answer yes) and approved by the patient's clinician
    (with a note on any conditions), consent given and every preparation module done
    (the safety plan :data:`KAP_SAFETY_PLAN`) by the patient in the portal."""
    staff = kap_staff(setup, patient)
    target = setup.patients[patient].id
    me = setup.patient_actor(patient)
    with uow:
        has_intake = uow.intakes.latest_for_patient(target, submitted_only=True) is not None
    if not has_intake:
        submitted_intake(uow, setup, clock, patient=patient)
    responses.submit_response(uow, me, target, "phq9", phq9(total=6), clock)
    opened = kap_course.open_course(uow, staff, target, program, clock)
    at_home = AtHomeAnswers(True, True, True, True) if program == "at_home" else None
    checked = kap_course.assess_eligibility(uow, staff, opened.id, (122, 78), at_home, clock)
    note = "Conditions reviewed with the patient; each will be met before the first dose."
    kap_course.sign_off_eligibility(uow, staff, opened.id, checked.id, "approve", note, clock)
    kap_course.record_consent(uow, me, opened.id, clock)
    kap_course.save_safety_plan(uow, me, opened.id, KAP_SAFETY_PLAN, clock)
    view = opened
    for module in opened.preparation:
        if module.key != "safety_plan":
            view = kap_course.complete_preparation(uow, me, opened.id, module.key, clock)
    return view
