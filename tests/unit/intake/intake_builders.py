"""Complete, valid intakes to start tests from (change one thing with ``replace``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

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
    Respondent,
    SelfHarm,
    Situation,
    Stage,
    Support,
    TreatmentHistory,
    WithdrawalHistory,
)

TODAY = date(2025, 3, 1)
WOMAN_40 = Respondent(today=TODAY, date_of_birth=date(1985, 1, 15), sex="female")
MAN_40 = Respondent(today=TODAY, date_of_birth=date(1985, 1, 15), sex="male")

DRINKING = Addiction(
    AddictionType.ALCOHOL,
    detail="wine",
    days_per_week=4,
    amount=3,
    unit=AmountUnit.STANDARD_DRINKS,
    last_use=date(2025, 2, 27),
    years_of_use=6,
)

BASE = Intake(
    addictions=(DRINKING,),
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


def with_addiction(**changes: object) -> Intake:
    """BASE with its one addiction changed."""
    return replace(BASE, addictions=(replace(DRINKING, **changes),))
