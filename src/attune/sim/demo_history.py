"""A seeded, synthetic history for the demo clinic: people, and what they answered when.

This is a small statistical generator, not the mechanistic cycle simulator: each patient
follows a course (improving, flat or worsening) of a latent severity between 0 and 1, and
each answer is drawn near the point that severity implies on the item's weight scale, with
noise. It makes plausible-looking scores for a demonstration; it says nothing about how
real patients change and must never be read as evidence.

Everything here is pure: the same seed and the same ``today`` give the same history.
Nothing is written anywhere; :mod:`attune.cli.demo` replays the history through the
services, so the demo's scores, flags and audit log are made the way real ones are.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum

from attune.domain.instruments import Instrument, Item, list_instruments
from attune.domain.intake import Addiction, AddictionType, default_battery

#: Asked every ``every_days`` days from the day a patient joins.
RECURRING: tuple[tuple[str, int], ...] = (("phq9", 14), ("gad7", 14))
#: The main problem that brings a patient to the clinic, drawn from this list (repeats
#: weight the draw): substances, behaviours and distractions, alcohol the most common.
PROBLEMS: tuple[AddictionType, ...] = (
    AddictionType.ALCOHOL, AddictionType.ALCOHOL, AddictionType.ALCOHOL,
    AddictionType.ALCOHOL, AddictionType.OPIOIDS, AddictionType.STIMULANTS,
    AddictionType.CANNABIS, AddictionType.GAMBLING, AddictionType.GAMBLING,
    AddictionType.GAMING, AddictionType.SOCIAL_MEDIA, AddictionType.OVERWORK,
)  # fmt: skip
#: What some patients name besides their main problem.
ALSO: tuple[AddictionType, ...] = (
    AddictionType.NICOTINE, AddictionType.CANNABIS, AddictionType.ALCOHOL,
    AddictionType.STREAMING, AddictionType.SHOPPING, AddictionType.SOCIAL_MEDIA,
)  # fmt: skip
#: How often a patient names a second addiction.
ALSO_SHARE = 0.45
#: When a patient answers their first questionnaires, after joining (the intake comes first).
FIRST_SITTING = timedelta(minutes=30)
#: Intake measures that run lower than the overall severity (chosen by eye so the demo
#: looks like a plausible clinic; not calibrated against any data).
DAMPING = {"ace": 0.6, "pcl5": 0.8, "ders16": 0.9}

FIRST_NAMES = (
    "Ada", "Ben", "Carla", "Dev", "Elena", "Farid", "Grace", "Hugo", "Imani", "Jonas",
    "Keiko", "Liam", "Maya", "Nikhil", "Olga", "Pedro", "Quinn", "Rosa", "Sami", "Tara",
    "Umar", "Vera", "Wes", "Ximena", "Yusuf", "Zoe", "Aaron", "Bea", "Cyrus", "Dana",
    "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jade",
)  # fmt: skip
LAST_NAMES = (
    "Abbott", "Baptiste", "Chen", "Diallo", "Eriksen", "Fischer", "Garcia", "Haddad",
    "Ibarra", "Jansen", "Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Petrov",
    "Quintero", "Rossi", "Sato", "Teixeira", "Umarov", "Varga", "Whitfield", "Yilmaz",
)  # fmt: skip


class Course(Enum):
    """The shape of a patient's latent severity over their months in care."""

    IMPROVING = "improving"
    FLAT = "flat"
    WORSENING = "worsening"


@dataclass(frozen=True)
class DemoStaff:
    email: str
    name: str
    role: str  # "admin" | "clinician"


@dataclass(frozen=True)
class DemoPatient:
    key: str
    display_name: str
    email: str
    sex: str
    date_of_birth: date
    clinician: int  # index into DemoHistory.clinicians
    #: The main problem that brought them to the clinic.
    problem: AddictionType
    course: Course
    joined: datetime
    start_severity: float
    end_severity: float
    #: Whether this patient's item-9-type answers can be above zero.
    at_risk: bool
    #: Anything else they name (a second substance, behaviour or distraction).
    also: tuple[AddictionType, ...] = ()

    @property
    def addictions(self) -> tuple[AddictionType, ...]:
        """What the patient names, the main problem first."""
        return (self.problem, *self.also)


def intake_instruments(patient: DemoPatient, known: dict[str, Instrument]) -> tuple[str, ...]:
    """The questionnaires a patient answers once, when they join: the intake battery for
    what they name (:func:`attune.domain.intake.default_battery`), without the recurring
    ones (answered in the first round) and any that do not ship with Attune."""
    recurring = {i for i, _ in RECURRING}
    battery = default_battery(Addiction(what) for what in patient.addictions)
    return tuple(
        e.instrument_id
        for e in battery
        if e.instrument_id in known and e.instrument_id not in recurring
    )


def screens_for(what: AddictionType) -> tuple[str, ...]:
    """The battery's screens written for one addiction (none for, say, nicotine)."""
    everyone = {e.instrument_id for e in default_battery(())}
    return tuple(
        e.instrument_id
        for e in default_battery((Addiction(what),))
        if e.instrument_id not in everyone
    )


@dataclass(frozen=True)
class DemoResponse:
    patient: str  # DemoPatient.key
    instrument_id: str
    at: datetime
    answers: dict[str, int | None]
    recurring: bool


@dataclass(frozen=True)
class DemoAcknowledgement:
    """A clinician acknowledges the open flags raised by one patient's earlier answers."""

    patient: str
    at: datetime
    note: str


@dataclass(frozen=True)
class DemoHistory:
    clinic_name: str
    admin: DemoStaff
    clinicians: tuple[DemoStaff, ...]
    patients: tuple[DemoPatient, ...]
    #: Responses and acknowledgements, oldest first.
    events: tuple[DemoResponse | DemoAcknowledgement, ...]
    starts: datetime


def _severity(patient: DemoPatient, at: datetime, today: datetime) -> float:
    span = max((today - patient.joined).total_seconds(), 1.0)
    progress = min(max((at - patient.joined).total_seconds() / span, 0.0), 1.0)
    return patient.start_severity + (patient.end_severity - patient.start_severity) * progress


def _answer(rng: random.Random, item: Item, severity: float, critical: bool, risky: bool) -> int:
    """A code near the point ``severity`` implies on the item's weight scale."""
    by_weight = sorted(item.options, key=lambda o: (o.weight, o.code))
    low, high = by_weight[0].weight, by_weight[-1].weight
    if critical and not risky:
        return by_weight[0].code
    spread = 0.06 + 0.15 * severity
    target = low + (high - low) * min(max(rng.gauss(severity, spread), 0.0), 1.0)
    if critical:
        # Even at risk, the item most often stays at its lowest answer.
        target = low + (target - low) * 0.5
    best = min(by_weight, key=lambda o: (abs(o.weight - target), rng.random()))
    return best.code


def answers_for(
    rng: random.Random,
    instrument: Instrument,
    severity: float,
    *,
    risky: bool = False,
    allow_missing: bool = True,
    subscale_spread: float = 0.0,
) -> dict[str, int | None]:
    """One plausible response at ``severity`` (0 = no problems, 1 = the most severe).

    With ``subscale_spread``, each subscale's items sit at their own severity around the
    overall one (so, say, attachment anxiety and avoidance need not go together).
    """
    critical = {c.link_id for c in instrument.critical}
    level = {item.link_id: severity for item in instrument.items}
    if subscale_spread:
        for sub in instrument.subscales:
            own = min(max(rng.gauss(severity, subscale_spread), 0.0), 1.0)
            for link_id in sub.items:
                level[link_id] = own
    answers: dict[str, int | None] = {
        item.link_id: _answer(rng, item, level[item.link_id], item.link_id in critical, risky)
        for item in instrument.items
    }
    # Now and then a patient leaves one question out, where the manual allows for it.
    if allow_missing and instrument.max_missing and rng.random() < 0.04:
        skippable = [i.link_id for i in instrument.items if i.link_id not in critical]
        answers[rng.choice(skippable)] = None
    return answers


def _clock_time(rng: random.Random, day: date) -> datetime:
    minutes = rng.randint(8 * 60, 21 * 60)
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=UTC)


def newcomers(patients: int) -> int:
    """How many of a clinic's patients joined in the past days: two in a clinic of 30."""
    return round(patients / 15)


def _patients(
    rng: random.Random, count: int, clinicians: int, today: datetime
) -> list[DemoPatient]:
    names = rng.sample([(f, s) for f in FIRST_NAMES for s in LAST_NAMES], count)
    patients = []
    for n, (first, last) in enumerate(names):
        course = (Course.IMPROVING, Course.IMPROVING, Course.FLAT, Course.WORSENING)[n % 4]
        start = rng.uniform(0.35, 0.75)
        if course is Course.IMPROVING:
            end = max(0.05, start - rng.uniform(0.25, 0.5))
        elif course is Course.WORSENING:
            end = min(0.95, start + rng.uniform(0.2, 0.35))
        else:
            end = start + rng.uniform(-0.05, 0.05)
        # The last few joined in the past days (new patients this week); the rest have
        # been in care for one and a half to six months.
        newcomer = n >= count - newcomers(count)
        days_in_care = rng.randint(2, 9) if newcomer else rng.randint(45, 180)
        joined = _clock_time(rng, (today - timedelta(days=days_in_care)).date())
        birth_year = today.year - rng.randint(21, 67)
        problem = rng.choice(PROBLEMS)
        also: tuple[AddictionType, ...] = ()
        if rng.random() < ALSO_SHARE:
            also = (rng.choice([a for a in ALSO if a is not problem]),)
        patients.append(
            DemoPatient(
                key=f"p{n + 1}",
                display_name=f"{first} {last}",
                email=f"{first}.{last}@patients.example.org".lower(),
                sex=rng.choice(("female", "male")),
                date_of_birth=date(birth_year, rng.randint(1, 12), rng.randint(1, 28)),
                clinician=n % clinicians,
                problem=problem,
                course=course,
                joined=joined,
                start_severity=start,
                end_severity=end,
                at_risk=course is Course.WORSENING or rng.random() < 0.1,
                also=also,
            )
        )
    return patients


def generate(
    seed: int,
    today: datetime,
    *,
    patients: int = 30,
    instruments: dict[str, Instrument] | None = None,
) -> DemoHistory:
    """The demo clinic's people and history up to ``today`` (timezone-aware, UTC)."""
    if today.tzinfo is None:
        raise ValueError("today must be timezone-aware")
    if not 1 <= patients <= len(FIRST_NAMES) * len(LAST_NAMES):
        raise ValueError("patients must be between 1 and the number of demo names")
    rng = random.Random(seed)
    known = instruments if instruments is not None else {i.id: i for i in list_instruments()}
    clinicians = (
        DemoStaff("sam.rivera@clinic.example.org", "Dr Sam Rivera", "clinician"),
        DemoStaff("priya.nair@clinic.example.org", "Priya Nair, LCSW", "clinician"),
        DemoStaff("tom.okoye@clinic.example.org", "Tom Okoye, LPC", "clinician"),
    )
    admin = DemoStaff("admin@clinic.example.org", "Alex Morgan", "admin")
    people = _patients(rng, patients, len(clinicians), today)
    events: list[DemoResponse | DemoAcknowledgement] = []
    for patient in people:
        events += _history(rng, patient, known, today)
    _keep_one_flag_open(rng, people, known, events, today)
    events.sort(key=lambda e: e.at)
    starts = min(p.joined for p in people) - timedelta(days=1)
    return DemoHistory(
        clinic_name="Harbour Light Recovery (demo)",
        admin=admin,
        clinicians=clinicians,
        patients=tuple(people),
        events=tuple(events),
        starts=starts,
    )


def raises_flag(instrument: Instrument, answers: dict[str, int | None]) -> bool:
    """Whether these answers raise one of the instrument's critical-item flags."""
    return any(
        (answers.get(c.link_id) or 0) >= c.minimum
        for c in instrument.critical
        if answers.get(c.link_id) is not None
    )


def _history(
    rng: random.Random,
    patient: DemoPatient,
    known: dict[str, Instrument],
    today: datetime,
) -> list[DemoResponse | DemoAcknowledgement]:
    """The first sitting (intake measures and the first round), then the later rounds."""
    events: list[DemoResponse | DemoAcknowledgement] = []
    sitting = patient.joined + FIRST_SITTING
    main = set(screens_for(patient.problem))
    for instrument_id in intake_instruments(patient, known):
        if instrument_id in main:
            # Near the patient's overall severity, so milder patients score milder.
            severity = min(max(0.9 * patient.start_severity + rng.gauss(0.0, 0.1), 0.2), 0.85)
        elif any(instrument_id in screens_for(a) for a in patient.also):
            severity = rng.uniform(0.15, 0.4)
        else:
            severity = _severity(patient, sitting, today) * DAMPING.get(instrument_id, 1.0)
        answers = answers_for(
            rng, known[instrument_id], severity, allow_missing=False, subscale_spread=0.2
        )
        events.append(DemoResponse(patient.key, instrument_id, sitting, answers, False))
        sitting += timedelta(minutes=4)
    for instrument_id, every_days in RECURRING:
        if instrument_id not in known:
            continue
        instrument = known[instrument_id]
        at = sitting
        sitting += timedelta(minutes=4)
        due = patient.joined.date()
        while at < today:
            risky = patient.at_risk and rng.random() < 0.25
            answers = answers_for(rng, instrument, _severity(patient, at, today), risky=risky)
            events.append(DemoResponse(patient.key, instrument_id, at, answers, True))
            if raises_flag(instrument, answers):
                seen = at + timedelta(hours=rng.randint(2, 20))
                if seen < today:
                    note = "Called the patient the same day; safety plan reviewed."
                    events.append(DemoAcknowledgement(patient.key, seen, note))
            # The next round: most answer on the day or within two days; some miss one.
            due += timedelta(days=every_days)
            if rng.random() < 0.08:
                due += timedelta(days=every_days)
            at = _clock_time(rng, due + timedelta(days=rng.choice((0, 0, 0, 1, 1, 2))))
    return events


def _keep_one_flag_open(
    rng: random.Random,
    people: list[DemoPatient],
    known: dict[str, Instrument],
    events: list[DemoResponse | DemoAcknowledgement],
    today: datetime,
) -> None:
    """Make sure the demo shows an open flag: the latest PHQ-9 of one worsening patient."""
    if "phq9" not in known:
        return
    phq9 = known["phq9"]
    worsening = [p for p in people if p.course is Course.WORSENING]
    if not worsening:
        return
    patient = worsening[0]
    latest = max(
        (
            e
            for e in events
            if isinstance(e, DemoResponse)
            and e.patient == patient.key
            and e.instrument_id == "phq9"
        ),
        key=lambda e: e.at,
        default=None,
    )
    if latest is None:
        return
    critical = phq9.critical[0]
    answers = dict(latest.answers)
    if (answers.get(critical.link_id) or 0) < critical.minimum:
        answers[critical.link_id] = critical.minimum
    events.remove(latest)
    events.append(DemoResponse(patient.key, "phq9", latest.at, answers, recurring=True))
    # Nobody has acknowledged it yet.
    for event in [
        e for e in events if isinstance(e, DemoAcknowledgement) and e.patient == patient.key
    ]:
        if event.at > latest.at:
            events.remove(event)
