"""KAP preparation: the modules a patient works through before the first dose, and their
safety plan.

The modules live in ``preparation/modules.json``, written by the Attune project in plain,
warm words: what to expect, set and setting, setting an intention and a safety plan for
every program, plus the at-home dosing day (at home) and the Spravato visit (Spravato).
Each :class:`Module` has sections, a short check the patient ticks ("I have read this…"),
the programs that require it, and the *part* of preparation it belongs to. Each part
stands for one preparation session of the course protocol: when every module of a part
is done, that preparation session counts as held (:func:`parts_complete`), so the
default protocol's two preparation sessions are the two parts.

The safety-plan module is done by saving a complete :class:`SafetyPlan`: the patient's
own warning signs, the things they can do that help, the people they can contact (with a
phone number) and the crisis line. :func:`safety_plan_errors` names every problem;
``complete=False`` checks only what is there, so a plan can be saved part-way.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cache
from importlib import resources

from attune.domain.errors import NotFound, ValidationError
from attune.domain.kap import checks
from attune.domain.kap.program import PROGRAMS, Program

_WHAT = "preparation modules"
#: The most entries one list of a safety plan keeps.
MAX_ENTRIES = 10


class ModuleKind(Enum):
    #: Read, then tick the check.
    READING = "reading"
    #: Done by saving a complete safety plan.
    SAFETY_PLAN = "safety_plan"


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Module:
    key: str
    part: int
    title: str
    summary: str
    sections: tuple[Section, ...]
    #: What the patient confirms to complete it.
    check: str
    #: The ids of the programs that require it.
    programs: tuple[str, ...]
    kind: ModuleKind = ModuleKind.READING

    def required_for(self, program: Program) -> bool:
        return program.id in self.programs


@dataclass(frozen=True)
class Part:
    number: int
    title: str


@dataclass(frozen=True)
class Preparation:
    version: str
    parts: tuple[Part, ...]
    modules: tuple[Module, ...]


def _section(value: object, where: str) -> Section:
    data = checks.obj(value, _WHAT, where, {"heading", "paragraphs"})
    return Section(
        checks.text(data.get("heading"), _WHAT, f"{where}.heading"),
        checks.nonempty_texts(data.get("paragraphs"), _WHAT, f"{where}.paragraphs"),
    )


def _module(value: object, where: str, parts: Collection[int]) -> Module:
    keys = {"key", "part", "kind", "title", "summary", "programs", "sections", "check"}
    data = checks.obj(value, _WHAT, where, keys)
    part = checks.whole(data.get("part"), _WHAT, f"{where}.part", 1, 10)
    if part not in parts:
        raise checks.fail(_WHAT, f"{where}.part", f"there is no part {part}")
    try:
        kind = ModuleKind(data.get("kind", "reading"))
    except ValueError as error:
        raise checks.fail(_WHAT, f"{where}.kind", str(error)) from None
    programs = checks.nonempty_texts(data.get("programs"), _WHAT, f"{where}.programs")
    known = {p.id for p in PROGRAMS}
    for name in programs:
        if name not in known:
            raise checks.fail(_WHAT, f"{where}.programs", f"no program '{name}'")
    return Module(
        key=checks.text(data.get("key"), _WHAT, f"{where}.key"),
        part=part,
        title=checks.text(data.get("title"), _WHAT, f"{where}.title"),
        summary=checks.text(data.get("summary"), _WHAT, f"{where}.summary"),
        sections=tuple(
            _section(s, f"{where}.sections[{i}]")
            for i, s in enumerate(checks.items(data.get("sections"), _WHAT, f"{where}.sections"))
        ),
        check=checks.text(data.get("check"), _WHAT, f"{where}.check"),
        programs=programs,
        kind=kind,
    )


def parse_preparation(data: object) -> Preparation:
    """The modules from their JSON form; InvalidDefinition names anything wrong. Every
    program must have at least one module in every part, and one safety plan."""
    root = checks.obj(data, _WHAT, "root", {"version", "parts", "modules"})
    parts: list[Part] = []
    for i, item in enumerate(checks.items(root.get("parts"), _WHAT, "parts")):
        p = checks.obj(item, _WHAT, f"parts[{i}]", {"part", "title"})
        number = checks.whole(p.get("part"), _WHAT, f"parts[{i}].part", 1, 10)
        if number != i + 1:
            raise checks.fail(_WHAT, f"parts[{i}].part", "parts are numbered 1, 2, … in order")
        parts.append(Part(number, checks.text(p.get("title"), _WHAT, f"parts[{i}].title")))
    numbers = {p.number for p in parts}
    modules: list[Module] = []
    for i, item in enumerate(checks.items(root.get("modules"), _WHAT, "modules")):
        module = _module(item, f"modules[{i}]", numbers)
        if any(m.key == module.key for m in modules):
            raise checks.fail(_WHAT, f"modules[{i}].key", f"'{module.key}' is used twice")
        modules.append(module)
    for program in PROGRAMS:
        mine = [m for m in modules if m.required_for(program)]
        for number in numbers:
            if not any(m.part == number for m in mine):
                raise checks.fail(_WHAT, "modules", f"{program.id} has no module in part {number}")
        if sum(m.kind is ModuleKind.SAFETY_PLAN for m in mine) != 1:
            raise checks.fail(_WHAT, "modules", f"{program.id} needs exactly one safety plan")
    return Preparation(
        checks.text(root.get("version"), _WHAT, "version"), tuple(parts), tuple(modules)
    )


@cache
def builtin_preparation() -> Preparation:
    folder = resources.files("attune.domain.kap") / "preparation"
    return parse_preparation(json.loads((folder / "modules.json").read_text(encoding="utf-8")))


def modules_for(program: Program, preparation: Preparation | None = None) -> tuple[Module, ...]:
    """The modules ``program`` requires, by part, in file order within a part."""
    prep = preparation or builtin_preparation()
    return tuple(sorted((m for m in prep.modules if m.required_for(program)), key=lambda m: m.part))


def get_module(key: str, program: Program, preparation: Preparation | None = None) -> Module:
    """The module ``key`` of ``program``; NotFound names the modules it has."""
    mine = modules_for(program, preparation)
    for module in mine:
        if module.key == key:
            return module
    known = ", ".join(m.key for m in mine)
    raise NotFound(
        f"The {program.id} program has no preparation module '{key}' (it has {known}).",
        field="module_key",
    )


def parts_complete(
    program: Program, done: Collection[str], preparation: Preparation | None = None
) -> tuple[int, ...]:
    """The numbers of the parts every one of whose modules is in ``done``."""
    prep = preparation or builtin_preparation()
    mine = modules_for(program, prep)
    return tuple(
        p.number for p in prep.parts if all(m.key in done for m in mine if m.part == p.number)
    )


# --- the safety plan ------------------------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str


@dataclass(frozen=True)
class SafetyPlan:
    """The patient's own plan for hard moments, in their words."""

    warning_signs: tuple[str, ...] = ()
    coping_steps: tuple[str, ...] = ()
    people: tuple[Contact, ...] = ()
    #: The crisis line to call or text (the clinic's, unless the patient writes another).
    crisis_line: str = ""
    #: Anything else they want to remember (optional).
    note: str = ""


def safety_plan_errors(plan: SafetyPlan, *, complete: bool) -> checks.FieldErrors:
    """What is wrong with the plan; with ``complete`` also what is still missing."""
    errors: list[tuple[str, str]] = []
    for name in ("warning_signs", "coping_steps"):
        entries: tuple[str, ...] = getattr(plan, name)
        if len(entries) > MAX_ENTRIES:
            errors.append((name, f"Please keep to {MAX_ENTRIES} or fewer."))
        for i, entry in enumerate(entries):
            if problem := checks.text_problem(entry):
                errors.append((f"{name}[{i}]", problem))
    if len(plan.people) > MAX_ENTRIES:
        errors.append(("people", f"Please keep to {MAX_ENTRIES} or fewer."))
    for i, person in enumerate(plan.people):
        if problem := checks.text_problem(person.name):
            errors.append((f"people[{i}].name", problem))
        if problem := checks.text_problem(person.phone, 40):
            errors.append((f"people[{i}].phone", "Add a phone number. " + problem))
        elif not any(c.isdigit() for c in person.phone):
            errors.append((f"people[{i}].phone", "This does not look like a phone number."))
    if problem := checks.text_problem(plan.crisis_line, checks.MAX_SHORT_TEXT, required=False):
        errors.append(("crisis_line", problem))
    if problem := checks.text_problem(plan.note, checks.MAX_LONG_TEXT, required=False):
        errors.append(("note", problem))
    if complete:
        if not plan.warning_signs:
            errors.append(
                ("warning_signs", "Write at least one sign that things are getting harder.")
            )
        if not plan.coping_steps:
            errors.append(("coping_steps", "Write at least one thing you can do that helps."))
        if not plan.people:
            errors.append(("people", "Add at least one person you can contact, with their number."))
        if not plan.crisis_line.strip():
            errors.append(("crisis_line", "Write the crisis line you can call or text."))
    return tuple(errors)


def safety_plan_to_dict(plan: SafetyPlan) -> dict[str, object]:
    return {
        "warning_signs": list(plan.warning_signs),
        "coping_steps": list(plan.coping_steps),
        "people": [{"name": c.name, "phone": c.phone} for c in plan.people],
        "crisis_line": plan.crisis_line,
        "note": plan.note,
    }


def safety_plan_from_dict(data: Mapping[str, object]) -> SafetyPlan:
    """The inverse of :func:`safety_plan_to_dict` (strict: ValidationError names the field)."""

    def bad(where: str) -> ValidationError:
        return ValidationError(f"Safety plan: {where} is missing or wrong.", field=where)

    extra = sorted(set(data) - {"warning_signs", "coping_steps", "people", "crisis_line", "note"})
    if extra:
        raise bad(extra[0])

    def strs(key: str) -> tuple[str, ...]:
        value = data.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad(key)
        return tuple(str(v) for v in value)

    def text(key: str) -> str:
        value = data.get(key)
        if not isinstance(value, str):
            raise bad(key)
        return value

    people_raw = data.get("people")
    if not isinstance(people_raw, list):
        raise bad("people")
    people = []
    for i, p in enumerate(people_raw):
        if (
            not isinstance(p, Mapping)
            or set(p) != {"name", "phone"}
            or not isinstance(p.get("name"), str)
            or not isinstance(p.get("phone"), str)
        ):
            raise bad(f"people[{i}]")
        people.append(Contact(str(p["name"]), str(p["phone"])))
    return SafetyPlan(
        warning_signs=strs("warning_signs"),
        coping_steps=strs("coping_steps"),
        people=tuple(people),
        crisis_line=text("crisis_line"),
        note=text("note"),
    )
