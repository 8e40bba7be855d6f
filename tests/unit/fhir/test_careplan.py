"""TreatmentPlan -> FHIR R4 CarePlan, checked with the independent fhir.resources library."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.goal import Goal as FhirGoal
from hypothesis import given, settings
from hypothesis import strategies as st

from attune.domain.levelofcare import Level
from attune.domain.plan import (
    Aftercare,
    Comparison,
    FollowUp,
    Goal,
    KapCandidacySummary,
    Modality,
    Target,
    TreatmentPlan,
    acknowledge,
    agree,
)
from attune.fhir.careplan import (
    AFTERCARE_SYSTEM,
    LEVEL_OF_CARE_SYSTEM,
    MODALITY_SYSTEM,
    to_careplan,
)

TODAY = date(2026, 3, 2)
PLAN = TreatmentPlan(
    goals=(
        Goal(
            "Stop feeling so low in the mornings",
            Target("phq9", Comparison.BELOW, 10, date(2026, 6, 1)),
        ),
        Goal("Drink less", Target("audit", Comparison.AT_OR_BELOW, 7, date(2026, 9, 1))),
        Goal(
            "Feel safer when people go quiet",
            Target("ecrr", Comparison.BELOW, 4.5, date(2026, 12, 1), subscale="anxiety"),
        ),
        Goal("Bounce back better", Target("brs", Comparison.AT_OR_ABOVE, 3, date(2026, 12, 1))),
    ),
    review_on=date(2026, 6, 1),
    modalities=(Modality.MOTIVATIONAL_INTERVIEWING, Modality.DBT, Modality.FAMILY),
    level_of_care=Level.INTENSIVE_OUTPATIENT,
    kap=KapCandidacySummary(
        "Cautions found",
        ("Caution: blood pressure is high but controlled",),
        "Preliminary screen from the intake only.",
    ),
    aftercare=Aftercare(
        support_groups=("Thursday peer group",),
        sober_community=("Recovery choir",),
        follow_up=FollowUp(every_weeks=2, starts_on=date(2026, 6, 8), occasions=6),
        notes="Keep using the daily check-in",
    ),
    addresses=("Alcohol use", "Low mood"),
)


def export(plan: TreatmentPlan = PLAN, **kwargs: Any) -> dict[str, Any]:
    cp = to_careplan(plan, patient_reference="Patient/p-17", **kwargs)
    return json.loads(json.dumps(cp))  # type: ignore[no-any-return]


def validated(data: dict[str, Any]) -> CarePlan:
    return CarePlan.model_validate(data)


def test_a_draft_plan_is_a_valid_r4_careplan() -> None:
    data = export(plan_id="plan-3", created=datetime(2026, 3, 2, 10, tzinfo=UTC), start=TODAY)
    parsed = validated(data)
    assert (parsed.status, parsed.intent) == ("draft", "plan")
    assert parsed.id == "plan-3"
    assert parsed.subject.reference == "Patient/p-17"
    assert str(parsed.period.start) == "2026-03-02"
    assert data["created"] == "2026-03-02T10:00:00+00:00"
    assert [a.display for a in parsed.addresses] == ["Alcohol use", "Low mood"]
    assert (
        data["description"]
        == "Treatment plan at the intensive outpatient level of care with 4 goals."
    )


def test_an_agreed_plan_is_active_from_the_agreement_date() -> None:
    agreed = acknowledge(agree(PLAN, TODAY), date(2026, 3, 4))
    parsed = validated(export(agreed))
    assert parsed.status == "active"
    assert str(parsed.period.start) == "2026-03-02"
    assert {g["lifecycleStatus"] for g in export(agreed)["contained"]} == {"active"}


def test_goals_are_contained_and_referenced_with_measurable_targets() -> None:
    data = export()
    parsed = validated(data)
    assert [g.reference for g in parsed.goal] == ["#goal-1", "#goal-2", "#goal-3", "#goal-4"]
    goals = [FhirGoal.model_validate(g) for g in data["contained"]]
    assert [g.description.text for g in goals] == [g.text for g in PLAN.goals]
    assert all(g.lifecycleStatus == "proposed" for g in goals)
    assert all(g.expressedBy.reference == "Patient/p-17" for g in goals)

    phq, audit, ecrr, brs = (g.target[0] for g in goals)
    # PHQ-9 has a LOINC total code; the others point to their Questionnaire canonical.
    assert (phq.measure.coding[0].system, phq.measure.coding[0].code) == (
        "http://loinc.org",
        "44261-6",
    )
    assert phq.measure.text == "PHQ-9 total"
    assert (float(phq.detailQuantity.value), phq.detailQuantity.comparator) == (10.0, "<")
    assert str(phq.dueDate) == "2026-06-01"
    assert (audit.measure.coding[0].system, audit.measure.coding[0].code) == (
        "urn:attune:questionnaire:audit",
        "total",
    )
    assert audit.detailQuantity.comparator == "<="
    assert (ecrr.measure.coding[0].system, ecrr.measure.coding[0].code) == (
        "urn:attune:questionnaire:ecrr",
        "anxiety",
    )
    assert ecrr.measure.text == "ECR-R attachment anxiety"
    assert float(ecrr.detailQuantity.value) == 4.5
    assert brs.detailQuantity.comparator == ">="


def test_questionnaire_canonicals_follow_the_server_base_url() -> None:
    data = export(base_url="https://clinic.example/fhir")
    audit = data["contained"][1]["target"][0]["measure"]["coding"][0]
    assert audit["system"] == "https://clinic.example/fhir/Questionnaire/audit"


def test_modalities_aftercare_and_review_are_activities() -> None:
    parsed = validated(export())
    details = [a.detail for a in parsed.activity]
    assert all(d.status == "not-started" for d in details)
    modalities = [d for d in details if d.code.coding[0].system == MODALITY_SYSTEM]
    assert [d.code.coding[0].code for d in modalities] == [
        "motivational-interviewing",
        "dbt",
        "family-therapy",
    ]
    assert all(d.kind == "ServiceRequest" for d in modalities)
    assert modalities[1].description == "Dialectical behaviour therapy (DBT)"
    aftercare = {
        d.code.coding[0].code: d for d in details if d.code.coding[0].system == AFTERCARE_SYSTEM
    }
    assert aftercare["support-group"].description == "Support group: Thursday peer group"
    assert aftercare["sober-community"].description == "Sober community: Recovery choir"
    repeat = aftercare["follow-up"].scheduledTiming.repeat
    assert (repeat.frequency, float(repeat.period), repeat.periodUnit, repeat.count) == (
        1,
        2.0,
        "wk",
        6,
    )
    assert str(repeat.boundsPeriod.start) == "2026-06-08"
    assert aftercare["follow-up"].kind == "Appointment"
    assert str(aftercare["plan-review"].scheduledPeriod.start) == "2026-06-01"


def test_level_of_care_is_the_category_and_kap_is_a_note() -> None:
    parsed = validated(export())
    category = parsed.category[0]
    assert (category.coding[0].system, category.coding[0].code) == (
        LEVEL_OF_CARE_SYSTEM,
        "intensive_outpatient",
    )
    assert category.text == "Level of care: Intensive outpatient"
    notes = [n.text for n in parsed.note]
    assert notes[0].startswith("KAP candidacy (preliminary): Cautions found.")
    assert "- Caution: blood pressure is high but controlled" in notes[0]
    assert notes[0].endswith("Preliminary screen from the intake only.")
    assert notes[1] == "Aftercare: Keep using the daily check-in"


def test_a_minimal_plan_is_still_valid() -> None:
    minimal = TreatmentPlan(goals=PLAN.goals[:1], review_on=date(2026, 6, 1))
    data = export(minimal)
    parsed = validated(data)
    assert "category" not in data and "note" not in data and "period" not in data
    assert [a.detail.code.coding[0].code for a in parsed.activity] == ["plan-review"]
    assert data["description"] == "Treatment plan with 1 goal."


@settings(deadline=None, max_examples=40)  # never a timing assertion
@given(
    st.text(min_size=1, max_size=300).filter(lambda t: t.strip()),
    st.sampled_from(list(Comparison)),
    st.integers(min_value=1, max_value=26),
    st.sampled_from(list(Modality)),
)
def test_any_goal_text_and_target_exports_validly(
    text: str, comparison: Comparison, value: int, modality: Modality
) -> None:
    goal = Goal(text, Target("phq9", comparison, value, date(2026, 6, 1)))
    plan = replace(PLAN, goals=(goal,), modalities=(modality,))
    data = export(plan)
    validated(data)
    assert data["contained"][0]["description"]["text"] == text


@pytest.mark.parametrize("level", list(Level))
def test_every_level_of_care_exports(level: Level) -> None:
    parsed = validated(export(replace(PLAN, level_of_care=level)))
    assert parsed.category[0].coding[0].code == level.value
