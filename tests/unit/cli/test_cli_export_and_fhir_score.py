"""``attune instruments export --fhir`` and ``attune score`` on FHIR QuestionnaireResponses."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from typer.testing import Result

from attune.domain.instruments import get_instrument, list_instruments, score
from attune.fhir.questionnaire_response import to_questionnaire_response

Invoke = Callable[..., Result]


@pytest.mark.parametrize("instrument_id", [i.id for i in list_instruments()])
def test_export_prints_a_valid_r4_questionnaire(attune: Invoke, instrument_id: str) -> None:
    result = attune(["instruments", "export", instrument_id, "--fhir"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    Questionnaire.model_validate(data)  # an independent check of the R4 structure
    instrument = get_instrument(instrument_id)
    assert data["resourceType"] == "Questionnaire"
    questions = [i for i in data["item"] if i.get("type") != "display"]
    assert [i["linkId"] for i in questions] == list(instrument.item_ids)


def test_export_needs_a_format_and_a_known_instrument(attune: Invoke) -> None:
    no_format = attune(["instruments", "export", "phq9"])
    assert no_format.exit_code == 2
    assert "say which format: --fhir" in no_format.stderr
    unknown = attune(["instruments", "export", "nope", "--fhir"])
    assert unknown.exit_code == 1
    assert "no instrument 'nope'" in unknown.stderr


PHQ9_A = {f"q{i}": 1 for i in range(1, 10)}  # total 9, item 9 above zero
PHQ9_B = {f"q{i}": 2 for i in range(1, 9)} | {"q9": 0}  # total 16


def _qr(
    answers: dict[str, int | None], response_id: str, instrument: str = "phq9"
) -> dict[str, object]:
    return to_questionnaire_response(get_instrument(instrument), answers, response_id=response_id)


def test_scores_one_questionnaire_response(attune: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps(_qr(PHQ9_A, "qr-1")))
    result = attune(["score", "phq9", str(path), "--json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert row["id"] == "qr-1" and row["total"] == 9 and row["band"] == "Mild"
    assert row["flags"] == ["suicidal_ideation"]


def test_scores_a_bundle_and_a_list(attune: Invoke, tmp_path: Path) -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": _qr(PHQ9_A, "a")}, {"resource": _qr(PHQ9_B, "b")}],
    }
    as_bundle = tmp_path / "bundle.json"
    as_bundle.write_text(json.dumps(bundle))
    as_list = tmp_path / "list.json"
    as_list.write_text(json.dumps([_qr(PHQ9_A, "a"), _qr(PHQ9_B, "b")]))
    for path in (as_bundle, as_list):
        rows = json.loads(attune(["score", "phq9", str(path), "--json"]).stdout)
        assert [(r["id"], r["total"]) for r in rows] == [("a", 9), ("b", 16)]


def test_ndjson_with_bad_lines_scores_the_good_ones(attune: Invoke, tmp_path: Path) -> None:
    bad_answer = _qr(PHQ9_B, "bad")
    bad_answer["item"][0]["answer"] = [{"valueInteger": 7}]  # type: ignore[index]
    lines = [
        json.dumps(_qr(PHQ9_A, "a")),
        "{not json",
        json.dumps(
            _qr({"q1": 1, "q2": 1, "q3": 1, "q4": 1, "q5": 1, "q6": 1, "q7": 1}, "g", "gad7")
        ),
        json.dumps(bad_answer),
        "",
        json.dumps(_qr(PHQ9_B, "b")),
    ]
    path = tmp_path / "responses.ndjson"
    path.write_text("\n".join(lines) + "\n")
    result = attune(["score", "phq9", str(path), "--json", "--strict"])
    assert result.exit_code == 1  # strict: some rows are bad, all are still printed
    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows] == ["a", "line 2", "g", "bad", "b"]
    assert rows[0]["total"] == 9 and rows[4]["total"] == 16
    assert rows[1]["errors"][0].startswith("line 2: not valid JSON")
    assert rows[2]["errors"] == ["line 3: this response answers gad7, not phq9"]
    assert rows[3]["total"] is None
    assert "line 4" in rows[3]["errors"][0] and "q1" in rows[3]["errors"][0]
    assert "7 is not an allowed answer (allowed: 0 (Not at all)," in rows[3]["errors"][0]


def test_detects_json_by_content_when_the_extension_says_nothing(
    attune: Invoke, tmp_path: Path
) -> None:
    path = tmp_path / "export.dat"
    path.write_text(json.dumps(_qr(PHQ9_B, "x")))
    (row,) = json.loads(attune(["score", "phq9", str(path), "--json"]).stdout)
    expected = score(get_instrument("phq9"), PHQ9_B)
    assert row["total"] == expected.total


def test_empty_or_undecodable_json_files(attune: Invoke, tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text("  \n")
    result = attune(["score", "phq9", str(empty)])
    assert result.exit_code == 1 and "the file is empty" in result.stderr
    latin = tmp_path / "latin.json"
    latin.write_bytes('{"id": "Jos\xe9"}'.encode("latin-1"))
    result = attune(["score", "phq9", str(latin)])
    assert result.exit_code == 1 and "not UTF-8 text" in result.stderr
