"""Loading a clinic's folders of extra definitions, Questionnaires and wording overlays."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from attune.domain.errors import InvalidDefinition
from attune.domain.instruments import builtin_library, get_instrument, score
from attune.fhir.canonical import ORDINAL_VALUE
from attune.fhir.library import load_library
from attune.fhir.questionnaire import to_questionnaire

GOLDEN = Path(__file__).parents[2] / "golden" / "fhir"


def _shipped(instrument_id: str) -> dict[str, Any]:
    folder = resources.files("attune.domain.instruments") / "definitions"
    data: dict[str, Any] = json.loads((folder / f"{instrument_id}.json").read_text("utf-8"))
    return data


def _write(folder: Path, name: str, data: Any) -> Path:
    path = folder / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _craving_questionnaire() -> dict[str, Any]:
    return {
        "resourceType": "Questionnaire",
        "id": "craving-vas",
        "title": "Daily craving check",
        "status": "active",
        "item": [
            {
                "linkId": f"c{n}",
                "type": "choice",
                "text": f"Craving question {n}",
                "answerOption": [
                    {
                        "valueCoding": {"code": str(code), "display": str(code)},
                        "extension": [{"url": ORDINAL_VALUE, "valueDecimal": code}],
                    }
                    for code in range(0, 5)
                ],
            }
            for n in (1, 2)
        ],
    }


def test_folder_adds_definitions_questionnaires_and_wording(tmp_path: Path) -> None:
    _write(tmp_path, "a-clinic-gad.json", {**_shipped("gad7"), "id": "clinic_gad"})
    (tmp_path / "b-overlay.json").write_text(
        (GOLDEN / "overlay-audit-placeholder.json").read_text(encoding="utf-8"), encoding="utf-8"
    )
    _write(tmp_path, "c-plain.json", _craving_questionnaire())
    _write(tmp_path, "d-questionnaire.json", {**_craving_questionnaire(), "id": "craving2"})
    _write(
        tmp_path,
        "e-scored.json",
        {
            "questionnaire": "d-questionnaire.json",
            "id": "craving_scored",
            "abbreviation": "CRAVE",
            "scoring": {"method": "mean", "bands": [{"min": 0, "label": "Low"}]},
            "source": {"citation": "Clinic protocol 2024"},
        },
    )

    library = load_library([tmp_path])
    assert {"clinic_gad", "craving-vas", "craving_scored"} <= set(library.instruments)
    assert "craving2" not in library
    assert library.get("audit").has_wording and not get_instrument("audit").has_wording
    assert len(library.list()) == len(builtin_library().list()) + 3

    scored = library.get("craving_scored")
    assert score(scored, {"c1": 4, "c2": 1}).total == 2.5
    assert scored.source.citation == "Clinic protocol 2024"
    assert score(library.get("craving-vas"), {"c1": 4, "c2": 1}).total == 5


def test_several_folders_in_order(tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    first.mkdir()
    second.mkdir()
    _write(first, "x.json", {**_shipped("gad7"), "id": "x_gad"})
    _write(second, "y.json", {**_shipped("phq9"), "id": "y_phq"})
    library = load_library([first, second])
    assert "x_gad" in library and "y_phq" in library


def test_exported_questionnaire_with_new_id_loads_as_a_new_instrument(tmp_path: Path) -> None:
    exported = to_questionnaire(get_instrument("brs"))
    definition_ext = exported["extension"][0]
    definition = json.loads(definition_ext["valueString"])
    definition["id"] = "brs_copy"
    definition_ext["valueString"] = json.dumps(definition)
    exported["id"] = "brs_copy"
    _write(tmp_path, "brs-copy.json", exported)
    assert load_library([tmp_path]).get("brs_copy").bands == get_instrument("brs").bands


FAULTS = [
    ("shipped id", lambda d: _write(d, "x.json", _shipped("gad7")), "shipped instrument"),
    (
        "duplicate",
        lambda d: [_write(d, f"{n}.json", {**_shipped("gad7"), "id": "dup"}) for n in "ab"],
        "already defined",
    ),
    ("bad json", lambda d: (d / "x.json").write_text("{nope"), "cannot be read as JSON"),
    ("not an object", lambda d: _write(d, "x.json", [1, 2]), "JSON object"),
    (
        "broken definition",
        lambda d: _write(d, "x.json", {**_shipped("gad7"), "id": "g", "items": []}),
        "x.json",
    ),
    (
        "overlay mismatch",
        lambda d: _write(d, "x.json", {"resourceType": "Questionnaire", "id": "audit", "item": []}),
        "do not match AUDIT",
    ),
]


@pytest.mark.parametrize(("name", "make", "message"), FAULTS, ids=[f[0] for f in FAULTS])
def test_folder_problems_name_the_file(tmp_path: Path, name: str, make: Any, message: str) -> None:
    make(tmp_path)
    with pytest.raises(InvalidDefinition, match=message):
        load_library([tmp_path])


def test_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidDefinition, match="does not exist"):
        load_library([tmp_path / "nowhere"])
