"""The ``attune`` command line: a Typer app with one module per command group.

Each command parses its input, calls one service (or the instrument engine) and prints
the result. Errors Attune raises on purpose become a one-line message and a non-zero
exit, never a traceback (see :mod:`attune.cli.main`).
"""
