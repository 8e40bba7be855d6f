"""The patient's side of KAP over the API: breathwork protocols and their timelines."""

from __future__ import annotations

from fastapi import APIRouter, Query

from attune.domain.kap.breathwork import builtin_protocols, get_protocol, timeline
from attune.web.api.kap_portal_schemas import BreathProtocolOut, TimelineOut, TimelineStepOut
from attune.web.deps import ActorDep

router = APIRouter(tags=["KAP: the patient's side"])


@router.get(
    "/breathwork/protocols", response_model=list[BreathProtocolOut], summary="Breathing exercises"
)
def protocols(actor: ActorDep) -> list[BreathProtocolOut]:
    """Every breathing exercise: its phases, steps, default length, cautions and source."""
    return [BreathProtocolOut.of(p) for p in builtin_protocols()]


@router.get(
    "/breathwork/protocols/{protocol_id}/timeline",
    response_model=TimelineOut,
    summary="A breathing exercise's timeline",
)
def protocol_timeline(
    protocol_id: str,
    actor: ActorDep,
    cycles: int | None = Query(default=None, description="Rounds to play (1-200)"),
    minutes: int | None = Query(default=None, description="Or minutes to fill (1-60)"),
) -> TimelineOut:
    """What the guided timer plays (the default length unless cycles or minutes is given;
    422 naming the field for a length out of range, or both given)."""
    protocol = get_protocol(protocol_id)
    steps = timeline(protocol, cycles=cycles, minutes=minutes)
    return TimelineOut(
        protocol_id=protocol.id,
        name=protocol.name,
        cycles=steps[-1].cycle,
        total_ms=steps[-1].end_ms,
        steps=[
            TimelineStepOut(
                cycle=s.cycle,
                phase=s.phase,
                kind=s.kind.value,
                cue=s.cue,
                start_ms=s.start_ms,
                duration_ms=s.duration_ms,
            )
            for s in steps
        ],
    )
