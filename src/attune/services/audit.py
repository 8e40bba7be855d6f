"""The append-only, hash-chained audit log: writing events and checking the chain.

Each event stores the hash of the event before it (``prev_hash``) and its own
``hash = sha256(prev_hash + canonical JSON of its fields)``, and sequence numbers run
1, 2, 3, … without gaps. :func:`verify_audit` walks the chain in sequence order and names
the first event that does not fit, which catches an edited, deleted, inserted or reordered
event. The chain head (last sequence number and hash) is kept in its own row; appends lock
it, so two app processes cannot fork the chain, and a verification also checks that the
last event is the head (catching a deleted or added last event).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from attune.services.actors import Actor
from attune.services.ports import GENESIS_HASH, AuditEvent, Outcome, UnitOfWork

#: The role recorded when nobody is logged in (a command-line operator or a failed log-in).
SYSTEM_ROLE = "system"
ANONYMOUS_ROLE = "anonymous"


def canonical_time(at: datetime) -> str:
    """The one text form of a timestamp that goes into a hash: ISO 8601 in UTC."""
    if at.tzinfo is None:
        raise ValueError("audit timestamps must be timezone-aware")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def event_hash(
    prev_hash: str,
    *,
    seq: int,
    at: datetime,
    actor_user_id: int | None,
    actor_role: str,
    patient_id: int | None,
    action: str,
    outcome: str,
    detail: str,
) -> str:
    """sha256 of the previous hash followed by the event's fields as canonical JSON."""
    body = json.dumps(
        {
            "seq": seq,
            "at": canonical_time(at),
            "actor_user_id": actor_user_id,
            "actor_role": actor_role,
            "patient_id": patient_id,
            "action": action,
            "outcome": outcome,
            "detail": detail,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def record_event(
    uow: UnitOfWork,
    *,
    at: datetime,
    actor: Actor | None,
    action: str,
    outcome: Outcome,
    patient_id: int | None = None,
    detail: str = "",
    actor_user_id: int | None = None,
    actor_role: str | None = None,
) -> AuditEvent:
    """Append one event to the chain inside the caller's transaction.

    The caller commits. ``actor`` None means no logged-in user: ``actor_role`` then says
    who it was (``system`` for the command line, ``anonymous`` for a failed log-in).
    """
    user_id = actor.user_id if actor is not None else actor_user_id
    role = str(actor.role) if actor is not None else (actor_role or SYSTEM_ROLE)
    # Microseconds are the finest both databases keep; drop anything finer up front.
    at = at.astimezone(UTC)
    head = uow.audit.lock_head()
    seq = head.seq + 1
    digest = event_hash(
        head.hash,
        seq=seq,
        at=at,
        actor_user_id=user_id,
        actor_role=role,
        patient_id=patient_id,
        action=action,
        outcome=str(outcome),
        detail=detail,
    )
    event = AuditEvent(
        seq=seq,
        at=at,
        actor_user_id=user_id,
        actor_role=role,
        patient_id=patient_id,
        action=action,
        outcome=str(outcome),
        detail=detail,
        prev_hash=head.hash,
        hash=digest,
    )
    uow.audit.append(event)
    return event


@dataclass(frozen=True)
class AuditVerification:
    """The result of walking the chain.

    ``ok`` is True when every event fits; otherwise ``first_bad_seq`` names the first event
    that does not (or the head's sequence number when the chain stops short of the head) and
    ``reason`` says what is wrong, in plain words.
    """

    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str = ""


def verify_audit(uow: UnitOfWork) -> AuditVerification:
    """Walk the whole chain in sequence order and report the first event that does not fit."""
    with uow:
        expected_seq = 1
        prev_hash = GENESIS_HASH
        checked = 0
        for event in uow.audit.in_order():
            if event.seq != expected_seq:
                if event.seq > expected_seq:
                    reason = (
                        f"event {event.seq} follows event {expected_seq - 1}: "
                        f"{event.seq - expected_seq} event(s) missing before it"
                    )
                else:
                    reason = f"event {event.seq} is out of order (expected {expected_seq})"
                return AuditVerification(False, checked, event.seq, reason)
            if event.prev_hash != prev_hash:
                return AuditVerification(
                    False,
                    checked,
                    event.seq,
                    f"event {event.seq} does not link to the event before it "
                    "(an event was removed, inserted or reordered here)",
                )
            recomputed = event_hash(
                event.prev_hash,
                seq=event.seq,
                at=event.at,
                actor_user_id=event.actor_user_id,
                actor_role=event.actor_role,
                patient_id=event.patient_id,
                action=event.action,
                outcome=event.outcome,
                detail=event.detail,
            )
            if recomputed != event.hash:
                return AuditVerification(
                    False,
                    checked,
                    event.seq,
                    f"event {event.seq} was changed after it was written (its hash does not match)",
                )
            checked += 1
            prev_hash = event.hash
            expected_seq += 1

        head = uow.audit.head()
        last_seq = expected_seq - 1
        if head.seq != last_seq or head.hash != prev_hash:
            if head.seq > last_seq:
                reason = (
                    f"the chain ends at event {last_seq} but its head says {head.seq}: "
                    "the last event(s) were removed"
                )
                return AuditVerification(False, checked, last_seq + 1, reason)
            reason = (
                f"event {last_seq} is not the chain head (the head is event {head.seq}): "
                "events were added without going through the log"
            )
            first_bad = head.seq + 1 if head.seq < last_seq else last_seq
            return AuditVerification(False, checked, first_bad, reason)
        return AuditVerification(True, checked)
