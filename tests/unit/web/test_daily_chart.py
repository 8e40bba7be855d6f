"""The daily check-in chart: lines break on days without a check-in, days of use are
marked, everything is drawn to scale, escaped, and said in words and in a table."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from attune.web.charts_daily import DailyLine, DailySeriesChart, daily_chart, daily_table

START = date(2026, 11, 2)  # a Monday


def week(craving: tuple[float | None, ...], used: tuple[bool | None, ...]) -> DailySeriesChart:
    return DailySeriesChart(
        title="Craving and use",
        start=START,
        lines=(DailyLine("Craving", craving),),
        used=used,
    )


SAMPLE = week((2, 4, None, 6, 8, None, 10), (False, True, None, False, True, None, False))


def by_class(root: ET.Element, tag: str, name: str) -> list[ET.Element]:
    return [e for e in root.iter(tag) if e.get("class") == name]


def test_the_svg_is_labelled_and_describes_the_days() -> None:
    root = ET.fromstring(daily_chart(SAMPLE))
    assert root.get("role") == "img"
    desc = root.find("desc")
    assert desc is not None
    assert desc.text == (
        "Craving and use, 2 Nov 2026 to 8 Nov 2026: checked in on 5 of 7 days. "
        "Craving averaged 6.0 (lowest 2, highest 10). Use on 2 days: 3 Nov, 6 Nov."
    )


def test_a_day_without_a_check_in_breaks_the_line() -> None:
    root = ET.fromstring(daily_chart(SAMPLE))
    lines = by_class(root, "polyline", "daily-line")
    # Days 0–1, then 3–4; day 6 stands alone and is drawn as a dot.
    assert [len(p.get("points", "").split()) for p in lines] == [2, 2]
    assert len(by_class(root, "line", "daily-missed")) == 2


def test_days_before_the_first_check_in_are_not_marked_as_missed() -> None:
    late = week((None, None, 3, None, 5, 6, 7), (None, None, False, None, True, False, False))
    root = ET.fromstring(daily_chart(late))
    missed = by_class(root, "line", "daily-missed")
    assert len(missed) == 1
    tip = missed[0].find("title")
    assert tip is not None and tip.text == "5 Nov: no check-in"


def test_days_of_use_are_shaded_and_marked_in_their_own_column() -> None:
    root = ET.fromstring(daily_chart(SAMPLE, width=716, height=300))
    shades = by_class(root, "rect", "daily-use")
    assert len(shades) == 2 and len(by_class(root, "path", "daily-use-mark")) == 2
    # 7 days over a plot 716 − 48 − 16 = 652 px wide: each day's column is 652 / 7 wide.
    slot = 652 / 7
    assert float(shades[0].get("x", "")) == pytest.approx(48 + slot, abs=0.1)
    assert float(shades[0].get("width", "")) == pytest.approx(slot, abs=0.1)
    tip = shades[1].find("title")
    assert tip is not None and tip.text == "6 Nov: use"


def test_values_are_placed_on_the_zero_to_ten_scale() -> None:
    root = ET.fromstring(daily_chart(SAMPLE, width=716, height=300))
    first = by_class(root, "polyline", "daily-line")[0].get("points", "").split()
    # The plot runs from y = 34 (10) to y = 300 − 78 = 222 (0).
    ys = [float(point.split(",")[1]) for point in first]
    assert ys == [pytest.approx(222 - 188 * 0.2, abs=0.1), pytest.approx(222 - 188 * 0.4, abs=0.1)]


def test_several_lines_differ_by_pattern_as_well_as_colour() -> None:
    chart = DailySeriesChart(
        title="Mood and stress",
        start=START,
        lines=(DailyLine("Mood", (5, 6, 7)), DailyLine("Stress", (3, 2, 1))),
        used=(False, False, False),
    )
    root = ET.fromstring(daily_chart(chart))
    first, second = by_class(root, "polyline", "daily-line")
    assert first.get("stroke") != second.get("stroke")
    assert first.get("stroke-dasharray") is None and second.get("stroke-dasharray")
    assert "No use recorded." in (root.find("desc").text or "")  # type: ignore[union-attr]


def test_a_line_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="'Craving' has 2 values for 3 days"):
        daily_chart(week((1, 2), (False, False, False)))


def test_text_is_escaped() -> None:
    chart = DailySeriesChart(
        title="<script>", start=START, lines=(DailyLine("A & B", (1.0,)),), used=(False,)
    )
    svg = daily_chart(chart)
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "A &amp; B" in svg
    assert "<script>" not in daily_table(chart)


def test_the_table_has_every_day() -> None:
    table = ET.fromstring(daily_table(SAMPLE))
    body = [[cell.text for cell in row] for row in table.iter("tr")][1:]
    assert body[:3] == [
        ["Mon 2 Nov 2026", "2", "No"],
        ["Tue 3 Nov 2026", "4", "Yes"],
        ["Wed 4 Nov 2026", "–", "No check-in"],
    ]
    assert len(body) == 7


def test_the_same_days_always_give_the_same_svg() -> None:
    assert daily_chart(SAMPLE) == daily_chart(week(SAMPLE.lines[0].values, SAMPLE.used))
