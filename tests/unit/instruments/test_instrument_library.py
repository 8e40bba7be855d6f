"""The shipped definitions and the strict definition parser."""

from __future__ import annotations

import copy
import json
from importlib import resources
from typing import Any

import pytest

from attune.domain.errors import InvalidDefinition, UnknownInstrument
from attune.domain.instruments import (
    Evidence,
    InstrumentLibrary,
    builtin_library,
    get_instrument,
    list_instruments,
    parse_definition,
)

SHIPPED = {
    "phq9", "gad7", "audit", "auditc", "dast10", "pcl5", "ace", "ecrr", "ecrrs",
    "ders16", "pgsi", "igds9sf", "bsmas", "bwas", "pacs", "scssf", "brs",
}  # fmt: skip
WORDING_SHIPS = {"phq9", "gad7", "pcl5", "ace", "auditc", "scssf"}
ITEM_COUNTS = {"ecrr": 36, "ecrrs": 9, "pcl5": 20, "ders16": 16, "audit": 10, "bwas": 7}
CONFIRMED_CODES = {
    "phq9": ("44249-1", "44261-6"),
    "gad7": ("69737-5", "70274-6"),
    "auditc": ("72109-2", "75626-2"),
}


def _raw(instrument_id: str) -> dict[str, Any]:
    folder = resources.files("attune.domain.instruments") / "definitions"
    data: dict[str, Any] = json.loads((folder / f"{instrument_id}.json").read_text("utf-8"))
    return data


def test_every_required_instrument_ships() -> None:
    assert {i.id for i in list_instruments()} == SHIPPED
    for instrument_id, count in ITEM_COUNTS.items():
        assert len(get_instrument(instrument_id).items) == count


@pytest.mark.parametrize("instrument", list_instruments(), ids=lambda i: i.id)
def test_link_ids_follow_published_order(instrument: Any) -> None:
    assert instrument.item_ids == tuple(f"q{n}" for n in range(1, len(instrument.items) + 1))
    assert [i.number for i in instrument.items] == list(range(1, len(instrument.items) + 1))


@pytest.mark.parametrize("instrument", list_instruments(), ids=lambda i: i.id)
def test_wording_ships_only_where_the_terms_allow(instrument: Any) -> None:
    ships = instrument.id in WORDING_SHIPS
    assert instrument.licence.wording_ships is ships
    assert instrument.licence.reasoning
    for item in instrument.items:
        if ships:
            assert item.text
        else:
            assert item.text is None and item.topic, item.link_id
    if not ships:
        assert instrument.instructions == ""


@pytest.mark.parametrize("instrument", list_instruments(), ids=lambda i: i.id)
def test_every_definition_records_its_sources(instrument: Any) -> None:
    assert instrument.source.citation
    assert instrument.facts
    assert instrument.missing_source
    assert (instrument.loinc_panel, instrument.loinc_total) == CONFIRMED_CODES.get(
        instrument.id, (None, None)
    )
    assert {f.evidence for f in instrument.facts} <= set(Evidence)


def test_reverse_keys_match_the_manuals() -> None:
    def reversed_items(instrument_id: str) -> set[int]:
        return {i.number for i in get_instrument(instrument_id).items if i.reverse}

    assert reversed_items("ecrr") == {9, 11, 20, 22, 26, 27, 28, 29, 30, 31, 33, 34, 35, 36}
    assert reversed_items("ecrrs") == {1, 2, 3, 4}
    assert reversed_items("dast10") == {3}
    assert reversed_items("scssf") == {1, 4, 8, 9, 11, 12}
    assert reversed_items("brs") == {2, 4, 6}
    ecrr = get_instrument("ecrr").item("q9")
    assert [ecrr.weight(c) for c in range(1, 8)] == [7, 6, 5, 4, 3, 2, 1]


def test_audit_items_9_and_10_are_coded_0_2_4() -> None:
    audit = get_instrument("audit")
    assert audit.item("q9").codes == (0, 2, 4)
    assert audit.item("q10").codes == (0, 2, 4)
    assert audit.total_range == (0.0, 40.0)


def test_critical_item_is_phq9_item_9() -> None:
    (critical,) = get_instrument("phq9").critical
    assert (critical.link_id, critical.minimum, critical.flag) == ("q9", 1, "suicidal_ideation")


def test_unknown_instrument_names_the_known_ones() -> None:
    with pytest.raises(UnknownInstrument, match="phq9"):
        get_instrument("phq99")


def test_library_adds_and_replaces_instruments() -> None:
    base = builtin_library()
    extra = parse_definition({**_raw("gad7"), "id": "gad7b"})
    library = base.with_instruments([extra])
    assert "gad7b" in library and "gad7b" not in base
    assert library.get("gad7b").title == get_instrument("gad7").title
    assert [i.id for i in library][:2] == ["ace", "audit"]
    assert isinstance(library, InstrumentLibrary)


BROKEN = [
    ("no items", lambda d: d.pop("items"), "items"),
    ("unknown scale", lambda d: d["items"][0].update(scale="nope"), "scale"),
    ("duplicate linkId", lambda d: d["items"][1].update(linkId="q1"), "unique"),
    ("text code", lambda d: d["scales"]["freq4"][0].update(code="0"), "whole number"),
    ("bad method", lambda d: d["scoring"].update(method="median"), "method"),
    ("bad missing rule", lambda d: d["scoring"]["missing"].update(rule="guess"), "missing rule"),
    ("critical not an item", lambda d: d["scoring"]["critical"][0].update(linkId="q99"), "q99"),
    ("unknown rule", lambda d: d["scoring"].update(rule="astrology"), "rule"),
    ("band without min", lambda d: d["scoring"]["bands"][0].pop("min"), "min"),
    ("bad fact status", lambda d: d["facts"][0].update(status="X"), "V, S or R"),
    ("reverse not bool", lambda d: d["items"][0].update(reverse="yes"), "reverse"),
    ("no licence", lambda d: d.pop("licence"), "name"),
]


@pytest.mark.parametrize(("name", "breaks", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_malformed_definitions_are_refused_clearly(name: str, breaks: Any, message: str) -> None:
    data = copy.deepcopy(_raw("phq9"))
    breaks(data)
    with pytest.raises(InvalidDefinition, match=message):
        parse_definition(data)


def test_rule_needs_its_items() -> None:
    data = copy.deepcopy(_raw("audit"))
    data["items"] = data["items"][:5]
    data["scoring"].pop("skip")
    data["scoring"].pop("subscales")
    with pytest.raises(InvalidDefinition, match="rule"):
        parse_definition(data)


def test_instrument_without_total_needs_subscales() -> None:
    data = copy.deepcopy(_raw("ecrrs"))
    data["scoring"]["subscales"] = []
    with pytest.raises(InvalidDefinition, match="subscales"):
        parse_definition(data)
