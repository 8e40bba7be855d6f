"""The in-office session's forms and its vitals timeline: pure helpers, no I/O.

Each ``read_*`` turns one posted form into the domain value the session service takes
(a reading, a rating, an adverse event, the discharge checklist), naming every value it
cannot read by the same field the domain uses. :func:`timeline` draws the vital signs as
three charts (blood pressure, heart rate, SpO2) with the protocol's thresholds and each
reading out of range highlighted with the domain's own message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from markupsafe import Markup

from attune.domain.kap.session import DischargeChecklist, Disposition, Route, SessionRecord
from attune.domain.kap.session_events import (
    DISSOCIATION_SCALE,
    SEDATION_SCALE,
    AdverseEvent,
    AdverseEventKind,
    Rating,
    Severity,
)
from attune.domain.kap.vitals import (
    Direction,
    Metric,
    VitalsProtocol,
    VitalsReading,
    VitalsWarning,
)
from attune.domain.kap.vitals import Level as VitalsLevel
from attune.web.charts_timeline import (
    Level,
    Marker,
    ThresholdMark,
    TimelineLine,
    TimelinePanel,
    TimelinePoint,
    timeline_chart,
)
from attune.web.pages.kap_forms import Reader

START_FIELDS = ("route", "dose_mg", "mg_per_kg", "weight_kg", "lot_number", "started_at")
VITALS_FIELDS = ("at", "systolic", "diastolic", "heart_rate", "spo2")
RATING_FIELDS = ("at", "sedation", "dissociation", "note")
EVENT_FIELDS = ("kind", "severity", "onset", "action", "description")
DISCHARGE_KEYS = (
    "alert_and_oriented",
    "nausea_controlled",
    "walking_steadily",
    "escort_present",
    "no_driving_acknowledged",
)
DISCHARGE_FIELDS = (
    *(f"discharge.{k}" for k in DISCHARGE_KEYS),
    "discharge.escort_name",
    "ended_at",
    "disposition",
    "transfer_note",
)
ROUTES = tuple((r.value, r.label) for r in Route)
EVENT_KINDS = tuple((k.value, k.label) for k in AdverseEventKind)
SEVERITIES = tuple((s.value, s.value.capitalize()) for s in Severity)
DISPOSITIONS = (
    (Disposition.DISCHARGED.value, "Went home"),
    (Disposition.TRANSFERRED.value, "Transferred to emergency or inpatient care"),
)
SEDATION = tuple(enumerate(SEDATION_SCALE))
DISSOCIATION = tuple(enumerate(DISSOCIATION_SCALE))


@dataclass(frozen=True)
class DoseInput:
    route: Route | None
    dose_mg: Decimal | None
    mg_per_kg: Decimal | None
    weight_kg: Decimal | None
    lot_number: str
    started_at: datetime | None


def read_start(form: Mapping[str, str]) -> DoseInput:
    read = Reader(form)
    route = read.choice("route", (r.value for r in Route), "Choose one of the routes.")
    dose = DoseInput(
        route=Route(route) if route else None,
        dose_mg=read.decimal("dose_mg"),
        mg_per_kg=read.decimal("mg_per_kg"),
        weight_kg=read.decimal("weight_kg"),
        lot_number=read.text("lot_number"),
        started_at=read.moment("started_at"),
    )
    if dose.route is None and not read.text("route"):
        read.fail("route", "Choose the route the medicine is given by.")
    if dose.started_at is None and not read.text("started_at"):
        read.fail("started_at", "Enter the time of dosing.")
    read.done()
    return dose


def read_vitals(form: Mapping[str, str]) -> VitalsReading:
    read = Reader(form)
    at = read.moment("at")
    if at is None and not read.text("at"):
        read.fail("at", "Enter the time of the reading.")
    values = {m.value: read.whole(m.value, 0, 400) for m in Metric}
    read.done()
    assert at is not None
    return VitalsReading(at=at, **values)


def read_rating(form: Mapping[str, str]) -> Rating:
    read = Reader(form)
    at = read.moment("at")
    sedation = read.whole("sedation", 0, 4)
    dissociation = read.whole("dissociation", 0, 4)
    for name, value in (("at", at), ("sedation", sedation), ("dissociation", dissociation)):
        if value is None and not read.text(name):
            read.fail(name, "This is needed." if name == "at" else "Choose a rating from 0 to 4.")
    read.done()
    assert at is not None and sedation is not None and dissociation is not None
    return Rating(at, sedation, dissociation, read.text("note"))


def read_event(form: Mapping[str, str]) -> AdverseEvent:
    read = Reader(form)
    kind = read.choice("kind", (k.value for k in AdverseEventKind), "Choose what happened.")
    severity = read.choice("severity", (s.value for s in Severity), "Choose how severe it is.")
    onset = read.moment("onset")
    for name, value, message in (
        ("kind", kind, "Choose what happened."),
        ("severity", severity, "Choose how severe it is."),
        ("onset", onset, "Enter when it began."),
    ):
        if value is None and not read.text(name):
            read.fail(name, message)
    read.done()
    assert kind is not None and severity is not None and onset is not None
    return AdverseEvent(
        AdverseEventKind(kind),
        Severity(severity),
        onset,
        read.text("action"),
        description=read.text("description"),
    )


def read_resolved(form: Mapping[str, str]) -> datetime:
    read = Reader(form)
    at = read.moment("resolved_at")
    if at is None and not read.text("resolved_at"):
        read.fail("resolved_at", "Enter when it resolved.")
    read.done()
    assert at is not None
    return at


@dataclass(frozen=True)
class DischargeInput:
    checklist: DischargeChecklist
    ended_at: datetime | None
    disposition: Disposition | None
    transfer_note: str


def read_discharge(form: Mapping[str, str]) -> DischargeInput:
    read = Reader(form)
    checks = {k: read.yes_no(f"discharge.{k}") for k in DISCHARGE_KEYS}
    disposition = read.choice(
        "disposition", (d.value for d in Disposition), "Choose where the patient went."
    )
    result = DischargeInput(
        DischargeChecklist(escort_name=read.text("discharge.escort_name"), **checks),
        read.moment("ended_at"),
        Disposition(disposition) if disposition else None,
        read.text("transfer_note"),
    )
    read.done()
    return result


# --- the vitals timeline ------------------------------------------------------------------

#: Each chart's metrics, unit, value range before the readings widen it, and ceiling.
PANELS = (
    ("Blood pressure", "mmHg", (Metric.SYSTOLIC, Metric.DIASTOLIC), 40, 200, 300),
    ("Heart rate", "beats a minute", (Metric.HEART_RATE,), 30, 150, 250),
    ("Oxygen saturation (SpO2)", "%", (Metric.SPO2,), 80, 100, 100),
)
_SHORT = {
    Metric.SYSTOLIC: "Systolic",
    Metric.DIASTOLIC: "Diastolic",
    Metric.HEART_RATE: "Heart rate",
    Metric.SPO2: "SpO2",
}


@dataclass(frozen=True)
class TimelineChart:
    title: str
    svg: Markup


def _threshold_label(metric: Metric, level: VitalsLevel, direction: Direction, value: int) -> str:
    sign = ">" if direction is Direction.ABOVE else "<"
    return f"{_SHORT[metric]}: {level.value} {sign}{value}"


def _range(
    low: float, high: float, ceiling: float, values: Sequence[float], marks: Sequence[float]
) -> tuple[float, float]:
    """Wide enough for every reading and threshold, on round tens, never past the ceiling."""
    every = [*values, *marks]
    if every:
        low = min(low, min(every) - 5)
        high = max(high, max(every) + 5)
    return float(max(0, low // 10 * 10)), float(min(ceiling, -(-high // 10) * 10))


def timeline(
    record: SessionRecord,
    protocol: VitalsProtocol,
    warnings: Sequence[VitalsWarning],
    now: datetime,
) -> tuple[TimelineChart, ...]:
    """The three charts of the session's readings; times span the readings and the session."""
    readings = sorted(record.vitals, key=lambda r: r.at)
    times = [r.at for r in readings]
    times += [t for t in (record.started_at, record.ended_at) if t is not None]
    start = min(times) if times else now
    end = max(times) if times else now + timedelta(hours=2)
    if end - start < timedelta(minutes=60):
        end = start + timedelta(minutes=60)
    flagged: dict[tuple[datetime, Metric], VitalsWarning] = {}
    for w in warnings:
        held = flagged.get((w.at, w.metric))
        if held is None or w.level.rank > held.level.rank:
            flagged[(w.at, w.metric)] = w
    charts = []
    for title, unit, metrics, low, high, ceiling in PANELS:
        lines = []
        values: list[float] = []
        for index, metric in enumerate(metrics):
            points = []
            for r in readings:
                value = r.value(metric)
                if value is None:
                    continue
                values.append(value)
                hit = flagged.get((r.at, metric))
                points.append(
                    TimelinePoint(
                        r.at,
                        value,
                        hit.message() if hit else "",
                        Level(hit.level.value) if hit else None,
                    )
                )
            lines.append(
                TimelineLine(
                    _SHORT[metric],
                    tuple(points),
                    dashed=index == 1,
                    marker=Marker.SQUARE if index == 1 else Marker.CIRCLE,
                )
            )
        marks = tuple(
            ThresholdMark(
                t.value,
                _threshold_label(t.metric, t.level, t.direction, t.value),
                Level(t.level.value),
            )
            for t in protocol.thresholds
            if t.metric in metrics
        )
        y_min, y_max = _range(low, high, ceiling, values, [m.value for m in marks])
        dosed = ((record.started_at, "Dose"),) if record.started_at is not None else ()
        panel = TimelinePanel(title, unit, tuple(lines), marks, y_min, y_max, start, end, dosed)
        # timeline_chart escapes every piece of text it includes.
        charts.append(TimelineChart(title, Markup(timeline_chart(panel))))
    return tuple(charts)
