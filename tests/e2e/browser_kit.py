"""Constants and small helpers shared by the browser tests (the fixtures are in conftest)."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from factories import ClinicSetup

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
CLINIC_PHONE = "555-0100"
CRISIS_LINE = "Crisis line: call or text 988, any time."


@dataclass(frozen=True)
class Live:
    base_url: str
    setup: ClinicSetup
    assignment_id: int
    shots: Path

    def url(self, path: str) -> str:
        return self.base_url + path

    def screenshot_path(self, name: str) -> Path:
        return self.shots / f"{name}.png"


def publish(path: Path) -> None:
    """Copy a screenshot to ATTUNE_SCREENSHOT_DIR, if set, for people to look at."""
    target = os.environ.get("ATTUNE_SCREENSHOT_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, Path(target) / path.name)
