"""The same model, one patient at a time, in plain Python floats.

This is the reference the benchmark measures numpy against, and the tests check the two
agree on the same seed. It reads the same random draws as
:mod:`attune.sim.cycle.engine_numpy` (drawn day by day for the whole block, in the same
order) and mirrors it line by line; each patient's days are kept in Python lists and
written out once.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from attune.sim.cycle import rates as rz
from attune.sim.cycle.constants import REPERTOIRE, Constants, level_tables
from attune.sim.cycle.engine_numpy import gad7_level, substance_level
from attune.sim.cycle.parameters import Parameters
from attune.sim.cycle.rates import Rates
from attune.sim.cycle.record import EVENTS, LATENT, OBSERVED, Recorder


def _clip(x: float, low: float, high: float) -> float:
    return min(max(x, low), high)


def run_block(
    p: Parameters,
    c: Constants,
    offered: tuple[NDArray[np.bool_], NDArray[np.float32], NDArray[np.bool_], NDArray[np.int8]],
    rng: np.random.Generator,
    rec: Recorder,
    first: int,
    advance: Callable[[int], None] | None = None,
) -> None:
    """Step patients ``first .. first + n`` one by one (same contract as the numpy engine)."""
    therapy, dose, integration, level = offered
    days, n = therapy.shape
    r = Rates.of(p)
    z_all = np.empty((days, rz.NZ, n))
    u_all = np.empty((days, rz.NU, n))
    for t in range(days):
        rz.draw_day(rng, z_all[t], u_all[t])
    for i in range(n):
        _patient(
            p,
            r,
            c,
            i,
            first,
            (
                therapy[:, i].tolist(),
                dose[:, i].tolist(),
                integration[:, i].tolist(),
                level[:, i].tolist(),
            ),
            z_all[:, :, i].tolist(),
            u_all[:, :, i].tolist(),
            rec,
        )
        if advance is not None:
            advance(days)


def _patient(
    p: Parameters,
    r: Rates,
    c: Constants,
    i: int,
    first: int,
    offered: tuple[list[bool], list[float], list[bool], list[int]],
    zs: list[list[float]],
    us: list[list[float]],
    rec: Recorder,
) -> None:
    therapy_days, dose_days, integration_days, level_days = offered
    tables = level_tables(p)
    support_table, cue_table, access_table = (table.tolist() for table in tables)
    days = len(zs)
    reactivity = float(c.reactivity[i])
    usual_stress = float(c.usual_stress[i])
    lonely_fixed = float(c.loneliness_fixed[i])
    support_own = float(c.support[i])
    usual_sleep = float(c.usual_sleep[i])
    eff_s, eff_l = float(c.effect_stress[i]), float(c.effect_loneliness[i])
    eff_na, eff_sleep = float(c.effect_negative_affect[i]), float(c.effect_sleep_deficit[i])
    eff_cue = float(c.effect_cue[i])
    strategy_effect = c.strategy_effect[:, i].tolist()
    strategy_bit = c.strategy_bit[:, i].tolist()
    k_resp = float(c.ketamine_response[i])
    engagement_logit = float(c.engagement_logit[i])
    attend_chance = float(c.attend_chance[i])
    q_chance = float(c.questionnaire_chance[i])
    severity = float(c.severity[i])
    react_noise = reactivity * p.stress_noise_sd
    react_conflict = reactivity * p.conflict_stress
    react_work = reactivity * p.work_stress
    react_mean = reactivity * (p.conflict_stress * p.conflict_rate + p.work_stress * p.work_rate)
    craving_level = (1.0 - r.craving) * (p.craving_base + float(c.craving_between[i]))
    ket_craving = (1.0 - r.craving) * p.ketamine_craving * k_resp
    ket_dep = p.antidepressant * k_resp
    usual_d_fixed = (1.0 - r.depression) * float(c.usual_depression[i])
    use_level = float(c.use_fixed[i]) - 5.0 * p.use_per_craving
    k_tol = (1.0 - r.craving) * p.craving_per_tolerance
    k_habit = (1.0 - r.craving) * p.craving_per_habit
    k_coping = (1.0 - r.craving) * p.craving_per_coping
    k_recent = (1.0 - r.depression) * p.depression_per_recent_use
    k_relief = (1.0 - r.depression) * p.depression_coping_relief
    na_level = p.na_base - 9.0 * p.na_per_depression

    e_s = e_l = e_n = d_na = 0.0
    sleep_def = cue_f = cope_fx = used_f = 0.0
    coping = p.coping_initial
    tol = float(c.tolerance_start[i])
    habit = float(c.habit_start[i])
    recent = severity
    long_use = severity
    depression = (
        float(c.usual_depression[i])
        + p.depression_per_recent_use * recent
        - p.depression_coping_relief * coping
    )
    antidep = plastic = relief = shame = 0.0
    craving = _clip(
        p.craving_base
        + p.craving_per_tolerance * tol
        + p.craving_per_habit * habit
        + p.craving_per_coping * coping
        + float(c.craving_between[i]),
        0.0,
        10.0,
    )
    stress_mean = usual_stress - p.stress_coping_relief * coping
    sd = p.rating_noise_sd
    states: dict[str, list[float]] = {name: [] for name in LATENT}
    obs: dict[str, list[int]] = {name: [] for name in OBSERVED}
    ev: dict[str, list[int]] = {name: [] for name in EVENTS if name != "amount"}
    sums = [0.0] * 4
    squares = [0.0] * 4
    for t in range(days):
        z = zs[t]
        u = us[t]
        conflict = u[rz.U_CONFLICT] < p.conflict_rate
        work = u[rz.U_WORK] < p.work_rate
        lvl = level_days[t]
        cue = u[rz.U_CUE] < cue_table[lvl]
        craving = _clip(
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
        sleep = _clip(
            usual_sleep
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
        stress = _clip(usual_stress - p.stress_coping_relief * coping + e_s, 0.0, 10.0)
        e_l = r.loneliness * e_l + p.loneliness_noise_sd * z[rz.Z_LONELY]
        support = _clip(support_own + support_table[lvl], 0.0, 1.0)
        usual_lonely = lonely_fixed + p.loneliness_per_support * (support - 0.5)
        lonely = _clip(usual_lonely + e_l, 0.0, 10.0)
        given = dose_days[t] * (u[rz.U_DOSE] < p.dose_attend_rate)
        antidep = min(1.0, r.antidepressant * antidep + given * (1.0 - r.antidepressant * antidep))
        plastic = min(1.0, r.plasticity * plastic + given * (1.0 - r.plasticity * plastic))
        recent = r.recent_use * recent + (1.0 - r.recent_use) * used_f
        long_use = r.long_use * long_use + (1.0 - r.long_use) * used_f
        depression = _clip(
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
        na = _clip(
            na_level + p.na_per_depression * dep + p.na_withdrawal * tol * (1.0 - used_f) + d_na,
            0.0,
            10.0,
        )
        logit = (
            use_level
            + access_table[lvl]
            + p.use_per_craving * craving
            + p.use_per_habit * habit
            + p.use_per_coping * coping
            + p.use_cue * cue
        )
        used = u[rz.U_USE] * (1.0 + math.exp(-logit)) < 1.0
        try_chance = p.coping_try_base + p.coping_try_skill * coping
        cope_fx = 0.0
        cope_bits = 0
        for j in range(REPERTOIRE):
            if u[rz.U_COPING + j] < try_chance:
                cope_fx += strategy_effect[j]
                cope_bits |= strategy_bit[j]
        attend = u[rz.U_ATTEND] < attend_chance
        went_therapy = therapy_days[t] and attend
        went_integration = integration_days[t] and attend
        learn = (p.coping_therapy_learning * went_therapy) * (1.0 + p.plasticity_gain * plastic) + (
            p.coping_integration_learning * went_integration
        ) * plastic
        coping = (coping + learn * (1.0 - coping)) * r.coping_decay
        if used:
            tol = tol + p.tolerance_shift * (1.0 - tol)
            habit = habit + p.habit_gain * (1.0 - habit)
        else:
            tol = tol * r.tolerance_recovery
            habit = habit * r.habit_decay
        u_safety = u[rz.U_SAFETY] * (
            1.0 + math.exp(-(p.safety_intercept + p.safety_per_depression * dep))
        )
        safety = (u_safety < p.safety_might_act_share) + (u_safety < 1.0)
        checkin_odds = math.exp(
            p.checkin_time_decline * t / 365.0 + p.checkin_use_penalty * used - engagement_logit
        )
        checked = u[rz.U_CHECKIN] * (1.0 + checkin_odds) < 1.0
        stress_mean = r.stress_mean * stress_mean + (1.0 - r.stress_mean) * stress

        ev["used"].append(used)
        ev["cue"].append(cue)
        ev["conflict"].append(conflict)
        ev["work"].append(work)
        ev["coping"].append(cope_bits)
        ev["safety"].append(safety)
        ev["therapy"].append(went_therapy)
        ev["integration"].append(went_integration)
        ev["dose"].append(given > 0)
        obs["checked_in"].append(checked)
        if checked:
            obs["mood"].append(round(_clip(10.0 - na + sd * z[rz.Z_MOOD_OBS], 0.0, 10.0)))
            obs["stress"].append(round(_clip(stress + sd * z[rz.Z_STRESS_OBS], 0.0, 10.0)))
            obs["loneliness"].append(round(_clip(lonely + sd * z[rz.Z_LONELY_OBS], 0.0, 10.0)))
            obs["craving"].append(round(_clip(craving + sd * z[rz.Z_CRAVING_OBS], 0.0, 10.0)))
            half_hours = round(
                _clip(sleep + p.sleep_report_sd * z[rz.Z_SLEEP_OBS], 0.0, 24.0) * 2.0
            )
            quality = round(2.0 + p.sleep_quality_per_hour * (half_hours / 2.0 - p.sleep_mean))
            obs["sleep_half_hours"].append(half_hours)
            obs["sleep_quality"].append(min(max(quality, 0), 4))
            tagged = u[rz.U_TAGS] < p.tag_report_rate
            bits = (
                cue
                | conflict << 1
                | work << 2
                | (sleep < p.tired_threshold) << 3
                | (lonely >= p.alone_threshold) << 4
            )
            obs["triggers"].append(bits if tagged else 0)
            obs["coping"].append(cope_bits)
            obs["used"].append(used and u[rz.U_REPORT] < p.use_report_rate)
            obs["safety"].append(safety)
        else:
            for name in ("mood", "stress", "loneliness", "craving"):
                obs[name].append(-1)
            obs["sleep_half_hours"].append(-1)
            obs["sleep_quality"].append(-1)
            obs["triggers"].append(0)
            obs["coping"].append(0)
            obs["used"].append(False)
            obs["safety"].append(-1)
        if rec.latent:
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
                states[name].append(value)
        if u[rz.U_QUESTIONNAIRE] < q_chance:
            _administer(p, r, rec, t, first + i, dep, stress_mean, long_use, severity)

        sleep_def = usual_sleep - sleep
        cue_f = float(cue)
        used_f = float(used)
        for k, value in enumerate((e_s, e_l, d_na, sleep_def)):
            sums[k] += value
            squares[k] += value * value

    col = first + i
    for name, values in obs.items():
        rec.observed[name][:, col] = values
    for name, flags in ev.items():
        rec.events[name][:, col] = flags
    for name in rec.latent:
        rec.latent[name][:, col] = states[name]
    rec.moments[:, 0, col] = sums
    rec.moments[:, 1, col] = squares


def _administer(
    p: Parameters,
    r: Rates,
    rec: Recorder,
    t: int,
    patient: int,
    dep: float,
    stress_mean: float,
    long_use: float,
    severity: float,
) -> None:
    ids = np.array([patient], dtype=np.int64)
    given = rec.administered
    if t % r.phq9_every == 0:
        given["phq9"].add(ids, t, np.array([dep]))
    if t % r.gad7_every == 0:
        given["gad7"].add(ids, t, gad7_level(p, np.array([stress_mean]), np.array([dep])))
    if t % r.substance_every == 0:
        given["substance"].add(
            ids, t, substance_level(p, np.array([long_use]), np.array([severity]))
        )
    if t % r.ecrr_every == 0:
        given["ecrr"].add(ids, t, np.zeros(1))
