"""Small helpers shared by the diagrams: XML-safe text, numbers, and wrapping text to fit.

SVG cannot wrap text, so the diagrams wrap it here by an estimate of each glyph's width:
narrow letters such as i and l count for little, W and M for a lot, wide East Asian
characters for a full em. The diagrams take the page's sans-serif face, which differs by
system, so each width is the wider of two common faces, rounded up: DejaVu Sans (what
``system-ui`` and ``sans-serif`` give on many Linux systems, and one of the widest) and
Liberation Sans (metrically the same as Arial and close to Helvetica). The estimate
therefore errs wide; the boxes also clip their text, so nothing can spill out.
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

#: Glyph widths in ems, by group: the wider of DejaVu Sans and Liberation Sans (Arial
#: metrics), rounded up to the group's width.
_EMS: dict[str, float] = {
    **dict.fromkeys("'ijlI", 0.3),
    **dict.fromkeys(" ,.:;/\\|‘’", 0.34),
    **dict.fromkeys("ft-()[]!r", 0.42),
    **dict.fromkeys('"*J`“”', 0.52),
    **dict.fromkeys("szc?L_–", 0.56),
    **dict.fromkeys("kvxy•", 0.6),
    **dict.fromkeys("FTaeo$0123456789bdghnpqu{}", 0.64),
    **dict.fromkeys("EKPSYABVXZ", 0.69),
    **dict.fromkeys("CRUNH", 0.76),
    **dict.fromkeys("&DGOQ", 0.79),
    **dict.fromkeys("w#+<=>^~", 0.84),
    **dict.fromkeys("M", 0.87),
    **dict.fromkeys("%mW…—", 1.0),
    **dict.fromkeys("@", 1.02),
}
#: Any other character that is not wide (an accented letter counts as its base letter).
_DEFAULT_EM = 0.8
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
    base = unicodedata.normalize("NFD", char)[0]
    if base != char and base in _EMS:
        return _EMS[base]  # é as e, Ö as O
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
