"""The instrument model: what a validated questionnaire is, as plain frozen data.

An :class:`Instrument` is built from a definition file (``definitions/<id>.json``) by
:mod:`attune.domain.instruments.library`. It mirrors a FHIR R4 SDC Questionnaire (items
with linkIds; answer options carrying their item weight) plus the scoring metadata the
published manual gives. docs/instruments.md describes the file format.
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


class Evidence(Enum):
    """How well a fact in a definition is sourced (the tags of the research notes)."""

    #: Seen in a retrieved primary or authoritative source.
    CONFIRMED = "V"
    #: Seen only in a secondary source (vendor page, third-party code).
    SECONDARY = "S"
    #: Not found in a retrieved source; recorded so it can be checked.
    UNVERIFIED = "R"


@dataclass(frozen=True)
class Option:
    """One allowed answer.

    ``code`` is the published response code (what a patient's answer is stored as);
    ``weight`` the points it contributes after keying (reverse items already applied).
    ``label`` is None where the licence does not let us ship the option's wording.
    ``system``/``system_code`` optionally give a standard coding for the option (e.g. a
    LOINC answer code) so FHIR answers coded that way can be read back.
    """

    code: int
    label: str | None
    weight: int
    system: str | None = None
    system_code: str | None = None


@dataclass(frozen=True)
class Item:
    """One question. ``text`` is None where the licence does not let us ship wording;
    ``topic`` is a short neutral label written by us, never the published wording."""

    link_id: str
    number: int
    options: tuple[Option, ...]
    text: str | None = None
    topic: str | None = None
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

    @property
    def min_weight(self) -> int:
        return min(o.weight for o in self.options)

    @property
    def max_weight(self) -> int:
        return max(o.weight for o in self.options)

    def option(self, code: int) -> Option:
        for option in self.options:
            if option.code == code:
                return option
        raise KeyError(code)

    def weight(self, code: int) -> int:
        """The points an answer contributes after keying (``8 - x`` for a reversed 1–7 item)."""
        return self.option(code).weight

    def label_for(self, code: int) -> str:
        label = self.option(code).label
        return label if label is not None else str(code)

    @property
    def display(self) -> str:
        """What to show for the item: its wording, else our topic label, else its number."""
        return self.text or self.topic or f"Item {self.number}"


def reverse_code(low: int, high: int, code: int) -> int:
    """Reverse-key a code on a ``low..high`` scale: ``low + high - code`` (8 − x on 1–7)."""
    return low + high - code


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
    """An answer that raises a flag for the clinician, e.g. PHQ-9 item 9 > 0.

    The flag is raised when the item's published code is at least ``minimum``, whether
    or not the rest of the response can be scored.
    """

    link_id: str
    minimum: int
    flag: str
    message: str


@dataclass(frozen=True)
class SkipRule:
    """A published skip instruction of the form itself (AUDIT: Q1 'Never' → go to Q9).

    When every ``when`` item is answered and their codes sum to ``equals``, each
    ``skip`` item left unanswered scores ``weight`` (0 for AUDIT) instead of counting
    as missing. An answer the patient did give is always used as given.
    """

    when: tuple[str, ...]
    equals: int
    skip: tuple[str, ...]
    weight: int = 0
    source: str = ""


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
    #: Why the wording does or does not ship.
    reasoning: str = ""


@dataclass(frozen=True)
class Fact:
    """A sourced statement about the instrument (a cut-off, a key, a code, a licence)."""

    fact: str
    evidence: Evidence
    source: str


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
    bands_source: str = ""
    critical: tuple[CriticalItem, ...] = ()
    missing_rule: MissingRule = MissingRule.NONE
    max_missing: int = 0
    missing_source: str = ""
    skip_rules: tuple[SkipRule, ...] = ()
    #: Name of an extra rule in :mod:`attune.domain.instruments.rules`, if the manual
    #: adds one (PCL-5 cluster rule, AUDIT zone raise, AUDIT-C by sex, …).
    rule: str | None = None
    loinc_panel: str | None = None
    loinc_total: str | None = None
    version: str = "1"
    #: Notes for the clinician (e.g. published suggestions that are not bands).
    notes: tuple[str, ...] = ()
    facts: tuple[Fact, ...] = ()
    #: Where the item wording came from when it is not ours to ship (a clinic overlay).
    wording_source: str | None = None

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(i.link_id for i in self.items)

    def item(self, link_id: str) -> Item:
        for item in self.items:
            if item.link_id == link_id:
                return item
        raise KeyError(link_id)

    def subscale(self, key: str) -> Subscale:
        for sub in self.subscales:
            if sub.key == key:
                return sub
        raise KeyError(key)

    @property
    def has_wording(self) -> bool:
        """True when every item has its wording (shipped, or added by the clinic)."""
        return all(item.text for item in self.items)

    def range_of(self, link_ids: tuple[str, ...], method: Method) -> tuple[float, float]:
        items = [self.item(i) for i in link_ids]
        low = float(sum(i.min_weight for i in items))
        high = float(sum(i.max_weight for i in items))
        if method is Method.MEAN:
            return (low / len(items), high / len(items))
        return (low, high)

    @property
    def total_range(self) -> tuple[float, float]:
        return self.range_of(self.item_ids, self.method)


@dataclass(frozen=True)
class ScoringContext:
    """Facts about the respondent some manuals score by (AUDIT-C cut-offs differ by sex)."""

    sex: str | None = None  # "female" | "male" | None (not recorded)


@dataclass(frozen=True)
class Finding:
    """A rule-based statement about a response, e.g. the PCL-5 DSM-5 cluster rule met."""

    code: str
    text: str


@dataclass(frozen=True)
class Score:
    """The result of scoring one response.

    ``total`` is None when the response cannot be scored (``missing`` then lists the
    unanswered items) or when the instrument has no total (ECR-R: see ``subscales``).
    ``band_index`` indexes ``Instrument.bands``. ``imputed`` lists items filled by the
    manual's missing-item rule; ``skipped`` items the form's own skip rule scored.
    Flags from critical items are raised even when the response is not scored.
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
    band_index: int | None = None
    skipped: tuple[str, ...] = ()

    @property
    def scored(self) -> bool:
        return self.total is not None or any(v is not None for v in self.subscales.values())
