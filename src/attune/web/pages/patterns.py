"""'My patterns' in the patient portal: what the patient's own check-ins show, beside the
cycle they and their clinician mapped out.

::

    GET  /portal/patterns        the last 90 days: the streak, mood and craving day by day,
                                 what tends to come before a harder day and what seems to
                                 help (once there are enough check-ins; until then it says
                                 how many more are needed), craving by day of the week, and
                                 the cycle with the findings that fit it

The findings come from the insight engine (:mod:`attune.domain.monitoring.insight`, read
through :func:`attune.services.insight.patient_insight`), in its own plain words, which
say how sure they are. Only findings whose 95% interval leaves out zero are shown as
patterns; the rest are summed up as "not clear yet". The patient never sees a risk
score. Pictures are Attune's own SVG (:mod:`attune.web.charts_patterns`), each with the
same numbers in a table.

Joining the two: a finding "fits" a part of the cycle when that part's words mention
what the finding is about (a short list of everyday words per check-in answer, e.g.
loneliness and "alone", "lonely", "on my own"). It is a reading aid that says where to
look, never a claim that the two are the same thing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from fastapi import APIRouter
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from attune.domain.formulation import Formulation, Part
from attune.domain.monitoring.insight import Direction, Effect
from attune.services.insight import InsightView, patient_insight
from attune.web.charts_patterns import days_chart, weekday_chart, weekday_means
from attune.web.deps import ActorDep, ClockDep, UowDep
from attune.web.pages.kap_portal import patient_or_redirect
from attune.web.templating import render

router = APIRouter()

#: The days "My patterns" reads, and the days its day-by-day picture shows.
DAYS = 90
RECENT = 28
#: The widths the charts are drawn at (SVG units; about a phone's and a card's width).
NARROW, WIDE = 340, 640

#: Everyday words that point at each check-in answer in a cycle's own words.
WORDS: dict[str, tuple[str, ...]] = {
    "loneliness": ("alone", "lonely", "loneli", "isolat", "on my own", "by myself", "left out"),
    "stress": ("stress", "pressure", "work", "money", "deadline", "overwhelm"),
    "mood": ("low", "sad", "down", "depress", "hopeless", "empty"),
    "sleep_hours": ("sleep", "tired", "exhaust", "night"),
    "sleep_quality": ("sleep", "tired", "exhaust", "night"),
    "craving": ("crav", "urge"),
    "trigger:alone": ("alone", "lonely", "on my own", "by myself", "isolat"),
    "trigger:conflict": ("argu", "conflict", "fight", "row", "shout"),
    "trigger:rejected": ("reject", "left out", "unwanted", "ignored", "abandon"),
    "trigger:criticised": ("critic", "judg", "blame", "not good enough"),
    "trigger:work_stress": ("work", "money", "job", "boss", "debt", "bills"),
    "trigger:tired": ("tired", "exhaust", "sleep", "run down"),
    "trigger:bored": ("bored", "empty", "nothing to do"),
    "trigger:pain": ("pain", "ache", "hurt"),
    "trigger:cue": ("offered", "saw", "see it", "bar", "pub", "shop"),
    "trigger:celebration": ("party", "celebrat", "social", "wedding", "friday", "weekend"),
    "trigger:memories": ("memor", "past", "anniversar", "trauma"),
    "trigger:family": ("family", "mother", "father", "mum", "mom", "dad", "parent", "sister",
                       "brother"),
    "coping:reached_out": ("call", "phone", "text", "friend", "talk", "reach"),
    "coping:breathwork": ("breath",),
    "coping:movement": ("walk", "run", "exercise", "gym", "swim", "bike"),
    "coping:meeting": ("meeting", "group", "sponsor"),
    "coping:urge_surfing": ("urge", "surf", "ride"),
    "coping:journaling": ("write", "journal", "diary"),
    "coping:rest": ("rest", "eat", "sleep", "nap"),
    "coping:delay": ("wait", "delay", "pause"),
    "coping:left_situation": ("leave", "left", "walk away", "go home"),
    "coping:self_kindness": ("kind", "compassion", "gentle"),
    "coping:therapy_skill": ("skill", "therapy", "plan"),
}  # fmt: skip

#: The parts of the cycle a finding may fit, as the page names them.
TRIGGER_PARTS = (Part.SITUATIONS, Part.RELATIONAL, Part.FEELINGS)


@dataclass(frozen=True)
class Finding:
    effect: Effect
    #: Entries of the cycle this finding seems to fit (may be empty).
    fits: tuple[str, ...]


@dataclass(frozen=True)
class CyclePart:
    title: str
    entries: tuple[str, ...]


def fits(predictor: str, entries: Sequence[str]) -> tuple[str, ...]:
    """The cycle's entries that mention what ``predictor`` is about (see the module text)."""
    words = WORDS.get(predictor, ())
    return tuple(e for e in entries if any(w in e.lower() for w in words))


def _entries(formulation: Formulation | None, parts: Sequence[Part]) -> tuple[str, ...]:
    if formulation is None:
        return ()
    return tuple(e for p in parts for e in formulation.part(p))


def findings(
    effects: Sequence[Effect], formulation: Formulation | None, parts: Sequence[Part]
) -> tuple[Finding, ...]:
    """The clear effects, each with the cycle's entries it fits."""
    entries = _entries(formulation, parts)
    return tuple(Finding(e, fits(e.predictor, entries)) for e in effects if e.clear)


def cycle_parts(formulation: Formulation | None) -> tuple[CyclePart, ...]:
    if formulation is None:
        return ()
    shown = (
        ("What tends to set things off", (Part.SITUATIONS, Part.RELATIONAL)),
        ("How it feels", (Part.FEELINGS,)),
        ("What you do", (Part.URGE, Part.BEHAVIOUR)),
        ("What it helps with, for a while", (Part.SOOTHES, Part.RELIEF)),
        ("What you could try instead", (Part.ALTERNATIVES,)),
    )
    found = (CyclePart(title, _entries(formulation, parts)) for title, parts in shown)
    return tuple(p for p in found if p.entries)


def _unclear(view: InsightView) -> int:
    insight = view.insight
    return sum(1 for e in (*insight.craving, *insight.use, *insight.coping) if not e.clear)


def _both(draw: Callable[[int], str]) -> Markup:
    """A chart drawn twice: narrow for a phone, wide for a larger screen (CSS shows one),
    so its words stay readable at either size."""
    return Markup(
        f'<div class="pt-narrow">{draw(NARROW)}</div><div class="pt-wide">{draw(WIDE)}</div>'
    )


def page_context(view: InsightView) -> dict[str, object]:
    """Everything the page shows, from the insight view (pure; tested on its own)."""
    insight = view.insight
    formulation = view.formulation.content if view.formulation is not None else None
    recent_title = f"Mood and craving, last {RECENT} days"
    recent = view.series.window(view.today - timedelta(days=RECENT - 1), view.today)
    means = weekday_means(view.series)
    lower = [e for e in insight.coping if e.direction is Direction.LOWER]
    higher = [e for e in insight.coping if e.direction is not Direction.LOWER]
    craving = findings(insight.craving, formulation, TRIGGER_PARTS)
    use = findings(insight.use, formulation, TRIGGER_PARTS)
    helps = findings(lower, formulation, (Part.ALTERNATIVES,))
    return {
        "view": view,
        "insight": insight,
        "days": view.days,
        "recent_days": RECENT,
        "recent_chart": _both(lambda width: days_chart(recent, title=recent_title, width=width)),
        "recent_rows": [
            (d, recent.checked_in[i], recent.mood[i], recent.craving[i], recent.used[i])
            for i, d in enumerate(recent.dates())
        ],
        "craving": craving,
        "use": use,
        # Coping followed by lower craving "seems to help"; coping followed by higher
        # craving is more likely used on hard days, and is told as it is, with the rest.
        "helps": helps,
        "coping_other": findings(higher, formulation, (Part.ALTERNATIVES,)),
        "unclear": _unclear(view),
        "weekday_chart": _both(
            lambda width: weekday_chart(means, title="Craving by day of the week", width=width)
        ),
        "weekday_means": means,
        # Only a weekday that clearly differs is put in words; the rest are in the chart.
        "weekday_words": [w.plain for w in insight.weekday if w.clear],
        "cycle": cycle_parts(formulation),
        # The cycle's entries some finding fits, marked where the cycle is shown.
        "echoed": {entry for f in (*craving, *use, *helps) for entry in f.fits},
        "to_go": max(insight.needed - insight.checkins, 0),
    }


@router.get("/portal/patterns")
def patterns_page(request: Request, actor: ActorDep, uow: UowDep, clock: ClockDep) -> Response:
    if (redirect := patient_or_redirect(actor)) is not None:
        return redirect
    assert actor.patient_id is not None
    view = patient_insight(uow, actor, actor.patient_id, clock, days=DAYS)
    return render(request, "portal/patterns.html", page_context(view))
