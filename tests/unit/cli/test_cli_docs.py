"""The reference docs stay true: docs/cli.md is generated, docs/settings.md covers Settings."""

from __future__ import annotations

import re
from pathlib import Path

from attune.cli import docs
from attune.config import DEV_SECRET, Settings

DOCS = Path(__file__).resolve().parents[3] / "docs"


def test_cli_reference_is_up_to_date() -> None:
    current = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert current == docs.render(), (
        "docs/cli.md is out of date: run `python -m attune.cli.docs --write` (or `make docs`)"
    )


def test_cli_reference_covers_every_command() -> None:
    text = docs.render()
    for command in [
        "attune instruments list",
        "attune instruments show",
        "attune score",
        "attune demo",
        "attune serve",
        "attune db upgrade",
        "attune user create",
        "attune audit verify",
    ]:
        assert f"## `{command}`" in text


def _documented_rows() -> dict[str, str]:
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    rows = {}
    for line in text.splitlines():
        match = re.match(r"\| `(ATTUNE_[A-Z_]+)` \| (.*?) \| (.+) \|$", line)
        if match:
            rows[match.group(1)] = match.group(2)
    return rows


def _expected_default(value: object) -> str:
    if value is None:
        return "unset"
    if value == DEV_SECRET:
        return "built-in development key"
    if value == "":
        return "empty"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value}`"


def test_every_setting_is_documented_with_its_default() -> None:
    rows = _documented_rows()
    for name, field in Settings.model_fields.items():
        variable = f"ATTUNE_{name.upper()}"
        assert variable in rows, f"{variable} is not documented in docs/settings.md"
        assert rows[variable] == _expected_default(field.default), variable


def test_settings_page_names_only_real_settings() -> None:
    real = {f"ATTUNE_{name.upper()}" for name in Settings.model_fields}
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    mentioned = set(re.findall(r"ATTUNE_[A-Z_]+", text))
    assert mentioned <= real, f"docs/settings.md names unknown settings: {mentioned - real}"
