"""The baseline for bench/checkin.py: a bare endpoint of the same framework.

FastAPI + pydantic + uvicorn, as Attune uses them, with a body of the same shape as a
check-in, validated and answered with 201 — but no session, no database, no audit. The
check-in benchmark serves it exactly as it serves Attune (one uvicorn process, the same
log level) and compares throughput against it in the same run.
"""

from __future__ import annotations

import sys

import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel, Field


class UseIn(BaseModel):
    what: str
    amount: float | None = None
    unit: str | None = None
    detail: str = ""


class CheckInIn(BaseModel):
    day: str | None = None
    mood: int = Field(ge=0, le=10)
    stress: int = Field(ge=0, le=10)
    loneliness: int = Field(ge=0, le=10)
    craving: int = Field(ge=0, le=10)
    uses: list[UseIn] = []
    triggers: list[str] = []
    trigger_note: str = ""
    coping: list[str] = []
    sleep_hours: float | None = None
    sleep_quality: int | None = None
    safety: str = "none"
    note: str = ""


app = FastAPI()


@app.post("/bare", status_code=201)
def bare(body: CheckInIn) -> dict[str, object]:
    return {"day": body.day, "craving": body.craving, "saved": True}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="info")
