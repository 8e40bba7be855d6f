"""``attune simulate``: synthetic patients from the cycle simulator, written to Parquet.

The patients are made up by a model (``attune.sim.cycle``, docs/simulator.md): useful to
test and to teach with, never a prediction for any real person.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from attune.cli.instruments import format_table
from attune.sim.cycle import Schedule, draw_cohort, load_parameters, parameter_info, simulate
from attune.sim.cycle.arms import PRESETS, preset
from attune.sim.cycle.export import write_parquet
from attune.sim.cycle.parameters import default_parameters

app = typer.Typer(
    help="Synthetic patients from the cycle simulator (a model, not real people).",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def progress_bar() -> Progress:
    """The simulate commands' progress bar, on stderr (stdout keeps the summary)."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(file=sys.stderr),
        transient=True,
    )


@app.command("run")
def run_command(
    out: Path = typer.Option(..., "--out", help="Folder to write the Parquet files into."),
    patients: int = typer.Option(
        1000, "--patients", min=1, max=2_000_000, help="How many patients."
    ),
    days: int = typer.Option(365, "--days", min=1, max=3660, help="How many days each."),
    seed: int = typer.Option(2026, "--seed", help="Seed: the same seed gives the same patients."),
    arms: str = typer.Option(
        "therapy,kap",
        "--arms",
        help=f"Comma-separated arms, patients shared out in turn. Known: {', '.join(PRESETS)}.",
    ),
    params_file: Path | None = typer.Option(
        None, "--params", help="A parameter file (default: the shipped cycle_v1.json)."
    ),
    latent: bool = typer.Option(
        False, "--latent", help="Also write every day's latent states (latent.parquet)."
    ),
    threads: int = typer.Option(
        1, "--threads", min=1, max=64, help="Simulate this many blocks of patients at once."
    ),
) -> None:
    """Simulate a cohort and write it to Parquet, with the ground truth beside it.

    Writes checkins.parquet (the daily check-ins, in Attune's check-in schema),
    days.parquet (what really happened each day: use, cues, lapses, relapses),
    sessions.parquet, questionnaire_<id>.parquet (item answers Attune scores),
    patients.parquet, truth.parquet (each patient's true triggers and effect sizes) and
    manifest.json. Progress goes to stderr; a summary to stdout.
    """
    params = load_parameters(params_file) if params_file else default_parameters()
    chosen = [preset(name.strip()) for name in arms.split(",") if name.strip()]
    if not chosen:
        raise typer.BadParameter("name at least one arm", param_hint="--arms")
    cohort = draw_cohort(patients, params, seed)
    schedule = Schedule.from_arms(chosen, np.arange(patients) % len(chosen), days)
    with progress_bar() as progress:
        task = progress.add_task("simulating", total=patients * days)
        result = simulate(
            params,
            cohort,
            schedule,
            days,
            seed,
            keep_latent=latent,
            progress=lambda k: progress.advance(task, k),
            threads=threads,
        )
        writing = progress.add_task("writing", total=patients * days)
        files = write_parquet(
            result, out, latent=latent, advance=lambda k: progress.advance(writing, k)
        )
    typer.echo(
        f"{patients} patients × {days} days (seed {seed}); "
        f"check-ins completed on {result.completion():.1%} of days; "
        f"{int(result.events['used'].sum())} days of use, "
        f"{int(result.truth.lapse.sum())} lapses, {int(result.truth.relapse.sum())} relapses."
    )
    typer.echo(f"Wrote {len(files)} files to {out}.")


@app.command("parameters")
def parameters_command(
    group: str | None = typer.Option(None, "--group", help="Only this group (e.g. craving)."),
) -> None:
    """List the simulator's parameters: name, value, unit and meaning."""
    rows = [
        [info.group, name, f"{info.value:g}", info.unit, info.meaning]
        for name, info in parameter_info().items()
        if group is None or info.group == group
    ]
    if not rows:
        raise typer.BadParameter(f"no parameters in group {group!r}", param_hint="--group")
    typer.echo(format_table(["group", "name", "value", "unit", "meaning"], rows))
