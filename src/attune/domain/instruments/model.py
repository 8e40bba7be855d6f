"""The instrument model: what a validated questionnaire is, as plain frozen data.

An :class:`Instrument` is built from a definition file (``definitions/<id>.json``) by
:mod:`attune.domain.instruments.library`. It mirrors a FHIR R4 SDC Questionnaire (items
with linkIds; answer options carrying their item weight) plus the scoring metadata the
published manual gives.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum


class Method(Enum):
    """How item weights combine into a total or a subscale."""

    SUM = "sum"
    MEAN = "mean"


class MissingRule(Enum):
    """What to do with unanswered items."""

    #: Any missing item: the response is not scored; the missing items are listed.
    NONE = "none"
    #: Up to ``max_missing`` missing items are replaced by the mean of the answered items
    #: (PHQ-9, per the NHS Data Dictionary); more than that: not scored.
    MEAN_SUBSTITUTION = "mean-substitution"


@dataclass(frozen=True)
class Option:
    """One allowed answer: the published response code and its label."""

    code: int
    label: str


@dataclass(frozen=True)
class Item:
    """One question. ``text`` is None where the licence does not let us ship wording."""

    link_id: str
    number: int
    options: tuple[Option, ...]
    text: str | None = None
    reverse: bool = False
    loinc: str | None = None

    @property
    def codes(self) -> tuple[int, ...]:
        return tuple(o.code for o in self.options)

    @property
    def low(self) -> int:
        return min(self.codes)

    @property
    def high(self) -> int:
        return max(self.codes)

    def weight(self, code: int) -> int:
        """The points an answer contributes: the code, or ``low + high - code`` if reversed.

        For a 1–7 item this is ``8 - x``; for a yes/no item coded 1/0 it is ``1 - x``.
        """
        return self.low + self.high - code if self.reverse else code

    def label_for(self, code: int) -> str:
        for option in self.options:
            if option.code == code:
                return option.label
        return str(code)


@dataclass(frozen=True)
class Band:
    """A severity band: applies when ``minimum <= score`` and no higher band applies."""

    minimum: float
    label: str
    meaning: str = ""


@dataclass(frozen=True)
class Subscale:
    key: str
    name: str
    items: tuple[str, ...]
    method: Method = Method.SUM
    bands: tuple[Band, ...] = ()


@dataclass(frozen=True)
class CriticalItem:
    """An answer that raises a flag for the clinician, e.g. PHQ-9 item 9 > 0."""

    link_id: str
    minimum: int
    flag: str
    message: str


@dataclass(frozen=True)
class Source:
    citation: str
    url: str | None = None
    notes: str = ""


@dataclass(frozen=True)
class Licence:
    name: str
    terms: str
    wording_ships: bool
    url: str | None = None


@dataclass(frozen=True)
class Instrument:
    id: str
    title: str
    abbreviation: str
    items: tuple[Item, ...]
    source: Source
    licence: Licence
    description: str = ""
    instructions: str = ""
    method: Method = Method.SUM
    #: False where the manual defines no total and the subscales are the result (ECR-R).
    has_total: bool = True
    subscales: tuple[Subscale, ...] = ()
    bands: tuple[Band, ...] = ()
    critical: tuple[CriticalItem, ...] = ()
    missing_rule: MissingRule = MissingRule.NONE
    max_missing: int = 0
    #: Name of an extra rule in :mod:`attune.domain.instruments.rules`, if the manual
    #: adds one (PCL-5 cluster rule, AUDIT zone raise, AUDIT-C by sex, …).
    rule: str | None = None
    loinc_panel: str | None = None
    loinc_total: str | None = None
    version: str = "1"
    #: Extra notes for the clinician (e.g. the four-style picture's basis for ECR-R).
    notes: tuple[str, ...] = ()

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(i.link_id for i in self.items)

    def item(self, link_id: str) -> Item:
        for item in self.items:
            if item.link_id == link_id:
                return item
        raise KeyError(link_id)

    @property
    def total_range(self) -> tuple[float, float]:
        lows = [min(i.weight(c) for c in i.codes) for i in self.items]
        highs = [max(i.weight(c) for c in i.codes) for i in self.items]
        if self.method is Method.MEAN:
            return (min(lows), max(highs))
        return (float(sum(lows)), float(sum(highs)))


@dataclass(frozen=True)
class ScoringContext:
    """Facts about the respondent some manuals score by (AUDIT-C cut-offs differ by sex)."""

    sex: str | None = None  # "female" | "male" | None


@dataclass(frozen=True)
class Finding:
    """A rule-based statement about a response, e.g. the PCL-5 DSM-5 cluster rule met."""

    code: str
    text: str


@dataclass(frozen=True)
class Score:
    """The result of scoring one response.

    ``total`` is None when the response cannot be scored; ``missing`` then says why.
    """

    instrument_id: str
    total: float | None
    band: str | None = None
    band_meaning: str = ""
    subscales: Mapping[str, float | None] = field(default_factory=dict)
    flags: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    imputed: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()

    @property
    def scored(self) -> bool:
        return self.total is not None or any(v is not None for v in self.subscales.values())
