"""Run the real ``attune`` command in-process against real databases (SQLite, PostgreSQL)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from attune.cli.main import app

Invoke = Callable[..., Result]


def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("ATTUNE_") and name != "ATTUNE_TEST_POSTGRES_URL":
            monkeypatch.delenv(name)


@pytest.fixture
def run_attune(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Invoke:
    """``run_attune(args, input=None, env={...})``: dev mode, data under tmp_path."""
    clean_environment(monkeypatch)
    runner = CliRunner()

    def invoke(
        args: Sequence[str], input: str | None = None, env: dict[str, str] | None = None
    ) -> Result:
        full_env = {"ATTUNE_DEV_MODE": "true", "ATTUNE_DATA_DIR": str(tmp_path / "data")}
        full_env.update(env or {})
        return runner.invoke(app, list(args), input=input, env=full_env)

    return invoke


@pytest.fixture
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all (parametrise indirectly with sqlite/postgresql)."""
    if request.param == "sqlite":
        yield f"sqlite:///{(tmp_path / 'empty' / 'attune.db').as_posix()}"
        return
    server = request.getfixturevalue("postgres_server")
    from psycopg import sql

    name = f"{server.template.removesuffix('_tpl')}_empty_{next(server.counter)}"
    server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield server.url_for(name)
    finally:
        server.drop_database(name)
