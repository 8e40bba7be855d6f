"""The intake questions as data, in form order, for the web to render.

Each :class:`Question` names the field path its answer is stored under and validated
by (``[]`` marks a repeating group: ``addictions[].days_per_week``), the text shown to
the patient, the kind of answer, the choices where there are some, and when it is shown.

A required tick-all-that-apply question has a ``none_label``: the wording of the one box
that answers "none of these". Ticking it is an answer, stored as an empty list (no one
supports me, nothing presses on me); ticking nothing leaves the question unanswered
(``None``), so an untouched list is never mistaken for "none".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from attune.domain.intake.labels import Choice, choices
from attune.domain.intake.model import (
    AddictionType,
    AmountUnit,
    AttemptHistory,
    EpisodeHistory,
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


class AnswerType(Enum):
    YES_NO = "yes_no"
    CHOICE = "choice"
    CHOICES = "choices"
    INTEGER = "integer"
    NUMBER = "number"
    DATE = "date"
    TEXT = "text"
    LONG_TEXT = "long_text"


@dataclass(frozen=True)
class Question:
    field: str
    text: str
    answer: AnswerType
    choices: tuple[Choice, ...] = ()
    help: str = ""
    minimum: float | None = None
    maximum: float | None = None
    #: A plain description of when the question is shown; "" = always.
    shown_when: str = ""
    optional: bool = False
    #: For a required tick-all-that-apply question: the box that answers "none" (stored
    #: as an empty list); "" for every other question.
    none_label: str = ""

    @property
    def has_none_choice(self) -> bool:
        """True when the question offers a "none" box (see the module docstring)."""
        return self.answer is AnswerType.CHOICES and not self.optional


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    intro: str
    questions: tuple[Question, ...]
    #: True when the section is a list the patient can add entries to.
    repeating: bool = False


YES_NO = AnswerType.YES_NO

SECTIONS: tuple[Section, ...] = (
    Section(
        "addictions",
        "What you would like help with",
        "Add each substance, behaviour or distraction that feels hard to control. "
        "There are no wrong answers, and a guess is fine wherever you are unsure.",
        (
            Question(
                "addictions[].what",
                "What is it?",
                AnswerType.CHOICE,
                choices(AddictionType),
            ),
            Question(
                "addictions[].detail",
                "Tell us a little more",
                AnswerType.TEXT,
                help="For example which drink, drug or app. Needed when you chose 'another'.",
                optional=True,
            ),
            Question("addictions[].stopped", "Have you stopped for now?", YES_NO),
            Question(
                "addictions[].days_per_week",
                "Over the past 30 days, on about how many days a week?",
                AnswerType.INTEGER,
                minimum=0,
                maximum=7,
                shown_when="not stopped",
            ),
            Question(
                "addictions[].amount",
                "On a typical day, about how much?",
                AnswerType.NUMBER,
                help="A standard drink has about 10 g of alcohol: a small glass of wine, a "
                "half pint of ordinary beer or a single measure of spirits. For "
                "behaviours, hours or money spent work well.",
                minimum=0,
                shown_when="not stopped",
            ),
            Question("addictions[].unit", "Unit", AnswerType.CHOICE, choices(AmountUnit)),
            Question("addictions[].last_use", "When was the last time?", AnswerType.DATE),
            Question(
                "addictions[].years_of_use",
                "For about how many years has this been a part of your life?",
                AnswerType.NUMBER,
                help="Half a year is 0.5.",
                minimum=0,
            ),
        ),
        repeating=True,
    ),
    Section(
        "withdrawal",
        "Stopping or cutting down before",
        "Some substances can make stopping unsafe without medical help. These answers "
        "help us plan a safe start.",
        (
            Question(
                "withdrawal.seizures",
                "Have you ever had a seizure (a fit) after stopping or cutting down?",
                YES_NO,
            ),
            Question(
                "withdrawal.delirium",
                "Have you ever been very confused, seen or heard things that were not there, "
                "or shaken badly after stopping drinking or taking sedatives?",
                YES_NO,
            ),
            Question(
                "withdrawal.other_severe",
                "Has stopping ever made you so unwell that you needed medical help?",
                YES_NO,
            ),
            Question(
                "withdrawal.other_detail",
                "What happened?",
                AnswerType.TEXT,
                shown_when="withdrawal.other_severe is yes",
            ),
        ),
    ),
    Section(
        "medications",
        "Medicines",
        "Include prescribed medicines and ones you buy yourself.",
        (
            Question("medications.takes_any", "Do you take any medicines regularly?", YES_NO),
            Question(
                "medications.items[].name",
                "Name of the medicine",
                AnswerType.TEXT,
                shown_when="medications.takes_any is yes",
            ),
            Question(
                "medications.items[].classes",
                "Is it one of these? (tick any that apply)",
                AnswerType.CHOICES,
                choices(MedicationClass),
                shown_when="medications.takes_any is yes",
                optional=True,
            ),
        ),
    ),
    Section(
        "medical",
        "Your health",
        "A few questions about your body, so the care we suggest is safe for you.",
        (
            Question("medical.high_blood_pressure", "Do you have high blood pressure?", YES_NO),
            Question(
                "medical.blood_pressure_controlled",
                "Is it well controlled, for example with medicine?",
                YES_NO,
                shown_when="medical.high_blood_pressure is yes",
            ),
            Question(
                "medical.heart_disease",
                "Do you have a heart condition (heart attack, heart failure, an irregular "
                "heartbeat or chest pain)?",
                YES_NO,
            ),
            Question(
                "medical.aneurysm_or_brain_bleed",
                "Have you ever had an aneurysm, a bleed in the brain, or been told you have a "
                "malformation of the blood vessels in the brain?",
                YES_NO,
            ),
            Question("medical.epilepsy", "Do you have epilepsy?", YES_NO),
            Question(
                "medical.liver_disease",
                "Do you have a liver condition?",
                AnswerType.CHOICE,
                choices(LiverDisease),
            ),
            Question(
                "medical.pregnancy",
                "Are you pregnant, or could you be?",
                AnswerType.CHOICE,
                choices(Pregnancy),
                shown_when="the patient record does not give the sex as male",
            ),
            Question(
                "medical.other",
                "Anything else about your health we should know?",
                AnswerType.LONG_TEXT,
                optional=True,
            ),
        ),
    ),
    Section(
        "mental_health",
        "Your mind and mood",
        "These questions are asked of everyone. Your answers help us keep you safe and "
        "find the right support.",
        (
            Question(
                "mental_health.psychosis",
                "Have you ever seen or heard things others could not, or held strong beliefs "
                "others found unreal, when not using anything?",
                AnswerType.CHOICE,
                choices(EpisodeHistory),
            ),
            Question(
                "mental_health.mania",
                "Have you had times of feeling unusually high, wired or full of energy for "
                "days, needing little sleep, or been told you have bipolar disorder?",
                AnswerType.CHOICE,
                choices(EpisodeHistory),
            ),
            Question(
                "mental_health.suicide_attempts",
                "Have you ever tried to end your life?",
                AnswerType.CHOICE,
                choices(AttemptHistory),
            ),
            Question(
                "mental_health.self_harm",
                "Have you ever hurt yourself on purpose?",
                AnswerType.CHOICE,
                choices(SelfHarm),
            ),
            Question(
                "mental_health.suicidal_thoughts_now",
                "Are you having thoughts of ending your life at the moment?",
                YES_NO,
                help="If you are in danger now, call your local emergency number. Your "
                "clinician will also be told about this answer today.",
            ),
        ),
    ),
    Section(
        "situation",
        "Your home and the people around you",
        "",
        (
            Question(
                "situation.stable_housing",
                "Do you have a safe, stable place to live?",
                YES_NO,
            ),
            Question("situation.lives_alone", "Do you live alone?", YES_NO),
            Question(
                "situation.lives_with_someone_who_uses",
                "Does anyone you live with drink heavily, use drugs, or share the habit you "
                "want to change?",
                YES_NO,
            ),
            Question(
                "situation.supports",
                "Who supports you? (tick all that apply)",
                AnswerType.CHOICES,
                choices(Support),
                help="If there is no one at the moment, tick 'No one at the moment'. That is "
                "useful for us to know too.",
                none_label="No one at the moment",
            ),
            Question(
                "situation.support_detail", "Anything to add?", AnswerType.TEXT, optional=True
            ),
            Question(
                "situation.pressures",
                "What is putting pressure on you right now? (tick all that apply)",
                AnswerType.CHOICES,
                choices(Pressure),
                help="If nothing is, tick 'None of these'.",
                none_label="None of these",
            ),
            Question(
                "situation.pressure_detail", "Anything to add?", AnswerType.TEXT, optional=True
            ),
        ),
    ),
    Section(
        "treatment",
        "Help you have had before",
        "",
        (
            Question(
                "treatment.had_treatment",
                "Have you had help for this before?",
                YES_NO,
            ),
            Question(
                "treatment.items[].kind",
                "What kind of help?",
                AnswerType.CHOICE,
                choices(TreatmentKind),
                shown_when="treatment.had_treatment is yes",
            ),
            Question(
                "treatment.items[].outcome",
                "How did it go?",
                AnswerType.CHOICE,
                choices(TreatmentOutcome),
                shown_when="treatment.had_treatment is yes",
            ),
            Question(
                "treatment.items[].year",
                "Which year (roughly)?",
                AnswerType.INTEGER,
                shown_when="treatment.had_treatment is yes",
                optional=True,
            ),
            Question(
                "treatment.items[].detail",
                "Anything you want us to know about it?",
                AnswerType.TEXT,
                help="For example where it was, or what helped and what did not.",
                shown_when="treatment.had_treatment is yes",
                optional=True,
            ),
        ),
    ),
    Section(
        "readiness",
        "Where you are with change",
        "",
        (
            Question(
                "readiness.ruler",
                "On a scale from 0 (not at all) to 10 (completely), how ready are you to make "
                "a change?",
                AnswerType.INTEGER,
                minimum=0,
                maximum=10,
            ),
            Question(
                "readiness.stage",
                "Which sentence is closest to you today?",
                AnswerType.CHOICE,
                choices(Stage),
            ),
        ),
    ),
    Section(
        "goals",
        "Your goals",
        "",
        (
            Question(
                "goals",
                "In your own words, what would you like to be different?",
                AnswerType.LONG_TEXT,
            ),
        ),
    ),
)


def question(field: str) -> Question:
    """The question for a field path (repeating groups written with ``[]``)."""
    for section in SECTIONS:
        for q in section.questions:
            if q.field == field:
                return q
    raise KeyError(field)
