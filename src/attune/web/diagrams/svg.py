"""Small helpers shared by the diagrams: XML-safe text, numbers, and wrapping text to fit.

SVG cannot wrap text, so the diagrams wrap it here by an estimate of each glyph's width
in a sans-serif face (Helvetica/Arial metrics, rounded up): narrow letters such as i
and l count for little, W and M for a lot, wide East Asian characters for a full em.
The estimate errs wide; the boxes also clip their text, so nothing can spill out.
"""

from __future__ import annotations

import re
import unicodedata
from html import escape

TEXT_COLOUR = "#2b2b2b"
MUTED_COLOUR = "#6b6b6b"
AXIS_COLOUR = "#4a4a4a"

#: Characters XML 1.0 does not allow anywhere, even escaped.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

#: Glyph widths in ems for ASCII, by group (Helvetica/Arial advance widths, rounded up).
_EMS: dict[str, float] = {
    **dict.fromkeys(" ijl.,:;'|!", 0.28),
    **dict.fromkeys('ftI()[]/\\-`"r', 0.36),
    **dict.fromkeys("abcdeghknopqsuvxyz0123456789?$_*+<>=^~#", 0.57),
    **dict.fromkeys("JLFTZSPEBKXYVRACDHNUG&", 0.73),
    **dict.fromkeys("wOQ%", 0.8),
    **dict.fromkeys("mM", 0.86),
    **dict.fromkeys("W@", 1.0),
}
#: Any other character that is not wide.
_DEFAULT_EM = 0.62
#: The ellipsis and the hyphen that marks a split word.
ELLIPSIS, HYPHEN = "…", "-"


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


def char_em(char: str) -> float:
    if char in _EMS:
        return _EMS[char]
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    if unicodedata.combining(char):
        return 0.0
    return _DEFAULT_EM


def text_width(text: str, font_size: float) -> float:
    """The estimated width of the text at this font size, in user units."""
    return sum(char_em(c) for c in text) * font_size


def _split_word(word: str, max_width: float, font_size: float) -> list[str]:
    """A word too long for a line, cut into pieces that fit with a hyphen after each."""
    pieces: list[str] = []
    piece = ""
    for char in word:
        if piece and text_width(piece + char + HYPHEN, font_size) > max_width:
            pieces.append(piece + HYPHEN)
            piece = ""
        piece += char
    return [*pieces, piece] if piece else pieces


def wrap(text: str, max_width: float, font_size: float) -> list[str]:
    """Greedy word wrap so each line's estimated width is at most ``max_width``."""
    lines: list[str] = []
    line = ""
    for word in clean(text).split(" "):
        if not word:
            continue
        if text_width(word, font_size) > max_width:
            if line:
                lines.append(line)
            *full, word = _split_word(word, max_width, font_size)
            lines += full
            line = word
            continue
        candidate = f"{line} {word}" if line else word
        if text_width(candidate, font_size) <= max_width:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def fit(
    lines: list[str], max_lines: int, max_width: float, font_size: float
) -> tuple[list[str], bool]:
    """At most ``max_lines`` lines; when cut, the last one ends with an ellipsis."""
    if len(lines) <= max_lines:
        return lines, False
    kept = lines[:max_lines]
    last = kept[-1]
    while last and text_width(last + ELLIPSIS, font_size) > max_width:
        last = last[:-1]
    kept[-1] = last.rstrip() + ELLIPSIS
    return kept, True


def slug(text: str) -> str:
    """An id-safe slug: letters, digits and hyphens."""
    out = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in text.lower())
    return re.sub("-+", "-", out).strip("-") or "diagram"
