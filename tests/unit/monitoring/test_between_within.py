"""Between-person and within-person associations, kept apart, checked by hand."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from attune.domain.errors import ValidationError
from attune.domain.monitoring.insight import between_within
from attune.domain.monitoring.series import DailySeries, series_from_arrays
from attune.domain.monitoring.synthetic import Planted, planted_series


def _person(stress: list[float], craving: list[float]) -> DailySeries:
    n = len(stress)
    return series_from_arrays(
        date(2026, 1, 1),
        mood=[5.0] * n,
        stress=stress,
        loneliness=[2.0] * n,
        craving=craving,
        used=[0.0] * n,
    )


def test_the_two_associations_by_hand() -> None:
    # Same day (lag 0). Within each person, one point more stress than usual goes with
    # one point more craving (slope 1, exactly). Between people, the mean pairs are
    # (2, 3), (6, 1), (10, -2): centred x -4, 0, 4; Sxx = 32; Sxy = -12 - 8 = -20;
    # slope -0.625. Fitted 3.1667, 0.6667, -1.8333; RSS = 1/6 on 1 df;
    # se = sqrt((1/6) / 32) = 0.072169; t(0.975; 1) = 12.7062.
    people = [_person([1, 3], [2, 4]), _person([5, 7], [0, 2]), _person([9, 11], [-3, -1])]
    result = between_within(people, "stress", lag=0)
    assert result.people == 3 and result.n == 6
    assert result.within == pytest.approx(1.0)
    assert result.within_low == pytest.approx(1.0) and result.within_high == pytest.approx(1.0)
    assert result.between == pytest.approx(-0.625)
    half = 12.7062 * 0.072169
    assert result.between_low == pytest.approx(-0.625 - half, abs=1e-3)
    assert result.between_high == pytest.approx(-0.625 + half, abs=1e-3)
    assert result.within_clear and not result.between_clear


def test_lagged_within_recovers_a_planted_effect_that_the_between_does_not_have() -> None:
    rng = np.random.default_rng(9)
    people = [planted_series(rng, 60, Planted("stress", 0.6)) for _ in range(40)]
    result = between_within(people, "stress")
    assert result.lag == 1
    assert result.within_low > 0.3 and result.within_clear
    # Usual stress and usual craving are drawn independently: no clear between effect.
    assert not result.between_clear


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"outcome": "mood"}, "outcome"), ({"lag": 2}, "lag")],
)
def test_bad_arguments_name_the_field(kwargs: dict[str, object], field: str) -> None:
    people = [_person([1, 3], [2, 4])] * 3
    with pytest.raises(ValidationError) as caught:
        between_within(people, "stress", **kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_too_few_people_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        between_within([_person([1, 3], [2, 4])], "stress")
    assert caught.value.field == "series_list"
