"""Written clinical vignettes: each one's intake and scores give the expected level,
dimension ratings, reasons and safety actions.

Each vignette file holds a short narrative, the intake answers that differ from
``base_intake.json``, the item answers of each questionnaire (scored by the real engine),
and what a clinician reading the rules would expect. The merged intake must itself pass
intake validation, so every vignette is a consistent, complete intake.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from pathlib import Path

import pytest

from attune.domain.instruments import get_instrument, score
from attune.domain.instruments.model import Score, ScoringContext
from attune.domain.intake import Respondent, from_dict, validate
from attune.domain.levelofcare import Inputs, Level, Recommendation, recommend

HERE = Path(__file__).parent
TODAY = date(2025, 3, 1)
BASE = json.loads((HERE / "base_intake.json").read_text(encoding="utf-8"))
VIGNETTES = sorted((HERE / "vignettes").glob("*.json"))
DEFAULT_PATIENT = {"date_of_birth": "1985-06-01", "sex": "female"}


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


def score_of(instrument_id: str, spec: Mapping[str, object], sex: str | None) -> Score:
    instrument = get_instrument(instrument_id)
    answers = spec["answers"]
    if isinstance(answers, list):
        assert len(answers) == len(instrument.items), instrument_id
        codes = dict(zip(instrument.item_ids, answers, strict=True))
    else:
        assert isinstance(answers, dict)
        codes = {i: answers["fill"] for i in instrument.item_ids}
        codes.update(answers.get("set", {}))
    result = score(instrument, codes, context=ScoringContext(sex=sex))
    if "total" in spec:
        assert result.total == spec["total"], f"{instrument_id} total"
    if "band" in spec:
        assert result.band == spec["band"], f"{instrument_id} band"
    return result


def run(vignette: Mapping[str, object]) -> Recommendation:
    patient = {**DEFAULT_PATIENT, **vignette.get("patient", {})}  # type: ignore[dict-item]
    intake = from_dict(merged_intake(vignette["intake"]))  # type: ignore[arg-type]
    respondent = Respondent(
        today=TODAY, date_of_birth=date.fromisoformat(patient["date_of_birth"]), sex=patient["sex"]
    )
    problems = validate(intake, respondent)
    assert problems == (), f"{vignette['id']}: the vignette's intake is not valid: {problems}"
    scores = {
        i: score_of(i, spec, patient["sex"])
        for i, spec in vignette["scores"].items()  # type: ignore[attr-defined]
    }
    return recommend(
        Inputs(intake, TODAY, scores, tuple(vignette.get("open_flags", ())))  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("path", VIGNETTES, ids=[p.stem for p in VIGNETTES])
def test_vignette(path: Path) -> None:
    vignette = load(path)
    assert vignette["id"] == path.stem
    assert str(vignette["narrative"]).strip()
    expected = vignette["expected"]
    assert isinstance(expected, dict)
    result = run(vignette)

    got_ratings = {d.dimension.value: d.rating for d in result.dimensions}
    assert got_ratings == expected["ratings"]
    assert result.level is Level(expected["level"])
    assert sorted(a.value for a in result.actions) == sorted(expected["safety_actions"])
    # The explanation shown: the reasons for the level, then each dimension's reasons.
    shown = result.reasons + tuple(r for d in result.dimensions for r in d.reasons)
    for phrase in expected["reasons_include"]:
        assert any(phrase in r for r in shown), (phrase, shown)
    for dimension, phrases in expected.get("evidence_include", {}).items():
        evidence = next(d.evidence for d in result.dimensions if d.dimension.value == dimension)
        for phrase in phrases:
            assert phrase in evidence, (phrase, evidence)
    for dimension, phrases in expected.get("context_include", {}).items():
        context = next(d.context for d in result.dimensions if d.dimension.value == dimension)
        for phrase in phrases:
            assert any(phrase in c for c in context), (phrase, context)
    assert result.rules_version == "1.0.0"


def test_the_vignettes_span_every_level_and_every_safety_action() -> None:
    expectations = [load(p)["expected"] for p in VIGNETTES]
    assert len(expectations) >= 30
    levels = {e["level"] for e in expectations}  # type: ignore[index]
    assert levels == {level.value for level in Level}
    actions = {a for e in expectations for a in e["safety_actions"]}  # type: ignore[index]
    assert actions == {
        "same_day_safety_assessment",
        "medically_supervised_withdrawal",
        "urgent_psychiatric_assessment",
    }
    for level in Level:
        count = sum(1 for e in expectations if e["level"] == level.value)  # type: ignore[index]
        assert count >= 3, level


def test_every_vignette_expects_a_reason_and_all_six_ratings() -> None:
    for path in VIGNETTES:
        expected = load(path)["expected"]
        assert expected["reasons_include"], path.stem  # type: ignore[index]
        assert len(expected["ratings"]) == 6, path.stem  # type: ignore[index]
