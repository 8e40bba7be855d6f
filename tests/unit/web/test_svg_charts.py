"""The SVG chart renderer: pure, accessible, escaped, and drawn to scale."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attune.web.charts import ChartBand, ChartPoint, ChartSeries, data_table, describe, line_chart

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
PHQ9_BANDS = (
    ChartBand(0, "Minimal"),
    ChartBand(5, "Mild"),
    ChartBand(10, "Moderate"),
    ChartBand(15, "Moderately severe"),
    ChartBand(20, "Severe"),
)


def series(*values: float, bands: tuple[ChartBand, ...] = PHQ9_BANDS) -> ChartSeries:
    points = tuple(
        ChartPoint(T0 + timedelta(days=14 * i), v, f"band {i}") for i, v in enumerate(values)
    )
    return ChartSeries("PHQ-9 total", points, 0, 27, bands)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_the_svg_is_well_formed_and_labelled_for_screen_readers() -> None:
    root = parse(line_chart(series(18, 12, 7)))
    assert root.tag == "svg"
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby", "").split()
    title = root.find("title")
    desc = root.find("desc")
    assert title is not None and title.get("id") == title_id and title.text == "PHQ-9 total"
    assert desc is not None and desc.get("id") == desc_id
    assert desc.text == (
        "PHQ-9 total: 3 scored responses from 5 Jan 2026 to 2 Feb 2026. First 18, "
        "latest 7 (band 2). Possible scores run from 0 to 27."
    )


def test_points_are_placed_by_time_and_value() -> None:
    svg = line_chart(series(27, 0, 13.5), width=640, height=280)
    circles = parse(svg).findall("circle")
    xs = [float(c.get("cx", "nan")) for c in circles]
    ys = [float(c.get("cy", "nan")) for c in circles]
    # Plot area: x from 48 to 640 - 124 (band labels), y from 16 (top) to 280 - 52.
    assert xs == [48, pytest.approx((48 + 516) / 2, abs=0.1), 516]
    assert ys == [16, 228, pytest.approx((16 + 228) / 2, abs=0.1)]
    line = parse(svg).find("polyline")
    assert line is not None and line.get("points") == "48,16 282,228 516,122"


def test_each_band_is_shaded_and_labelled_once() -> None:
    root = parse(line_chart(series(3)))
    rects = [r for r in root.findall("rect") if r.get("class") == "chart-band"]
    assert len(rects) == 5
    fills = {r.get("fill") for r in rects}
    assert len(fills) == 5
    labels = [t.text for t in root.findall("text") if t.get("class") == "chart-band-label"]
    assert labels == ["Minimal", "Mild", "Moderate", "Moderately severe", "Severe"]
    heights = [float(r.get("height", "0")) for r in rects]
    assert sum(heights) == pytest.approx(212, abs=0.5)  # the whole plot height


def test_axes_have_ticks_at_band_edges_and_labels() -> None:
    root = parse(line_chart(series(3, 9)))
    texts = [t.text for t in root.findall("text")]
    for tick in ("0", "5", "10", "15", "20", "27"):
        assert tick in texts
    assert "Score" in texts and "Date completed" in texts
    assert "5 Jan 2026" in texts and "19 Jan 2026" in texts


def test_one_point_is_centred_and_no_line_is_drawn() -> None:
    root = parse(line_chart(series(11)))
    assert root.find("polyline") is None
    (circle,) = root.findall("circle")
    assert float(circle.get("cx", "0")) == pytest.approx((48 + 516) / 2)


def test_an_empty_series_says_so() -> None:
    svg = line_chart(series())
    assert "No scored responses yet" in svg
    assert parse(svg).find("circle") is None
    assert describe(series()) == "No scored responses yet for PHQ-9 total."


def test_text_is_escaped() -> None:
    evil = ChartSeries(
        "<script>x</script>",
        (ChartPoint(T0, 4, "<b>"),),
        0,
        10,
        (ChartBand(0, "a&b"),),
    )
    svg = line_chart(evil)
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg and "a&amp;b" in svg
    parse(svg)
    assert "<script>" not in data_table(evil)


def test_no_styles_scripts_or_external_references() -> None:
    svg = line_chart(series(18, 12, 7))
    assert "style=" not in svg and "<script" not in svg
    assert re.search(r"https?://", svg) is None


def test_the_table_fallback_lists_every_point_in_date_order() -> None:
    shuffled = ChartSeries(
        "GAD-7 total",
        (
            ChartPoint(T0 + timedelta(days=7), 8, "Mild"),
            ChartPoint(T0, 12.5, "Moderate"),
        ),
        0,
        21,
    )
    table = parse(data_table(shuffled))
    caption = table.find("caption")
    assert caption is not None and caption.text == "GAD-7 total: scores by date"
    rows = [[td.text for td in tr.findall("td")] for tr in table.iter("tr") if tr.findall("td")]
    assert rows == [["5 Jan 2026", "12.5", "Moderate"], ["12 Jan 2026", "8", "Mild"]]


def test_values_outside_the_range_are_kept_inside_the_plot() -> None:
    root = parse(line_chart(ChartSeries("x", (ChartPoint(T0, 40),), 0, 27)))
    (circle,) = root.findall("circle")
    assert float(circle.get("cy", "0")) == 16


def test_a_flat_range_is_refused() -> None:
    with pytest.raises(ValueError, match="y_max"):
        line_chart(ChartSeries("x", (), 5, 5))


@settings(deadline=None)  # never a timing assertion, even on a busy machine
@given(
    st.lists(
        st.tuples(st.integers(0, 2000), st.floats(0, 27, allow_nan=False)),
        min_size=0,
        max_size=12,
    )
)
def test_any_series_renders_deterministically_inside_the_frame(
    raw: list[tuple[int, float]],
) -> None:
    points = tuple(ChartPoint(T0 + timedelta(days=d), v) for d, v in raw)
    data = ChartSeries("Any", points, 0, 27, PHQ9_BANDS)
    svg = line_chart(data)
    assert svg == line_chart(data)
    for circle in parse(svg).findall("circle"):
        assert 48 <= float(circle.get("cx", "-1")) <= 516
        assert 16 <= float(circle.get("cy", "-1")) <= 228
