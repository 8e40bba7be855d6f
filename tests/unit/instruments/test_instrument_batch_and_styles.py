"""Batch input errors and the four-style description aid."""

from __future__ import annotations

import numpy as np
import pytest

from attune.domain.errors import InvalidAnswer, UnknownItem, ValidationError
from attune.domain.instruments import get_instrument
from attune.domain.instruments.batch import MISSING, codes_from_answers, score_table
from attune.domain.instruments.styles import Region, Side, describe_quadrant


def test_bad_code_names_row_item_and_allowed_values() -> None:
    codes = np.zeros((3, 9), dtype=np.int64)
    codes[2, 4] = 7
    with pytest.raises(InvalidAnswer, match=r"row 2 item q5: 7 .*allowed: 0 \(Not at all\)"):
        score_table(get_instrument("phq9"), codes)


def test_bad_code_on_a_lookup_table_instrument() -> None:
    codes = np.full((2, 10), 0)
    codes[1, 8] = 3
    with pytest.raises(InvalidAnswer, match=r"row 1 item q9: 3 .*allowed: 0 \(No\), 2"):
        score_table(get_instrument("audit"), codes)


def test_table_shape_and_type_are_checked() -> None:
    with pytest.raises(ValidationError, match="9 columns"):
        score_table(get_instrument("phq9"), np.zeros((2, 8), dtype=int))
    with pytest.raises(ValidationError, match="whole numbers"):
        score_table(get_instrument("phq9"), np.zeros((2, 9), dtype=float))
    with pytest.raises(ValidationError, match="sex"):
        score_table(get_instrument("auditc"), np.zeros((2, 3), dtype=int), sex=["male"])


def test_codes_from_answers_refuses_unknown_items() -> None:
    with pytest.raises(UnknownItem):
        codes_from_answers(get_instrument("gad7"), [{"q8": 1}])


def test_empty_table() -> None:
    result = score_table(get_instrument("pcl5"), np.zeros((0, 20), dtype=np.int8))
    assert len(result) == 0 and result.findings["dsm5_rule_met"].shape == (0,)


def test_small_integer_tables_are_accepted() -> None:
    codes = np.array([[3] * 9, [MISSING] * 9], dtype=np.int8)
    result = score_table(get_instrument("phq9"), codes)
    assert result.totals[0] == 27 and np.isnan(result.totals[1])
    assert result.missing.tolist() == [0, 9]


@pytest.mark.parametrize(
    ("anxiety", "avoidance", "region"),
    [
        (2.0, 2.0, Region.SECURE),
        (5.5, 1.5, Region.PREOCCUPIED),
        (1.5, 5.5, Region.DISMISSING),
        (6.0, 6.0, Region.FEARFUL),
        (4.0, 6.0, None),
    ],
)
def test_quadrant_is_described_relative_to_the_midpoint(
    anxiety: float, avoidance: float, region: Region | None
) -> None:
    described = describe_quadrant(anxiety, avoidance)
    assert described.region is region
    assert "midpoint" in described.text and "not a validated cut-off" in described.basis
    assert "Fraley" in described.basis


def test_quadrant_sides_and_range() -> None:
    described = describe_quadrant(4.0, 3.9)
    assert (described.anxiety_side, described.avoidance_side) == (Side.AT, Side.BELOW)
    for bad in (0.5, 7.5, float("nan")):
        with pytest.raises(ValidationError):
            describe_quadrant(bad, 4.0)
