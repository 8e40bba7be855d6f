"""The level of care: evaluating it, showing it, and the clinician's decision on it.

A recommendation is computed by the rules engine (:mod:`attune.domain.levelofcare`) from
the patient's latest submitted intake, the latest score of each instrument and the open
flags. It is stored only when it differs (:func:`attune.domain.levelofcare.compare`) from
the latest one stored, as ``pending_review``; an older pending one is then
``superseded``. Nothing is ever applied by itself: the accepted level changes only when a
clinician (or an admin) accepts a recommendation or overrides it with a level and a
rationale, and both decisions are audited with the rationale in the event's detail.

Re-evaluation happens when the intake is submitted (services/intake.py) and after every
new response of a patient with a submitted intake (services/responses.py); both are
audited as ``evaluate_level_of_care`` events by the system. Staff may also ask for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from attune.domain import levelofcare as loc
from attune.domain.errors import Conflict, DomainError, FormErrors, NotFound, UnknownInstrument
from attune.domain.instruments import Finding, InstrumentLibrary, Score
from attune.domain.intake import Intake
from attune.domain.intake import from_dict as intake_from_dict
from attune.domain.levelofcare import Change, Level, Recommendation
from attune.services.access import (
    Action,
    no_such_patient,
    open_patient,
    patient_action,
    refuse_missing,
)
from attune.services.actors import Actor
from attune.services.audit import record_event
from attune.services.clock import SYSTEM_CLOCK, Clock
from attune.services.ports import (
    IntakeRecord,
    Outcome,
    RecommendationRecord,
    StoredResponse,
    UnitOfWork,
)

MAX_RATIONALE_LENGTH = 4000


class RecommendationStatus(StrEnum):
    PENDING_REVIEW = "pending_review"
    ACCEPTED = "accepted"
    OVERRIDDEN = "overridden"
    SUPERSEDED = "superseded"


class Decision(StrEnum):
    ACCEPT = "accept"
    OVERRIDE = "override"


@dataclass(frozen=True)
class StoredRecommendation:
    """One stored recommendation with the clinician's decision, if any.

    ``final_level`` is the level decided on: the recommended one when accepted, the
    clinician's when overridden, None while pending or if superseded undecided.
    """

    id: int
    patient_id: int
    created_at: datetime
    recommendation: Recommendation
    rules_version: str
    status: RecommendationStatus
    decided_by: int | None
    decided_at: datetime | None
    final_level: Level | None
    rationale: str | None

    @property
    def level(self) -> Level:
        """The level the rules recommended."""
        return self.recommendation.level

    @property
    def pending(self) -> bool:
        return self.status is RecommendationStatus.PENDING_REVIEW


@dataclass(frozen=True)
class LevelOfCareView:
    """What the clinician reviews.

    ``current`` is the newest recommendation (pending or decided); ``accepted`` the one in
    force (accepted or overridden), which may be older; ``change`` what differs between the
    accepted one and a newer pending one (None when there is nothing newer or nothing
    accepted yet); ``history`` every recommendation, oldest first.

    ``missing_information`` is worked out now, from the submitted intake and the scores
    as they are at this moment: a stored recommendation keeps the list it was made with,
    and a score that arrives without changing any rating stores no new recommendation,
    so the stored list goes stale. Empty when there is no submitted intake.
    """

    patient_id: int
    current: StoredRecommendation | None
    accepted: StoredRecommendation | None
    change: Change | None
    history: tuple[StoredRecommendation, ...]
    missing_information: tuple[str, ...] = ()

    @property
    def needs_review(self) -> bool:
        return self.current is not None and self.current.pending

    @property
    def level_in_force(self) -> Level | None:
        return self.accepted.final_level if self.accepted is not None else None


def stored_recommendation(record: RecommendationRecord) -> StoredRecommendation:
    return StoredRecommendation(
        id=record.id,
        patient_id=record.patient_id,
        created_at=record.created_at,
        recommendation=loc.from_dict(record.content),
        rules_version=record.rules_version,
        status=RecommendationStatus(record.status),
        decided_by=record.decided_by,
        decided_at=record.decided_at,
        final_level=Level(record.final_level) if record.final_level is not None else None,
        rationale=record.rationale,
    )


# --- scores and the intake, as the domain reads them -------------------------------------


def stored_score(library: InstrumentLibrary, response: StoredResponse) -> Score:
    """The score kept with a response, as the domain's :class:`Score` (the band's meaning
    looked up in the instrument, where the clinic's library still has it)."""
    band_index: int | None = None
    band_meaning = ""
    try:
        instrument = library.get(response.instrument_id)
    except UnknownInstrument:
        instrument = None
    if instrument is not None and response.band is not None:
        for index, band in enumerate(instrument.bands):
            if band.label == response.band:
                band_index, band_meaning = index, band.meaning
    return Score(
        instrument_id=response.instrument_id,
        total=response.total,
        band=response.band,
        band_meaning=band_meaning,
        subscales=dict(response.subscales),
        flags=tuple(response.flags),
        missing=tuple(response.missing),
        imputed=tuple(response.imputed),
        findings=tuple(Finding(f.get("code", ""), f.get("text", "")) for f in response.findings),
        band_index=band_index,
        skipped=tuple(response.skipped),
    )


def latest_responses(uow: UnitOfWork, patient_id: int) -> dict[str, StoredResponse]:
    """The newest response of each instrument the patient has answered."""
    latest: dict[str, StoredResponse] = {}
    for response in uow.responses.for_patient(patient_id):  # newest first
        latest.setdefault(response.instrument_id, response)
    return latest


def latest_scores(uow: UnitOfWork, patient_id: int) -> dict[str, Score]:
    return {
        instrument_id: stored_score(uow.instruments, response)
        for instrument_id, response in latest_responses(uow, patient_id).items()
    }


def intake_of(record: IntakeRecord) -> Intake:
    """The domain intake kept in a record."""
    return intake_from_dict(record.answers)


# --- evaluating ------------------------------------------------------------------------


def _records(uow: UnitOfWork, patient_id: int) -> list[StoredRecommendation]:
    return [stored_recommendation(r) for r in uow.recommendations.for_patient(patient_id)]


def compute(uow: UnitOfWork, patient_id: int, intake: Intake, today_from: Clock) -> Recommendation:
    """The recommendation the rules give now (nothing stored)."""
    open_flags = tuple(dict.fromkeys(f.kind for f in uow.flags.open_for_patient(patient_id)))
    inputs = loc.Inputs(
        intake=intake,
        today=today_from.now().date(),
        scores=latest_scores(uow, patient_id),
        open_flags=open_flags,
    )
    return loc.recommend(inputs)


def reevaluate(
    uow: UnitOfWork, patient_id: int, clock: Clock, *, because: str
) -> StoredRecommendation | None:
    """Evaluate inside the caller's transaction (access already checked) and audit it as
    the system. Stores and returns a new pending recommendation when it differs from the
    newest stored one; returns None when the patient has no submitted intake or nothing
    changed. The caller commits."""
    stored, _ = _reevaluate(uow, patient_id, clock, because=because)
    return stored


def _reevaluate(
    uow: UnitOfWork, patient_id: int, clock: Clock, *, because: str
) -> tuple[StoredRecommendation | None, Recommendation | None]:
    """:func:`reevaluate`, also giving the recommendation the rules give now (None when
    there is no submitted intake)."""
    record = uow.intakes.latest_for_patient(patient_id, submitted_only=True)
    if record is None:
        return None, None
    now = clock.now()
    # Evaluations queue up behind the audit chain's lock, so two responses arriving at
    # once cannot both store a recommendation from the same starting point.
    uow.audit.lock_head()
    fresh = compute(uow, patient_id, intake_of(record), clock)
    existing = _records(uow, patient_id)
    newest = existing[-1] if existing else None
    change = loc.compare(newest.recommendation, fresh) if newest is not None else None
    stored: StoredRecommendation | None = None
    if newest is None or change is not None:
        for old in existing:
            if old.pending:
                uow.recommendations.set_status(old.id, RecommendationStatus.SUPERSEDED)
        stored = stored_recommendation(
            uow.recommendations.add(
                patient_id=patient_id,
                created_at=now,
                content=loc.to_dict(fresh),
                rules_version=fresh.rules_version,
                level=fresh.level.value,
                status=RecommendationStatus.PENDING_REVIEW,
            )
        )
        detail = (
            f"{because}: stored recommendation {stored.id} ({fresh.level.value}, rules "
            f"{fresh.rules_version}) for review"
        )
        if change is not None:
            detail += "; " + " ".join(change.summary)
    else:
        detail = f"{because}: no change from recommendation {newest.id}"
    record_event(
        uow,
        at=now,
        actor=None,
        patient_id=patient_id,
        action=str(Action.EVALUATE_LEVEL_OF_CARE),
        outcome=Outcome.ALLOWED,
        detail=detail,
    )
    return stored, fresh


def reevaluate_after_response(
    uow: UnitOfWork, patient_id: int, clock: Clock, *, because: str
) -> None:
    """Re-evaluate in a transaction of its own, right after a response (or a flag) was
    committed. A failure never undoes the response: it is audited as ``failed`` instead,
    so the trace shows that the re-evaluation still has to happen."""
    with uow:
        try:
            reevaluate(uow, patient_id, clock, because=because)
            uow.commit()
        except DomainError as exc:
            uow.rollback()
            record_event(
                uow,
                at=clock.now(),
                actor=None,
                patient_id=patient_id,
                action=str(Action.EVALUATE_LEVEL_OF_CARE),
                outcome=Outcome.FAILED,
                detail=f"{because}: failed: {exc.message}",
            )
            uow.commit()


def missing_now(uow: UnitOfWork, patient_id: int, clock: Clock) -> tuple[str, ...]:
    """The information the rules would find missing if run now (nothing stored; no
    access check). A stored intake that can no longer be read is said so, rather than
    failing the page that shows it."""
    record = uow.intakes.latest_for_patient(patient_id, submitted_only=True)
    if record is None:
        return ()
    try:
        return compute(uow, patient_id, intake_of(record), clock).missing_information
    except DomainError as exc:
        return (f"The submitted intake could not be read again ({exc.message}).",)


def _view(
    uow: UnitOfWork, patient_id: int, missing_information: tuple[str, ...] = ()
) -> LevelOfCareView:
    history = tuple(_records(uow, patient_id))
    current = history[-1] if history else None
    accepted = next(
        (
            r
            for r in reversed(history)
            if r.status in (RecommendationStatus.ACCEPTED, RecommendationStatus.OVERRIDDEN)
        ),
        None,
    )
    change = None
    if current is not None and accepted is not None and current.id != accepted.id:
        change = loc.compare(accepted.recommendation, current.recommendation)
    return LevelOfCareView(patient_id, current, accepted, change, history, missing_information)


def accepted_recommendation(uow: UnitOfWork, patient_id: int) -> StoredRecommendation | None:
    """The recommendation in force (no access check: callers have done it)."""
    return _view(uow, patient_id).accepted


def evaluate_level_of_care(
    uow: UnitOfWork, actor: Actor | None, patient_id: int, clock: Clock = SYSTEM_CLOCK
) -> LevelOfCareView:
    """Evaluate now and store a new recommendation if it changed (staff, or ``None`` for
    the command line or a job). Conflict when the patient has no submitted intake."""
    with uow:
        if actor is None:
            patient = uow.patients.get(patient_id)
            if patient is None:
                raise no_such_patient(patient_id)
            because = "asked for by the system"
        else:
            patient = open_patient(uow, actor, patient_id, Action.EVALUATE_LEVEL_OF_CARE, clock)
            because = f"asked for by user {actor.user_id}"
        if uow.intakes.latest_for_patient(patient.id, submitted_only=True) is None:
            raise Conflict(
                f"{patient.display_name} has no submitted intake yet, so there is nothing "
                "to base a level of care on.",
                field="intake",
            )
        _, fresh = _reevaluate(uow, patient.id, clock, because=because)
        view = _view(uow, patient.id, fresh.missing_information if fresh is not None else ())
        uow.commit()
    return view


def level_of_care(
    uow: UnitOfWork, actor: Actor, patient_id: int, clock: Clock = SYSTEM_CLOCK
) -> LevelOfCareView:
    """The current recommendation, the accepted one, what changed, the history and the
    information still missing now (staff)."""
    with uow:
        patient = open_patient(uow, actor, patient_id, Action.VIEW_LEVEL_OF_CARE, clock)
        view = _view(uow, patient.id, missing_now(uow, patient.id, clock))
        uow.commit()
    return view


def _no_such_recommendation(recommendation_id: int) -> NotFound:
    return NotFound(
        f"There is no recommendation with id {recommendation_id}.", field="recommendation_id"
    )


def _decision_errors(
    decision: Decision, recommended: Level, level: Level | None, rationale: str
) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    if len(rationale) > MAX_RATIONALE_LENGTH:
        errors.append(
            ("rationale", f"Please keep the rationale to {MAX_RATIONALE_LENGTH} characters.")
        )
    if decision is Decision.OVERRIDE:
        if level is None:
            errors.append(("level", "Choose the level of care you decide on instead."))
        elif level is recommended:
            errors.append(
                (
                    "level",
                    "That is the recommended level; accept the recommendation instead, or "
                    "choose a different level.",
                )
            )
        if not rationale:
            errors.append(
                ("rationale", "Say why you are overriding the recommendation (the rationale).")
            )
    return errors


def decide_recommendation(
    uow: UnitOfWork,
    actor: Actor,
    recommendation_id: int,
    decision: Decision | str,
    clock: Clock = SYSTEM_CLOCK,
    level: Level | None = None,
    rationale: str = "",
) -> StoredRecommendation:
    """Accept a pending recommendation, or override it with a level and a rationale
    (staff only). Both are audited with the levels and the rationale in the detail. The
    recommendation that was in force before becomes ``superseded``.

    FormErrors names ``level`` and/or ``rationale`` for an override without them;
    Conflict when the recommendation is no longer pending.
    """
    try:
        chosen = Decision(decision)
    except ValueError:
        raise FormErrors((("decision", "Choose to accept or to override."),)) from None
    rationale = rationale.strip()
    now = clock.now()
    with uow:
        record = uow.recommendations.get(recommendation_id)
        if record is None:
            refuse_missing(
                uow,
                actor,
                Action.DECIDE_RECOMMENDATION,
                clock,
                _no_such_recommendation(recommendation_id),
                detail=f"no recommendation {recommendation_id}",
            )
        recommended = Level(record.level)
        final = recommended if chosen is Decision.ACCEPT else level
        detail = f"recommendation {recommendation_id}: {chosen.value}, recommended " + (
            f"{recommended.value}"
            + (f", decided {final.value}" if final is not None else "")
            + (f"; rationale: {rationale}" if rationale else "")
        )
        try:
            with patient_action(
                uow,
                actor,
                record.patient_id,
                Action.DECIDE_RECOMMENDATION,
                clock,
                detail=detail,
            ):
                fresh = uow.recommendations.get(record.id, for_update=True)
                assert fresh is not None
                record = fresh
                errors = _decision_errors(chosen, recommended, level, rationale)
                if errors:
                    raise FormErrors(tuple(errors))
                if record.status != RecommendationStatus.PENDING_REVIEW:
                    raise Conflict(
                        "This recommendation is no longer waiting for review"
                        + (
                            "; a newer one replaced it."
                            if record.status == RecommendationStatus.SUPERSEDED
                            else "; it has already been decided."
                        ),
                        field="recommendation_id",
                    )
                assert final is not None
                for old in uow.recommendations.for_patient(record.patient_id):
                    if old.status in (
                        RecommendationStatus.ACCEPTED,
                        RecommendationStatus.OVERRIDDEN,
                    ):
                        uow.recommendations.set_status(old.id, RecommendationStatus.SUPERSEDED)
                decided = uow.recommendations.decide(
                    record.id,
                    status=(
                        RecommendationStatus.ACCEPTED
                        if chosen is Decision.ACCEPT
                        else RecommendationStatus.OVERRIDDEN
                    ),
                    by=actor.user_id,
                    at=now,
                    final_level=final.value,
                    rationale=rationale or None,
                )
                uow.commit()
        except NotFound as exc:
            raise _no_such_recommendation(recommendation_id) from exc
    return stored_recommendation(decided)
