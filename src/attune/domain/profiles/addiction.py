"""The addiction profile: every addiction the patient named, with the screen behind it.

``addiction_profile(intake, scores)`` lists each addiction from the intake with its kind
(substance, behaviour or distraction), the validated screen in the instrument library
that covers it, and — when that screen has been completed — its score, band and what the
band suggests (the band's meaning and the findings of the manual's rules). Where the
screen has not been completed the entry says so; where the library holds no validated
screen for that addiction the entry says that too, rather than guessing.

Which screen covers what (:data:`SCREENS`):

* alcohol → AUDIT, or AUDIT-C when only the short form has been completed;
* opioids, benzodiazepines, sedatives, stimulants, cannabis, ketamine, dissociatives,
  hallucinogens and other drugs → DAST-10 (it asks about drug use other than alcohol and
  tobacco as a whole, so one score covers every drug named);
* gambling → PGSI; gaming → IGDS9-SF; social media → BSMAS; overwork → BWAS;
* nicotine, compulsive eating, pornography, shopping, streaming and anything "other" →
  no validated screen in the library.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from attune.domain.errors import ValidationError
from attune.domain.instruments import Instrument, InstrumentLibrary, Score, builtin_library
from attune.domain.intake import Addiction, AddictionType, Intake, Kind
from attune.domain.wording import with_article

_DRUGS = (
    AddictionType.OPIOIDS,
    AddictionType.BENZODIAZEPINES,
    AddictionType.SEDATIVES,
    AddictionType.STIMULANTS,
    AddictionType.CANNABIS,
    AddictionType.KETAMINE,
    AddictionType.DISSOCIATIVES,
    AddictionType.HALLUCINOGENS,
    AddictionType.OTHER_SUBSTANCE,
)

#: Addiction type -> the instruments that screen it, preferred first.
SCREENS: dict[AddictionType, tuple[str, ...]] = {
    AddictionType.ALCOHOL: ("audit", "auditc"),
    **{drug: ("dast10",) for drug in _DRUGS},
    AddictionType.GAMBLING: ("pgsi",),
    AddictionType.GAMING: ("igds9sf",),
    AddictionType.SOCIAL_MEDIA: ("bsmas",),
    AddictionType.OVERWORK: ("bwas",),
}

KIND_ORDER = (Kind.SUBSTANCE, Kind.BEHAVIOUR, Kind.DISTRACTION)
KIND_TITLES = {
    Kind.SUBSTANCE: "Substances",
    Kind.BEHAVIOUR: "Behaviours",
    Kind.DISTRACTION: "Distractions used to cope",
}

NO_SCREEN = (
    "Attune's instrument library has no validated screen for this yet, so there is no "
    "score; talk it through with your clinician."
)
NOT_YET = "Not yet completed."
NO_BAND = "This questionnaire has no severity bands, and none of its published rules was met."
SHARED_DAST = (
    "The DAST-10 asks about drug use as a whole (not alcohol or tobacco), so this one score "
    "covers every drug named."
)


class ScreenStatus(Enum):
    COMPLETED = "completed"
    #: Started or submitted but not scorable (too many unanswered items).
    NOT_SCORED = "not-scored"
    NOT_YET_COMPLETED = "not-yet-completed"
    NO_SCREEN = "no-screen"


@dataclass(frozen=True)
class ScreenResult:
    """A completed screen: total, band and what it suggests."""

    instrument_id: str
    abbreviation: str
    total: float
    low: float
    high: float
    band: str | None
    band_meaning: str
    findings: tuple[str, ...]
    completed_at: datetime | None = None


@dataclass(frozen=True)
class AddictionEntry:
    """One named addiction. ``instrument_id`` is None when no screen covers it."""

    name: str
    what: AddictionType
    kind: Kind
    detail: str
    stopped: bool
    status: ScreenStatus
    instrument_id: str | None
    instrument: str | None
    result: ScreenResult | None
    suggests: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class AddictionProfile:
    """``answered`` is False while the intake's addiction question is unanswered."""

    answered: bool
    entries: tuple[AddictionEntry, ...]

    def of_kind(self, kind: Kind) -> tuple[AddictionEntry, ...]:
        return tuple(e for e in self.entries if e.kind is kind)

    @property
    def by_kind(self) -> tuple[tuple[Kind, str, tuple[AddictionEntry, ...]], ...]:
        """(kind, heading, entries) for each kind with at least one entry, in order."""
        return tuple(
            (kind, KIND_TITLES[kind], self.of_kind(kind))
            for kind in KIND_ORDER
            if self.of_kind(kind)
        )


def _suggests(score: Score) -> str:
    parts = [score.band_meaning] if score.band_meaning else []
    parts += [f.text for f in score.findings]
    return " ".join(parts) if parts else NO_BAND


def _result(
    instrument: Instrument, score: Score, total: float, when: datetime | None
) -> ScreenResult:
    low, high = instrument.total_range
    return ScreenResult(
        instrument_id=instrument.id,
        abbreviation=instrument.abbreviation,
        total=total,
        low=low,
        high=high,
        band=score.band,
        band_meaning=score.band_meaning,
        findings=tuple(f.text for f in score.findings),
        completed_at=when,
    )


def _choose(candidates: tuple[str, ...], scores: Mapping[str, Score]) -> str:
    """The preferred scored instrument, else the preferred one with any response, else first."""
    for instrument_id in candidates:
        found = scores.get(instrument_id)
        if found is not None and found.total is not None:
            return instrument_id
    return next((i for i in candidates if i in scores), candidates[0])


def _unanswered(score: Score) -> str:
    count = len(score.missing)
    return f"Started but not scored yet: {count} question{'s' if count != 1 else ''} unanswered."


def _entry(
    addiction: Addiction,
    scores: Mapping[str, Score],
    completed: Mapping[str, datetime],
    library: InstrumentLibrary,
    drug_count: int,
) -> AddictionEntry:
    def entry(
        status: ScreenStatus,
        chosen: str | None,
        label: str | None,
        result: ScreenResult | None,
        suggests: str,
        notes: tuple[str, ...] = (),
    ) -> AddictionEntry:
        return AddictionEntry(
            name=addiction.name,
            what=addiction.what,
            kind=addiction.kind,
            detail=addiction.detail,
            stopped=addiction.stopped,
            status=status,
            instrument_id=chosen,
            instrument=label,
            result=result,
            suggests=suggests,
            notes=notes,
        )

    candidates = tuple(i for i in SCREENS.get(addiction.what, ()) if i in library)
    if not candidates:
        return entry(ScreenStatus.NO_SCREEN, None, None, None, NO_SCREEN)
    chosen = _choose(candidates, scores)
    instrument = library.get(chosen)
    notes = list(instrument.notes)
    if chosen == "dast10" and drug_count > 1:
        notes.insert(0, SHARED_DAST)
    score = scores.get(chosen)
    if score is None:
        names = " or ".join(library.get(c).abbreviation for c in candidates)
        return entry(ScreenStatus.NOT_YET_COMPLETED, chosen, names, None, NOT_YET, tuple(notes))
    label = instrument.abbreviation
    if score.total is None:
        return entry(ScreenStatus.NOT_SCORED, chosen, label, None, _unanswered(score), tuple(notes))
    result = _result(instrument, score, score.total, completed.get(chosen))
    return entry(ScreenStatus.COMPLETED, chosen, label, result, _suggests(score), tuple(notes))


def addiction_profile(
    intake: Intake,
    scores: Mapping[str, Score],
    *,
    completed: Mapping[str, datetime] | None = None,
    library: InstrumentLibrary | None = None,
) -> AddictionProfile:
    """Every named addiction with its screen.

    ``scores`` holds the latest score per instrument id; ``completed`` optionally when each
    was completed. Entries keep the order the patient named them, grouped by kind in
    :attr:`AddictionProfile.by_kind`.
    """
    for key, score in scores.items():
        if score.instrument_id != key:
            raise ValidationError(
                f"the score filed under '{key}' is {with_article(score.instrument_id)} score",
                field=key,
            )
    lib = library or builtin_library()
    named = intake.named
    drug_count = sum(1 for a in named if a.what in _DRUGS)
    entries = tuple(_entry(a, scores, completed or {}, lib, drug_count) for a in named)
    return AddictionProfile(answered=intake.addictions is not None, entries=entries)
