"""The patient's profiles: attachment (two dimensions first) and addiction (each named
addiction with the screen behind it).

Both are built by the domain (:mod:`attune.domain.profiles`) from stored scores and the
newest intake. The attachment profile carries both registers (``.patient`` in plain words,
``.clinician`` in clinical words); the edge shows the patient only the patient register.
The patient may read their own profiles; reading is audited as ``view_profiles``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from attune.domain.errors import ValidationError
from attune.domain.profiles.addiction import AddictionProfile, addiction_profile
from attune.domain.profiles.attachment import (
    ATTACHMENT_INSTRUMENTS,
    AttachmentProfile,
    attachment_profile,
)
from attune.services.access import Action, open_patient
from attune.services.actors import Actor
from attune.services.clock import SYSTEM_CLOCK, Clock
from attune.services.levelofcare import intake_of, latest_responses, stored_score
from attune.services.ports import UnitOfWork


class AttachmentPoint(NamedTuple):
    """One scored attachment questionnaire: when, and its two means (1–7)."""

    submitted_at: datetime
    anxiety: float
    avoidance: float


@dataclass(frozen=True)
class Profiles:
    """``attachment`` from the newest scored ECR-R (or ECR-RS), None before one exists;
    ``attachment_history`` every scored one, oldest first, the newest last (so the earlier
    points are ``attachment_history[:-1]``); ``addiction`` from the newest intake, None
    before an intake was opened."""

    patient_id: int
    attachment: AttachmentProfile | None
    attachment_history: tuple[AttachmentPoint, ...]
    addiction: AddictionProfile | None

    @property
    def earlier_attachment(self) -> tuple[AttachmentPoint, ...]:
        return self.attachment_history[:-1]


def _point(submitted_at: datetime, subscales: dict[str, float | None]) -> AttachmentPoint | None:
    anxiety, avoidance = subscales.get("anxiety"), subscales.get("avoidance")
    if anxiety is None or avoidance is None:
        return None
    return AttachmentPoint(submitted_at, anxiety, avoidance)


def patient_profiles(
    uow: UnitOfWork, actor: Actor, patient_id: int, clock: Clock = SYSTEM_CLOCK
) -> Profiles:
    with uow:
        patient = open_patient(uow, actor, patient_id, Action.VIEW_PROFILES, clock)
        responses = uow.responses.for_patient(patient.id)  # newest first
        history: list[AttachmentPoint] = []
        attachment: AttachmentProfile | None = None
        for response in responses:
            if response.instrument_id not in ATTACHMENT_INSTRUMENTS:
                continue
            point = _point(response.submitted_at, response.subscales)
            if point is None:
                continue
            if attachment is None:
                try:
                    attachment = attachment_profile(stored_score(uow.instruments, response))
                except ValidationError:
                    continue
            history.append(point)
        latest = latest_responses(uow, patient.id)
        record = uow.intakes.latest_for_patient(patient.id)
        addiction = None
        if record is not None:
            addiction = addiction_profile(
                intake_of(record),
                {i: stored_score(uow.instruments, r) for i, r in latest.items()},
                completed={i: r.submitted_at for i, r in latest.items()},
                library=uow.instruments,
            )
        uow.commit()
    return Profiles(patient.id, attachment, tuple(reversed(history)), addiction)
