"""The PostgreSQL half of the suite skips on a laptop without a server, never in CI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOBODY_THERE = "postgresql+psycopg://postgres@127.0.0.1:1/test"


def _run_smoke_test(ci: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["ATTUNE_TEST_POSTGRES_URL"] = NOBODY_THERE
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/integration/test_smoke_db.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize("ci", [False, True])
def test_an_unreachable_server_skips_locally_and_fails_in_ci(ci: bool) -> None:
    result = _run_smoke_test(ci)
    assert "1 passed" in result.stdout  # the SQLite half runs either way
    assert "no PostgreSQL server answers at" in result.stdout
    if ci:
        assert result.returncode != 0
        assert "CI=true but no PostgreSQL server" in result.stdout
    else:
        assert result.returncode == 0
        assert "1 skipped" in result.stdout
