"""The engine-proof report: insight and relapse-risk engines against simulated truth."""

from __future__ import annotations

from attune.sim.estimators import Estimate, roc_points
from attune.sim.proof import CLOSE, ENGINE_ID, HORIZON, RISK_FIRST_DAY, RiskProof, TriggerRecovery
from attune.sim.report import Figure, Paragraph, Report, Section, Table
from attune.sim.report_svg import PALETTE, Axis, Line, line_chart
from attune.sim.targets import EMA_ANCHORS


def _share(estimate: Estimate) -> str:
    return f"{estimate.value * 100:.1f}% ({estimate.low * 100:.1f}% to {estimate.high * 100:.1f}%)"


def _auroc(estimate: Estimate) -> str:
    return f"{estimate.value:.3f} ({estimate.low:.3f} to {estimate.high:.3f})"


def _recovery_section(recovery: TriggerRecovery) -> Section:
    rows = recovery.rows
    xs = tuple(float(r.days) for r in rows)
    lines = (
        Line(
            "95% interval (same predictor)",
            xs,
            tuple(r.found.high for r in rows),
            PALETTE[0],
            lower=tuple(r.found.low for r in rows),
        ),
        Line("Same predictor", xs, tuple(r.found.value for r in rows), PALETTE[0]),
        Line(
            "Same or a close tag", xs, tuple(r.close.value for r in rows), PALETTE[2], dashed=True
        ),
        Line("Nothing clear named", xs, tuple(r.silent.value for r in rows), PALETTE[1]),
        Line("Something else named", xs, tuple(r.other.value for r in rows), PALETTE[3]),
    )
    chart = line_chart(
        key="recovery",
        title="Share of simulated people whose true top trigger the insight engine names",
        desc="; ".join(
            f"{r.days} days: {r.found.value * 100:.0f}% found, "
            f"{r.silent.value * 100:.0f}% nothing clear"
            for r in rows
        ),
        lines=lines,
        x=Axis(float(min(xs)), float(max(xs)), "Days of data", ticks=xs),
        y=Axis(0.0, 1.0, "Share of people", percent=True),
    )
    mapping = "; ".join(
        f"{name} → {ENGINE_ID[name]}"
        + (f" (close: {', '.join(sorted(CLOSE[name]))})" if CLOSE[name] else "")
        for name in ENGINE_ID
    )
    return Section(
        "Does the insight engine find each person's true top trigger?",
        (
            Paragraph(
                f"{rows[0].patients:,} simulated people, each given 21, 30, 60 and 90 "
                "calendar days of their own check-ins (about "
                f"{recovery.completion * 100:.0f}% of days checked in, missing more often "
                "on days of use). The engine's top trigger is the predictor most clearly "
                "followed by more craving the next day; the truth is the simulator's "
                "predictor with the largest effect on next-day craving per usual "
                "day-to-day swing. The engine needs 21 check-ins before it says anything, "
                "so at 21 calendar days most people do not yet have enough."
            ),
            Table(
                "True top trigger found, by days of data (95% Wilson intervals)",
                (
                    "Days of data",
                    "Enough check-ins",
                    "Same predictor",
                    "Same or close",
                    "Nothing clear named",
                    "Something else named",
                ),
                tuple(
                    (
                        str(r.days),
                        f"{r.enough_data} of {r.patients}",
                        _share(r.found),
                        _share(r.close),
                        _share(r.silent),
                        _share(r.other),
                    )
                    for r in rows
                ),
            ),
            Figure(chart, "The blue band is the 95% interval of the share found."),
            Table(
                f"People by true top trigger, and how many the engine named with "
                f"{rows[-1].days} days of data",
                ("True top trigger", "People", "Named", "Share named"),
                tuple(
                    (name, str(count), str(hit), f"{hit / count * 100:.0f}%")
                    for name, count, hit in recovery.by_trigger
                ),
            ),
            Paragraph(f"How the simulator's predictors read as the engine's: {mapping}."),
        ),
    )


def _roc_figure(risk: RiskProof) -> Figure:
    lines = [Line("Chance", (0.0, 1.0), (0.0, 1.0), "#9a9a9a", dashed=True)]
    for index, question in enumerate(risk.questions):
        fpr, tpr = roc_points(question.roc_scores, question.roc_labels)
        lines.append(
            Line(
                f"{question.title} (AUROC {question.score.value:.2f})",
                tuple(float(v) for v in fpr),
                tuple(float(v) for v in tpr),
                PALETTE[index % len(PALETTE)],
            )
        )
    svg = line_chart(
        key="roc",
        title="ROC curves of the relapse-risk score for use in the next week",
        desc="; ".join(f"{q.title}: AUROC {q.score.value:.2f}" for q in risk.questions),
        lines=tuple(lines),
        x=Axis(0.0, 1.0, "Weeks without use flagged (false-positive rate)", percent=True),
        y=Axis(0.0, 1.0, "Weeks with use flagged (true-positive rate)", percent=True),
        height=420,
    )
    return Figure(svg, "Each point is one cut-off of the score; the grey line is a coin toss.")


def _risk_section(risk: RiskProof) -> Section:
    t = risk.thresholds
    blocks: list[Paragraph | Table | Figure] = [
        Paragraph(
            "A held-out cohort, drawn with its own seed; the score's default weights were "
            "tuned on separate simulated cohorts (seeds 9101 and 9202, "
            "attune.sim.risk_tuning), so nothing was tuned on these people. "
            f"From day {RISK_FIRST_DAY} every person is scored "
            "once a week using only the check-ins up to that day; the label is whether "
            f"they really used in the next {HORIZON} days (the simulator knows, even when "
            f"no check-in was made). About {risk.completion * 100:.0f}% of days were "
            "checked in. Intervals resample whole people, since one person's weeks are "
            "not independent."
        ),
        Table(
            "AUROC for use in the next week (95% intervals by resampling people)",
            (
                "Question",
                "Person-weeks",
                "People",
                "Weeks with use",
                "Risk score",
                "Days of reported use last week, alone",
            ),
            tuple(
                (
                    q.title,
                    f"{q.person_weeks:,}",
                    f"{q.patients:,}",
                    f"{q.events:,}",
                    _auroc(q.score),
                    _auroc(q.reported_use),
                )
                for q in risk.questions
            ),
        ),
        Table(
            f"Weeks flagged at Attune's starting levels (medium ≥ {t.medium}, high ≥ {t.high} "
            "points)",
            ("Question", "Level", "Weeks with use flagged", "Weeks without use flagged"),
            tuple(
                (q.title, level, f"{hit * 100:.1f}%", f"{false * 100:.1f}%")
                for q in risk.questions
                for level, hit, false in q.flagged
            ),
        ),
        _roc_figure(risk),
        Table(
            "AUROC for any use in the next week, by group (the published studies found "
            "accuracy differed between groups of people)",
            ("Group", "People", "Person-weeks", "Risk score AUROC"),
            tuple(
                (
                    g.group,
                    str(g.people),
                    f"{g.person_weeks:,}",
                    _auroc(g.score) if g.score is not None else "not estimable (one outcome only)",
                )
                for g in risk.groups
            ),
        ),
        Paragraph(
            "For context only, published accuracies of lapse prediction from self-reports "
            "(these studies used several prompts a day and models fitted to many features; "
            "they are not a bar the simple points score is expected to meet):"
        ),
        Table(
            "Published AUROCs for lapse prediction (evidence file, section 2)",
            ("Study", "Setting", "AUROC", "Source"),
            tuple((a.study, a.setting, a.auroc, a.source) for a in EMA_ANCHORS),
        ),
    ]
    return Section("Does the relapse-risk score rank next-week lapses?", tuple(blocks))


def proof_report(
    recovery: TriggerRecovery, risk: RiskProof, *, seed: int, parameters_id: str
) -> Report:
    return Report(
        title="Attune's insight and relapse-risk engines against simulated truth",
        facts=(
            f"Parameters: {parameters_id}",
            f"Seed: {seed} (the trigger cohort) and {seed + 1} (the held-out risk cohort)",
            "Each simulated person's true triggers and true daily use come from the "
            "cycle simulator; the engines see only the check-ins a person would make.",
        ),
        sections=(_recovery_section(recovery), _risk_section(risk)),
    )
