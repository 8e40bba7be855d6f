"""The cycle diagram: a ring in order, text wrapped to fit, the way out, escaped, accessible."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from attune.domain.formulation import MAX_ENTRIES, MAX_ENTRY_CHARS, Formulation
from attune.web.diagrams.cycle import (
    INDENT,
    NODE_H,
    NODE_W,
    PADDING,
    TEXT_SIZE,
    cycle_diagram,
    describe_cycle,
    max_lines_for,
    ring_positions,
    text_area,
)
from attune.web.diagrams.svg import HYPHEN, clean, fit, text_width, wrap

FULL = Formulation(
    situations=("Coming home to an empty flat",),
    relational=("My partner goes quiet after an argument",),
    feelings=("Lonely", "Restless"),
    urge=("A pull to drink, 8 out of 10",),
    behaviour=("Drinking most of a bottle",),
    relief=("Calmer for an hour",),
    cost=("Hungover at work",),
    soothes=("Feeling alone and not good enough",),
    alternatives=("Text a friend", "Walk before going home"),
)
RING = ["triggers", "feelings", "urge", "behaviour", "relief", "cost"]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def group(root: ET.Element, cls: str) -> ET.Element:
    return next(g for g in root.iter("g") if cls in (g.get("class") or "").split())


def body_lines(node: ET.Element) -> list[str]:
    """The wrapped lines of a node's body (its second text element)."""
    body = node.findall("text")[1]
    return [span.text or "" for span in body.findall("tspan")]


def test_well_formed_accessible_and_in_ring_order() -> None:
    root = parse(cycle_diagram(FULL, title="Sam's cycle"))
    assert root.tag == "svg" and root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby", "").split()
    title, desc = root.find("title"), root.find("desc")
    assert title is not None and title.get("id") == title_id and title.text == "Sam's cycle"
    assert desc is not None and desc.get("id") == desc_id
    nodes = [
        g.get("class", "").split()[1].removeprefix("cycle-")
        for g in root.iter("g")
        if "cycle-node" in g.get("class", "")
    ]
    assert nodes == [*RING, "alternatives"]
    headings = [group(root, f"cycle-{key}").findall("text")[0].text for key in RING]
    assert headings == ["Triggers", "Feelings", "Urge", "What I do", "Relief", "Cost later"]


def test_the_nodes_go_clockwise_from_the_top() -> None:
    positions = ring_positions()
    trigger, feeling, urge, behaviour, relief, cost = positions
    assert trigger[1] < feeling[1] < urge[1] < behaviour[1]
    assert behaviour[1] > relief[1] > cost[1] > trigger[1]
    assert feeling[0] > trigger[0] > cost[0]
    root = parse(cycle_diagram(FULL))
    arrows = [p for p in root.iter("path") if p.get("class") == "cycle-arrow"]
    assert len(arrows) == 6  # one between each pair, the last back to the triggers


def test_the_desc_tells_the_whole_cycle_in_order() -> None:
    text = describe_cycle(FULL)
    order = [
        "Triggers, situations: Coming home to an empty flat",
        "Triggers between people: My partner goes quiet after an argument",
        "Feelings: Lonely; Restless",
        "Urge: A pull to drink, 8 out of 10",
        "What I do: Drinking most of a bottle",
        "Relief: Calmer for an hour",
        "Cost later: Hungover at work",
        "Then back to the triggers",
        "what it soothes or solves: Feeling alone and not good enough",
        "another way: Text a friend; Walk before going home",
    ]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)


def test_the_centre_and_the_way_out() -> None:
    root = parse(cycle_diagram(FULL))
    centre = group(root, "cycle-centre")
    assert centre.find("circle") is not None
    assert "Feeling alone and not good enough" in "".join(centre.itertext())
    way_out = group(root, "cycle-way-out")
    line = way_out.find("line")
    assert line is not None and line.get("marker-end") == "url(#cycle-way-out)"
    assert root.find(".//marker[@id='cycle-way-out']") is not None
    assert body_lines(group(root, "cycle-alternatives")) == [
        "• Text a friend",
        "• Walk before going home",
    ]


def test_empty_parts_say_not_filled_in_yet() -> None:
    root = parse(cycle_diagram(Formulation(situations=("Pay day",), behaviour=("Betting",))))
    assert body_lines(group(root, "cycle-feelings")) == ["Not filled in yet"]
    assert body_lines(group(root, "cycle-triggers")) == ["Pay day"]
    assert "Feelings: not filled in yet" in describe_cycle(Formulation())


def test_long_text_is_wrapped_to_fit_and_cut_with_an_ellipsis_but_kept_in_full() -> None:
    long = tuple(f"Entry {n} " + "WWWW mmmm " * 19 for n in range(MAX_ENTRIES))
    formulation = Formulation(situations=long, behaviour=("W" * MAX_ENTRY_CHARS,))
    root = parse(cycle_diagram(formulation))
    for key in RING:
        node = group(root, f"cycle-{key}")
        body = node.findall("text")[1]
        lines = body_lines(node)
        assert len(lines) <= max_lines_for(NODE_H)
        x0 = float(node.find("rect").get("x", "nan"))  # type: ignore[union-attr]
        for span, line in zip(body.findall("tspan"), lines, strict=True):
            right = float(span.get("x", "nan")) + text_width(line, TEXT_SIZE)
            assert right <= x0 + NODE_W - PADDING + 0.01  # inside the box, by the estimate
        # Whatever the estimate, the box clips its text.
        assert body.get("clip-path") == f"url(#cycle-clip-{key})"
        assert root.find(f".//clipPath[@id='cycle-clip-{key}']") is not None
    trigger_lines = body_lines(group(root, "cycle-triggers"))
    assert trigger_lines[-1].endswith("…")
    node_title = group(root, "cycle-triggers").find("title")
    assert node_title is not None and (node_title.text or "").count("WWWW") == 19 * MAX_ENTRIES
    desc = root.find("desc")
    assert desc is not None and all(clean(e) in (desc.text or "") for e in long)


def test_wide_and_narrow_glyphs_are_measured_differently() -> None:
    assert text_width("WWWW", 12) > 2 * text_width("iiii", 12)
    assert text_width("漢字", 12) == 24  # wide East Asian characters take a full em
    assert text_width("• ", TEXT_SIZE) == INDENT
    lines, cut = fit(["one line", "two", "three"], 2, 40, 12)
    assert cut and lines[-1].endswith("…") and text_width(lines[-1], 12) <= 40


def test_hostile_text_is_escaped_and_cannot_break_out() -> None:
    hostile = '</text></svg><script>alert("x")</script> & ]]> \x00\x08 \ufffe'
    formulation = Formulation(
        situations=(hostile,), behaviour=(hostile,), soothes=(hostile,), alternatives=(hostile,)
    )
    svg = cycle_diagram(formulation, title=hostile, id_prefix=hostile)
    root = parse(svg)
    assert root.find(".//script") is None
    assert "<script>" not in svg
    title, desc = root.find("title"), root.find("desc")
    assert title is not None and title.text == clean(hostile)
    assert desc is not None and clean(hostile) in (desc.text or "")


@settings(deadline=None)  # never a timing assertion, even on a busy machine
@given(st.text(max_size=200))
def test_any_text_round_trips_escaped(text: str) -> None:
    formulation = Formulation(situations=(text,), behaviour=("b",), soothes=(text,))
    root = parse(cycle_diagram(formulation))
    desc = root.find("desc")
    assert desc is not None
    shown = clean(text)
    if shown:
        assert f"Triggers, situations: {shown}." in (desc.text or "")
        title = group(root, "cycle-triggers").find("title")
        assert title is not None and title.text == f"Triggers: {shown}"
    else:
        assert "Triggers, situations: not filled in yet" in (desc.text or "")


words = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters=HYPHEN),
    max_size=300,
)


@settings(deadline=None)  # never a timing assertion, even on a busy machine
@given(words, st.floats(min_value=20, max_value=300))
def test_wrapping_keeps_every_character_and_every_line_fits(text: str, width: float) -> None:
    lines = wrap(text, width, TEXT_SIZE)
    for line in lines:
        # A single glyph wider than the line is the only thing allowed to overflow.
        assert line and (text_width(line, TEXT_SIZE) <= width or len(line.rstrip(HYPHEN)) == 1)
    # Undo the hyphens added where a word longer than a line was split.
    pieces = [line.removesuffix(HYPHEN) for line in lines]
    assert "".join("".join(pieces).split()) == "".join(clean(text).split())


def test_the_width_estimate_errs_wide_of_the_faces_a_page_may_draw_in() -> None:
    # Widths at 12 px measured in Chromium: DejaVu Sans (what system-ui gives on many
    # Linux systems) and Liberation Sans (Arial's metrics).
    for text, dejavu, liberation in (
        ("Drink most of a bottle of wine", 179, 155),
        ("A strong pull to open a bottle,", 179, 155),
        ("Coming home to an empty", 161, 141),
    ):
        assert text_width(text, 12) >= max(dejavu, liberation), text
    # An accented letter counts as its base letter; the ellipsis as a full em.
    assert text_width("Öé", 12) == text_width("Oe", 12)
    assert text_width("…", 12) == 12


def test_every_box_wraps_inside_its_inner_padding_on_both_sides() -> None:
    root = parse(cycle_diagram(FULL))
    for key in [*RING, "alternatives"]:
        node = group(root, f"cycle-{key}")
        rect = node.find("rect")
        assert rect is not None
        x0, width = float(rect.get("x", "nan")), float(rect.get("width", "nan"))
        assert text_area(width) == width - 2 * PADDING
        for text in node.findall("text"):
            assert float(text.get("x", "nan")) == x0 + PADDING
        body = node.findall("text")[1]
        for span in body.findall("tspan"):
            right = float(span.get("x", "nan")) + text_width(span.text or "", TEXT_SIZE)
            assert right <= x0 + width - PADDING + 0.01, (key, span.text)
