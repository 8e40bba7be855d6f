"""The prescriber's sign-off on one eligibility result.

A sign-off names the digest of the result it was given on, so it can never be moved to
another or a changed result. The decisions:

- ``approve``: proceed. Allowed on *eligible* and on *eligible with conditions*; with
  conditions the note must say how they will be met before the first dose. Approving a
  *not eligible* result is refused: a signature cannot turn it into eligible.
- ``override``: proceed although the result is *not eligible*. Only when EVERY exclusion
  is one the rules mark as overridable (a history of psychosis, past dissociative
  misuse); each overridden exclusion must be named, and a rationale of at least
  ``MIN_RATIONALE`` characters given. Hard exclusions (labelled contraindications, a
  blood pressure above the limit, pregnancy, current psychosis or mania, esketamine at
  home, every at-home requirement) can never be overridden: assess again once the fact
  has changed, or choose the in-office program.
- ``decline``: do not proceed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from attune.domain.errors import FormErrors, ValidationError
from attune.domain.kap.eligibility import outcome_of
from attune.domain.kap.eligibility_model import Eligibility, Outcome
from attune.domain.kap.eligibility_store import digest_of
from attune.domain.kap.program import Program, program

MIN_RATIONALE = 40
MAX_TEXT = 2000


class Decision(Enum):
    APPROVE = "approve"
    DECLINE = "decline"
    OVERRIDE = "override"


@dataclass(frozen=True)
class SignOff:
    prescriber_user_id: int
    signed_at: datetime
    decision: Decision
    note: str
    #: The digest of the eligibility result signed, and what it said.
    eligibility_digest: str
    program: Program
    outcome: Outcome
    #: The exclusion codes overridden (override only), and why.
    overridden: tuple[str, ...] = ()
    rationale: str = ""

    @property
    def permits_dosing(self) -> bool:
        return self.decision in (Decision.APPROVE, Decision.OVERRIDE)

    def is_for(self, result: Eligibility) -> bool:
        return self.eligibility_digest == result.digest


def _text_problem(value: str) -> str | None:
    if len(value) > MAX_TEXT:
        return f"Please keep this to {MAX_TEXT} characters or fewer (it has {len(value)})."
    if any(unicodedata.category(c) in ("Cc", "Cs") and c not in "\n\t\r" for c in value):
        return "This contains a control character that cannot be saved."
    return None


def _decision_problems(
    result: Eligibility, decision: Decision, note: str, overridden: tuple[str, ...], rationale: str
) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    outcome = result.outcome
    if decision is not Decision.OVERRIDE and (overridden or rationale.strip()):
        errors.append(("overridden", "Only an override names exclusions and a rationale."))
    if decision is Decision.APPROVE:
        if outcome is Outcome.NOT_ELIGIBLE:
            errors.append(
                (
                    "decision",
                    "This result is not eligible: approving cannot make it eligible. Decline, "
                    "or record an override of each exclusion with a rationale where the rules "
                    "allow one.",
                )
            )
        elif outcome is Outcome.ELIGIBLE_WITH_CONDITIONS and not note.strip():
            errors.append(("note", "Say how each condition will be met before the first dose."))
    if decision is Decision.OVERRIDE:
        if outcome is not Outcome.NOT_ELIGIBLE:
            errors.append(("decision", "There is nothing to override: this result is eligible."))
            return errors
        hard = [r.code for r in result.exclusions if not r.overridable]
        if hard:
            errors.append(
                ("decision", "These exclusions can never be overridden: " + ", ".join(hard) + ".")
            )
        wanted = sorted(r.code for r in result.exclusions)
        if sorted(set(overridden)) != wanted or len(set(overridden)) != len(overridden):
            errors.append(
                ("overridden", "Name each exclusion being overridden: " + ", ".join(wanted) + ".")
            )
        if len(rationale.strip()) < MIN_RATIONALE:
            errors.append(
                (
                    "rationale",
                    f"An override needs a documented rationale of at least {MIN_RATIONALE} "
                    "characters: why the benefit outweighs each risk, and what will be watched.",
                )
            )
    return errors


def sign_off(
    result: Eligibility,
    *,
    prescriber_user_id: int,
    signed_at: datetime,
    decision: Decision,
    note: str = "",
    overridden: tuple[str, ...] = (),
    rationale: str = "",
) -> SignOff:
    """Record the prescriber's decision on ``result``; raises FormErrors naming every
    problem (see the module text for the rules)."""
    errors: list[tuple[str, str]] = []
    if isinstance(prescriber_user_id, bool) or prescriber_user_id < 1:
        errors.append(("prescriber_user_id", "A sign-off needs the prescriber's user id."))
    if signed_at.utcoffset() is None:
        errors.append(("signed_at", "The time of the sign-off must be timezone-aware."))
    elif signed_at < result.assessed_at:
        errors.append(("signed_at", "A sign-off cannot come before the check it signs."))
    for name, value in (("note", note), ("rationale", rationale)):
        problem = _text_problem(value)
        if problem:
            errors.append((name, problem))
    errors += _decision_problems(result, decision, note, overridden, rationale)
    if errors:
        raise FormErrors(tuple(errors))
    return SignOff(
        prescriber_user_id=prescriber_user_id,
        signed_at=signed_at,
        decision=decision,
        note=note,
        eligibility_digest=result.digest,
        program=result.program,
        outcome=result.outcome,
        overridden=tuple(sorted(overridden)),
        rationale=rationale,
    )


def signoff_problems(result: Eligibility, s: SignOff) -> tuple[str, ...]:
    """Why ``s`` is not a valid sign-off on ``result`` (empty when it is). Used when a
    sign-off arrives from elsewhere, e.g. storage, before it may permit dosing."""
    problems = [] if s.is_for(result) else ["This sign-off was given on a different result."]
    if digest_of(result) != result.digest or outcome_of(result.reasons) is not result.outcome:
        problems.append("The eligibility result does not match its digest or its reasons.")
    if s.program != result.program or s.outcome is not result.outcome:
        problems.append("This sign-off does not match the result's program and outcome.")
    if s.signed_at.utcoffset() is None or s.signed_at < result.assessed_at:
        problems.append("A sign-off must be timezone-aware and after the check it signs.")
    problems += [
        m for _, m in _decision_problems(result, s.decision, s.note, s.overridden, s.rationale)
    ]
    return tuple(problems)


def signoff_to_dict(s: SignOff) -> dict[str, object]:
    return {
        "prescriber_user_id": s.prescriber_user_id,
        "signed_at": s.signed_at.isoformat(),
        "decision": s.decision.value,
        "note": s.note,
        "eligibility_digest": s.eligibility_digest,
        "program": s.program.id,
        "outcome": s.outcome.value,
        "overridden": list(s.overridden),
        "rationale": s.rationale,
    }


def signoff_from_dict(data: Mapping[str, object]) -> SignOff:
    """The inverse of :func:`signoff_to_dict` (strict)."""

    def bad(where: str) -> ValidationError:
        return ValidationError(f"Stored sign-off: {where} is missing or wrong.", field=where)

    def text(key: str) -> str:
        value = data.get(key)
        if not isinstance(value, str):
            raise bad(key)
        return value

    user = data.get("prescriber_user_id")
    if isinstance(user, bool) or not isinstance(user, int):
        raise bad("prescriber_user_id")
    decision = next((d for d in Decision if d.value == data.get("decision")), None)
    outcome = next((o for o in Outcome if o.value == data.get("outcome")), None)
    overridden = data.get("overridden")
    if decision is None or outcome is None:
        raise bad("decision" if decision is None else "outcome")
    if not isinstance(overridden, list) or not all(isinstance(c, str) for c in overridden):
        raise bad("overridden")
    try:
        signed_at = datetime.fromisoformat(text("signed_at"))
    except ValueError:
        raise bad("signed_at") from None
    if signed_at.utcoffset() is None:
        raise bad("signed_at")
    return SignOff(
        prescriber_user_id=user,
        signed_at=signed_at,
        decision=decision,
        note=text("note"),
        eligibility_digest=text("eligibility_digest"),
        program=program(text("program")),
        outcome=outcome,
        overridden=tuple(str(c) for c in overridden),
        rationale=text("rationale"),
    )
