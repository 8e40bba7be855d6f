"""``attune simulate run`` writes Parquet in the check-in schema, with the truth beside it."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq  # type: ignore[import-untyped]
from typer.testing import Result

from attune.domain.instruments import get_instrument
from attune.domain.instruments.batch import score_table
from attune.domain.intake.model import AddictionType, AmountUnit
from attune.domain.monitoring.checkin import CheckIn, Safety, Use, validate_checkin

Invoke = Callable[..., Result]


def _checkin(row: dict[str, object]) -> CheckIn:
    uses = tuple(
        Use(AddictionType(u["what"]), u["amount"], AmountUnit(u["unit"]), u["detail"])
        for u in row["uses"]  # type: ignore[attr-defined]
    )
    fields = {f.name for f in dataclasses.fields(CheckIn)}
    values = {k: v for k, v in row.items() if k in fields}
    values["uses"] = uses
    values["triggers"] = tuple(row["triggers"])  # type: ignore[call-overload]
    values["coping"] = tuple(row["coping"])  # type: ignore[call-overload]
    values["safety"] = Safety(row["safety"])
    return CheckIn(**values)  # type: ignore[arg-type]


def test_run_writes_every_file(attune: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "sim"
    result = attune(
        [
            "simulate",
            "run",
            "--patients",
            "40",
            "--days",
            "60",
            "--seed",
            "3",
            "--out",
            str(out),
            "--arms",
            "none,kap",
            "--latent",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "40 patients × 60 days" in result.stdout
    names = {p.name for p in out.iterdir()}
    expected = {"checkins", "days", "latent", "sessions", "patients", "truth", "questionnaire_phq9"}
    assert {f"{n}.parquet" for n in expected} <= names
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 3 and manifest["patients"] == 40
    assert "not a prediction for any real person" in manifest["note"]

    checkins = pq.read_table(out / "checkins.parquet")
    schema_fields = [f.name for f in dataclasses.fields(CheckIn)]
    assert checkins.column_names == ["patient", *schema_fields]
    rows = checkins.to_pylist()
    assert 0.6 < len(rows) / (40 * 60) < 0.9
    for row in rows[:300]:
        validate_checkin(_checkin(row), today=date(2030, 1, 1))

    days = pq.read_table(out / "days.parquet")
    assert days.num_rows == 40 * 60
    truth = pq.read_table(out / "truth.parquet").to_pylist()
    assert len(truth) == 40 and all(t["top_trigger"] for t in truth)
    sessions = pq.read_table(out / "sessions.parquet").to_pylist()
    assert {s["kind"] for s in sessions} == {"therapy", "dose", "integration"}
    assert all(s["patient"] % 2 == 1 for s in sessions)  # only the kap arm has sessions

    phq9 = pq.read_table(out / "questionnaire_phq9.parquet")
    instrument = get_instrument("phq9")
    table = [[r[i] for i in instrument.item_ids] for r in phq9.to_pylist()]
    assert score_table(instrument, table).scored.all()


def test_the_same_seed_writes_the_same_checkins(attune: Invoke, tmp_path: Path) -> None:
    for name in ("a", "b"):
        args = [
            "simulate",
            "run",
            "--patients",
            "15",
            "--days",
            "30",
            "--out",
            str(tmp_path / name),
        ]
        assert attune(args).exit_code == 0
    a = pq.read_table(tmp_path / "a" / "checkins.parquet")
    b = pq.read_table(tmp_path / "b" / "checkins.parquet")
    assert a.equals(b)


def test_an_unknown_arm_is_refused_by_name(attune: Invoke, tmp_path: Path) -> None:
    result = attune(["simulate", "run", "--out", str(tmp_path), "--arms", "therapy,magic"])
    assert result.exit_code == 1
    assert "no arm called 'magic'" in result.output


def test_a_bad_parameter_file_is_refused_naming_the_key(attune: Invoke, tmp_path: Path) -> None:
    bad = tmp_path / "params.json"
    bad.write_text(
        json.dumps({"parameters": {"stress_base": {"value": 4, "unit": "p", "meaning": "m"}}})
    )
    result = attune(["simulate", "run", "--out", str(tmp_path / "o"), "--params", str(bad)])
    assert result.exit_code == 1
    assert "is missing" in result.output


def test_parameters_lists_meanings_and_units(attune: Invoke) -> None:
    result = attune(["simulate", "parameters", "--group", "ketamine"])
    assert result.exit_code == 0, result.output
    assert "plasticity_halflife" in result.stdout and "days" in result.stdout
    assert attune(["simulate", "parameters", "--group", "nothing"]).exit_code == 2
