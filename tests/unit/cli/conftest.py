"""Shared helpers for the CLI tests: run ``attune`` in-process against real files."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest
from typer.testing import CliRunner, Result

from attune.cli.main import app

Invoke = Callable[..., Result]


@pytest.fixture
def attune(monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """Invoke the real ``attune`` app with a clean ATTUNE_* environment."""
    import os

    for name in list(os.environ):
        if name.startswith("ATTUNE_"):
            monkeypatch.delenv(name)
    runner = CliRunner()

    def invoke(args: Sequence[str], input: str | None = None) -> Result:
        return runner.invoke(app, list(args), input=input)

    return invoke
