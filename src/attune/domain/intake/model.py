"""The structured intake as plain frozen data.

Every answer may be ``None`` (not answered yet): a patient fills the intake over one or
several sittings and each sitting is kept. :func:`attune.domain.intake.validation.validate`
says which answers are still missing, out of range or contradictory.

Collections follow the same rule: ``None`` means "not answered", an empty tuple or set
means "none" (no addictions named, no one supports me, no pressures).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import Enum


class Kind(Enum):
    """The three kinds of addiction Attune works with."""

    SUBSTANCE = "substance"
    BEHAVIOUR = "behaviour"
    DISTRACTION = "distraction"


class AddictionType(Enum):
    """What the patient names. Each value belongs to one :class:`Kind`."""

    ALCOHOL = "alcohol"
    OPIOIDS = "opioids"
    BENZODIAZEPINES = "benzodiazepines"
    SEDATIVES = "sedatives"
    STIMULANTS = "stimulants"
    CANNABIS = "cannabis"
    KETAMINE = "ketamine"
    DISSOCIATIVES = "dissociatives"
    HALLUCINOGENS = "hallucinogens"
    NICOTINE = "nicotine"
    OTHER_SUBSTANCE = "other_substance"
    GAMBLING = "gambling"
    GAMING = "gaming"
    COMPULSIVE_EATING = "compulsive_eating"
    PORNOGRAPHY = "pornography"
    SHOPPING = "shopping"
    OTHER_BEHAVIOUR = "other_behaviour"
    SOCIAL_MEDIA = "social_media"
    OVERWORK = "overwork"
    STREAMING = "streaming"
    OTHER_DISTRACTION = "other_distraction"

    @property
    def kind(self) -> Kind:
        return _KIND[self]

    @property
    def is_other(self) -> bool:
        return self in (
            AddictionType.OTHER_SUBSTANCE,
            AddictionType.OTHER_BEHAVIOUR,
            AddictionType.OTHER_DISTRACTION,
        )


_SUBSTANCES = frozenset(
    {
        AddictionType.ALCOHOL,
        AddictionType.OPIOIDS,
        AddictionType.BENZODIAZEPINES,
        AddictionType.SEDATIVES,
        AddictionType.STIMULANTS,
        AddictionType.CANNABIS,
        AddictionType.KETAMINE,
        AddictionType.DISSOCIATIVES,
        AddictionType.HALLUCINOGENS,
        AddictionType.NICOTINE,
        AddictionType.OTHER_SUBSTANCE,
    }
)
_DISTRACTIONS = frozenset(
    {
        AddictionType.SOCIAL_MEDIA,
        AddictionType.OVERWORK,
        AddictionType.STREAMING,
        AddictionType.OTHER_DISTRACTION,
    }
)
_KIND: dict[AddictionType, Kind] = {
    t: (
        Kind.SUBSTANCE
        if t in _SUBSTANCES
        else Kind.DISTRACTION
        if t in _DISTRACTIONS
        else Kind.BEHAVIOUR
    )
    for t in AddictionType
}


class AmountUnit(Enum):
    """The unit of the amount on a typical day of use."""

    #: A drink with about 10 g of alcohol (the question text says what that looks like).
    STANDARD_DRINKS = "standard_drinks"
    GRAMS = "grams"
    MILLIGRAMS = "milligrams"
    TABLETS = "tablets"
    USES = "uses"
    HOURS = "hours"
    MONEY = "money"
    OTHER = "other"


@dataclass(frozen=True)
class Addiction:
    """One addiction the patient names.

    ``days_per_week`` is the average over the past 30 days (0–7); ``amount``/``unit`` the
    amount on a typical day of use; ``years_of_use`` may be a fraction (0.5 = six months).
    ``stopped`` is True when the patient is not using now. ``detail`` says what "other"
    is (required then) or adds a note (e.g. "wine", "oxycodone").
    """

    what: AddictionType
    detail: str = ""
    stopped: bool = False
    days_per_week: int | None = None
    amount: float | None = None
    unit: AmountUnit | None = None
    last_use: date | None = None
    years_of_use: float | None = None

    @property
    def kind(self) -> Kind:
        return self.what.kind

    @property
    def name(self) -> str:
        """A short name for messages: the detail for "other", else the type."""
        if self.what.is_other and self.detail.strip():
            return self.detail.strip()
        return self.what.value.replace("_", " ")


@dataclass(frozen=True)
class WithdrawalHistory:
    """What happened when the patient stopped or cut down before."""

    seizures: bool | None = None
    delirium: bool | None = None
    other_severe: bool | None = None
    other_detail: str = ""


class MedicationClass(Enum):
    """Medicine classes that matter for level of care and the KAP screen."""

    BENZODIAZEPINE = "benzodiazepine"
    OPIOID = "opioid"
    STIMULANT = "stimulant"
    MAOI = "maoi"
    OTHER_SEDATIVE = "other_sedative"


@dataclass(frozen=True)
class Medication:
    name: str
    classes: frozenset[MedicationClass] = frozenset()


@dataclass(frozen=True)
class Medications:
    """``takes_any`` answers "do you take any medicines regularly?"; then ``items``."""

    takes_any: bool | None = None
    items: tuple[Medication, ...] = ()

    def with_class(self, cls: MedicationClass) -> tuple[Medication, ...]:
        return tuple(m for m in self.items if cls in m.classes)


class LiverDisease(Enum):
    NONE = "none"
    PRESENT = "present"
    #: Cirrhosis, or a doctor has said it is severe.
    SEVERE = "severe"


class Pregnancy(Enum):
    NO = "no"
    YES = "yes"
    POSSIBLY = "possibly"


@dataclass(frozen=True)
class MedicalHistory:
    high_blood_pressure: bool | None = None
    #: Only asked when ``high_blood_pressure`` is True.
    blood_pressure_controlled: bool | None = None
    heart_disease: bool | None = None
    #: An aneurysm, a malformation of blood vessels in the brain, or a bleed in the brain.
    aneurysm_or_brain_bleed: bool | None = None
    epilepsy: bool | None = None
    liver_disease: LiverDisease | None = None
    pregnancy: Pregnancy | None = None
    other: str = ""


class EpisodeHistory(Enum):
    """Psychosis, or mania/hypomania: never, in the past, or now."""

    NEVER = "never"
    PAST = "past"
    CURRENT = "current"


class AttemptHistory(Enum):
    NONE = "none"
    LONGER_AGO = "longer_ago"
    PAST_YEAR = "past_year"


class SelfHarm(Enum):
    NEVER = "never"
    PAST = "past"
    #: In the past three months.
    RECENT = "recent"


@dataclass(frozen=True)
class MentalHealthHistory:
    psychosis: EpisodeHistory | None = None
    mania: EpisodeHistory | None = None
    suicide_attempts: AttemptHistory | None = None
    self_harm: SelfHarm | None = None
    suicidal_thoughts_now: bool | None = None


class Support(Enum):
    PARTNER = "partner"
    FAMILY = "family"
    FRIENDS = "friends"
    PEER_GROUP = "peer_group"
    COMMUNITY = "community"
    PROFESSIONAL = "professional"


class Pressure(Enum):
    WORK = "work"
    LEGAL = "legal"
    FAMILY = "family"
    FINANCIAL = "financial"


@dataclass(frozen=True)
class Situation:
    """Home and the people around the patient. Empty sets mean "no one" / "none"."""

    stable_housing: bool | None = None
    lives_alone: bool | None = None
    lives_with_someone_who_uses: bool | None = None
    supports: frozenset[Support] | None = None
    support_detail: str = ""
    pressures: frozenset[Pressure] | None = None
    pressure_detail: str = ""


class TreatmentKind(Enum):
    PEER_SUPPORT = "peer_support"
    COUNSELLING = "counselling"
    INTENSIVE_OUTPATIENT = "intensive_outpatient"
    RESIDENTIAL = "residential"
    WITHDRAWAL_MANAGEMENT = "withdrawal_management"
    MEDICATION = "medication"


class TreatmentOutcome(Enum):
    HELPED = "helped"
    HELPED_THEN_RETURNED = "helped_then_returned"
    LEFT_EARLY = "left_early"
    DID_NOT_HELP = "did_not_help"
    ONGOING = "ongoing"


@dataclass(frozen=True)
class PreviousTreatment:
    kind: TreatmentKind
    outcome: TreatmentOutcome | None = None
    year: int | None = None
    detail: str = ""


@dataclass(frozen=True)
class TreatmentHistory:
    had_treatment: bool | None = None
    items: tuple[PreviousTreatment, ...] = ()


class Stage(Enum):
    """Where the patient sees themselves with change (ordered)."""

    NOT_READY = "not_ready"
    THINKING = "thinking"
    PREPARING = "preparing"
    ACTION = "action"
    MAINTAINING = "maintaining"

    @property
    def order(self) -> int:
        return list(Stage).index(self)


@dataclass(frozen=True)
class Readiness:
    #: 0 (not at all ready) to 10 (completely ready).
    ruler: int | None = None
    stage: Stage | None = None


@dataclass(frozen=True)
class Intake:
    """Everything the intake asks. ``addictions`` None = not answered, () = none named."""

    addictions: tuple[Addiction, ...] | None = None
    withdrawal: WithdrawalHistory = field(default_factory=WithdrawalHistory)
    medications: Medications = field(default_factory=Medications)
    medical: MedicalHistory = field(default_factory=MedicalHistory)
    mental_health: MentalHealthHistory = field(default_factory=MentalHealthHistory)
    situation: Situation = field(default_factory=Situation)
    treatment: TreatmentHistory = field(default_factory=TreatmentHistory)
    readiness: Readiness = field(default_factory=Readiness)
    goals: str = ""

    @property
    def named(self) -> tuple[Addiction, ...]:
        return self.addictions or ()

    def uses(self, *types: AddictionType) -> tuple[Addiction, ...]:
        """The named addictions of the given types."""
        return tuple(a for a in self.named if a.what in types)


@dataclass(frozen=True)
class Respondent:
    """Facts from the patient record that the intake is checked against.

    ``today`` is injected (the service passes its clock's date); ``sex`` is "female",
    "male" or None, as in the patient record.
    """

    today: date
    date_of_birth: date | None = None
    sex: str | None = None

    @property
    def age(self) -> int | None:
        if self.date_of_birth is None:
            return None
        born = self.date_of_birth
        had_birthday = (self.today.month, self.today.day) >= (born.month, born.day)
        return self.today.year - born.year - (0 if had_birthday else 1)
