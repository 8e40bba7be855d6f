"""Logging in and out, and finding the actor behind a session token.

Passwords are hashed with argon2id (argon2-cffi's ``PasswordHasher``). A log-in returns a
random token (``secrets.token_urlsafe(32)``) for the cookie; the database keeps only its
sha256, so a copy of the database cannot be used to log in. Every way a log-in can fail
(unknown email, wrong password, inactive user) gives the same message, and an unknown email
still costs one hash verification, so the reply does not tell whether an account exists.
Log-ins, failed log-ins and log-outs are audited (with no patient).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from attune.domain.errors import AuthenticationFailed, ValidationError
from attune.services.actors import Actor, Role
from attune.services.audit import ANONYMOUS_ROLE, record_event
from attune.services.clock import SYSTEM_CLOCK, Clock
from attune.services.ports import Outcome, UnitOfWork, User

LOGIN_FAILED = "That email or password is not right."
SESSION_ENDED = "Your session has ended. Please log in again."
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024

#: argon2id with argon2-cffi's defaults (RFC 9106's second recommended profile).
DEFAULT_HASHER = PasswordHasher()


@dataclass(frozen=True)
class LoginResult:
    """A new session: the token goes in the cookie; it is never stored anywhere else."""

    token: str
    actor: Actor
    expires_at: datetime


def token_hash(token: str) -> str:
    """What the database keeps of a session token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_password_rules(password: str) -> None:
    """Refuse a password that is too short (or absurdly long), naming the field."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            f"The password needs at least {MIN_PASSWORD_LENGTH} characters.", field="password"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError(
            f"The password can have at most {MAX_PASSWORD_LENGTH} characters.", field="password"
        )


def hash_password(password: str, hasher: PasswordHasher | None = None) -> str:
    check_password_rules(password)
    return (hasher or DEFAULT_HASHER).hash(password)


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash(secrets.token_urlsafe(16))


def _password_matches(stored_hash: str, password: str) -> bool:
    try:
        return DEFAULT_HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def actor_for_user(uow: UnitOfWork, user: User) -> Actor:
    patient = uow.patients.by_user(user.id) if user.role is Role.PATIENT else None
    return Actor(
        user_id=user.id,
        clinic_id=user.clinic_id,
        role=user.role,
        name=patient.display_name if patient is not None else user.name,
        patient_id=patient.id if patient is not None else None,
    )


def log_in(
    uow: UnitOfWork,
    email: str,
    password: str,
    clock: Clock,
    hours: int,
    *,
    hasher: PasswordHasher | None = None,
) -> LoginResult:
    """Check the email and password and open a session lasting ``hours``.

    Raises AuthenticationFailed with one generic message for every kind of failure.
    ``hasher`` sets the cost used when an old hash is upgraded and for the unknown-email
    dummy check (default: argon2-cffi's defaults).
    """
    if hours < 1:
        raise ValidationError("A session must last at least one hour.", field="hours")
    hasher = hasher or DEFAULT_HASHER
    address = normalise_email(email)
    now = clock.now()
    with uow:
        user = uow.users.by_email(address) if address else None
        if user is None:
            _password_matches(_dummy_hash(hasher), password)
            reason = "unknown email"
        elif not _password_matches(user.password_hash, password):
            reason = "wrong password"
        elif not user.active:
            reason = "inactive user"
        else:
            reason = ""
        if reason or user is None:
            record_event(
                uow,
                at=now,
                actor=None,
                actor_user_id=user.id if user is not None else None,
                actor_role=str(user.role) if user is not None else ANONYMOUS_ROLE,
                action="log_in",
                outcome=Outcome.DENIED,
                detail=f"{reason}: {address[:254]}",
            )
            uow.commit()
            raise AuthenticationFailed(LOGIN_FAILED, field="email")

        if hasher.check_needs_rehash(user.password_hash):
            uow.users.set_password_hash(user.id, hasher.hash(password))
        actor = actor_for_user(uow, user)
        token = secrets.token_urlsafe(32)
        expires_at = now + timedelta(hours=hours)
        uow.sessions.add(
            token_hash=token_hash(token), user_id=user.id, created_at=now, expires_at=expires_at
        )
        record_event(uow, at=now, actor=actor, action="log_in", outcome=Outcome.ALLOWED)
        uow.commit()
    return LoginResult(token=token, actor=actor, expires_at=expires_at)


def actor_for_token(uow: UnitOfWork, token: str, clock: Clock) -> Actor:
    """The actor behind a live session token; AuthenticationFailed if it has ended."""
    if not token:
        raise AuthenticationFailed(SESSION_ENDED)
    now = clock.now()
    with uow:
        session = uow.sessions.by_token_hash(token_hash(token))
        if session is None or session.ended_at is not None or session.expires_at <= now:
            raise AuthenticationFailed(SESSION_ENDED)
        user = uow.users.get(session.user_id)
        if user is None or not user.active:
            raise AuthenticationFailed(SESSION_ENDED)
        return actor_for_user(uow, user)


def log_out(uow: UnitOfWork, token: str, clock: Clock = SYSTEM_CLOCK) -> bool:
    """End the session on the server. False if there was no live session to end."""
    now = clock.now()
    with uow:
        session = uow.sessions.by_token_hash(token_hash(token)) if token else None
        if session is None or session.ended_at is not None:
            return False
        uow.sessions.end(session.id, now)
        user = uow.users.get(session.user_id)
        record_event(
            uow,
            at=now,
            actor=actor_for_user(uow, user) if user is not None else None,
            actor_user_id=session.user_id,
            action="log_out",
            outcome=Outcome.ALLOWED,
        )
        uow.commit()
    return True
