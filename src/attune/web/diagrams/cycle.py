"""The patient's cycle drawn as a ring: trigger → feeling → urge → behaviour → relief → cost.

``cycle_diagram(formulation)`` is a pure function returning SVG text. Six labelled nodes
sit on a ring whose arrowheads run clockwise, the last node leading back to the first;
what the behaviour soothes or solves sits in the centre; the alternatives to practise
leave the ring from the urge — the moment another choice is possible — as a branch to a
box of their own, the way out. Every entry is wrapped to fit its box (cut with an
ellipsis when a box is full; each node's ``<title>`` and the diagram's ``<desc>`` always
carry the full text), and every piece of user text is escaped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from attune.domain.formulation import PROMPTS, Formulation, Part
from attune.web.diagrams.svg import (
    AXIS_COLOUR,
    MUTED_COLOUR,
    TEXT_COLOUR,
    clean,
    fit,
    num,
    slug,
    text_width,
    wrap,
    xml,
)

WIDTH, HEIGHT = 920, 650
CENTRE = (330.0, 325.0)
RADII = (245.0, 240.0)
NODE_W, NODE_H = 188.0, 112.0
ALT_X, ALT_W, ALT_MAX_H = 706.0, 206.0, 246.0
#: Space between a box's edge and its text, on the left and on the right: text is wrapped
#: to the box's width less this on both sides (:func:`text_area`), so the longest line
#: keeps clear of the edge.
PADDING = 12.0
#: The centre circle's text: how wide a line may be and how many lines it holds.
CENTRE_TEXT_W, CENTRE_LINES = 172.0, 6
CENTRE_R = 112.0
HEADING_SIZE, TEXT_SIZE, LINE_HEIGHT = 13, 12, 15
EMPTY = "Not filled in yet"
BULLET = "• "
#: Continuation lines of a bulleted entry line up with the text after the bullet.
INDENT = text_width(BULLET, TEXT_SIZE)
ARROW_COLOUR = "#5b6b73"
WAY_OUT_COLOUR = "#2f7a55"


@dataclass(frozen=True)
class _Node:
    key: str
    title: str
    entries: tuple[str, ...]
    fill: str


def _nodes(formulation: Formulation) -> tuple[_Node, ...]:
    def node(part: Part, fill: str) -> _Node:
        return _Node(part.value, PROMPTS[part].title, formulation.part(part), fill)

    return (
        _Node("triggers", "Triggers", formulation.triggers, "#f6efdc"),
        node(Part.FEELINGS, "#f4e3e6"),
        node(Part.URGE, "#f3dcd6"),
        node(Part.BEHAVIOUR, "#e9dfe9"),
        node(Part.RELIEF, "#e3f0e8"),
        node(Part.COST, "#e4e9f0"),
    )


def _lines(
    entries: tuple[str, ...], max_width: float, max_lines: int
) -> tuple[list[tuple[str, bool]], bool]:
    """Wrapped (line, indented) pairs; one entry plain, several as bullets.

    Every line's estimated width, with its indent or bullet, stays within ``max_width``.
    """
    visible = [e for e in entries if clean(e)]
    if not visible:
        return [(EMPTY, False)], False
    if len(visible) == 1:
        lines = [(line, False) for line in wrap(visible[0], max_width, TEXT_SIZE)]
    else:
        lines = []
        for entry in visible:
            wrapped = wrap(entry, max_width - INDENT, TEXT_SIZE)
            lines += [(f"{BULLET}{wrapped[0]}", False), *((w, True) for w in wrapped[1:])]
    if len(lines) <= max_lines:
        return lines, False
    cut, _ = fit([text for text, _ in lines], max_lines, max_width - INDENT, TEXT_SIZE)
    return [(text, lines[i][1]) for i, text in enumerate(cut)], True


def _text_block(
    x: float,
    y: float,
    lines: list[tuple[str, bool]],
    empty: bool,
    *,
    centred: bool = False,
    clip: str = "",
) -> str:
    colour = MUTED_COLOUR if empty else TEXT_COLOUR
    style = ' font-style="italic"' if empty else ""
    spans = "".join(
        f'<tspan x="{num(x + INDENT if indented and not centred else x)}" '
        f'dy="{0 if i == 0 else LINE_HEIGHT}">{xml(line)}</tspan>'
        for i, (line, indented) in enumerate(lines)
    )
    anchor = "middle" if centred else "start"
    clipped = f' clip-path="url(#{clip})"' if clip else ""
    return (
        f'<text x="{num(x)}" y="{num(y)}" text-anchor="{anchor}" font-size="{TEXT_SIZE}" '
        f'fill="{colour}"{style}{clipped}>{spans}</text>'
    )


def _full_text(title: str, entries: tuple[str, ...]) -> str:
    shown = [clean(e) for e in entries if clean(e)]
    return f"{title}: {'; '.join(shown) if shown else EMPTY.lower()}"


def text_area(width: float) -> float:
    """How wide the lines in a box of this width may be: its inner padding left out."""
    return width - 2 * PADDING


def max_lines_for(height: float) -> int:
    """Lines a box of this height holds: the first baseline sits 38 below its top and the
    last stays 8 above its bottom."""
    return max(1, int((height - 46) // LINE_HEIGHT) + 1)


def _box(
    node: _Node,
    centre: tuple[float, float],
    size: tuple[float, float],
    stroke: str,
    prefix: str,
) -> str:
    (cx, cy), (width, height) = centre, size
    x, y = cx - width / 2, cy - height / 2
    lines, _ = _lines(node.entries, text_area(width), max_lines_for(height))
    empty = not any(clean(e) for e in node.entries)
    clip = f"{prefix}-clip-{node.key}"
    return (
        f'<g class="cycle-node cycle-{node.key}">'
        f"<title>{xml(_full_text(node.title, node.entries))}</title>"
        f'<clipPath id="{clip}"><rect x="{num(x + 2)}" y="{num(y + 2)}" '
        f'width="{num(width - 4)}" height="{num(height - 4)}"/></clipPath>'
        f'<rect x="{num(x)}" y="{num(y)}" width="{num(width)}" height="{num(height)}" '
        f'rx="10" fill="{node.fill}" stroke="{stroke}" stroke-width="1.2"/>'
        f'<text x="{num(x + PADDING)}" y="{num(y + 19)}" font-size="{HEADING_SIZE}" '
        f'font-weight="bold" fill="{TEXT_COLOUR}" clip-path="url(#{clip})">'
        f"{xml(node.title)}</text>"
        f"{_text_block(x + PADDING, y + 38, lines, empty, clip=clip)}</g>"
    )


def _point_on_ring(degrees: float) -> tuple[float, float]:
    theta = math.radians(degrees)
    return (CENTRE[0] + RADII[0] * math.cos(theta), CENTRE[1] + RADII[1] * math.sin(theta))


def _ring() -> str:
    """The ring itself, drawn behind the nodes, with an arrowhead midway between each pair."""
    parts = [
        f'<ellipse class="cycle-ring" cx="{num(CENTRE[0])}" cy="{num(CENTRE[1])}" '
        f'rx="{num(RADII[0])}" ry="{num(RADII[1])}" fill="none" stroke="{ARROW_COLOUR}" '
        f'stroke-width="2"/>'
    ]
    for i in range(6):
        degrees = -60 + 60 * i
        tip_x, tip_y = _point_on_ring(degrees)
        theta = math.radians(degrees)
        # The direction of travel (clockwise on screen): the ellipse's tangent.
        dx, dy = -RADII[0] * math.sin(theta), RADII[1] * math.cos(theta)
        length = math.hypot(dx, dy)
        ux, uy = dx / length, dy / length
        back_x, back_y = tip_x - ux * 12, tip_y - uy * 12
        left = (back_x - uy * 6, back_y + ux * 6)
        right = (back_x + uy * 6, back_y - ux * 6)
        parts.append(
            f'<path class="cycle-arrow" d="M{num(tip_x + ux * 6)},{num(tip_y + uy * 6)} '
            f'L{num(left[0])},{num(left[1])} L{num(right[0])},{num(right[1])} z" '
            f'fill="{ARROW_COLOUR}"/>'
        )
    return "".join(parts)


def ring_positions() -> list[tuple[float, float]]:
    """Centres of the six ring nodes, clockwise from the top."""
    return [_point_on_ring(-90 + 60 * i) for i in range(6)]


def describe_cycle(formulation: Formulation) -> str:
    """The whole cycle in words, for the ``<desc>``: nothing is only in the picture."""
    steps = [
        _full_text("Triggers, situations", formulation.situations),
        _full_text("Triggers between people", formulation.relational),
        *(_full_text(n.title, n.entries) for n in _nodes(formulation)[1:]),
    ]
    soothes = _full_text(PROMPTS[Part.SOOTHES].title.lower(), formulation.soothes)
    way_out = _full_text(PROMPTS[Part.ALTERNATIVES].title.lower(), formulation.alternatives)
    return (
        f"The cycle, in order. {'. '.join(steps)}. Then back to the triggers. "
        f"In the centre, {soothes}. Leading out of the cycle from the urge, {way_out}."
    )


def _defs(prefix: str) -> str:
    return (
        f'<defs><marker id="{prefix}-way-out" viewBox="0 0 10 10" refX="9" refY="5" '
        f'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{WAY_OUT_COLOUR}"/></marker></defs>'
    )


def _centre(formulation: Formulation, prefix: str) -> str:
    cx, cy = CENTRE
    title = PROMPTS[Part.SOOTHES].title
    lines, _ = _lines(formulation.soothes, CENTRE_TEXT_W, CENTRE_LINES)
    clip = f"{prefix}-clip-centre"
    empty = not any(clean(e) for e in formulation.soothes)
    top = cy - (len(lines) * LINE_HEIGHT) / 2 + 8
    return (
        f'<g class="cycle-centre"><title>{xml(_full_text(title, formulation.soothes))}</title>'
        f'<clipPath id="{clip}"><circle cx="{num(cx)}" cy="{num(cy)}" '
        f'r="{num(CENTRE_R - 3)}"/></clipPath>'
        f'<circle cx="{num(cx)}" cy="{num(cy)}" r="{num(CENTRE_R)}" fill="#fbf8f2" '
        f'stroke="{AXIS_COLOUR}" stroke-width="1" stroke-dasharray="4 4"/>'
        f'<text x="{num(cx)}" y="{num(top - 12)}" text-anchor="middle" '
        f'font-size="{HEADING_SIZE}" font-weight="bold" fill="{TEXT_COLOUR}">{xml(title)}</text>'
        f"{_text_block(cx, top + 8, lines, empty, centred=True, clip=clip)}</g>"
    )


def _way_out(formulation: Formulation, urge: tuple[float, float], prefix: str) -> str:
    node = _Node(
        "alternatives", PROMPTS[Part.ALTERNATIVES].title, formulation.alternatives, "#e1f1e7"
    )
    # As tall as its lines need, from a ring node's height up to ALT_MAX_H.
    wanted, _ = _lines(node.entries, text_area(ALT_W), 99)
    height = min(ALT_MAX_H, max(NODE_H, 46.0 + (len(wanted) - 1) * LINE_HEIGHT + 8))
    centre = (ALT_X + ALT_W / 2, urge[1])
    start = (urge[0] + NODE_W / 2 + 5, urge[1])
    end = (ALT_X - 5, urge[1])
    return (
        f'<g class="cycle-way-out">'
        f'<line x1="{num(start[0])}" y1="{num(start[1])}" x2="{num(end[0])}" '
        f'y2="{num(end[1])}" stroke="{WAY_OUT_COLOUR}" stroke-width="2.5" '
        f'stroke-dasharray="6 4" marker-end="url(#{prefix}-way-out)"/>'
        f'<text x="{num(start[0] + 2)}" y="{num(urge[1] + 20)}" '
        f'font-size="11" fill="{WAY_OUT_COLOUR}">a way out</text>'
        f"{_box(node, centre, (ALT_W, height), WAY_OUT_COLOUR, prefix)}</g>"
    )


def cycle_diagram(
    formulation: Formulation, *, title: str = "The cycle", id_prefix: str = "cycle"
) -> str:
    """The formulation as an SVG cycle diagram.

    ``id_prefix`` starts every id in the SVG (title, desc, clip paths, the arrow marker):
    give each diagram on one page its own, e.g. ``cycle-v2`` beside ``cycle-v3``.
    """
    prefix = slug(id_prefix)
    title_id, desc_id = f"{prefix}-title", f"{prefix}-desc"
    positions = ring_positions()
    parts = [
        f'<svg class="diagram cycle" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{title_id}">{xml(title)}</title>',
        f'<desc id="{desc_id}">{xml(describe_cycle(formulation))}</desc>',
        _defs(prefix),
        _ring(),
        _centre(formulation, prefix),
    ]
    for node, (cx, cy) in zip(_nodes(formulation), positions, strict=True):
        parts.append(_box(node, (cx, cy), (NODE_W, NODE_H), AXIS_COLOUR, prefix))
    parts.append(_way_out(formulation, positions[2], prefix))
    parts.append("</svg>")
    return "".join(parts)
