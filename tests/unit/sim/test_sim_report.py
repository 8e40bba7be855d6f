"""The report writer and its SVG charts."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from attune.sim.report import (
    MODEL_NOTICE,
    Figure,
    Paragraph,
    Report,
    Section,
    Table,
    render,
    write,
)
from attune.sim.report_svg import (
    Axis,
    IntervalRow,
    Line,
    Marker,
    interval_chart,
    line_chart,
    nice_ticks,
)
from attune.sim.targets import CALIBRATION_TARGETS, Scale

SVG = "{http://www.w3.org/2000/svg}"


def _chart() -> str:
    return line_chart(
        key="t",
        title="Craving <by> arm",
        desc="Two arms over four days.",
        lines=(
            Line("A", (0, 1, 2, 3), (1.0, None, 2.0, 3.0)),
            Line("B", (0, 1, 2, 3), (2.0, 2.0, 2.0, 2.0), dashed=True, step=True),
            Line("band", (0, 1, 2, 3), (3.0, 3.0, 3.0, 3.0), lower=(1.0, 1.0, 1.0, 1.0)),
        ),
        x=Axis(0, 3, "Day"),
        y=Axis(0, 10, "Craving"),
        markers=(Marker(1, "Dose"),),
    )


def test_line_chart_is_valid_svg_with_words_and_gaps() -> None:
    svg = _chart()
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title") is not None
    assert root.find(f"{SVG}title").text == "Craving <by> arm"  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").text == "Two arms over four days."  # type: ignore[union-attr]
    paths = [p for p in root.iter(f"{SVG}path") if p.find(f"{SVG}title") is not None]
    labels = [p.find(f"{SVG}title").text for p in paths]  # type: ignore[union-attr]
    # line A has a gap at day 1: a lone point (circle) then a two-point path
    assert labels.count("A") == 1
    assert "B" in labels and "band" in labels
    assert any(c.get("r") == "2.5" for c in root.iter(f"{SVG}circle"))
    assert "style=" not in svg and "<script" not in svg
    assert svg == _chart()  # pure: the same input gives the same text


def test_interval_chart_draws_each_row() -> None:
    svg = interval_chart(
        key="i",
        title="Published and simulated",
        desc="Two rows.",
        rows=(IntervalRow("Published", 0.5, 0.3, 0.8), IntervalRow("Simulated", 0.45)),
        x=Axis(0, 1, "Share", percent=True),
    )
    root = ET.fromstring(svg)
    circles = list(root.iter(f"{SVG}circle"))
    assert len(circles) == 2
    assert "50%" in svg and "Published" in svg


def test_report_is_one_escaped_document_with_the_notice(tmp_path: Path) -> None:
    report = Report(
        title="Calibration <test>",
        facts=("seed 1",),
        sections=(
            Section(
                "Numbers",
                (
                    Paragraph("a & b"),
                    Table("caption", ("x", "y"), (("1", "<2>"),)),
                    Figure(_chart(), "a chart"),
                ),
            ),
        ),
    )
    html = render(report)
    assert html.startswith("<!DOCTYPE html>")
    assert "Calibration &lt;test&gt;" in html
    assert "a &amp; b" in html and "&lt;2&gt;" in html
    assert MODEL_NOTICE.split(",")[0] in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    path = write(report, tmp_path / "out" / "report.html")
    assert path.read_text(encoding="utf-8") == html


def test_every_target_names_its_source_and_a_sane_value() -> None:
    ids = [target.id for target in CALIBRATION_TARGETS]
    assert len(ids) == len(set(ids))
    for target in CALIBRATION_TARGETS:
        assert target.source
        if target.scale is Scale.SHARE:
            assert 0 < target.value < 1
        if target.low is not None and target.high is not None:
            assert target.low < target.value < target.high


def test_nice_ticks_are_round() -> None:
    assert nice_ticks(0, 1) == (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
    assert nice_ticks(-4, 27) == (0.0, 5.0, 10.0, 15.0, 20.0, 25.0)
    assert nice_ticks(1, 52) == (10.0, 20.0, 30.0, 40.0, 50.0)
    assert nice_ticks(0, 10) == (0.0, 2.0, 4.0, 6.0, 8.0, 10.0)
    assert nice_ticks(-0.1, 0.5) == (-0.1, 0.0, 0.1, 0.2, 0.3, 0.4, 0.5)
