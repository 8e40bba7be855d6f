"""Journaling prompts for integration, chosen from the attachment profile and the cycle.

The prompt bank (``integration/prompts.json``) is written by the Attune project in warm,
non-judgemental words. Each prompt has a condition: on the attachment dimensions (how
anxiety and avoidance lean, or a mixed picture), on a part of the patient's cycle (its
triggers, what the behaviour soothes, the alternatives, …), or none (general). A cycle
prompt quotes one of the patient's own entries.

:func:`choose_prompts` returns a few :class:`ChosenPrompt` with the reason each was
chosen, e.g. "Because closeness and reassurance seem to matter a great deal to you (your
attachment anxiety score leans higher)." or 'From your cycle: "Sunday evenings".' It
takes turns between attachment, cycle and general prompts so that a choice mixes them,
and is deterministic for a given seed. Conditions use the two dimensions, never a style
label (docs/profiles.md).
"""

from __future__ import annotations

import json
import random
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cache
from importlib import resources

from attune.domain.errors import ValidationError
from attune.domain.formulation.model import Formulation, Part
from attune.domain.kap import checks
from attune.domain.profiles.attachment import AttachmentProfile, Lean

_WHAT = "integration prompts"
#: The cycle parts a prompt may draw on; "triggers" means situations and relational events.
CYCLE_KEYS = ("triggers", *(p.value for p in Part))
ENTRY = "{entry}"


class Source(Enum):
    ATTACHMENT = "attachment"
    CYCLE = "cycle"
    GENERAL = "general"


@dataclass(frozen=True)
class Condition:
    anxiety: Lean | None = None
    avoidance: Lean | None = None
    mixed: bool | None = None
    cycle: str | None = None

    @property
    def source(self) -> Source:
        if self.cycle is not None:
            return Source.CYCLE
        if self.anxiety or self.avoidance or self.mixed is not None:
            return Source.ATTACHMENT
        return Source.GENERAL

    def matches(self, profile: AttachmentProfile) -> bool:
        return (
            (self.anxiety is None or profile.anxiety.lean is self.anxiety)
            and (self.avoidance is None or profile.avoidance.lean is self.avoidance)
            and (self.mixed is None or profile.mixed is self.mixed)
        )


@dataclass(frozen=True)
class Prompt:
    id: str
    text: str
    reason: str
    when: Condition


@dataclass(frozen=True)
class ChosenPrompt:
    prompt_id: str
    text: str
    #: Why this prompt, in words for the patient.
    reason: str
    source: Source
    #: The cycle entry quoted, for a cycle prompt.
    entry: str | None = None


def _condition(value: object, where: str) -> Condition:
    data = checks.obj(value, _WHAT, where, {"anxiety", "avoidance", "mixed", "cycle"})
    leans: dict[str, Lean | None] = {}
    for key in ("anxiety", "avoidance"):
        raw = data.get(key)
        try:
            leans[key] = None if raw is None else Lean(raw)
        except ValueError as error:
            raise checks.fail(_WHAT, f"{where}.{key}", str(error)) from None
    mixed = data.get("mixed")
    if mixed is not None and not isinstance(mixed, bool):
        raise checks.fail(_WHAT, f"{where}.mixed", "expected true or false")
    cycle = data.get("cycle")
    if cycle is not None and cycle not in CYCLE_KEYS:
        raise checks.fail(_WHAT, f"{where}.cycle", f"expected one of {', '.join(CYCLE_KEYS)}")
    condition = Condition(leans["anxiety"], leans["avoidance"], mixed, cycle)
    if cycle is not None and condition.source is Source.CYCLE and len(data) > 1:
        raise checks.fail(_WHAT, where, "a cycle prompt has no attachment condition")
    return condition


def parse_bank(data: object) -> tuple[Prompt, ...]:
    root = checks.obj(data, _WHAT, "root", {"reasons", "prompts"})
    reasons = checks.obj(root.get("reasons"), _WHAT, "reasons", set(_REASON_KEYS))
    found: list[Prompt] = []
    for i, item in enumerate(checks.items(root.get("prompts"), _WHAT, "prompts")):
        where = f"prompts[{i}]"
        p = checks.obj(item, _WHAT, where, {"id", "when", "reason", "text"})
        when = _condition(p.get("when", {}), f"{where}.when")
        key = checks.text(p.get("reason"), _WHAT, f"{where}.reason")
        if key not in reasons:
            raise checks.fail(_WHAT, f"{where}.reason", f"no reason '{key}'")
        reason = checks.text(reasons[key], _WHAT, f"reasons.{key}")
        text = checks.text(p.get("text"), _WHAT, f"{where}.text")
        if (ENTRY in text) != (when.source is Source.CYCLE):
            raise checks.fail(_WHAT, f"{where}.text", "only a cycle prompt quotes {entry}")
        pid = checks.text(p.get("id"), _WHAT, f"{where}.id")
        if any(q.id == pid for q in found):
            raise checks.fail(_WHAT, f"{where}.id", f"'{pid}' is used twice")
        found.append(Prompt(pid, text, reason, when))
    return tuple(found)


_REASON_KEYS = (
    "anxiety_higher",
    "avoidance_higher",
    "both_higher",
    "both_lower",
    "mixed",
    "cycle",
    "general",
)


@cache
def builtin_bank() -> tuple[Prompt, ...]:
    folder = resources.files("attune.domain.kap") / "integration"
    return parse_bank(json.loads((folder / "prompts.json").read_text(encoding="utf-8")))


def _entries(formulation: Formulation, key: str) -> tuple[str, ...]:
    raw = formulation.triggers if key == "triggers" else formulation.part(Part(key))
    return tuple(dict.fromkeys(e.strip() for e in raw if e.strip()))


def _candidates(
    bank: tuple[Prompt, ...],
    profile: AttachmentProfile | None,
    formulation: Formulation | None,
) -> Mapping[Source, list[ChosenPrompt]]:
    groups: dict[Source, list[ChosenPrompt]] = {s: [] for s in Source}
    for prompt in bank:
        source, cycle = prompt.when.source, prompt.when.cycle
        fits = source is Source.GENERAL or (
            source is Source.ATTACHMENT and profile is not None and prompt.when.matches(profile)
        )
        if fits:
            groups[source].append(ChosenPrompt(prompt.id, prompt.text, prompt.reason, source))
        elif source is Source.CYCLE and formulation is not None and cycle is not None:
            for entry in _entries(formulation, cycle):
                groups[source].append(
                    ChosenPrompt(
                        prompt.id,
                        prompt.text.replace(ENTRY, entry),
                        prompt.reason.replace(ENTRY, entry),
                        source,
                        entry,
                    )
                )
    return groups


def choose_prompts(
    profile: AttachmentProfile | None,
    formulation: Formulation | None,
    *,
    seed: int,
    count: int = 3,
    avoid: Collection[str] = (),
    bank: tuple[Prompt, ...] | None = None,
) -> tuple[ChosenPrompt, ...]:
    """``count`` prompts taking turns between attachment, cycle and general ones, each
    prompt and each cycle entry at most once. Prompt ids in ``avoid`` (e.g. used lately)
    are left out while enough others remain. The same inputs and seed give the same
    prompts."""
    if not 1 <= count <= 10:
        raise ValidationError("Choose between 1 and 10 prompts.", field="count")
    groups = _candidates(bank if bank is not None else builtin_bank(), profile, formulation)
    rng = random.Random(seed)
    for group in groups.values():
        rng.shuffle(group)
    chosen = _take_turns(groups, count, set(avoid))
    if len(chosen) < count and avoid:
        chosen = _take_turns(groups, count, set(), chosen)
    return tuple(chosen)


def _take_turns(
    groups: Mapping[Source, list[ChosenPrompt]],
    count: int,
    avoid: set[str],
    start: list[ChosenPrompt] | None = None,
) -> list[ChosenPrompt]:
    chosen = list(start or [])
    queues = {s: [c for c in g if c.prompt_id not in avoid] for s, g in groups.items()}
    while len(chosen) < count and any(queues.values()):
        for source in Source:
            queue = queues[source]
            while queue:
                candidate = queue.pop(0)
                used_ids = {c.prompt_id for c in chosen}
                used_entries = {c.entry for c in chosen if c.entry is not None}
                if candidate.prompt_id not in used_ids and candidate.entry not in used_entries:
                    chosen.append(candidate)
                    break
            if len(chosen) == count:
                break
    return chosen
