"""The vital-signs timeline chart: pure, accessible, escaped, drawn to scale, and the
readings out of range highlighted with what they breached."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attune.web.charts_timeline import (
    Level,
    Marker,
    ThresholdMark,
    TimelineLine,
    TimelinePanel,
    TimelinePoint,
    describe,
    spread_labels,
    tick_times,
    timeline_chart,
)

T0 = datetime(2026, 1, 5, 14, 0, tzinfo=UTC)
SVG = "{http://www.w3.org/2000/svg}"


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def bp_panel(*systolic: int, warn: dict[int, str] | None = None) -> TimelinePanel:
    warn = warn or {}
    sys_points = tuple(
        TimelinePoint(at(15 * i), v, warn.get(i, ""), Level.CAUTION if i in warn else None)
        for i, v in enumerate(systolic)
    )
    dia_points = tuple(TimelinePoint(at(15 * i), v - 50) for i, v in enumerate(systolic))
    return TimelinePanel(
        title="Blood pressure",
        unit="mmHg",
        lines=(
            TimelineLine("Systolic", sys_points),
            TimelineLine("Diastolic", dia_points, dashed=True, marker=Marker.SQUARE),
        ),
        thresholds=(
            ThresholdMark(160, "Systolic caution above 160", Level.CAUTION),
            ThresholdMark(180, "Systolic urgent above 180", Level.URGENT),
            ThresholdMark(100, "Diastolic caution above 100", Level.CAUTION),
        ),
        y_min=40,
        y_max=200,
        start=at(0),
        end=at(15 * max(1, len(systolic) - 1)),
    )


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_the_svg_is_well_formed_and_labelled_for_screen_readers() -> None:
    root = parse(timeline_chart(bp_panel(130, 172, 150, warn={1: "14:15: systolic 172"})))
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby", "").split()
    title, desc = root.find("title"), root.find("desc")
    assert title is not None and title.get("id") == title_id and title.text == "Blood pressure"
    assert desc is not None and desc.get("id") == desc_id
    assert desc.text == (
        "Blood pressure. Systolic: 3 readings from 14:00 to 14:30 UTC, 130 to 172 mmHg. "
        "Diastolic: 3 readings from 14:00 to 14:30 UTC, 80 to 122 mmHg. "
        "1 out of range: 14:15: systolic 172"
    )


def test_readings_are_placed_by_time_and_value() -> None:
    svg = timeline_chart(bp_panel(200, 40, 120), width=640, height=260)
    # Plot area: x from 52 to 640 - 160, y from 34 to 260 - 46.
    circles = [c for c in parse(svg).iter() if c.tag == "circle"]
    assert [float(c.get("cx", "nan")) for c in circles] == [52, 266, 480]
    assert [float(c.get("cy", "nan")) for c in circles] == [34, 214, 124]


def test_a_reading_out_of_range_is_highlighted_and_says_what_it_breached() -> None:
    message = "14:15: systolic blood pressure 172 mmHg is above the caution threshold of 160."
    svg = timeline_chart(bp_panel(130, 172, 150, warn={1: message}))
    flagged = [e for e in parse(svg).iter() if "chart-point--warning" in (e.get("class") or "")]
    assert len(flagged) == 1
    assert flagged[0].findtext("title") == message
    assert "Out of range" in svg  # the legend explains the highlight


def test_no_highlight_and_no_legend_entry_when_every_reading_is_in_range() -> None:
    svg = timeline_chart(bp_panel(130, 140))
    assert "chart-point--warning" not in svg and "Out of range" not in svg
    assert "Every reading is within the thresholds." in svg


def test_thresholds_are_drawn_at_their_value_with_a_label_caution_dashed() -> None:
    root = parse(timeline_chart(bp_panel(130, 140)))
    lines = [e for e in root.iter() if "chart-threshold" in (e.get("class") or "")]
    by_label = {e.findtext("title"): e for e in lines}
    urgent = by_label["Systolic urgent above 180"]
    caution = by_label["Systolic caution above 160"]
    # 180 mmHg on 40..200 over 180 px from y=34: 34 + 180 * (20 / 160) = 56.5
    assert float(urgent.get("y1", "nan")) == 56.5
    assert urgent.get("stroke-dasharray") is None
    assert caution.get("stroke-dasharray") == "5 4"
    labels = [e.text for e in root.iter() if e.get("class") == "chart-threshold-label"]
    assert sorted(labels) == sorted(t.label for t in bp_panel(1).thresholds)


def test_a_threshold_outside_the_value_range_is_left_out() -> None:
    panel = bp_panel(130, 140)
    out = TimelinePanel(
        panel.title,
        panel.unit,
        panel.lines,
        (ThresholdMark(250, "Far away", Level.URGENT),),
        panel.y_min,
        panel.y_max,
        panel.start,
        panel.end,
    )
    assert "Far away" not in timeline_chart(out)


def test_text_is_escaped() -> None:
    panel = bp_panel(130, 140, warn={0: "<script>x</script>"})
    svg = timeline_chart(panel)
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    parse(svg)


def test_an_empty_panel_says_so() -> None:
    panel = TimelinePanel("Heart rate", "beats a minute", (), (), 30, 160, at(0), at(60))
    svg = timeline_chart(panel)
    assert "No readings yet" in svg
    assert describe(panel) == "Heart rate: no readings yet."


def test_bad_ranges_are_refused() -> None:
    panel = bp_panel(130)
    with pytest.raises(ValueError):
        timeline_chart(TimelinePanel("x", "u", (), (), 10, 10, at(0), at(1)))
    with pytest.raises(ValueError):
        timeline_chart(TimelinePanel("x", "u", panel.lines, (), 0, 10, at(10), at(0)))


def test_time_ticks_fall_on_round_minutes_spaced_by_the_span() -> None:
    assert [t.strftime("%H:%M") for t in tick_times(at(-7), at(50))] == [
        "14:00",
        "14:15",
        "14:30",
        "14:45",
    ]
    assert len(tick_times(at(0), at(240))) == 9  # every 30 minutes
    assert [t.minute for t in tick_times(at(0), at(600))] == [0] * 11  # every hour


@given(st.lists(st.floats(min_value=0, max_value=300), min_size=1, max_size=8))
def test_threshold_labels_never_overlap_and_stay_inside(ys: list[float]) -> None:
    placed = spread_labels(ys, 30, 230, 13)
    ordered = sorted(placed)
    # Eight labels always fit in 200 px at 13 px apart.
    assert all(b - a >= 13 - 1e-9 for a, b in itertools.pairwise(ordered))
    assert all(30 - 1e-9 <= y <= 230 + 1e-9 for y in placed)


def test_the_same_panel_gives_the_same_svg() -> None:
    assert timeline_chart(bp_panel(130, 150)) == timeline_chart(bp_panel(130, 150))


def test_the_dosing_time_is_marked_with_a_labelled_line() -> None:
    panel = bp_panel(130, 140, 150)
    dosed = TimelinePanel(
        panel.title,
        panel.unit,
        panel.lines,
        panel.thresholds,
        panel.y_min,
        panel.y_max,
        panel.start,
        panel.end,
        ((at(10), "Dose"),),
    )
    root = parse(timeline_chart(dosed))
    labels = [e.text for e in root.iter() if e.get("class") == "chart-moment-label"]
    assert labels == ["Dose 14:10"]
    line = next(e for e in root.iter() if e.get("class") == "chart-moment")
    # 10 of 30 minutes along the plot from x=52 to x=480.
    assert float(line.get("x1", "nan")) == pytest.approx(52 + 428 / 3, abs=0.1)
