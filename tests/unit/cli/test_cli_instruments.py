from __future__ import annotations

from collections.abc import Callable

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
