"""The storage form of an eligibility result, and its digest.

``digest_of(result)`` is the sha256 of the result's canonical JSON (sorted keys, no
spaces) without the digest itself. A sign-off names that digest, so it can never be
attached to a different or later-changed result. ``eligibility_from_dict`` is strict and
refuses a stored result whose digest does not match its content.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime

from attune.domain.errors import ValidationError
from attune.domain.kap.eligibility_model import BloodPressure, Eligibility, Outcome, Reason
from attune.domain.kap.eligibility_rules import Severity
from attune.domain.kap.program import program

FORMAT = 1


def _bp_to_dict(bp: BloodPressure | None) -> dict[str, object] | None:
    if bp is None:
        return None
    return {
        "systolic": bp.systolic,
        "diastolic": bp.diastolic,
        "measured_at": bp.measured_at.isoformat(),
    }


def _content(result: Eligibility) -> dict[str, object]:
    return {
        "format": FORMAT,
        "outcome": result.outcome.value,
        "program": result.program.id,
        "rules_version": result.rules_version,
        "assessed_at": result.assessed_at.isoformat(),
        "blood_pressure": _bp_to_dict(result.blood_pressure),
        "reasons": [
            {
                "code": r.code,
                "severity": r.severity.value,
                "text": r.text,
                "sources": list(r.sources),
                "source_ids": list(r.source_ids),
                "evidence": list(r.evidence),
                "overridable": r.overridable,
            }
            for r in result.reasons
        ],
    }


def canonical_json(data: object) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest_of(result: Eligibility) -> str:
    """sha256 (hex) of the result's canonical JSON, leaving out the digest field."""
    return hashlib.sha256(canonical_json(_content(result)).encode("utf-8")).hexdigest()


def eligibility_to_dict(result: Eligibility) -> dict[str, object]:
    return {**_content(result), "digest": result.digest}


def _bad(where: str, message: str = "is missing or has the wrong type") -> ValidationError:
    return ValidationError(f"Stored eligibility result: {where} {message}.", field=where)


def _str(m: Mapping[str, object], key: str) -> str:
    value = m.get(key)
    if not isinstance(value, str):
        raise _bad(key)
    return value


def _int(m: Mapping[str, object], key: str) -> int:
    value = m.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad(key)
    return value


def _list(m: Mapping[str, object], key: str) -> list[object]:
    value = m.get(key)
    if not isinstance(value, list):
        raise _bad(key)
    return value


def _strs(m: Mapping[str, object], key: str) -> tuple[str, ...]:
    value = _list(m, key)
    if not all(isinstance(v, str) for v in value):
        raise _bad(key)
    return tuple(str(v) for v in value)


def _time(value: str, where: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _bad(where, "is not a date and time") from None
    if parsed.utcoffset() is None:
        raise _bad(where, "has no time zone")
    return parsed


def _reason(data: object, where: str) -> Reason:
    if not isinstance(data, Mapping):
        raise _bad(where)
    severity = next((s for s in Severity if s.value == data.get("severity")), None)
    if severity is None:
        raise _bad(f"{where}.severity")
    overridable = data.get("overridable")
    if not isinstance(overridable, bool):
        raise _bad(f"{where}.overridable")
    return Reason(
        code=_str(data, "code"),
        severity=severity,
        text=_str(data, "text"),
        sources=_strs(data, "sources"),
        source_ids=_strs(data, "source_ids"),
        evidence=_strs(data, "evidence"),
        overridable=overridable,
    )


def eligibility_from_dict(data: Mapping[str, object]) -> Eligibility:
    """The inverse of :func:`eligibility_to_dict`; checks the digest."""
    if data.get("format") != FORMAT:
        raise _bad("format", f"must be {FORMAT}")
    outcome = next((o for o in Outcome if o.value == data.get("outcome")), None)
    if outcome is None:
        raise _bad("outcome")
    bp_raw = data.get("blood_pressure")
    bp = None
    if bp_raw is not None:
        if not isinstance(bp_raw, Mapping):
            raise _bad("blood_pressure")
        bp = BloodPressure(
            _int(bp_raw, "systolic"),
            _int(bp_raw, "diastolic"),
            _time(_str(bp_raw, "measured_at"), "blood_pressure.measured_at"),
        )
    reasons_raw = _list(data, "reasons")
    result = Eligibility(
        outcome=outcome,
        program=program(_str(data, "program")),
        reasons=tuple(_reason(r, f"reasons[{n}]") for n, r in enumerate(reasons_raw)),
        rules_version=_str(data, "rules_version"),
        assessed_at=_time(_str(data, "assessed_at"), "assessed_at"),
        blood_pressure=bp,
        digest=_str(data, "digest"),
    )
    if digest_of(result) != result.digest:
        raise _bad("digest", "does not match the stored result; it may have been altered")
    return result
