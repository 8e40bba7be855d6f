"""Formulation versions: the next version, earlier ones stay readable, and what changed."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attune.domain.errors import Conflict, FormErrors, NotFound, ValidationError
from attune.domain.formulation import (
    AuthorRole,
    Formulation,
    Part,
    diff,
    diff_versions,
    get_version,
    latest,
    next_version,
)

T0 = datetime(2026, 2, 3, 14, 0, tzinfo=UTC)
FIRST = Formulation(
    situations=("Sunday evenings alone",),
    relational=("Not hearing back from my sister",),
    feelings=("Lonely", "Restless"),
    behaviour=("Drinking wine",),
    relief=("Calmer for an hour",),
)


def test_the_first_version_is_number_one() -> None:
    version = next_version((), FIRST, created_at=T0, author_role=AuthorRole.TOGETHER)
    assert (version.number, version.created_at, version.author_role) == (
        1,
        T0,
        AuthorRole.TOGETHER,
    )
    assert version.content is FIRST


def test_each_change_is_a_new_version_and_earlier_ones_stay_readable() -> None:
    v1 = next_version((), FIRST, created_at=T0, author_role=AuthorRole.CLINICIAN)
    second = replace(FIRST, feelings=("Lonely", "Ashamed"), soothes=("Feeling unwanted",))
    v2 = next_version(
        (v1,), second, created_at=T0 + timedelta(days=7), author_role=AuthorRole.PATIENT
    )
    third = replace(second, alternatives=("Call a friend",))
    v3 = next_version(
        (v2, v1), third, created_at=T0 + timedelta(days=14), author_role=AuthorRole.TOGETHER
    )
    history = (v1, v2, v3)
    assert [v.number for v in history] == [1, 2, 3]
    assert latest(history) is v3
    assert latest(()) is None
    assert get_version(history, 1).content == FIRST
    assert get_version(history, 2).content.feelings == ("Lonely", "Ashamed")
    with pytest.raises(NotFound) as err:
        get_version(history, 4)
    assert err.value.field == "version"


def test_diff_says_what_was_added_and_removed_per_part() -> None:
    v1 = next_version((), FIRST, created_at=T0, author_role=AuthorRole.CLINICIAN)
    new = replace(
        FIRST,
        feelings=("lonely", "Ashamed", "Tired"),
        relational=(),
        soothes=("Feeling unwanted",),
    )
    v2 = next_version(
        (v1,), new, created_at=T0 + timedelta(days=1), author_role=AuthorRole.TOGETHER
    )
    change = diff_versions(v1, v2)
    assert (change.old_number, change.new_number) == (1, 2)
    assert [c.part for c in change.changes] == [Part.RELATIONAL, Part.FEELINGS, Part.SOOTHES]
    feelings = change.of(Part.FEELINGS)
    # "Lonely" -> "lonely" is the same entry; "Restless" went, two arrived.
    assert feelings.added == ("Ashamed", "Tired")
    assert feelings.removed == ("Restless",)
    assert change.of(Part.RELATIONAL).removed == ("Not hearing back from my sister",)
    assert change.of(Part.SOOTHES).added == ("Feeling unwanted",)
    assert change.of(Part.URGE).added == () and not change.unchanged


def test_a_reordered_part_is_a_change_but_nothing_added_or_removed() -> None:
    swapped = replace(FIRST, feelings=("Restless", "Lonely"))
    change = diff(FIRST, swapped)
    assert [(c.part, c.added, c.removed, c.reordered) for c in change.changes] == [
        (Part.FEELINGS, (), (), True)
    ]
    v1 = next_version((), FIRST, created_at=T0, author_role=AuthorRole.CLINICIAN)
    assert next_version((v1,), swapped, created_at=T0, author_role=AuthorRole.CLINICIAN).number == 2


def test_saving_the_same_content_again_is_a_conflict() -> None:
    v1 = next_version((), FIRST, created_at=T0, author_role=AuthorRole.CLINICIAN)
    with pytest.raises(Conflict, match="since version 1"):
        next_version(
            (v1,), FIRST, created_at=T0 + timedelta(hours=1), author_role=AuthorRole.PATIENT
        )


def test_invalid_content_and_bad_times_are_refused() -> None:
    v1 = next_version((), FIRST, created_at=T0, author_role=AuthorRole.CLINICIAN)
    with pytest.raises(FormErrors) as form:
        next_version((v1,), Formulation(), created_at=T0, author_role=AuthorRole.CLINICIAN)
    assert [f for f, _ in form.value.errors] == ["triggers", "behaviour"]
    other = replace(FIRST, cost=("Hangover",))
    for when in (
        datetime(2026, 2, 4),  # naive
        datetime(2026, 2, 4, tzinfo=timezone(timedelta(hours=2))),  # not UTC
        T0 - timedelta(seconds=1),  # earlier than version 1
    ):
        with pytest.raises(ValidationError) as err:
            next_version((v1,), other, created_at=when, author_role=AuthorRole.CLINICIAN)
        assert err.value.field == "created_at"


entry = st.text(alphabet="abcdefgh ", min_size=1, max_size=6).filter(lambda t: t.strip())
part_entries = st.lists(entry, max_size=5, unique_by=lambda t: " ".join(t.split()).casefold())
formulations = st.builds(Formulation, **{p.value: part_entries.map(tuple) for p in Part})


def _keys(entries: tuple[str, ...]) -> set[str]:
    return {" ".join(e.split()).casefold() for e in entries}


@settings(deadline=None)  # never a timing assertion, even on a busy machine
@given(formulations, formulations)
def test_applying_a_diff_to_the_old_entries_gives_the_new_ones(
    old: Formulation, new: Formulation
) -> None:
    change = diff(old, new)
    for part in Part:
        c = change.of(part)
        assert (_keys(old.part(part)) - _keys(c.removed)) | _keys(c.added) == _keys(new.part(part))
        assert not (_keys(c.added) & _keys(c.removed))
    assert diff(old, old).unchanged
    assert diff(old, new).unchanged == (old == new)
