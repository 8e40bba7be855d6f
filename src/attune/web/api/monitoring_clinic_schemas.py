"""Response and request models of the alerts and insight API (part of the OpenAPI schema).

Numbers the engines could not compute (an effect without enough variation, a day
without a check-in) are ``null``, never NaN. Dates are the patient's own calendar days.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime

from pydantic import BaseModel, Field

from attune.domain.monitoring.insight import Effect, Insight, WeekdayPattern
from attune.domain.monitoring.risk import RiskAssessment
from attune.domain.monitoring.series import DailySeries
from attune.services.alerts import AlertView
from attune.services.insight import InsightView, MonitoringRow


def number(value: float) -> float | None:
    """A float for JSON: None for NaN or infinity."""
    return float(value) if math.isfinite(value) else None


def numbers(values: Iterable[float]) -> list[float | None]:
    return [number(float(v)) for v in values]


class ResolveIn(BaseModel):
    note: str = Field(
        max_length=4000, description="What was done about the alert (required, plain words)."
    )


class AlertOut(BaseModel):
    id: int
    patient_id: int
    patient_name: str
    kind: str = Field(description="safety, relapse_risk or missed_checkins")
    priority: str = Field(description="urgent, high, medium or low")
    title: str
    reasons: list[str] = Field(description="Every reason, most important first")
    source: str = Field(description="checkin, response, flag or risk_scan")
    source_id: int | None
    raised_at: datetime
    escalate_at: datetime | None = Field(
        description="When it passes to a second person if nobody has acknowledged it"
    )
    score: float | None = Field(description="The relapse-risk score that raised it, if any")
    status: str = Field(description="new, acknowledged or resolved")
    overdue: bool = Field(description="New and past its escalation time")
    assigned_to: int | None
    assigned_to_name: str | None
    acknowledged_at: datetime | None
    acknowledged_by: int | None
    acknowledged_by_name: str | None
    resolved_at: datetime | None
    resolved_by: int | None
    resolved_by_name: str | None
    note: str | None
    escalated_at: datetime | None
    escalated_to: int | None
    escalated_to_name: str | None

    @classmethod
    def of(cls, view: AlertView) -> AlertOut:
        return cls(
            id=view.id,
            patient_id=view.patient_id,
            patient_name=view.patient_name,
            kind=view.kind.value,
            priority=view.priority.name.lower(),
            title=view.title,
            reasons=list(view.reasons),
            source=view.source,
            source_id=view.source_id,
            raised_at=view.raised_at,
            escalate_at=view.escalate_at,
            score=view.score,
            status=view.status.value,
            overdue=view.overdue,
            assigned_to=view.assigned_to,
            assigned_to_name=view.assigned_to_name,
            acknowledged_at=view.acknowledged_at,
            acknowledged_by=view.acknowledged_by,
            acknowledged_by_name=view.acknowledged_by_name,
            resolved_at=view.resolved_at,
            resolved_by=view.resolved_by,
            resolved_by_name=view.resolved_by_name,
            note=view.note,
            escalated_at=view.escalated_at,
            escalated_to=view.escalated_to,
            escalated_to_name=view.escalated_to_name,
        )


class EffectOut(BaseModel):
    predictor: str = Field(description="A rating id, 'trigger:<tag>' or 'coping:<tag>'")
    label: str
    outcome: str = Field(description="craving (0–10 points) or use (chance, 0–1)")
    lag: int = Field(description="Days between the predictor and the outcome")
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    level: float | None = Field(
        description="This interval's own coverage; the family of one outcome is 95 %"
    )
    n: int = Field(description="Pairs of consecutive check-in days used")
    clear: bool = Field(description="The interval leaves out zero")
    direction: str = Field(description="higher or lower")
    plain: str = Field(description="The pattern in the patient's words")

    @classmethod
    def of(cls, effect: Effect) -> EffectOut:
        return cls(
            predictor=effect.predictor,
            label=effect.label,
            outcome=effect.outcome,
            lag=effect.lag,
            estimate=number(effect.estimate),
            ci_low=number(effect.ci_low),
            ci_high=number(effect.ci_high),
            level=number(effect.level),
            n=effect.n,
            clear=effect.clear,
            direction=effect.direction.value,
            plain=effect.plain,
        )


class WeekdayOut(BaseModel):
    weekday: int = Field(description="0 Monday … 6 Sunday")
    name: str
    difference: float | None = Field(description="Mean craving this weekday minus the rest")
    ci_low: float | None
    ci_high: float | None
    n: int
    clear: bool
    use_rate: float | None
    plain: str

    @classmethod
    def of(cls, w: WeekdayPattern) -> WeekdayOut:
        return cls(
            weekday=w.weekday,
            name=w.name,
            difference=number(w.difference),
            ci_low=number(w.ci_low),
            ci_high=number(w.ci_high),
            n=w.n,
            clear=w.clear,
            use_rate=number(w.use_rate),
            plain=w.plain,
        )


class InsightOut(BaseModel):
    enough_data: bool
    checkins: int
    needed: int = Field(description="Check-ins needed before patterns are looked for")
    message: str = Field(description="A summary, or why there is not enough data yet")
    craving: list[EffectOut] = Field(description="What precedes next-day craving")
    use: list[EffectOut] = Field(description="What precedes next-day use")
    coping: list[EffectOut] = Field(description="Coping before next-day craving")
    weekday: list[WeekdayOut]
    usual: dict[str, float | None] = Field(description="The patient's own means")
    notes: list[str]

    @classmethod
    def of(cls, insight: Insight) -> InsightOut:
        return cls(
            enough_data=insight.enough_data,
            checkins=insight.checkins,
            needed=insight.needed,
            message=insight.message,
            craving=[EffectOut.of(e) for e in insight.craving],
            use=[EffectOut.of(e) for e in insight.use],
            coping=[EffectOut.of(e) for e in insight.coping],
            weekday=[WeekdayOut.of(w) for w in insight.weekday],
            usual={k: number(v) for k, v in insight.usual.items()},
            notes=list(insight.notes),
        )


class SeriesOut(BaseModel):
    start: date
    days: int
    checked_in: list[bool]
    mood: list[float | None]
    stress: list[float | None]
    loneliness: list[float | None]
    craving: list[float | None]
    sleep_hours: list[float | None]
    sleep_quality: list[float | None]
    used: list[float | None] = Field(description="1 a day of use, 0 without, null no check-in")

    @classmethod
    def of(cls, s: DailySeries) -> SeriesOut:
        return cls(
            start=s.start,
            days=s.days,
            checked_in=[bool(v) for v in s.checked_in.tolist()],
            mood=numbers(s.mood.tolist()),
            stress=numbers(s.stress.tolist()),
            loneliness=numbers(s.loneliness.tolist()),
            craving=numbers(s.craving.tolist()),
            sleep_hours=numbers(s.sleep_hours.tolist()),
            sleep_quality=numbers(s.sleep_quality.tolist()),
            used=numbers(s.used.tolist()),
        )


class RiskReasonOut(BaseModel):
    code: str
    text: str
    points: int


class RiskOut(BaseModel):
    today: date
    score: int
    max_score: int
    level: str = Field(description="low, medium or high")
    reasons: list[RiskReasonOut] = Field(description="Every part that added points")
    enough_baseline: bool
    window_checkins: int
    baseline_checkins: int
    missed_days: int
    missed_in_a_row: int

    @classmethod
    def of(cls, r: RiskAssessment) -> RiskOut:
        return cls(
            today=r.today,
            score=r.score,
            max_score=r.max_score,
            level=r.level.value,
            reasons=[
                RiskReasonOut(code=x.code.value, text=x.text, points=x.points) for x in r.reasons
            ],
            enough_baseline=r.enough_baseline,
            window_checkins=r.window_checkins,
            baseline_checkins=r.baseline_checkins,
            missed_days=r.missed_days,
            missed_in_a_row=r.missed_in_a_row,
        )


class StreakOut(BaseModel):
    current: int
    longest: int
    last_7: int
    last_30: int
    words: str


class PatientInsightOut(BaseModel):
    patient_id: int
    patient_name: str
    today: date = Field(description="The patient's own date now")
    start: date
    series: SeriesOut
    insight: InsightOut
    top_trigger: str | None
    missed_days: list[date]
    streak: StreakOut
    program: str | None = Field(description="Staff only: whose risk thresholds were used")
    risk: RiskOut | None = Field(description="Staff only (null for the patient)")
    alerts: list[AlertOut] = Field(description="Staff only (empty for the patient)")

    @classmethod
    def of(cls, view: InsightView) -> PatientInsightOut:
        s = view.streak
        return cls(
            patient_id=view.patient_id,
            patient_name=view.patient_name,
            today=view.today,
            start=view.start,
            series=SeriesOut.of(view.series),
            insight=InsightOut.of(view.insight),
            top_trigger=view.top_trigger,
            missed_days=list(view.missed_days),
            streak=StreakOut(
                current=s.current,
                longest=s.longest,
                last_7=s.last_7,
                last_30=s.last_30,
                words=view.streak_text,
            ),
            program=view.program,
            risk=RiskOut.of(view.risk) if view.risk else None,
            alerts=[AlertOut.of(a) for a in view.alerts],
        )


class MonitoringRowOut(BaseModel):
    patient_id: int
    display_name: str
    last_checkin: date | None
    missed_last_7: int = Field(description="Days without a check-in among the last 7")
    checked_in_today: bool
    open_alerts: int
    top_priority: str | None = Field(description="The most urgent open alert's priority")

    @classmethod
    def of(cls, row: MonitoringRow) -> MonitoringRowOut:
        return cls(
            patient_id=row.patient_id,
            display_name=row.display_name,
            last_checkin=row.last_checkin,
            missed_last_7=row.missed_last_7,
            checked_in_today=row.checked_in_today,
            open_alerts=row.open_alerts,
            top_priority=row.top_priority.name.lower() if row.top_priority else None,
        )
