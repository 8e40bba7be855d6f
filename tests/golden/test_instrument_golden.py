"""Worked examples for every shipped instrument, checked on both scoring paths.

Each file in tests/golden/instruments/ holds hand-worked cases (min, max, each side of
each band boundary, reverse keying, missing-item and skip rules, bad input). A case's
``answers`` is a list in item order (null = unanswered) or a mapping by linkId.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from attune.domain import errors
from attune.domain.instruments import (
    Instrument,
    ScoringContext,
    get_instrument,
    list_instruments,
    score,
)
from attune.domain.instruments.batch import codes_from_answers, score_table

GOLDEN = Path(__file__).parent / "instruments"
FILES = sorted(GOLDEN.glob("*.json"))


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


CASES = [
    pytest.param(data["instrument"], case, id=f"{data['instrument']}: {case['name']}")
    for data in map(_load, FILES)
    for case in data["cases"]
]


def _answers(instrument: Instrument, raw: list[int | None] | dict[str, Any]) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    assert len(raw) == len(instrument.items), "a list of answers must cover every item"
    return dict(zip(instrument.item_ids, raw, strict=True))


def _same(actual: float | None, expected: float | None) -> bool:
    if expected is None or actual is None:
        return actual is expected
    return math.isclose(actual, expected, rel_tol=0, abs_tol=1e-9)


def test_every_shipped_instrument_has_worked_examples() -> None:
    covered = {_load(p)["instrument"] for p in FILES}
    assert covered == {i.id for i in list_instruments()}
    for path in FILES:
        names = " ".join(c["name"] for c in _load(path)["cases"])
        assert "minimum" in names or "every answer" in names, path.name
        assert "maximum" in names or "every answer" in names, path.name
        assert "missing" in names, path.name


@pytest.mark.parametrize(("instrument_id", "case"), CASES)
def test_golden_case(instrument_id: str, case: dict[str, Any]) -> None:
    instrument = get_instrument(instrument_id)
    answers = _answers(instrument, case["answers"])
    context = ScoringContext(sex=case.get("sex"))
    if "error" in case:
        with pytest.raises(getattr(errors, case["error"])) as raised:
            score(instrument, answers, context=context)
        assert raised.value.field in answers
        return

    result = score(instrument, answers, context=context)
    expect = case["expect"]
    if "total" in expect:
        assert _same(result.total, expect["total"]), (result.total, expect["total"])
    if "band" in expect:
        assert result.band == expect["band"]
    for key, value in expect.get("subscales", {}).items():
        assert _same(result.subscales[key], value), (key, result.subscales[key], value)
    for key in ("flags", "missing", "imputed", "skipped"):
        if key in expect:
            assert list(getattr(result, key)) == expect[key], key
    if "findings" in expect:
        assert sorted(f.code for f in result.findings) == sorted(expect["findings"])
    assert result.scored is expect.get("scored", True)

    table = score_table(
        instrument, codes_from_answers(instrument, [answers]), sex=[case.get("sex")]
    )
    total = None if np.isnan(table.totals[0]) else float(table.totals[0])
    assert total == result.total
    assert sorted(c for c, hit in table.findings.items() if hit[0]) == sorted(
        f.code for f in result.findings
    )
    assert int(table.bands[0]) == (-1 if result.band_index is None else result.band_index)
