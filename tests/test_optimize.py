"""The static optimiser against a proven solver, on problems the model itself builds.

``evaluate`` is run over random poses across the whole range, in every posture, with the
pelvis locked and free, with and without loads, for every movement; every problem it hands
the optimiser is recorded and solved again with :func:`scipy.optimize.lsq_linear` (bvls).
Both answers must agree to 1e-6, and the moments must balance whenever the muscles can.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import lsq_linear

import hipviz
import hipviz.core.activation as activation_module
from hipviz.core.activation import MOVEMENTS
from hipviz.core.optimize import kkt_residual, objective, solve_activations
from hipviz.core.work import SHORTFALL_NM

WEIGHT = 1e4


def _reference(A, tau, c):
    """Bounded least squares on the stacked system: the same optimum, by another method."""
    B = A.shape[1]
    M = np.vstack([np.diag(np.sqrt(c)), np.sqrt(WEIGHT) * A])
    b = np.concatenate([np.zeros(B), np.sqrt(WEIGHT) * tau])
    with np.errstate(divide="ignore", invalid="ignore"):  # bvls may divide by zero on a near-tie
        res = lsq_linear(M, b, bounds=(0.0, 1.0), method="bvls", tol=1e-14, max_iter=50 * (B + A.shape[0]))
    if res.status <= 0 or not np.all(np.isfinite(res.x)):
        # bvls cycles or breaks down on some nearly degenerate problems: the trust-region
        # method reaches the same optimum there, more slowly
        res = lsq_linear(M, b, bounds=(0.0, 1.0), method="trf", lsq_solver="exact", tol=1e-15, max_iter=10000)
        assert res.status > 0, res.message  # converged
        return _polish(M, b, res.x)
    assert res.status > 0, res.message  # converged
    return res.x


def _polish(M, b, x, eps=1e-5):
    """Solve the free variables of an interior-point answer exactly, with the bounds it found
    active held fixed (trf approaches a bound only asymptotically)."""
    lower, upper = x < eps, x > 1.0 - eps
    free = ~(lower | upper)
    fixed = np.where(upper, 1.0, 0.0)
    y = fixed.copy()
    y[free] = np.linalg.lstsq(M[:, free], b - M @ fixed, rcond=None)[0]
    return y if np.all((y >= 0.0) & (y <= 1.0)) else x


@pytest.fixture(scope="module")
def model_problems(model):
    """At least 2,000 (A, tau, cost) problems recorded from evaluate across the model's range."""
    recorded = []
    real = activation_module.solve_activations

    def spy(A, tau, **kw):
        cost = kw.get("cost")
        recorded.append((np.array(A), np.array(tau), np.ones(A.shape[2]) if cost is None else np.array(cost)))
        return real(A, tau, **kw)

    rng = np.random.default_rng(20261201)
    ranges = model.ranges
    n = 24
    activation_module.solve_activations = spy
    try:
        for posture in model.postures:
            for lock in (True, False):
                for movement in ("flexion", "extension", "abduction", "adduction", "internal_rotation",
                                 "external_rotation", "knee_flexion", "hold", "flexion+abduction",
                                 "circumduction:135"):
                    pose = {k: rng.uniform(*ranges[f"{name}_r"], n) for k, name in
                            (("flexion", "hip_flexion"), ("adduction", "hip_adduction"),
                             ("rotation", "hip_rotation"), ("knee", "knee_flexion"))}
                    hipviz.evaluate(model, pose, posture=posture, movement=movement, lock_pelvis=lock,
                                    load_n=float(rng.choice([0.0, 40.0, 300.0])),
                                    side=str(rng.choice(["right", "left"])), with_paths=False,
                                    criterion=str(rng.choice(["muscles", "bundles"])))
    finally:
        activation_module.solve_activations = real
    # one batch per problem shape and cost vector
    groups: dict = {}
    for A, tau, cost in recorded:
        groups.setdefault((A.shape[1:], cost.tobytes()), []).append((A, tau, cost))
    return [(np.concatenate([a for a, _, _ in g]), np.concatenate([t for _, t, _ in g]), g[0][2])
            for g in groups.values()]


@pytest.fixture(scope="module")
def solved(model_problems):
    """Each batch with our solution and scipy's, solved once for all the tests below."""
    out = []
    for A, tau, cost in model_problems:
        a, info = solve_activations(A, tau, cost=cost, return_info=True)
        ref = np.array([_reference(A[p], tau[p], cost) for p in range(A.shape[0])])
        out.append((A, tau, cost, a, info, ref))
    return out


def test_fast_solver_matches_scipy_on_2000_model_built_problems(solved):
    """Same activations to 1e-6 wherever the muscles can balance the moments. Where they cannot,
    the objective is dominated by the unbalanced moment's penalty (up to ~1e7) and is flat, to
    round-off, along directions curved only by the activation cost: there the two answers must
    reach the same objective to 1e-12 and differ by no more than that flatness allows."""
    total = 0
    worst = 0.0
    for A, tau, cost, a, info, ref in solved:
        f_ours, f_ref = objective(a, A, tau, cost=cost), objective(ref, A, tau, cost=cost)
        # never worse than the reference optimum
        assert np.all(f_ours <= f_ref * (1 + 1e-12) + 1e-9)
        balanced = np.abs(np.einsum("pqi,pi->pq", A, ref) - tau).max(axis=1) < 1e-3
        diff = np.abs(ref - a).max(axis=1)
        worst = max(worst, float(diff[balanced].max(initial=0.0)))
        # cost c a^2 / 2 changes by f * 1e-13 when a moves sqrt(2e-13 f / c)
        flat = np.sqrt(2e-13 * f_ref / cost.min())
        assert np.all(diff[~balanced] <= 1e-6 + flat[~balanced])
        total += A.shape[0]
    assert total >= 2000, total
    assert worst < 1e-6, worst


def test_every_solution_meets_the_optimality_conditions(solved):
    for A, tau, cost, a, info, _ in solved:
        assert np.all((a >= 0) & (a <= 1))
        assert np.all(kkt_residual(a, A, tau, cost=cost) < 1e-6)
        assert np.allclose(info.residual, tau - np.einsum("pqi,pi->pq", A, a))


def test_moments_balance_whenever_the_muscles_can_supply_them(solved):
    """Feasible = the reference solver balances it; then ours must too (to a milli-newton-metre)."""
    feasible = 0
    for A, tau, _, a, info, ref in solved:
        for p in range(A.shape[0]):
            if np.abs(A[p] @ ref[p] - tau[p]).max() < 1e-3:
                feasible += 1
                assert np.abs(info.residual[p]).max() < 1e-3
    assert feasible > 1000


def test_a_stalled_fast_path_is_caught_and_re_solved():
    """One Newton iteration cannot solve this; the KKT check must notice and fall back."""
    rng = np.random.default_rng(3)
    A = rng.normal(0, 40, (50, 4, 30))
    tau = rng.normal(0, 60, (50, 4))
    a, info = solve_activations(A, tau, iterations=1, return_info=True)
    assert info.fallback.any()
    ref = np.array([_reference(A[p], tau[p], np.ones(30)) for p in range(50)])
    assert np.abs(a - ref).max() < 1e-6


def test_saturated_and_infeasible_demands_give_the_closest_answer_not_nan():
    A = np.array([[[10.0, 20.0], [0.0, 5.0]]])
    tau = np.array([[100.0, 0.0]])            # 30 N m is all the muscles have
    a, info = solve_activations(A, tau, return_info=True)
    assert np.all(np.isfinite(a)) and np.all(a <= 1)
    ref = _reference(A[0], tau[0], np.ones(2))
    assert np.abs(a[0] - ref).max() < 1e-6
    assert info.residual[0, 0] > 60


def test_bad_input_is_a_clear_error():
    with pytest.raises(ValueError, match="finite"):
        solve_activations(np.full((1, 1, 2), np.nan), np.zeros((1, 1)))
    with pytest.raises(ValueError, match=r"\(n, m, B\)"):
        solve_activations(np.zeros((2, 2)), np.zeros((2,)))
    with pytest.raises(ValueError, match="positive"):
        solve_activations(np.ones((1, 1, 2)), np.ones((1, 1)), cost=[1.0, 0.0])


def test_evaluate_warns_naming_the_coordinate_when_the_demand_is_impossible(model):
    st = hipviz.evaluate(model, {"flexion": 60}, posture="standing", movement="flexion", load_n=3000.0)
    assert any("hip flexion" in w and "cannot supply" in w for w in st.warnings), st.warnings
    ok = hipviz.evaluate(model, {"flexion": 30}, movement="flexion")
    assert not any("cannot supply" in w for w in ok.warnings), ok.warnings


@pytest.mark.parametrize("posture", ["standing", "supine", "side_lying", "prone", "quadruped"])
def test_dense_sweep_balances_every_coordinate_at_the_optimum(model, posture, monkeypatch):
    """A dense sweep: every solution is optimal, and every coordinate balances (the thigh does
    not drift) except where the muscles cannot supply the demand, which a warning says."""
    solved = []
    real = activation_module.solve_activations

    def spy(A, tau, **kw):
        out = real(A, tau, **kw)
        cost = kw.get("cost")
        solved.append((np.array(A), np.array(tau), np.ones(A.shape[2]) if cost is None else np.array(cost),
                       out[0] if isinstance(out, tuple) else out))
        return out

    monkeypatch.setattr(activation_module, "solve_activations", spy)
    f, a, r = np.meshgrid(np.linspace(-20, 120, 8), np.linspace(-30, 25, 5), np.linspace(-40, 35, 5), indexing="ij")
    balanced_total = poses_total = 0
    for movement in MOVEMENTS:
        solved.clear()
        st = hipviz.evaluate(model, {"flexion": f.ravel(), "adduction": a.ravel(), "rotation": r.ravel(), "knee": 20.0},
                             posture=posture, movement=movement, with_paths=False)
        ms = st.muscles["r"]
        assert np.all(np.isfinite(ms.activation)) and np.all((ms.activation >= 0) & (ms.activation <= 1))
        for A, tau, cost, sol in solved:
            # optimal: the KKT conditions hold; where round-off keeps the check above 1e-6
            # (W = 1e4 magnifies a 1e-11 N m residual), the answer must equal scipy's instead
            k = kkt_residual(sol, A, tau, cost=cost)
            for p in np.flatnonzero(k >= 1e-6):
                ref = _reference(A[p], tau[p], cost)
                assert np.abs(ref - sol[p]).max() < 1e-6, (movement, k[p])
        unbalanced = np.abs(st.extra["unbalanced_nm"]).max(axis=1)
        balanced = unbalanced < 1e-3
        if (unbalanced > SHORTFALL_NM).any():  # a shortfall a teacher would notice is reported
            assert any("cannot supply" in w for w in st.warnings), (movement, unbalanced.max())
        balanced_total += int(balanced.sum())
        poses_total += balanced.size
    # the corners of the range (e.g. extended, abducted 30 and turned out 40 deg) are where
    # no muscle has the leverage; most of the range balances exactly
    assert balanced_total / poses_total > 0.6, balanced_total / poses_total


def test_a_problem_that_breaks_scipys_bvls_still_gets_the_optimum(recwarn):
    """A nearly degenerate pose (recorded from the model: the standing leg, pelvis free) makes
    scipy's bvls divide by zero and return NaN; the fallback must then answer with another method,
    without a warning reaching the user, and the answer must meet the optimality conditions."""
    data = np.load(Path(__file__).parent / "data" / "bvls_nan_problem.npz")
    A, tau, cost = data["A"][None], data["tau"][None], data["cost"]
    a, info = solve_activations(A, tau, cost=cost, return_info=True)
    assert np.all(np.isfinite(a)) and np.all((a >= 0) & (a <= 1))
    assert info.fallback[0] and kkt_residual(a, A, tau, cost=cost)[0] < 1e-6
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]
