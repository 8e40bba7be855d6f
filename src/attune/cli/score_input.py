"""Read the responses ``attune score`` is asked to score: a CSV file, or FHIR JSON/NDJSON.

A CSV has a header row: ``id``, then one column per item named by its linkId (``q1`` …
``qN`` in the instrument's published order), and optionally ``sex``. Cells hold the
published response codes; an empty cell is an unanswered item.

Problems with the whole file (no ``id`` column, item columns missing, an empty file) raise
:class:`InputFileError`. Problems with one row (a value that is not a number, a code the
item does not allow, a cell in an unknown column) are recorded on that row, so the other
rows are still scored.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from attune.domain.errors import ValidationError
from attune.domain.instruments import Instrument, Item

SEXES = {"female": "female", "f": "female", "male": "male", "m": "male"}


class InputFileError(ValidationError):
    """The file as a whole cannot be read as responses to this instrument."""


@dataclass
class InputRow:
    """One response as read: answers by linkId (None = unanswered) and any problems."""

    id: str
    answers: dict[str, int | None]
    sex: str | None = None
    errors: list[str] = field(default_factory=list)


def _allowed(item: Item) -> str:
    return ", ".join(str(c) for c in item.codes)


def parse_code(instrument: Instrument, item: Item, raw: str) -> tuple[int | None, str | None]:
    """A cell's value as a response code, or an error naming the item and allowed values."""
    text = raw.strip()
    if text == "":
        return None, None
    try:
        number = float(text)
    except ValueError:
        number = None
    if number is None or not number.is_integer():
        return None, (f"{item.link_id}: {text!r} is not a whole number (allowed: {_allowed(item)})")
    code = int(number)
    if code not in item.codes:
        return None, (
            f"{item.link_id}: {code} is not an allowed answer for {instrument.abbreviation} "
            f"(allowed: {_allowed(item)})"
        )
    return code, None


def parse_sex(raw: str | None) -> tuple[str | None, str | None]:
    """``female``/``male`` (or ``f``/``m``), an empty value for unknown, else an error."""
    if raw is None or raw.strip() == "":
        return None, None
    value = SEXES.get(raw.strip().lower())
    if value is None:
        return None, f"sex: {raw.strip()!r} is not one of female, male (or leave it empty)"
    return value, None


def _header_problem(instrument: Instrument, header: list[str], path: Path) -> str | None:
    names = [h.strip() for h in header]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        return f"{path}: the header repeats column(s) {', '.join(duplicates)}"
    expected = f"{instrument.item_ids[0]}…{instrument.item_ids[-1]}"
    lowered = [n.lower() for n in names]
    if "id" not in lowered:
        return (
            f"{path}: the header has no 'id' column (expected: id, {expected}; "
            f"found: {', '.join(names) or 'nothing'})"
        )
    missing = [i for i in instrument.item_ids if i not in names]
    if missing:
        unknown = [n for n in names if n.lower() not in {"id", "sex"} and n not in missing]
        unknown = [n for n in unknown if n not in instrument.item_ids]
        hint = f"; unrecognised column(s): {', '.join(unknown)}" if unknown else ""
        return (
            f"{path}: missing column(s) {', '.join(missing)} for {instrument.abbreviation} "
            f"(it needs id, {expected}; leave a cell empty for an unanswered item){hint}"
        )
    return None


def read_csv(instrument: Instrument, path: Path) -> list[InputRow]:
    """Every data row of a CSV file, with its problems recorded row by row."""
    records: list[tuple[int, list[str]]] = []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        line = 1
        try:
            for record in reader:
                if any(cell.strip() for cell in record):
                    records.append((line, record))
                line = reader.line_num + 1
        except (csv.Error, UnicodeDecodeError) as exc:
            raise InputFileError(
                f"{path}: not a readable CSV file near line {line} ({exc})"
            ) from None
    if not records:
        raise InputFileError(f"{path}: the file is empty (expected a header row: id, q1, …)")
    header = records[0][1]
    problem = _header_problem(instrument, header, path)
    if problem:
        raise InputFileError(problem)
    names = [h.strip() for h in header]
    lowered = [n.lower() for n in names]
    id_col = lowered.index("id")
    sex_col = lowered.index("sex") if "sex" in lowered else None
    item_cols = [
        (item, names.index(item.link_id), {str(c): c for c in item.codes})
        for item in instrument.items
    ]
    item_names = {item.link_id for item in instrument.items}
    unknown_cols = [
        (i, n) for i, n in enumerate(names) if i != id_col and i != sex_col and n not in item_names
    ]
    rows = []
    for number, record in records[1:]:
        rows.append(
            _read_record(
                instrument, record, number, len(names), id_col, sex_col, item_cols, unknown_cols
            )
        )
    return rows


def _read_record(
    instrument: Instrument,
    record: list[str],
    line: int,
    width: int,
    id_col: int,
    sex_col: int | None,
    item_cols: list[tuple[Item, int, dict[str, int]]],
    unknown_cols: list[tuple[int, str]],
) -> InputRow:
    errors: list[str] = []
    if len(record) != width:
        errors.append(f"line {line}: {len(record)} cells, but the header has {width}")
    cells = record + [""] * (width - len(record))
    row_id = cells[id_col].strip()
    if not row_id:
        errors.append(f"line {line}: the id cell is empty")
        row_id = f"line {line}"
    answers: dict[str, int | None] = {}
    for item, col, exact in item_cols:
        cell = cells[col]
        code = exact.get(cell)  # the common case: a plain, valid code
        if code is None:
            code, error = parse_code(instrument, item, cell)
            if error:
                errors.append(error)
        answers[item.link_id] = code
    for col, name in unknown_cols:
        if cells[col].strip():
            errors.append(
                f"unknown column {name!r}: {instrument.abbreviation} has items "
                f"{instrument.item_ids[0]}–{instrument.item_ids[-1]}"
            )
    sex = None
    if sex_col is not None:
        sex, error = parse_sex(cells[sex_col])
        if error:
            errors.append(error)
    return InputRow(id=row_id, answers=answers, sex=sex, errors=errors)
