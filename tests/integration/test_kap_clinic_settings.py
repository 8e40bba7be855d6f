"""A clinic's own KAP thresholds (ATTUNE_KAP_SETTINGS_FILE) reach the session records."""

from __future__ import annotations

import json
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from attune.config import Settings
from attune.db import Database
from attune.domain.errors import InvalidDefinition
from attune.domain.kap.clinic_settings import default_kap_settings, parse_kap_settings
from attune.domain.kap.vitals import VitalsReading, VitalsWarning
from attune.services import kap_sessions
from attune.services.clock import FixedClock
from attune.web.deps import clinic_kap_settings
from factories import ClinicSetup, eligible_course


def _shipped_vitals() -> dict[str, Any]:
    folder = resources.files("attune.domain.kap") / "thresholds"
    data: dict[str, Any] = json.loads((folder / "vitals.json").read_text(encoding="utf-8"))
    return data


def _stricter() -> dict[str, Any]:
    """The shipped protocol with the systolic caution lowered from 160 to 140 mmHg."""
    vitals = _shipped_vitals()
    for threshold in vitals["thresholds"]:
        if (threshold["metric"], threshold["direction"], threshold["level"]) == (
            "systolic",
            "above",
            "caution",
        ):
            threshold["value"] = 140
    return {"vitals": vitals}


def test_a_part_left_out_keeps_the_shipped_default() -> None:
    settings = parse_kap_settings(_stricter())
    assert settings.at_home == default_kap_settings().at_home
    assert settings.vitals != default_kap_settings().vitals
    with pytest.raises(InvalidDefinition, match="unknown key 'vital'"):
        parse_kap_settings({"vital": {}})


def test_the_clinics_thresholds_decide_the_warnings(
    database: Database, setup: ClinicSetup, clock: FixedClock
) -> None:
    strict = Database(
        database.engine,
        database.session_factory,
        database.instruments,
        parse_kap_settings(_stricter()),
    )
    course = eligible_course(database.unit_of_work(), setup, clock)
    staff = setup.clinician_actor
    start = clock.now()
    session = kap_sessions.start_session(
        strict.unit_of_work(), staff, course.id, "im", "35", None, "70", "K-1", start, clock
    )
    clock.advance(timedelta(minutes=15))
    reading = VitalsReading(clock.now(), 150, 85, 80, 97)
    view = kap_sessions.record_vitals(strict.unit_of_work(), staff, session.id, reading, clock)
    assert [w.threshold.value for w in view.warnings if isinstance(w, VitalsWarning)] == [140]
    # The same record under the shipped defaults (caution above 160) shows no warning.
    default_view = kap_sessions.session_view(database.unit_of_work(), staff, session.id, clock)
    assert not [w for w in default_view.warnings if isinstance(w, VitalsWarning)]


def test_the_settings_file_is_read_once_and_a_bad_one_is_named(
    settings: Settings, tmp_path: Path
) -> None:
    good = tmp_path / "kap.json"
    good.write_text(json.dumps(_stricter()), encoding="utf-8")
    loaded = clinic_kap_settings(settings.model_copy(update={"kap_settings_file": good}))
    assert loaded == parse_kap_settings(_stricter())
    bad = tmp_path / "broken.json"
    bad.write_text('{"at_home": {"min_fasting_hours": "four"}}', encoding="utf-8")
    with pytest.raises(InvalidDefinition, match=r"broken\.json"):
        clinic_kap_settings(settings.model_copy(update={"kap_settings_file": bad}))
