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
from attune.sim.cycle.constants import COPING_SIM, Constants
from attune.sim.cycle.engine_numpy import gad7_level, substance_level
from attune.sim.cycle.parameters import Parameters
from attune.sim.cycle.rates import Rates
from attune.sim.cycle.record import LATENT, Recorder


def _clip(x: float, low: float, high: float) -> float:
    return min(max(x, low), high)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def run_block(
    p: Parameters,
    c: Constants,
    offered: tuple[NDArray[np.bool_], NDArray[np.float32], NDArray[np.float32] | NDArray[np.bool_]],
    rng: np.random.Generator,
    rec: Recorder,
    first: int,
    advance: Callable[[int], None] | None = None,
) -> None:
    """Step patients ``first .. first + n`` one by one (same contract as the numpy engine)."""
    therapy, dose, integration = offered
    days, n = therapy.shape
    z_all = np.empty((days, rz.NZ, n))
    u_all = np.empty((days, rz.NU, n))
    for t in range(days):
        z_all[t] = rng.standard_normal((rz.NZ, n))
        u_all[t] = rng.random((rz.NU, n))
    r = Rates.of(p)
    for i in range(n):
        _patient(
            p,
            r,
            c,
            i,
            first,
            (therapy[:, i], dose[:, i], integration[:, i]),
            z_all[:, :, i],
            u_all[:, :, i],
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
    offered: tuple[NDArray[np.bool_], NDArray[np.float32], NDArray[np.float32] | NDArray[np.bool_]],
    z_days: NDArray[np.float64],
    u_days: NDArray[np.float64],
    rec: Recorder,
) -> None:
    therapy_days = offered[0].tolist()
    dose_days = offered[1].tolist()
    integration_days = offered[2].tolist()
    zs = z_days.tolist()
    us = u_days.tolist()
    days = len(zs)
    reactivity = float(c.reactivity[i])
    usual_stress = float(c.usual_stress[i])
    usual_lonely = float(c.usual_loneliness[i])
    usual_sleep = float(c.usual_sleep[i])
    usual_depression = float(c.usual_depression[i])
    cue_chance = float(c.cue_chance[i])
    use_base = float(c.use_base[i])
    between = float(c.craving_between[i])
    b_s, b_l = float(c.effect_stress[i]), float(c.effect_loneliness[i])
    b_na, b_sleep, b_cue = (
        float(c.effect_negative_affect[i]),
        float(c.effect_sleep_deficit[i]),
        float(c.effect_cue[i]),
    )
    repertoire = c.repertoire[i].tolist()
    coping_effect = c.coping_effect[i].tolist()
    k_resp = float(c.ketamine_response[i])
    amount_median = float(c.amount_median[i])
    engagement_logit = float(c.engagement_logit[i])
    attend_chance = float(c.attend_chance[i])
    q_chance = float(c.questionnaire_chance[i])
    severity = float(c.severity[i])

    e_s = e_l = e_n = 0.0
    d_s_prev = d_l_prev = d_na_prev = 0.0
    sleep_def_prev = cue_prev = cope_fx_prev = used_prev = 0.0
    coping = p.coping_initial
    tol = float(c.tolerance_start[i])
    habit = float(c.habit_start[i])
    recent = severity
    long_use = severity
    depression = (
        usual_depression
        + p.depression_per_recent_use * recent
        - p.depression_coping_relief * coping
    )
    antidep = plastic = relief = shame = 0.0
    craving = _clip(
        p.craving_base
        + p.craving_per_tolerance * tol
        + p.craving_per_habit * habit
        + p.craving_per_coping * coping
        + between,
        0.0,
        10.0,
    )
    stress_mean = usual_stress - p.stress_coping_relief * coping
    sd = p.rating_noise_sd
    out: dict[str, list[float]] = {name: [] for name in (*LATENT, "amount")}
    obs: dict[str, list[int]] = {
        name: []
        for name in (
            "checked_in",
            "mood",
            "stress",
            "loneliness",
            "craving",
            "used",
            "sleep_half_hours",
            "sleep_quality",
            "triggers",
            "coping",
            "safety",
        )
    }
    ev: dict[str, list[int]] = {
        name: []
        for name in (
            "used",
            "cue",
            "conflict",
            "work",
            "coping",
            "safety",
            "therapy",
            "integration",
            "dose",
        )
    }
    sums = [0.0] * 4
    squares = [0.0] * 4
    for t in range(days):
        z = zs[t]
        u = us[t]
        conflict = u[rz.U_CONFLICT] < p.conflict_rate
        work = u[rz.U_WORK] < p.work_rate
        cue = u[rz.U_CUE] < cue_chance
        sleep = (
            usual_sleep
            + p.sleep_per_stress * d_s_prev
            + p.sleep_after_use * used_prev
            + p.sleep_noise_sd * z[rz.Z_SLEEP]
        )
        sleep = _clip(sleep, 0.0, 14.0)
        shock = (
            p.stress_noise_sd * z[rz.Z_STRESS]
            + p.conflict_stress * (conflict - p.conflict_rate)
            + p.work_stress * (work - p.work_rate)
        )
        e_s = r.stress * e_s + reactivity * shock
        stress = _clip(usual_stress - p.stress_coping_relief * coping + e_s, 0.0, 10.0)
        e_l = r.loneliness * e_l + p.loneliness_noise_sd * z[rz.Z_LONELY]
        lonely = _clip(usual_lonely + e_l, 0.0, 10.0)
        strength = dose_days[t] * (u[rz.U_DOSE] < p.dose_attend_rate)
        antidep = min(
            1.0, r.antidepressant * antidep + strength * (1.0 - r.antidepressant * antidep)
        )
        plastic = min(1.0, r.plasticity * plastic + strength * (1.0 - r.plasticity * plastic))
        recent = r.recent_use * recent + (1.0 - r.recent_use) * used_prev
        long_use = r.long_use * long_use + (1.0 - r.long_use) * used_prev
        usual_d = (
            usual_depression
            + p.depression_per_recent_use * recent
            - p.depression_coping_relief * coping
        )
        depression = _clip(
            r.depression * depression
            + (1.0 - r.depression) * usual_d
            + p.depression_noise_sd * z[rz.Z_DEPRESSION],
            0.0,
            27.0,
        )
        dep = depression * (1.0 - p.antidepressant * k_resp * antidep)
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
        na = _clip(usual_na + d_na, 0.0, 10.0)
        base = (
            p.craving_base
            + p.craving_per_tolerance * tol
            + p.craving_per_habit * habit
            + p.craving_per_coping * coping
            + between
            - p.ketamine_craving * k_resp * antidep
        )
        craving = _clip(
            r.craving * craving
            + (1.0 - r.craving) * base
            + b_s * d_s_prev
            + b_l * d_l_prev
            + b_na * d_na_prev
            + b_sleep * sleep_def_prev
            + b_cue * cue_prev
            - cope_fx_prev
            + p.craving_noise_sd * z[rz.Z_CRAVING],
            0.0,
            10.0,
        )
        logit = (
            use_base
            + p.use_per_craving * (craving - 5.0)
            + p.use_per_habit * habit
            + p.use_per_coping * coping
            + p.use_cue * cue
        )
        used = u[rz.U_USE] < _sigmoid(logit)
        try_chance = p.coping_try_base + p.coping_try_skill * coping
        cope_fx = 0.0
        cope_bits = 0
        for j in range(len(COPING_SIM)):
            if repertoire[j] and u[rz.U_COPING + j] < try_chance:
                cope_fx += coping_effect[j]
                cope_bits |= 1 << j
        attend = u[rz.U_ATTEND] < attend_chance
        went_therapy = bool(therapy_days[t]) and attend
        went_integration = bool(integration_days[t]) and attend
        learn = (
            p.coping_therapy_learning * went_therapy * (1.0 + p.plasticity_gain * plastic)
            + p.coping_integration_learning * went_integration * plastic
        )
        coping = (coping + learn * (1.0 - coping)) * r.coping_decay
        if used:
            tol = tol + p.tolerance_shift * (1.0 - tol)
            habit = habit + p.habit_gain * (1.0 - habit)
        else:
            tol = tol * r.tolerance_recovery
            habit = habit * r.habit_decay
        suicidal = _sigmoid(p.safety_intercept + p.safety_per_depression * dep)
        safety = int(u[rz.U_SAFETY] < suicidal * p.safety_might_act_share) + int(
            u[rz.U_SAFETY] < suicidal
        )
        checked = u[rz.U_CHECKIN] < _sigmoid(
            engagement_logit - p.checkin_time_decline * t / 365.0 - p.checkin_use_penalty * used
        )
        stress_mean = r.stress_mean * stress_mean + (1.0 - r.stress_mean) * stress

        ev["used"].append(used)
        out["amount"].append(
            amount_median * math.exp(p.amount_sd * z[rz.Z_AMOUNT]) if used else 0.0
        )
        ev["cue"].append(cue)
        ev["conflict"].append(conflict)
        ev["work"].append(work)
        ev["coping"].append(cope_bits)
        ev["safety"].append(safety)
        ev["therapy"].append(went_therapy)
        ev["integration"].append(went_integration)
        ev["dose"].append(strength > 0)
        obs["checked_in"].append(checked)
        for name, value, row in (
            ("mood", 10.0 - na, rz.Z_MOOD_OBS),
            ("stress", stress, rz.Z_STRESS_OBS),
            ("loneliness", lonely, rz.Z_LONELY_OBS),
            ("craving", craving, rz.Z_CRAVING_OBS),
        ):
            obs[name].append(round(_clip(value + sd * z[row], 0.0, 10.0)) if checked else -1)
        half_hours = round(_clip(sleep + p.sleep_report_sd * z[rz.Z_SLEEP_OBS], 0.0, 24.0) * 2.0)
        quality = _clip(
            round(2.0 + p.sleep_quality_per_hour * (half_hours / 2.0 - p.sleep_mean)), 0.0, 4.0
        )
        obs["sleep_half_hours"].append(half_hours if checked else -1)
        obs["sleep_quality"].append(int(quality) if checked else -1)
        tagged = checked and u[rz.U_TAGS] < p.tag_report_rate
        bits = (
            cue * 1
            + conflict * 2
            + work * 4
            + (sleep < p.tired_threshold) * 8
            + (lonely >= p.alone_threshold) * 16
        )
        obs["triggers"].append(bits if tagged else 0)
        obs["coping"].append(cope_bits if checked else 0)
        obs["used"].append(checked and used and u[rz.U_REPORT] < p.use_report_rate)
        obs["safety"].append(safety if checked else -1)
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
            out[name].append(value)
        if u[rz.U_QUESTIONNAIRE] < q_chance:
            _administer(p, r, rec, t, first + i, dep, stress_mean, long_use, severity)

        d_s_prev, d_l_prev, d_na_prev = e_s, e_l, d_na
        sleep_def_prev = usual_sleep - sleep
        for k, value in enumerate((e_s, e_l, d_na, sleep_def_prev)):
            sums[k] += value
            squares[k] += value * value
        cue_prev = float(cue)
        cope_fx_prev = cope_fx
        used_prev = float(used)

    col = first + i
    for name, values in obs.items():
        rec.observed[name][:, col] = values
    for name, flags in ev.items():
        rec.events[name][:, col] = flags
    rec.events["amount"][:, col] = out["amount"]
    for name in rec.latent:
        rec.latent[name][:, col] = out[name]
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
