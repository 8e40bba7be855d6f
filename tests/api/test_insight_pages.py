"""The clinician's check-ins page for one patient: what the check-ins show (forest plots,
the numbers, the uncertainty in words), the risk now with every reason, the alerts with
who and when, the raw series as charts and a table; too little data said plainly; who
may open it. SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser

from fastapi import FastAPI
from web_helpers import TestClient, browser_login, page_response

from attune.domain.intake.model import AddictionType, AmountUnit
from attune.domain.monitoring.checkin import CheckIn, Safety, Use
from attune.services import alerts
from attune.services.clock import FixedClock
from attune.services.ports import UnitOfWork
from factories import T0, ClinicSetup
from monitoring_seeds import planted, relapse_alert, safety_alert, save_checkins


def insight_page(client: TestClient, patient_id: int, days: int = 60) -> str:
    response = client.get(f"/clinic/patients/{patient_id}/insight?days={days}")
    assert response.status_code == 200, response.text
    return response.text


def test_with_too_few_check_ins_it_says_so_and_estimates_nothing(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork
) -> None:
    p0 = setup.patients[0].id
    save_checkins(uow, p0, planted(T0.date(), 5, seed=1))
    browser_login(client, setup.email("clinician"))
    html = insight_page(client, p0, days=30)
    assert "5 check-ins in this period; patterns are looked for from 21" in html
    assert "chart--forest" not in html
    # The raw days are still shown: three charts and the table of every day.
    assert html.count('class="chart chart--daily"') == 3
    assert len(re.findall(r"<tr[^>]*><th scope=\"row\">\w{3} \d+ \w{3} 202[56]</th>", html)) == 30
    assert 'aria-current="page">Check-ins</a>' in html


def test_the_numbers_their_uncertainty_the_risk_and_the_raw_series(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    p0 = setup.patients[0].id
    save_checkins(uow, p0, planted(T0.date(), 60, seed=3, skip_every=9))
    browser_login(client, setup.email("clinician"))
    html = insight_page(client, p0)

    # What precedes craving: a forest plot, the clear finding in words, the numbers.
    panel = html[html.index('id="effects-craving-triggers"') :]
    panel = panel[: panel.index("</figure>")]
    assert 'class="chart chart--forest"' in panel
    words = re.search(r"<li>Being alone: next-day craving higher by (\d\.\d\d) points", panel)
    assert words and 2.0 < float(words.group(1)) < 4.0
    assert re.search(r'<th scope="row">Being alone</th><td class="num">\+\d\.\d\d</td>', panel)
    assert "Excludes zero" in panel
    assert "each row's own interval covers" in html
    assert re.search(r"\d+ check-ins: \d+ of \d+ estimates have an interval", html)

    # The risk now, every reason with its points, adding up to the score.
    risk = html[html.index('id="risk"') :]
    risk = risk[: risk.index("</section>")]
    points = [int(p) for p in re.findall(r'<td class="num">(\d+)</td></tr>', risk)]
    score = re.search(r"A score of <strong>(\d+)</strong>", risk)
    assert score and sum(points[:-1]) == points[-1] == int(score.group(1))

    # The raw series: the charts, use days marked, and a row for every day.
    assert html.count('class="chart chart--daily"') == 3
    assert 'class="daily-use"' in html and 'class="daily-missed"' in html
    assert len(re.findall(r"<tr[^>]*><th scope=\"row\">\w{3} \d+ \w{3} 202[56]</th>", html)) == 60
    assert "Missed days</dt><dd>6" in html


def test_the_alerts_on_the_page_with_who_and_when(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    p0 = setup.patients[0].id
    closed = relapse_alert(uow, p0, clock.now())
    open_one = safety_alert(uow, p0, clock.now(), source_id=5)
    alerts.resolve_alert(
        uow, setup.clinician_actor, closed.id, "Seen in clinic; plan adjusted.", clock
    )
    browser_login(client, setup.email("clinician"))
    html = insight_page(client, p0, days=30)
    section = html[html.index('id="alerts"') :]
    section = section[: section.index("</section>")]
    assert f'action="/clinic/alerts/{open_one.id}/acknowledge"' in section
    assert f'name="back" value="{p0}"' in section
    history = section[section.index("Resolved alerts (1)") :]
    assert f'id="alert-{closed.id}"' in history
    assert "Resolved by <strong>Cam Clinician (Harbour)</strong> on 5 January 2026" in history
    assert "Seen in clinic; plan adjusted." in history


def test_a_bad_period_is_named(client: TestClient, setup: ClinicSetup) -> None:
    browser_login(client, setup.email("clinician"))
    p0 = setup.patients[0].id
    zero = client.get(f"/clinic/patients/{p0}/insight?days=0")
    assert zero.status_code == 422 and "Choose from 1 to 366 days." in zero.text
    words = client.get(f"/clinic/patients/{p0}/insight?days=many")
    assert words.status_code == 422 and "days" in words.text


def test_who_may_open_it(
    app: FastAPI, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    path = f"/clinic/patients/{setup.patients[0].id}/insight"
    roles = {
        "admin": 200,
        "clinician": 200,
        "other": 403,
        "patient0": 303,
        "patient1": 303,
        None: 303,
    }
    for who, status in roles.items():
        email = None if who is None else setup.email(who)
        response = page_response(app, uow, clock, email, "GET", path)
        assert response.status_code == status, who
        if status == 303:
            assert response.headers["location"].startswith(
                "/login" if who is None else "/portal/patterns"
            )


class Audit(HTMLParser):
    """One h1, every control labelled, no id twice, every chart an image with a title."""

    def __init__(self) -> None:
        super().__init__()
        self.h1 = 0
        self.ids: list[str] = []
        self.label_for: set[str] = set()
        self.controls: list[str | None] = []
        self.svgs: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(str(a["id"]))
        if tag == "h1":
            self.h1 += 1
        elif tag == "label" and a.get("for"):
            self.label_for.add(str(a["for"]))
        elif tag in ("select", "textarea") or (
            tag == "input" and a.get("type") not in ("hidden", "submit")
        ):
            self.controls.append(a.get("id"))
        elif tag == "svg":
            self.svgs.append(a)


def test_the_pages_are_labelled_for_screen_readers(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    p0 = setup.patients[0].id
    save_checkins(uow, p0, planted(T0.date(), 60, seed=3, skip_every=9))
    safety_alert(uow, p0, clock.now(), source_id=9)
    browser_login(client, setup.email("clinician"))
    for path in ("/clinic/alerts", f"/clinic/patients/{p0}/insight"):
        audit = Audit()
        audit.feed(client.get(path).text)
        assert audit.h1 == 1, path
        assert [c for c in audit.controls if c is None or c not in audit.label_for] == []
        assert len(audit.ids) == len(set(audit.ids)), path
        for svg in audit.svgs:
            if "chart" in (svg.get("class") or ""):
                assert svg.get("role") == "img" and svg.get("aria-labelledby")
    assert len([s for s in audit.svgs if "chart" in (s.get("class") or "")]) >= 5


def test_what_each_check_in_said_beyond_the_numbers(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork
) -> None:
    p0 = setup.patients[0].id
    today = CheckIn(
        day=T0.date(),
        mood=3,
        stress=7,
        loneliness=6,
        craving=8,
        uses=(Use(AddictionType.ALCOHOL, 4, AmountUnit.STANDARD_DRINKS),),
        triggers=("conflict", "alone"),
        trigger_note="Row with my brother <again>",
        coping=("reached_out",),
        safety=Safety.THOUGHTS,
    )
    yesterday = CheckIn(
        day=T0.date() - timedelta(days=1), mood=6, stress=3, loneliness=2, craving=2
    )
    save_checkins(uow, p0, [yesterday, today])
    browser_login(client, setup.email("clinician"))
    html = insight_page(client, p0, days=7)
    table = html[html.index('class="answers-table checkin-answers"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr[^>]*>\s*<th scope=\"row\">([^<]+)</th>", table)
    assert rows == ["5 January 2026", "4 January 2026"]  # newest first
    assert "Alcohol, 4 standard drinks" in table
    assert "Conflict or an argument, Being alone" in table
    assert "Reached out to someone" in table
    assert "Triggers: Row with my brother &lt;again&gt;" in table
    assert "<strong>Safety: Thoughts of ending their life or of self-harm.</strong>" in table
    assert 'class="row--safety"' in table
