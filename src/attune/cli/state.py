"""What every command shares: the settings, built once from the environment on first use.

Settings are not built for commands that need none (``attune instruments``, ``attune
score``), so those work on a machine with no ``ATTUNE_SECRET_KEY``. ``attune demo`` builds
them with ``dev_mode`` forced on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pydantic
import typer

from attune.config import Settings
from attune.domain.instruments import InstrumentLibrary
from attune.fhir.library import load_library

#: The clinic's instrument folder, for commands that need no other setting (the same
#: ATTUNE_INSTRUMENT_DIR the app reads through Settings).
INSTRUMENT_DIR_OPTION = typer.Option(
    None,
    "--instrument-dir",
    envvar="ATTUNE_INSTRUMENT_DIR",
    file_okay=False,
    help="A folder of the clinic's own instrument files (wording or whole instruments).",
)


def clinic_library(instrument_dir: Path | None) -> InstrumentLibrary:
    """The shipped instruments plus the clinic's folder, if one is given."""
    return load_library([instrument_dir] if instrument_dir else [])


class ConfigurationError(Exception):
    """The environment holds a setting Attune cannot use (the CLI exits with status 2)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def describe_settings_error(exc: pydantic.ValidationError) -> str:
    """One readable line per problem, naming the environment variable."""
    lines = []
    for error in exc.errors():
        loc = [str(part) for part in error.get("loc", ()) if part != "__root__"]
        message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
        if loc:
            lines.append(f"ATTUNE_{loc[0].upper()}: {message}")
        else:
            lines.append(message)
    return "invalid settings: " + "; ".join(lines)


@dataclass
class CliState:
    """Passed to every command through ``ctx.obj``."""

    overrides: dict[str, object] = field(default_factory=dict)
    _settings: Settings | None = None

    def settings(self, **overrides: object) -> Settings:
        """The Settings, built from the environment the first time a command asks."""
        if self._settings is None:
            try:
                self._settings = Settings(**{**self.overrides, **overrides})  # type: ignore[arg-type]
            except pydantic.ValidationError as exc:
                raise ConfigurationError(describe_settings_error(exc)) from None
        return self._settings


def get_state(ctx: typer.Context) -> CliState:
    """The shared state, from the root context (created if a test invokes a sub-app)."""
    root = ctx.find_root()
    if not isinstance(root.obj, CliState):
        root.obj = CliState()
    return root.obj
