"""CSRF tokens: bound to a session or a nonce, keyed by the secret, compared safely."""

from __future__ import annotations

from attune.web.csrf import new_nonce, token_for, token_matches


def test_a_token_is_stable_for_its_binding_and_secret() -> None:
    assert token_for("secret-a", "s:abc") == token_for("secret-a", "s:abc")
    assert len(token_for("secret-a", "s:abc")) == 64


def test_a_token_does_not_fit_another_session_secret_or_kind() -> None:
    token = token_for("secret-a", "s:abc")
    assert token_matches("secret-a", "s:abc", token)
    assert not token_matches("secret-a", "s:abd", token)
    assert not token_matches("secret-b", "s:abc", token)
    assert not token_matches("secret-a", "n:abc", token)


def test_missing_pieces_never_match() -> None:
    assert not token_matches("secret-a", "s:abc", None)
    assert not token_matches("secret-a", "s:abc", "")
    assert not token_matches("secret-a", "", token_for("secret-a", ""))


def test_nonces_are_random_and_long() -> None:
    nonces = {new_nonce() for _ in range(20)}
    assert len(nonces) == 20
    assert all(len(n) >= 40 for n in nonces)
