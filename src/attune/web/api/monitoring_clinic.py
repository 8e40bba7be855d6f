"""Alerts and what check-ins show, over the API.

Staff see the alert inbox of the patients they look after (an admin: the whole clinic),
one patient's alerts, and acknowledge or resolve them (resolving needs a note). The
insight of one patient is for staff and for the patient themself; a patient gets no
risk score and no alerts. Who may see what is the services' decision; an alert someone
else acknowledged or resolved first is a 409.
"""

from __future__ import annotations

from fastapi import APIRouter

from attune.services import alerts, insight
from attune.web.api.monitoring_clinic_schemas import (
    AlertOut,
    MonitoringRowOut,
    PatientInsightOut,
    ResolveIn,
)
from attune.web.deps import ActorDep, ClockDep, UowDep

router = APIRouter(tags=["alerts and insight"])


@router.get("/alerts", response_model=list[AlertOut], summary="The alert inbox")
def inbox(actor: ActorDep, uow: UowDep, clock: ClockDep) -> list[AlertOut]:
    """Open alerts, most urgent first: priority, new before acknowledged, escalated
    first, then the oldest first."""
    return [AlertOut.of(a) for a in alerts.alert_inbox(uow, actor, clock)]


@router.get(
    "/patients/{patient_id}/alerts", response_model=list[AlertOut], summary="A patient's alerts"
)
def patient_alerts(
    patient_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> list[AlertOut]:
    """Every alert of the patient, resolved ones too, newest first."""
    return [AlertOut.of(a) for a in alerts.patient_alerts(uow, actor, patient_id, clock)]


@router.post(
    "/alerts/{alert_id}/acknowledge", response_model=AlertOut, summary="Acknowledge an alert"
)
def acknowledge(alert_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep) -> AlertOut:
    """Seen, and someone is on it: new → acknowledged (409 when it is not new)."""
    return AlertOut.of(alerts.acknowledge_alert(uow, actor, alert_id, clock))


@router.post("/alerts/{alert_id}/resolve", response_model=AlertOut, summary="Resolve an alert")
def resolve(
    alert_id: int, body: ResolveIn, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> AlertOut:
    """Close the alert with a note of what was done (422 without one; 409 when it is
    already resolved). A new alert may be resolved directly."""
    return AlertOut.of(alerts.resolve_alert(uow, actor, alert_id, body.note, clock))


@router.get(
    "/patients/{patient_id}/insight",
    response_model=PatientInsightOut,
    summary="What a patient's check-ins show",
)
def patient_insight(
    patient_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep, days: int = 90
) -> PatientInsightOut:
    """The last ``days`` days (1 to 366) of check-ins as a daily series, what precedes
    next-day craving and use and which coping precedes lower craving (estimates with
    intervals, or why there is not enough data yet), weekday patterns, usual levels,
    missed days and the streak; for staff also the relapse risk now with every reason
    and the patient's alerts."""
    return PatientInsightOut.of(insight.patient_insight(uow, actor, patient_id, clock, days))


@router.get(
    "/caseload/checkins",
    response_model=list[MonitoringRowOut],
    summary="Check-ins across the caseload",
)
def caseload_checkins(actor: ActorDep, uow: UowDep, clock: ClockDep) -> list[MonitoringRowOut]:
    """Per patient looked after: the last check-in, missed days in the last 7, whether
    they checked in today, and open alerts."""
    return [MonitoringRowOut.of(r) for r in insight.caseload_monitoring(uow, actor, clock)]
