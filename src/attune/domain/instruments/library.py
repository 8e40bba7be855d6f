"""Load instrument definitions: the package's data files and any a clinic adds.

A definition is JSON (``definitions/<id>.json``); docs/instruments.md describes its shape.
Parsing is strict: a malformed definition raises InvalidDefinition naming the field.
Reading a clinic's folder (files, FHIR Questionnaires) is the job of the
``attune.fhir.library`` adapter; this module only turns mappings into instruments.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import cast

from attune.domain.errors import InvalidDefinition, UnknownInstrument
from attune.domain.instruments.model import (
    Band,
    CriticalItem,
    Evidence,
    Fact,
    Instrument,
    Item,
    Licence,
    Method,
    MissingRule,
    Option,
    SkipRule,
    Source,
    Subscale,
    reverse_code,
)
from attune.domain.instruments.rules import REQUIRES, RULES

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


def _int(value: object, where: str, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidDefinition(f"{where}: '{key}' must be a whole number", field=key)
    return value


def _obj(data: JSON, key: str, where: str) -> JSON:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise InvalidDefinition(f"{where}: '{key}' must be an object", field=key)
    return cast(JSON, value)


def _list(data: JSON, key: str, where: str, required: bool = False) -> list[JSON]:
    value = _req(data, key, where) if required else data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise InvalidDefinition(f"{where}: '{key}' must be a list of objects", field=key)
    return cast(list[JSON], value)


def _ids(data: JSON, key: str, where: str, known: tuple[str, ...]) -> tuple[str, ...]:
    value = data.get(key)
    if not isinstance(value, list) or not value or not all(v in known for v in value):
        raise InvalidDefinition(f"{where}: '{key}' must list existing item linkIds", field=key)
    return tuple(cast(list[str], value))


def _bands(raw: list[JSON], where: str) -> tuple[Band, ...]:
    bands = []
    for b in raw:
        minimum = _req(b, "min", where)
        if isinstance(minimum, bool) or not isinstance(minimum, int | float):
            raise InvalidDefinition(f"{where}: band 'min' must be a number", field="min")
        bands.append(Band(float(minimum), _str(b, "label", where), _str(b, "meaning", where, "")))
    return tuple(sorted(bands, key=lambda b: b.minimum))


def _scales(data: JSON, where: str) -> dict[str, list[JSON]]:
    scales: dict[str, list[JSON]] = {}
    for name, options in _obj(data, "scales", where).items():
        if not isinstance(options, list) or not options:
            raise InvalidDefinition(f"{where}: scale '{name}' must list its options")
        for o in options:
            if not isinstance(o, dict):
                raise InvalidDefinition(f"{where}: scale '{name}' options must be objects")
            _int(o.get("code"), f"{where} scale {name}", "code")
        scales[name] = cast(list[JSON], options)
    return scales


def _options(raw: list[JSON], reverse: bool, where: str) -> tuple[Option, ...]:
    codes = [cast(int, o["code"]) for o in raw]
    if len(set(codes)) != len(codes):
        raise InvalidDefinition(f"{where}: option codes must be unique")
    low, high = min(codes), max(codes)
    options = []
    for o, code in zip(raw, codes, strict=True):
        given = o.get("weight")
        weight = code if given is None else _int(given, where, "weight")
        if reverse:
            if given is not None:
                raise InvalidDefinition(f"{where}: give 'reverse' or option weights, not both")
            weight = reverse_code(low, high, code)
        label = o.get("label")
        if label is not None and not isinstance(label, str):
            raise InvalidDefinition(f"{where}: option label must be text or null")
        coding = _obj(o, "coding", where)
        options.append(
            Option(
                code=code,
                label=label,
                weight=weight,
                system=_opt_str(coding, "system", where),
                system_code=_opt_str(coding, "code", where),
            )
        )
    return tuple(options)


def _items(data: JSON, where: str) -> tuple[Item, ...]:
    scales = _scales(data, where)
    items = []
    for number, raw in enumerate(_list(data, "items", where, required=True), start=1):
        link_id = _str(raw, "linkId", where)
        here = f"{where} item {link_id}"
        scale = _str(raw, "scale", here)
        if scale not in scales:
            raise InvalidDefinition(f"{here}: unknown scale '{scale}'", field="scale")
        reverse = raw.get("reverse", False)
        if not isinstance(reverse, bool):
            raise InvalidDefinition(f"{here}: 'reverse' must be true or false", field="reverse")
        items.append(
            Item(
                link_id=link_id,
                number=number,
                options=_options(scales[scale], reverse, here),
                text=_opt_str(raw, "text", here),
                topic=_opt_str(raw, "topic", here),
                reverse=reverse,
                loinc=_opt_str(raw, "loinc", here),
            )
        )
    if not items:
        raise InvalidDefinition(f"{where}: needs at least one item", field="items")
    ids = [i.link_id for i in items]
    if len(set(ids)) != len(ids):
        raise InvalidDefinition(f"{where}: item linkIds must be unique", field="linkId")
    return tuple(items)


def _facts(data: JSON, where: str) -> tuple[Fact, ...]:
    facts = []
    for f in _list(data, "facts", where):
        try:
            evidence = Evidence(_str(f, "status", where))
        except ValueError:
            raise InvalidDefinition(f"{where}: fact status must be V, S or R") from None
        facts.append(Fact(_str(f, "fact", where), evidence, _str(f, "source", where)))
    return tuple(facts)


def _method(value: object, where: str) -> Method:
    try:
        return Method(value)
    except ValueError:
        raise InvalidDefinition(f"{where}: method must be 'sum' or 'mean'") from None


def parse_definition(data: JSON) -> Instrument:
    """Build an Instrument from a definition mapping (see docs/instruments.md)."""
    where = str(data.get("id", "definition"))
    items = _items(data, where)
    ids = tuple(i.link_id for i in items)
    scoring = _obj(data, "scoring", where)
    method = _method(scoring.get("method", "sum"), where)
    missing = _obj(scoring, "missing", where)
    try:
        missing_rule = MissingRule(missing.get("rule", "none"))
    except ValueError:
        raise InvalidDefinition(f"{where}: unknown missing rule {missing.get('rule')!r}") from None
    max_missing = _int(missing.get("max_missing", 0), where, "max_missing")

    subscales = tuple(
        Subscale(
            key=_str(s, "key", where),
            name=_str(s, "name", where),
            items=_ids(s, "items", f"{where} subscale {s.get('key')}", ids),
            method=_method(s.get("method", method.value), where),
            bands=_bands(_list(s, "bands", where), where),
        )
        for s in _list(scoring, "subscales", where)
    )
    critical = []
    for c in _list(scoring, "critical", where):
        link_id = _str(c, "linkId", where)
        if link_id not in ids:
            raise InvalidDefinition(f"{where}: critical item '{link_id}' is not an item")
        critical.append(
            CriticalItem(
                link_id,
                _int(c.get("min"), f"{where} critical {link_id}", "min"),
                _str(c, "flag", where),
                _str(c, "message", where),
            )
        )
    skips = tuple(
        SkipRule(
            when=_ids(s, "when", f"{where} skip", ids),
            equals=_int(s.get("equals"), f"{where} skip", "equals"),
            skip=_ids(s, "skip", f"{where} skip", ids),
            weight=_int(s.get("weight", 0), f"{where} skip", "weight"),
            source=_str(s, "source", where, ""),
        )
        for s in _list(scoring, "skip", where)
    )
    has_total = scoring.get("has_total", True)
    if not isinstance(has_total, bool):
        raise InvalidDefinition(f"{where}: 'has_total' must be true or false")
    if not has_total and not subscales:
        raise InvalidDefinition(f"{where}: an instrument without a total needs subscales")

    rule = _opt_str(scoring, "rule", where)
    if rule is not None and (rule not in RULES or not set(REQUIRES[rule]) <= set(ids)):
        raise InvalidDefinition(
            f"{where}: unknown scoring rule '{rule}', or its items are missing", field="rule"
        )

    codes = _obj(data, "codes", where)
    source = _obj(data, "source", where)
    licence = _obj(data, "licence", where)
    notes = data.get("notes", [])
    if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
        raise InvalidDefinition(f"{where}: 'notes' must be a list of text", field="notes")
    return Instrument(
        id=_str(data, "id", where),
        title=_str(data, "title", where),
        abbreviation=_str(data, "abbreviation", where),
        description=_str(data, "description", where, ""),
        instructions=_str(data, "instructions", where, ""),
        version=_str(data, "version", where, "1"),
        items=items,
        method=method,
        has_total=has_total,
        subscales=subscales,
        bands=_bands(_list(scoring, "bands", where), where),
        bands_source=_str(scoring, "bands_source", where, ""),
        critical=tuple(critical),
        missing_rule=missing_rule,
        max_missing=max_missing,
        missing_source=_str(missing, "source", where, ""),
        skip_rules=skips,
        rule=rule,
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
            reasoning=_str(licence, "reasoning", where, ""),
        ),
        notes=tuple(cast(list[str], notes)),
        facts=_facts(data, where),
        wording_source=_opt_str(data, "wording_source", where),
    )


@dataclass(frozen=True)
class InstrumentLibrary:
    """A set of instruments by id: the shipped ones plus any a clinic added."""

    instruments: Mapping[str, Instrument]

    def get(self, instrument_id: str) -> Instrument:
        """The instrument with this id, or UnknownInstrument naming the known ids."""
        try:
            return self.instruments[instrument_id]
        except KeyError:
            known = ", ".join(sorted(self.instruments))
            raise UnknownInstrument(
                f"no instrument '{instrument_id}' (known: {known})", field="instrument"
            ) from None

    def list(self) -> list[Instrument]:
        """Every instrument, sorted by id."""
        return [self.instruments[k] for k in sorted(self.instruments)]

    def __contains__(self, instrument_id: object) -> bool:
        return instrument_id in self.instruments

    def __iter__(self) -> Iterator[Instrument]:
        return iter(self.list())

    def with_instruments(self, extra: Iterable[Instrument]) -> InstrumentLibrary:
        """A new library with ``extra`` added; an extra with a known id replaces it."""
        merged = dict(self.instruments)
        for instrument in extra:
            merged[instrument.id] = instrument
        return InstrumentLibrary(merged)


def _definition_files() -> dict[str, str]:
    folder = resources.files("attune.domain.instruments") / "definitions"
    return {
        entry.name.removesuffix(".json"): entry.read_text(encoding="utf-8")
        for entry in folder.iterdir()
        if entry.name.endswith(".json")
    }


@cache
def builtin_library() -> InstrumentLibrary:
    """The instruments shipped in the package."""
    loaded = {}
    for name, text in sorted(_definition_files().items()):
        instrument = parse_definition(json.loads(text))
        if instrument.id != name:
            raise InvalidDefinition(f"definitions/{name}.json declares id '{instrument.id}'")
        loaded[instrument.id] = instrument
    return InstrumentLibrary(loaded)


def list_instruments() -> list[Instrument]:
    """Every shipped instrument, sorted by id."""
    return builtin_library().list()


def get_instrument(instrument_id: str) -> Instrument:
    """The shipped instrument with this id, or UnknownInstrument naming the known ids."""
    return builtin_library().get(instrument_id)
