"""Replay the demo's simulated check-ins (:mod:`attune.sim.demo_checkins`) through the
check-in and alert services, as the patient and then their clinician."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from attune.cli.demo_replay import Replay
from attune.services import alerts, checkins
from attune.sim.demo_checkins import CheckinDone, SafetyHandled

HANDLED_NOTE = (
    "Called the same evening: no plan or intention to act; safety plan reviewed together "
    "and an extra session booked this week."
)


@dataclass
class CheckinReplay:
    replay: Replay
    saved: int = 0
    #: The safety alert each (patient, day) check-in raised.
    safety_alerts: dict[tuple[str, date], int] = field(default_factory=dict)

    def play(self, event: CheckinDone | SafetyHandled) -> None:
        replay = self.replay
        replay.clock.set(event.at)
        patient_id = replay.patient_id(event.patient)
        if isinstance(event, CheckinDone):
            done = checkins.record_checkin(
                replay.uow, replay.patient_actor(event.patient), patient_id, event.checkin,
                replay.clock,
            )  # fmt: skip
            self.saved += 1
            if done.safety_alert is not None:
                self.safety_alerts[(event.patient, event.checkin.day)] = done.safety_alert.id
            return
        alert_id = self.safety_alerts.get((event.patient, event.day))
        if alert_id is None:
            return
        clinician = replay.clinician_of(event.patient)
        if event.resolve:
            alerts.resolve_alert(replay.uow, clinician, alert_id, HANDLED_NOTE, replay.clock)
        else:
            alerts.acknowledge_alert(replay.uow, clinician, alert_id, replay.clock)
