"""The attachment plane: anxiety × avoidance as a point on a square, drawn on the server.

``attachment_plane(current, earlier)`` is a pure function. Avoidance runs across (1–7),
anxiety up (1–7); the midpoint lines at 4 are dashed, because the middle of the answer
scale is not a validated cut-off; each quarter carries a soft caption naming the
picture it is often given; the latest result is a solid point and earlier results are
faded points joined in time order. ``<title>`` and ``<desc>`` say in words what it shows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from attune.domain.instruments.styles import MIDPOINT, SCALE, Region
from attune.web.diagrams.svg import AXIS_COLOUR, MUTED_COLOUR, TEXT_COLOUR, num, slug, xml

POINT_COLOUR = "#2d5c73"
QUADRANT_FILLS = {
    Region.SECURE: "#eef5f1",
    Region.PREOCCUPIED: "#f6f2e6",
    Region.DISMISSING: "#eef1f6",
    Region.FEARFUL: "#f5ecee",
}
#: Soft captions: two short lines per quarter, naming the picture without labelling anyone.
DEFAULT_CAPTIONS: Mapping[Region, tuple[str, str]] = {
    Region.SECURE: ("often called", "secure"),
    Region.PREOCCUPIED: ("often called", "preoccupied"),
    Region.DISMISSING: ("often called", "dismissing"),
    Region.FEARFUL: ("often called", "fearful"),
}


@dataclass(frozen=True)
class PlanePoint:
    """One result: the two means (1–7) and, optionally, when it was completed."""

    anxiety: float
    avoidance: float
    when: datetime | None = None


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _fmt_date(when: datetime) -> str:
    return f"{when.day} {when.strftime('%b %Y')}"


def _check(point: PlanePoint) -> None:
    for name, value in (("anxiety", point.anxiety), ("avoidance", point.avoidance)):
        if not SCALE[0] <= value <= SCALE[1]:
            raise ValueError(f"{name} must be between 1 and 7, got {value}")


def describe_plane(current: PlanePoint, earlier: Sequence[PlanePoint] = ()) -> str:
    """What the plane shows, in words, for its ``<desc>``."""
    when = f" on {_fmt_date(current.when)}" if current.when else ""
    text = (
        f"Attachment anxiety {_fmt(current.anxiety)} and attachment avoidance "
        f"{_fmt(current.avoidance)}{when}, each on a scale from 1 to 7. "
        "Dashed lines mark the middle of the scale, 4, which is not a cut-off."
    )
    if earlier:
        first = earlier[0]
        first_when = f" ({_fmt_date(first.when)})" if first.when else ""
        text += (
            f" {len(earlier)} earlier result{'s are' if len(earlier) > 1 else ' is'} shown "
            f"faded; the first{first_when} was anxiety {_fmt(first.anxiety)}, avoidance "
            f"{_fmt(first.avoidance)}."
        )
    return text


@dataclass(frozen=True)
class _Plane:
    left: float
    top: float
    side: float

    def x(self, avoidance: float) -> float:
        return self.left + self.side * (avoidance - SCALE[0]) / (SCALE[1] - SCALE[0])

    def y(self, anxiety: float) -> float:
        return self.top + self.side * (1 - (anxiety - SCALE[0]) / (SCALE[1] - SCALE[0]))


def _quadrants(plane: _Plane, captions: Mapping[Region, tuple[str, str]]) -> list[str]:
    mid_x, mid_y = plane.x(MIDPOINT), plane.y(MIDPOINT)
    right, bottom = plane.left + plane.side, plane.top + plane.side
    # (region, x0, y0, x1, y1): avoidance across, anxiety up.
    boxes = (
        (Region.PREOCCUPIED, plane.left, plane.top, mid_x, mid_y),
        (Region.FEARFUL, mid_x, plane.top, right, mid_y),
        (Region.SECURE, plane.left, mid_y, mid_x, bottom),
        (Region.DISMISSING, mid_x, mid_y, right, bottom),
    )
    parts: list[str] = []
    for region, x0, y0, x1, y1 in boxes:
        parts.append(
            f'<rect class="plane-region" x="{num(x0)}" y="{num(y0)}" width="{num(x1 - x0)}" '
            f'height="{num(y1 - y0)}" fill="{QUADRANT_FILLS[region]}"/>'
        )
        caption = captions.get(region)
        if caption:
            # In the quarter's outer corner, where the point is least likely to sit.
            at_left = x0 == plane.left
            at_top = y0 == plane.top
            cx = x0 + 8 if at_left else x1 - 8
            cy = y0 + 18 if at_top else y1 - 24
            anchor = "start" if at_left else "end"
            parts.append(
                f'<text class="plane-caption" x="{num(cx)}" y="{num(cy)}" '
                f'text-anchor="{anchor}" font-size="11" fill="{MUTED_COLOUR}">'
                f'<tspan x="{num(cx)}">{xml(caption[0])}</tspan>'
                f'<tspan x="{num(cx)}" dy="14">{xml(caption[1])}</tspan></text>'
            )
    return parts


def _axes(plane: _Plane) -> list[str]:
    right, bottom = plane.left + plane.side, plane.top + plane.side
    parts = [
        f'<rect x="{num(plane.left)}" y="{num(plane.top)}" width="{num(plane.side)}" '
        f'height="{num(plane.side)}" fill="none" stroke="{AXIS_COLOUR}" stroke-width="1"/>',
        f'<g class="plane-midpoint" stroke="{AXIS_COLOUR}" stroke-width="1" '
        f'stroke-dasharray="5 4">'
        f'<line x1="{num(plane.x(MIDPOINT))}" y1="{num(plane.top)}" '
        f'x2="{num(plane.x(MIDPOINT))}" y2="{num(bottom)}"/>'
        f'<line x1="{num(plane.left)}" y1="{num(plane.y(MIDPOINT))}" x2="{num(right)}" '
        f'y2="{num(plane.y(MIDPOINT))}"/></g>',
    ]
    for tick in range(int(SCALE[0]), int(SCALE[1]) + 1):
        x, y = num(plane.x(tick)), num(plane.y(tick))
        parts.append(
            f'<line x1="{x}" y1="{num(bottom)}" x2="{x}" y2="{num(bottom + 4)}" '
            f'stroke="{AXIS_COLOUR}"/>'
            f'<text x="{x}" y="{num(bottom + 17)}" text-anchor="middle" font-size="12" '
            f'fill="{TEXT_COLOUR}">{tick}</text>'
            f'<line x1="{num(plane.left - 4)}" y1="{y}" x2="{num(plane.left)}" y2="{y}" '
            f'stroke="{AXIS_COLOUR}"/>'
            f'<text x="{num(plane.left - 8)}" y="{y}" dy="4" text-anchor="end" '
            f'font-size="12" fill="{TEXT_COLOUR}">{tick}</text>'
        )
    parts.append(
        f'<text class="plane-axis-label" x="{num(plane.left + plane.side / 2)}" '
        f'y="{num(bottom + 38)}" text-anchor="middle" font-size="12" fill="{TEXT_COLOUR}">'
        "Avoidance (discomfort with closeness) →</text>"
        f'<text class="plane-axis-label" transform="translate({num(plane.left - 34)} '
        f'{num(plane.top + plane.side / 2)}) rotate(-90)" text-anchor="middle" '
        f'font-size="12" fill="{TEXT_COLOUR}">Anxiety (worry about closeness) →</text>'
    )
    return parts


def _point_title(label: str, point: PlanePoint) -> str:
    when = f" ({_fmt_date(point.when)})" if point.when else ""
    return xml(f"{label}{when}: anxiety {_fmt(point.anxiety)}, avoidance {_fmt(point.avoidance)}")


def _points(plane: _Plane, current: PlanePoint, earlier: Sequence[PlanePoint]) -> list[str]:
    parts: list[str] = []
    path = [*earlier, current]
    if earlier:
        coords = " ".join(f"{num(plane.x(p.avoidance))},{num(plane.y(p.anxiety))}" for p in path)
        parts.append(
            f'<polyline class="plane-trail" points="{coords}" fill="none" '
            f'stroke="{POINT_COLOUR}" stroke-width="1.5" stroke-opacity="0.35" '
            f'stroke-dasharray="3 3"/>'
        )
    for point in earlier:
        parts.append(
            f'<circle class="plane-point-earlier" cx="{num(plane.x(point.avoidance))}" '
            f'cy="{num(plane.y(point.anxiety))}" r="5" fill="{POINT_COLOUR}" '
            f'fill-opacity="0.3" stroke="{POINT_COLOUR}" stroke-opacity="0.45">'
            f"<title>{_point_title('Earlier', point)}</title></circle>"
        )
    parts.append(
        f'<circle class="plane-point" cx="{num(plane.x(current.avoidance))}" '
        f'cy="{num(plane.y(current.anxiety))}" r="7" fill="{POINT_COLOUR}" '
        f'stroke="#ffffff" stroke-width="2"><title>{_point_title("Latest", current)}'
        "</title></circle>"
    )
    return parts


def attachment_plane(
    current: PlanePoint,
    earlier: Sequence[PlanePoint] = (),
    *,
    title: str = "Attachment anxiety and avoidance",
    captions: Mapping[Region, tuple[str, str]] = DEFAULT_CAPTIONS,
    size: int = 360,
    id_prefix: str = "attachment-plane",
) -> str:
    """The plane as SVG. ``earlier`` are older results, oldest first, drawn faded.

    ``id_prefix`` starts the ids of the title and desc: give each plane on one page its own.
    """
    for point in (*earlier, current):
        _check(point)
    plane = _Plane(left=58, top=14, side=size - 58 - 14)
    height = round(plane.top + plane.side + 46)
    prefix = slug(id_prefix)
    title_id, desc_id = f"{prefix}-title", f"{prefix}-desc"
    parts = [
        f'<svg class="diagram attachment-plane" viewBox="0 0 {size} {height}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{title_id}">{xml(title)}</title>',
        f'<desc id="{desc_id}">{xml(describe_plane(current, earlier))}</desc>',
    ]
    parts += _quadrants(plane, captions)
    parts += _axes(plane)
    parts += _points(plane, current, earlier)
    parts.append("</svg>")
    return "".join(parts)
