"""``attune instruments``: the instrument library, its scoring rules and FHIR export."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from attune.cli.state import INSTRUMENT_DIR_OPTION, clinic_library
from attune.domain.instruments import (
    Band,
    Instrument,
    Item,
    Method,
    MissingRule,
    Option,
)

app = typer.Typer(
    help="The validated instruments: list them, show how one is scored, export one as FHIR.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def format_table(header: list[str], rows: list[list[str]]) -> str:
    """Plain aligned columns: readable in a terminal, easy to pipe into other tools."""
    widths = [max(len(r[c]) for r in [header, *rows]) for c in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


@app.command("list")
def list_command(instrument_dir: Path | None = INSTRUMENT_DIR_OPTION) -> None:
    """List every instrument Attune ships.

    Shows each one's id, name, number of items, licence, and whether its item wording
    ships with Attune (only where the licence allows it).
    """
    rows = [
        [
            instrument.id,
            f"{instrument.title} ({instrument.abbreviation})",
            str(len(instrument.items)),
            instrument.licence.name,
            _yes_no(instrument.licence.wording_ships),
        ]
        for instrument in clinic_library(instrument_dir).list()
    ]
    typer.echo(format_table(["id", "name", "items", "licence", "wording ships"], rows))


def _label(option: Option) -> str:
    return option.label if option.label is not None else "(wording not shipped)"


def _scale_text(item: Item) -> str:
    return "; ".join(f"{o.code} = {_label(o)}" for o in item.options)


def _keying(item: Item) -> str:
    """How answers become points: as coded, reverse-keyed, or an explicit weight table."""
    if all(o.weight == o.code for o in item.options):
        return ""
    if item.reverse:
        return "reverse-keyed (" + ", ".join(f"{o.code}→{o.weight}" for o in item.options) + ")"
    return "weights " + ", ".join(f"{o.code}→{o.weight}" for o in item.options)


def _item_line(item: Item) -> str:
    if item.text is not None:
        text = item.text
    elif item.topic is not None:
        text = f"[{item.topic}] (wording not shipped)"
    else:
        text = "(wording not shipped: see the source)"
    extras = [e for e in (_keying(item), f"LOINC {item.loinc}" if item.loinc else "") if e]
    suffix = f"  [{'; '.join(extras)}]" if extras else ""
    return f"  {item.link_id:>4}  {text}{suffix}"


def _bands_lines(bands: tuple[Band, ...], indent: str) -> list[str]:
    lines = []
    width = max((len(_number(b.minimum)) for b in bands), default=0)
    for band in bands:
        meaning = f": {band.meaning}" if band.meaning else ""
        lines.append(f"{indent}from {_number(band.minimum):<{width}}  {band.label}{meaning}")
    return lines


def _missing_text(instrument: Instrument) -> str:
    if instrument.missing_rule is MissingRule.MEAN_SUBSTITUTION:
        return (
            f"up to {instrument.max_missing} unanswered item(s) are replaced by the mean of "
            "the answered items; with more missing, the response is not scored"
        )
    return "every item must be answered; with any item missing, the response is not scored"


def _method_text(method: Method) -> str:
    return "sum of item weights" if method is Method.SUM else "mean of item weights"


def _items_lines(instrument: Instrument) -> list[str]:
    lines = ["", "Items"]
    scales: dict[tuple[tuple[int, str | None], ...], list[str]] = {}
    for item in instrument.items:
        key = tuple((o.code, o.label) for o in item.options)
        scales.setdefault(key, []).append(item.link_id)
    if len(scales) == 1:
        lines.append(f"  answers (every item): {_scale_text(instrument.items[0])}")
    else:
        for link_ids in scales.values():
            first = instrument.item(link_ids[0])
            lines.append(f"  answers ({', '.join(link_ids)}): {_scale_text(first)}")
    lines += [_item_line(item) for item in instrument.items]
    return lines


def _scoring_lines(instrument: Instrument) -> list[str]:
    lines = ["", "Scoring"]
    if instrument.has_total:
        low, high = instrument.total_range
        lines.append(
            f"  total: {_method_text(instrument.method)}, range {_number(low)}–{_number(high)}"
        )
    else:
        lines.append("  total: none (the manual defines subscales only)")
    for sub in instrument.subscales:
        low, high = instrument.range_of(sub.items, sub.method)
        lines.append(
            f"  subscale {sub.key} ({sub.name}): {_method_text(sub.method)} of "
            f"{', '.join(sub.items)}, range {_number(low)}–{_number(high)}"
        )
        lines += _bands_lines(sub.bands, "      ")
    if instrument.bands:
        lines.append("  bands (total):")
        lines += _bands_lines(instrument.bands, "    ")
        if instrument.bands_source:
            lines.append(f"    source: {instrument.bands_source}")
    else:
        lines.append("  bands: none (the manual publishes no cut-offs)")
    lines.append(f"  missing items: {_missing_text(instrument)}")
    if instrument.missing_source:
        lines.append(f"    source: {instrument.missing_source}")
    for skip in instrument.skip_rules:
        lines.append(
            f"  skip rule: when {' + '.join(skip.when)} = {skip.equals}, unanswered "
            f"{', '.join(skip.skip)} score {skip.weight}"
            + (f" ({skip.source})" if skip.source else "")
        )
    if instrument.critical:
        lines.append("  critical items:")
        for c in instrument.critical:
            lines.append(f"    {c.link_id} ≥ {c.minimum} raises '{c.flag}': {c.message}")
    else:
        lines.append("  critical items: none")
    if instrument.rule:
        lines.append(f"  extra rule from the manual: {instrument.rule}")
    return lines


def _provenance_lines(instrument: Instrument) -> list[str]:
    lines = ["", "Codes"]
    lines.append(f"  LOINC panel: {instrument.loinc_panel or 'none known'}")
    lines.append(f"  LOINC total: {instrument.loinc_total or 'none known'}")
    item_codes = [f"{i.link_id} {i.loinc}" for i in instrument.items if i.loinc]
    if item_codes:
        lines.append(f"  LOINC items: {', '.join(item_codes)}")

    lines += ["", "Source", f"  {instrument.source.citation}"]
    if instrument.source.url:
        lines.append(f"  {instrument.source.url}")
    if instrument.source.notes:
        lines.append(f"  {instrument.source.notes}")

    licence = instrument.licence
    lines += ["", f"Licence: {licence.name}", f"  {licence.terms}"]
    if licence.url:
        lines.append(f"  {licence.url}")
    lines.append(f"  item wording ships with Attune: {_yes_no(licence.wording_ships)}")
    if licence.reasoning:
        lines.append(f"  {licence.reasoning}")
    if instrument.wording_source:
        lines.append(f"  wording added by the clinic from: {instrument.wording_source}")

    if instrument.facts:
        lines += ["", "Sourced facts (V confirmed, S secondary source only, R unverified)"]
        for fact in instrument.facts:
            lines.append(f"  [{fact.evidence.value}] {fact.fact} ({fact.source})")
    if instrument.notes:
        lines += ["", "Notes"] + [f"  {note}" for note in instrument.notes]
    return lines


def describe(instrument: Instrument) -> str:
    """The full human-readable description ``attune instruments show`` prints."""
    lines = [f"{instrument.title} ({instrument.abbreviation})  id: {instrument.id}"]
    lines.append(f"version {instrument.version}; {len(instrument.items)} items")
    if instrument.description:
        lines.append(instrument.description)
    if instrument.instructions:
        lines += ["", f"Instructions: {instrument.instructions}"]
    lines += _items_lines(instrument)
    lines += _scoring_lines(instrument)
    lines += _provenance_lines(instrument)
    return "\n".join(lines)


@app.command("show")
def show_command(
    instrument_id: str = typer.Argument(..., metavar="ID", help="Instrument id, e.g. phq9."),
    instrument_dir: Path | None = INSTRUMENT_DIR_OPTION,
) -> None:
    """Show one instrument's items and how it is scored.

    Prints the items with their answers and keying, the scoring method, subscales, severity
    bands, missing-item rule, critical items, LOINC codes, the published source and the
    licence.
    """
    typer.echo(describe(clinic_library(instrument_dir).get(instrument_id)))


@app.command("export")
def export_command(
    instrument_id: str = typer.Argument(..., metavar="ID", help="Instrument id, e.g. phq9."),
    fhir: bool = typer.Option(
        False, "--fhir", help="Print the FHIR R4 Questionnaire as JSON (the only format so far)."
    ),
    instrument_dir: Path | None = INSTRUMENT_DIR_OPTION,
) -> None:
    """Print an instrument as a FHIR R4 Questionnaire.

    The Questionnaire carries the answer options with their scores (ordinalValue), the
    LOINC codes, the licence in its copyright element and, where the licence does not let
    the wording ship, short topic labels in place of the published item text.
    """
    from attune.fhir.questionnaire import to_questionnaire

    if not fhir:
        raise typer.BadParameter("say which format: --fhir", param_hint="format")
    instrument = clinic_library(instrument_dir).get(instrument_id)
    typer.echo(json.dumps(to_questionnaire(instrument), indent=2, ensure_ascii=False))
