"""The attachment plane: well-formed, accessible, to scale, and escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest

from attune.domain.instruments.styles import Region
from attune.domain.profiles.attachment import profile_from_dimensions
from attune.web.diagrams.attachment import (
    DEFAULT_CAPTIONS,
    PlanePoint,
    attachment_plane,
    describe_plane,
)

WHEN = datetime(2026, 3, 1, 9, tzinfo=UTC)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter("text")]


def test_well_formed_and_labelled_for_screen_readers() -> None:
    root = parse(attachment_plane(PlanePoint(5.25, 2.5, WHEN)))
    assert root.tag == "svg" and root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby", "").split()
    title, desc = root.find("title"), root.find("desc")
    assert title is not None and title.get("id") == title_id
    assert title.text == "Attachment anxiety and avoidance"
    assert desc is not None and desc.get("id") == desc_id
    assert desc.text == (
        "Attachment anxiety 5.25 and attachment avoidance 2.5 on 1 Mar 2026, each on a scale "
        "from 1 to 7. Dashed lines mark the middle of the scale, 4, which is not a cut-off."
    )


def test_points_are_placed_to_scale_avoidance_across_anxiety_up() -> None:
    def centre(anxiety: float, avoidance: float) -> tuple[float, float]:
        root = parse(attachment_plane(PlanePoint(anxiety, avoidance), size=360))
        point = next(c for c in root.iter("circle") if c.get("class") == "plane-point")
        return float(point.get("cx", "nan")), float(point.get("cy", "nan"))

    # Plane: x from 58 to 58 + 288, y from 14 (anxiety 7) to 14 + 288 (anxiety 1).
    assert centre(1, 1) == (58, 302)
    assert centre(7, 7) == (346, 14)
    assert centre(4, 4) == (202, 158)
    assert centre(7, 1) == (58, 14)  # high anxiety, low avoidance: top left


def test_ticks_midpoint_lines_and_captions() -> None:
    root = parse(attachment_plane(PlanePoint(3, 3)))
    labels = texts(root)
    for tick in range(1, 8):
        assert labels.count(str(tick)) == 2  # once on each axis
    assert any(label.startswith("Avoidance") for label in labels)
    assert any(label.startswith("Anxiety") for label in labels)
    midpoint = next(g for g in root.iter("g") if g.get("class") == "plane-midpoint")
    assert midpoint.get("stroke-dasharray") == "5 4"
    assert len(midpoint.findall("line")) == 2
    captions = [
        "".join(t.itertext()) for t in root.iter("text") if t.get("class") == "plane-caption"
    ]
    assert len(captions) == 4
    assert {c.split("called")[-1] for c in captions} == {DEFAULT_CAPTIONS[r][1] for r in Region}


def test_earlier_points_are_faded_and_joined_in_time_order() -> None:
    earlier = [PlanePoint(6, 5, datetime(2025, 9, 1, tzinfo=UTC)), PlanePoint(5.5, 4.5)]
    svg = attachment_plane(PlanePoint(4.5, 3, WHEN), earlier)
    root = parse(svg)
    faded = [c for c in root.iter("circle") if c.get("class") == "plane-point-earlier"]
    assert len(faded) == 2 and all(c.get("fill-opacity") == "0.3" for c in faded)
    latest = [c for c in root.iter("circle") if c.get("class") == "plane-point"]
    assert len(latest) == 1 and latest[0].get("fill-opacity") is None
    trail = next(p for p in root.iter("polyline") if p.get("class") == "plane-trail")
    assert len(trail.get("points", "").split()) == 3
    assert "2 earlier results are shown faded; the first (1 Sep 2025) was anxiety 6" in (
        describe_plane(PlanePoint(4.5, 3, WHEN), earlier)
    )
    titles = ["".join(t.itertext()) for c in latest for t in c.iter("title")]
    assert titles == ["Latest (1 Mar 2026): anxiety 4.5, avoidance 3"]


def test_no_trail_without_history() -> None:
    root = parse(attachment_plane(PlanePoint(2, 2)))
    assert root.find("polyline") is None


def test_user_supplied_text_is_escaped() -> None:
    hostile = '<script>alert("x")</script> & \x00\x1b'
    captions = {r: (hostile, hostile) for r in Region}
    svg = attachment_plane(PlanePoint(2, 2), title=hostile, captions=captions, id_prefix=hostile)
    root = parse(svg)
    assert root.find(".//script") is None
    title = root.find("title")
    assert title is not None and title.text == '<script>alert("x")</script> &'
    assert "<script>" not in svg
    title_id = root.get("aria-labelledby", "").split()[0]
    assert title_id == "script-alert-x-script-title"


def test_out_of_range_points_are_refused() -> None:
    with pytest.raises(ValueError, match="anxiety"):
        attachment_plane(PlanePoint(7.5, 2))
    with pytest.raises(ValueError, match="avoidance"):
        attachment_plane(PlanePoint(2, 2), [PlanePoint(2, 0)])


def test_drawn_from_a_profile() -> None:
    profile = profile_from_dimensions(6.0, 2.0)
    svg = attachment_plane(PlanePoint(profile.anxiety.value, profile.avoidance.value))
    assert "Attachment anxiety 6 and attachment avoidance 2" in svg
    assert attachment_plane(PlanePoint(6, 2)) == svg  # pure: same input, same text
