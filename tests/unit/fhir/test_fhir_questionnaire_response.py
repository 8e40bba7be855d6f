"""QuestionnaireResponse ⇄ answers, checked with the independent fhir.resources library."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from hypothesis import given, settings
from hypothesis import strategies as st

from attune.domain.errors import (
    InvalidAnswer,
    UnknownInstrument,
    UnknownItem,
    ValidationError,
)
from attune.domain.instruments import Instrument, get_instrument, list_instruments, score
from attune.fhir.questionnaire_response import (
    load_responses,
    parse_questionnaire_response,
    to_questionnaire_response,
)

GOLDEN = Path(__file__).parents[2] / "golden" / "fhir"
WHEN = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize("instrument", list_instruments(), ids=lambda i: i.id)
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_build_then_parse_round_trips(instrument: Instrument, data: st.DataObject) -> None:
    answers = data.draw(
        st.fixed_dictionaries(
            {i.link_id: st.one_of(st.none(), st.sampled_from(i.codes)) for i in instrument.items}
        )
    )
    resource = to_questionnaire_response(
        instrument, answers, response_id="r1", authored=WHEN, subject="Patient/7"
    )
    QuestionnaireResponse.model_validate(json.loads(json.dumps(resource)))
    parsed = parse_questionnaire_response(json.loads(json.dumps(resource)))
    assert parsed.instrument_id == instrument.id
    assert dict(parsed.answers) == answers
    assert (parsed.response_id, parsed.status) == ("r1", "completed")
    assert parsed.authored == "2024-05-01T09:30:00+00:00"


def test_us_core_style_response_with_loinc_codes() -> None:
    resource = json.loads((GOLDEN / "qr-phq9-loinc-coded.json").read_text(encoding="utf-8"))
    expect = json.loads((GOLDEN / "qr-phq9-loinc-coded.expect.json").read_text())["expect"]
    QuestionnaireResponse.model_validate(resource)
    parsed = parse_questionnaire_response(resource)
    assert parsed.instrument_id == expect["instrument"]
    assert dict(parsed.answers) == expect["answers"]
    result = score(get_instrument("phq9"), parsed.answers)
    assert (result.total, result.band, list(result.flags)) == (
        expect["total"],
        expect["band"],
        expect["flags"],
    )


def _response(**changes: Any) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": "urn:attune:questionnaire:gad7|2006",
        "status": "completed",
        "item": [
            {
                "linkId": "section",
                "item": [
                    {"linkId": "q1", "answer": [{"valueInteger": 2}]},
                    {"linkId": "q2", "answer": [{"valueCoding": {"code": "3"}}]},
                ],
            }
        ],
    }
    resource.update(changes)
    return resource


def test_references_nested_items_and_plain_codes() -> None:
    parsed = parse_questionnaire_response(_response())
    assert parsed.answers["q1"] == 2 and parsed.answers["q2"] == 3 and parsed.answers["q7"] is None
    for reference in (
        "https://x.example/fhir/Questionnaire/gad7",
        "gad7",
        "http://loinc.org/q/69737-5",
    ):
        assert parse_questionnaire_response(_response(questionnaire=reference)).instrument_id == (
            "gad7"
        )


def _answer(link_id: str, answer: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"linkId": link_id, "answer": [answer]}]


SNOMED = {"valueCoding": {"system": "http://snomed.info/sct", "code": "1"}}
TWO = [{"linkId": "q1", "answer": [{"valueInteger": 1}, {"valueInteger": 2}]}]
UNKNOWN_Q = "urn:attune:questionnaire:x"
ERRORS = [
    ("not a response", {"resourceType": "Questionnaire"}, ValidationError, "Response"),
    ("no questionnaire", {"questionnaire": None}, ValidationError, "questionnaire"),
    ("unknown questionnaire", {"questionnaire": UNKNOWN_Q}, UnknownInstrument, UNKNOWN_Q),
    ("no status", {"status": None}, ValidationError, "status"),
    ("unknown item", {"item": _answer("q8", {"valueInteger": 1})}, UnknownItem, "no item 'q8'"),
    ("out of range", {"item": _answer("q1", {"valueInteger": 4})}, InvalidAnswer, "q1"),
    (
        "text answer",
        {"item": _answer("q1", {"valueString": "often"})},
        InvalidAnswer,
        r"allowed answers \(0 \(Not at all\)",
    ),
    ("foreign system", {"item": _answer("q1", SNOMED)}, InvalidAnswer, "q1"),
    ("two answers", {"item": TWO}, InvalidAnswer, "one answer"),
    ("answered twice", {"item": _answer("q1", {"valueInteger": 1}) * 2}, InvalidAnswer, "twice"),
    ("items not a list", {"item": {"linkId": "q1"}}, ValidationError, "list of objects"),
]


@pytest.mark.parametrize(
    ("name", "changes", "error", "message"), ERRORS, ids=[str(e[0]) for e in ERRORS]
)
def test_bad_responses_raise_clear_errors(
    name: str, changes: dict[str, Any], error: type[Exception], message: str
) -> None:
    resource = {k: v for k, v in _response(**changes).items() if v is not None}
    with pytest.raises(error, match=message):
        parse_questionnaire_response(resource)


def test_load_single_bundle_and_ndjson() -> None:
    one = json.dumps(_response(id="a"))
    assert [r.response_id for r in load_responses(one)] == ["a"]
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": _response(id="b")}, {"resource": _response(id="c")}],
    }
    assert [r.response_id for r in load_responses(json.dumps(bundle))] == ["b", "c"]
    ndjson = "\n".join(json.dumps(_response(id=x)) for x in "de") + "\n\n"
    assert [r.response_id for r in load_responses(ndjson)] == ["d", "e"]


def test_load_names_the_bad_line_or_entry() -> None:
    good = json.dumps(_response(id="ok"))
    bad = json.dumps(_response(item=_answer("q1", {"valueInteger": 9})))
    with pytest.raises(InvalidAnswer, match=r"^line 2: GAD-7 item q1: 9 is not"):
        load_responses(f"{good}\n{bad}\n")
    with pytest.raises(ValidationError, match="line 2: not valid JSON"):
        load_responses(f"{good}\n{{oops\n")
    bundle = {"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "Patient"}}]}
    with pytest.raises(ValidationError, match="Bundle entry 0"):
        load_responses(json.dumps(bundle))
    with pytest.raises(ValidationError, match="empty"):
        load_responses("  \n")


def test_built_response_needs_valid_answers_and_aware_time() -> None:
    gad7 = get_instrument("gad7")
    with pytest.raises(InvalidAnswer):
        to_questionnaire_response(gad7, {"q1": 7})
    with pytest.raises(ValidationError, match="timezone-aware"):
        to_questionnaire_response(gad7, {"q1": 1}, authored=datetime(2024, 5, 1))
    built = to_questionnaire_response(gad7, {"q1": 1}, base_url="https://x.example/fhir")
    assert built["questionnaire"] == "https://x.example/fhir/Questionnaire/gad7"
    assert built["item"] == [
        {
            "linkId": "q1",
            "text": gad7.items[0].text,
            "answer": [
                {
                    "valueCoding": {
                        "system": "urn:attune:answers:gad7",
                        "code": "1",
                        "display": "Several days",
                    }
                }
            ],
        }
    ]
