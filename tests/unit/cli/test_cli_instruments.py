from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import Result

from attune.domain.instruments import get_instrument, list_instruments

Invoke = Callable[..., Result]


def test_list_shows_every_instrument_with_licence_and_wording(attune: Invoke) -> None:
    result = attune(["instruments", "list"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["id", "name", "items", "licence", "wording", "ships"]
    body = {line.split()[0]: line for line in lines[2:]}
    assert set(body) == {i.id for i in list_instruments()}
    phq9 = body["phq9"]
    assert "PHQ-9" in phq9 and " 9 " in phq9 and phq9.rstrip().endswith("yes")
    assert get_instrument("phq9").licence.name in phq9


def test_show_describes_items_scoring_codes_source_and_licence(attune: Invoke) -> None:
    result = attune(["instruments", "show", "phq9"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    phq9 = get_instrument("phq9")
    assert "Patient Health Questionnaire-9 (PHQ-9)" in out
    assert "0 = Not at all; 1 = Several days" in out
    assert "q9  Thoughts that you would be better off dead" in out
    assert "total: sum of item weights, range 0–27" in out
    assert "from 10  Moderate" in out and "from 20  Severe" in out
    assert "up to 2 unanswered item(s) are replaced by the mean" in out
    assert "q9 ≥ 1 raises 'suicidal_ideation'" in out
    assert "LOINC panel: 44249-1" in out and "LOINC total: 44261-6" in out
    assert "q9 44260-8" in out
    assert phq9.source.citation in out
    assert "item wording ships with Attune: yes" in out


def test_show_unknown_instrument_names_the_known_ones(attune: Invoke) -> None:
    result = attune(["instruments", "show", "phq10"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr.startswith("Error: no instrument 'phq10' (known: ")
    assert "phq9" in result.stderr


def test_a_clinic_folder_adds_instruments_and_wording(
    attune: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "instruments"
    folder.mkdir()
    shipped = resources.files("attune.domain.instruments") / "definitions" / "gad7.json"
    definition = json.loads(shipped.read_text("utf-8"))
    (folder / "clinic-gad.json").write_text(json.dumps({**definition, "id": "clinic_gad"}))
    overlay = Path(__file__).parents[2] / "golden" / "fhir" / "overlay-audit-placeholder.json"
    shutil.copy(overlay, folder / "audit-wording.json")

    listed = attune(["instruments", "list", "--instrument-dir", str(folder)])
    assert listed.exit_code == 0, listed.output
    assert any(line.startswith("clinic_gad ") for line in listed.stdout.splitlines())

    monkeypatch.setenv("ATTUNE_INSTRUMENT_DIR", str(folder))
    shown = attune(["instruments", "show", "audit"])
    assert shown.exit_code == 0, shown.output
    assert "Clinic wording placeholder for AUDIT item 1" in shown.stdout


def test_a_bad_clinic_folder_is_named(attune: Invoke, tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    result = attune(["instruments", "list", "--instrument-dir", str(tmp_path)])
    assert result.exit_code != 0
    assert "broken.json" in result.output
