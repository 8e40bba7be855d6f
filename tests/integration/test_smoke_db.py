"""The fixtures give a migrated database on both backends."""

from __future__ import annotations

from attune.db import SqlUnitOfWork
from factories import ClinicSetup


def test_setup_builds_a_clinic(setup: ClinicSetup, uow: SqlUnitOfWork) -> None:
    with uow:
        assert [p.display_name for p in uow.patients.in_clinic(setup.clinic.id)] == [
            "Patient 0 (Harbour)",
            "Patient 1 (Harbour)",
        ]
        assert uow.patients.is_on_caseload(setup.clinician.id, setup.patients[0].id)
