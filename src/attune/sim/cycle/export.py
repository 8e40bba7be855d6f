"""Write a run to Parquet files in one folder, block by block.

=======================  ================================================================
``checkins.parquet``     one row per day a patient checked in; the columns are the
                         ``CheckIn`` fields (``uses`` a list of {what, amount, unit,
                         detail}; ``triggers`` and ``coping`` lists of tag ids; ``safety``
                         the ``Safety`` value) plus ``patient``
``days.parquet``         every patient-day, what really happened: ``used``, ``amount``,
                         ``cue``, ``conflict``, ``work``, ``safety`` (true), ``lapse``,
                         ``relapse``
``latent.parquet``       (with ``latent=True``) every patient-day's latent states
``sessions.parquet``     one row per session offered: ``kind`` (therapy, dose,
                         integration), ``attended``
``questionnaire_<id>``   one row per administration: ``patient``, ``day``, ``date``,
                         the item codes ``q1``…, and the latent ``level``
``patients.parquet``     traits, arm and level of care
``truth.parquet``        the ground truth per patient (see docs/simulator.md)
``manifest.json``        seed, size, start date, every parameter value, the files
=======================  ================================================================
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
from numpy.typing import NDArray

from attune.domain.instruments import get_instrument
from attune.sim.cycle.cohort import ADDICTIONS, UNITS
from attune.sim.cycle.constants import COPING_SIM, TRIGGER_SIM
from attune.sim.cycle.result import SimResult
from attune.sim.cycle.schedule import LEVELS

#: Patients per written block (each block is one Parquet row group per file).
WRITE_BLOCK = 4096
_EPOCH = date(1970, 1, 1).toordinal()
NOTE = (
    "Synthetic patients from Attune's cycle simulator: a model for teaching and testing, "
    "not a prediction for any real person."
)


def _tag_lists(bits: NDArray[np.uint16], names: tuple[str, ...]) -> pa.Array:
    has = ((bits[:, None] >> np.arange(len(names), dtype=np.uint16)[None, :]) & 1).astype(np.bool_)
    offsets = np.zeros(bits.shape[0] + 1, dtype=np.int32)
    np.cumsum(has.sum(axis=1), out=offsets[1:])
    _, tag = np.nonzero(has)
    values = pa.DictionaryArray.from_arrays(pa.array(tag.astype(np.int8)), pa.array(list(names)))
    return pa.ListArray.from_arrays(pa.array(offsets), values)


def _constant_text(n: int, text: str) -> pa.Array:
    return pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, dtype=np.int8)), pa.array([text]))


def _uses(
    used: NDArray[np.bool_], what: NDArray[np.int64], amount: NDArray[np.float32]
) -> pa.Array:
    rows = np.nonzero(used)[0]
    offsets = np.zeros(used.shape[0] + 1, dtype=np.int32)
    np.cumsum(used, out=offsets[1:])
    kinds = what[rows]
    unit_names = [UNITS[a].value for a in ADDICTIONS]
    struct = pa.StructArray.from_arrays(
        [
            pa.DictionaryArray.from_arrays(
                pa.array(kinds.astype(np.int8)), pa.array([a.value for a in ADDICTIONS])
            ),
            pa.array(np.round(amount[rows].astype(np.float64), 1)),
            pa.DictionaryArray.from_arrays(pa.array(kinds.astype(np.int8)), pa.array(unit_names)),
            _constant_text(rows.shape[0], ""),
        ],
        names=["what", "amount", "unit", "detail"],
    )
    return pa.ListArray.from_arrays(pa.array(offsets), struct)


def _checkins_table(result: SimResult, rows: slice) -> pa.Table:
    obs = {name: values[rows] for name, values in result.checkins.items()}
    patient, day = np.nonzero(obs["checked_in"])
    first = rows.start or 0
    what = result.cohort.addiction[first + patient]
    amount = np.asarray(result.events["amount"][rows][patient, day], dtype=np.float32)
    n = patient.shape[0]
    safety = np.array(["none", "thoughts", "might_act"])
    return pa.table(
        {
            "patient": pa.array((first + patient).astype(np.int32)),
            "day": pa.array(
                (result.start.toordinal() - _EPOCH + day).astype(np.int32), pa.date32()
            ),
            "mood": obs["mood"][patient, day],
            "stress": obs["stress"][patient, day],
            "loneliness": obs["loneliness"][patient, day],
            "craving": obs["craving"][patient, day],
            "uses": _uses(np.asarray(obs["used"][patient, day], dtype=np.bool_), what, amount),
            "triggers": _tag_lists(
                np.asarray(obs["triggers"][patient, day], np.uint16), TRIGGER_SIM
            ),
            "trigger_note": _constant_text(n, ""),
            "coping": _tag_lists(np.asarray(obs["coping"][patient, day], np.uint16), COPING_SIM),
            "sleep_hours": obs["sleep_half_hours"][patient, day].astype(np.float32) / 2,
            "sleep_quality": obs["sleep_quality"][patient, day],
            "safety": pa.DictionaryArray.from_arrays(
                pa.array(obs["safety"][patient, day]), pa.array(safety)
            ),
            "note": _constant_text(n, ""),
        }
    )


def _days_table(result: SimResult, rows: slice, latent: bool) -> tuple[pa.Table, pa.Table | None]:
    first = rows.start or 0
    used = result.events["used"][rows]
    nb, days = used.shape
    patient = np.repeat(np.arange(first, first + nb, dtype=np.int32), days)
    day = np.tile(np.arange(days, dtype=np.int32), nb)
    columns: dict[str, NDArray[np.generic]] = {"patient": patient, "day": day}
    for name in ("used", "amount", "cue", "conflict", "work", "safety"):
        columns[name] = np.ascontiguousarray(result.events[name][rows]).ravel()
    columns["lapse"] = np.ascontiguousarray(result.truth.lapse[rows]).ravel()
    columns["relapse"] = np.ascontiguousarray(result.truth.relapse[rows]).ravel()
    states = None
    if latent and result.latent:
        states = pa.table(
            {"patient": patient, "day": day}
            | {name: np.ascontiguousarray(v[rows]).ravel() for name, v in result.latent.items()}
        )
    return pa.table(columns), states


def _sessions_table(result: SimResult) -> pa.Table:
    s, ev = result.schedule, result.events
    parts = []
    for code, (offered, attended) in enumerate(
        ((s.therapy, ev["therapy"]), (s.dose > 0, ev["dose"]), (s.integration, ev["integration"]))
    ):
        patient, day = np.nonzero(offered)
        parts.append(
            (patient, day, np.full(patient.shape[0], code, dtype=np.int8), attended[patient, day])
        )
    patient = np.concatenate([p[0] for p in parts])
    day = np.concatenate([p[1] for p in parts])
    order = np.lexsort((day, patient))
    kinds = pa.array(["therapy", "dose", "integration"])
    return pa.table(
        {
            "patient": patient[order].astype(np.int32),
            "day": day[order].astype(np.int32),
            "kind": pa.DictionaryArray.from_arrays(
                pa.array(np.concatenate([p[2] for p in parts])[order]), kinds
            ),
            "attended": np.concatenate([p[3] for p in parts])[order],
        }
    )


def _patients_table(result: SimResult) -> pa.Table:
    c, s = result.cohort, result.schedule
    return pa.table(
        {
            "patient": np.arange(c.n, dtype=np.int32),
            "arm": pa.array([s.arms[int(i)].name for i in s.arm], pa.string()),
            "level": pa.array([LEVELS[int(i)].value for i in s.start_level], pa.string()),
            "addiction": pa.array([ADDICTIONS[int(i)].value for i in c.addiction], pa.string()),
            "anxiety": c.anxiety,
            "avoidance": c.avoidance,
            "ace": c.ace.astype(np.int8),
            "severity": c.severity,
            "support": c.support,
            "engagement": c.engagement,
        }
    )


def _truth_table(result: SimResult) -> pa.Table:
    t = result.truth
    columns: dict[str, object] = {"patient": np.arange(result.patients, dtype=np.int32)}
    for k, name in enumerate(t.predictors):
        columns[f"effect_{name}"] = t.effects[:, k]
    for k, name in enumerate(t.predictors):
        columns[f"standardised_{name}"] = t.standardised[:, k]
    columns["top_trigger"] = pa.array(t.top_trigger_names(), pa.string())
    for j, name in enumerate(t.coping):
        columns[f"coping_{name}"] = t.coping_effects[:, j]
        columns[f"uses_{name}"] = t.repertoire[:, j]
    columns["ketamine_response"] = t.ketamine_response
    columns["usual_stress"] = t.usual_stress
    columns["usual_loneliness"] = t.usual_loneliness
    columns["usual_sleep"] = t.usual_sleep
    columns["lapses"] = t.lapse.sum(axis=1).astype(np.int32)
    columns["relapses"] = t.relapse.sum(axis=1).astype(np.int32)
    return pa.table(columns)


def _questionnaire_table(result: SimResult, key: str) -> pa.Table:
    given = result.questionnaires[key]
    columns: dict[str, object] = {
        "patient": given.patient.astype(np.int32),
        "day": given.day.astype(np.int32),
        "date": pa.array(
            (result.start.toordinal() - _EPOCH + given.day).astype(np.int32), pa.date32()
        ),
    }
    for j, link_id in enumerate(get_instrument(given.instrument_id).item_ids):
        columns[link_id] = given.codes[:, j].astype(np.int8)
    columns["level"] = given.level
    return pa.table(columns)


def write_parquet(
    result: SimResult,
    folder: Path,
    *,
    latent: bool = False,
    advance: Callable[[int], None] | None = None,
) -> list[Path]:
    """Write every file into ``folder`` (created if needed); returns the paths written.
    ``advance`` is called with the patient-days written."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    writers: dict[str, pq.ParquetWriter] = {}

    def put(name: str, table: pa.Table) -> None:
        if name not in writers:
            path = folder / f"{name}.parquet"
            writers[name] = pq.ParquetWriter(path, table.schema, compression="zstd")
            written.append(path)
        writers[name].write_table(table)

    try:
        for first in range(0, result.patients, WRITE_BLOCK):
            rows = slice(first, min(first + WRITE_BLOCK, result.patients))
            put("checkins", _checkins_table(result, rows))
            days, states = _days_table(result, rows, latent)
            put("days", days)
            if states is not None:
                put("latent", states)
            if advance is not None:
                advance((rows.stop - rows.start) * result.days)
    finally:
        for writer in writers.values():
            writer.close()
    for name, table in (
        ("sessions", _sessions_table(result)),
        ("patients", _patients_table(result)),
        ("truth", _truth_table(result)),
        *(
            (f"questionnaire_{key}", _questionnaire_table(result, key))
            for key in sorted(result.questionnaires)
        ),
    ):
        path = folder / f"{name}.parquet"
        pq.write_table(table, path, compression="zstd")
        written.append(path)
    manifest = folder / "manifest.json"
    manifest.write_text(
        json.dumps(
            {
                "note": NOTE,
                "seed": result.seed,
                "patients": result.patients,
                "days": result.days,
                "start": result.start.isoformat(),
                "completion": round(result.completion(), 4),
                "arms": [arm.name for arm in result.schedule.arms],
                "files": [p.name for p in written],
                "parameters": result.params.as_dict(),
            },
            indent=1,
        ),
        encoding="utf-8",
    )
    written.append(manifest)
    return written
