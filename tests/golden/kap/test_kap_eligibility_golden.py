"""Written clinical vignettes for the KAP eligibility check.

Each vignette holds a short narrative, the intake answers that differ from
``base_intake.json``, the program asked for, the measured blood pressure, the at-home
answers, a PHQ-9 (item 9's answer and how many days ago), open flags, and what a
prescriber reading the rules would expect: the outcome and EVERY reason code by
severity. The merged intake must pass intake validation, and the level-of-care safety
actions come from the real level-of-care engine, as they would in the clinic.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from attune.domain.instruments import get_instrument, score
from attune.domain.intake import Respondent, from_dict, validate
from attune.domain.kap.eligibility import (
    AtHomeAnswers,
    BloodPressure,
    Eligibility,
    EligibilityInputs,
    Outcome,
    assess,
)
from attune.domain.kap.eligibility_rules import Severity
from attune.domain.kap.program import program
from attune.domain.levelofcare import Inputs, recommend

HERE = Path(__file__).parent
NOW = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
BASE = json.loads((HERE / "base_intake.json").read_text(encoding="utf-8"))
VIGNETTES = sorted((HERE / "vignettes").glob("*.json"))
PATIENT = Respondent(today=NOW.date(), date_of_birth=date(1980, 6, 1), sex="female")


def load(path: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data


def merged_intake(changes: Mapping[str, object]) -> dict[str, object]:
    intake = {k: v for k, v in BASE.items() if not k.startswith("_")}
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(intake.get(key), dict):
            intake[key] = {**intake[key], **value}
        else:
            intake[key] = value
    return intake


def run(v: Mapping[str, object]) -> Eligibility:
    intake = from_dict(merged_intake(v["intake"]))  # type: ignore[arg-type]
    assert validate(intake, PATIENT) == (), f"{v['id']}: the vignette's intake is not valid"
    phq9 = phq9_on = None
    if "phq9" in v:
        spec = v["phq9"]
        instrument = get_instrument("phq9")
        answers = dict.fromkeys(instrument.item_ids, 1)
        answers["q9"] = spec["item9"]  # type: ignore[index]
        phq9 = score(instrument, answers)
        phq9_on = NOW.date() - timedelta(days=spec["days_ago"])  # type: ignore[index]
    flags = tuple(v.get("open_flags", ()))  # type: ignore[arg-type]
    scores = {"phq9": phq9} if phq9 is not None and phq9_on is not None else {}
    actions = recommend(Inputs(intake, NOW.date(), scores, flags)).actions
    bp = v["blood_pressure"]
    inputs = EligibilityInputs(
        intake=intake,
        program=program(str(v["program"])),
        sex=PATIENT.sex,
        blood_pressure=None if bp is None else BloodPressure(bp[0], bp[1], NOW),  # type: ignore[index]
        at_home=AtHomeAnswers(**v.get("at_home", {})),  # type: ignore[arg-type]
        open_flags=flags,
        phq9=phq9,
        phq9_on=phq9_on,
        safety_actions=actions,
    )
    return assess(inputs, NOW)


@pytest.mark.parametrize("path", VIGNETTES, ids=[p.stem for p in VIGNETTES])
def test_vignette(path: Path) -> None:
    vignette = load(path)
    assert vignette["id"] == path.stem
    assert str(vignette["narrative"]).strip()
    expected = vignette["expected"]
    assert isinstance(expected, dict)
    result = run(vignette)
    assert result.outcome is Outcome(expected["outcome"])
    for severity in Severity:
        got = sorted(r.code for r in result.with_severity(severity))
        assert got == sorted(expected[severity.value]), (severity.value, got)
    for reason in result.reasons:
        assert reason.text and reason.sources and reason.evidence, reason.code


def test_the_vignettes_cover_every_outcome_and_program() -> None:
    expectations = [load(p) for p in VIGNETTES]
    assert len(expectations) >= 15
    outcomes = {e["expected"]["outcome"] for e in expectations}  # type: ignore[index]
    assert outcomes == {o.value for o in Outcome}
    programs = {e["program"] for e in expectations}
    assert programs == {"in_office", "at_home", "spravato_in_office", "spravato_at_home"}
    for outcome in Outcome:
        count = sum(1 for e in expectations if e["expected"]["outcome"] == outcome.value)  # type: ignore[index]
        assert count >= 3, outcome
