"""The demo clinic's care path, seeded: intakes, level-of-care reviews, cycles and plans.

Built on a :class:`~attune.sim.demo_history.DemoHistory` (the people and their answers),
this makes what happens around the questionnaires, as events in time:

* most patients fill in and submit an intake as they join, naming what they answered the
  intake questionnaires about (alcohol → AUDIT, gambling → PGSI, …); a few long-standing
  patients have none, and two have one open, half filled in;
* the clinician reviews the level-of-care recommendation a day later and again after the
  latest answers (:class:`LevelReview`): most are accepted, two are overridden with a
  rationale, and the newest patients' recommendations wait for review;
* about half the patients draw their cycle with their clinician (one or two versions);
* many agree a treatment plan whose goals are targets on the questionnaires they answer,
  revised at its review date.

Everything is pure (no I/O; the same seed, history and ``today`` give the same events);
:mod:`attune.cli.demo` replays the events through the services, so the recommendations
are the rules engine's own and every step is audited. The words come from
:mod:`attune.sim.demo_words`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import Enum

from attune.domain.formulation import AuthorRole, Formulation
from attune.domain.instruments import Instrument, list_instruments, score
from attune.domain.intake import (
    SECTIONS,
    Addiction,
    AddictionType,
    AmountUnit,
    AttemptHistory,
    EpisodeHistory,
    Intake,
    Kind,
    LiverDisease,
    MedicalHistory,
    Medication,
    MedicationClass,
    Medications,
    MentalHealthHistory,
    Pregnancy,
    Pressure,
    PreviousTreatment,
    Readiness,
    SelfHarm,
    Situation,
    Stage,
    Support,
    TreatmentHistory,
    TreatmentKind,
    TreatmentOutcome,
    WithdrawalHistory,
)
from attune.domain.levelofcare import Level
from attune.domain.plan import (
    Aftercare,
    Comparison,
    FollowUp,
    Goal,
    Modality,
    Target,
    TreatmentPlan,
)
from attune.sim import demo_words as words
from attune.sim.demo_history import (
    FIRST_SITTING,
    DemoAcknowledgement,
    DemoHistory,
    DemoPatient,
    DemoResponse,
    newcomers,
    raises_flag,
)

SECTION_KEYS: tuple[str, ...] = tuple(s.key for s in SECTIONS)
#: Counts for a clinic of 30 patients (scaled to the clinic's size, see :func:`share`).
#: Long-standing patients (the earliest to join) with no intake: they joined before the
#: clinic used one.
WITHOUT_INTAKE = 3
#: The next earliest: their clinician opened an intake last week; it is half filled in.
OPEN_INTAKES = 2
#: Patients whose first recommendation the clinician overrides.
OVERRIDES = 2
#: How long a plan runs to its review date.
PLAN_WEEKS = 12


def share(count_for_30: int, patients: int) -> int:
    """``count_for_30`` scaled to a clinic of ``patients`` (rounded)."""
    return round(count_for_30 * patients / 30)


class Decision(Enum):
    ACCEPT = "accept"
    OVERRIDE = "override"


@dataclass(frozen=True)
class IntakeOpened:
    """The patient's clinician opens an intake."""

    patient: str
    at: datetime


@dataclass(frozen=True)
class IntakeSitting:
    """The patient saves these sections of ``intake`` in the portal."""

    patient: str
    at: datetime
    sections: tuple[str, ...]
    intake: Intake


@dataclass(frozen=True)
class IntakeSubmitted:
    """The patient submits the intake: the battery is assigned, the level of care evaluated."""

    patient: str
    at: datetime


@dataclass(frozen=True)
class LevelReview:
    """The clinician looks at the level of care and decides what waits for review, if
    anything: accepts it, or overrides it (see :func:`override_for`)."""

    patient: str
    at: datetime
    decision: Decision
    #: Which rationale an override gives (see :func:`override_for`).
    variant: int = 0


@dataclass(frozen=True)
class CycleSaved:
    patient: str
    at: datetime
    formulation: Formulation
    author: AuthorRole


@dataclass(frozen=True)
class PlanSaved:
    """The clinician saves a plan (the level of care and KAP screen are filled in by the
    service from the accepted recommendation and the intake)."""

    patient: str
    at: datetime
    plan: TreatmentPlan


@dataclass(frozen=True)
class PlanAgreed:
    patient: str
    at: datetime


@dataclass(frozen=True)
class PlanAcknowledged:
    patient: str
    at: datetime


CareEvent = (
    IntakeOpened
    | IntakeSitting
    | IntakeSubmitted
    | LevelReview
    | CycleSaved
    | PlanSaved
    | PlanAgreed
    | PlanAcknowledged
)


@dataclass(frozen=True)
class DemoCare:
    #: Each patient's intake answers (submitted or open), by patient key.
    intakes: dict[str, Intake] = field(default_factory=dict)
    #: Patients whose intake was submitted.
    submitted: frozenset[str] = frozenset()
    #: Oldest first.
    events: tuple[CareEvent, ...] = ()

    def of(self, patient: str) -> tuple[CareEvent, ...]:
        return tuple(e for e in self.events if e.patient == patient)


def override_for(recommended: Level, variant: int = 0) -> tuple[Level, str]:
    """The level a demo clinician chooses instead of ``recommended``, and why (one of a
    few rationales, by ``variant``): one step less intensive where there is one below
    outpatient care, else one step more."""
    levels = list(Level)
    if recommended.rank >= Level.INTENSIVE_OUTPATIENT.rank:
        down = words.OVERRIDE_DOWN
        return levels[recommended.rank - 1], down[variant % len(down)]
    up = words.OVERRIDE_UP
    return levels[recommended.rank + 1], up[variant % len(up)]


# --- intakes ------------------------------------------------------------------------------


def _age(patient: DemoPatient, on: date) -> int:
    born = patient.date_of_birth
    return on.year - born.year - (1 if (on.month, on.day) < (born.month, born.day) else 0)


def _amount(rng: random.Random, what: AddictionType) -> tuple[float, AmountUnit]:
    if what is AddictionType.ALCOHOL:
        return float(rng.choice((3, 4, 4, 5, 6, 6, 8, 10, 14))), AmountUnit.STANDARD_DRINKS
    if what is AddictionType.OPIOIDS:
        return float(rng.choice((2, 4, 6))), AmountUnit.TABLETS
    if what in (AddictionType.STIMULANTS, AddictionType.CANNABIS):
        return rng.choice((0.5, 1.0, 1.5, 2.0)), AmountUnit.GRAMS
    if what is AddictionType.NICOTINE:
        return float(rng.choice((8, 12, 20))), AmountUnit.USES
    if what is AddictionType.GAMBLING:
        return float(rng.choice((40, 80, 150, 300))), AmountUnit.MONEY
    if what is AddictionType.OVERWORK:
        return float(rng.choice((11, 12, 13))), AmountUnit.HOURS
    return float(rng.choice((3, 4, 5, 6))), AmountUnit.HOURS


def _addiction(
    rng: random.Random, patient: DemoPatient, what: AddictionType, on: date, main: bool
) -> Addiction:
    detail = rng.choice(words.DETAILS.get(what, ("",)))
    age = _age(patient, on)
    spans = (2, 3, 5, 8, 12, 20) if main else (1, 2, 3, 5)
    years = float(min(rng.choice(spans), max(age - 16, 1)))
    if not main and rng.random() < 0.25:
        # Stopped a few weeks ago: no days a week, no amount needed.
        return Addiction(
            what,
            detail=detail,
            stopped=True,
            days_per_week=0,
            last_use=on - timedelta(days=rng.randint(35, 90)),
            years_of_use=years,
        )
    if what is AddictionType.ALCOHOL:
        days = rng.choice((2, 3, 3, 4, 4, 5, 6, 7))
    elif what.kind is Kind.SUBSTANCE:
        days = rng.choice((2, 3, 5, 7))
    else:
        days = rng.choice((3, 4, 5, 6, 7))
    amount, unit = _amount(rng, what)
    return Addiction(
        what,
        detail=detail,
        days_per_week=days,
        amount=amount,
        unit=unit,
        last_use=on - timedelta(days=rng.choice((0, 1, 1, 2, 3, 5))),
        years_of_use=years,
    )


def _medications(rng: random.Random, patient: DemoPatient) -> Medications:
    pool: list[Medication] = [
        Medication("Sertraline"),
        Medication("Citalopram"),
        Medication("Omeprazole"),
        Medication("Propranolol"),
    ]
    if patient.problem is AddictionType.ALCOHOL:
        pool.append(Medication("Naltrexone"))
    if patient.problem is AddictionType.OPIOIDS:
        pool.append(Medication("Buprenorphine", frozenset({MedicationClass.OPIOID})))
    if rng.random() < 0.15:
        pool.append(Medication("Zopiclone", frozenset({MedicationClass.OTHER_SEDATIVE})))
    if rng.random() < 0.5:
        return Medications(takes_any=False)
    return Medications(takes_any=True, items=tuple(rng.sample(pool, rng.choice((1, 1, 2)))))


def _medical(rng: random.Random, patient: DemoPatient, heavy_drinker: bool) -> MedicalHistory:
    high = rng.random() < 0.15
    liver = LiverDisease.NONE
    if heavy_drinker and rng.random() < 0.4:
        liver = LiverDisease.PRESENT
    return MedicalHistory(
        high_blood_pressure=high,
        blood_pressure_controlled=True if high else None,
        heart_disease=rng.random() < 0.05,
        aneurysm_or_brain_bleed=False,
        epilepsy=False,
        liver_disease=liver,
        pregnancy=Pregnancy.NO if patient.sex != "male" else None,
        other=rng.choice(("", "", "", "Asthma, well controlled", "Migraines now and then")),
    )


def _mental_health(
    rng: random.Random, patient: DemoPatient, thoughts_now: bool
) -> MentalHealthHistory:
    attempts = AttemptHistory.NONE
    self_harm = SelfHarm.NEVER
    if patient.at_risk:
        attempts = rng.choice((AttemptHistory.NONE, AttemptHistory.LONGER_AGO))
        self_harm = rng.choice((SelfHarm.NEVER, SelfHarm.PAST))
    return MentalHealthHistory(
        psychosis=EpisodeHistory.PAST if rng.random() < 0.04 else EpisodeHistory.NEVER,
        mania=EpisodeHistory.NEVER,
        suicide_attempts=attempts,
        self_harm=self_harm,
        suicidal_thoughts_now=thoughts_now,
    )


def _situation(rng: random.Random, severity: float) -> Situation:
    """Home and people: the more severe the patient's problems, the fewer supports and
    the more pressures (a loose link, for a believable spread of levels of care)."""
    alone = rng.random() < 0.35
    most_supports = 3 if severity < 0.5 else 2
    fewest = 0 if severity > 0.55 else 1
    supports = frozenset(rng.sample(list(Support), rng.randint(fewest, most_supports)))
    pressures = frozenset(rng.sample(list(Pressure), rng.randint(0, 1 if severity < 0.5 else 2)))
    return Situation(
        stable_housing=severity < 0.6 or rng.random() < 0.8,
        lives_alone=alone,
        lives_with_someone_who_uses=False if alone else rng.random() < 0.15,
        supports=supports,
        support_detail="My sister checks in most days." if Support.FAMILY in supports else "",
        pressures=pressures,
        pressure_detail=("A court date next month." if Pressure.LEGAL in pressures else ""),
    )


_TREATMENTS = (
    (TreatmentKind.COUNSELLING, "Sessions through the helpline at work"),
    (TreatmentKind.PEER_SUPPORT, "Went to a few group meetings"),
    (TreatmentKind.WITHDRAWAL_MANAGEMENT, "Five days on a detox ward"),
    (TreatmentKind.RESIDENTIAL, "Four weeks in a rehab centre"),
    (TreatmentKind.MEDICATION, "Tablets from my doctor to help with cravings"),
)


def _treatment(rng: random.Random, patient: DemoPatient, on: date) -> TreatmentHistory:
    if rng.random() < 0.7 - patient.start_severity / 2:
        return TreatmentHistory(had_treatment=False)
    first = max(patient.date_of_birth.year + 18, on.year - 12)
    items = tuple(
        PreviousTreatment(
            kind,
            outcome=rng.choice(list(TreatmentOutcome)[:4]),
            year=rng.randint(min(first, on.year), on.year),
            detail=detail,
        )
        for kind, detail in rng.sample(_TREATMENTS, rng.choice((1, 1, 2)))
    )
    return TreatmentHistory(had_treatment=True, items=items)


def _readiness(rng: random.Random) -> Readiness:
    ruler = rng.choice((3, 4, 5, 6, 6, 7, 7, 8, 8, 9, 10))
    stage = (
        Stage.THINKING
        if ruler <= 4
        else Stage.PREPARING
        if ruler <= 7
        else rng.choice((Stage.PREPARING, Stage.ACTION))
    )
    return Readiness(ruler=ruler, stage=stage)


def make_intake(
    rng: random.Random,
    patient: DemoPatient,
    on: date,
    *,
    seizures: bool = False,
    thoughts_now: bool = False,
) -> Intake:
    """A complete, valid intake for ``patient`` filled in on ``on``, naming what they
    answer the intake questionnaires about (their main problem first)."""
    named = tuple(
        _addiction(rng, patient, what, on, main=i == 0) for i, what in enumerate(patient.addictions)
    )
    drinking = [a for a in named if a.what is AddictionType.ALCOHOL and not a.stopped]
    heavy = any((a.days_per_week or 0) >= 5 for a in drinking)
    other_severe = seizures or (heavy and rng.random() < 0.3)
    return Intake(
        addictions=named,
        withdrawal=WithdrawalHistory(
            seizures=seizures,
            delirium=False,
            other_severe=other_severe,
            other_detail=words.WITHDRAWAL_DETAIL if other_severe else "",
        ),
        medications=_medications(rng, patient),
        medical=_medical(rng, patient, heavy),
        mental_health=_mental_health(rng, patient, thoughts_now),
        situation=_situation(rng, patient.start_severity),
        treatment=_treatment(rng, patient, on),
        readiness=_readiness(rng),
        goals=rng.choice(words.INTAKE_GOALS[words.group_of(patient.problem)]),
    )


# --- cycles and plans ---------------------------------------------------------------------


def make_cycle(rng: random.Random, patient: DemoPatient) -> Formulation:
    """A first cycle for the patient's main problem."""
    parts = words.CYCLES[words.group_of(patient.problem)]

    def pick(part: str, most: int) -> tuple[str, ...]:
        return tuple(rng.sample(parts[part], min(most, len(parts[part]))))

    return Formulation(
        situations=pick("situations", 2),
        relational=pick("relational", 1),
        feelings=pick("feelings", 2),
        urge=pick("urge", 1),
        behaviour=pick("behaviour", 1),
        relief=pick("relief", 1),
        cost=pick("cost", 2),
        soothes=pick("soothes", 1),
        alternatives=(),
    )


def revise_cycle(rng: random.Random, patient: DemoPatient, first: Formulation) -> Formulation:
    """The second version: a trigger and a cost more, and alternatives to practise."""
    parts = words.CYCLES[words.group_of(patient.problem)]

    def more(part: str, have: tuple[str, ...]) -> tuple[str, ...]:
        left = [e for e in parts[part] if e not in have]
        return have + ((rng.choice(left),) if left else ())

    return replace(
        first,
        relational=more("relational", first.relational),
        cost=more("cost", first.cost),
        alternatives=tuple(rng.sample(parts["alternatives"], 2)),
    )


#: Targets at a published band edge: (comparison, value) and the source of the edge.
#: PHQ-9 10 = moderate (Kroenke, Spitzer and Williams 2001); GAD-7 10 = moderate
#: (Spitzer et al. 2006); AUDIT 8 = zone II (Babor et al. 2001, WHO); DAST-10 3 =
#: moderate (Skinner 1982); PGSI 3 = moderate risk (Ferris and Wynne 2001). Where the
#: patient already starts under the edge, the next band down (PHQ-9 and GAD-7 5 = mild).
BAND_TARGETS: dict[str, tuple[float, ...]] = {
    "phq9": (10, 5),
    "gad7": (10, 5),
    "audit": (8,),
    "dast10": (3,),
    "pgsi": (3,),
}


def _target(instrument: Instrument, baseline: float, by: date) -> Target | None:
    """A target below the first band edge the patient is at or above; for a measure
    without published bands, a quarter of the way down from where they started."""
    edges = BAND_TARGETS.get(instrument.id)
    if edges is not None:
        edge = next((e for e in edges if baseline >= e), None)
        if edge is None:
            return None
        return Target(instrument.id, Comparison.BELOW, edge, by)
    low, _ = instrument.total_range
    if not instrument.has_total or baseline - low < 4:
        return None
    value = float(round(baseline - (baseline - low) / 4))
    return Target(instrument.id, Comparison.AT_OR_BELOW, value, by)


def make_plan(
    rng: random.Random,
    patient: DemoPatient,
    latest: dict[str, float],
    known: dict[str, Instrument],
    on: date,
) -> TreatmentPlan:
    """A plan made on ``on``: goals on the patient's main screen and mood, with targets
    from their latest scores (``latest``: instrument id -> total)."""
    review = on + timedelta(weeks=PLAN_WEEKS)
    group = words.group_of(patient.problem)
    goals: list[Goal] = []
    screens = [i for i in latest if i not in ("phq9", "gad7", "ecrr", "pcl5", "ace", "ders16")]
    for instrument_id in [*screens, "phq9", "gad7", "ders16"]:
        if instrument_id not in latest or instrument_id not in known or len(goals) >= 3:
            continue
        target = _target(known[instrument_id], latest[instrument_id], review)
        if target is None:
            continue
        text = rng.choice(words.GOAL_TEXTS[instrument_id])
        goals.append(Goal(text, target))
    if not goals:
        goals.append(
            Goal(
                rng.choice(words.GOAL_TEXTS["phq9"]),
                Target("phq9", Comparison.BELOW, 5, review),
            )
        )
    options = words.MODALITIES[group]
    chosen = rng.sample(options, min(rng.choice((2, 3)), len(options)))
    names = [a.value.replace("_", " ") for a in patient.addictions]
    if latest.get("phq9", 0) >= 10:
        names.append("low mood")
    return TreatmentPlan(
        goals=tuple(goals),
        review_on=review,
        modalities=tuple(Modality(m) for m in chosen),
        aftercare=Aftercare(
            support_groups=(rng.choice(words.SUPPORT_GROUPS[group]),),
            sober_community=((rng.choice(words.SOBER_COMMUNITY),) if rng.random() < 0.5 else ()),
            follow_up=FollowUp(every_weeks=rng.choice((2, 4)), starts_on=review),
        ),
        addresses=tuple(names),
        description=rng.choice(words.PLAN_NOTES),
    )


# --- the whole path -----------------------------------------------------------------------


def _scores_before(
    history: DemoHistory, patient: str, at: datetime, known: dict[str, Instrument]
) -> dict[str, float]:
    """The latest total per instrument answered before ``at``."""
    latest: dict[str, float] = {}
    for event in history.events:
        if not isinstance(event, DemoResponse) or event.patient != patient or event.at >= at:
            continue
        instrument = known.get(event.instrument_id)
        if instrument is None or not instrument.has_total:
            continue
        total = score(instrument, event.answers).total
        if total is not None:
            latest[event.instrument_id] = total
    return latest


def _last_quiet_moment(
    history: DemoHistory, patient: str, known: dict[str, Instrument]
) -> datetime | None:
    """The time of the patient's latest response or acknowledgement, leaving out a last
    response that raised a flag nobody has acknowledged (the clinician has not seen it)."""
    own = [e for e in history.events if e.patient == patient]
    acks = [e.at for e in own if isinstance(e, DemoAcknowledgement)]
    responses = [e for e in own if isinstance(e, DemoResponse)]
    if not responses:
        return None
    times = sorted([*acks, *(r.at for r in responses)])
    newest = responses[-1]
    instrument = known.get(newest.instrument_id)
    unseen = newest.at > max(acks, default=newest.at - timedelta(seconds=1))
    if unseen and instrument is not None and raises_flag(instrument, newest.answers):
        times = [t for t in times if t < newest.at]
    return times[-1] if times else None


def generate_care(
    seed: int,
    history: DemoHistory,
    today: datetime,
    *,
    instruments: dict[str, Instrument] | None = None,
) -> DemoCare:
    """The care path of every patient in ``history`` up to ``today``."""
    rng = random.Random(seed)
    known = instruments if instruments is not None else {i.id: i for i in list_instruments()}
    by_joining = sorted(history.patients, key=lambda p: p.joined)
    size = len(by_joining)
    none, half = share(WITHOUT_INTAKE, size), share(OPEN_INTAKES, size)
    without = {p.key for p in by_joining[:none]}
    still_open = by_joining[none : none + half]
    with_intake = by_joining[none + half :]
    # Safety actions the intake itself raises: a withdrawal seizure in the past, for one
    # patient who drinks; thoughts of suicide now, for one at risk.
    drinkers = [p for p in with_intake if p.problem is AddictionType.ALCOHOL]
    seizure = drinkers[len(drinkers) // 2].key if drinkers else None
    at_risk = [p for p in with_intake if p.at_risk and p.key != seizure]
    thoughts = at_risk[0].key if at_risk else None
    # The patients who joined in the past days: their first recommendation waits for
    # review.
    waiting = min(newcomers(size), len(with_intake))
    pending = {p.key for p in with_intake[len(with_intake) - waiting :]}
    reviewed = [p for p in with_intake if p.key not in pending]
    overrides = min(share(OVERRIDES, size), len(reviewed))
    overridden = {p.key: n for n, p in enumerate(rng.sample(reviewed, overrides))}

    intakes: dict[str, Intake] = {}
    events: list[CareEvent] = []
    for patient in still_open:
        opened = today - timedelta(days=rng.randint(6, 9), hours=rng.randint(0, 5))
        sitting = opened + timedelta(days=rng.randint(1, 3), hours=rng.randint(1, 6))
        intake = make_intake(rng, patient, sitting.date())
        intakes[patient.key] = intake
        events.append(IntakeOpened(patient.key, opened))
        events.append(IntakeSitting(patient.key, sitting, SECTION_KEYS[:4], intake))
    for patient in with_intake:
        events += _care_path(
            rng,
            patient,
            history,
            known,
            today,
            intakes,
            seizures=patient.key == seizure,
            thoughts_now=patient.key == thoughts,
            review=None
            if patient.key in pending
            else Decision.OVERRIDE
            if patient.key in overridden
            else Decision.ACCEPT,
            variant=overridden.get(patient.key, 0),
        )
    events.sort(key=lambda e: e.at)
    assert not without & set(intakes)
    return DemoCare(
        intakes=intakes,
        submitted=frozenset(p.key for p in with_intake),
        events=tuple(events),
    )


def _care_path(
    rng: random.Random,
    patient: DemoPatient,
    history: DemoHistory,
    known: dict[str, Instrument],
    today: datetime,
    intakes: dict[str, Intake],
    *,
    seizures: bool,
    thoughts_now: bool,
    review: Decision | None,
    variant: int = 0,
) -> list[CareEvent]:
    """Intake as they join, then reviews, a cycle and a plan as time allows."""
    key, joined = patient.key, patient.joined
    intake = make_intake(rng, patient, joined.date(), seizures=seizures, thoughts_now=thoughts_now)
    intakes[key] = intake
    submitted = joined + FIRST_SITTING - timedelta(minutes=5)
    events: list[CareEvent] = [IntakeOpened(key, joined + timedelta(minutes=2))]
    if rng.random() < 0.35:
        # Two sittings in the same visit, with a break between.
        events.append(IntakeSitting(key, joined + timedelta(minutes=6), SECTION_KEYS[:4], intake))
        events.append(IntakeSitting(key, joined + timedelta(minutes=18), SECTION_KEYS[4:], intake))
    else:
        events.append(IntakeSitting(key, joined + timedelta(minutes=12), SECTION_KEYS, intake))
    events.append(IntakeSubmitted(key, submitted))
    if review is None:
        return events
    first_review = joined + timedelta(days=1, hours=rng.randint(1, 6))
    events.append(LevelReview(key, first_review, review, variant))
    quiet = _last_quiet_moment(history, key, known)
    if review is Decision.ACCEPT and quiet is not None and quiet > first_review:
        final = min(quiet + timedelta(hours=3), today - timedelta(minutes=1))
        events.append(LevelReview(key, final, Decision.ACCEPT))
    if rng.random() < 0.55:
        drawn = joined + timedelta(days=rng.randint(8, 16), hours=2)
        cycle = make_cycle(rng, patient)
        if drawn < today:
            events.append(CycleSaved(key, drawn, cycle, AuthorRole.TOGETHER))
        again = drawn + timedelta(days=rng.randint(25, 50))
        if again < today and rng.random() < 0.6:
            author = rng.choice((AuthorRole.TOGETHER, AuthorRole.PATIENT))
            events.append(CycleSaved(key, again, revise_cycle(rng, patient, cycle), author))
    if rng.random() < 0.7:
        events += _plans(rng, patient, history, known, today, first_review)
    return events


def _plans(
    rng: random.Random,
    patient: DemoPatient,
    history: DemoHistory,
    known: dict[str, Instrument],
    today: datetime,
    first_review: datetime,
) -> list[CareEvent]:
    """A plan two weeks or so after the first review, agreed and acknowledged; revised at
    its review date when that has passed. Now and then one is still a draft, or agreed
    and waiting for the patient."""
    key = patient.key
    events: list[CareEvent] = []
    made = first_review + timedelta(days=rng.randint(7, 14), hours=1)
    stage = rng.random()
    while made < today - timedelta(days=1):
        latest = _scores_before(history, key, made, known)
        plan = make_plan(rng, patient, latest, known, made.date())
        events.append(PlanSaved(key, made, plan))
        if stage < 0.1:
            break
        agreed = made + timedelta(minutes=20)
        events.append(PlanAgreed(key, agreed))
        seen = agreed + timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 8))
        if seen >= today or stage < 0.18:
            break
        events.append(PlanAcknowledged(key, seen))
        made = datetime.combine(plan.review_on, made.timetz()) + timedelta(hours=1)
    return events
