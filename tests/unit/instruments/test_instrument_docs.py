"""docs/instruments.md keeps up with the shipped definitions."""

from __future__ import annotations

from pathlib import Path

import pytest

from attune.domain.instruments import Instrument, list_instruments

DOC = (Path(__file__).parents[3] / "docs" / "instruments.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("instrument", list_instruments(), ids=lambda i: i.id)
def test_each_instrument_is_documented(instrument: Instrument) -> None:
    assert f"### {instrument.abbreviation} (`{instrument.id}`)" in DOC
    for code in (instrument.loinc_panel, instrument.loinc_total):
        if code:
            assert code in DOC
    if instrument.rule:
        assert instrument.rule in DOC or instrument.id in DOC
