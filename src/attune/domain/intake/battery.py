"""The default battery: which questionnaires an intake asks for, and why.

Everyone gets the attachment, mood, anxiety, trauma, early-adversity and emotion
regulation screens; each addiction named adds the screen written for it. A clinician can
add or drop instruments afterwards; this is only the starting list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from attune.domain.intake.model import Addiction, AddictionType, Kind


@dataclass(frozen=True)
class BatteryEntry:
    instrument_id: str
    reason: str


#: Substances the drug screen covers: every substance except alcohol and tobacco, which
#: it leaves out by design (alcohol has its own screen).
_NOT_DRUGS = frozenset({AddictionType.ALCOHOL, AddictionType.NICOTINE})

#: Addiction type → (instrument, reason) for the screens written for one behaviour.
_BEHAVIOUR_SCREENS: dict[AddictionType, tuple[str, str]] = {
    AddictionType.GAMBLING: ("pgsi", "gambling was named: a screen for gambling problems"),
    AddictionType.GAMING: ("igds9sf", "gaming was named: a screen for problem gaming"),
    AddictionType.SOCIAL_MEDIA: (
        "bsmas",
        "social media was named: a screen for problematic social media use",
    ),
    AddictionType.OVERWORK: ("bwas", "overwork was named: a screen for work addiction"),
}

_ALWAYS_FIRST = (
    BatteryEntry(
        "ecrr",
        "everyone: attachment anxiety and avoidance shape trust, stress and the therapy "
        "relationship",
    ),
)
_ALWAYS_LAST = (
    BatteryEntry("phq9", "everyone: depression often comes with addiction"),
    BatteryEntry("gad7", "everyone: anxiety often comes with addiction"),
    BatteryEntry("pcl5", "everyone: trauma symptoms often drive the cycle"),
    BatteryEntry("ace", "everyone: early adversity informs the formulation"),
    BatteryEntry("ders16", "everyone: emotion regulation is a core treatment target"),
)


def default_battery(addictions: Iterable[Addiction]) -> tuple[BatteryEntry, ...]:
    """The instruments that apply to these addictions, each once, with its reason."""
    named = tuple(addictions)
    types = {a.what for a in named}
    entries = list(_ALWAYS_FIRST)
    if AddictionType.ALCOHOL in types:
        entries.append(BatteryEntry("audit", "alcohol was named: the alcohol use screen"))
    drugs = [a.name for a in named if a.kind is Kind.SUBSTANCE and a.what not in _NOT_DRUGS]
    if drugs:
        entries.append(
            BatteryEntry(
                "dast10",
                f"other drugs were named ({', '.join(dict.fromkeys(drugs))}): the drug use screen",
            )
        )
    for what, (instrument_id, reason) in _BEHAVIOUR_SCREENS.items():
        if what in types:
            entries.append(BatteryEntry(instrument_id, reason))
    entries.extend(_ALWAYS_LAST)
    return tuple(entries)
