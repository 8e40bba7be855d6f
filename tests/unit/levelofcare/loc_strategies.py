"""Hypothesis strategies for level-of-care property tests.

A case is a complete intake, item answers per instrument (scored by the real engine)
and open flags. ``riskier`` makes one change that can only add risk, so the tests can
check that the recommendation never moves the other way.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from hypothesis import strategies as st

from attune.domain.instruments import get_instrument, score
from attune.domain.instruments.model import Score
from attune.domain.intake import (
    Addiction,
    AddictionType,
    AmountUnit,
    AttemptHistory,
    EpisodeHistory,
    Intake,
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
from attune.domain.levelofcare import Inputs

TODAY = date(2025, 3, 1)
INSTRUMENTS = (
    "phq9",
    "gad7",
    "pcl5",
    "audit",
    "dast10",
    "pgsi",
    "igds9sf",
    "bsmas",
    "bwas",
    "pacs",
    "ders16",
    "ecrr",
    "ace",
)


@dataclass(frozen=True)
class Case:
    intake: Intake
    answers: dict[str, dict[str, int]] = field(default_factory=dict)
    open_flags: tuple[str, ...] = ()

    def scores(self) -> dict[str, Score]:
        return {i: score(get_instrument(i), a) for i, a in self.answers.items()}

    def inputs(self) -> Inputs:
        return Inputs(self.intake, TODAY, self.scores(), self.open_flags)


def _unit(what: AddictionType) -> st.SearchStrategy[AmountUnit]:
    if what is AddictionType.ALCOHOL:
        return st.sampled_from([AmountUnit.STANDARD_DRINKS, AmountUnit.GRAMS])
    return st.sampled_from(AmountUnit)


@st.composite
def addictions(draw: st.DrawFn) -> Addiction:
    what = draw(st.sampled_from(AddictionType))
    return Addiction(
        what=what,
        stopped=draw(st.booleans()),
        days_per_week=draw(st.integers(0, 7)),
        amount=draw(st.none() | st.integers(0, 300).map(float)),
        unit=draw(_unit(what)),
        last_use=draw(st.none() | st.integers(0, 400).map(lambda d: TODAY - timedelta(days=d))),
        years_of_use=draw(st.none() | st.integers(0, 30).map(float)),
    )


def _answers(instrument_id: str) -> st.SearchStrategy[dict[str, int]]:
    instrument = get_instrument(instrument_id)
    return st.fixed_dictionaries(
        {item.link_id: st.sampled_from(item.codes) for item in instrument.items}
    )


maybe = st.none() | st.booleans()
intakes = st.builds(
    Intake,
    addictions=st.lists(addictions(), max_size=3).map(tuple),
    withdrawal=st.builds(WithdrawalHistory, st.booleans(), st.booleans(), st.booleans()),
    medications=st.builds(
        Medications,
        st.just(True),
        st.lists(
            st.builds(
                Medication,
                st.just("a medicine"),
                st.frozensets(st.sampled_from(MedicationClass), max_size=2),
            ),
            max_size=2,
        ).map(tuple),
    ),
    medical=st.builds(
        MedicalHistory,
        st.booleans(),
        maybe,
        st.booleans(),
        st.booleans(),
        st.booleans(),
        st.sampled_from(LiverDisease),
        st.sampled_from(Pregnancy),
    ),
    mental_health=st.builds(
        MentalHealthHistory,
        st.sampled_from(EpisodeHistory),
        st.sampled_from(EpisodeHistory),
        st.sampled_from(AttemptHistory),
        st.sampled_from(SelfHarm),
        st.booleans(),
    ),
    situation=st.builds(
        Situation,
        st.booleans(),
        st.booleans(),
        st.booleans(),
        st.frozensets(st.sampled_from(Support)),
        st.just(""),
        st.frozensets(st.sampled_from(Pressure)),
    ),
    treatment=st.builds(
        TreatmentHistory,
        st.just(True),
        st.lists(
            st.builds(
                PreviousTreatment, st.sampled_from(TreatmentKind), st.sampled_from(TreatmentOutcome)
            ),
            max_size=3,
        ).map(tuple),
    ),
    readiness=st.builds(Readiness, st.integers(0, 10), st.sampled_from(Stage)),
    goals=st.just("goals"),
)


@st.composite
def cases(draw: st.DrawFn) -> Case:
    chosen = draw(st.lists(st.sampled_from(INSTRUMENTS), unique=True, max_size=6))
    answers = {i: draw(_answers(i)) for i in chosen}
    flags = draw(st.sampled_from([(), ("suicidal_ideation",)]))
    return Case(draw(intakes), answers, flags)


_ORDERED = {
    "liver": [LiverDisease.NONE, LiverDisease.PRESENT, LiverDisease.SEVERE],
    "pregnancy": [Pregnancy.NO, Pregnancy.POSSIBLY, Pregnancy.YES],
    "episode": [EpisodeHistory.NEVER, EpisodeHistory.PAST, EpisodeHistory.CURRENT],
    "attempts": [AttemptHistory.NONE, AttemptHistory.LONGER_AGO, AttemptHistory.PAST_YEAR],
    "self_harm": [SelfHarm.NEVER, SelfHarm.PAST, SelfHarm.RECENT],
}


def _up(values: list[object], current: object) -> object:
    return values[min(values.index(current) + 1, len(values) - 1)]


def _riskier_addiction(a: Addiction, change: int) -> Addiction:
    if change == 0:
        return replace(a, days_per_week=min(7, (a.days_per_week or 0) + 1))
    if change == 1:
        return replace(a, amount=(a.amount or 0) + 5)
    if change == 2:
        return replace(a, years_of_use=(a.years_of_use or 0) + 3)
    if change == 3:
        return replace(a, stopped=False)
    if a.last_use is None:
        return a
    return replace(a, last_use=min(TODAY, a.last_use + timedelta(days=30)))


@st.composite
def riskier(draw: st.DrawFn, case: Case) -> Case:
    """One change to the case that can only add risk."""
    i = case.intake
    m, h, s = i.medical, i.mental_health, i.situation
    kind = draw(st.integers(0, 17))
    new = i
    if kind == 0 and i.named:
        index = draw(st.integers(0, len(i.named) - 1))
        changed = _riskier_addiction(i.named[index], draw(st.integers(0, 4)))
        new = replace(i, addictions=(*i.named[:index], changed, *i.named[index + 1 :]))
    elif kind == 1:
        new = replace(i, addictions=(*i.named, draw(addictions())))
    elif kind == 2:
        key = draw(st.sampled_from(["seizures", "delirium", "other_severe"]))
        new = replace(i, withdrawal=replace(i.withdrawal, **{key: True}))
    elif kind == 3:
        key = draw(
            st.sampled_from(
                ["heart_disease", "aneurysm_or_brain_bleed", "epilepsy", "high_blood_pressure"]
            )
        )
        new = replace(i, medical=replace(m, **{key: True}))
    elif kind == 4 and m.high_blood_pressure:
        new = replace(i, medical=replace(m, blood_pressure_controlled=False))
    elif kind == 5:
        new = replace(i, medical=replace(m, liver_disease=_up(_ORDERED["liver"], m.liver_disease)))
    elif kind == 6:
        new = replace(i, medical=replace(m, pregnancy=_up(_ORDERED["pregnancy"], m.pregnancy)))
    elif kind == 7:
        key = draw(st.sampled_from(["psychosis", "mania"]))
        new = replace(
            i, mental_health=replace(h, **{key: _up(_ORDERED["episode"], getattr(h, key))})
        )
    elif kind == 8:
        attempts = _up(_ORDERED["attempts"], h.suicide_attempts)
        harm = _up(_ORDERED["self_harm"], h.self_harm)
        new = replace(i, mental_health=replace(h, suicide_attempts=attempts, self_harm=harm))
    elif kind == 9:
        new = replace(i, mental_health=replace(h, suicidal_thoughts_now=True))
    elif kind == 10:
        new = replace(i, situation=replace(s, lives_with_someone_who_uses=True))
    elif kind == 11:
        new = replace(i, situation=replace(s, stable_housing=False))
    elif kind == 12 and s.supports:
        drop = draw(st.sampled_from(sorted(s.supports, key=lambda x: x.value)))
        new = replace(i, situation=replace(s, supports=s.supports - {drop}))
    elif kind == 13:
        new = replace(
            i,
            situation=replace(
                s, pressures=(s.pressures or frozenset()) | {draw(st.sampled_from(Pressure))}
            ),
        )
    elif kind == 14:
        r = i.readiness
        lower = max(0, (r.ruler or 0) - draw(st.integers(1, 4)))
        stage = r.stage if r.stage is None else list(Stage)[max(0, r.stage.order - 1)]
        new = replace(i, readiness=Readiness(lower, stage if draw(st.booleans()) else r.stage))
    elif kind == 15:
        med = Medication("another", frozenset({draw(st.sampled_from(MedicationClass))}))
        new = replace(i, medications=replace(i.medications, items=(*i.medications.items, med)))
    elif kind == 16:
        bad = PreviousTreatment(
            draw(st.sampled_from(TreatmentKind)),
            draw(
                st.sampled_from(
                    [TreatmentOutcome.LEFT_EARLY, TreatmentOutcome.HELPED_THEN_RETURNED]
                )
            ),
        )
        new = replace(i, treatment=replace(i.treatment, items=(*i.treatment.items, bad)))
    elif kind == 17:
        return _riskier_scores(draw, case)
    return replace(case, intake=new)


def _riskier_scores(draw: st.DrawFn, case: Case) -> Case:
    """Add an open flag, add a questionnaire, or raise one item's weight."""
    choice = draw(st.integers(0, 2))
    if choice == 0:
        return replace(case, open_flags=("suicidal_ideation",))
    missing = [i for i in INSTRUMENTS if i not in case.answers]
    if (choice == 1 and missing) or not case.answers:
        instrument_id = draw(st.sampled_from(missing))
        return replace(case, answers={**case.answers, instrument_id: draw(_answers(instrument_id))})
    instrument_id = draw(st.sampled_from(sorted(case.answers)))
    instrument = get_instrument(instrument_id)
    answers = dict(case.answers[instrument_id])
    item = instrument.item(draw(st.sampled_from(instrument.item_ids)))
    current = item.weight(answers[item.link_id])
    heavier = [o.code for o in item.options if o.weight >= current]
    answers[item.link_id] = draw(st.sampled_from(heavier))
    return replace(case, answers={**case.answers, instrument_id: answers})
