"""Agreeing a plan (clinician agrees, patient acknowledges) and storing it as JSON."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from plan_examples import TODAY, example_plan

from attune.domain.errors import Conflict, ValidationError
from attune.domain.intake import EpisodeHistory, Intake, MentalHealthHistory
from attune.domain.kap import candidacy
from attune.domain.plan import (
    MODALITY_LABELS,
    Aftercare,
    Modality,
    PlanStatus,
    acknowledge,
    agree,
    from_dict,
    kap_summary,
    revise,
    to_dict,
    validate,
)


def test_agreed_only_when_both_have_agreed_in_either_order() -> None:
    plan = example_plan()
    assert plan.status is PlanStatus.DRAFT
    agreed = agree(plan, TODAY)
    assert agreed.status is PlanStatus.DRAFT and agreed.clinician_agreed_on == TODAY
    both = acknowledge(agreed, date(2026, 3, 3))
    assert both.status is PlanStatus.AGREED
    assert both.patient_acknowledged_on == date(2026, 3, 3)
    other_order = agree(acknowledge(plan, TODAY), TODAY)
    assert other_order.status is PlanStatus.AGREED
    assert validate(both, today=date(2026, 3, 3)) == ()


def test_agreeing_twice_is_a_conflict_and_revising_starts_a_new_draft() -> None:
    both = acknowledge(agree(example_plan(), TODAY), TODAY)
    with pytest.raises(Conflict):
        agree(both, TODAY)
    with pytest.raises(Conflict):
        acknowledge(both, TODAY)
    draft = revise(both)
    assert draft.status is PlanStatus.DRAFT
    assert draft.clinician_agreed_on is None and draft.patient_acknowledged_on is None
    assert draft.goals == both.goals


def test_every_modality_has_a_label() -> None:
    assert set(MODALITY_LABELS) == set(Modality)
    assert Modality.EMOTION_REGULATION.label == "Emotional-regulation training"


def test_json_round_trip() -> None:
    plan = acknowledge(agree(example_plan(), TODAY), TODAY)
    data = json.loads(json.dumps(to_dict(plan)))
    assert from_dict(data) == plan
    bare = replace(example_plan(), level_of_care=None, kap=None, aftercare=Aftercare())
    assert from_dict(json.loads(json.dumps(to_dict(bare)))) == bare


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("review_on",), "soon", "review_on"),
        (("status",), "done", "status"),
        (("level_of_care",), "hospital", "level_of_care"),
        (("modalities",), ["cbt", "yoga"], "modalities[1]"),
        (("goals", 0, "target", "by"), "2026-13-01", "goals[0].target.by"),
        (("goals", 0, "target", "value"), "ten", "goals[0].target.value"),
        (("goals", 0, "target", "comparison"), "under", "goals[0].target.comparison"),
        (("goals", 0, "target", "subscale"), 3, "goals[0].target.subscale"),
        (("goals", 0, "text"), None, "goals[0].text"),
        (("aftercare", "follow_up", "every_weeks"), 2.5, "aftercare.follow_up.every_weeks"),
        (("aftercare", "support_groups"), "AA", "aftercare.support_groups"),
        (("kap", "reasons"), [1], "kap.reasons"),
        (("surprise",), 1, "surprise"),
    ],
)
def test_from_dict_names_the_bad_field(path: tuple[object, ...], value: object, field: str) -> None:
    data = json.loads(json.dumps(to_dict(example_plan())))
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(ValidationError) as err:
        from_dict(data)
    assert err.value.field == field


def test_from_dict_refuses_non_objects() -> None:
    with pytest.raises(ValidationError):
        from_dict([])
    data = to_dict(example_plan())
    data["goals"] = [1]
    with pytest.raises(ValidationError) as err:
        from_dict(data)
    assert err.value.field == "goals[0]"


def test_the_kap_screen_is_kept_as_a_summary_contraindications_first() -> None:
    intake = Intake(mental_health=MentalHealthHistory(psychosis=EpisodeHistory.CURRENT))
    result = candidacy.screen(intake, today=TODAY)
    summary = kap_summary(result)
    assert summary.status == "Contraindications found"
    assert summary.label == candidacy.PRELIMINARY
    assert len(summary.reasons) == len(result.findings)
    kinds = [reason.split(":")[0] for reason in summary.reasons]
    assert kinds[0] == "Contraindication" and "Caution" in kinds
    assert kinds == sorted(kinds, key=lambda k: k != "Contraindication")
    plan = replace(example_plan(), kap=summary)
    assert from_dict(json.loads(json.dumps(to_dict(plan)))) == plan
