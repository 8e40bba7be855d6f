"""Logging in and out on real databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text

from attune.db import Database, SqlUnitOfWork
from attune.domain.errors import AuthenticationFailed, ValidationError
from attune.services import auth
from attune.services.actors import Role
from attune.services.clock import FixedClock
from attune.services.ports import AuditEvent
from factories import FAST_HASHER, PASSWORD, ClinicSetup


def _events(uow: SqlUnitOfWork) -> list[AuditEvent]:
    with uow:
        return list(uow.audit.in_order())


def test_log_in_returns_a_token_and_the_actor(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    result = auth.log_in(uow, setup.email("clinician").upper(), PASSWORD, clock, 12)
    assert result.actor.user_id == setup.clinician.id
    assert result.actor.role is Role.CLINICIAN
    assert result.actor.patient_id is None
    assert result.expires_at == clock.now() + timedelta(hours=12)
    assert len(result.token) >= 43
    assert auth.actor_for_token(uow, result.token, clock) == result.actor
    event = _events(uow)[-1]
    assert (event.action, event.outcome, event.actor_user_id, event.patient_id) == (
        "log_in",
        "allowed",
        setup.clinician.id,
        None,
    )


def test_a_patient_login_carries_the_patient_id(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    result = auth.log_in(uow, setup.email("patient0"), PASSWORD, clock, 1)
    assert result.actor == setup.patient_actor(0)


def test_only_the_tokens_hash_is_stored(
    database: Database, uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    token = auth.log_in(uow, setup.email("admin"), PASSWORD, clock, 1).token
    with database.engine.connect() as connection:
        stored = connection.execute(text("SELECT token_hash FROM login_session")).scalars().all()
    assert stored == [auth.token_hash(token)]
    assert token not in stored


@pytest.mark.parametrize(
    ("email", "password", "reason"),
    [
        ("nobody@harbour.example.org", PASSWORD, "unknown email"),
        ("admin@harbour.example.org", "wrong password!", "wrong password"),
        ("", PASSWORD, "unknown email"),
    ],
)
def test_every_failure_gives_the_same_message_and_is_audited(
    uow: SqlUnitOfWork,
    clock: FixedClock,
    setup: ClinicSetup,
    email: str,
    password: str,
    reason: str,
) -> None:
    with pytest.raises(AuthenticationFailed) as raised:
        auth.log_in(uow, email, password, clock, 1)
    assert str(raised.value) == auth.LOGIN_FAILED
    event = _events(uow)[-1]
    assert (event.action, event.outcome, event.patient_id) == ("log_in", "denied", None)
    assert event.detail.startswith(reason)


def test_an_inactive_user_cannot_log_in_or_keep_a_session(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    token = auth.log_in(uow, setup.email("other"), PASSWORD, clock, 1).token
    with uow:
        uow.users.set_active(setup.other_clinician.id, False)
        uow.commit()
    with pytest.raises(AuthenticationFailed) as raised:
        auth.log_in(uow, setup.email("other"), PASSWORD, clock, 1)
    assert str(raised.value) == auth.LOGIN_FAILED
    assert _events(uow)[-1].detail.startswith("inactive user")
    with pytest.raises(AuthenticationFailed):
        auth.actor_for_token(uow, token, clock)


def test_sessions_expire_by_the_clock(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    token = auth.log_in(uow, setup.email("admin"), PASSWORD, clock, 2).token
    clock.advance(timedelta(hours=1, minutes=59))
    assert auth.actor_for_token(uow, token, clock).user_id == setup.admin.id
    clock.advance(timedelta(minutes=1))
    with pytest.raises(AuthenticationFailed, match="session has ended"):
        auth.actor_for_token(uow, token, clock)


def test_log_out_ends_the_session_on_the_server(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    token = auth.log_in(uow, setup.email("admin"), PASSWORD, clock, 2).token
    assert auth.log_out(uow, token, clock) is True
    with pytest.raises(AuthenticationFailed):
        auth.actor_for_token(uow, token, clock)
    assert auth.log_out(uow, token, clock) is False
    assert auth.log_out(uow, "", clock) is False
    assert [(e.action, e.actor_user_id) for e in _events(uow)[-2:]] == [
        ("log_in", setup.admin.id),
        ("log_out", setup.admin.id),
    ]


@pytest.mark.parametrize("token", ["", "not-a-token", "x" * 43])
def test_unknown_tokens_are_refused(uow: SqlUnitOfWork, clock: FixedClock, token: str) -> None:
    with pytest.raises(AuthenticationFailed):
        auth.actor_for_token(uow, token, clock)


def test_passwords_are_argon2id_and_weak_hashes_are_upgraded_on_log_in(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    with uow:
        before = uow.users.get(setup.admin.id)
    assert before is not None and before.password_hash.startswith("$argon2id$")
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    assert stronger.check_needs_rehash(before.password_hash)
    auth.log_in(uow, setup.email("admin"), PASSWORD, clock, 1, hasher=stronger)
    with uow:
        after = uow.users.get(setup.admin.id)
    assert after is not None and after.password_hash != before.password_hash
    assert not stronger.check_needs_rehash(after.password_hash)
    # The same password still works, and the fast test hasher is not "upgraded" back.
    auth.log_in(uow, setup.email("admin"), PASSWORD, clock, 1, hasher=stronger)
    assert FAST_HASHER.check_needs_rehash(after.password_hash)


def test_a_session_lasts_at_least_an_hour(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    with pytest.raises(ValidationError) as raised:
        auth.log_in(uow, setup.email("admin"), PASSWORD, clock, 0)
    assert raised.value.field == "hours"
