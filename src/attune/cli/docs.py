"""Write the command-line reference (docs/cli.md) from the commands' own ``--help`` text.

``python -m attune.cli.docs`` prints it; ``python -m attune.cli.docs --write`` replaces
docs/cli.md. A test checks that the file in the repository matches, so the reference
changes with the code.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import typer
from typer.core import TyperGroup
from typer.main import get_command

from attune.cli.main import app

#: Help is rendered at a fixed width so the file does not depend on the terminal.
WIDTH = 88

INTRO = """\
# Command-line reference

The `attune` command runs the clinic's server, sets up its database and staff logins,
scores files of questionnaire responses and creates a demo clinic. Settings come from
`ATTUNE_*` environment variables (see [settings.md](settings.md)); they are read once,
when a command first needs them, so `attune instruments` and `attune score` work without
any settings at all.

When something is wrong (an unknown instrument, a file that cannot be read, a bad
setting, a database that is not set up) the command prints `Error:` and what is wrong on
stderr, and exits with a non-zero status: 1 when the command could not do what was asked,
2 when the command line or a setting is wrong. It never prints a traceback for these.

This file is generated from each command's `--help` by `python -m attune.cli.docs`
(`make docs`); edit the help texts in `src/attune/cli/`, not this file.
"""


def _walk(
    command: typer.core.TyperCommand | TyperGroup, ctx: typer.Context
) -> Iterator[tuple[str, str]]:
    yield ctx.command_path, command.get_help(ctx)
    if isinstance(command, TyperGroup):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is None or sub.hidden:
                continue
            sub_ctx = typer.Context(
                sub, info_name=name, parent=ctx, terminal_width=WIDTH, max_content_width=WIDTH
            )
            yield from _walk(sub, sub_ctx)  # type: ignore[arg-type]


def render() -> str:
    """The whole of docs/cli.md."""
    root = get_command(app)
    ctx = typer.Context(root, info_name="attune", terminal_width=WIDTH, max_content_width=WIDTH)
    parts = [INTRO]
    for path, help_text in _walk(root, ctx):  # type: ignore[arg-type]
        parts.append(f"## `{path}`\n\n```text\n{help_text.rstrip()}\n```\n")
    return "\n".join(parts)


def main(argv: list[str]) -> int:
    text = render()
    if argv == ["--write"]:
        target = Path(__file__).resolve().parents[3] / "docs" / "cli.md"
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target}")
    elif argv:
        print("usage: python -m attune.cli.docs [--write]", file=sys.stderr)
        return 2
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
