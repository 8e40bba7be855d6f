"""The instrument library: every shipped questionnaire with its items and bands."""

from __future__ import annotations

from fastapi import APIRouter

from attune.domain.instruments import get_instrument, list_instruments
from attune.web.api.schemas import InstrumentOut
from attune.web.deps import ActorDep

router = APIRouter(tags=["instruments"])


@router.get("/instruments", response_model=list[InstrumentOut], summary="List instruments")
def all_instruments(actor: ActorDep) -> list[InstrumentOut]:
    """Every instrument Attune ships, with items (wording where its licence allows)."""
    return [InstrumentOut.of(i) for i in list_instruments()]


@router.get("/instruments/{instrument_id}", response_model=InstrumentOut, summary="One instrument")
def one_instrument(instrument_id: str, actor: ActorDep) -> InstrumentOut:
    return InstrumentOut.of(get_instrument(instrument_id))
