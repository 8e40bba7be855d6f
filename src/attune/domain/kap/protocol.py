"""KAP course protocols: templates as data (``protocols/<name>.json``), one per program.

A template has the course values every program shares (``course``) and per-program
changes (``programs``). :func:`load_protocol` resolves the protocol of one program; a
running course keeps its resolved :class:`Protocol` (``protocol_to_dict`` /
``protocol_from_dict``), so a later change to the template never changes it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from importlib import resources

from attune.domain.errors import InvalidDefinition
from attune.domain.kap.program import PROGRAMS, Program

DEFAULT_TEMPLATE = "default"

#: Each value's allowed range: (low, high).
_LIMITS = {
    "preparation_sessions": (1, 10),
    "dosing_sessions": (1, 24),
    "course_weeks": (1, 52),
    "integration_opens_hours": (0, 168),
    "integration_closes_hours": (1, 336),
    "min_hours_between_doses": (0, 720),
}


@dataclass(frozen=True)
class Protocol:
    """The resolved protocol of one program.

    An integration session for a dose is held from ``integration_opens`` after the dose
    and is overdue after ``integration_closes``. With ``integration_before_next_dose``
    each dose's integration must be held before the next dose; without it, only an
    overdue one blocks the next dose.
    """

    template: str
    version: str
    program: Program
    preparation_sessions: int
    dosing_sessions: int
    course_weeks: int
    integration_opens: timedelta
    integration_closes: timedelta
    min_between_doses: timedelta
    integration_before_next_dose: bool = True


def _fail(where: str, message: str) -> InvalidDefinition:
    return InvalidDefinition(f"KAP protocol, {where}: {message}", field=where)


def _obj(value: object, where: str, allowed: set[str]) -> Mapping[str, object]:
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise _fail(where, "expected an object")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise _fail(where, f"unknown key '{unknown[0]}'")
    return value


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(where, "expected text")
    return value


_KEYS = {*_LIMITS, "integration_before_next_dose"}


def _values(value: object, where: str, *, complete: bool) -> dict[str, int | bool]:
    m = _obj(value, where, _KEYS)
    out: dict[str, int | bool] = {}
    for key, (low, high) in _LIMITS.items():
        if key not in m:
            if complete:
                raise _fail(f"{where}.{key}", "missing")
            continue
        v = m[key]
        if isinstance(v, bool) or not isinstance(v, int) or not low <= v <= high:
            raise _fail(f"{where}.{key}", f"expected a whole number from {low} to {high}")
        out[key] = v
    if "integration_before_next_dose" in m:
        flag = m["integration_before_next_dose"]
        if not isinstance(flag, bool):
            raise _fail(f"{where}.integration_before_next_dose", "expected true or false")
        out["integration_before_next_dose"] = flag
    elif complete:
        raise _fail(f"{where}.integration_before_next_dose", "missing")
    return out


def _resolve(
    template: str, version: str, program: Program, v: Mapping[str, int | bool]
) -> Protocol:
    where = f"programs.{program.id}"
    if int(v["integration_opens_hours"]) >= int(v["integration_closes_hours"]):
        raise _fail(where, "the integration window must open before it closes")
    return Protocol(
        template=template,
        version=version,
        program=program,
        preparation_sessions=int(v["preparation_sessions"]),
        dosing_sessions=int(v["dosing_sessions"]),
        course_weeks=int(v["course_weeks"]),
        integration_opens=timedelta(hours=int(v["integration_opens_hours"])),
        integration_closes=timedelta(hours=int(v["integration_closes_hours"])),
        min_between_doses=timedelta(hours=int(v["min_hours_between_doses"])),
        integration_before_next_dose=bool(v["integration_before_next_dose"]),
    )


def parse_template(data: Mapping[str, object]) -> dict[str, Protocol]:
    """The protocol of every program the template names, by program id."""
    m = _obj(data, "protocol", {"id", "version", "title", "course", "programs", "notes", "sources"})
    template, version = _text(m.get("id"), "id"), _text(m.get("version"), "version")
    _text(m.get("title"), "title")
    base = _values(m.get("course"), "course", complete=True)
    programs = _obj(m.get("programs"), "programs", {p.id for p in PROGRAMS})
    if not programs:
        raise _fail("programs", "name at least one program")
    out = {}
    for program in PROGRAMS:
        if program.id in programs:
            changes = _values(programs[program.id], f"programs.{program.id}", complete=False)
            out[program.id] = _resolve(template, version, program, {**base, **changes})
    for key in ("notes", "sources"):
        value = m.get(key, [])
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            raise _fail(key, "expected a list of text")
    return out


def protocol_to_dict(p: Protocol) -> dict[str, object]:
    return {
        "template": p.template,
        "version": p.version,
        "program": p.program.id,
        "preparation_sessions": p.preparation_sessions,
        "dosing_sessions": p.dosing_sessions,
        "course_weeks": p.course_weeks,
        "integration_opens_hours": p.integration_opens // timedelta(hours=1),
        "integration_closes_hours": p.integration_closes // timedelta(hours=1),
        "min_hours_between_doses": p.min_between_doses // timedelta(hours=1),
        "integration_before_next_dose": p.integration_before_next_dose,
    }


def protocol_from_dict(data: Mapping[str, object]) -> Protocol:
    """The inverse of :func:`protocol_to_dict` (strict)."""
    m = _obj(data, "protocol", {*_KEYS, "template", "version", "program"})
    program_id = _text(m.get("program"), "program")
    program = next((p for p in PROGRAMS if p.id == program_id), None)
    if program is None:
        raise _fail("program", f"no program {program_id!r}")
    values = _values({k: v for k, v in m.items() if k in _KEYS}, "protocol", complete=True)
    return _resolve(
        _text(m.get("template"), "template"), _text(m.get("version"), "version"), program, values
    )


@cache
def _template(name: str) -> dict[str, Protocol]:
    if not name.replace("-", "").replace("_", "").isalnum():
        raise _fail("name", f"no protocol template named {name!r}")
    path = resources.files("attune.domain.kap") / "protocols" / f"{name}.json"
    if not path.is_file():
        raise _fail("name", f"no protocol template named {name!r}")
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, Mapping):
        raise _fail("protocol", "expected an object")
    return parse_template(data)


def load_protocol(program: Program, template: str = DEFAULT_TEMPLATE) -> Protocol:
    """The protocol of ``program`` in the shipped template (``protocols/<template>.json``)."""
    protocols = _template(template)
    if program.id not in protocols:
        raise _fail("programs", f"the template has no protocol for {program.id}")
    return protocols[program.id]
