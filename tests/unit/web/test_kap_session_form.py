"""The in-office session's forms read into domain values, and the vitals timeline."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from attune.domain.errors import FormErrors
from attune.domain.kap.session import Disposition, Route, SessionRecord
from attune.domain.kap.session_events import AdverseEventKind, Severity
from attune.domain.kap.vitals import VitalsReading, default_protocol, timeline_warnings
from attune.web.pages.kap_session_form import (
    read_discharge,
    read_event,
    read_rating,
    read_start,
    read_vitals,
    timeline,
)

AT = datetime(2026, 1, 5, 14, 0, tzinfo=UTC)


def errors_of(raised: pytest.ExceptionInfo[FormErrors]) -> dict[str, str]:
    return dict(raised.value.errors)


def test_the_start_form_reads_exact_decimals_and_names_what_is_missing() -> None:
    dose = read_start(
        {
            "route": "im",
            "dose_mg": "35",
            "mg_per_kg": "0,5",
            "weight_kg": "70",
            "lot_number": " K-1 ",
            "started_at": "2026-01-05T14:00",
        }
    )
    assert dose.route is Route.IM and dose.mg_per_kg == Decimal("0.5")
    assert dose.lot_number == "K-1" and dose.started_at == AT
    with pytest.raises(FormErrors) as raised:
        read_start({"route": "oral", "dose_mg": "lots", "started_at": ""})
    assert errors_of(raised) == {
        "route": "Choose one of the routes.",
        "dose_mg": "Enter a number, e.g. 35 or 0.5.",
        "started_at": "Enter the time of dosing.",
    }


def test_a_reading_keeps_what_was_measured_and_leaves_the_rest_out() -> None:
    reading = read_vitals({"at": "2026-01-05T14:00", "systolic": "172", "diastolic": "96"})
    assert reading == VitalsReading(AT, 172, 96, None, None)
    with pytest.raises(FormErrors) as raised:
        read_vitals({"at": "", "systolic": "1x2"})
    assert set(errors_of(raised)) == {"at", "systolic"}


def test_ratings_events_and_discharge_are_read_by_their_fields() -> None:
    rating = read_rating({"at": "2026-01-05T14:15", "sedation": "2", "dissociation": "3"})
    assert (rating.sedation, rating.dissociation) == (2, 3)
    with pytest.raises(FormErrors) as raised:
        read_rating({"at": "2026-01-05T14:15", "sedation": "5", "dissociation": ""})
    assert set(errors_of(raised)) == {"sedation", "dissociation"}
    event = read_event(
        {
            "kind": "nausea",
            "severity": "mild",
            "onset": "2026-01-05T14:20",
            "action": "Ondansetron 4 mg",
        }
    )
    assert event.kind is AdverseEventKind.NAUSEA and event.severity is Severity.MILD
    discharge = read_discharge(
        {
            "discharge.alert_and_oriented": "yes",
            "discharge.escort_present": "no",
            "disposition": "discharged",
            "ended_at": "2026-01-05T16:00",
        }
    )
    assert discharge.checklist.alert_and_oriented is True
    assert discharge.checklist.escort_present is False
    assert discharge.checklist.walking_steadily is None
    assert discharge.disposition is Disposition.DISCHARGED


def test_the_timeline_highlights_the_reading_out_of_range_with_its_message() -> None:
    protocol = default_protocol()
    record = SessionRecord(
        started_at=AT,
        vitals=(
            VitalsReading(AT.replace(minute=0), 128, 82, 76, 98),
            VitalsReading(AT.replace(minute=15), 172, 96, 88, 97),
            VitalsReading(AT.replace(minute=30), 150, 90, 84, 88),
        ),
    )
    warnings = timeline_warnings(record.vitals, protocol)
    charts = timeline(record, protocol, warnings, AT)
    assert [c.title for c in charts] == ["Blood pressure", "Heart rate", "Oxygen saturation (SpO2)"]
    bp, heart, spo2 = (ET.fromstring(str(c.svg)) for c in charts)

    def flagged(root: ET.Element) -> list[str]:
        return [
            e.findtext("title") or ""
            for e in root.iter()
            if "chart-point--warning" in (e.get("class") or "")
        ]

    assert flagged(bp) == [
        "14:15: systolic blood pressure 172 mmHg is above the caution threshold of 160 mmHg."
    ]
    assert flagged(heart) == []
    assert flagged(spo2) == ["14:30: oxygen saturation 88% is below the urgent threshold of 90%."]
    labels = [e.text for e in spo2.iter() if e.get("class") == "chart-threshold-label"]
    assert labels == ["SpO2: caution <94", "SpO2: urgent <90"]
    assert spo2.get("viewBox") is not None
