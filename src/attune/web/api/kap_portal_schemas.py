"""Request and response models of the patient's KAP API: breathwork, the at-home session,
the course steps the patient takes and the integration journal (part of the OpenAPI
schema)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from attune.domain.kap.breathwork import BreathProtocol


class PhaseOut(BaseModel):
    kind: str = Field(description="inhale, hold_in, exhale or hold_out")
    cue: str = Field(description="The words shown during the phase, e.g. 'Breathe in'")
    ms: int = Field(description="The phase's length in whole milliseconds")


class BreathProtocolOut(BaseModel):
    id: str
    name: str
    summary: str
    steps: list[str]
    phases: list[PhaseOut]
    pattern: str = Field(description="Seconds of each phase, e.g. '4-4-4-4'")
    breaths_per_minute: str = Field(description="Rounds a minute, to one decimal")
    cycles: int | None = Field(description="The default length in rounds (or null)")
    minutes: int | None = Field(description="The default length in minutes (or null)")
    cautions: list[str]
    source: str

    @classmethod
    def of(cls, p: BreathProtocol) -> BreathProtocolOut:
        return cls(
            id=p.id,
            name=p.name,
            summary=p.summary,
            steps=list(p.steps),
            phases=[PhaseOut(kind=ph.kind.value, cue=ph.cue, ms=ph.ms) for ph in p.phases],
            pattern=p.pattern,
            breaths_per_minute=str(p.breaths_per_minute),
            cycles=p.cycles,
            minutes=p.minutes,
            cautions=list(p.cautions),
            source=p.source,
        )


class TimelineStepOut(BaseModel):
    cycle: int = Field(description="The round, from 1")
    phase: int = Field(description="The phase's index within the round, from 0")
    kind: str
    cue: str
    start_ms: int
    duration_ms: int


class TimelineOut(BaseModel):
    """What the guided timer plays: every phase of every round, back to back from 0 ms."""

    protocol_id: str
    name: str
    cycles: int
    total_ms: int
    steps: list[TimelineStepOut]
