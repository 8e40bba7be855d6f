"""``attune simulate calibrate`` and ``attune simulate prove``: the simulator's reports.

Both write one self-contained HTML file (charts inline, nothing loaded from anywhere)
and print a short summary. The patients are made up by a model: the reports say so at
the top, and nothing in them is a prediction for any real person.
"""

from __future__ import annotations

from pathlib import Path

import typer

from attune.cli.simulate import progress_bar
from attune.sim.cycle import default_parameters, load_parameters


def calibrate_command(
    out: Path = typer.Option(..., "--out", help="The HTML file to write."),
    seed: int = typer.Option(2026, "--seed", help="Seed: the same seed gives the same report."),
    scale: float = typer.Option(
        1.0,
        "--scale",
        min=0.01,
        max=10.0,
        help="Multiply every trial's screened cohort by this (smaller is faster, wider intervals).",
    ),
    params_file: Path | None = typer.Option(
        None, "--params", help="A parameter file (default: the shipped cycle_v1.json)."
    ),
) -> None:
    """Re-run published trials in the simulator and set each result beside the paper's.

    KARE (Grabski 2022), Dakwar 2019, Hull 2022 and SUSTAIN-1, each with its arms,
    schedule, duration and outcome; the report states how close each target lands and
    every assumption made where a paper's detail is not known.
    """
    from attune.sim.calibration import calibrate, planned_patient_days
    from attune.sim.report import write
    from attune.sim.report_calibration import (
        calibration_report,
        closeness_text,
        published_text,
        simulated_text,
    )

    params = load_parameters(params_file) if params_file else default_parameters()
    with progress_bar() as progress:
        task = progress.add_task("simulating trials", total=planned_patient_days(scale))
        outcomes = calibrate(
            params, seed=seed, scale=scale, progress=lambda k: progress.advance(task, k)
        )
    name = params_file.name if params_file else "cycle_v1.json (shipped)"
    write(calibration_report(outcomes, seed=seed, scale=scale, parameters_id=name), out)
    for outcome in outcomes:
        found = {c.target.id for c in outcome.comparisons}
        for comparison in outcome.comparisons:
            typer.echo(
                f"{comparison.target.id}: published {published_text(comparison.target)}, "
                f"simulated {simulated_text(comparison)}; {closeness_text(comparison)}"
            )
        for target in outcome.trial.targets:
            if target.id not in found:
                typer.echo(f"{target.id}: not estimable in this run (see the report)")
    typer.echo(f"Wrote {out}.")


def prove_command(
    out: Path = typer.Option(..., "--out", help="The HTML file to write."),
    seed: int = typer.Option(2026, "--seed", help="Seed: the same seed gives the same report."),
    patients: int = typer.Option(
        400, "--patients", min=20, max=20_000, help="Simulated people for the trigger question."
    ),
    risk_patients: int = typer.Option(
        400,
        "--risk-patients",
        min=20,
        max=20_000,
        help="Held-out simulated people for the relapse-risk question.",
    ),
    params_file: Path | None = typer.Option(
        None, "--params", help="A parameter file (default: the shipped cycle_v1.json)."
    ),
) -> None:
    """Check the insight engine and the relapse-risk score against simulated truth.

    The share of people whose true top trigger the insight engine names, by days of
    data (21, 30, 60, 90); the AUROC of the relapse-risk score for use in the next week
    on a held-out cohort, with intervals from resampling people.
    """
    from attune.sim.proof import planned_patient_days, risk_proof, trigger_recovery
    from attune.sim.report import write
    from attune.sim.report_proof import proof_report

    params = load_parameters(params_file) if params_file else default_parameters()
    with progress_bar() as progress:
        task = progress.add_task("simulating", total=planned_patient_days(patients, risk_patients))

        def advance(k: int) -> None:
            progress.advance(task, k)

        recovery = trigger_recovery(params, patients=patients, seed=seed, progress=advance)
        risk = risk_proof(params, patients=risk_patients, seed=seed + 1, progress=advance)
    name = params_file.name if params_file else "cycle_v1.json (shipped)"
    write(proof_report(recovery, risk, seed=seed, parameters_id=name), out)
    for row in recovery.rows:
        typer.echo(
            f"Top trigger found with {row.days} days of data: {row.found.value:.1%} "
            f"({row.found.low:.1%} to {row.found.high:.1%})"
        )
    for question in risk.questions:
        typer.echo(
            f"Risk score AUROC, {question.title.lower()}: {question.score.value:.3f} "
            f"({question.score.low:.3f} to {question.score.high:.3f})"
        )
    typer.echo(f"Wrote {out}.")
