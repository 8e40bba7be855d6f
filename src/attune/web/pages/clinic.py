"""The clinician view: the caseload, a patient's record, assigning, acknowledging flags.

Who may see which patient is decided by ``services/access.py``; these routes only call
the services and show what they return (or the error they raise).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter
from markupsafe import Markup
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from attune.domain.errors import DomainError, ValidationError
from attune.domain.instruments import InstrumentLibrary
from attune.services import assignments, insight, records, responses
from attune.services.records import ScoreSeries
from attune.web.charts import ChartBand, ChartPoint, ChartSeries, data_table, line_chart
from attune.web.deps import ActorDep, ClockDep, FormDep, UowDep, get_instruments
from attune.web.errors import rerender_form_on_error
from attune.web.templating import render

router = APIRouter(prefix="/clinic")


@dataclass(frozen=True)
class Chart:
    series: ScoreSeries
    svg: Markup
    table: Markup


def chart_for(series: ScoreSeries) -> Chart:
    """Draw one instrument's history (the scored responses) as SVG plus a table."""
    data = ChartSeries(
        title=f"{series.abbreviation} total score",
        points=tuple(
            ChartPoint(p.submitted_at, p.total, p.band)
            for p in series.points
            if p.total is not None
        ),
        y_min=series.total_min,
        y_max=series.total_max,
        bands=tuple(ChartBand(b.minimum, b.label) for b in series.bands),
    )
    # Both strings are built by charts.py, which escapes every piece of text it includes.
    return Chart(series=series, svg=Markup(line_chart(data)), table=Markup(data_table(data)))


def _to_portal() -> Response:
    """The clinician view is for staff; a patient is sent to their own portal instead."""
    return RedirectResponse("/portal", status_code=303)


@router.get("")
def caseload(request: Request, actor: ActorDep, uow: UowDep, clock: ClockDep) -> Response:
    if not actor.is_staff:
        return _to_portal()
    rows = records.caseload(uow, actor, clock)
    checkins = {r.patient_id: r for r in insight.caseload_monitoring(uow, actor, clock)}
    return render(request, "clinic/caseload.html", {"rows": rows, "checkins": checkins})


def _instrument_choices(instruments: InstrumentLibrary) -> list[tuple[str, str]]:
    return [(i.id, f"{i.abbreviation} — {i.title}") for i in instruments.list()]


def _subscale_names(instruments: InstrumentLibrary) -> dict[str, dict[str, str]]:
    """Each instrument's subscale names by key (ECR-R anxiety, PCL-5 clusters, …)."""
    return {i.id: {s.key: s.name for s in i.subscales} for i in instruments.list()}


@router.get("/patients/{patient_id}")
def patient(
    request: Request,
    patient_id: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    assigned: str = "",
    acknowledged: str = "",
) -> Response:
    if not actor.is_staff:
        return _to_portal()
    record = records.patient_record(uow, actor, patient_id, clock)
    notice = ""
    if assigned:
        notice = f"{assigned} assigned."
    elif acknowledged:
        notice = "Flag acknowledged."
    return render(
        request,
        "clinic/patient.html",
        {
            "record": record,
            # A chart for each instrument scored more than once, most often answered first;
            # the ones scored once so far are listed in a small table instead.
            "charts": [
                chart_for(s)
                for s in sorted(record.series, key=lambda s: -len(s.points))
                if len(s.points) > 1
            ],
            "scored_once": [s for s in record.series if len(s.points) == 1],
            "subscale_names": _subscale_names(get_instruments(request)),
            "instruments": _instrument_choices(get_instruments(request)),
            "notice": notice,
            "form": {"instrument_id": "", "schedule": "once", "every_days": "", "starts_on": ""},
            "form_errors": {},
        },
    )


def _field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def parse_assignment(form: FormData) -> tuple[str, int | None, date | None]:
    """The instrument id, the repeat interval (None: once) and the start date."""
    instrument_id = _field(form, "instrument_id")
    every_days: int | None = None
    if _field(form, "schedule") == "repeat":
        text = _field(form, "every_days")
        try:
            every_days = int(text)
        except ValueError:
            raise ValidationError(
                "Enter how many days apart, as a whole number (for example 14).",
                field="every_days",
            ) from None
    starts_on: date | None = None
    if text := _field(form, "starts_on"):
        try:
            starts_on = date.fromisoformat(text)
        except ValueError:
            raise ValidationError(
                "Enter the start date as a date (for example 2025-03-01).", field="starts_on"
            ) from None
    return instrument_id, every_days, starts_on


@router.post("/patients/{patient_id}/assignments")
def assign(
    request: Request,
    patient_id: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    form: FormDep,
) -> Response:
    if not actor.is_staff:
        return _to_portal()

    def again(error: DomainError, status: int) -> Response:
        return render(
            request,
            "clinic/assign.html",
            {
                "patient_id": patient_id,
                "instruments": _instrument_choices(get_instruments(request)),
                "form": {
                    name: _field(form, name)
                    for name in ("instrument_id", "schedule", "every_days", "starts_on")
                },
                "form_errors": {error.field or "instrument_id": error.message},
            },
            status_code=status,
        )

    rerender_form_on_error(request, again)
    instrument_id, every_days, starts_on = parse_assignment(form)
    if not instrument_id:
        raise ValidationError("Choose a questionnaire to assign.", field="instrument_id")
    info = assignments.assign_instrument(
        uow, actor, patient_id, instrument_id, every_days, starts_on, clock
    )
    return RedirectResponse(
        f"/clinic/patients/{patient_id}?assigned={info.abbreviation}", status_code=303
    )


@router.post("/patients/{patient_id}/flags/{flag_id}/acknowledge")
def acknowledge(
    request: Request,
    patient_id: int,
    flag_id: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    form: FormDep,
) -> Response:
    if not actor.is_staff:
        return _to_portal()
    note = _field(form, "note") or None

    def again(error: DomainError, status: int) -> Response:
        return render(
            request,
            "clinic/acknowledge.html",
            {
                "patient_id": patient_id,
                "flag_id": flag_id,
                "note": note or "",
                "error": error.message,
            },
            status_code=status,
        )

    rerender_form_on_error(request, again)
    responses.acknowledge_flag(uow, actor, flag_id, clock, note)
    return RedirectResponse(f"/clinic/patients/{patient_id}?acknowledged=1", status_code=303)
