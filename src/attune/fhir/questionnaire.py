"""Instrument ⇄ FHIR R4 Questionnaire.

``to_questionnaire(instrument)`` exports an SDC-style Questionnaire: one ``choice`` item
per question (linkId q1…qN), each answer option carrying its item weight after keying
in the ``ordinalValue`` extension, the LOINC panel code where confirmed, the licence in
``copyright``. Where the wording does not ship, ``text`` is our topic label and the item
says so (extension ``urn:attune:extension:item-wording`` = ``topic-label``). The full
definition (scoring rules, bands, sources) travels in the extension
``urn:attune:extension:instrument-definition`` so an export can be imported unchanged.

``questionnaire_to_definition`` goes the other way, for any Questionnaire whose answer
options carry integer codes or ordinal values; ``apply_wording`` adds a clinic's
licensed wording to a shipped instrument, refusing any mismatch in structure.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import cast

from attune.domain.errors import DomainError, InvalidDefinition
from attune.domain.instruments import Instrument, Item, Option, parse_definition
from attune.domain.instruments.serialise import to_definition
from attune.fhir.canonical import (
    EXT_DEFINITION,
    EXT_WORDING,
    INSTRUMENT_SYSTEM,
    ITEM_WEIGHT,
    JSON,
    LOINC,
    ORDINAL_VALUE,
    coding_for,
    questionnaire_url,
)

PUBLISHED, TOPIC_LABEL, CLINIC = "published", "topic-label", "clinic"
INSTRUCTIONS_LINK_ID = "instructions"


def _wording_kind(instrument: Instrument, item: Item) -> str:
    if item.text is None:
        return TOPIC_LABEL
    return PUBLISHED if instrument.licence.wording_ships else CLINIC


def _copyright(instrument: Instrument) -> str:
    licence = instrument.licence
    parts = [f"{licence.name}. {licence.terms}"]
    if any(i.text is None for i in instrument.items):
        parts.append(
            "The published item wording is not included: each item's text is a short topic "
            f"label written by the Attune project. {licence.reasoning}"
        )
    elif not licence.wording_ships:
        parts.append(f"Item wording added by the clinic from {instrument.wording_source}.")
    return " ".join(parts)


def _name(instrument: Instrument) -> str:
    name = re.sub(r"[^A-Za-z0-9]", "", instrument.abbreviation) or instrument.id
    return name if name[0].isupper() else f"Q{name}"


def _enable_when(instrument: Instrument, item: Item) -> list[dict[str, object]]:
    conditions: list[dict[str, object]] = []
    for rule in instrument.skip_rules:
        if item.link_id in rule.skip and len(rule.when) == 1:
            source = instrument.item(rule.when[0])
            if rule.equals in source.codes:
                coding = coding_for(instrument, source.option(rule.equals))
                coding.pop("display", None)
                conditions.append(
                    {"question": source.link_id, "operator": "!=", "answerCoding": coding}
                )
    return conditions


def _item(instrument: Instrument, item: Item) -> dict[str, object]:
    out: dict[str, object] = {
        "linkId": item.link_id,
        "extension": [{"url": EXT_WORDING, "valueCode": _wording_kind(instrument, item)}],
        "prefix": str(item.number),
        "text": item.display,
        "type": "choice",
        "required": False,
        "answerOption": [
            {
                "extension": [{"url": ORDINAL_VALUE, "valueDecimal": option.weight}],
                "valueCoding": coding_for(instrument, option),
            }
            for option in item.options
        ],
    }
    if item.loinc:
        out["code"] = [{"system": LOINC, "code": item.loinc}]
    conditions = _enable_when(instrument, item)
    if conditions:
        out["enableWhen"] = conditions
        if len(conditions) > 1:
            out["enableBehavior"] = "all"
    return out


def to_questionnaire(
    instrument: Instrument, *, base_url: str | None = None, include_definition: bool = True
) -> dict[str, object]:
    """The instrument as a FHIR R4 Questionnaire (a JSON-ready dict)."""
    items: list[dict[str, object]] = []
    if instrument.instructions:
        items.append(
            {"linkId": INSTRUCTIONS_LINK_ID, "type": "display", "text": instrument.instructions}
        )
    items += [_item(instrument, item) for item in instrument.items]
    description = instrument.description
    if any(i.text is None for i in instrument.items):
        description += (
            " Item texts are short topic labels written by the Attune project; the published "
            "wording is not included (see copyright)."
        )
    resource: dict[str, object] = {"resourceType": "Questionnaire", "id": instrument.id}
    if include_definition:
        definition = json.dumps(
            to_definition(instrument, include_wording=False), ensure_ascii=False, sort_keys=True
        )
        resource["extension"] = [{"url": EXT_DEFINITION, "valueString": definition}]
    resource.update(
        {
            "url": questionnaire_url(instrument.id, base_url),
            "identifier": [{"system": INSTRUMENT_SYSTEM, "value": instrument.id}],
            "version": instrument.version,
            "name": _name(instrument),
            "title": instrument.title,
            "status": "active",
            "subjectType": ["Patient"],
            "description": description,
            "copyright": _copyright(instrument),
        }
    )
    if instrument.loinc_panel:
        resource["code"] = [
            {"system": LOINC, "code": instrument.loinc_panel, "display": instrument.title}
        ]
    resource["item"] = items
    return resource


# ----------------------------------------------------------------------------- import


def _require_questionnaire(questionnaire: JSON) -> None:
    if not isinstance(questionnaire, Mapping) or questionnaire.get("resourceType") != (
        "Questionnaire"
    ):
        raise InvalidDefinition("expected a FHIR Questionnaire (resourceType 'Questionnaire')")


def _list(data: JSON, key: str, where: str) -> list[JSON]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise InvalidDefinition(f"{where}: '{key}' must be a list of objects", field=key)
    return cast(list[JSON], value)


def _flat_items(questionnaire: JSON) -> list[JSON]:
    """Every item, groups opened, in document order."""
    out: list[JSON] = []

    def walk(items: list[JSON]) -> None:
        for item in items:
            out.append(item)
            walk(_list(item, "item", f"item {item.get('linkId')}"))

    walk(_list(questionnaire, "item", "Questionnaire"))
    return out


def _questions(questionnaire: JSON) -> list[JSON]:
    return [i for i in _flat_items(questionnaire) if i.get("type") not in ("display", "group")]


def _instructions(questionnaire: JSON) -> str | None:
    for item in _list(questionnaire, "item", "Questionnaire"):
        if item.get("type") == "display" and isinstance(item.get("text"), str):
            return cast(str, item["text"])
    return None


def _extension(data: JSON, url: str) -> JSON | None:
    for ext in _list(data, "extension", "extension"):
        if ext.get("url") == url:
            return ext
    return None


def _has_wording(item: JSON) -> bool:
    ext = _extension(item, EXT_WORDING)
    return not (ext and ext.get("valueCode") == TOPIC_LABEL) and isinstance(item.get("text"), str)


def _ordinal(option: JSON) -> int | None:
    coding = option.get("valueCoding")
    for holder in (option, coding if isinstance(coding, dict) else {}):
        for url in (ORDINAL_VALUE, ITEM_WEIGHT):
            ext = _extension(holder, url)
            if ext is not None:
                value = ext.get("valueDecimal", ext.get("valueInteger"))
                if isinstance(value, int | float) and not isinstance(value, bool):
                    if value != int(value):
                        raise InvalidDefinition(f"ordinal value {value} is not a whole number")
                    return int(value)
    return None


def _option(option: JSON, where: str) -> dict[str, object]:
    """One answerOption as a definition option: code, label, weight, coding."""
    weight = _ordinal(option)
    coding = option.get("valueCoding")
    if isinstance(option.get("valueInteger"), int):
        code: int | None = cast(int, option["valueInteger"])
        out: dict[str, object] = {"label": None}
    elif isinstance(coding, dict) and isinstance(coding.get("code"), str):
        raw = cast(str, coding["code"])
        code = int(raw) if re.fullmatch(r"-?\d+", raw) else weight
        out = {"label": coding.get("display") if isinstance(coding.get("display"), str) else None}
        if not re.fullmatch(r"-?\d+", raw):
            out["coding"] = {"system": coding.get("system"), "code": raw}
    else:
        raise InvalidDefinition(f"{where}: answer options must be valueCoding or valueInteger")
    if code is None:
        raise InvalidDefinition(
            f"{where}: answer option '{coding}' needs an integer code or an ordinalValue weight"
        )
    out["code"] = code
    if weight is not None and weight != code:
        out["weight"] = weight
    return out


def _loinc_panel(questionnaire: JSON) -> str | None:
    for code in _list(questionnaire, "code", "Questionnaire"):
        if code.get("system") == LOINC and isinstance(code.get("code"), str):
            return cast(str, code["code"])
    return None


def _built_definition(questionnaire: JSON) -> dict[str, object]:
    scales: dict[str, object] = {}
    items: list[dict[str, object]] = []
    for question in _questions(questionnaire):
        link_id = question.get("linkId")
        where = f"Questionnaire item {link_id}"
        if not isinstance(link_id, str) or question.get("type") != "choice":
            raise InvalidDefinition(f"{where}: only 'choice' items with a linkId can be scored")
        options = _list(question, "answerOption", where)
        if not options:
            raise InvalidDefinition(f"{where}: needs answerOption (answerValueSet is not read)")
        scales[link_id] = [_option(o, where) for o in options]
        entry: dict[str, object] = {"linkId": link_id, "scale": link_id}
        if _has_wording(question):
            entry["text"] = question["text"]
        items.append(entry)
    reference = questionnaire.get("url") or questionnaire.get("id") or "a FHIR Questionnaire"
    name = questionnaire.get("name") or questionnaire.get("id")
    title = questionnaire.get("title") or name
    return {
        "id": questionnaire.get("id") or str(name).lower(),
        "title": title,
        "abbreviation": name or title,
        "version": questionnaire.get("version") or "1",
        "description": questionnaire.get("description") or "",
        "instructions": _instructions(questionnaire) or "",
        "scales": scales,
        "items": items,
        "scoring": {"method": "sum", "missing": {"rule": "none"}},
        "codes": {"loinc_panel": _loinc_panel(questionnaire)},
        "source": {"citation": f"{title} (imported from {reference})"},
        "licence": {
            "name": "Provided by the clinic",
            "terms": questionnaire.get("copyright") or "See the source Questionnaire.",
            "wording_ships": False,
        },
        "wording_source": reference,
    }


def questionnaire_to_definition(
    questionnaire: JSON, *, overrides: Mapping[str, object] | None = None
) -> dict[str, object]:
    """A definition mapping (see docs/instruments.md) built from a Questionnaire.

    A Questionnaire exported by Attune carries its definition and is restored exactly,
    wording included. Any other Questionnaire gives a summed instrument with no bands;
    ``overrides`` replaces top-level definition keys (``id``, ``scoring``, ``source``,
    ``licence``, …) so a clinic can state the manual's scoring rules.
    """
    _require_questionnaire(questionnaire)
    ext = _extension(questionnaire, EXT_DEFINITION)
    if ext is not None and isinstance(ext.get("valueString"), str):
        definition = cast(dict[str, object], json.loads(cast(str, ext["valueString"])))
        worded = {q.get("linkId"): q["text"] for q in _questions(questionnaire) if _has_wording(q)}
        for entry in cast(list[dict[str, object]], definition["items"]):
            if entry["linkId"] in worded:
                entry["text"] = worded[entry["linkId"]]
        definition["instructions"] = _instructions(questionnaire) or ""
    else:
        definition = _built_definition(questionnaire)
    definition.update(overrides or {})
    return definition


def questionnaire_to_instrument(
    questionnaire: JSON, *, overrides: Mapping[str, object] | None = None
) -> Instrument:
    """Parse a Questionnaire straight into an Instrument (InvalidDefinition if unusable)."""
    try:
        return parse_definition(questionnaire_to_definition(questionnaire, overrides=overrides))
    except DomainError as exc:
        raise InvalidDefinition(f"Questionnaire cannot be used: {exc.message}") from exc


def _overlay_option(option: Option, given: JSON, where: str) -> Option:
    coding = given.get("valueCoding")
    coding = coding if isinstance(coding, dict) else {}
    code = coding.get("code")
    if option.system_code is not None and code == option.system_code:
        same = True
    else:
        same = given.get("valueInteger") == option.code or code == str(option.code)
    weight = _ordinal(given)
    if not same or (weight is not None and weight != option.weight):
        shown = code if code is not None else given.get("valueInteger")
        raise InvalidDefinition(
            f"{where}: answer option {shown} (weight {weight}) does not match "
            f"Attune's option {option.code} (weight {option.weight})",
            field=where,
        )
    label = coding.get("display")
    return replace(option, label=label if isinstance(label, str) else option.label)


def apply_wording(instrument: Instrument, questionnaire: JSON) -> Instrument:
    """A copy of ``instrument`` with item wording (and option labels) taken from a
    Questionnaire whose items match it by linkId; any structural mismatch is refused."""
    _require_questionnaire(questionnaire)
    questions = _questions(questionnaire)
    given = [q.get("linkId") for q in questions]
    if given != list(instrument.item_ids):
        missing = [i for i in instrument.item_ids if i not in given]
        extra = [i for i in given if i not in instrument.item_ids]
        raise InvalidDefinition(
            f"Questionnaire items do not match {instrument.abbreviation}: expected linkIds "
            f"{', '.join(instrument.item_ids)} in that order"
            + (f"; missing {', '.join(missing)}" if missing else "")
            + (f"; unexpected {', '.join(map(str, extra))}" if extra else ""),
            field="item",
        )
    items = []
    for item, question in zip(instrument.items, questions, strict=True):
        where = f"{instrument.abbreviation} item {item.link_id}"
        if question.get("type") != "choice" or not _has_wording(question):
            raise InvalidDefinition(f"{where}: needs type 'choice' and its wording in 'text'")
        options = _list(question, "answerOption", where)
        if options and len(options) != len(item.options):
            raise InvalidDefinition(
                f"{where}: {len(options)} answer options given, the instrument has "
                f"{len(item.options)}",
                field=item.link_id,
            )
        new_options = item.options
        if options:
            new_options = tuple(
                _overlay_option(o, g, where) for o, g in zip(item.options, options, strict=True)
            )
        items.append(replace(item, text=cast(str, question["text"]), options=new_options))
    reference = questionnaire.get("url") or questionnaire.get("id") or "a clinic Questionnaire"
    return replace(
        instrument,
        items=tuple(items),
        instructions=_instructions(questionnaire) or instrument.instructions,
        wording_source=str(reference),
    )
