"""The instrument library: every shipped questionnaire with its items and bands."""

from __future__ import annotations

from fastapi import APIRouter

from attune.web.api.schemas import InstrumentOut
from attune.web.deps import ActorDep, InstrumentsDep

router = APIRouter(tags=["instruments"])


@router.get("/instruments", response_model=list[InstrumentOut], summary="List instruments")
def all_instruments(actor: ActorDep, instruments: InstrumentsDep) -> list[InstrumentOut]:
    """Every instrument the clinic uses, with items (wording where its licence allows)."""
    return [InstrumentOut.of(i) for i in instruments.list()]


@router.get("/instruments/{instrument_id}", response_model=InstrumentOut, summary="One instrument")
def one_instrument(
    instrument_id: str, actor: ActorDep, instruments: InstrumentsDep
) -> InstrumentOut:
    return InstrumentOut.of(instruments.get(instrument_id))
