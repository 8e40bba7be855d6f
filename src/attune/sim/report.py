"""A self-contained HTML report: headings, paragraphs, tables and inline SVG figures.

The file opens in any browser with no network: the styles sit in the document and the
charts are inline SVG from :mod:`attune.sim.report_svg`. Every report starts with the
same plain statement of what the numbers are (:data:`MODEL_NOTICE`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

#: Said at the top of every report and on the teaching page.
MODEL_NOTICE = (
    "Everything here comes from a simulation: a model of the cycle of craving and use, "
    "built for teaching and for testing Attune. It is not a prediction for any real "
    "person, and the people in it are made up."
)


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Table:
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Figure:
    svg: str
    caption: str


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: tuple[Paragraph | Table | Figure, ...]


@dataclass(frozen=True)
class Report:
    title: str
    #: Short lines under the title: seed, cohort sizes, version of the parameters …
    facts: tuple[str, ...]
    sections: tuple[Section, ...]


_STYLE = """
body{font-family:system-ui,sans-serif;color:#2b2b2b;max-width:980px;margin:2rem auto;
padding:0 1rem;line-height:1.5}
h1{font-size:1.7rem;margin-bottom:.3rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd}
.notice{background:#fff7e0;border-left:4px solid #e69f00;padding:.7rem 1rem;margin:1rem 0}
.facts{color:#555;font-size:.9rem;padding-left:1.2rem}
table{border-collapse:collapse;margin:1rem 0;font-size:.92rem;width:100%}
caption{text-align:left;font-weight:600;margin-bottom:.3rem}
th,td{border:1px solid #ccc;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f2f4f6}figure{margin:1.2rem 0}figcaption{font-size:.9rem;color:#444}
svg{max-width:100%;height:auto}
"""


def _block(block: Paragraph | Table | Figure) -> str:
    if isinstance(block, Paragraph):
        return f"<p>{escape(block.text)}</p>"
    if isinstance(block, Figure):
        return f"<figure>{block.svg}<figcaption>{escape(block.caption)}</figcaption></figure>"
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in block.headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in block.rows
    )
    return (
        f"<table><caption>{escape(block.caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def render(report: Report) -> str:
    """The whole report as one HTML document."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(report.title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(report.title)}</h1>",
        f'<p class="notice"><strong>A model, not a prediction.</strong> {escape(MODEL_NOTICE)}</p>',
    ]
    if report.facts:
        items = "".join(f"<li>{escape(fact)}</li>" for fact in report.facts)
        parts.append(f'<ul class="facts">{items}</ul>')
    for section in report.sections:
        parts.append(f"<section><h2>{escape(section.heading)}</h2>")
        parts.extend(_block(block) for block in section.blocks)
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write(report: Report, path: Path) -> Path:
    """Write the report to ``path`` (parent folders are made) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(report), encoding="utf-8")
    return path


def percent(value: float, digits: int = 1) -> str:
    return f"{value * 100:.{digits}f}%"


def interval_text(low: float, high: float, *, as_percent: bool, digits: int = 2) -> str:
    if as_percent:
        return f"{percent(low)} to {percent(high)}"
    return f"{low:.{digits}f} to {high:.{digits}f}"


def rows_of(*rows: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(row) for row in rows)
