"""The Spravato REMS record pages on SQLite and PostgreSQL: the form with every missing
answer listed, bad input by its field with the answers kept, the printable page, the PDF,
the clinic's list of records not yet submitted (overdue highlighted) and marking one
submitted, after which the record is not changed again."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from test_kap_clinic_pages import field_error, login, text_of, value_of
from web_helpers import TestClient

from attune.domain.kap.spravato import (
    BloodPressure,
    ConcomitantMedicines,
    DoseChoice,
    HealthcareSetting,
    MonitoringProvider,
    RemsPatient,
    Sex,
    SpravatoRecord,
)
from attune.services import kap_sessions
from attune.services.clock import FixedClock
from attune.services.ports import UnitOfWork
from attune.web.pages.kap_rems_form import form_from_record
from factories import ClinicSetup, eligible_course

AT = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
SECTIONS = (
    "Patient",
    "Medicines that may cause sedation or blood-pressure changes",
    "Provider who monitored",
    "Healthcare setting",
    "Treatment",
    "Vital signs",
    "Observed during monitoring",
    "Submission",
)


def complete_record() -> SpravatoRecord:
    return SpravatoRecord(
        patient=RemsPatient(
            "Robin", "", "Rivers", date(1988, 5, 14), Sex.FEMALE, "R-77", True, True
        ),
        medicines=ConcomitantMedicines(False, False, False, False),
        provider=MonitoringProvider("Cam", "Clinician", "555-0100", "cam@harbour.example.org"),
        setting=HealthcareSetting("Harbour Clinic", "1 Quay Street", "", "Portland", "ME", "04101"),
        dose=DoseChoice.MG_56,
        lot_number="SP-1",
        administered_at=AT,
        monitoring_ended_at=AT + timedelta(minutes=125),
        ready_to_leave_at=AT + timedelta(minutes=90),
        vitals_acceptable_before=True,
        vitals_acceptable_at_end=True,
        bp_before=BloodPressure(128, 82, AT - timedelta(minutes=10)),
        bp_40_minutes=BloodPressure(146, 90, AT + timedelta(minutes=40)),
        bp_at_end=BloodPressure(124, 80, AT + timedelta(minutes=120)),
        sedation=True,
        dissociation=True,
        respiratory_depression=False,
        lowest_spo2=96,
        serious_adverse_event=False,
    )


def spravato_session(uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock) -> int:
    course = eligible_course(uow, setup, clock, program="spravato_in_office")
    clock.set(AT + timedelta(minutes=130))
    view = kap_sessions.start_session(
        uow, setup.clinician_actor, course.id, "intranasal", "56", None, "70", "SP-1", AT, clock
    )
    return view.id


def test_the_rems_record_from_the_form_to_its_submission(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    session_id = spravato_session(uow, setup, clock)
    token = login(client, setup)
    url = f"/clinic/patients/{setup.patients[0].id}/kap/sessions/{session_id}"

    assert "Spravato REMS monitoring record" in text_of(client.get(url).text)
    page = client.get(url + "/rems")
    assert page.status_code == 200
    words = text_of(page.text)
    assert "Not submitted yet: due by 12 January 2026 (7 days after the treatment)." in words
    assert "Still needed before it can be submitted" in words
    assert "Enter the REMS patient ID." in words
    assert '<a href="#f-patient-rems-patient-id">Enter the REMS patient ID.</a>' in page.text
    assert value_of(page.text, "f-lot-number") == "SP-1"  # filled in from the session
    assert "Mark it submitted" not in words  # not before it is complete

    form = {**form_from_record(complete_record()), "csrf_token": token}
    bad = client.post(url + "/rems", data={**form, "lowest_spo2": "ninety"})
    assert bad.status_code == 422
    assert field_error(bad.text, "f-lowest-spo2") == "Enter a whole number, e.g. 120."
    assert value_of(bad.text, "f-lowest-spo2") == "ninety"
    assert value_of(bad.text, "f-patient-rems-patient-id") == "R-77"
    still = kap_sessions.rems_view(uow, setup.clinician_actor, session_id, clock)
    assert still.record.patient.rems_patient_id == ""  # nothing was saved

    half = client.post(url + "/rems", data={**form, "bp_40_minutes.diastolic": ""})
    assert half.status_code == 422
    assert field_error(half.text, "f-bp-40-minutes-systolic").startswith("Enter both numbers")

    saved = client.post(url + "/rems", data=form)
    assert saved.status_code == 303
    words = text_of(client.get(saved.headers["location"]).text)
    assert "The REMS record is saved." in words
    assert "Every field is filled in: it is ready to submit." in words
    assert "Mark it submitted" in words

    printable = client.get(url + "/rems/print")
    assert printable.status_code == 200
    assert '<body class="kap-print">' in printable.text
    words = text_of(printable.text)
    for section in SECTIONS:
        assert section in words
    assert "Not recorded" not in words
    assert "146/90 mmHg at 10:40" in words and "125 minutes" in words
    pdf = client.get(url + "/rems.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")

    listing = client.get("/clinic/kap/rems")
    words = text_of(listing.text)
    assert "Patient 0 (Harbour)" in words and "Complete" in words
    assert "kap-row--overdue" not in listing.text

    clock.advance(timedelta(days=8))
    client.cookies.clear()
    token = login(client, setup)
    listing = client.get("/clinic/kap/rems")
    assert "kap-row--overdue" in listing.text and "Overdue" in text_of(listing.text)
    assert "Overdue" in text_of(client.get(url + "/rems").text)

    mark = f"/clinic/kap/rems/{session_id}/submitted"
    today = clock.now().date().isoformat()
    refused = client.post(
        mark, data={"csrf_token": token, "confirmation": "", "submitted_on": today}
    )
    assert refused.status_code == 422
    assert "Enter the REMS confirmation number." in text_of(refused.text)
    wrong_day = client.post(
        mark, data={"csrf_token": token, "confirmation": "C-1", "submitted_on": "13/01/2026"}
    )
    assert wrong_day.status_code == 422
    assert 'value="13/01/2026"' in wrong_day.text
    done = client.post(
        mark, data={"csrf_token": token, "confirmation": "C-1", "submitted_on": today}
    )
    assert done.status_code == 303
    assert "Nothing to submit" in text_of(client.get(done.headers["location"]).text)
    words = text_of(client.get(url + "/rems").text)
    assert "Submitted on 13 January 2026, confirmation C-1." in words

    again = client.post(url + "/rems", data={**form, "csrf_token": token})
    assert again.status_code == 409
    assert "is not changed" in text_of(again.text)
    twice = client.post(
        url + "/rems/submitted",
        data={"csrf_token": token, "confirmation": "C-2", "submitted_on": today},
    )
    assert twice.status_code == 409


def test_a_session_without_a_rems_record_has_no_rems_page(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    course = eligible_course(uow, setup, clock)
    clock.advance(timedelta(hours=1))
    view = kap_sessions.start_session(
        uow, setup.clinician_actor, course.id, "iv", "35", None, "70", "K-1", clock.now(), clock
    )
    login(client, setup)
    url = f"/clinic/patients/{setup.patients[0].id}/kap/sessions/{view.id}/rems"
    assert client.get(url).status_code == 404
    assert client.get(url + "/print").status_code == 404
    assert client.get(url.replace("/rems", "/rems.pdf")).status_code == 404
