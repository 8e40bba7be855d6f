"""The relapse-risk scan: a job that looks at every patient who checks in.

For each patient with a check-in in the last :data:`LOOKBACK_DAYS` days, in their own time
zone (services/checkins: the patient's, else the clinic's):

* the relapse-risk score (domain/monitoring/risk.py) is worked out from their recent
  check-ins against their own baseline, with the thresholds of their program (the final
  level of care of the newest decided recommendation; the clinic's ``default`` section
  when there is none). At MEDIUM or HIGH a RELAPSE_RISK alert is raised with every reason
  and its points, unless an open one of the same or a higher priority stands, or one of
  the same or a higher priority was already raised today (their local day), so resolving
  an alert does not bring it straight back on the next run;
* missed check-ins: when the days without a check-in in a row (up to yesterday; today is
  not over) reach the program's rule, one LOW MISSED_CHECKINS alert for that run of days.
  Once it is resolved it is not raised again until the patient has checked in and then
  missed again.

``missed_sessions`` for the score are the KAP integration sessions whose window closed
within the risk window without one being held: the only sessions Attune can tell were
missed. A patient without a KAP course has none.

The scan is idempotent, so the jobs runner may call it as often as it likes; each patient
is scanned in a transaction of its own and each alert raised writes one audit event. A
patient whose records cannot be read is skipped with a ``failed`` audit event, and the
others are still scanned.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo

from attune.domain.errors import DomainError
from attune.domain.kap.course import overdue
from attune.domain.monitoring.checkin import local_day
from attune.domain.monitoring.risk import RiskAssessment, RiskLevel, RiskThresholds, assess_risk
from attune.domain.monitoring.series import series_from_checkins
from attune.services.alert_raising import escalate_at, first_clinician, raise_alert, thresholds_for
from attune.services.audit import record_event
from attune.services.clock import SYSTEM_CLOCK, Clock
from attune.services.kap_common import load_course
from attune.services.patient_time import patient_timezone
from attune.services.ports import Outcome, Patient, UnitOfWork
from attune.services.ports_monitoring import AlertKind, AlertRecord, NewAlert, Priority

#: Patients with a check-in in this many days are scanned.
LOOKBACK_DAYS = 120
SOURCE = "risk_scan"
PRIORITY_OF = {RiskLevel.HIGH: Priority.HIGH, RiskLevel.MEDIUM: Priority.MEDIUM}


def patient_today(uow: UnitOfWork, patient_id: int, now: datetime) -> date:
    """The patient's calendar date at ``now`` (their time zone, else the clinic's)."""
    return local_day(now, patient_timezone(uow, patient_id))


def missed_sessions(uow: UnitOfWork, patient_id: int, now: datetime, since: datetime) -> int:
    """KAP integration sessions whose window closed between ``since`` and ``now`` without
    one being held (no access check: the caller has made it)."""
    missed = 0
    for record in uow.kap.courses_for_patient(patient_id):
        state = load_course(uow, record).state
        missed += sum(1 for o in overdue(state, now) if o.due_by >= since)
    return missed


def assess_patient(
    uow: UnitOfWork, patient_id: int, now: datetime, thresholds: RiskThresholds | None = None
) -> RiskAssessment:
    """The patient's relapse risk now, from their check-ins over the baseline and the
    recent window (no access check: the caller has made it)."""
    thresholds = thresholds or thresholds_for(uow, patient_id)
    today = patient_today(uow, patient_id, now)
    start = today - timedelta(days=thresholds.baseline_days + thresholds.window_days)
    stored = uow.monitoring.checkins_between(patient_id, start, today)
    series = series_from_checkins([s.checkin for s in stored], start, today)
    since = now - timedelta(days=thresholds.window_days)
    return assess_risk(
        series,
        today,
        missed_sessions=missed_sessions(uow, patient_id, now, since),
        thresholds=thresholds,
    )


def missed_run(days: list[date], today: date) -> tuple[int, date | None]:
    """How many days in a row up to yesterday have no check-in, and the last day before
    today with one (``days`` are the days with a check-in; none before the first check-in
    count, and a check-in today ends the run: 0)."""
    past = [d for d in days if d < today]
    if not past or today in days:
        return 0, None
    last = max(past)
    return (today - last).days - 1, last


def risk_reasons(assessment: RiskAssessment, thresholds: RiskThresholds) -> tuple[str, ...]:
    """Every reason with its points, then how the score compares with the thresholds."""
    lines = [
        f"{reason.text} (+{reason.points:g} point{'' if reason.points == 1 else 's'})"
        for reason in sorted(assessment.reasons, key=lambda r: -r.points)
    ]
    lines.append(
        f"Score {assessment.score} of {assessment.max_score}: medium from "
        f"{thresholds.medium}, high from {thresholds.high} (the risk settings for this "
        "patient's program)."
    )
    return tuple(lines)


def _raised_today(history: list[AlertRecord], priority: Priority, day: date, zone: tzinfo) -> bool:
    """Whether a relapse-risk alert this urgent or more was raised on the patient's day."""
    return any(
        a.kind is AlertKind.RELAPSE_RISK
        and a.priority >= priority
        and local_day(a.raised_at, zone) == day
        for a in history
    )


def _audit(uow: UnitOfWork, alert: AlertRecord, now: datetime) -> None:
    record_event(
        uow,
        at=now,
        actor=None,
        patient_id=alert.patient_id,
        action="raise_alert",
        outcome=Outcome.ALLOWED,
        detail=f"alert {alert.id}: {alert.kind.value}, {alert.priority.name.lower()}",
    )


def _scan_risk(
    uow: UnitOfWork,
    patient: Patient,
    now: datetime,
    thresholds: RiskThresholds,
    history: list[AlertRecord],
) -> AlertRecord | None:
    assessment = assess_patient(uow, patient.id, now, thresholds)
    priority = PRIORITY_OF.get(assessment.level)
    if priority is None:
        return None
    zone = patient_timezone(uow, patient.id)
    if _raised_today(history, priority, local_day(now, zone), zone):
        return None
    before = {a.id for a in history}
    alert = raise_alert(
        uow,
        NewAlert(
            patient_id=patient.id,
            kind=AlertKind.RELAPSE_RISK,
            priority=priority,
            title=f"Relapse risk is {assessment.level.value}",
            reasons=risk_reasons(assessment, thresholds),
            source=SOURCE,
            source_id=None,
            raised_at=now,
            escalate_at=escalate_at(thresholds, priority, now),
            score=assessment.score,
            assigned_to=first_clinician(uow, patient.id),
        ),
    )
    return None if alert.id in before else alert


def _scan_missed(
    uow: UnitOfWork,
    patient: Patient,
    now: datetime,
    thresholds: RiskThresholds,
    history: list[AlertRecord],
    days: list[date],
) -> AlertRecord | None:
    today = patient_today(uow, patient.id, now)
    run, last = missed_run(days, today)
    rule = thresholds.missed_alert_days
    if last is None or run < rule:
        return None
    zone = patient_timezone(uow, patient.id)
    if any(
        a.kind is AlertKind.MISSED_CHECKINS and local_day(a.raised_at, zone) > last for a in history
    ):
        return None
    before = {a.id for a in history}
    alert = raise_alert(
        uow,
        NewAlert(
            patient_id=patient.id,
            kind=AlertKind.MISSED_CHECKINS,
            priority=Priority.LOW,
            title=f"No check-in for {run} days",
            reasons=(
                f"No check-in for {run} days in a row; the last was on {last:%a %d %b %Y}.",
                f"The clinic's rule for this program alerts after {rule} missed days in a row.",
            ),
            source=SOURCE,
            source_id=None,
            raised_at=now,
            escalate_at=escalate_at(thresholds, Priority.LOW, now),
            assigned_to=first_clinician(uow, patient.id),
        ),
    )
    return None if alert.id in before else alert


def scan_relapse_risk(uow: UnitOfWork, clock: Clock = SYSTEM_CLOCK) -> int:
    """Scan every patient who checks in (see the module docstring); returns how many
    alerts were raised."""
    now = clock.now()
    first = now.date() - timedelta(days=LOOKBACK_DAYS)
    with uow:
        candidates: list[tuple[Patient, list[date]]] = []
        for clinic in uow.clinics.all():
            patients = {p.id: p for p in uow.patients.in_clinic(clinic.id)}
            if not patients:
                continue
            found = uow.monitoring.checkin_days(
                sorted(patients), first, now.date() + timedelta(days=1)
            )
            candidates.extend((patients[pid], days) for pid, days in sorted(found.items()) if days)
    raised = 0
    for patient, days in candidates:
        try:
            raised += _scan_patient(uow, patient, days, now)
        except DomainError as exc:
            # One patient's unreadable record (a KAP course event that no longer loads,
            # say) must not stop the scan of everyone else; the failure is on the record.
            with uow:
                record_event(
                    uow,
                    at=now,
                    actor=None,
                    patient_id=patient.id,
                    action="relapse_scan",
                    outcome=Outcome.FAILED,
                    detail=f"failed: {exc.message}",
                )
                uow.commit()
    return raised


def _scan_patient(uow: UnitOfWork, patient: Patient, days: list[date], now: datetime) -> int:
    raised = 0
    with uow:
        thresholds = thresholds_for(uow, patient.id)
        history = uow.alerts.for_patient(patient.id, limit=50)
        for alert in (
            _scan_risk(uow, patient, now, thresholds, history),
            _scan_missed(uow, patient, now, thresholds, history, days),
        ):
            if alert is not None:
                _audit(uow, alert, now)
                raised += 1
        uow.commit()
    return raised
