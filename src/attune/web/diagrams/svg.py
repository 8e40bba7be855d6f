"""Small helpers shared by the diagrams: XML-safe text, numbers, and wrapping text to fit."""

from __future__ import annotations

import re
from html import escape

TEXT_COLOUR = "#2b2b2b"
MUTED_COLOUR = "#6b6b6b"
AXIS_COLOUR = "#4a4a4a"

#: Characters XML 1.0 does not allow anywhere, even escaped.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

#: Average glyph width as a share of the font size, for a sans-serif face. Generous, so
#: wrapped lines stay inside their box for most real text.
GLYPH_WIDTH = 0.54


def clean(text: str) -> str:
    """The text without characters XML cannot hold, whitespace collapsed to single spaces."""
    return " ".join(_NOT_XML.sub("", text).split())


def xml(text: str) -> str:
    """Text made safe for an SVG element or attribute: cleaned, then escaped."""
    return escape(clean(text), quote=True)


def num(value: float) -> str:
    """Coordinates with at most one decimal, so output is short and stable."""
    text = f"{value:.1f}"
    text = "0" if text == "-0.0" else text
    return text[:-2] if text.endswith(".0") else text


def chars_for(width: float, font_size: float) -> int:
    """How many characters fit on a line of this width at this font size (at least 4)."""
    return max(4, int(width / (font_size * GLYPH_WIDTH)))


def wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap to ``width`` characters; a word longer than a line is split."""
    width = max(width, 2)
    lines: list[str] = []
    line = ""
    for word in clean(text).split(" "):
        while len(word) > width:
            if line:
                lines.append(line)
                line = ""
            lines.append(word[: width - 1] + "-")
            word = word[width - 1 :]
        if not word:
            continue
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= width:
            line = f"{line} {word}"
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def fit(lines: list[str], max_lines: int, width: int) -> tuple[list[str], bool]:
    """At most ``max_lines`` lines; when cut, the last one ends with an ellipsis."""
    if len(lines) <= max_lines:
        return lines, False
    kept = lines[:max_lines]
    last = kept[-1]
    kept[-1] = (last if len(last) < width else last[: width - 1].rstrip()) + "…"
    return kept, True


def slug(text: str) -> str:
    """An id-safe slug: letters, digits and hyphens."""
    out = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in text.lower())
    return re.sub("-+", "-", out).strip("-") or "diagram"
