"""How a score is named in the evidence of a level-of-care rating."""

from __future__ import annotations

from attune.domain.instruments import get_instrument, score
from attune.domain.levelofcare.evaluate import describe_score


def test_a_whole_total_is_shown_as_it_is() -> None:
    result = score(get_instrument("audit"), {f"q{n}": 4 for n in range(1, 11)})
    assert describe_score("audit", result) == "AUDIT total 40 (Zone IV)"


def test_an_estimated_total_is_rounded_and_says_it_is_estimated() -> None:
    # Two PHQ-9 items unanswered: they take the mean of the seven answered (NHS rule).
    answers: dict[str, int | None] = {f"q{n}": v for n, v in enumerate([2, 2, 2, 1, 1, 2, 1], 1)}
    answers.update({"q8": None, "q9": None})
    result = score(get_instrument("phq9"), answers)
    assert result.total is not None and result.total != round(result.total, 1)
    assert describe_score("phq9", result) == (
        f"PHQ-9 total {round(result.total, 1):g} (Moderate) (estimated for unanswered items)"
    )
