"""The KAP course as plain frozen data: the events that move it, and its state.

Events are plain records of something that happened, each with its time ``at``
(timezone-aware). Services turn their own records (a signed in-office session, a passed
at-home gate, an adverse event) into these events; :func:`attune.domain.kap.course.apply`
accepts or refuses each one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from attune.domain.kap.eligibility_model import Eligibility
from attune.domain.kap.program import Medicine, Program, Setting
from attune.domain.kap.protocol import Protocol
from attune.domain.kap.signoff import SignOff


@dataclass(frozen=True)
class PreparationCompleted:
    at: datetime
    session_id: str = ""


@dataclass(frozen=True)
class ConsentRecorded:
    at: datetime


@dataclass(frozen=True)
class ConsentWithdrawn:
    at: datetime


@dataclass(frozen=True)
class EligibilitySignedOff:
    """The prescriber's sign-off, with the eligibility result it was given on."""

    eligibility: Eligibility
    signoff: SignOff

    @property
    def at(self) -> datetime:
        return self.signoff.signed_at


@dataclass(frozen=True)
class AtHomeGatePassed:
    """The dosing-day gate was passed for ``day`` (the patient's local calendar day)."""

    at: datetime
    day: date


@dataclass(frozen=True)
class AtHomeGateStopped:
    """Something was out of range at the gate: no at-home dose on ``day``."""

    at: datetime
    day: date
    reason: str


@dataclass(frozen=True)
class DoseRecorded:
    """A dose taken. ``day`` is the patient's local calendar day (needed at home)."""

    at: datetime
    setting: Setting
    medicine: Medicine
    day: date | None = None


@dataclass(frozen=True)
class IntegrationCompleted:
    at: datetime
    dose_number: int


@dataclass(frozen=True)
class AdverseEventOpened:
    at: datetime
    event_id: str


@dataclass(frozen=True)
class AdverseEventClosed:
    at: datetime
    event_id: str


@dataclass(frozen=True)
class AftercareStarted:
    at: datetime


@dataclass(frozen=True)
class CourseStopped:
    at: datetime
    reason: str


Event = (
    PreparationCompleted
    | ConsentRecorded
    | ConsentWithdrawn
    | EligibilitySignedOff
    | AtHomeGatePassed
    | AtHomeGateStopped
    | DoseRecorded
    | IntegrationCompleted
    | AdverseEventOpened
    | AdverseEventClosed
    | AftercareStarted
    | CourseStopped
)


class Phase(Enum):
    PREPARATION = "preparation"
    DOSING = "dosing"
    STOPPED = "stopped"
    AFTERCARE = "aftercare"


@dataclass(frozen=True)
class Dose:
    number: int
    at: datetime
    setting: Setting
    medicine: Medicine
    integrated_at: datetime | None = None


@dataclass(frozen=True)
class Gate:
    day: date
    at: datetime
    #: The number of the dose that used this gate.
    used_by: int | None = None


@dataclass(frozen=True)
class CourseState:
    program: Program
    protocol: Protocol
    started_at: datetime
    #: The time of the latest accepted event (events are accepted in time order).
    last_at: datetime
    preparations: tuple[datetime, ...] = ()
    #: When consent was recorded; None when there is none or it was withdrawn.
    consent_at: datetime | None = None
    consent_withdrawn_at: datetime | None = None
    signoff: SignOff | None = None
    doses: tuple[Dose, ...] = ()
    gates: tuple[Gate, ...] = ()
    stopped_days: tuple[date, ...] = ()
    open_adverse_events: tuple[str, ...] = ()
    closed_adverse_events: tuple[str, ...] = ()
    aftercare_at: datetime | None = None
    stopped_at: datetime | None = None
    stop_reason: str = ""

    @property
    def phase(self) -> Phase:
        if self.aftercare_at is not None:
            return Phase.AFTERCARE
        if self.stopped_at is not None:
            return Phase.STOPPED
        return Phase.DOSING if self.doses else Phase.PREPARATION

    @property
    def doses_left(self) -> int:
        return max(0, self.protocol.dosing_sessions - len(self.doses))

    @property
    def preparation_complete(self) -> bool:
        return len(self.preparations) >= self.protocol.preparation_sessions

    def dose(self, number: int) -> Dose | None:
        return self.doses[number - 1] if 1 <= number <= len(self.doses) else None


@dataclass(frozen=True)
class OverdueIntegration:
    dose_number: int
    dose_at: datetime
    due_by: datetime


class StepKind(Enum):
    PREPARATION = "preparation"
    CONSENT = "consent"
    SIGN_OFF = "sign_off"
    GATE = "gate"
    DOSE_IN_OFFICE = "dose_in_office"
    DOSE_AT_HOME = "dose_at_home"
    INTEGRATION = "integration"
    AFTERCARE = "aftercare"
    STOP = "stop"


@dataclass(frozen=True)
class NextStep:
    """A step that could come next, whether it may happen now and, if not, why.
    ``opens_at`` is the earliest time it may happen; ``due_by`` when it becomes overdue."""

    kind: StepKind
    allowed: bool
    reasons: tuple[str, ...] = ()
    dose_number: int | None = None
    opens_at: datetime | None = None
    due_by: datetime | None = None
