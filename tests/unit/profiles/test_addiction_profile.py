"""The addiction profile: each named addiction, its kind, its screen and what the band suggests."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from attune.domain.errors import ValidationError
from attune.domain.instruments import ScoringContext, get_instrument, score
from attune.domain.instruments.model import Score
from attune.domain.intake import Addiction, AddictionType, Intake, Kind
from attune.domain.profiles.addiction import (
    NO_BAND,
    NO_SCREEN,
    NOT_YET,
    SCREENS,
    SHARED_DAST,
    ScreenStatus,
    addiction_profile,
)

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def scored(instrument_id: str, codes: list[int], sex: str | None = None) -> Score:
    instrument = get_instrument(instrument_id)
    answers = dict(zip(instrument.item_ids, codes, strict=True))
    return score(instrument, answers, context=ScoringContext(sex=sex))


def test_every_named_addiction_is_listed_with_its_kind_in_the_order_named() -> None:
    intake = Intake(
        addictions=(
            Addiction(AddictionType.SOCIAL_MEDIA),
            Addiction(AddictionType.ALCOHOL, detail="wine"),
            Addiction(AddictionType.GAMBLING, stopped=True),
            Addiction(AddictionType.OTHER_DISTRACTION, detail="news scrolling"),
        )
    )
    profile = addiction_profile(intake, {})
    assert profile.answered
    assert [(e.name, e.kind) for e in profile.entries] == [
        ("social media", Kind.DISTRACTION),
        ("alcohol", Kind.SUBSTANCE),
        ("gambling", Kind.BEHAVIOUR),
        ("news scrolling", Kind.DISTRACTION),
    ]
    assert profile.entries[2].stopped
    assert [(k, title, [e.name for e in entries]) for k, title, entries in profile.by_kind] == [
        (Kind.SUBSTANCE, "Substances", ["alcohol"]),
        (Kind.BEHAVIOUR, "Behaviours", ["gambling"]),
        (Kind.DISTRACTION, "Distractions used to cope", ["social media", "news scrolling"]),
    ]


@pytest.mark.parametrize(
    ("what", "instrument_id", "label"),
    [
        (AddictionType.ALCOHOL, "audit", "AUDIT or AUDIT-C"),
        (AddictionType.OPIOIDS, "dast10", "DAST-10"),
        (AddictionType.CANNABIS, "dast10", "DAST-10"),
        (AddictionType.GAMBLING, "pgsi", "PGSI"),
        (AddictionType.GAMING, "igds9sf", "IGDS9-SF"),
        (AddictionType.SOCIAL_MEDIA, "bsmas", "BSMAS"),
        (AddictionType.OVERWORK, "bwas", "BWAS"),
    ],
)
def test_the_screen_behind_each_addiction_not_yet_completed(
    what: AddictionType, instrument_id: str, label: str
) -> None:
    entry = addiction_profile(Intake(addictions=(Addiction(what),)), {}).entries[0]
    assert entry.status is ScreenStatus.NOT_YET_COMPLETED
    assert (entry.instrument_id, entry.instrument) == (instrument_id, label)
    assert entry.result is None and entry.suggests == NOT_YET


@pytest.mark.parametrize(
    "what",
    [
        AddictionType.NICOTINE,
        AddictionType.COMPULSIVE_EATING,
        AddictionType.PORNOGRAPHY,
        AddictionType.SHOPPING,
        AddictionType.STREAMING,
        AddictionType.OTHER_BEHAVIOUR,
    ],
)
def test_no_screen_in_the_library_is_said_plainly(what: AddictionType) -> None:
    entry = addiction_profile(Intake(addictions=(Addiction(what, detail="x"),)), {}).entries[0]
    assert entry.status is ScreenStatus.NO_SCREEN
    assert entry.instrument_id is None and entry.result is None
    assert entry.suggests == NO_SCREEN and "no validated screen" in NO_SCREEN


def test_every_addiction_type_is_either_screened_by_a_shipped_instrument_or_said_not_to_be() -> (
    None
):
    for what in AddictionType:
        for instrument_id in SCREENS.get(what, ()):
            assert get_instrument(instrument_id).has_total


def test_a_completed_screen_gives_score_band_and_what_it_suggests() -> None:
    pgsi = scored("pgsi", [1, 1, 1, 1, 1, 0, 0, 0, 0])
    intake = Intake(addictions=(Addiction(AddictionType.GAMBLING),))
    entry = addiction_profile(intake, {"pgsi": pgsi}, completed={"pgsi": T0}).entries[0]
    assert entry.status is ScreenStatus.COMPLETED
    assert entry.result is not None
    assert (entry.result.total, entry.result.low, entry.result.high) == (5.0, 0.0, 27.0)
    assert entry.result.band == "Moderate risk"
    assert entry.result.completed_at == T0
    assert entry.suggests == pgsi.band_meaning


def test_findings_join_the_band_meaning_and_band_free_screens_say_so() -> None:
    # AUDIT: items 4-6 add up to 2 or more, so the WHO manual raises the zone.
    audit = scored("audit", [2, 1, 1, 1, 1, 0, 0, 0, 0, 0])
    intake = Intake(
        addictions=(Addiction(AddictionType.ALCOHOL), Addiction(AddictionType.OVERWORK))
    )
    bwas = scored("bwas", [1] * 7)
    entries = addiction_profile(intake, {"audit": audit, "bwas": bwas}).entries
    assert entries[0].result is not None and entries[0].result.band == "Zone II"
    assert "Zone raised by one" in entries[0].suggests
    assert entries[0].suggests.startswith(audit.band_meaning)
    assert entries[1].result is not None and entries[1].result.band is None
    assert entries[1].suggests == NO_BAND
    workaholic = scored("bwas", [5, 5, 5, 4, 1, 1, 1])
    entry = addiction_profile(intake, {"bwas": workaholic}).entries[1]
    assert "workaholism" in entry.suggests


def test_alcohol_falls_back_to_audit_c_only_when_the_full_audit_is_not_scored() -> None:
    intake = Intake(addictions=(Addiction(AddictionType.ALCOHOL),))
    auditc = scored("auditc", [2, 1, 0], sex="female")
    entry = addiction_profile(intake, {"auditc": auditc}).entries[0]
    assert (entry.instrument_id, entry.instrument) == ("auditc", "AUDIT-C")
    assert entry.result is not None and entry.result.band is None
    assert "Positive screen: 3 or more" in entry.suggests
    audit = scored("audit", [0] * 10)
    entry = addiction_profile(intake, {"auditc": auditc, "audit": audit}).entries[0]
    assert entry.instrument_id == "audit"


def test_an_unscorable_response_is_not_treated_as_completed() -> None:
    dast = get_instrument("dast10")
    partial = score(dast, {"q1": 1, "q2": 0})
    intake = Intake(addictions=(Addiction(AddictionType.STIMULANTS),))
    entry = addiction_profile(intake, {"dast10": partial}).entries[0]
    assert entry.status is ScreenStatus.NOT_SCORED
    assert entry.suggests == "Started but not scored yet: 8 questions unanswered."


def test_one_dast_score_covers_every_drug_named_and_says_so() -> None:
    intake = Intake(
        addictions=(Addiction(AddictionType.OPIOIDS), Addiction(AddictionType.CANNABIS))
    )
    dast = scored("dast10", [1, 1, 0, 0, 0, 0, 0, 0, 0, 0])
    entries = addiction_profile(intake, {"dast10": dast}).entries
    assert [e.result.total if e.result else None for e in entries] == [3.0, 3.0]
    assert all(e.notes[0] == SHARED_DAST for e in entries)
    single = addiction_profile(Intake(addictions=(Addiction(AddictionType.OPIOIDS),)), {})
    assert SHARED_DAST not in single.entries[0].notes


def test_an_unanswered_or_empty_addiction_question() -> None:
    assert addiction_profile(Intake(), {}).answered is False
    empty = addiction_profile(Intake(addictions=()), {})
    assert empty.answered and empty.entries == () and empty.by_kind == ()


def test_a_score_filed_under_the_wrong_instrument_is_refused() -> None:
    with pytest.raises(ValidationError) as err:
        addiction_profile(Intake(addictions=()), {"pgsi": scored("bsmas", [1] * 6)})
    assert err.value.field == "pgsi"


def test_a_score_filed_under_another_instrument_is_named_with_the_right_article() -> None:
    audit = scored("audit", [0] * 10)
    with pytest.raises(ValidationError, match="filed under 'phq9' is an audit score") as err:
        addiction_profile(Intake(addictions=()), {"phq9": audit})
    assert err.value.field == "phq9"
    phq = scored("phq9", [0] * 9)
    with pytest.raises(ValidationError, match="filed under 'audit' is a phq9 score"):
        addiction_profile(Intake(addictions=()), {"audit": phq})
