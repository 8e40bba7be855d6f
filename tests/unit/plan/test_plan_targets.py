"""Checking a target against a series of scores: met, not yet, no data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from attune.domain.instruments import get_instrument, score
from attune.domain.instruments.model import Score
from attune.domain.plan import (
    Comparison,
    Measurement,
    Target,
    TargetStatus,
    check_target,
    measurements,
)

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
BY = date(2026, 6, 1)
PHQ9_BELOW_10 = Target("phq9", Comparison.BELOW, 10, BY)


def series(*values: float) -> list[Measurement]:
    return [Measurement(T0 + timedelta(weeks=2 * i), v) for i, v in enumerate(values)]


def test_no_data() -> None:
    check = check_target(PHQ9_BELOW_10, [], date(2026, 4, 1))
    assert check.status is TargetStatus.NO_DATA and check.latest is None and not check.overdue
    late = check_target(PHQ9_BELOW_10, [], date(2026, 6, 2))
    assert late.overdue and late.text == "No scores yet. The target date has passed."


def test_the_latest_score_decides() -> None:
    check = check_target(PHQ9_BELOW_10, series(18, 12, 9), date(2026, 4, 1))
    assert check.status is TargetStatus.MET
    assert check.latest == Measurement(T0 + timedelta(weeks=4), 9)
    assert check.met_since == T0 + timedelta(weeks=4)
    assert check.text == "Met."
    relapse = check_target(PHQ9_BELOW_10, series(8, 12), date(2026, 4, 1))
    assert relapse.status is TargetStatus.NOT_YET and relapse.text == "Not yet met."


def test_order_of_the_series_does_not_matter_and_met_since_spans_the_latest_run() -> None:
    points = series(14, 8, 12, 9, 7)
    check = check_target(PHQ9_BELOW_10, list(reversed(points)), date(2026, 4, 1))
    assert check.status is TargetStatus.MET
    assert check.met_since == points[3].when


def test_the_comparisons() -> None:
    def status(comparison: Comparison, value: float) -> TargetStatus:
        target = Target("phq9", comparison, 10, BY)
        return check_target(target, series(value), date(2026, 4, 1)).status

    assert status(Comparison.BELOW, 10) is TargetStatus.NOT_YET
    assert status(Comparison.AT_OR_BELOW, 10) is TargetStatus.MET
    assert status(Comparison.ABOVE, 10) is TargetStatus.NOT_YET
    assert status(Comparison.AT_OR_ABOVE, 10) is TargetStatus.MET
    assert status(Comparison.ABOVE, 10.5) is TargetStatus.MET


def test_overdue_only_when_not_met_after_the_date() -> None:
    assert check_target(PHQ9_BELOW_10, series(12), date(2026, 6, 2)).overdue
    assert not check_target(PHQ9_BELOW_10, series(12), BY).overdue
    assert not check_target(PHQ9_BELOW_10, series(5), date(2026, 6, 2)).overdue


def _phq9(total: int) -> Score:
    instrument = get_instrument("phq9")
    codes = [3] * (total // 3) + [total % 3] + [0] * 9
    return score(instrument, dict(zip(instrument.item_ids, codes[:9], strict=True)))


def test_measurements_take_the_total_or_a_subscale_and_skip_unscored_responses() -> None:
    unscored = score(get_instrument("phq9"), {"q1": 1})
    scored = [(T0 + timedelta(days=14), _phq9(12)), (T0, _phq9(15)), (T0, unscored)]
    scored.append((T0, Score("gad7", 5.0)))
    assert measurements(PHQ9_BELOW_10, scored) == [
        Measurement(T0, 15.0),
        Measurement(T0 + timedelta(days=14), 12.0),
    ]
    ecrr = Score("ecrr", None, subscales={"anxiety": 5.5, "avoidance": 2.0})
    anxiety = Target("ecrr", Comparison.BELOW, 4.5, BY, subscale="anxiety")
    assert measurements(anxiety, [(T0, ecrr)]) == [Measurement(T0, 5.5)]


values = st.floats(min_value=0, max_value=27, allow_nan=False)
higher_is_better = st.sampled_from([Comparison.ABOVE, Comparison.AT_OR_ABOVE])


@settings(deadline=None)  # never a timing assertion, even on a busy machine
@given(st.lists(values, max_size=6), values, values, values, st.sampled_from(list(Comparison)))
def test_a_better_latest_score_never_unmeets_a_target(
    history: list[float], latest: float, other: float, goal: float, comparison: Comparison
) -> None:
    """Moving the latest score the right way (down for "below", up for "above") never turns
    a met target into an unmet one."""
    better = min(other, latest) if comparison.lower_is_better else max(other, latest)
    target = Target("phq9", comparison, goal, BY)
    today = date(2026, 4, 1)
    if check_target(target, series(*history, latest), today).status is TargetStatus.MET:
        assert check_target(target, series(*history, better), today).status is TargetStatus.MET


@settings(deadline=None)
@given(st.lists(values, min_size=1, max_size=6), values, values, higher_is_better)
def test_an_easier_target_is_met_whenever_a_harder_one_is(
    history: list[float], a: float, b: float, comparison: Comparison
) -> None:
    easier, harder = min(a, b), max(a, b)  # for "above", a lower bar is easier
    met_harder = check_target(Target("phq9", comparison, harder, BY), series(*history), BY)
    met_easier = check_target(Target("phq9", comparison, easier, BY), series(*history), BY)
    if met_harder.status is TargetStatus.MET:
        assert met_easier.status is TargetStatus.MET
