"""The cycle diagram's text, as Chromium really draws it in the page's font, keeps clear of
every box edge: the wrapping leaves the box's inner padding on both sides."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_kit import publish
from playwright.sync_api import Browser

from attune.domain.formulation import from_lines
from attune.web.diagrams.cycle import PADDING, cycle_diagram

pytestmark = pytest.mark.e2e

CSS = Path(__file__).parents[2] / "src" / "attune" / "web" / "static" / "css" / "attune.css"

#: Real-looking entries whose longest lines come close to a box's width, and harder ones:
#: capitals, wide letters, accents and one word too long for any line.
FORMULATIONS = {
    "journey": {
        "situations": "Coming home to an empty flat after a late shift",
        "relational": "My partner goes quiet after we argue",
        "feelings": "Restless\nA sense of being unwanted",
        "urge": "A strong pull to open a bottle, about 8 out of 10",
        "behaviour": "Drink most of a bottle of wine",
        "relief": "The tension goes and I can switch off",
        "cost": "Poor sleep, and I avoid my partner the next day",
        "soothes": "Feeling alone and not good enough",
        "alternatives": "Text a friend before going home\nA walk round the park before "
        "opening the door",
    },
    "hard": {
        "situations": "WHEN MUM MENTIONS MONEY AT SUNDAY LUNCH",
        "relational": "Wow, we were woken by my mom’s warm welcome",
        "feelings": "Émotions über Öffnungszeiten\nAnother momentous, awkward moment",
        "urge": "Mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm",
        "behaviour": "Watch WWE wrestling & MMA until 4 am, maybe more",
        "relief": "Nothing matters for a while, which is what I want",
        "cost": "Missed my daughter’s swimming gala — again",
        "soothes": "Memories of home",
        "alternatives": "Call my sponsor\nWrite down what I am feeling, word for word",
    },
}

#: Each box's text, measured by the browser: (class, left gap, right gap, heading?).
MEASURE = """() => Array.from(document.querySelectorAll('g.cycle-node')).flatMap(g => {
    const box = g.querySelector(':scope > rect').getBBox();
    return Array.from(g.querySelectorAll(':scope > text')).map((text, i) => {
        const b = text.getBBox();
        return [g.getAttribute('class'), b.x - box.x, box.x + box.width - (b.x + b.width), i];
    });
})"""


@pytest.mark.parametrize("name", sorted(FORMULATIONS))
def test_every_line_keeps_clear_of_its_box_edges(
    browser: Browser, tmp_path: Path, name: str
) -> None:
    svg = cycle_diagram(from_lines(FORMULATIONS[name]))
    page = browser.new_page(viewport={"width": 960, "height": 700})
    try:
        page.set_content(
            f"<!doctype html><html><head><style>{CSS.read_text()}</style></head>"
            f"<body>{svg}</body></html>"
        )
        measured = page.evaluate(MEASURE)
        shot = tmp_path / f"cycle-fit-{name}.png"
        page.locator("svg.cycle").screenshot(path=str(shot))
        publish(shot)
    finally:
        page.close()
    assert len(measured) == 2 * 7  # a heading and a body in each of the seven boxes
    for box, left, right, _ in measured:
        # The padding on the left, by construction (less a pixel for glyph side bearings).
        assert left >= PADDING - 1, (box, left)
        # At least most of the padding on the right, by the width estimate erring wide.
        assert right >= PADDING / 2, (box, right)
