"""The forest plot of insight effects: pure, accessible, escaped, drawn to scale, and the
uncertainty visible (filled when the 95% interval excludes zero, hollow when it does not)."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import pytest

from attune.web.charts_effects import (
    effect_range,
    effects_table,
    forest_plot,
    interval,
    nice_step,
    signed,
)


@dataclass(frozen=True)
class Effect:
    label: str
    estimate: float
    ci_low: float
    ci_high: float
    n: int
    clear: bool


STRESS = Effect("Stress the day before", 0.42, 0.10, 0.74, 58, True)
LONELY = Effect("Loneliness the day before", 0.20, -0.12, 0.52, 58, False)
MOOD = Effect("Mood the day before", -0.31, -0.60, -0.02, 58, True)


def plot(*effects: Effect) -> ET.Element:
    return ET.fromstring(forest_plot(effects, title="What precedes craving", x_label="Points"))


def rows(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter("g") if "forest-row" in g.get("class", "")]


def test_signed_numbers_have_two_decimals_and_a_real_minus() -> None:
    assert signed(0.4249) == "+0.42"
    assert signed(-0.1) == "\u22120.10"
    assert signed(0.0) == "0.00"
    assert signed(-0.001) == "0.00"  # rounds to zero: no sign
    assert interval(STRESS) == "+0.42 (95% interval +0.10 to +0.74; 58 days)"


@pytest.mark.parametrize(
    ("span", "step"), [(4.0, 1.0), (1.0, 0.5), (0.6, 0.2), (12.0, 5.0), (0.0, 1.0)]
)
def test_tick_steps_are_round_numbers(span: float, step: float) -> None:
    assert nice_step(span) == pytest.approx(step)


def test_the_range_takes_in_zero_and_every_interval_in_whole_ticks() -> None:
    # All positive: zero is still on the axis, so "no effect" can always be seen.
    low, high, step = effect_range([Effect("a", 1.3, 0.4, 2.2, 30, True)])
    assert (low, high, step) == (pytest.approx(-1.0), pytest.approx(3.0), 1.0)
    low, high, step = effect_range([STRESS, MOOD, LONELY])
    assert low <= -0.60 and high >= 0.74 and low < 0 < high
    assert math.isclose((high - low) / step, round((high - low) / step))


def test_the_svg_is_well_formed_and_says_what_it_shows() -> None:
    root = plot(STRESS, LONELY)
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby", "").split()
    title, desc = root.find("title"), root.find("desc")
    assert title is not None and title.get("id") == title_id
    assert title.text == "What precedes craving"
    assert desc is not None and desc.get("id") == desc_id
    assert desc.text == (
        "What precedes craving: 2 estimates with 95% intervals; 1 with an interval that "
        "excludes zero. Stress the day before: +0.42 (95% interval +0.10 to +0.74; 58 days). "
        "Loneliness the day before: +0.20 (95% interval \u22120.12 to +0.52; 58 days)."
    )


def test_points_and_intervals_are_drawn_to_scale_around_the_zero_line() -> None:
    root = plot(STRESS, MOOD)
    zero = next(line for line in root.iter("line") if line.get("class") == "forest-zero")
    zero_x = float(zero.get("x1", ""))
    # The range is −1 to +1 (step 0.5) over a plot 300 px wide starting at x = 220.
    assert zero_x == pytest.approx(370)
    cis = [line for line in root.iter("line") if line.get("class") == "forest-ci"]
    stress_ci, mood_ci = cis
    assert float(stress_ci.get("x1", "")) == pytest.approx(220 + 300 * 1.10 / 2, abs=0.1)
    assert float(stress_ci.get("x2", "")) == pytest.approx(220 + 300 * 1.74 / 2, abs=0.1)
    assert float(mood_ci.get("x2", "")) < zero_x  # wholly below zero
    points = [r for r in root.iter("rect") if r.get("class") == "forest-point"]
    centre = float(points[0].get("x", "")) + 5
    assert centre == pytest.approx(220 + 300 * 1.42 / 2, abs=0.1)
    # One row under the other.
    assert float(points[0].get("y", "")) < float(points[1].get("y", ""))


def test_a_clear_effect_is_filled_and_an_unclear_one_hollow() -> None:
    root = plot(STRESS, LONELY)
    clear, unclear = rows(root)
    assert "forest-row--clear" in clear.get("class", "")
    assert "forest-row--clear" not in unclear.get("class", "")
    fills = [r.get("fill") for r in root.iter("rect") if r.get("class") == "forest-point"]
    assert fills[0] != "#ffffff" and fills[1] == "#ffffff"
    tooltip = unclear.find("title")
    assert tooltip is not None and tooltip.text is not None
    assert tooltip.text.endswith("interval crosses zero")


def test_labels_are_escaped_and_long_ones_shortened_on_the_chart_only() -> None:
    long = Effect("<b>Feeling rejected</b> & left out by friends at work", 1.0, 0.5, 1.5, 40, True)
    svg = forest_plot([long], title="T & <x>", x_label="Points")
    assert "<b>" not in svg and "&lt;b&gt;" in svg and "T &amp; &lt;x&gt;" in svg
    root = ET.fromstring(svg)
    label = rows(root)[0].find("text")
    assert label is not None and label.text is not None
    assert label.text.endswith("\u2026") and len(label.text) == 30
    table = effects_table([long], caption="Effects")
    assert "&lt;b&gt;Feeling rejected&lt;/b&gt; &amp; left out by friends at work" in table


def test_an_effect_that_cannot_be_estimated_is_named_not_drawn() -> None:
    flat = Effect("Sleep hours", math.nan, math.nan, math.nan, 12, False)
    root = plot(STRESS, flat)
    assert len([r for r in root.iter("rect") if r.get("class") == "forest-point"]) == 1
    texts = [t.text for t in rows(root)[1].iter("text")]
    assert texts == ["Sleep hours", "Not enough variation to estimate"]
    assert "Not enough variation to estimate" in effects_table([flat], caption="c")
    assert interval(flat) == "not estimable (12 days)"


def test_nothing_to_show_says_so() -> None:
    root = plot()
    desc = root.find("desc")
    assert desc is not None and desc.text == "What precedes craving: nothing to show yet."
    assert "Nothing to show yet" in [t.text for t in root.iter("text")]
    assert "Nothing to show yet" in effects_table([], caption="Effects")


def test_the_table_has_the_same_numbers() -> None:
    table = ET.fromstring(effects_table([STRESS, LONELY], caption="What precedes craving"))
    body = [[cell.text for cell in row] for row in table.iter("tr")][1:]
    assert body == [
        ["Stress the day before", "+0.42", "+0.10 to +0.74", "58", "Excludes zero"],
        [
            "Loneliness the day before",
            "+0.20",
            "\u22120.12 to +0.52",
            "58",
            "Crosses zero: unclear",
        ],
    ]


def test_the_same_effects_always_give_the_same_svg() -> None:
    effects = [STRESS, LONELY, MOOD]
    assert forest_plot(effects, title="t", x_label="x") == forest_plot(
        list(effects), title="t", x_label="x"
    )
