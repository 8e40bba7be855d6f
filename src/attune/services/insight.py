"""What a patient's check-ins show: for the patient's "my patterns" page and the clinician.

* :func:`patient_insight`: one patient's last ``days`` days of check-ins as a series, the
  insight engine's findings (domain/monitoring/insight.py: what precedes craving and use,
  which coping precedes lower craving, weekday patterns, or plain words saying there is
  too little data yet), the missed days, the streak, and the newest version of their
  cycle (the formulation) so a page can put the two side by side. Staff also get the
  current relapse-risk assessment with every reason, and the patient's alerts; the
  patient never sees a risk score or alerts about them.
* :func:`caseload_monitoring`: for the clinic's caseload page, one row per patient the
  user looks after: the last check-in, missed days in the last 7, open alerts.

Days are the patient's own calendar days (their time zone, else the clinic's).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from attune.domain.errors import ValidationError
from attune.domain.formulation import FormulationVersion
from attune.domain.monitoring.checkin import StoredCheckIn
from attune.domain.monitoring.insight import Insight, analyse, top_trigger
from attune.domain.monitoring.risk import RiskAssessment
from attune.domain.monitoring.series import DailySeries, series_from_checkins
from attune.domain.monitoring.streaks import Streak, streak_of, streak_words
from attune.services.access import Action, open_patient, require_staff
from attune.services.actors import Actor, Role
from attune.services.alert_raising import program_of
from attune.services.alerts import AlertView, alert_view
from attune.services.audit import record_event
from attune.services.clock import SYSTEM_CLOCK, Clock
from attune.services.formulation import formulation_version
from attune.services.ports import Outcome, Patient, UnitOfWork
from attune.services.ports_monitoring import Priority
from attune.services.relapse_scan import assess_patient, patient_today

#: The longest stretch :func:`patient_insight` reads.
MAX_DAYS = 366
#: How far back a streak and the last check-in are looked for.
STREAK_LOOKBACK_DAYS = 366
#: The days the caseload counts missed check-ins over (before today).
RECENT_DAYS = 7


@dataclass(frozen=True)
class InsightView:
    """One patient's check-ins over ``start`` … ``today`` and what they show."""

    patient_id: int
    patient_name: str
    #: The patient's own date now (the series ends here).
    today: date
    start: date
    series: DailySeries
    #: The check-ins in the series, oldest first (for a table of the raw answers).
    checkins: tuple[StoredCheckIn, ...]
    insight: Insight
    #: The predictor most clearly followed by more craving (else use), e.g. "stress" or
    #: "trigger:alone"; None when nothing stands out.
    top_trigger: str | None
    #: Days from the first check-in in the series to yesterday without a check-in.
    missed_days: tuple[date, ...]
    streak: Streak
    #: The streak in warm, plain words.
    streak_text: str
    #: The newest version of the patient's cycle, or None before the first.
    formulation: FormulationVersion | None
    #: Staff only (None for the patient): the relapse risk now, with every reason.
    risk: RiskAssessment | None
    #: Staff only: the program whose thresholds the risk used (None: the default).
    program: str | None
    #: Staff only (empty for the patient): the patient's alerts, newest first.
    alerts: tuple[AlertView, ...]

    @property
    def days(self) -> int:
        return self.series.days


@dataclass(frozen=True)
class MonitoringRow:
    """One patient on the caseload: how their check-ins are going."""

    patient_id: int
    display_name: str
    last_checkin: date | None
    #: Days without a check-in among the last 7 before today (none before the first).
    missed_last_7: int
    checked_in_today: bool
    open_alerts: int
    #: The most urgent open alert's priority, if any is open.
    top_priority: Priority | None


def missed_days(days: set[date], start: date, today: date) -> tuple[date, ...]:
    """Days from the first check-in on or after ``start`` up to yesterday with none."""
    seen = sorted(d for d in days if start <= d <= today)
    if not seen:
        return ()
    first = seen[0]
    return tuple(
        first + timedelta(days=i)
        for i in range((today - first).days)
        if first + timedelta(days=i) not in days
    )


def patient_insight(
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    clock: Clock = SYSTEM_CLOCK,
    days: int = 90,
) -> InsightView:
    """The patient's last ``days`` days (1 … 366, ending today) and what they show (see
    the module docstring). The patient may see their own; staff their patients."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise ValidationError(f"Choose from 1 to {MAX_DAYS} days.", field="days")
    now = clock.now()
    with uow:
        patient = open_patient(
            uow, actor, patient_id, Action.VIEW_INSIGHT, clock, detail=f"{days} days"
        )
        today = patient_today(uow, patient.id, now)
        start = today - timedelta(days=days - 1)
        stored = tuple(uow.monitoring.checkins_between(patient.id, start, today))
        series = series_from_checkins([s.checkin for s in stored], start, today)
        insight = analyse(series)
        found = uow.monitoring.checkin_days(
            [patient.id], today - timedelta(days=STREAK_LOOKBACK_DAYS), today
        ).get(patient.id, [])
        streak = streak_of(found, today)
        versions = uow.formulations.for_patient(patient.id)
        formulation = formulation_version(versions[-1]) if versions else None
        risk: RiskAssessment | None = None
        program: str | None = None
        alerts: tuple[AlertView, ...] = ()
        if actor.is_staff:
            program = program_of(uow, patient.id)
            risk = assess_patient(uow, patient.id, now)
            names = {u.id: u.name for u in uow.users.in_clinic(patient.clinic_id)}
            alerts = tuple(
                alert_view(r, patient, names, now) for r in uow.alerts.for_patient(patient.id)
            )
        uow.commit()
    return InsightView(
        patient_id=patient.id,
        patient_name=patient.display_name,
        today=today,
        start=start,
        series=series,
        checkins=stored,
        insight=insight,
        top_trigger=top_trigger(insight),
        missed_days=missed_days({s.checkin.day for s in stored}, start, today),
        streak=streak,
        streak_text=streak_words(streak),
        formulation=formulation,
        risk=risk,
        program=program,
        alerts=alerts,
    )


def _visible_patients(uow: UnitOfWork, actor: Actor) -> list[Patient]:
    if actor.role is Role.ADMIN:
        return uow.patients.in_clinic(actor.clinic_id)
    return [p for p in uow.patients.on_caseload_of(actor.user_id) if p.clinic_id == actor.clinic_id]


def monitoring_row(
    patient: Patient, days: list[date], today: date, open_priorities: list[Priority]
) -> MonitoringRow:
    """One caseload row from the patient's check-in days and open alerts' priorities."""
    seen = set(days)
    past = [d for d in seen if d <= today]
    recent = [today - timedelta(days=i) for i in range(1, RECENT_DAYS + 1)]
    first = min(past) if past else None
    missed = sum(1 for d in recent if first is not None and d >= first and d not in seen)
    return MonitoringRow(
        patient_id=patient.id,
        display_name=patient.display_name,
        last_checkin=max(past) if past else None,
        missed_last_7=missed,
        checked_in_today=today in seen,
        open_alerts=len(open_priorities),
        top_priority=max(open_priorities) if open_priorities else None,
    )


def caseload_monitoring(
    uow: UnitOfWork, actor: Actor, clock: Clock = SYSTEM_CLOCK
) -> list[MonitoringRow]:
    """One row per patient the actor looks after (an admin: every patient of the clinic),
    by name. Staff only; audited as one ``list_monitoring`` event (the rows hold dates and
    counts, no answers)."""
    require_staff(actor, "see the caseload's check-ins")
    now = clock.now()
    with uow:
        patients = _visible_patients(uow, actor)
        ids = [p.id for p in patients]
        earliest = now.date() - timedelta(days=STREAK_LOOKBACK_DAYS)
        found = (
            uow.monitoring.checkin_days(ids, earliest, now.date() + timedelta(days=1))
            if ids
            else {}
        )
        priorities: dict[int, list[Priority]] = {}
        for alert in uow.alerts.open_for_patients(ids) if ids else []:
            priorities.setdefault(alert.patient_id, []).append(alert.priority)
        rows = [
            monitoring_row(
                p, found.get(p.id, []), patient_today(uow, p.id, now), priorities.get(p.id, [])
            )
            for p in patients
        ]
        record_event(
            uow,
            at=now,
            actor=actor,
            action="list_monitoring",
            outcome=Outcome.ALLOWED,
            detail=f"listed {len(rows)} patient{'' if len(rows) == 1 else 's'}",
        )
        uow.commit()
    rows.sort(key=lambda r: r.display_name.lower())
    return rows
