"""The words of the attachment profile, in two registers, written by the Attune project.

Each text answers one question — what a pattern of scores tends to mean for trust,
closeness, stress and the therapy relationship — once in plain, warm words for the
patient and once in clinical words for the clinician. The clinical texts draw on the
hyperactivating (anxiety) and deactivating (avoidance) strategies described by
Mikulincer & Shaver (2016) and on the meta-analyses of attachment and the alliance
(Diener & Monroe 2011) and attachment and outcome (Levy et al. 2018); docs/profiles.md
gives the sources and says what each text rests on. Every statement is hedged ("tends
to", "may"): the scores describe a tendency, never a person.
"""

from __future__ import annotations

from dataclasses import dataclass

from attune.domain.instruments.styles import Region


@dataclass(frozen=True)
class Texts:
    """One register's words for one pattern of scores."""

    summary: str
    trust: str
    closeness: str
    stress: str
    therapy: str


# ------------------------------------------------------------------ the two dimensions

#: (dimension, lean) -> (patient words, clinician words). Leans: lower, middle, higher.
DIMENSION_TEXTS: dict[tuple[str, str], tuple[str, str]] = {
    ("anxiety", "lower"): (
        "You seldom seem to worry that the people close to you will stop caring or leave.",
        "Low attachment anxiety: little preoccupation with rejection or abandonment; "
        "the attachment system is not readily hyperactivated.",
    ),
    ("anxiety", "middle"): (
        "Worry about whether people will stay close sits somewhere in the middle for you: "
        "it may come and go with the person or the moment.",
        "Attachment anxiety near the scale midpoint: no clear lean towards or away from "
        "preoccupation with rejection; may vary by relationship.",
    ),
    ("anxiety", "higher"): (
        "You may often worry about whether the people you love really care, or whether "
        "they might pull away.",
        "Elevated attachment anxiety: heightened sensitivity to rejection and "
        "abandonment cues; hyperactivating strategies (reassurance seeking, vigilance, "
        "rumination) are likely under threat.",
    ),
    ("avoidance", "lower"): (
        "You seem fairly comfortable leaning on others and letting them lean on you.",
        "Low attachment avoidance: comfortable with dependence and emotional closeness; "
        "support seeking is available as a strategy.",
    ),
    ("avoidance", "middle"): (
        "How comfortable you are with closeness sits somewhere in the middle: easier with "
        "some people or at some times than others.",
        "Attachment avoidance near the scale midpoint: no clear lean towards or away from "
        "distancing; comfort with dependence may vary by relationship.",
    ),
    ("avoidance", "higher"): (
        "You may prefer to rely on yourself, and being very close or needing others can "
        "feel uncomfortable.",
        "Elevated attachment avoidance: discomfort with closeness and dependence; "
        "deactivating strategies (compulsive self-reliance, suppression of attachment "
        "needs, emotional distancing) are likely under threat.",
    ),
}

# ---------------------------------------------------------------------- the four regions

PATIENT_REGION: dict[Region, Texts] = {
    Region.SECURE: Texts(
        summary="Both scores are on the lower side: worry about being let down and "
        "discomfort with closeness both seem fairly low for you.",
        trust="Trusting people probably comes fairly easily, and you can usually give "
        "them the benefit of the doubt.",
        closeness="Being close to someone, and depending on each other, is likely to "
        "feel mostly safe and welcome.",
        stress="When things get hard, you may find it natural to reach out, and talking "
        "things through tends to help you settle.",
        therapy="You may find it fairly easy to work alongside your clinician and to say "
        "when something is not working for you. Your steadiness is a real strength to "
        "build on.",
    ),
    Region.PREOCCUPIED: Texts(
        summary="Worry about closeness is on the higher side and discomfort with "
        "closeness on the lower side: you value being close, and losing it can feel "
        "frightening.",
        trust="You may want very much to trust people, yet find yourself watching for "
        "signs that they are drifting away.",
        closeness="Closeness probably matters a great deal to you, and distance or "
        "silence from someone you care about can hurt a lot.",
        stress="Under stress, feelings can rise quickly and stay loud, and you may look "
        "for reassurance to feel steady again.",
        therapy="A gap between sessions, a cancelled appointment or a change of "
        "clinician may stir up worry. It is welcome, and helpful, to say so when it "
        "does; you are not being too much.",
    ),
    Region.DISMISSING: Texts(
        summary="Discomfort with closeness is on the higher side and worry about being "
        "let down on the lower side: you tend to rely on yourself.",
        trust="You may trust yourself more than others, and prefer not to count on "
        "people for things that matter.",
        closeness="You may value your independence and feel crowded when others want "
        "more closeness than feels comfortable.",
        stress="Under stress, you may keep your feelings to yourself, push on and handle "
        "things alone, even when that is tiring.",
        therapy="Talking about feelings or asking for help may feel unfamiliar or "
        "unnecessary at first. Going at your own pace is fine, and practical, "
        "down-to-earth work is a good place to start.",
    ),
    Region.FEARFUL: Texts(
        summary="Both scores are on the higher side: you may long to be close and, at "
        "the same time, find closeness risky.",
        trust="Part of you may want to lean on people while another part expects to be "
        "hurt or let down, so trust can take time to build.",
        closeness="Closeness may feel like something you want and something you fear, "
        "so you might move towards people and then step back.",
        stress="Under stress, feelings may feel overwhelming, and both reaching out and "
        "being alone can seem hard. That is an understandable way to protect yourself.",
        therapy="Trust with your clinician may grow slowly, with ups and downs along the "
        "way. That is expected, not a failure, and it can be talked about openly "
        "together.",
    ),
}

CLINICIAN_REGION: dict[Region, Texts] = {
    Region.SECURE: Texts(
        summary="Low anxiety, low avoidance: the region of the plane usually associated "
        "with attachment security.",
        trust="Generally positive working models of self and others; likely to extend "
        "trust and to repair after disappointments.",
        closeness="Comfortable with interdependence; can seek and give support without "
        "marked fear of engulfment or abandonment.",
        stress="Support seeking and flexible co-regulation are likely to be available; "
        "distress tends to be acknowledged and modulated.",
        therapy="Security is associated with stronger alliances (Diener & Monroe 2011) "
        "and better outcomes (Levy et al. 2018). Expect collaborative goal setting; "
        "ruptures are likely to be voiced and repaired.",
    ),
    Region.PREOCCUPIED: Texts(
        summary="High anxiety, low avoidance: the region usually associated with the "
        "preoccupied prototype (negative model of self, positive model of others).",
        trust="Trust tends to be contingent on ongoing reassurance; ambiguity is readily "
        "read as rejection.",
        closeness="Strong proximity seeking; distance or unavailability of attachment "
        "figures is likely to provoke protest and heightened distress.",
        stress="Hyperactivating strategies: amplified distress, rumination and urgent "
        "support seeking; substance use or behaviour may serve to down-regulate "
        "separation distress.",
        therapy="Attachment anxiety has been associated with poorer outcomes (Levy et al. "
        "2018). Anticipate sensitivity to breaks, endings and therapist availability; "
        "predictable structure, explicit plans for gaps and attention to rupture and "
        "repair may help.",
    ),
    Region.DISMISSING: Texts(
        summary="Low anxiety, high avoidance: the region usually associated with the "
        "dismissing prototype (positive model of self, negative model of others).",
        trust="Reliance on others tends to be minimised; trust may be extended to tasks "
        "more readily than to feelings.",
        closeness="Discomfort with dependence and emotional intimacy; closeness may be "
        "regulated by distance or self-sufficiency.",
        stress="Deactivating strategies: suppression of distress and attachment needs, "
        "compulsive self-reliance; use or behaviour may serve to regulate affect without "
        "turning to others.",
        therapy="Help seeking and affect-focused work may be resisted or intellectualised. "
        "A collaborative, autonomy-respecting stance, concrete goals and a gradual "
        "approach to emotion may support engagement.",
    ),
    Region.FEARFUL: Texts(
        summary="High anxiety, high avoidance: the region usually associated with the "
        "fearful prototype (negative models of both self and others).",
        trust="Approach–avoidance conflict around trust: desire for connection alongside "
        "expectation of rejection or harm.",
        closeness="Closeness may be sought and then withdrawn from; relationships may be "
        "marked by instability.",
        stress="Both hyperactivating and deactivating strategies may appear, with "
        "limited effective regulation; consider trauma history and dissociation.",
        therapy="Alliance formation may be slower and more rupture-prone (Diener & Monroe "
        "2011). A trauma-informed, predictable frame, attention to shame and explicit "
        "rupture repair may help; allow time for trust to build.",
    ),
}

# -------------------------------------------------------- a mixed picture near the middle

PATIENT_MIXED = Texts(
    summary="At least one of your scores sits close to the middle of the scale, so the "
    "picture is mixed rather than leaning clearly one way.",
    trust="How easily you trust may depend a lot on the person and on what is happening "
    "at the time.",
    closeness="Closeness may feel comfortable in some relationships and harder in others.",
    stress="What helps under stress may change from one situation to the next; noticing "
    "what helps you, and when, is a good place to begin.",
    therapy="You and your clinician can find out together what makes the work feel safe "
    "and useful for you.",
)

CLINICIAN_MIXED = Texts(
    summary="At least one dimension lies within the midpoint margin, so no region is "
    "assigned; read the two dimensions directly.",
    trust="No clear pattern is implied; assess trust within specific relationships "
    "(relationship-specific measures such as the ECR-RS may help).",
    closeness="Comfort with closeness may be relationship-specific; explore across "
    "attachment figures.",
    stress="Regulation strategies may vary by context; a functional analysis of "
    "triggers and responses is more informative than the scores here.",
    therapy="No region-based expectation for the alliance; monitor the alliance "
    "directly and attend to the dimension that is clearly elevated, if any.",
)

# ------------------------------------------------------------------ the four-style aid

#: How each region is named when it is offered as an aid (patient words, clinician words).
STYLE_NAMES: dict[Region, tuple[str, str]] = {
    Region.SECURE: ("secure", "secure"),
    Region.PREOCCUPIED: ("anxious-preoccupied", "preoccupied"),
    Region.DISMISSING: ("dismissive-avoidant", "dismissing"),
    Region.FEARFUL: ("fearful-avoidant", "fearful"),
}

#: ``{a_name}`` is the name after its article ("an anxious-preoccupied"), see
#: :func:`attune.domain.wording.with_article`.
PATIENT_AID = (
    "If a picture helps: scores like yours tend to resemble what is often called "
    "{a_name} pattern. This is only a rough sketch to help us talk, not a label and not "
    "a diagnosis, and patterns like these can change."
)
CLINICIAN_AID = (
    "Tends to resemble Bartholomew's {name} prototype. A descriptive aid only: not a "
    "classification, not to be recorded as a diagnosis."
)
PATIENT_NO_AID = (
    "Because at least one score is close to the middle, we do not suggest any of the "
    "usual four pictures: your answers do not point clearly to one of them."
)
CLINICIAN_NO_AID = (
    "No four-style resemblance offered: at least one dimension lies within {margin} of "
    "the midpoint."
)

PATIENT_BASIS = (
    "These two scores describe how you tend to feel in close relationships; they are not "
    "a diagnosis. The middle of the scale (4) is simply the middle of the answer choices, "
    "not a dividing line that research has tested, and research finds that people differ "
    "by degree on these two dimensions rather than falling into types."
)
