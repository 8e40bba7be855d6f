"""Words for the demo clinic's care path: goals, cycles, plans and rationales.

Written for the demo (synthetic people): plain, warm and varied enough that two patients
with the same problem do not read the same. :mod:`attune.sim.demo_care` picks from
these with a seeded random generator. Nothing here is clinical guidance.
"""

from __future__ import annotations

from attune.domain.intake import AddictionType, Kind

#: Which set of words a problem uses.
GROUPS: dict[AddictionType, str] = {
    AddictionType.ALCOHOL: "alcohol",
    AddictionType.OPIOIDS: "drugs",
    AddictionType.STIMULANTS: "drugs",
    AddictionType.CANNABIS: "drugs",
    AddictionType.GAMBLING: "gambling",
    AddictionType.GAMING: "gaming",
    AddictionType.SOCIAL_MEDIA: "screens",
    AddictionType.STREAMING: "screens",
    AddictionType.OVERWORK: "overwork",
}


def group_of(what: AddictionType) -> str:
    """The word set for a problem (substances without their own set read as drugs)."""
    if what in GROUPS:
        return GROUPS[what]
    return "drugs" if what.kind is Kind.SUBSTANCE else "screens"


#: What the patient hopes for, in their own words (the intake's last question).
INTAKE_GOALS: dict[str, tuple[str, ...]] = {
    "alcohol": (
        "Stop drinking on weeknights and feel clear-headed at work.",
        "Cut right down so my kids stop worrying about me.",
        "Get through a weekend without a drink and sleep properly again.",
        "Stop hiding bottles and be honest with my partner.",
    ),
    "drugs": (
        "Stay off it and keep my job.",
        "Get steady first, then come off slowly with support.",
        "Stop losing whole weekends and have the energy to do things again.",
    ),
    "gambling": (
        "Stop betting and start paying down what I owe.",
        "Be honest with my partner about money again.",
    ),
    "gaming": (
        "Play less, sleep more and get back to my course.",
        "Have evenings with my friends that are not online.",
    ),
    "screens": (
        "Stop scrolling until two in the morning and feel less on edge.",
        "Put the phone down and actually be there with people.",
    ),
    "overwork": (
        "Leave work at work and be present with my family.",
        "Stop answering emails at midnight and take a real weekend.",
    ),
}

#: The detail a patient adds to what they name, by problem.
DETAILS: dict[AddictionType, tuple[str, ...]] = {
    AddictionType.ALCOHOL: ("wine", "beer", "spirits", "beer and vodka"),
    AddictionType.OPIOIDS: ("oxycodone", "codeine tablets", "heroin"),
    AddictionType.STIMULANTS: ("cocaine", "amphetamine"),
    AddictionType.CANNABIS: ("smoked in the evenings", "edibles"),
    AddictionType.NICOTINE: ("cigarettes", "vaping"),
    AddictionType.GAMBLING: ("online slots", "sports betting", "scratch cards and slots"),
    AddictionType.GAMING: ("online shooters", "a role-playing game"),
    AddictionType.SOCIAL_MEDIA: ("short videos", "scrolling at night"),
    AddictionType.STREAMING: ("series late into the night",),
    AddictionType.SHOPPING: ("online, mostly at night",),
    AddictionType.OVERWORK: ("evenings and weekends too",),
}

#: The cycle: for each word set, entries for each part of the formulation.
CYCLES: dict[str, dict[str, tuple[str, ...]]] = {
    "alcohol": {
        "situations": (
            "Getting home to an empty flat",
            "Friday after a long week",
            "Lying awake at 3 am",
            "Family gatherings",
        ),
        "relational": (
            "An argument with my partner",
            "Feeling left out by friends",
            "My manager criticising my work",
        ),
        "feelings": ("Lonely", "Tense and wound up", "Ashamed", "Flat and empty"),
        "urge": ("I need something to take the edge off", "Just one to help me sleep"),
        "behaviour": ("Drink most of a bottle of wine alone", "Stop at the shop on the way home"),
        "relief": ("Calm for an hour or two", "The thoughts go quiet"),
        "cost": (
            "Hungover and late for work",
            "My partner pulls away",
            "More shame the next day",
        ),
        "soothes": ("Being alone with my feelings", "Feeling I am not good enough"),
        "alternatives": (
            "Text my sister when I get home",
            "Go for a walk before dinner",
            "Make tea and sit outside for ten minutes",
            "Name the feeling out loud",
        ),
    },
    "drugs": {
        "situations": (
            "Payday weekends",
            "Being around people who use",
            "Pain flaring up at night",
            "Nothing planned on a Sunday",
        ),
        "relational": (
            "Feeling judged by my family",
            "A friend cancelling on me",
            "Being criticised at work",
        ),
        "feelings": ("Restless", "Worthless", "Bored and empty", "On edge"),
        "urge": ("I deserve a break from feeling like this", "It will only be this once"),
        "behaviour": ("Use on my own in my room", "Call my old dealer"),
        "relief": ("Numb and switched off", "Confident for a while"),
        "cost": ("Money gone by Tuesday", "Missing days at work", "Lying to people I love"),
        "soothes": ("Feeling unwanted", "Pain I do not know how to carry"),
        "alternatives": (
            "Call my sponsor before I call anyone else",
            "Leave my card at home on payday weekends",
            "Go to the gym when the restlessness starts",
            "Write down what I feel before I act",
        ),
    },
    "gambling": {
        "situations": (
            "Payday",
            "Late at night with my phone",
            "Watching a match",
            "After paying the bills",
        ),
        "relational": ("Feeling I let my family down", "Comparing myself with my brother"),
        "feelings": ("Stressed about money", "Hopeful, then desperate", "Ashamed"),
        "urge": ("One big win would fix everything", "I can win it back tonight"),
        "behaviour": ("Bet until the account is empty", "Move money between cards to keep going"),
        "relief": ("The buzz of the next bet", "Forgetting the debt for an evening"),
        "cost": ("Deeper debt", "Hiding statements from my partner", "Sleepless nights"),
        "soothes": ("Feeling like a failure", "Not knowing how to ask for help"),
        "alternatives": (
            "Block the betting apps and sites",
            "Hand my bank card to my partner on payday",
            "Ring the helpline when the urge comes",
        ),
    },
    "gaming": {
        "situations": ("Evenings with nothing planned", "After a bad day at college"),
        "relational": ("Feeling awkward with people", "My parents nagging about my future"),
        "feelings": ("Anxious", "Lonely", "Bored"),
        "urge": ("Just one more match", "Online is where I am good at something"),
        "behaviour": ("Play until 4 am", "Skip meals to keep playing"),
        "relief": ("Feeling in control", "Belonging to my team online"),
        "cost": ("Missed lectures", "Too tired to see friends", "Falling behind"),
        "soothes": ("Feeling I do not fit in",),
        "alternatives": (
            "Set a stop alarm at 11 pm",
            "Join the climbing club on Wednesdays",
            "Play only after coursework is done",
        ),
    },
    "screens": {
        "situations": ("In bed before sleep", "Waiting for anything", "Working from home"),
        "relational": ("Seeing friends meet up without me", "A message left on read"),
        "feelings": ("Restless", "Left out", "Anxious"),
        "urge": ("Check just one more time", "Something better might be there"),
        "behaviour": ("Scroll for hours", "Pick up the phone without noticing"),
        "relief": ("Switched off for a while", "Not alone for a moment"),
        "cost": ("Short on sleep", "Comparing myself with everyone", "Lost evenings"),
        "soothes": ("Feeling unimportant",),
        "alternatives": (
            "Charge the phone outside the bedroom",
            "Read a paper book before bed",
            "Call a friend instead of scrolling",
        ),
    },
    "overwork": {
        "situations": ("A deadline coming up", "Sunday evenings", "A quiet moment at home"),
        "relational": ("Feeling my worth depends on results", "My father's voice in my head"),
        "feelings": ("Anxious", "Guilty when resting", "Irritable"),
        "urge": ("If I stop, it will all fall apart", "Just clear the inbox first"),
        "behaviour": ("Work late into the night", "Check email on holiday"),
        "relief": ("Feeling on top of things", "Feeling needed"),
        "cost": ("Missing my children's evenings", "Headaches and poor sleep", "Burnout"),
        "soothes": ("Feeling not good enough",),
        "alternatives": (
            "Close the laptop at 6 pm",
            "Walk home instead of taking calls",
            "Tell my partner when I feel the pull",
        ),
    },
}

#: What a goal on a measure says, in the patient's words.
GOAL_TEXTS: dict[str, tuple[str, ...]] = {
    "phq9": ("Feel less low and get my mornings back", "Enjoy the things I used to enjoy"),
    "gad7": ("Worry less and feel calmer day to day", "Stop feeling on edge all the time"),
    "audit": (
        "Feel in charge of my drinking",
        "Have alcohol-free weekdays",
        "Drink far less, and never alone",
    ),
    "dast10": ("Stay off drugs", "Keep using less, one week at a time"),
    "pgsi": ("Stop gambling and keep my money safe", "No bets, and honest about money"),
    "igds9sf": ("Game less and sleep more", "Have a life outside the game"),
    "bsmas": ("Be on my phone less and present more",),
    "bwas": ("Work reasonable hours and rest without guilt",),
    "ders16": ("Understand my feelings and ride them out",),
}

#: Therapies that suit each word set (the plan picks two or three).
MODALITIES: dict[str, tuple[str, ...]] = {
    "alcohol": ("motivational-interviewing", "cbt", "group-therapy", "attachment-based-therapy"),
    "drugs": ("motivational-interviewing", "cbt", "dbt", "group-therapy"),
    "gambling": ("cbt", "motivational-interviewing", "family-therapy"),
    "gaming": ("cbt", "family-therapy", "emotion-regulation-training"),
    "screens": ("cbt", "emotion-regulation-training"),
    "overwork": ("cbt", "attachment-based-therapy", "emotion-regulation-training"),
}

SUPPORT_GROUPS: dict[str, tuple[str, ...]] = {
    "alcohol": ("A mutual-help meeting on Tuesday evenings", "The clinic's recovery group"),
    "drugs": ("A peer recovery group on Thursdays", "The clinic's recovery group"),
    "gambling": ("A gamblers' peer support group", "A debt advice service"),
    "gaming": ("The clinic's young adults group",),
    "screens": ("The clinic's mindfulness group",),
    "overwork": ("The clinic's stress and burnout group",),
}

SOBER_COMMUNITY: tuple[str, ...] = (
    "A Saturday morning running club",
    "Volunteering at the community garden",
    "An alcohol-free social evening once a month",
)

PLAN_NOTES: tuple[str, ...] = (
    "Weekly sessions, with mood and anxiety checked every two weeks.",
    "Start weekly; move to fortnightly once the goals are in reach.",
    "Focus first on the cycle we drew together, then on what comes after.",
)

#: Why a clinician overrode the suggested level: one step less intensive, or one more.
OVERRIDE_DOWN = (
    "Works full time and cares for two children; a day programme would cost the job that "
    "keeps the family housed. Weekly sessions with a mid-week call instead, reviewed in "
    "four weeks.",
    "Has just started a new job and is keen to keep it; agreed weekly sessions plus the "
    "evening group, with a review in three weeks if things slip.",
)
OVERRIDE_UP = (
    "A relapse last weekend that the intake predates, and the partner has asked them to "
    "move out. More support now; reviewed again in two weeks.",
    "Told me in session that the drinking is heavier than the intake says. More support "
    "now; we will look again once the next scores are in.",
)

#: What a patient says about a severe withdrawal other than seizures or delirium.
WITHDRAWAL_DETAIL = "Bad shakes and sweating for several days the last time I stopped."
