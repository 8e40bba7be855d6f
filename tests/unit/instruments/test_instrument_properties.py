"""Hypothesis properties of scoring, for every shipped instrument.

The vectorised path must give exactly what the single-response path gives (totals,
bands, subscales, flags, findings, missing/imputed/skipped counts), including the
missing-item rules, the AUDIT skip and zone rules, AUDIT-C by sex, PCL-5, IGDS9-SF and
BWAS. Totals stay in range, reverse keying is an involution, and raising one answer
never moves a score against that item's keying.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attune.domain.instruments import (
    Instrument,
    Method,
    MissingRule,
    Score,
    ScoringContext,
    list_instruments,
    reverse_code,
    score,
)
from attune.domain.instruments.batch import MISSING, BatchResult, score_table

INSTRUMENTS = list_instruments()
IDS = [i.id for i in INSTRUMENTS]
SEXES = st.sampled_from(["female", "male", None, "other"])


def answers_for(instrument: Instrument, missing: bool = True) -> st.SearchStrategy[dict]:
    def one(item_codes: tuple[int, ...]) -> st.SearchStrategy[int | None]:
        choice = st.sampled_from(item_codes)
        return st.one_of(choice, st.none()) if missing else choice

    return st.fixed_dictionaries({i.link_id: one(i.codes) for i in instrument.items})


def _float(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def assert_row_matches(result: Score, table: BatchResult, row: int) -> None:
    assert _float(table.totals[row]) == result.total
    assert int(table.bands[row]) == (-1 if result.band_index is None else result.band_index)
    for key, value in result.subscales.items():
        assert _float(table.subscales[key][row]) == value, key
    assert {f for f, hit in table.flags.items() if hit[row]} == set(result.flags)
    assert [c for c, hit in table.findings.items() if hit[row]] == [f.code for f in result.findings]
    assert int(table.missing[row]) == len(result.missing)
    assert int(table.imputed[row]) == len(result.imputed)
    assert int(table.skipped[row]) == len(result.skipped)
    assert bool(table.scored[row]) is result.scored


@pytest.mark.parametrize("instrument", INSTRUMENTS, ids=IDS)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_batch_equals_single_response_path(instrument: Instrument, data: st.DataObject) -> None:
    rows = data.draw(st.lists(answers_for(instrument), min_size=1, max_size=12))
    sexes = data.draw(st.lists(SEXES, min_size=len(rows), max_size=len(rows)))
    codes = np.array(
        [[MISSING if r[i] is None else r[i] for i in instrument.item_ids] for r in rows]
    )
    table = score_table(instrument, codes, sex=sexes)
    for n, (answers, sex) in enumerate(zip(rows, sexes, strict=True)):
        assert_row_matches(score(instrument, answers, context=ScoringContext(sex)), table, n)


@pytest.mark.parametrize("instrument", INSTRUMENTS, ids=IDS)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_masked_arrays_score_like_the_sentinel(instrument: Instrument, data: st.DataObject) -> None:
    rows = data.draw(st.lists(answers_for(instrument), min_size=1, max_size=6))
    codes = np.array([[r[i] if r[i] is not None else 0 for i in instrument.item_ids] for r in rows])
    mask = np.array([[r[i] is None for i in instrument.item_ids] for r in rows])
    masked = score_table(instrument, np.ma.MaskedArray(codes, mask=mask))
    plain = score_table(instrument, np.where(mask, MISSING, codes))
    assert np.array_equal(masked.totals, plain.totals, equal_nan=True)
    assert np.array_equal(masked.bands, plain.bands)


@pytest.mark.parametrize("instrument", INSTRUMENTS, ids=IDS)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_complete_responses_score_within_range(instrument: Instrument, data: st.DataObject) -> None:
    answers = data.draw(answers_for(instrument, missing=False))
    result = score(instrument, answers)
    assert result.scored and not result.missing and not result.imputed
    if instrument.has_total:
        low, high = instrument.total_range
        assert result.total is not None and low <= result.total <= high
    else:
        assert result.total is None
    for sub in instrument.subscales:
        low, high = instrument.range_of(sub.items, sub.method)
        value = result.subscales[sub.key]
        assert value is not None and low <= value <= high


@pytest.mark.parametrize("instrument", INSTRUMENTS, ids=IDS)
def test_reversing_twice_is_identity(instrument: Instrument) -> None:
    for item in instrument.items:
        for code in item.codes:
            once = reverse_code(item.low, item.high, code)
            assert reverse_code(item.low, item.high, once) == code
            assert item.weight(code) == (once if item.reverse else code)


def _keyed_scores(instrument: Instrument, result: Score, link_id: str) -> list[float]:
    values = [result.total] if instrument.has_total else []
    values += [result.subscales[s.key] for s in instrument.subscales if link_id in s.items]
    return [v for v in values if v is not None]


@pytest.mark.parametrize("instrument", INSTRUMENTS, ids=IDS)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_raising_one_answer_follows_the_keying(instrument: Instrument, data: st.DataObject) -> None:
    answers = data.draw(answers_for(instrument, missing=False))
    item = data.draw(st.sampled_from(instrument.items))
    higher = [c for c in item.codes if c > answers[item.link_id]]
    if not higher:
        return
    raised = {**answers, item.link_id: data.draw(st.sampled_from(higher))}
    before = _keyed_scores(instrument, score(instrument, answers), item.link_id)
    after = _keyed_scores(instrument, score(instrument, raised), item.link_id)
    assert before and len(before) == len(after)
    for b, a in zip(before, after, strict=True):
        assert (a <= b) if item.reverse else (a >= b)


@pytest.mark.parametrize("instrument", INSTRUMENTS, ids=IDS)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_missing_answers_follow_the_published_rule(
    instrument: Instrument, data: st.DataObject
) -> None:
    answers = data.draw(answers_for(instrument))
    result = score(instrument, answers)
    unanswered = [i for i in instrument.item_ids if answers[i] is None]
    not_filled = [i for i in unanswered if i not in result.skipped]
    assert set(result.skipped) <= set(unanswered)
    if instrument.missing_rule is MissingRule.MEAN_SUBSTITUTION and 0 < len(not_filled) <= (
        instrument.max_missing
    ):
        assert result.scored and list(result.imputed) == not_filled
    elif not_filled:
        assert not result.scored and list(result.missing) == not_filled
        assert result.band is None and not result.findings
    else:
        assert result.scored


@settings(max_examples=100, deadline=None)
@given(answers=answers_for(next(i for i in INSTRUMENTS if i.id == "phq9")))
def test_phq9_item_9_flag_whatever_else_is_missing(answers: dict) -> None:
    phq9 = next(i for i in INSTRUMENTS if i.id == "phq9")
    flagged = "suicidal_ideation" in score(phq9, answers).flags
    assert flagged is (answers["q9"] is not None and answers["q9"] > 0)


def test_mean_scored_instruments_are_means() -> None:
    for instrument in INSTRUMENTS:
        if instrument.method is Method.MEAN and instrument.has_total:
            low, high = instrument.total_range
            assert high <= max(o.weight for i in instrument.items for o in i.options)
            assert low >= min(o.weight for i in instrument.items for o in i.options)
