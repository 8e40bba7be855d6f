"""The model's day, stepped for a whole block of patients at once with numpy.

Every line here has its twin in :mod:`attune.sim.cycle.engine_loop` (one patient, plain
Python floats); a test runs both on the same seed and checks they agree. docs/simulator.md
writes the equations out.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from attune.sim.cycle import rates as rz
from attune.sim.cycle.constants import COPING_SIM, Constants
from attune.sim.cycle.parameters import Parameters
from attune.sim.cycle.rates import Rates
from attune.sim.cycle.record import Recorder

Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]

_COPING_BITS = (1 << np.arange(len(COPING_SIM))).astype(np.uint16)


def _sigmoid(x: Floats) -> Floats:
    out: Floats = 1.0 / (1.0 + np.exp(-x))
    return out


def run_block(
    p: Parameters,
    c: Constants,
    offered: tuple[Bools, NDArray[np.float32], Bools],
    rng: np.random.Generator,
    rec: Recorder,
    first: int,
    advance: Callable[[int], None] | None = None,
) -> None:
    """Step patients ``first .. first + n`` through every day, writing into ``rec``.

    ``offered`` is the block's (therapy, dose strength, integration), each ``[days, n]``.
    """
    therapy, dose, integration = offered
    days, n = therapy.shape
    r = Rates.of(p)
    cols = slice(first, first + n)
    ids = np.arange(first, first + n, dtype=np.int64)
    latent, obs, ev = rec.latent, rec.observed, rec.events
    zeros = np.zeros(n)
    e_s, e_l, e_n = zeros.copy(), zeros.copy(), zeros.copy()
    d_s_prev, d_l_prev, d_na_prev = zeros.copy(), zeros.copy(), zeros.copy()
    sleep_def_prev, cue_prev, cope_fx_prev, used_prev = (
        zeros.copy(),
        zeros.copy(),
        zeros.copy(),
        zeros.copy(),
    )
    coping = np.full(n, p.coping_initial)
    tol = c.tolerance_start.copy()
    habit = c.habit_start.copy()
    recent = c.severity.copy()
    long_use = c.severity.copy()
    depression = (
        c.usual_depression
        + p.depression_per_recent_use * recent
        - p.depression_coping_relief * coping
    )
    antidep, plastic, relief, shame = zeros.copy(), zeros.copy(), zeros.copy(), zeros.copy()
    craving = np.clip(
        p.craving_base
        + p.craving_per_tolerance * tol
        + p.craving_per_habit * habit
        + p.craving_per_coping * coping
        + c.craving_between,
        0.0,
        10.0,
    )
    stress_mean = c.usual_stress - p.stress_coping_relief * coping
    tired, alone = p.tired_threshold, p.alone_threshold
    sums = np.zeros((4, n))
    squares = np.zeros((4, n))
    for t in range(days):
        z = rng.standard_normal((rz.NZ, n))
        u = rng.random((rz.NU, n))
        conflict = u[rz.U_CONFLICT] < p.conflict_rate
        work = u[rz.U_WORK] < p.work_rate
        cue = u[rz.U_CUE] < c.cue_chance
        sleep = (
            c.usual_sleep
            + p.sleep_per_stress * d_s_prev
            + p.sleep_after_use * used_prev
            + p.sleep_noise_sd * z[rz.Z_SLEEP]
        )
        sleep = np.clip(sleep, 0.0, 14.0)
        shock = (
            p.stress_noise_sd * z[rz.Z_STRESS]
            + p.conflict_stress * (conflict - p.conflict_rate)
            + p.work_stress * (work - p.work_rate)
        )
        e_s = r.stress * e_s + c.reactivity * shock
        stress = np.clip(c.usual_stress - p.stress_coping_relief * coping + e_s, 0.0, 10.0)
        e_l = r.loneliness * e_l + p.loneliness_noise_sd * z[rz.Z_LONELY]
        lonely = np.clip(c.usual_loneliness + e_l, 0.0, 10.0)
        strength = dose[t] * (u[rz.U_DOSE] < p.dose_attend_rate)
        antidep = np.minimum(
            1.0, r.antidepressant * antidep + strength * (1.0 - r.antidepressant * antidep)
        )
        plastic = np.minimum(
            1.0, r.plasticity * plastic + strength * (1.0 - r.plasticity * plastic)
        )
        recent = r.recent_use * recent + (1.0 - r.recent_use) * used_prev
        long_use = r.long_use * long_use + (1.0 - r.long_use) * used_prev
        usual_d = (
            c.usual_depression
            + p.depression_per_recent_use * recent
            - p.depression_coping_relief * coping
        )
        depression = np.clip(
            r.depression * depression
            + (1.0 - r.depression) * usual_d
            + p.depression_noise_sd * z[rz.Z_DEPRESSION],
            0.0,
            27.0,
        )
        dep = depression * (1.0 - p.antidepressant * c.ketamine_response * antidep)
        relief = r.relief * relief + used_prev
        shame = r.shame * shame + used_prev
        e_n = r.na * e_n + p.na_noise_sd * z[rz.Z_NA]
        d_na = (
            e_n
            + p.na_from_stress * e_s
            + p.na_from_loneliness * e_l
            - p.relief * relief
            + p.shame * shame
        )
        usual_na = (
            p.na_base
            + p.na_per_depression * (dep - 9.0)
            + p.na_withdrawal * tol * (1.0 - used_prev)
        )
        na = np.clip(usual_na + d_na, 0.0, 10.0)
        base = (
            p.craving_base
            + p.craving_per_tolerance * tol
            + p.craving_per_habit * habit
            + p.craving_per_coping * coping
            + c.craving_between
            - p.ketamine_craving * c.ketamine_response * antidep
        )
        craving = np.clip(
            r.craving * craving
            + (1.0 - r.craving) * base
            + c.effect_stress * d_s_prev
            + c.effect_loneliness * d_l_prev
            + c.effect_negative_affect * d_na_prev
            + c.effect_sleep_deficit * sleep_def_prev
            + c.effect_cue * cue_prev
            - cope_fx_prev
            + p.craving_noise_sd * z[rz.Z_CRAVING],
            0.0,
            10.0,
        )
        logit = (
            c.use_base
            + p.use_per_craving * (craving - 5.0)
            + p.use_per_habit * habit
            + p.use_per_coping * coping
            + p.use_cue * cue
        )
        used = u[rz.U_USE] < _sigmoid(logit)
        try_chance = p.coping_try_base + p.coping_try_skill * coping
        cope = c.repertoire & (
            try_chance[:, None] > u[rz.U_COPING : rz.U_COPING + len(COPING_SIM)].T
        )
        cope_fx = (cope * c.coping_effect).sum(axis=1)
        attend = u[rz.U_ATTEND] < c.attend_chance
        went_therapy = therapy[t] & attend
        went_integration = integration[t] & attend
        learn = (
            p.coping_therapy_learning * went_therapy * (1.0 + p.plasticity_gain * plastic)
            + p.coping_integration_learning * went_integration * plastic
        )
        coping = (coping + learn * (1.0 - coping)) * r.coping_decay
        tol = np.where(used, tol + p.tolerance_shift * (1.0 - tol), tol * r.tolerance_recovery)
        habit = np.where(used, habit + p.habit_gain * (1.0 - habit), habit * r.habit_decay)
        suicidal = _sigmoid(p.safety_intercept + p.safety_per_depression * dep)
        u_safety = u[rz.U_SAFETY]
        safety = (u_safety < suicidal * p.safety_might_act_share).astype(np.int8) + (
            u_safety < suicidal
        ).astype(np.int8)
        checkin_logit = (
            c.engagement_logit - p.checkin_time_decline * t / 365.0 - p.checkin_use_penalty * used
        )
        checked = u[rz.U_CHECKIN] < _sigmoid(checkin_logit)
        stress_mean = r.stress_mean * stress_mean + (1.0 - r.stress_mean) * stress

        ev["used"][t, cols] = used
        ev["amount"][t, cols] = np.where(
            used, c.amount_median * np.exp(p.amount_sd * z[rz.Z_AMOUNT]), 0.0
        )
        ev["cue"][t, cols] = cue
        ev["conflict"][t, cols] = conflict
        ev["work"][t, cols] = work
        cope_bits = (cope * _COPING_BITS).sum(axis=1).astype(np.uint16)
        ev["coping"][t, cols] = cope_bits
        ev["safety"][t, cols] = safety
        ev["therapy"][t, cols] = went_therapy
        ev["integration"][t, cols] = went_integration
        ev["dose"][t, cols] = strength > 0
        _observe(p, rec, t, cols, checked, z, (na, stress, lonely, craving, sleep))
        tagged = checked & (u[rz.U_TAGS] < p.tag_report_rate)
        bits = (
            cue * 1 + conflict * 2 + work * 4 + (sleep < tired) * 8 + (lonely >= alone) * 16
        ).astype(np.uint16)
        obs["triggers"][t, cols] = np.where(tagged, bits, 0)
        obs["coping"][t, cols] = np.where(checked, cope_bits, 0)
        obs["used"][t, cols] = checked & used & (u[rz.U_REPORT] < p.use_report_rate)
        obs["safety"][t, cols] = np.where(checked, safety, -1)
        if latent:
            for name, value in (
                ("stress", stress),
                ("loneliness", lonely),
                ("negative_affect", na),
                ("craving", craving),
                ("depression", dep),
                ("sleep_hours", sleep),
                ("tolerance", tol),
                ("habit", habit),
                ("coping_skill", coping),
                ("plasticity", plastic),
                ("antidepressant", antidep),
            ):
                latent[name][t, cols] = value
        _administer(
            p,
            r,
            rec,
            t,
            ids,
            u[rz.U_QUESTIONNAIRE] < c.questionnaire_chance,
            (dep, stress_mean, long_use, c.severity),
        )

        d_s_prev, d_l_prev, d_na_prev = e_s, e_l, d_na
        sleep_def_prev = c.usual_sleep - sleep
        for k, value in enumerate((e_s, e_l, d_na, sleep_def_prev)):
            sums[k] += value
            squares[k] += value * value
        cue_prev = cue.astype(np.float64)
        cope_fx_prev = cope_fx
        used_prev = used.astype(np.float64)
        if advance is not None:
            advance(n)
    rec.moments[:, 0, cols] = sums
    rec.moments[:, 1, cols] = squares


def _observe(
    p: Parameters,
    rec: Recorder,
    t: int,
    cols: slice,
    checked: Bools,
    z: Floats,
    states: tuple[Floats, Floats, Floats, Floats, Floats],
) -> None:
    na, stress, lonely, craving, sleep = states
    obs = rec.observed
    sd = p.rating_noise_sd
    obs["checked_in"][t, cols] = checked
    for name, value, row in (
        ("mood", 10.0 - na, rz.Z_MOOD_OBS),
        ("stress", stress, rz.Z_STRESS_OBS),
        ("loneliness", lonely, rz.Z_LONELY_OBS),
        ("craving", craving, rz.Z_CRAVING_OBS),
    ):
        rating = np.rint(np.clip(value + sd * z[row], 0.0, 10.0))
        obs[name][t, cols] = np.where(checked, rating, -1)
    half_hours = np.rint(np.clip(sleep + p.sleep_report_sd * z[rz.Z_SLEEP_OBS], 0.0, 24.0) * 2.0)
    quality = np.clip(
        np.rint(2.0 + p.sleep_quality_per_hour * (half_hours / 2.0 - p.sleep_mean)), 0.0, 4.0
    )
    obs["sleep_half_hours"][t, cols] = np.where(checked, half_hours, -1)
    obs["sleep_quality"][t, cols] = np.where(checked, quality, -1)


def substance_level(p: Parameters, long_use: Floats, severity: Floats) -> Floats:
    """Latent AUDIT / DAST-10 / PGSI level, as a share of the scale's maximum."""
    level: Floats = np.clip(
        p.substance_base + p.substance_per_use * long_use + p.substance_per_severity * severity,
        0.0,
        1.0,
    )
    return level


def gad7_level(p: Parameters, stress_mean: Floats, dep: Floats) -> Floats:
    """Latent GAD-7 total (0–21) from the two-week mean stress and latent depression."""
    level: Floats = np.clip(
        p.gad7_base + p.gad7_per_stress * (stress_mean - 5.0) + p.gad7_per_depression * (dep - 9.0),
        0.0,
        21.0,
    )
    return level


def _administer(
    p: Parameters,
    r: Rates,
    rec: Recorder,
    t: int,
    ids: NDArray[np.int64],
    completed: Bools,
    states: tuple[Floats, Floats, Floats, Floats],
) -> None:
    dep, stress_mean, long_use, severity = states
    given = rec.administered
    if t % r.phq9_every == 0:
        given["phq9"].add(ids[completed], t, dep[completed])
    if t % r.gad7_every == 0:
        given["gad7"].add(ids[completed], t, gad7_level(p, stress_mean, dep)[completed])
    if t % r.substance_every == 0:
        given["substance"].add(ids[completed], t, substance_level(p, long_use, severity)[completed])
    if t % r.ecrr_every == 0:
        given["ecrr"].add(ids[completed], t, np.zeros(int(completed.sum())))
