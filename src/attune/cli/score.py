"""``attune score``: score a file of responses to one instrument.

Rows with problems are reported in their own ``errors`` and never stop the other rows.
Files of BATCH_FROM rows or more are scored with the vectorised batch path; rows it does
not take (those with errors or unanswered items) are scored one at a time. The results
are the same either way.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from attune.cli.score_input import InputRow, parse_sex, read_csv
from attune.cli.state import INSTRUMENT_DIR_OPTION, clinic_library
from attune.domain.errors import ValidationError
from attune.domain.instruments import Instrument, Score, ScoringContext, score

#: Files with more rows than this show a progress bar on stderr.
PROGRESS_FROM = 2000
#: Files with at least this many rows go through the vectorised batch path.
BATCH_FROM = 200


class Sex(StrEnum):
    female = "female"
    male = "male"


@dataclass
class RowResult:
    """One output row."""

    id: str
    total: float | None = None
    band: str | None = None
    subscales: dict[str, float | None] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    imputed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def bad(self) -> bool:
        scored = self.total is not None or any(v is not None for v in self.subscales.values())
        return bool(self.errors) or not scored


def from_score(row_id: str, instrument: Instrument, result: Score) -> RowResult:
    return RowResult(
        id=row_id,
        total=result.total,
        band=result.band,
        subscales={s.key: result.subscales.get(s.key) for s in instrument.subscales},
        flags=list(result.flags),
        missing=list(result.missing),
        imputed=list(result.imputed),
        skipped=list(result.skipped),
        findings=[f.code for f in result.findings],
    )


def _flags_despite_errors(
    instrument: Instrument, row: InputRow, default_sex: str | None
) -> list[str]:
    """Critical answers still raise their flags on a row whose other cells are bad."""
    try:
        partial = score(instrument, row.answers, context=ScoringContext(sex=row.sex or default_sex))
    except ValidationError:
        return []
    return list(partial.flags)


def score_row(instrument: Instrument, row: InputRow, default_sex: str | None) -> RowResult:
    """Score one row. A row with errors gets no total, but keeps any critical flag."""
    if row.errors:
        return RowResult(
            id=row.id,
            subscales={s.key: None for s in instrument.subscales},
            flags=_flags_despite_errors(instrument, row, default_sex),
            errors=list(row.errors),
        )
    context = ScoringContext(sex=row.sex or default_sex)
    try:
        result = score(instrument, row.answers, context=context)
    except ValidationError as exc:
        return RowResult(
            id=row.id, subscales={s.key: None for s in instrument.subscales}, errors=[exc.message]
        )
    return from_score(row.id, instrument, result)


Scorer = Callable[
    [Instrument, Sequence[InputRow], str | None, Callable[[int], None]], list[RowResult]
]


def score_rows_one_by_one(
    instrument: Instrument,
    rows: Sequence[InputRow],
    default_sex: str | None,
    advance: Callable[[int], None],
) -> list[RowResult]:
    results = []
    for row in rows:
        results.append(score_row(instrument, row, default_sex))
        advance(1)
    return results


def _progress(rows: int) -> Progress:
    return Progress(
        TextColumn("scoring"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(file=sys.stderr),
        disable=rows < PROGRESS_FROM,
        transient=True,
    )


def score_rows(
    instrument: Instrument, rows: Sequence[InputRow], default_sex: str | None
) -> list[RowResult]:
    """Score every row, with a progress bar on stderr for large files."""
    from attune.cli.score_batch import score_rows_batched

    scorer: Scorer = score_rows_batched if len(rows) >= BATCH_FROM else score_rows_one_by_one
    with _progress(len(rows)) as progress:
        task = progress.add_task("scoring", total=len(rows))

        def advance(n: int) -> None:
            progress.advance(task, n)

        return scorer(instrument, rows, default_sex, advance)


def _number(value: float | None) -> str:
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{round(value, 4):g}"


def _json_number(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


LIST_COLUMNS = ("flags", "missing", "imputed", "skipped", "findings")


def to_csv(instrument: Instrument, results: Sequence[RowResult]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    subscale_keys = [s.key for s in instrument.subscales]
    writer.writerow(
        [
            "id",
            "total",
            "band",
            *subscale_keys,
            "flags",
            "missing",
            "imputed",
            "skipped",
            "findings",
            "errors",
        ]
    )
    for r in results:
        writer.writerow(
            [
                r.id,
                _number(r.total),
                r.band or "",
                *(_number(r.subscales.get(k)) for k in subscale_keys),
                ";".join(r.flags),
                ";".join(r.missing),
                ";".join(r.imputed),
                ";".join(r.skipped),
                ";".join(r.findings),
                "; ".join(r.errors),
            ]
        )
    return buffer.getvalue()


def to_json(results: Sequence[RowResult]) -> str:
    data = [
        {
            "id": r.id,
            "total": _json_number(r.total),
            "band": r.band,
            "subscales": {k: _json_number(v) for k, v in r.subscales.items()},
            "flags": r.flags,
            "missing": r.missing,
            "imputed": r.imputed,
            "skipped": r.skipped,
            "findings": r.findings,
            "errors": r.errors,
        }
        for r in results
    ]
    return json.dumps(data, indent=2, ensure_ascii=False)


def read_rows(instrument: Instrument, path: Path) -> list[InputRow]:
    from attune.cli.score_fhir import looks_like_json, read_fhir

    if looks_like_json(path):
        return read_fhir(instrument, path)
    return read_csv(instrument, path)


def score_command(
    instrument_id: str = typer.Argument(..., metavar="ID", help="Instrument id, e.g. phq9."),
    file: Path = typer.Argument(
        ...,
        metavar="FILE",
        help=(
            "A CSV file (a header row id, q1…qN, optionally sex; then one row per "
            "response), or FHIR R4 QuestionnaireResponses: a JSON file (one resource, a "
            "list or a Bundle) or NDJSON (one per line)."
        ),
    ),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list instead of CSV."),
    strict: bool = typer.Option(
        False, "--strict", help="Exit with status 1 if any row has errors or cannot be scored."
    ),
    sex: Sex | None = typer.Option(
        None,
        "--sex",
        case_sensitive=False,
        help="Sex for manuals that score by it (AUDIT-C), for rows without a sex column value.",
    ),
    instrument_dir: Path | None = INSTRUMENT_DIR_OPTION,
) -> None:
    """Score a file of responses to one instrument.

    Prints one result per response in FILE, as CSV (id, total, band, one column per
    subscale, flags, missing, imputed, skipped, findings, errors) or, with --json, as a list of
    objects. Cells hold the published response codes (PHQ-9 0–3, ECR-R 1–7, AUDIT items 9–10
    0/2/4, yes/no items 1 = yes and 0 = no, before any reverse-keying); an empty cell is an
    unanswered item. A row with a bad value is reported in its errors column and the other
    rows are still scored. Progress goes to stderr, so stdout can be piped.
    """
    instrument = clinic_library(instrument_dir).get(instrument_id)
    if not file.is_file():
        raise typer.BadParameter(f"{file} is not a file", param_hint="FILE")
    default_sex, _ = parse_sex(sex.value if sex else None)
    rows = read_rows(instrument, file)
    results = score_rows(instrument, rows, default_sex)
    typer.echo(to_json(results) if as_json else to_csv(instrument, results), nl=as_json)
    bad = sum(1 for r in results if r.bad)
    if strict and bad:
        typer.echo(f"{bad} of {len(results)} row(s) have errors or could not be scored", err=True)
        raise typer.Exit(1)
