"""``python -m attune.cli``: the same as the ``attune`` command."""

from attune.cli.main import app

app(prog_name="attune")
