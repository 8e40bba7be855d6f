"""FHIR R4 QuestionnaireResponse ⇄ answers by linkId.

``parse_questionnaire_response`` reads one QuestionnaireResponse (a JSON dict) into a
:class:`ParsedResponse`: its id, the instrument it answers, and the published answer
code for every item (None where unanswered). ``load_responses`` reads a file's text: one
QuestionnaireResponse, a Bundle of them, or NDJSON (one per line). Problems raise a
ValidationError (or UnknownInstrument / UnknownItem / InvalidAnswer) whose message names
the item and, for NDJSON, the line. ``to_questionnaire_response`` builds the resource
from stored answers.

Answers are read from ``valueCoding`` (Attune's answer system, an option's standard
coding such as a LOINC answer code, or an integer code with no system) or
``valueInteger``. Items are matched by linkId, or by the item's LOINC code when the
linkId is a LOINC code (``/44250-9`` as in the US Core examples). An item carrying the
instrument's LOINC total-score code is a calculated score and is skipped.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from attune.domain.errors import DomainError, InvalidAnswer, UnknownItem, ValidationError
from attune.domain.instruments import (
    Instrument,
    InstrumentLibrary,
    Item,
    builtin_library,
    validate,
)
from attune.domain.instruments.scoring import allowed_text
from attune.fhir.canonical import (
    JSON,
    answer_system,
    coding_for,
    instrument_id_from_reference,
    objects,
    questionnaire_url,
)
from attune.fhir.canonical import text as field_text


@dataclass(frozen=True)
class ParsedResponse:
    """One QuestionnaireResponse, read: answers are published codes by linkId."""

    response_id: str | None
    instrument_id: str
    questionnaire: str
    status: str
    authored: str | None
    answers: Mapping[str, int | None]


def _match_item(instrument: Instrument, link_id: str) -> Item | None:
    if link_id in instrument.item_ids:
        return instrument.item(link_id)
    code = link_id.strip("/")
    return next((i for i in instrument.items if i.loinc and i.loinc == code), None)


def _code_for(instrument: Instrument, item: Item, answer: JSON, where: str) -> int:
    if "valueInteger" in answer:
        value = answer["valueInteger"]
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    coding = answer.get("valueCoding")
    if isinstance(coding, dict):
        system, code = coding.get("system"), coding.get("code")
        for option in item.options:
            if option.system and system == option.system and code == option.system_code:
                return option.code
        if system in (None, answer_system(instrument.id)) and isinstance(code, str):
            try:
                return int(code)
            except ValueError:
                pass
    raise InvalidAnswer(
        f"{where}: answer {json.dumps(answer)} is not one of the allowed answers "
        f"({allowed_text(instrument, item.link_id)})",
        field=item.link_id,
    )


def _walk(items: list[JSON], where: str) -> list[JSON]:
    out: list[JSON] = []
    for n, item in enumerate(items):
        here = f"{where}.item[{n}]"
        out.append(item)
        out += _walk(objects(item, "item", here), here)
        for m, answer in enumerate(objects(item, "answer", here)):
            out += _walk(objects(answer, "item", f"{here}.answer[{m}]"), f"{here}.answer[{m}]")
    return out


def parse_questionnaire_response(
    resource: JSON, library: InstrumentLibrary | None = None
) -> ParsedResponse:
    """Read one QuestionnaireResponse into answers by linkId (see the module docstring)."""
    library = library or builtin_library()
    if not isinstance(resource, Mapping):
        raise ValidationError("expected a JSON object", field="resourceType")
    if resource.get("resourceType") != "QuestionnaireResponse":
        raise ValidationError(
            f"expected a QuestionnaireResponse, got {resource.get('resourceType')!r}",
            field="resourceType",
        )
    where = "QuestionnaireResponse"
    reference = field_text(resource, "questionnaire", where, required=True) or ""
    instrument = library.get(instrument_id_from_reference(reference, library))
    status = field_text(resource, "status", where, required=True) or ""
    answers: dict[str, int | None] = {}
    for entry in _walk(objects(resource, "item", where), where):
        link_id = field_text(entry, "linkId", where, required=True) or ""
        given = objects(entry, "answer", f"item {link_id}")
        if not given:
            continue
        item = _match_item(instrument, link_id)
        if item is None:
            if instrument.loinc_total and link_id.strip("/") == instrument.loinc_total:
                continue
            raise UnknownItem(
                f"{instrument.abbreviation} has no item '{link_id}'; its items are "
                f"{instrument.item_ids[0]}–{instrument.item_ids[-1]}",
                field=link_id,
            )
        if len(given) > 1:
            raise InvalidAnswer(f"item {link_id}: only one answer is allowed", field=link_id)
        if item.link_id in answers:
            raise InvalidAnswer(f"item {link_id} is answered twice", field=link_id)
        answers[item.link_id] = _code_for(instrument, item, given[0], f"item {link_id}")
    clean = validate(instrument, answers)
    return ParsedResponse(
        response_id=field_text(resource, "id", where),
        instrument_id=instrument.id,
        questionnaire=reference,
        status=status,
        authored=field_text(resource, "authored", where),
        answers={i: clean.get(i) for i in instrument.item_ids},
    )


def load_responses(text: str, library: InstrumentLibrary | None = None) -> list[ParsedResponse]:
    """Read a file's text: a QuestionnaireResponse, a Bundle of them, or NDJSON."""
    stripped = text.strip()
    if not stripped:
        raise ValidationError("the file is empty", field="file")
    try:
        whole = json.loads(stripped)
    except json.JSONDecodeError:
        whole = None
    if isinstance(whole, dict):
        if whole.get("resourceType") == "Bundle":
            entries = objects(whole, "entry", "Bundle")
            return [
                _parse_numbered(e.get("resource"), f"Bundle entry {n}", library)
                for n, e in enumerate(entries)
            ]
        return [parse_questionnaire_response(whole, library)]
    parsed = []
    for number, line in enumerate(stripped.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            resource = json.loads(line)
        except json.JSONDecodeError as exc:
            message = f"line {number}: not valid JSON ({exc.msg})"
            raise ValidationError(message, field="file") from exc
        parsed.append(_parse_numbered(resource, f"line {number}", library))
    return parsed


def _parse_numbered(
    resource: object, where: str, library: InstrumentLibrary | None
) -> ParsedResponse:
    if not isinstance(resource, dict):
        raise ValidationError(f"{where}: expected a JSON object", field="file")
    try:
        return parse_questionnaire_response(resource, library)
    except DomainError as exc:
        raise type(exc)(f"{where}: {exc.message}", field=exc.field) from exc


def to_questionnaire_response(
    instrument: Instrument,
    answers: Mapping[str, int | None],
    *,
    response_id: str | None = None,
    authored: datetime | None = None,
    status: str = "completed",
    subject: str | None = None,
    base_url: str | None = None,
) -> dict[str, object]:
    """A QuestionnaireResponse for stored answers (published codes by linkId)."""
    clean = validate(instrument, answers)
    resource: dict[str, object] = {"resourceType": "QuestionnaireResponse"}
    if response_id is not None:
        resource["id"] = response_id
    resource["questionnaire"] = questionnaire_url(instrument.id, base_url)
    resource["status"] = status
    if subject is not None:
        resource["subject"] = {"reference": subject}
    if authored is not None:
        if authored.tzinfo is None or authored.utcoffset() is None:
            raise ValidationError("authored must be a timezone-aware time", field="authored")
        resource["authored"] = authored.isoformat()
    resource["item"] = [
        {
            "linkId": item.link_id,
            "text": item.display,
            "answer": [{"valueCoding": coding_for(instrument, item.option(code))}],
        }
        for item in instrument.items
        if (code := clean.get(item.link_id)) is not None
    ]
    return resource
