"""Read FHIR R4 QuestionnaireResponses for ``attune score``: JSON or NDJSON.

A JSON file may hold one QuestionnaireResponse, a list of them or a Bundle of them; an
NDJSON file holds one per line. Each resource becomes one row; a resource that cannot be
read (bad JSON, another instrument, an answer the item does not allow) becomes a row with
that error, and the other resources are still scored.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from attune.cli.score_input import InputFileError, InputRow
from attune.domain.errors import DomainError
from attune.domain.instruments import Instrument
from attune.fhir.questionnaire_response import parse_questionnaire_response

JSON_SUFFIXES = {".json", ".ndjson", ".jsonl"}
CSV_SUFFIXES = {".csv", ".tsv", ".txt"}


def looks_like_json(path: Path) -> bool:
    """Told apart by the extension, or else by the first character of the file."""
    suffix = path.suffix.lower()
    if suffix in JSON_SUFFIXES:
        return True
    if suffix in CSV_SUFFIXES:
        return False
    with path.open("rb") as handle:
        start = handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    return start.startswith((b"{", b"["))


def _resources(path: Path) -> Iterator[tuple[str, object]]:
    """(where, the parsed JSON or a problem message) for each resource in the file."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{path}: not UTF-8 text ({exc.reason})") from None
    stripped = text.strip()
    if not stripped:
        raise InputFileError(f"{path}: the file is empty")
    try:
        whole: object = json.loads(stripped)
    except json.JSONDecodeError:
        whole = None
    if isinstance(whole, list):
        for n, entry in enumerate(whole, start=1):
            yield f"item {n}", entry
        return
    if isinstance(whole, dict):
        if whole.get("resourceType") == "Bundle":
            entries = whole.get("entry")
            if not isinstance(entries, list):
                raise InputFileError(f"{path}: the Bundle has no entries")
            for n, entry in enumerate(entries, start=1):
                resource = entry.get("resource") if isinstance(entry, dict) else None
                yield f"entry {n}", resource
            return
        yield "resource", whole
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield f"line {number}", json.loads(line)
        except json.JSONDecodeError as exc:
            yield f"line {number}", f"not valid JSON ({exc.msg} at column {exc.colno})"


def read_fhir(instrument: Instrument, path: Path) -> list[InputRow]:
    """One row per QuestionnaireResponse in the file."""
    rows = []
    for where, resource in _resources(path):
        if isinstance(resource, str):
            rows.append(InputRow(id=where, answers={}, errors=[f"{where}: {resource}"]))
            continue
        if not isinstance(resource, dict):
            problem = f"{where}: expected a QuestionnaireResponse object"
            rows.append(InputRow(id=where, answers={}, errors=[problem]))
            continue
        row_id = resource.get("id") if isinstance(resource.get("id"), str) else None
        try:
            parsed = parse_questionnaire_response(resource)
        except DomainError as exc:
            rows.append(InputRow(id=row_id or where, answers={}, errors=[f"{where}: {exc}"]))
            continue
        if parsed.instrument_id != instrument.id:
            problem = f"{where}: this response answers {parsed.instrument_id}, not {instrument.id}"
            rows.append(InputRow(id=row_id or where, answers={}, errors=[problem]))
            continue
        rows.append(InputRow(id=parsed.response_id or where, answers=dict(parsed.answers)))
    return rows
