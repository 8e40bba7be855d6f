"""The model's day, stepped for a whole block of patients at once with numpy.

Every line here has its twin in :mod:`attune.sim.cycle.engine_loop` (one patient, plain
Python floats, the same operations in the same order); a test runs both on the same seed
and checks they agree. docs/simulator.md writes the equations out.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from attune.sim.cycle import rates as rz
from attune.sim.cycle.constants import REPERTOIRE, Constants, level_tables
from attune.sim.cycle.parameters import Parameters
from attune.sim.cycle.rates import Rates
from attune.sim.cycle.record import Recorder

Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]


def run_block(
    p: Parameters,
    c: Constants,
    offered: tuple[Bools, NDArray[np.float32], Bools, NDArray[np.int8]],
    rng: np.random.Generator,
    rec: Recorder,
    first: int,
    advance: Callable[[int], None] | None = None,
) -> None:
    """Step patients ``first .. first + n`` through every day, writing into ``rec``.

    ``offered`` is the block's (therapy, dose strength, integration, level code), each
    ``[days, n]``.
    """
    therapy, dose, integration, level = offered
    support_table, cue_table, access_table = level_tables(p)
    days, n = therapy.shape
    r = Rates.of(p)
    cols = slice(first, first + n)
    ids = np.arange(first, first + n, dtype=np.int64)
    latent, obs, ev = rec.latent, rec.observed, rec.events
    # Per-patient terms folded once (the loop folds them the same way).
    react_noise = c.reactivity * p.stress_noise_sd
    react_conflict = c.reactivity * p.conflict_stress
    react_work = c.reactivity * p.work_stress
    react_mean = c.reactivity * (p.conflict_stress * p.conflict_rate + p.work_stress * p.work_rate)
    craving_level = (1.0 - r.craving) * (p.craving_base + c.craving_between)
    ket_craving = (1.0 - r.craving) * p.ketamine_craving * c.ketamine_response
    ket_dep = p.antidepressant * c.ketamine_response
    usual_d_fixed = (1.0 - r.depression) * c.usual_depression
    use_level = c.use_fixed - 5.0 * p.use_per_craving
    eff_s, eff_l, eff_na = c.effect_stress, c.effect_loneliness, c.effect_negative_affect
    eff_sleep, eff_cue = c.effect_sleep_deficit, c.effect_cue
    k_tol = (1.0 - r.craving) * p.craving_per_tolerance
    k_habit = (1.0 - r.craving) * p.craving_per_habit
    k_coping = (1.0 - r.craving) * p.craving_per_coping
    k_recent = (1.0 - r.depression) * p.depression_per_recent_use
    k_relief = (1.0 - r.depression) * p.depression_coping_relief
    na_level = p.na_base - 9.0 * p.na_per_depression

    zeros = np.zeros(n)
    e_s, e_l, e_n = zeros.copy(), zeros.copy(), zeros.copy()
    d_na = zeros.copy()
    sleep_def, cue_f, cope_fx, used_f = zeros.copy(), zeros.copy(), zeros.copy(), zeros.copy()
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
    sums = np.zeros((4, n))
    squares = np.zeros((4, n))
    tired, alone = p.tired_threshold, p.alone_threshold
    z = np.empty((rz.NZ, n))
    u = np.empty((rz.NU, n))
    # Days on which something is offered to someone in the block, or a level changes;
    # on other days the terms they drive are skipped (a zero term changes no value).
    dosing: list[bool] = np.asarray((dose > 0).any(axis=1)).tolist()
    sessions: list[bool] = np.asarray(therapy.any(axis=1) | integration.any(axis=1)).tolist()
    level_changed: list[bool] = [True, *(level[1:] != level[:-1]).any(axis=1).tolist()]
    cue_chance = usual_lonely = use_access = zeros
    for t in range(days):
        rz.draw_day(rng, z, u)
        conflict = u[rz.U_CONFLICT] < p.conflict_rate
        work = u[rz.U_WORK] < p.work_rate
        if level_changed[t]:
            lvl = level[t]
            cue_chance = cue_table[lvl]
            support = np.clip(c.support + support_table[lvl], 0.0, 1.0)
            usual_lonely = c.loneliness_fixed + p.loneliness_per_support * (support - 0.5)
            use_access = use_level + access_table[lvl]
        cue = u[rz.U_CUE] < cue_chance
        # Yesterday's deviations drive today's craving; sleep is last night's.
        craving = np.clip(
            r.craving * craving
            + craving_level
            + k_tol * tol
            + k_habit * habit
            + k_coping * coping
            - ket_craving * antidep
            + eff_s * e_s
            + eff_l * e_l
            + eff_na * d_na
            + eff_sleep * sleep_def
            + eff_cue * cue_f
            - cope_fx
            + p.craving_noise_sd * z[rz.Z_CRAVING],
            0.0,
            10.0,
        )
        sleep = np.clip(
            c.usual_sleep
            + p.sleep_per_stress * e_s
            + p.sleep_after_use * used_f
            + p.sleep_noise_sd * z[rz.Z_SLEEP],
            0.0,
            14.0,
        )
        e_s = (
            r.stress * e_s
            + react_noise * z[rz.Z_STRESS]
            + react_conflict * conflict
            + react_work * work
            - react_mean
        )
        stress = np.clip(c.usual_stress - p.stress_coping_relief * coping + e_s, 0.0, 10.0)
        e_l = r.loneliness * e_l + p.loneliness_noise_sd * z[rz.Z_LONELY]
        lonely = np.clip(usual_lonely + e_l, 0.0, 10.0)
        if dosing[t]:
            given = dose[t] * (u[rz.U_DOSE] < p.dose_attend_rate)
            antidep = np.minimum(
                1.0, r.antidepressant * antidep + given * (1.0 - r.antidepressant * antidep)
            )
            plastic = np.minimum(
                1.0, r.plasticity * plastic + given * (1.0 - r.plasticity * plastic)
            )
            ev["dose"][t, cols] = given > 0
        else:
            antidep = r.antidepressant * antidep
            plastic = r.plasticity * plastic
        recent = r.recent_use * recent + (1.0 - r.recent_use) * used_f
        long_use = r.long_use * long_use + (1.0 - r.long_use) * used_f
        depression = np.clip(
            r.depression * depression
            + usual_d_fixed
            + k_recent * recent
            - k_relief * coping
            + p.depression_noise_sd * z[rz.Z_DEPRESSION],
            0.0,
            27.0,
        )
        dep = depression * (1.0 - ket_dep * antidep)
        relief = r.relief * relief + used_f
        shame = r.shame * shame + used_f
        e_n = r.na * e_n + p.na_noise_sd * z[rz.Z_NA]
        d_na = (
            e_n
            + p.na_from_stress * e_s
            + p.na_from_loneliness * e_l
            - p.relief * relief
            + p.shame * shame
        )
        na = np.clip(
            na_level + p.na_per_depression * dep + p.na_withdrawal * tol * (1.0 - used_f) + d_na,
            0.0,
            10.0,
        )
        logit = (
            use_access
            + p.use_per_craving * craving
            + p.use_per_habit * habit
            + p.use_per_coping * coping
            + p.use_cue * cue
        )
        used = u[rz.U_USE] * (1.0 + np.exp(-logit)) < 1.0
        try_chance = p.coping_try_base + p.coping_try_skill * coping
        tried = u[rz.U_COPING : rz.U_COPING + REPERTOIRE] < try_chance
        cope_fx = (
            tried[0] * c.strategy_effect[0]
            + tried[1] * c.strategy_effect[1]
            + tried[2] * c.strategy_effect[2]
        )
        cope_bits = (
            tried[0] * c.strategy_bit[0]
            | tried[1] * c.strategy_bit[1]
            | tried[2] * c.strategy_bit[2]
        )
        if sessions[t]:
            attend = u[rz.U_ATTEND] < c.attend_chance
            went_therapy = therapy[t] & attend
            went_integration = integration[t] & attend
            learn = (p.coping_therapy_learning * went_therapy) * (
                1.0 + p.plasticity_gain * plastic
            ) + (p.coping_integration_learning * went_integration) * plastic
            coping = (coping + learn * (1.0 - coping)) * r.coping_decay
            ev["therapy"][t, cols] = went_therapy
            ev["integration"][t, cols] = went_integration
        else:
            coping = coping * r.coping_decay
        tol = np.where(used, tol + p.tolerance_shift * (1.0 - tol), tol * r.tolerance_recovery)
        habit = np.where(used, habit + p.habit_gain * (1.0 - habit), habit * r.habit_decay)
        u_safety = u[rz.U_SAFETY] * (
            1.0 + np.exp(-(p.safety_intercept + p.safety_per_depression * dep))
        )
        safety = (u_safety < p.safety_might_act_share).view(np.int8) + (u_safety < 1.0).view(
            np.int8
        )
        checkin_odds = np.exp(
            p.checkin_time_decline * t / 365.0 + p.checkin_use_penalty * used - c.engagement_logit
        )
        checked = u[rz.U_CHECKIN] * (1.0 + checkin_odds) < 1.0
        stress_mean = r.stress_mean * stress_mean + (1.0 - r.stress_mean) * stress

        ev["used"][t, cols] = used
        ev["cue"][t, cols] = cue
        ev["conflict"][t, cols] = conflict
        ev["work"][t, cols] = work
        ev["coping"][t, cols] = cope_bits
        ev["safety"][t, cols] = safety
        _observe(p, rec, t, cols, checked, z, (na, stress, lonely, craving, sleep))
        tagged = checked & (u[rz.U_TAGS] < p.tag_report_rate)
        bits = (
            cue.view(np.uint8)
            | conflict.view(np.uint8) << 1
            | work.view(np.uint8) << 2
            | (sleep < tired).view(np.uint8) << 3
            | (lonely >= alone).view(np.uint8) << 4
        )
        obs["triggers"][t, cols] = bits * tagged
        obs["coping"][t, cols] = cope_bits * checked
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
        completed = u[rz.U_QUESTIONNAIRE] < c.questionnaire_chance
        _administer(p, r, rec, t, ids, completed, (dep, stress_mean, long_use, c.severity))

        sleep_def = c.usual_sleep - sleep
        cue_f = cue.astype(np.float64)
        used_f = used.astype(np.float64)
        sums[0] += e_s
        sums[1] += e_l
        sums[2] += d_na
        sums[3] += sleep_def
        squares[0] += e_s * e_s
        squares[1] += e_l * e_l
        squares[2] += d_na * d_na
        squares[3] += sleep_def * sleep_def
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
    missed = ~checked
    for name, value, row in (
        ("mood", 10.0 - na, rz.Z_MOOD_OBS),
        ("stress", stress, rz.Z_STRESS_OBS),
        ("loneliness", lonely, rz.Z_LONELY_OBS),
        ("craving", craving, rz.Z_CRAVING_OBS),
    ):
        rating = sd * z[row]
        rating += value
        np.clip(rating, 0.0, 10.0, out=rating)
        np.rint(rating, out=rating)
        _answer(obs[name][t, cols], rating, missed)
    half_hours = np.rint(np.clip(sleep + p.sleep_report_sd * z[rz.Z_SLEEP_OBS], 0.0, 24.0) * 2.0)
    quality = np.clip(
        np.rint(2.0 + p.sleep_quality_per_hour * (half_hours / 2.0 - p.sleep_mean)), 0.0, 4.0
    )
    _answer(obs["sleep_half_hours"][t, cols], half_hours, missed)
    _answer(obs["sleep_quality"][t, cols], quality, missed)


def _answer(out: NDArray[np.generic], value: Floats, missed: Bools) -> None:
    """Write whole-number answers into ``out``, and -1 on the days without a check-in."""
    out[...] = value
    np.copyto(out, -1, where=missed)


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
    due = (
        t % r.phq9_every == 0,
        t % r.gad7_every == 0,
        t % r.substance_every == 0,
        t % r.ecrr_every == 0,
    )
    if not any(due):
        return
    who = ids[completed]
    if due[0]:
        given["phq9"].add(who, t, dep[completed])
    if due[1]:
        given["gad7"].add(who, t, gad7_level(p, stress_mean[completed], dep[completed]))
    if due[2]:
        given["substance"].add(who, t, substance_level(p, long_use[completed], severity[completed]))
    if due[3]:
        given["ecrr"].add(who, t, np.zeros(who.shape[0]))
