"""The demo clinic's ketamine-assisted psychotherapy, seeded: four courses and the ledger.

Four patients whose intake shows nothing that rules ketamine out (the preliminary
candidacy screen finds no contraindication) and who have no safety action pending are
given a course each, in a different phase as of ``today``:

* **preparation**: opened last week, eligibility signed off, consent given, half of the
  preparation modules done;
* **in office, mid-course**: four doses given by injection, each record signed with its
  vital signs and ratings (one reading crosses a warning threshold), the first three
  integration sessions held and the fourth booked;
* **at home**: two doses at home with the sitter's check-ins every 15 minutes and the
  check-in after, integrations held, breathing exercises logged, and today's dosing-day
  gate passed;
* **Spravato in office**: two esketamine sessions; the first REMS record submitted, the
  second filled in and waiting to be submitted.

The controlled-substance ledger follows: two lots of ketamine and one of esketamine
received, the initial inventory on the day stock first arrived, an administration for
each in-office dose, one witnessed waste and an on-hand count the day before ``today``.

Pure (no I/O): the same seed, history, care path and ``today`` give the same steps.
:mod:`attune.cli.demo_replay` plays them through the services. Times are UTC; every
step is before ``today`` (today's gate is a few minutes before it).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from attune.domain.instruments import list_instruments, score
from attune.domain.intake import AddictionType, AttemptHistory, Intake, SelfHarm
from attune.domain.kap.athome import GateAnswers
from attune.domain.kap.athome_checkins import PostSessionCheckin, SideEffect, SitterCheckin
from attune.domain.kap.breathwork import PracticeEntry
from attune.domain.kap.candidacy import Outcome, screen
from attune.domain.kap.eligibility_model import AtHomeAnswers
from attune.domain.kap.preparation import Contact, SafetyPlan, modules_for
from attune.domain.kap.program import program
from attune.domain.kap.session import DischargeChecklist
from attune.domain.kap.session_events import Rating
from attune.domain.kap.vitals import VitalsReading
from attune.sim.demo_care import DemoCare, LevelReview
from attune.sim.demo_history import (
    Course,
    DemoHistory,
    DemoPatient,
    DemoResponse,
    DemoStaff,
)

#: A DEA registration number in the right shape, with a valid check digit (synthetic).
SUPPLIER_DEA = "AP5836727"
SUPPLIER = "Valley Pharmacy Supply (demo)"
#: The demo clinic's own registration number (synthetic, with a valid check digit).
REGISTRANT_DEA = "FH1234563"
KETAMINE = "Ketamine HCl 50 mg/mL, 10 mL vial"
ESKETAMINE = "Esketamine nasal spray (Spravato), 28 mg device"
#: The demo clinic's address on the REMS form (fictional).
SETTING = {
    "name": "Harbour Light Recovery (demo)",
    "address_1": "12 Example Quay",
    "address_2": "",
    "city": "Portland",
    "state": "ME",
    "zip_code": "04101",
}

PROGRAMS = ("in_office", "at_home", "spravato_in_office")
#: The substance-use screens: in their most severe band, the use itself comes first.
SUBSTANCE_SCREENS = frozenset({"audit", "dast10"})
STORIES = ("preparation", "in_office", "at_home", "spravato")


@dataclass(frozen=True)
class CourseOpened:
    patient: str
    at: datetime
    program: str


@dataclass(frozen=True)
class EligibilityChecked:
    patient: str
    at: datetime
    blood_pressure: tuple[int, int]
    at_home: AtHomeAnswers | None


@dataclass(frozen=True)
class EligibilitySigned:
    """The prescriber approves the newest eligibility check."""

    patient: str
    at: datetime
    note: str


@dataclass(frozen=True)
class ConsentGiven:
    patient: str
    at: datetime


@dataclass(frozen=True)
class ModuleDone:
    patient: str
    at: datetime
    key: str


@dataclass(frozen=True)
class SafetyPlanSaved:
    patient: str
    at: datetime
    plan: SafetyPlan


@dataclass(frozen=True)
class DoseStarted:
    """An in-office dose (ketamine by injection, or esketamine by nasal spray)."""

    patient: str
    at: datetime
    dose: int
    route: str
    dose_mg: Decimal
    weight_kg: Decimal
    lot: str


@dataclass(frozen=True)
class VitalsTaken:
    patient: str
    at: datetime
    dose: int
    reading: VitalsReading


@dataclass(frozen=True)
class Rated:
    patient: str
    at: datetime
    dose: int
    rating: Rating


@dataclass(frozen=True)
class Discharged:
    patient: str
    at: datetime
    dose: int
    checklist: DischargeChecklist


@dataclass(frozen=True)
class SessionSigned:
    patient: str
    at: datetime
    dose: int


@dataclass(frozen=True)
class IntegrationBooked:
    patient: str
    at: datetime
    dose: int
    for_at: datetime


@dataclass(frozen=True)
class IntegrationHeld:
    patient: str
    at: datetime
    dose: int
    notes: str
    insights: tuple[str, ...]
    commitments: tuple[str, ...]


@dataclass(frozen=True)
class GateChecked:
    patient: str
    at: datetime
    answers: GateAnswers


@dataclass(frozen=True)
class HomeDoseTaken:
    patient: str
    at: datetime
    dose: int


@dataclass(frozen=True)
class SitterCheckedIn:
    patient: str
    at: datetime
    dose: int
    checkin: SitterCheckin


@dataclass(frozen=True)
class AfterCheckin:
    patient: str
    at: datetime
    dose: int
    checkin: PostSessionCheckin


@dataclass(frozen=True)
class RemsFilled:
    """The clinician completes the REMS record of a Spravato session (JSON form fields;
    the patient's name and birth date are filled in by the replay from the record)."""

    patient: str
    at: datetime
    dose: int
    fields: dict[str, object]


@dataclass(frozen=True)
class RemsSubmitted:
    patient: str
    at: datetime
    dose: int
    confirmation: str


@dataclass(frozen=True)
class JournalWritten:
    patient: str
    at: datetime
    text: str


@dataclass(frozen=True)
class BreathworkLogged:
    """The patient logs a breathing exercise they did (in the portal)."""

    patient: str
    at: datetime
    entry: PracticeEntry


@dataclass(frozen=True)
class StockReceived:
    at: datetime
    lot: str
    description: str
    mg: Decimal
    mg_per_ml: Decimal | None


@dataclass(frozen=True)
class StockAdministered:
    """The stock given at an in-office dose, tied to its session."""

    at: datetime
    lot: str
    patient: str
    dose: int
    mg: Decimal


@dataclass(frozen=True)
class StockWasted:
    """Drawn up and not given, wasted by the patient's clinician before a witness."""

    at: datetime
    lot: str
    patient: str
    mg: Decimal
    reason: str


@dataclass(frozen=True)
class StockInventoried:
    """The admin takes the initial inventory at the close of the day stock first arrived
    (the inventory is worked out from the ledger as of ``at``)."""

    at: datetime


@dataclass(frozen=True)
class StockCounted:
    """The admin counts every lot on hand (the replay counts what the ledger holds)."""

    at: datetime
    note: str


KapStep = (
    CourseOpened
    | EligibilityChecked
    | EligibilitySigned
    | ConsentGiven
    | ModuleDone
    | SafetyPlanSaved
    | DoseStarted
    | VitalsTaken
    | Rated
    | Discharged
    | SessionSigned
    | IntegrationBooked
    | IntegrationHeld
    | GateChecked
    | HomeDoseTaken
    | SitterCheckedIn
    | AfterCheckin
    | RemsFilled
    | RemsSubmitted
    | JournalWritten
    | BreathworkLogged
)
LedgerStep = StockReceived | StockAdministered | StockWasted | StockCounted | StockInventoried


@dataclass(frozen=True)
class DemoKap:
    #: Patient key -> the story their course tells (one of STORIES).
    courses: dict[str, str]
    #: Oldest first.
    steps: tuple[KapStep | LedgerStep, ...]

    @property
    def lots(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.lot for s in self.steps if isinstance(s, StockReceived)))


def _at(today: datetime, days_ago: int, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(
        (today - timedelta(days=days_ago)).date(), time(hour, minute), tzinfo=UTC
    )


def _clean(intake: Intake, *, at_home: bool) -> bool:
    """Nothing in the intake that the KAP eligibility rules would stop at (or, at home,
    make conditional on the home): no contraindication or caution in the screen, no
    thoughts of suicide, no drinking (at home) and a stable home."""
    if intake.mental_health.suicidal_thoughts_now:
        return False
    if intake.mental_health.suicide_attempts is AttemptHistory.PAST_YEAR:
        return False
    if intake.mental_health.self_harm is SelfHarm.RECENT:
        return False
    if intake.withdrawal.seizures or intake.withdrawal.delirium:
        return False
    heavy = any(
        a.what is AddictionType.ALCOHOL and not a.stopped and (a.days_per_week or 0) >= 5
        for a in intake.named
    )
    if heavy:
        return False
    if at_home:
        drinks = any(a.what is AddictionType.ALCOHOL and not a.stopped for a in intake.named)
        if drinks or not intake.situation.stable_housing:
            return False
    return True


def _top_band(history: DemoHistory, key: str) -> bool:
    """Whether the patient's alcohol or drug screen fell in its most severe band (an
    AUDIT in Zone IV, say): their use comes first, not a ketamine course."""
    known = {i.id: i for i in list_instruments()}
    for event in history.events:
        if not isinstance(event, DemoResponse) or event.patient != key:
            continue
        instrument = known.get(event.instrument_id)
        if instrument is None or instrument.id not in SUBSTANCE_SCREENS or not instrument.bands:
            continue
        if score(instrument, event.answers).band_index == len(instrument.bands) - 1:
            return True
    return False


def candidates(history: DemoHistory, care: DemoCare, *, at_home: bool = False) -> list[str]:
    """Patients who could start a course: a submitted intake whose candidacy screen finds
    no contraindication, nothing in it that calls for a safety action, no alcohol or
    drug screen in its most severe band, no risk in their answers and a recommendation the
    clinician has decided."""
    reviewed = {e.patient for e in care.events if isinstance(e, LevelReview)}
    found = []
    for patient in history.patients:
        intake = care.intakes.get(patient.key)
        if intake is None or patient.key not in care.submitted or patient.key not in reviewed:
            continue
        if patient.at_risk or not _clean(intake, at_home=at_home):
            continue
        if _top_band(history, patient.key):
            continue
        result = screen(intake, today=patient.joined.date(), sex=patient.sex)
        if result.outcome is Outcome.CONTRAINDICATIONS_FOUND:
            continue
        found.append(patient.key)
    return found


def generate_kap(seed: int, history: DemoHistory, care: DemoCare, today: datetime) -> DemoKap:
    """The four courses and the ledger (fewer courses if fewer patients qualify)."""
    rng = random.Random(seed)
    people = {p.key: p for p in history.patients}
    chosen: dict[str, str] = {}
    home = [k for k in candidates(history, care, at_home=True)]
    if home:
        chosen[rng.choice(home)] = "at_home"
    rest = [k for k in candidates(history, care) if k not in chosen]
    # Spravato is for depression that has not lifted: the flattest course among them.
    flat = [k for k in rest if people[k].course is Course.FLAT] or rest
    if flat:
        chosen[max(flat, key=lambda k: people[k].start_severity)] = "spravato"
    for story in ("in_office", "preparation"):
        left = [k for k in rest if k not in chosen]
        if left:
            chosen[rng.choice(left)] = story
    steps: list[KapStep | LedgerStep] = []
    for key, story in chosen.items():
        patient = people[key]
        if story == "preparation":
            steps += _preparation(rng, patient, today)
        elif story == "in_office":
            steps += _in_office(rng, patient, today)
        elif story == "at_home":
            steps += _at_home(rng, patient, today)
        else:
            steps += _spravato(rng, patient, today, history.clinicians)
    steps += _ledger(steps, today)
    steps.sort(key=lambda s: s.at)
    return DemoKap(courses=chosen, steps=tuple(steps))


# --- the start of every course ------------------------------------------------------------

_SAFETY_PLANS = (
    SafetyPlan(
        warning_signs=("I stop answering messages", "I lie awake going over things"),
        coping_steps=("A walk by the water", "Slow breathing for five minutes"),
        people=(Contact("My sister", "555 0100"),),
        crisis_line="988 Suicide & Crisis Lifeline: call or text 988",
    ),
    SafetyPlan(
        warning_signs=("I cancel plans and stay in", "I stop eating properly"),
        coping_steps=("Call a friend", "Put music on and make food"),
        people=(Contact("My partner", "555 0142"), Contact("My friend Jo", "555 0177")),
        crisis_line="988 Suicide & Crisis Lifeline: call or text 988",
    ),
)


def _opening(
    rng: random.Random,
    patient: DemoPatient,
    programme: str,
    opened: datetime,
    *,
    modules_done: int | None = None,
) -> list[KapStep]:
    """Open, check eligibility, sign off, consent and preparation (all of it unless
    ``modules_done`` says how many modules, safety plan last)."""
    key = patient.key
    at_home = AtHomeAnswers(True, True, True, True) if programme == "at_home" else None
    steps: list[KapStep] = [
        CourseOpened(key, opened, programme),
        EligibilityChecked(
            key,
            opened + timedelta(minutes=25),
            (rng.randint(116, 132), rng.randint(72, 84)),
            at_home,
        ),
        EligibilitySigned(
            key,
            opened + timedelta(days=1, hours=1),
            "Reviewed with the patient; any conditions will be met before the first dose.",
        ),
        ConsentGiven(key, opened + timedelta(days=2, hours=9)),
    ]
    modules = modules_for(program(programme))
    count = len(modules) if modules_done is None else modules_done
    at = opened + timedelta(days=2, hours=9, minutes=10)
    for module in modules[:count]:
        if module.key == "safety_plan":
            steps.append(SafetyPlanSaved(key, at, rng.choice(_SAFETY_PLANS)))
        else:
            steps.append(ModuleDone(key, at, module.key))
        at += timedelta(hours=rng.choice((1, 20, 26)))
    return steps


def _preparation(rng: random.Random, patient: DemoPatient, today: datetime) -> list[KapStep]:
    return _opening(rng, patient, "in_office", _at(today, 6, 10), modules_done=2)


# --- in office ---------------------------------------------------------------------------

_CALM_EXIT = DischargeChecklist(
    alert_and_oriented=True,
    nausea_controlled=True,
    walking_steadily=True,
    escort_present=True,
    escort_name="Partner (driving home)",
    no_driving_acknowledged=True,
)

_INSIGHTS = (
    ("I felt held rather than alone",),
    ("The urge is a wave; it passes",),
    ("I am allowed to rest",),
    ("My body knew I was safe before my mind did",),
)
_COMMITMENTS = (
    ("Call my sister on Sunday",),
    ("Ten minutes of slow breathing each morning",),
    ("Tell my partner when the pull starts",),
    ("Write in the journal after hard days",),
)


def _monitored_dose(
    rng: random.Random,
    key: str,
    number: int,
    start: datetime,
    *,
    route: str,
    mg: Decimal,
    weight: Decimal,
    lot: str,
    minutes: int,
    spike_at: int | None = None,
) -> list[KapStep]:
    """A dose with a baseline, readings every 15 minutes for ``minutes``, two ratings,
    discharge and the signature; ``spike_at`` makes one systolic reading cross the
    caution threshold (160 mmHg) at that minute."""
    base_sys, base_dia = rng.randint(116, 128), rng.randint(72, 80)
    pulse = rng.randint(64, 78)
    steps: list[KapStep] = [
        VitalsTaken(
            key,
            start - timedelta(minutes=10),
            number,
            VitalsReading(start - timedelta(minutes=10), base_sys, base_dia, pulse, 98),
        ),
        DoseStarted(key, start, number, route, mg, weight, lot),
    ]
    for minute in range(15, minutes + 1, 15):
        rise = 18 if minute <= 30 else 10 if minute <= 60 else 4
        systolic = base_sys + rise + rng.randint(-3, 3)
        if minute == spike_at:
            systolic = 164
        at = start + timedelta(minutes=minute)
        reading = VitalsReading(
            at, systolic, base_dia + rise // 2, pulse + rise // 3, rng.choice((96, 97, 98))
        )
        steps.append(VitalsTaken(key, at, number, reading))
    for minute, sedation, dissociation in ((20, 2, 3), (minutes - 25, 1, 1)):
        at = start + timedelta(minutes=minute, seconds=30)
        steps.append(Rated(key, at, number, Rating(at, sedation, dissociation)))
    ended = start + timedelta(minutes=minutes + 5)
    steps.append(Discharged(key, ended, number, _CALM_EXIT))
    steps.append(SessionSigned(key, ended + timedelta(minutes=5), number))
    return steps


def _integration(
    rng: random.Random, key: str, number: int, dosed: datetime, today: datetime
) -> list[KapStep]:
    """Booked on the day of the dose for the next day or the one after; held then, if
    that is before ``today``."""
    booked = dosed + timedelta(hours=3)
    held = dosed + timedelta(hours=rng.choice((26, 28, 47)))
    steps: list[KapStep] = [IntegrationBooked(key, booked, number, held)]
    ends = held + timedelta(minutes=50)
    if ends < today:
        steps.append(
            IntegrationHeld(
                key,
                ends,
                number,
                "We went back over the session and linked it to the cycle we drew.",
                _INSIGHTS[(number - 1) % len(_INSIGHTS)],
                _COMMITMENTS[(number - 1) % len(_COMMITMENTS)],
            )
        )
    return steps


def _in_office(rng: random.Random, patient: DemoPatient, today: datetime) -> list[KapStep]:
    key = patient.key
    steps = _opening(rng, patient, "in_office", _at(today, 24, 10))
    # 0.5 mg/kg, on an even weight so the dose is a whole number of mg.
    weight = Decimal(2 * rng.randint(29, 46))
    mg = weight / 2
    for number, days_ago in enumerate((13, 9, 5, 1), start=1):
        dosed = _at(today, days_ago, 10)
        lot = "K-2411" if number == 4 else "K-2405"
        steps += _monitored_dose(
            rng,
            key,
            number,
            dosed,
            route="im",
            mg=mg,
            weight=weight,
            lot=lot,
            minutes=75,
            spike_at=30 if number == 2 else None,
        )
        steps += _integration(rng, key, number, dosed, today)
    steps.append(
        JournalWritten(
            key,
            _at(today, 8, 21),
            "After the second session I noticed how quickly I reach for the old habit when I "
            "feel left out. Today I noticed it and waited. It passed.",
        )
    )
    return steps


# --- at home -----------------------------------------------------------------------------


def _gate(key: str, at: datetime, sitter: str) -> GateChecked:
    return GateChecked(
        key,
        at,
        GateAnswers(
            last_ate_at=at - timedelta(hours=5),
            sitter_present=True,
            sitter_name=sitter,
            systolic=124,
            diastolic=80,
            bp_measured_at=at - timedelta(minutes=4),
            phone_charged=True,
            no_driving_agreed=True,
            intention="To meet the restlessness with curiosity instead of my phone",
        ),
    )


def _at_home(rng: random.Random, patient: DemoPatient, today: datetime) -> list[KapStep]:
    key = patient.key
    sitter = rng.choice(("Alex (partner)", "Jo (friend)", "My brother Sam"))
    steps = _opening(rng, patient, "at_home", _at(today, 20, 11))
    for number, days_ago in enumerate((10, 6), start=1):
        gate = _at(today, days_ago, 17, 30)
        dosed = gate + timedelta(minutes=10)
        steps += [_gate(key, gate, sitter), HomeDoseTaken(key, dosed, number)]
        for minute in range(15, 241, 15):
            at = dosed + timedelta(minutes=minute)
            steps.append(SitterCheckedIn(key, at, number, SitterCheckin(at, True, True, False)))
        after = dosed + timedelta(hours=4, minutes=15)
        checkin = PostSessionCheckin(
            after, rng.randint(6, 8), (SideEffect.TIREDNESS,), "", True, after
        )
        steps.append(AfterCheckin(key, after, number, checkin))
        steps += _integration(rng, key, number, dosed, today)
    for days_ago, protocol, calm in (
        (12, "slow-6", (3, 6)),
        (8, "box", (4, 6)),
        (3, "slow-6", (4, 7)),
    ):
        started = _at(today, days_ago, 21, 15)
        entry = PracticeEntry(protocol, started, 5, calm[0], calm[1])
        steps.append(BreathworkLogged(key, started + timedelta(minutes=6), entry))
    # Today's gate, passed a few minutes ago (never before midnight, so it is today's).
    since_midnight = today - datetime.combine(today.date(), time(0), tzinfo=UTC)
    steps.append(_gate(key, today - min(timedelta(minutes=20), since_midnight / 2), sitter))
    return steps


# --- Spravato ----------------------------------------------------------------------------


def _bp(reading: VitalsReading) -> dict[str, object]:
    return {
        "systolic": reading.systolic,
        "diastolic": reading.diastolic,
        "at": reading.at.isoformat(),
    }


def _provider(staff: DemoStaff) -> dict[str, object]:
    """The monitoring clinician as the REMS form asks for them (no title or letters)."""
    name = staff.name.removeprefix("Dr ").split(",")[0]
    given, _, family = name.partition(" ")
    return {
        "first_name": given,
        "last_name": family,
        "telephone": "555-0100",
        "email": staff.email,
    }


def _rems_fields(
    dose_steps: list[KapStep],
    patient: DemoPatient,
    provider: DemoStaff,
    dosed: datetime,
    *,
    first: bool,
) -> dict[str, object]:
    readings = [s.reading for s in dose_steps if isinstance(s, VitalsTaken)]
    before = readings[0]
    forty = min(readings[1:], key=lambda r: abs(r.at - dosed - timedelta(minutes=40)))
    end = readings[-1]
    ended = next(s.at for s in dose_steps if isinstance(s, Discharged))
    given, _, family = patient.display_name.partition(" ")
    return {
        "patient": {
            "first_name": given,
            "middle_initial": "",
            "last_name": family,
            "birth_date": patient.date_of_birth.isoformat(),
            "sex": patient.sex,
            "rems_patient_id": f"P-{20000 + int(patient.key[1:]) * 37}",
            "first_treatment": first,
            "enrolled": True,
        },
        "medicines": {
            "benzodiazepines": False,
            "non_benzodiazepine_sedative_hypnotics": False,
            "psychostimulants": False,
            "maois": False,
        },
        "provider": _provider(provider),
        "setting": dict(SETTING),
        "monitoring_ended_at": ended.isoformat(),
        "ready_to_leave_at": (dosed + timedelta(minutes=95)).isoformat(),
        "vitals_acceptable_before": True,
        "vitals_acceptable_at_end": True,
        "bp_before": _bp(before),
        "bp_40_minutes": _bp(forty),
        "bp_at_end": _bp(end),
        "sedation": True,
        "dissociation": True,
        "respiratory_depression": False,
        "lowest_spo2": min(r.spo2 or 100 for r in readings),
        "serious_adverse_event": False,
    }


def _spravato(
    rng: random.Random,
    patient: DemoPatient,
    today: datetime,
    clinicians: tuple[DemoStaff, ...],
) -> list[KapStep]:
    key = patient.key
    steps = _opening(rng, patient, "spravato_in_office", _at(today, 12, 9))
    weight = Decimal(rng.randint(58, 92))
    for number, days_ago in enumerate((5, 2), start=1):
        dosed = _at(today, days_ago, 9, 30)
        dose = _monitored_dose(
            rng,
            key,
            number,
            dosed,
            route="intranasal",
            mg=Decimal(56),
            weight=weight,
            lot="ESK-3317",
            minutes=120,
        )
        steps += dose
        provider = clinicians[patient.clinician]
        fields = _rems_fields(dose, patient, provider, dosed, first=number == 1)
        steps.append(RemsFilled(key, dosed + timedelta(hours=3), number, fields))
        if number == 1:
            confirmation = f"R-{rng.randint(100000, 999999)}"
            steps.append(
                RemsSubmitted(key, dosed + timedelta(days=1, hours=2), number, confirmation)
            )
        steps += _integration(rng, key, number, dosed, today)
    return steps


# --- the ledger --------------------------------------------------------------------------


def _ledger(course_steps: list[KapStep | LedgerStep], today: datetime) -> list[LedgerStep]:
    """Receipts and the initial inventory; an administration for each in-office dose
    (from its lot, as it is given); the rest of a syringe drawn up for the second
    injection wasted before a witness; and the admin's count on the evening before
    ``today``."""
    steps: list[LedgerStep] = [
        StockReceived(_at(today, 30, 9), "K-2405", KETAMINE, Decimal(1000), Decimal(50)),
        StockInventoried(_at(today, 30, 18)),
        StockReceived(_at(today, 14, 9), "ESK-3317", ESKETAMINE, Decimal(280), None),
        StockReceived(_at(today, 3, 9), "K-2411", KETAMINE, Decimal(500), Decimal(50)),
    ]
    for step in course_steps:
        if not isinstance(step, DoseStarted):
            continue
        given = step.at + timedelta(minutes=1)
        steps.append(StockAdministered(given, step.lot, step.patient, step.dose, step.dose_mg))
        if step.route == "im" and step.dose == 2:
            steps.append(
                StockWasted(
                    given + timedelta(minutes=2),
                    step.lot,
                    step.patient,
                    Decimal(5),
                    "Drawn up for the injection and not needed; wasted into a disposal pouch.",
                )
            )
    steps.append(
        StockCounted(_at(today, 1, 18), "End-of-day count after the clinic's last session.")
    )
    return steps
