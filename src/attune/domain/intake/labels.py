"""Plain-language labels for every intake answer choice (our own wording)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from attune.domain.intake.model import (
    AddictionType,
    AmountUnit,
    AttemptHistory,
    EpisodeHistory,
    Kind,
    LiverDisease,
    MedicationClass,
    Pregnancy,
    Pressure,
    SelfHarm,
    Stage,
    Support,
    TreatmentKind,
    TreatmentOutcome,
)


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


LABELS: dict[Enum, str] = {
    Kind.SUBSTANCE: "A substance",
    Kind.BEHAVIOUR: "A behaviour",
    Kind.DISTRACTION: "A way of distracting myself",
    AddictionType.ALCOHOL: "Alcohol",
    AddictionType.OPIOIDS: "Opioids (heroin, fentanyl, painkillers such as oxycodone)",
    AddictionType.BENZODIAZEPINES: "Benzodiazepines (diazepam, alprazolam, clonazepam…)",
    AddictionType.SEDATIVES: "Other sedatives or sleeping pills (zolpidem, GHB, barbiturates…)",
    AddictionType.STIMULANTS: "Stimulants (cocaine, amphetamines, methamphetamine…)",
    AddictionType.CANNABIS: "Cannabis",
    AddictionType.KETAMINE: "Ketamine",
    AddictionType.DISSOCIATIVES: "Other dissociatives (PCP, DXM, nitrous oxide…)",
    AddictionType.HALLUCINOGENS: "Hallucinogens (LSD, mushrooms…)",
    AddictionType.NICOTINE: "Nicotine (smoking, vaping)",
    AddictionType.OTHER_SUBSTANCE: "Another substance",
    AddictionType.GAMBLING: "Gambling or betting",
    AddictionType.GAMING: "Video games",
    AddictionType.COMPULSIVE_EATING: "Eating that feels out of control",
    AddictionType.PORNOGRAPHY: "Pornography",
    AddictionType.SHOPPING: "Shopping or spending",
    AddictionType.OTHER_BEHAVIOUR: "Another behaviour",
    AddictionType.SOCIAL_MEDIA: "Social media",
    AddictionType.OVERWORK: "Working too much",
    AddictionType.STREAMING: "Series, videos or other constant entertainment",
    AddictionType.OTHER_DISTRACTION: "Another distraction",
    AmountUnit.STANDARD_DRINKS: "standard drinks",
    AmountUnit.GRAMS: "grams",
    AmountUnit.MILLIGRAMS: "milligrams",
    AmountUnit.TABLETS: "tablets",
    AmountUnit.USES: "times",
    AmountUnit.HOURS: "hours",
    AmountUnit.MONEY: "money spent (your currency)",
    AmountUnit.OTHER: "other (say in the note)",
    MedicationClass.BENZODIAZEPINE: "A benzodiazepine (diazepam, lorazepam, alprazolam…)",
    MedicationClass.OPIOID: "An opioid (including methadone or buprenorphine)",
    MedicationClass.STIMULANT: "A stimulant (for ADHD, for example)",
    MedicationClass.MAOI: "An MAOI antidepressant (phenelzine, tranylcypromine, selegiline…)",
    MedicationClass.OTHER_SEDATIVE: "Another sedative or sleeping pill",
    LiverDisease.NONE: "No",
    LiverDisease.PRESENT: "Yes",
    LiverDisease.SEVERE: "Yes, cirrhosis, or a doctor said it is severe",
    Pregnancy.NO: "No",
    Pregnancy.YES: "Yes",
    Pregnancy.POSSIBLY: "Possibly",
    EpisodeHistory.NEVER: "Never",
    EpisodeHistory.PAST: "In the past",
    EpisodeHistory.CURRENT: "Now or in the past month",
    AttemptHistory.NONE: "No",
    AttemptHistory.LONGER_AGO: "Yes, more than a year ago",
    AttemptHistory.PAST_YEAR: "Yes, within the past year",
    SelfHarm.NEVER: "No",
    SelfHarm.PAST: "Yes, more than three months ago",
    SelfHarm.RECENT: "Yes, in the past three months",
    Support.PARTNER: "My partner",
    Support.FAMILY: "Family",
    Support.FRIENDS: "Friends",
    Support.PEER_GROUP: "A peer or mutual-help group",
    Support.COMMUNITY: "A faith or community group",
    Support.PROFESSIONAL: "A doctor, counsellor or other professional",
    Pressure.WORK: "Work or study",
    Pressure.LEGAL: "Legal matters (police, court, probation)",
    Pressure.FAMILY: "Family or relationships",
    Pressure.FINANCIAL: "Money or debt",
    TreatmentKind.PEER_SUPPORT: "A peer or mutual-help group",
    TreatmentKind.COUNSELLING: "Counselling or therapy",
    TreatmentKind.INTENSIVE_OUTPATIENT: "A day programme, several days a week",
    TreatmentKind.RESIDENTIAL: "A residential or inpatient stay",
    TreatmentKind.WITHDRAWAL_MANAGEMENT: "Medical help to stop safely (detox)",
    TreatmentKind.MEDICATION: "Medicine to help with the addiction",
    TreatmentOutcome.HELPED: "It helped and the change lasted",
    TreatmentOutcome.HELPED_THEN_RETURNED: "It helped for a while, then the habit came back",
    TreatmentOutcome.LEFT_EARLY: "I left before the end",
    TreatmentOutcome.DID_NOT_HELP: "It did not help",
    TreatmentOutcome.ONGOING: "I am still in it",
    Stage.NOT_READY: "I am not ready to change this",
    Stage.THINKING: "I am thinking about changing it",
    Stage.PREPARING: "I am getting ready to change it soon",
    Stage.ACTION: "I have started to change it",
    Stage.MAINTAINING: "I changed it a while ago and I am keeping it up",
}


def label(member: Enum) -> str:
    return LABELS[member]


def choices(enum_type: type[Enum]) -> tuple[Choice, ...]:
    """The answer choices of one intake enum, in order, with their labels."""
    return tuple(Choice(str(m.value), LABELS[m]) for m in enum_type)
