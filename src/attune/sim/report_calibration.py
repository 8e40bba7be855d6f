"""The calibration report: each trial-shaped run beside the published numbers.

:func:`calibration_report` turns the outcomes of :func:`attune.sim.calibration.calibrate`
into a :class:`~attune.sim.report.Report`: a summary table (published, simulated with
its 95% interval, how close), then one section per trial with the published design,
the scenario as simulated (with every assumption Attune made), a chart of published
against simulated values and a chart of the arms over time.
"""

from __future__ import annotations

from collections.abc import Sequence

from attune.sim.calibration import Closeness, Comparison, TrialOutcome
from attune.sim.report import Figure, Paragraph, Report, Section, Table
from attune.sim.report_svg import PALETTE, Axis, IntervalRow, Line, interval_chart, line_chart
from attune.sim.targets import Scale, Target


def value_text(value: float, scale: Scale) -> str:
    if scale is Scale.SHARE:
        return f"{value * 100:.1f}%"
    if scale is Scale.DIFFERENCE:
        return f"{value * 100:+.1f} points"
    return f"{value:.2f}"


def published_text(target: Target) -> str:
    text = value_text(target.value, target.scale)
    if target.low is not None and target.high is not None:
        text += (
            f" ({value_text(target.low, target.scale)} to {value_text(target.high, target.scale)})"
        )
    return text


def simulated_text(comparison: Comparison) -> str:
    s = comparison.simulated
    scale = comparison.target.scale
    return (
        f"{value_text(s.value, scale)} ({value_text(s.low, scale)} to {value_text(s.high, scale)})"
    )


def closeness_text(comparison: Comparison) -> str:
    scale = comparison.target.scale
    gap = comparison.gap
    gap_text = f"{gap:+.2f}" if scale is Scale.RATIO else f"{gap * 100:+.1f} percentage points"
    if comparison.closeness is Closeness.OUTSIDE:
        where = (
            "outside the published interval"
            if comparison.target.low is not None
            else "the published value lies outside the simulation's 95% interval"
        )
    else:
        where = comparison.closeness.value
    return f"{where}; simulated minus published {gap_text}"


def _axis_for(comparisons: Sequence[Comparison]) -> Axis:
    target = comparisons[0].target
    values = [c.target.value for c in comparisons] + [c.simulated.value for c in comparisons]
    values += [c.simulated.low for c in comparisons] + [c.simulated.high for c in comparisons]
    values += [v for c in comparisons for v in (c.target.low, c.target.high) if v is not None]
    if target.scale is Scale.RATIO:
        high = max(2.0, max(values) * 1.1)
        return Axis(0.0, high, "Hazard ratio (below 1: fewer relapses when continuing)")
    if target.scale is Scale.SHARE:
        return Axis(0.0, 1.0, "Share of people", percent=True)
    low = min(-0.1, min(values) - 0.05)
    high = max(0.5, max(values) + 0.05)
    return Axis(round(low, 1), round(high, 1), "Difference in share of days", percent=True)


def _interval_figures(outcome: TrialOutcome) -> list[Figure]:
    """One chart per kind of number (shares, differences, ratios) the trial reports."""
    figures: list[Figure] = []
    for scale in Scale:
        same = [c for c in outcome.comparisons if c.target.scale is scale]
        if not same:
            continue
        rows: list[IntervalRow] = []
        for comparison in same:
            t, s = comparison.target, comparison.simulated
            rows.append(IntervalRow(f"Published: {_short(t)}", t.value, t.low, t.high, PALETTE[6]))
            rows.append(IntervalRow(f"Simulated: {_short(t)}", s.value, s.low, s.high, PALETTE[0]))
        svg = interval_chart(
            key=f"cal-{outcome.trial.id}-{scale.value}",
            title=f"{outcome.trial.title}: published and simulated",
            desc="; ".join(
                f"{_short(c.target)}: published {published_text(c.target)}, "
                f"simulated {simulated_text(c)}"
                for c in same
            ),
            rows=rows,
            x=_axis_for(same),
        )
        figures.append(
            Figure(
                svg,
                "Black: the published value (with its interval where the paper gives one). "
                "Blue: the simulation, with its 95% interval.",
            )
        )
    return figures


def _short(target: Target) -> str:
    return {
        "kare_pda_difference": "ketamine+therapy − saline+education",
        "kare_pda_ketamine": "ketamine − saline",
        "kare_pda_level": "ketamine+therapy arm",
        "sustain1_relapse_continue": "relapsed, continuing",
        "sustain1_relapse_withdraw": "relapsed, placebo",
        "dakwar_abstinence": "ketamine arm",
        "dakwar_abstinence_control": "midazolam arm",
        "hull_phq9_response": "PHQ-9 halved",
        "sustain1_hazard_ratio": "relapse hazard ratio",
    }.get(target.id, target.id)


def _curve_figure(outcome: TrialOutcome) -> Figure | None:
    if not outcome.curves:
        return None
    xs = [x for c in outcome.curves for x in c.xs]
    ys = [y for c in outcome.curves for y in c.ys]
    share = outcome.curve_axis.startswith("Share")
    y_axis = (
        Axis(0.0, 1.0, outcome.curve_axis, percent=True)
        if share
        else Axis(0.0, max(5.0, float(int(max(ys)) + 2)), outcome.curve_axis)
    )
    lines = tuple(
        Line(
            c.label,
            c.xs,
            tuple(c.ys),
            PALETTE[i % len(PALETTE)],
            step=outcome.trial.id == "sustain1",
        )
        for i, c in enumerate(outcome.curves)
    )
    svg = line_chart(
        key=f"curve-{outcome.trial.id}",
        title=f"{outcome.trial.title}: {outcome.curve_axis.lower()} by arm",
        desc=f"{outcome.curve_axis} over time for "
        + ", ".join(c.label for c in outcome.curves)
        + ".",
        lines=lines,
        x=Axis(min(xs), max(xs), outcome.curve_x_axis),
        y=y_axis,
    )
    return Figure(svg, f"{outcome.curve_axis} in the simulated trial, by arm.")


def _trial_section(outcome: TrialOutcome) -> Section:
    trial = outcome.trial
    blocks: list[Paragraph | Table | Figure] = [
        Paragraph(f"Published design: {trial.targets[0].design}"),
        Paragraph(f"Source: {trial.targets[0].study}, {trial.targets[0].source}."),
        Paragraph(f"Simulated population: {trial.population_text}"),
        Paragraph(f"Inclusion: {outcome.inclusion_text}"),
        Paragraph(f"Outcome: {trial.outcome_text}"),
        Table(
            "Arms as simulated",
            ("Arm", "People", "Ketamine days", "Therapy days", "Integration days"),
            tuple(
                (
                    label,
                    str(size),
                    _days(arm.ketamine_days),
                    _days(arm.therapy_days),
                    _days(arm.integration_days),
                )
                for (label, size), arm in zip(outcome.arm_sizes, trial.arms, strict=False)
            ),
        ),
        Paragraph(
            f"Screened {outcome.screened:,} simulated people over a 28-day lead-in; "
            f"{outcome.included:,} met the inclusion rule (the published trial had "
            f"N={trial.published_n:,})."
        ),
    ]
    blocks.extend(Paragraph(f"Assumption: {text}") for text in trial.assumptions)
    blocks.extend(Paragraph(f"Note: {text}") for text in outcome.notes)
    if outcome.comparisons:
        blocks.append(_comparison_table(outcome.comparisons, "Published and simulated"))
    else:
        blocks.append(
            Paragraph(
                "The simulation could not estimate this target: too few people met the "
                "inclusion rule or every event fell in one arm. Nothing is shown in its place."
            )
        )
    blocks.extend(_interval_figures(outcome))
    curve = _curve_figure(outcome)
    if curve is not None:
        blocks.append(curve)
    for target in trial.targets:
        if target.note:
            blocks.append(Paragraph(f"Also published ({_short(target)}): {target.note}"))
    return Section(trial.title, tuple(blocks))


def _days(days: tuple[int, ...]) -> str:
    if not days:
        return "none"
    if len(days) > 8:
        return f"{len(days)} days, from day {days[0]} to day {days[-1]}"
    return ", ".join(str(d) for d in days)


def _comparison_table(comparisons: Sequence[Comparison], caption: str) -> Table:
    return Table(
        caption,
        ("Study", "Outcome", "Published", "Simulated (95% interval)", "How close", "Source"),
        tuple(
            (
                c.target.study,
                c.target.outcome,
                published_text(c.target),
                simulated_text(c),
                closeness_text(c),
                c.target.source,
            )
            for c in comparisons
        ),
    )


def calibration_report(
    outcomes: Sequence[TrialOutcome], *, seed: int, scale: float, parameters_id: str
) -> Report:
    comparisons = [c for o in outcomes for c in o.comparisons]
    inside = sum(c.closeness is not Closeness.OUTSIDE for c in comparisons)
    summary: list[Paragraph | Table | Figure] = [
        Paragraph(
            "Each published trial is re-run in the cycle simulator with the trial's arms, "
            "schedule, duration and outcome, and the simulated result is set beside the "
            "published one. A close match means the model behaves like those trials on "
            "that outcome; it does not make the model true, and a miss says where the "
            "model's assumptions part from what the trials found."
        ),
        Paragraph(
            f"{inside} of {len(comparisons)} simulated estimates land inside the published "
            "interval (or, where the paper gives no interval, hold the published value "
            "inside their own 95% interval)."
        ),
        _comparison_table(comparisons, "Every calibration target"),
        *(
            Paragraph(
                f"Not estimable in this run: {t.study}, {t.outcome} (published "
                f"{published_text(t)}). Too few simulated people met the inclusion rule, "
                "or every event fell in one arm."
            )
            for o in outcomes
            for t in o.trial.targets
            if t.id not in {c.target.id for c in o.comparisons}
        ),
        Paragraph(
            "Intervals: a difference of means uses a normal (Welch) approximation; a share "
            "a Wilson interval; a hazard ratio a Cox model (Breslow ties) with a Wald "
            "interval. Published intervals are as reported. 'Points' are percentage "
            "points of days or of people."
        ),
    ]
    return Report(
        title="Attune cycle simulator: calibration against published trials",
        facts=(
            f"Parameters: {parameters_id}",
            f"Seed: {seed}; cohort scale: {scale:g}",
            "Sources: the project's evidence file (research/evidence.md), cited per target.",
        ),
        sections=(
            Section("Summary", tuple(summary)),
            *(_trial_section(outcome) for outcome in outcomes),
        ),
    )
