"""Load instrument definitions from the package's data files.

A definition is JSON (``definitions/<id>.json``); see docs/instruments.md for its shape.
Parsing is strict: a malformed definition raises InvalidDefinition naming the field.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import cast

from attune.domain.errors import InvalidDefinition, UnknownInstrument
from attune.domain.instruments.model import (
    Band,
    CriticalItem,
    Instrument,
    Item,
    Licence,
    Method,
    MissingRule,
    Option,
    Source,
    Subscale,
)

JSON = Mapping[str, object]


def _req(data: JSON, key: str, where: str) -> object:
    if key not in data:
        raise InvalidDefinition(f"{where}: missing '{key}'", field=key)
    return data[key]


def _str(data: JSON, key: str, where: str, default: str | None = None) -> str:
    value = data.get(key, default) if default is not None else _req(data, key, where)
    if not isinstance(value, str):
        raise InvalidDefinition(f"{where}: '{key}' must be text", field=key)
    return value


def _opt_str(data: JSON, key: str, where: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise InvalidDefinition(f"{where}: '{key}' must be text", field=key)
    return value


def _list(data: JSON, key: str, where: str, required: bool = False) -> list[JSON]:
    value = _req(data, key, where) if required else data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise InvalidDefinition(f"{where}: '{key}' must be a list of objects", field=key)
    return cast(list[JSON], value)


def _bands(raw: list[JSON], where: str) -> tuple[Band, ...]:
    bands = []
    for b in raw:
        minimum = _req(b, "min", where)
        if not isinstance(minimum, int | float):
            raise InvalidDefinition(f"{where}: band 'min' must be a number", field="min")
        bands.append(Band(float(minimum), _str(b, "label", where), _str(b, "meaning", where, "")))
    return tuple(sorted(bands, key=lambda b: b.minimum))


def parse_definition(data: JSON) -> Instrument:
    """Build an Instrument from a definition mapping."""
    where = str(data.get("id", "definition"))
    scales_raw = data.get("scales", {})
    if not isinstance(scales_raw, dict):
        raise InvalidDefinition(f"{where}: 'scales' must be an object", field="scales")
    scales: dict[str, tuple[Option, ...]] = {}
    for name, options in scales_raw.items():
        if not isinstance(options, list) or not options:
            raise InvalidDefinition(f"{where}: scale '{name}' must list its options")
        parsed = []
        for o in options:
            code = o.get("code") if isinstance(o, dict) else None
            if not isinstance(code, int) or isinstance(code, bool):
                raise InvalidDefinition(f"{where}: scale '{name}' has an option without a code")
            parsed.append(Option(code, _str(o, "label", where)))
        scales[name] = tuple(parsed)

    items = []
    for number, raw in enumerate(_list(data, "items", where, required=True), start=1):
        link_id = _str(raw, "linkId", where)
        scale = _str(raw, "scale", f"{where} item {link_id}")
        if scale not in scales:
            raise InvalidDefinition(f"{where} item {link_id}: unknown scale '{scale}'")
        items.append(
            Item(
                link_id=link_id,
                number=number,
                options=scales[scale],
                text=_opt_str(raw, "text", where),
                reverse=bool(raw.get("reverse", False)),
                loinc=_opt_str(raw, "loinc", where),
            )
        )
    ids = [i.link_id for i in items]
    if len(set(ids)) != len(ids):
        raise InvalidDefinition(f"{where}: item linkIds must be unique")

    scoring = data.get("scoring", {})
    if not isinstance(scoring, dict):
        raise InvalidDefinition(f"{where}: 'scoring' must be an object", field="scoring")
    try:
        method = Method(scoring.get("method", "sum"))
        missing = scoring.get("missing", {}) or {}
        missing_rule = MissingRule(missing.get("rule", "none"))
    except ValueError as exc:
        raise InvalidDefinition(f"{where}: {exc}") from exc
    max_missing = int(missing.get("max_missing", 0))

    subscales = []
    for s in _list(scoring, "subscales", where):
        members = s.get("items")
        if not isinstance(members, list) or not all(m in ids for m in members):
            raise InvalidDefinition(f"{where}: subscale '{s.get('key')}' names unknown items")
        subscales.append(
            Subscale(
                key=_str(s, "key", where),
                name=_str(s, "name", where),
                items=tuple(members),
                method=Method(s.get("method", method.value)),
                bands=_bands(_list(s, "bands", where), where),
            )
        )
    critical = []
    for c in _list(scoring, "critical", where):
        link_id = _str(c, "linkId", where)
        if link_id not in ids:
            raise InvalidDefinition(f"{where}: critical item '{link_id}' is not an item")
        minimum = c.get("min")
        if not isinstance(minimum, int):
            raise InvalidDefinition(f"{where}: critical item '{link_id}' needs an integer 'min'")
        critical.append(
            CriticalItem(link_id, minimum, _str(c, "flag", where), _str(c, "message", where))
        )

    codes = data.get("codes", {}) or {}
    source = data.get("source", {}) or {}
    licence = data.get("licence", {}) or {}
    if not isinstance(codes, dict) or not isinstance(source, dict) or not isinstance(licence, dict):
        raise InvalidDefinition(f"{where}: 'codes', 'source' and 'licence' must be objects")
    notes = data.get("notes", [])
    return Instrument(
        id=_str(data, "id", where),
        title=_str(data, "title", where),
        abbreviation=_str(data, "abbreviation", where),
        description=_str(data, "description", where, ""),
        instructions=_str(data, "instructions", where, ""),
        version=_str(data, "version", where, "1"),
        items=tuple(items),
        method=method,
        has_total=bool(scoring.get("has_total", True)),
        subscales=tuple(subscales),
        bands=_bands(_list(scoring, "bands", where), where),
        critical=tuple(critical),
        missing_rule=missing_rule,
        max_missing=max_missing,
        rule=_opt_str(scoring, "rule", where),
        loinc_panel=_opt_str(codes, "loinc_panel", where),
        loinc_total=_opt_str(codes, "loinc_total", where),
        source=Source(
            citation=_str(source, "citation", where),
            url=_opt_str(source, "url", where),
            notes=_str(source, "notes", where, ""),
        ),
        licence=Licence(
            name=_str(licence, "name", where),
            terms=_str(licence, "terms", where),
            wording_ships=bool(licence.get("wording_ships", False)),
            url=_opt_str(licence, "url", where),
        ),
        notes=tuple(str(n) for n in notes) if isinstance(notes, list) else (),
    )


def _definition_files() -> dict[str, str]:
    folder = resources.files("attune.domain.instruments") / "definitions"
    return {
        entry.name.removesuffix(".json"): entry.read_text(encoding="utf-8")
        for entry in folder.iterdir()
        if entry.name.endswith(".json")
    }


@cache
def _all() -> dict[str, Instrument]:
    loaded = {}
    for name, text in sorted(_definition_files().items()):
        instrument = parse_definition(json.loads(text))
        if instrument.id != name:
            raise InvalidDefinition(f"definitions/{name}.json declares id '{instrument.id}'")
        loaded[instrument.id] = instrument
    return loaded


def list_instruments() -> list[Instrument]:
    """Every shipped instrument, sorted by id."""
    return list(_all().values())


def get_instrument(instrument_id: str) -> Instrument:
    """The instrument with this id, or UnknownInstrument naming the known ids."""
    try:
        return _all()[instrument_id]
    except KeyError:
        known = ", ".join(sorted(_all()))
        raise UnknownInstrument(
            f"no instrument '{instrument_id}' (known: {known})", field="instrument"
        ) from None
