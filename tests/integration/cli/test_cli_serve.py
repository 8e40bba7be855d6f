"""``attune serve`` starts the real app on a migrated database and answers over HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import httpx
from typer.testing import Result

Invoke = Callable[..., Result]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_on_the_configured_port(run_attune: Invoke, tmp_path: Path) -> None:
    assert run_attune(["db", "upgrade"]).exit_code == 0
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATTUNE_")}
    env.update(
        {
            "ATTUNE_DATA_DIR": str(tmp_path / "data"),
            "ATTUNE_PORT": str(port),
            "ATTUNE_SECRET_KEY": "k" * 40,
        }
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "attune.cli", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(120, proc.kill)  # a safety net, not a timing assertion
    watchdog.start()
    try:
        assert proc.stderr is not None
        seen = []
        for line in proc.stderr:
            seen.append(line)
            if "Application startup complete" in line:
                break
        else:
            raise AssertionError("the server did not start:\n" + "".join(seen))
        assert httpx.get(f"http://127.0.0.1:{port}/login", timeout=10).status_code == 200
    finally:
        watchdog.cancel()
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert f"Serving Attune at http://127.0.0.1:{port}" in out


def test_serve_refuses_the_built_in_secret_outside_dev_mode(run_attune: Invoke) -> None:
    result = run_attune(["serve"], env={"ATTUNE_DEV_MODE": "false"})
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: invalid settings: ATTUNE_SECRET_KEY must be set")
    assert "Traceback" not in result.output
