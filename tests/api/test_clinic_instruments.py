"""A clinic's own instrument folder reaches the portal, the API and the scoring services."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from web_helpers import TestClient, bearer, browser_login, session_token

from attune.config import Settings
from attune.db import Database
from attune.domain.errors import InvalidDefinition
from attune.fhir.library import load_library
from attune.services import assignments, responses
from attune.services.clock import FixedClock
from attune.services.ports import UnitOfWork
from attune.web import create_app
from factories import ClinicSetup

OVERLAY = Path(__file__).parents[1] / "golden" / "fhir" / "overlay-audit-placeholder.json"


@pytest.fixture
def clinic_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "instruments"
    folder.mkdir()
    shutil.copy(OVERLAY, folder / "audit-wording.json")
    return folder


def test_the_clinics_wording_is_shown_and_scored(
    settings: Settings,
    database: Database,
    clock: FixedClock,
    setup: ClinicSetup,
    uow: UnitOfWork,
    clinic_folder: Path,
) -> None:
    library = load_library([clinic_folder])
    clinic_db = Database(database.engine, database.session_factory, library)
    app = create_app(settings, clock=clock, uow_factory=clinic_db.unit_of_work)
    patient_id = setup.patients[0].id
    assigned = assignments.assign_instrument(
        uow, setup.clinician_actor, patient_id, "audit", None, None, clock
    )

    with TestClient(app, follow_redirects=False) as client:
        browser_login(client, setup.email("patient0"))
        page = client.get(f"/portal/answer/{assigned.id}")
        assert page.status_code == 200
        assert "Clinic wording placeholder for AUDIT item 1" in page.text

        token = session_token(uow, clock, setup.email("clinician"))
        shown = client.get("/api/v1/instruments/audit", headers=bearer(token)).json()
        assert shown["items"][0]["text"] == "Clinic wording placeholder for AUDIT item 1"

    # The services score with the same library: an answer is stored against it.
    answers = {f"q{n}": 0 for n in range(1, 11)}
    submitted = responses.submit_response(
        clinic_db.unit_of_work(), setup.patient_actor(0), patient_id, "audit", answers, clock
    )
    assert submitted.score.total == 0


def test_a_bad_clinic_file_stops_start_up_naming_the_file(
    settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "mine.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InvalidDefinition, match=r"mine\.json"):
        create_app(settings.model_copy(update={"instrument_dir": folder}))
