"""Instrument ⇄ FHIR R4 Questionnaire, checked with the independent fhir.resources library."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire

from attune.domain.errors import InvalidDefinition
from attune.domain.instruments import Instrument, get_instrument, list_instruments, score
from attune.fhir.canonical import EXT_WORDING, ORDINAL_VALUE
from attune.fhir.questionnaire import (
    apply_wording,
    questionnaire_to_definition,
    questionnaire_to_instrument,
    to_questionnaire,
)

GOLDEN = Path(__file__).parents[2] / "golden" / "fhir"
INSTRUMENTS = list_instruments()


def _json(data: Any) -> Any:
    return json.loads(json.dumps(data))


def _item(q: dict[str, Any], link_id: str) -> dict[str, Any]:
    return next(i for i in q["item"] if i["linkId"] == link_id)


@pytest.mark.parametrize("instrument", INSTRUMENTS, ids=lambda i: i.id)
def test_export_is_a_valid_r4_questionnaire(instrument: Instrument) -> None:
    exported = _json(to_questionnaire(instrument))
    parsed = Questionnaire.model_validate(exported)
    questions = [i for i in parsed.item if i.type == "choice"]
    assert [i.linkId for i in questions] == list(instrument.item_ids)
    for fhir_item, item in zip(questions, instrument.items, strict=True):
        weights = [
            float(next(e.valueDecimal for e in o.extension if e.url == ORDINAL_VALUE))
            for o in fhir_item.answerOption
        ]
        assert weights == [o.weight for o in item.options]
    assert parsed.copyright and instrument.licence.name in parsed.copyright


@pytest.mark.parametrize("instrument", INSTRUMENTS, ids=lambda i: i.id)
def test_export_then_import_gives_the_same_instrument(instrument: Instrument) -> None:
    assert questionnaire_to_instrument(_json(to_questionnaire(instrument))) == instrument


def test_export_details() -> None:
    phq9 = to_questionnaire(get_instrument("phq9"))
    assert phq9["url"] == "urn:attune:questionnaire:phq9"
    assert phq9["code"] == [
        {"system": "http://loinc.org", "code": "44249-1", "display": phq9["title"]}
    ]
    first = _item(phq9, "q1")
    assert first["code"] == [{"system": "http://loinc.org", "code": "44250-9"}]
    assert first["answerOption"][0]["valueCoding"]["code"] == "LA6568-5"
    assert first["extension"] == [{"url": EXT_WORDING, "valueCode": "published"}]
    assert _item(phq9, "instructions")["type"] == "display"

    audit = to_questionnaire(get_instrument("audit"), base_url="https://clinic.example/fhir/")
    assert audit["url"] == "https://clinic.example/fhir/Questionnaire/audit"
    assert "code" not in audit
    q2 = _item(audit, "q2")
    assert q2["text"] == "Typical quantity"
    assert q2["extension"] == [{"url": EXT_WORDING, "valueCode": "topic-label"}]
    assert q2["enableWhen"] == [
        {
            "question": "q1",
            "operator": "!=",
            "answerCoding": {"system": "urn:attune:answers:audit", "code": "0"},
        }
    ]
    assert "topic label" in str(audit["copyright"]) and "topic labels" in str(audit["description"])
    q9 = _item(audit, "q9")
    assert [o["valueCoding"]["code"] for o in q9["answerOption"]] == ["0", "2", "4"]

    ecrr = to_questionnaire(get_instrument("ecrr"))
    reversed_item = _item(ecrr, "q9")["answerOption"]
    assert [o["extension"][0]["valueDecimal"] for o in reversed_item] == [7, 6, 5, 4, 3, 2, 1]
    assert [o["valueCoding"]["code"] for o in reversed_item] == [str(c) for c in range(1, 8)]


def _foreign_phq9() -> dict[str, Any]:
    """A PHQ-9 Questionnaire as another system might publish it: LOINC codes, ordinals."""
    codes = ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"]
    return {
        "resourceType": "Questionnaire",
        "id": "phq9-elsewhere",
        "name": "PHQ9Elsewhere",
        "title": "PHQ-9 from elsewhere",
        "status": "active",
        "code": [{"system": "http://loinc.org", "code": "44249-1"}],
        "item": [
            {
                "linkId": "group",
                "type": "group",
                "item": [
                    {
                        "linkId": f"/{n}",
                        "type": "choice",
                        "text": f"Question {n}",
                        "answerOption": [
                            {
                                "valueCoding": {"system": "http://loinc.org", "code": code},
                                "extension": [{"url": ORDINAL_VALUE, "valueDecimal": weight}],
                            }
                            for weight, code in enumerate(codes)
                        ],
                    }
                    for n in range(1, 10)
                ],
            }
        ],
    }


def test_import_a_foreign_questionnaire_with_overrides() -> None:
    plain = questionnaire_to_instrument(_foreign_phq9())
    assert plain.id == "phq9-elsewhere" and plain.loinc_panel == "44249-1"
    assert plain.item_ids[0] == "/1" and plain.items[0].options[3].weight == 3
    assert plain.items[0].options[3].system_code == "LA6571-9"
    assert plain.bands == () and plain.licence.wording_ships is False
    assert score(plain, {i: 2 for i in plain.item_ids}).total == 18

    scoring = {"method": "sum", "bands": [{"min": 0, "label": "Low"}, {"min": 10, "label": "High"}]}
    banded = questionnaire_to_instrument(
        _foreign_phq9(), overrides={"id": "clinic_phq", "scoring": scoring}
    )
    assert banded.id == "clinic_phq"
    assert score(banded, {i: 2 for i in banded.item_ids}).band == "High"


BAD_QUESTIONNAIRES = [
    ("not a questionnaire", lambda q: q.update(resourceType="Patient"), "Questionnaire"),
    (
        "free-text item",
        lambda q: q["item"][0]["item"][0].update(type="string"),
        "only 'choice' items",
    ),
    (
        "no answer options",
        lambda q: q["item"][0]["item"][0].pop("answerOption"),
        "needs answerOption",
    ),
    (
        "text code without ordinal",
        lambda q: q["item"][0]["item"][0]["answerOption"][0].pop("extension"),
        "integer code or an ordinalValue",
    ),
    (
        "fractional ordinal",
        lambda q: q["item"][0]["item"][0]["answerOption"][0]["extension"][0].update(
            valueDecimal=0.5
        ),
        "whole number",
    ),
]


@pytest.mark.parametrize(("name", "breaks", "message"), BAD_QUESTIONNAIRES, ids=lambda x: x)
def test_unusable_questionnaires_are_refused(name: Any, breaks: Any, message: Any) -> None:
    questionnaire = _foreign_phq9()
    breaks(questionnaire)
    with pytest.raises(InvalidDefinition, match=message):
        questionnaire_to_instrument(questionnaire)


def test_definition_overrides_replace_top_level_keys() -> None:
    definition = questionnaire_to_definition(_foreign_phq9(), overrides={"title": "Renamed"})
    assert definition["title"] == "Renamed" and definition["id"] == "phq9-elsewhere"


def _overlay() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (GOLDEN / "overlay-audit-placeholder.json").read_text(encoding="utf-8")
    )
    return data


def test_wording_overlay_adds_text_and_keeps_scoring() -> None:
    audit = get_instrument("audit")
    worded = apply_wording(audit, _overlay())
    assert worded.has_wording and not audit.has_wording
    assert worded.items[0].text == "Clinic wording placeholder for AUDIT item 1"
    assert worded.items[0].topic == audit.items[0].topic
    assert worded.instructions == "Clinic instructions placeholder."
    assert worded.wording_source == "https://clinic.example/fhir/Questionnaire/audit-wording"
    answers = {"q1": 0, "q9": 0, "q10": 4}
    assert score(worded, answers) == score(audit, answers)
    exported = to_questionnaire(worded)
    assert _item(exported, "q1")["extension"][0]["valueCode"] == "clinic"
    assert questionnaire_to_instrument(_json(exported)) == worded


def _with_options(instrument: Instrument) -> dict[str, Any]:
    exported = _json(to_questionnaire(instrument))
    for item in exported["item"]:
        if item["type"] == "choice":
            item["text"] = f"Wording for {item['linkId']}"
            item["extension"] = []
    return exported


def test_overlay_may_relabel_matching_options() -> None:
    ecrr = get_instrument("ecrr")
    overlay = _with_options(ecrr)
    overlay["item"][0]["answerOption"][1]["valueCoding"]["display"] = "Disagree"
    worded = apply_wording(ecrr, overlay)
    assert worded.items[0].options[1].label == "Disagree"
    assert worded.items[8].options[0].weight == 7


MISMATCHES = [
    ("missing item", lambda q: q["item"].pop(), "missing q10"),
    ("extra item", lambda q: q["item"].append({"linkId": "q11", "type": "choice"}), "q11"),
    ("reordered", lambda q: q["item"].insert(1, q["item"].pop(2)), "in that order"),
    ("no text", lambda q: q["item"][3].pop("text"), "wording"),
]


@pytest.mark.parametrize(("name", "breaks", "message"), MISMATCHES, ids=lambda x: x)
def test_overlay_refuses_mismatched_structure(name: Any, breaks: Any, message: Any) -> None:
    overlay = _overlay()
    breaks(overlay)
    with pytest.raises(InvalidDefinition, match=message):
        apply_wording(get_instrument("audit"), overlay)


def test_overlay_refuses_different_option_weights() -> None:
    ecrr = get_instrument("ecrr")
    overlay = _with_options(ecrr)
    for option in _item(overlay, "q9")["answerOption"]:
        option["extension"][0]["valueDecimal"] = int(option["valueCoding"]["code"])
    with pytest.raises(InvalidDefinition, match=r"item q9: answer option 1 .*weight 7"):
        apply_wording(ecrr, overlay)

    fewer = _with_options(ecrr)
    _item(fewer, "q1")["answerOption"].pop()
    with pytest.raises(InvalidDefinition, match="6 answer options given"):
        apply_wording(ecrr, fewer)


def test_overlay_needs_a_questionnaire() -> None:
    with pytest.raises(InvalidDefinition):
        apply_wording(get_instrument("audit"), copy.deepcopy({"resourceType": "Bundle"}))


def test_overlay_can_carry_a_translation_with_standard_codes() -> None:
    answers = ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"]
    labels = ["Nunca", "Varios días", "Más de la mitad de los días", "Casi todos los días"]
    translation = {
        "resourceType": "Questionnaire",
        "id": "phq9",
        "url": "https://clinic.example/fhir/Questionnaire/phq9-es",
        "item": [
            {
                "linkId": f"q{n}",
                "type": "choice",
                "text": f"Pregunta {n}",
                "answerOption": [
                    {"valueCoding": {"system": "http://loinc.org", "code": c, "display": d}}
                    for c, d in zip(answers, labels, strict=True)
                ],
            }
            for n in range(1, 10)
        ],
    }
    phq9 = get_instrument("phq9")
    spanish = apply_wording(phq9, translation)
    assert [o.label for o in spanish.items[8].options] == labels
    assert spanish.items[8].text == "Pregunta 9" and spanish.critical == phq9.critical
    wrong = copy.deepcopy(translation)
    wrong["item"][0]["answerOption"][0]["valueCoding"]["code"] = "LA6571-9"
    with pytest.raises(InvalidDefinition, match="item q1: answer option LA6571-9"):
        apply_wording(phq9, wrong)
