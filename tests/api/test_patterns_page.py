"""'My patterns': too little data said plainly; with enough, a planted trigger found and
joined with the patient's cycle; the charts drawn by Attune, each with its table.

The check-ins are a seeded synthetic series with one planted effect (being alone raises
next-day craving by 3 points; domain/monitoring/synthetic.py), saved through the
monitoring repository as the days go by.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from html import unescape

import numpy as np
from web_helpers import TestClient, browser_login

from attune.domain.formulation import Formulation
from attune.domain.intake.model import AddictionType
from attune.domain.monitoring.checkin import CheckIn, Use
from attune.domain.monitoring.series import DailySeries
from attune.domain.monitoring.synthetic import Planted, planted_series
from attune.services import formulation
from attune.services.clock import FixedClock
from attune.services.ports import UnitOfWork
from attune.web.charts_patterns import days_chart, weekday_chart, weekday_means
from attune.web.pages.patterns import fits
from factories import ClinicSetup

CYCLE = Formulation(
    situations=("Evenings on my own in the flat",),
    feelings=("Lonely",),
    behaviour=("Drinking wine",),
    alternatives=("Call a friend",),
)


def _store(uow: UnitOfWork, patient_id: int, series: DailySeries) -> int:
    """Save the series' answered days as check-ins; how many were saved."""
    saved = 0
    with uow:
        for i, day in enumerate(series.dates()):
            if not series.checked_in[i]:
                continue
            checkin = CheckIn(
                day=day,
                mood=int(series.mood[i]),
                stress=int(series.stress[i]),
                loneliness=int(series.loneliness[i]),
                craving=int(series.craving[i]),
                uses=(Use(AddictionType.ALCOHOL),) if series.used[i] == 1 else (),
                triggers=tuple(t for t, a in series.triggers.items() if a[i] == 1),
                coping=tuple(t for t, a in series.coping.items() if a[i] == 1),
            )
            at = datetime.combine(day, time(20), tzinfo=UTC)
            uow.monitoring.save_checkin(patient_id, checkin, at)
            saved += 1
        uow.commit()
    return saved


def _series(clock: FixedClock, days: int, seed: int = 11) -> DailySeries:
    start = clock.now().date() - timedelta(days=days)
    planted = Planted("trigger:alone", 3.0)
    return planted_series(np.random.default_rng(seed), days, planted, start=start)


def test_with_too_few_check_ins_it_says_how_many_more_instead_of_guessing(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    saved = _store(uow, setup.patients[0].id, _series(clock, 12))
    browser_login(client, setup.email("patient0"))
    page = client.get("/portal/patterns")
    assert page.status_code == 200
    html = unescape(page.text)
    assert f"{saved} check-in" in html and f"{saved} of 21" in html
    assert f"{21 - saved} more check-ins to go" in html
    assert "What tends to come before a harder day" in html
    assert "pt-finding" not in html and "Craving by day of the week" not in html
    # The pictures are there anyway, drawn twice (phone and wider screens), with a table.
    assert html.count('<svg class="chart pt-chart"') == 2
    assert "Mood and craving by day (out of 10)" in html
    assert "You and your clinician will map out your cycle together" in html


def test_a_planted_trigger_is_found_and_joined_with_the_cycle(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    patient = setup.patients[0].id
    _store(uow, patient, _series(clock, 89))
    formulation.save_formulation(uow, setup.clinician_actor, patient, CYCLE, clock)
    browser_login(client, setup.email("patient0"))
    html = unescape(client.get("/portal/patterns").text)
    findings = re.findall(
        r'<li class="pt-finding">\s*<p>([^<]*)</p>\s*(<p class="pt-echo">[^<]*)?', html
    )
    alone = [f for f in findings if "Being alone" in f[0]]
    assert alone, findings
    assert "your craving the next day tended to be higher" in alone[0][0]
    assert "This fits your cycle: “Evenings on my own in the flat”, “Lonely”." in alone[0][1]
    assert "Craving by day of the week" in html and "Average craving by day of the week" in html
    assert "Drinking wine" in html and "What you could try instead" in html
    # Where the cycle is shown, the entries the finding fits are marked.
    assert re.search(r"Evenings on my own in the flat\s*<span class=\"pt-seen\">", html)
    assert html.count('class="pt-seen"') == 2
    # Never a risk score or anything about alerts on the patient's side.
    assert "risk" not in html.lower() and "alert" not in html.lower()


def test_a_finding_fits_the_cycle_only_where_its_words_appear() -> None:
    entries = ("Sunday evenings on my own", "An argument with Dad", "Bored at weekends")
    assert fits("trigger:alone", entries) == ("Sunday evenings on my own",)
    assert fits("trigger:conflict", entries) == ("An argument with Dad",)
    assert fits("trigger:family", entries) == ("An argument with Dad",)
    assert fits("sleep_hours", entries) == ()
    assert fits("no_such_predictor", entries) == ()


def test_the_day_chart_breaks_on_missed_days_and_marks_use(clock: FixedClock) -> None:
    series = _series(clock, 28, seed=3)
    svg = days_chart(series, title="Mood & craving <28 days>")
    assert svg.startswith('<svg class="chart pt-chart"') and svg.endswith("</svg>")
    assert "Mood &amp; craving &lt;28 days&gt;" in svg and "<28" not in svg
    assert svg.count('class="pt-use"') == int(np.nansum(series.used))
    assert svg.count(": no check-in</title>") == series.days - series.checkins
    assert "style=" not in svg and "<script" not in svg
    # Each unbroken run of answered days is one line per measure.
    runs = 0
    previous = False
    for answered in series.checked_in:
        runs += int(bool(answered) and not previous)
        previous = bool(answered)
    lines = svg.count("pt-line--mood") + svg.count('fill="#2d5c73"/>')
    assert lines == runs
    assert days_chart(series, title="Same") == days_chart(series, title="Same")


def test_the_weekday_chart_averages_craving_by_day(clock: FixedClock) -> None:
    series = _series(clock, 28, seed=5)
    means = weekday_means(series)
    assert [m.name for m in means][:2] == ["Monday", "Tuesday"]
    assert sum(m.checkins for m in means) == int(np.isfinite(series.craving).sum())
    monday = [
        series.craving[i]
        for i, day in enumerate(series.dates())
        if day.weekday() == 0 and np.isfinite(series.craving[i])
    ]
    assert means[0].craving == (sum(monday) / len(monday) if monday else None)
    svg = weekday_chart(means, title="By weekday", width=340)
    assert 'viewBox="0 0 340 220"' in svg and svg.count("n=") == 7
