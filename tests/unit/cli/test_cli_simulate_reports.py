"""``attune simulate calibrate`` and ``attune simulate prove`` write their HTML reports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

Invoke = Callable[..., Result]


def test_calibrate_writes_the_report_and_says_how_close(attune: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "reports" / "calibration.html"
    result = attune(["simulate", "calibrate", "--out", str(out), "--seed", "5", "--scale", "0.15"])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "not a prediction for any real" in html
    assert "KARE (Grabski et al. 2022)" in html and "Dakwar" in html and "Hull" in html
    assert "SUSTAIN-1" in html
    assert "kare_pda_difference:" in result.output
    assert f"Wrote {out}." in result.output


def test_prove_writes_the_report(attune: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "proof.html"
    result = attune(
        [
            "simulate",
            "prove",
            "--out",
            str(out),
            "--patients",
            "30",
            "--risk-patients",
            "30",
            "--seed",
            "8",
        ]
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "true top trigger" in html and "AUROC" in html
    assert "Top trigger found with 90 days of data:" in result.output
    assert "Risk score AUROC" in result.output


def test_bad_options_are_refused_with_a_clear_message(attune: Invoke, tmp_path: Path) -> None:
    result = attune(["simulate", "calibrate", "--out", str(tmp_path / "x.html"), "--scale", "0"])
    assert result.exit_code == 2
    assert "--scale" in result.output
    missing = attune(
        ["simulate", "prove", "--out", str(tmp_path / "p.html"), "--params", "nope.json"]
    )
    assert missing.exit_code != 0
    assert "nope.json" in missing.output
