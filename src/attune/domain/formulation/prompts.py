"""Prompts that help a clinician and a patient fill in the cycle together.

For each part of the cycle: a short ``title`` (used as the form heading and on the
diagram), a ``question`` for the patient in plain, warm words, a ``hint`` for the
clinician on how to explore it, and an ``example`` line to show the kind of thing that
fits. All written by the Attune project.
"""

from __future__ import annotations

from dataclasses import dataclass

from attune.domain.formulation.model import Part


@dataclass(frozen=True)
class Prompt:
    part: Part
    title: str
    question: str
    hint: str
    example: str


_PROMPTS = (
    Prompt(
        Part.SITUATIONS,
        "Situations",
        "Where are you, what time is it, what is going on around you when the cycle tends "
        "to start? Think of the last few times.",
        "Ask for two or three recent, concrete occasions; look for places, times of day, "
        "being alone, tiredness, pay day, and cues such as seeing others use.",
        "Coming home to an empty flat after a long shift",
    ),
    Prompt(
        Part.RELATIONAL,
        "Between people",
        "Is there something that happens between you and someone else that sets it off — "
        "an argument, feeling left out, not hearing back, feeling judged?",
        "Explore relational triggers: perceived rejection, conflict, criticism, loneliness "
        "and unanswered bids for contact; link them to the attachment profile where it fits.",
        "My partner goes quiet after an argument",
    ),
    Prompt(
        Part.FEELINGS,
        "Feelings",
        "What do you feel just before, in your body and in your mind? Any word is fine, "
        "even 'numb' or 'I don't know'.",
        "Help name emotions and body sensations; watch for shame, emptiness and fear of "
        "abandonment beneath anger or boredom.",
        "Tight chest, restless, a sense of being unwanted",
    ),
    Prompt(
        Part.URGE,
        "Urge",
        "What does the urge feel like, and how strong does it get? What does it tell you?",
        "Rate intensity (0–10), note the permission-giving thoughts and how long the urge "
        "usually lasts before it peaks and passes.",
        "A pull to drink, about 8 out of 10, 'I deserve this'",
    ),
    Prompt(
        Part.BEHAVIOUR,
        "What I do",
        "What do you do next? Describe it the way it usually happens.",
        "Describe the behaviour concretely (what, how much, how long); keep the language "
        "descriptive and free of blame.",
        "Buy a bottle on the way home and drink most of it",
    ),
    Prompt(
        Part.RELIEF,
        "Relief",
        "What gets better straight away, even a little? It makes sense that something does.",
        "Validate the short-term function: relief, calm, numbing, connection, energy, "
        "escape. This is what reinforces the cycle.",
        "The loneliness fades and I can finally switch off",
    ),
    Prompt(
        Part.COST,
        "Cost later",
        "What does it cost you later — the next day, in your relationships, in your health "
        "or in how you feel about yourself?",
        "Elicit longer-term consequences in the patient's own terms, including how the cost "
        "feeds the next trigger (isolation, conflict, shame).",
        "Hungover at work, and I avoid my friends because I feel ashamed",
    ),
    Prompt(
        Part.SOOTHES,
        "What it soothes or solves",
        "If the behaviour were trying to help you with something, what would that be?",
        "Formulate the function: which need or painful state the behaviour regulates "
        "(e.g. loneliness, fear of rejection, overwhelm). This guides the alternatives.",
        "Feeling alone and not good enough",
    ),
    Prompt(
        Part.ALTERNATIVES,
        "Another way",
        "What could you try instead, even once, that might meet the same need in a way "
        "that costs less?",
        "Agree a few specific, practicable alternatives that serve the same function; plan "
        "when to practise them and review what happened.",
        "Text a friend from the group and go for a walk before going home",
    ),
)

PROMPTS: dict[Part, Prompt] = {p.part: p for p in _PROMPTS}


def prompt(part: Part) -> Prompt:
    return PROMPTS[part]
