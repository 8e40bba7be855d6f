"""Check-ins and alerts for the web tests of the clinician's alert inbox and insight page
(``from monitoring_seeds import …``). Check-ins are saved through the monitoring port and
alerts raised through the alert service, as the check-in service and the jobs do."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np

from attune.domain.intake.model import AddictionType
from attune.domain.monitoring.checkin import CheckIn, Use
from attune.services import alerts
from attune.services.ports import UnitOfWork
from attune.services.ports_monitoring import AlertKind, AlertRecord, NewAlert, Priority

SAFETY_REASON = "In the check-in for today they said they have had thoughts of ending their life."


def planted(today: date, days: int, seed: int, *, skip_every: int = 0) -> list[CheckIn]:
    """``days`` check-ins ending ``today`` where a day with "Being alone" is followed by
    craving about three points higher the next day, and a craving of 7 or more by use on
    about half of those days; everything else is noise. With ``skip_every`` = k, every
    k-th day has no check-in (a missed day)."""
    rng = np.random.default_rng(seed)
    alone = rng.random(days) < 0.4
    out = []
    for i in range(days):
        if skip_every and i % skip_every == skip_every - 1 and i < days - 1:
            continue
        craving = int(np.clip(round(2 + 3 * (i > 0 and alone[i - 1]) + rng.normal(0, 1)), 0, 10))
        used = craving >= 6 and rng.random() < 0.5
        out.append(
            CheckIn(
                day=today - timedelta(days=days - 1 - i),
                mood=int(rng.integers(4, 8)),
                stress=int(rng.integers(2, 7)),
                loneliness=int(rng.integers(2, 6)),
                craving=craving,
                uses=(Use(AddictionType.ALCOHOL),) if used else (),
                triggers=("alone",) if alone[i] else (),
                coping=("movement",) if rng.random() < 0.3 else (),
                sleep_hours=float(rng.choice([6.0, 7.0, 8.0])),
                sleep_quality=int(rng.integers(1, 4)),
            )
        )
    return out


def save_checkins(uow: UnitOfWork, patient_id: int, checkins: list[CheckIn]) -> None:
    """Store each check-in as saved that evening (UTC)."""
    with uow:
        for checkin in checkins:
            evening = datetime.combine(checkin.day, datetime.min.time(), tzinfo=UTC)
            uow.monitoring.save_checkin(patient_id, checkin, evening + timedelta(hours=20))
        uow.commit()


def safety_alert(uow: UnitOfWork, patient_id: int, now: datetime, source_id: int) -> AlertRecord:
    """An urgent safety alert, as a check-in with a safety answer raises it."""
    with uow:
        record = alerts.raise_safety_alert(
            uow,
            patient_id=patient_id,
            source="checkin",
            source_id=source_id,
            reasons=(SAFETY_REASON,),
            now=now,
        )
        uow.commit()
    return record


def relapse_alert(
    uow: UnitOfWork, patient_id: int, now: datetime, priority: Priority = Priority.MEDIUM
) -> AlertRecord:
    """A relapse-risk alert as the daily scan raises it (escalating in four hours)."""
    with uow:
        record = alerts.raise_alert(
            uow,
            NewAlert(
                patient_id=patient_id,
                kind=AlertKind.RELAPSE_RISK,
                priority=priority,
                title=f"Relapse risk is {priority.name.lower()}",
                reasons=(
                    "Craving averaged 6.1 over the last 7 days, against 2.9 in the baseline.",
                    "Use reported on 2 of 6 check-ins over the last 7 days.",
                ),
                source="risk_scan",
                source_id=None,
                raised_at=now,
                escalate_at=now + timedelta(hours=4),
                score=38.0,
            ),
        )
        uow.commit()
    return record
