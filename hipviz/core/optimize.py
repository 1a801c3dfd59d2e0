"""Static optimisation of muscle activations, vectorised over poses, right by construction.

Solves, for every pose independently,

    minimise  1/2 sum_i c_i a_i**2 + W/2 * || A a - tau ||**2   subject to  0 <= a_i <= 1,

where ``A[q, i]`` is the moment (N m) actuator ``i`` makes about coordinate ``q`` at full
activation (moment arm x force capacity) and ``tau`` the moments the actuators must provide.
With the default ``W`` (1e4 per N m squared) the moment equations hold to about a
micro-newton-metre whenever the muscles can supply them: this is the classic minimum sum of
squared activations (Crowninshield & Brand 1981; OpenSim's static optimisation), with the
penalty playing the part of OpenSim's weak "reserve actuators" (Hicks et al. 2015) so that an
impossible demand gives the closest achievable answer and a reported shortfall, never NaN.

Fast path: the solution has the form ``a = clip(A^T lam / c, 0, 1)``; the dual variables
``lam`` (one per coordinate, a handful) solve a strictly monotone equation, found by a damped
semi-smooth Newton method on all poses at once. A step is taken only if it decreases the dual
objective. At exit every pose is checked against the optimality (KKT) conditions of the primal
problem; any pose that fails them is solved again with :func:`scipy.optimize.lsq_linear`
(bounded-variable least squares), so the answer never depends on the fast path converging.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["solve_activations", "SolveInfo", "kkt_residual", "objective"]

#: Largest projected-gradient entry (in activation units, i.e. divided by the cost weight,
#: and relative to the size of the gradient's terms: see :func:`kkt_residual`) a pose may
#: keep and still count as optimal. The primal Hessian is at least ``min(c)``, so
#: in practice the distance to the true optimum is smaller still (checked against scipy in
#: tests/test_optimize.py); round-off alone leaves up to ~1e-7 on correct answers.
KKT_TOLERANCE = 1e-6


@dataclass(frozen=True)
class SolveInfo:
    """How a batch of static-optimisation problems was solved.

    Attributes
    ----------
    residual : (n, m) ndarray
        ``tau - A a``: the part of each required moment the actuators did not supply, N m.
    fallback : (n,) bool ndarray
        Poses re-solved with :func:`scipy.optimize.lsq_linear` because the fast path did not
        meet the optimality conditions.
    kkt : (n,) ndarray
        Largest scaled projected-gradient entry of the returned solution.
    dual : (n, m) ndarray, optional
        The dual variables (one per coordinate) the fast path ended with, NaN for the poses
        the fallback solved: a warm start for a similar problem (``solve_activations(start=)``).
    """

    residual: np.ndarray
    fallback: np.ndarray
    kkt: np.ndarray
    dual: np.ndarray | None = None


def objective(a, A, tau, *, cost=None, weight: float = 1e4) -> np.ndarray:
    """Primal objective ``1/2 sum c a^2 + W/2 |A a - tau|^2`` of each pose, (n,)."""
    a = np.asarray(a, float)
    c = np.ones(a.shape[-1]) if cost is None else np.asarray(cost, float)
    r = np.einsum("pqi,pi->pq", A, a) - tau
    return 0.5 * np.einsum("pi,i->p", a * a, c) + 0.5 * weight * np.einsum("pq,pq->p", r, r)


def kkt_residual(a, A, tau, *, cost=None, weight: float = 1e4) -> np.ndarray:
    """Largest violation of the optimality conditions in each pose, (n,).

    The gradient ``g = c a + W A^T (A a - tau)`` must vanish for activations strictly
    between the bounds, be non-negative at 0 and non-positive at 1. Each entry is divided by
    its cost weight (activation units) and by ``1 + |W A^T (A a - tau)| / (100 c)``: when the
    demand is infeasible the two terms of ``g`` are each up to ~1e8 and cancel only to
    round-off, so the violation is measured relative to them.
    """
    a = np.asarray(a, float)
    A = np.asarray(A, float)
    c = np.ones(a.shape[-1]) if cost is None else np.asarray(cost, float)
    r = (A @ a[..., None])[..., 0] - tau
    pull = weight * (np.swapaxes(A, -1, -2) @ r[..., None])[..., 0]
    g = c * a + pull
    pg = np.where(a <= 0.0, np.minimum(g, 0.0), np.where(a >= 1.0, np.maximum(g, 0.0), g))
    if not a.shape[-1]:
        return np.zeros(a.shape[0])
    scale = 1.0 + 1e-2 * np.abs(pull / c).max(axis=-1)
    return np.abs(pg / c).max(axis=-1) / scale


def _dual(lam, A, tau, W, c):
    """Dual objective (to be minimised) of each pose."""
    s = np.einsum("pqi,pq->pi", A, lam) / c
    return _dual_at(lam, s, np.minimum(np.maximum(s, 0.0), 1.0), tau, W, c)


def _dual_at(lam, s, a, tau, W, c):
    """:func:`_dual` from ``s = A^T lam / c`` and ``a = clip(s, 0, 1)``, already at hand.

    ``c a (s - a / 2)`` is the dual's piecewise term (0 below 0, ``c s^2 / 2`` between 0 and 1,
    ``c (s - 1/2)`` above), to the bit.
    """
    psi = c * (a * (s - 0.5 * a))
    return 0.5 * (lam * lam).sum(-1) / W + psi.sum(-1) - (tau * lam).sum(-1)


def _newton(A, tau, c, weight, iterations, start=None):
    """The dual problem by damped semi-smooth Newton, all poses at once.

    Returns the activations (n, B) and the dual variables (n, m) they came from. ``start``
    (n, m): dual variables to begin with (a warm start, e.g. the last pose's); default 0.

    The work is in small numpy calls, so the loop keeps what it has: ``s = A^T lam / c`` of an
    accepted step is the one its trial computed, and the poses still working are gathered
    only when some have finished.
    """
    n, m, _ = A.shape
    AT = np.swapaxes(A, 1, 2)                                   # (n, B, m)
    lam = np.zeros((n, m)) if start is None else np.array(start, float)
    eye = np.eye(m) / weight
    s_all = (AT @ lam[..., None])[..., 0] / c
    a_all = np.minimum(np.maximum(s_all, 0.0), 1.0)
    f = _dual_at(lam, s_all, a_all, tau, weight, c)
    # converged: the moments balance to round-off of the demand (the KKT check decides)
    tol_all = 1e-13 * (1.0 + np.abs(tau).max(axis=1))
    active = np.ones(n, bool)
    idx = np.arange(n)
    Ai, ATi, ti, tol = A, AT, tau, tol_all
    full = True  # every pose still working: whole arrays, no gathering
    for _ in range(iterations):
        li, s, a = (lam, s_all, a_all) if full else (lam[idx], s_all[idx], a_all[idx])
        grad = li / weight + (Ai @ a[..., None])[..., 0] - ti
        done = np.abs(grad).max(axis=1) <= tol
        if done.any():
            active[idx[done]] = False
            keep = ~done
            if not keep.any():
                break
            idx, Ai, ATi, ti, tol = idx[keep], Ai[keep], ATi[keep], ti[keep], tol[keep]
            li, s, grad = li[keep], s[keep], grad[keep]
            full = False
        mask = ((s >= 0) & (s < 1)) / c  # muscles at 0 count: a sane first step from lam = 0
        H = eye + (Ai * mask[:, None, :]) @ ATi
        step = -np.linalg.solve(H, grad[..., None])[..., 0]
        slope = (grad * step).sum(axis=1)
        f0 = f if full else f[idx]
        cand = li + step
        s_c = (ATi @ cand[..., None])[..., 0] / c
        a_c = np.minimum(np.maximum(s_c, 0.0), 1.0)
        fc = _dual_at(cand, s_c, a_c, ti, weight, c)
        slack = 1e-13 * (1.0 + np.abs(f0))  # round-off: a converged step need not decrease f
        ok = fc <= f0 + 1e-4 * slope + slack
        if not ok.all():
            t = np.ones(idx.size)
            for _ in range(20):  # backtracking: a step is taken only if it decreases the objective
                if ok.all():
                    break
                t = np.where(ok, t, 0.5 * t)
                trial = li + t[:, None] * step
                s_t = (ATi @ trial[..., None])[..., 0] / c
                a_t = np.minimum(np.maximum(s_t, 0.0), 1.0)
                ft = _dual_at(trial, s_t, a_t, ti, weight, c)
                back = ~ok[:, None]
                cand = np.where(back, trial, cand)
                s_c, a_c = np.where(back, s_t, s_c), np.where(back, a_t, a_c)
                fc = np.where(ok, fc, ft)
                ok = ok | (ft <= f0 + 1e-4 * t * slope + slack)
        moved = ok & (fc <= f0 + slack)
        # a pose is done when its step no longer changes anything, or no step decreases it
        # (measured before lam changes: li may be lam itself)
        small = np.abs(step).max(axis=1) <= 1e-13 * (1.0 + np.abs(li).max(axis=1))
        if moved.all() and full:
            lam, f, s_all, a_all = cand, fc, s_c, a_c  # new arrays: nothing else holds them
        elif moved.all():
            lam[idx], f[idx], s_all[idx], a_all[idx] = cand, fc, s_c, a_c
        else:
            go = idx[moved]
            lam[go], f[go], s_all[go], a_all[go] = cand[moved], fc[moved], s_c[moved], a_c[moved]
        stop = ~moved | small
        if stop.any():
            active[idx[stop]] = False
            keep = ~stop
            if not keep.any():
                break
            idx, Ai, ATi, ti, tol = idx[keep], Ai[keep], ATi[keep], ti[keep], tol[keep]
            full = False
    return a_all, lam


def _scipy_solve(A, tau, c, weight):
    """One pose by bounded-variable least squares on the stacked system."""
    from scipy.optimize import lsq_linear

    m, B = A.shape
    M = np.vstack([np.diag(np.sqrt(c)), np.sqrt(weight) * A])
    b = np.concatenate([np.zeros(B), np.sqrt(weight) * tau])
    # bvls stops after B iterations by default, which is not always enough: allow plenty. On a
    # few nearly degenerate problems it divides by zero and returns NaN: then the trust-region
    # method answers (slower, equally exact here)
    with np.errstate(divide="ignore", invalid="ignore"):
        res = lsq_linear(M, b, bounds=(0.0, 1.0), method="bvls", tol=1e-14, max_iter=50 * (B + m))
    if res.status <= 0 or not np.all(np.isfinite(res.x)):
        res = lsq_linear(M, b, bounds=(0.0, 1.0), method="trf", tol=1e-13, lsmr_tol="auto", max_iter=2000)
    a = np.clip(np.nan_to_num(res.x, nan=0.0), 0.0, 1.0)
    a[a < 1e-12] = 0.0           # exactly on the bounds, as the optimality check expects
    a[a > 1.0 - 1e-12] = 1.0
    return a


def solve_activations(A, tau, *, cost=None, weight: float = 1e4, iterations: int = 40,
                      return_info: bool = False, start=None):
    """Minimum sum of (weighted) squared activations that balances the required moments.

    Parameters
    ----------
    A : (n, m, B) array_like
        Moment of each of ``B`` actuators about each of ``m`` coordinates at full activation,
        N m, for ``n`` poses.
    tau : (n, m) array_like
        Required moments, N m.
    cost : (B,) array_like, optional
        Positive weight of each actuator's squared activation (default 1: the standard
        criterion).
    weight : float, default: 1e4
        Penalty per N m squared on moments the actuators do not supply.
    iterations : int, default: 40
        Newton iterations at most on the fast path (3-8 are typical).
    return_info : bool, default: False
        Also return a :class:`SolveInfo` with the unbalanced moments and the poses that
        needed the fallback solver.
    start : (n, m) array_like, optional
        Dual variables to start the fast path from (``SolveInfo.dual`` of a similar problem,
        such as the previous pose of a slider drag): fewer iterations, the same optimum (the
        problem is strictly convex; a start that does not lead to it is dropped and the
        problem solved from the default start).

    Returns
    -------
    (n, B) ndarray
        Activations in [0, 1]; with ``return_info``, ``(activations, SolveInfo)``.

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[[10.0, 30.0]]])          # one coordinate, two muscles
    >>> a = solve_activations(A, np.array([[5.0]]))
    >>> bool(np.allclose(A[0] @ a[0], 5.0, atol=1e-3)), bool(a[0, 1] > a[0, 0])
    (True, True)
    """
    A = np.asarray(A, float)
    tau = np.asarray(tau, float)
    if A.ndim != 3 or tau.shape != A.shape[:2]:
        raise ValueError(f"A must be (n, m, B) and tau (n, m); found {A.shape} and {tau.shape}")
    n, m, B = A.shape
    c = np.ones(B) if cost is None else np.asarray(cost, float)
    if c.shape != (B,) or not (c > 0).all():
        raise ValueError(f"cost must hold {B} positive weights")
    if not (np.isfinite(A).all() and np.isfinite(tau).all()):
        raise ValueError("static optimisation needs finite moments; found NaN or infinity")
    if n == 0:
        a, lam = np.zeros((0, B)), np.zeros((0, m))
    else:
        warm = start is not None and np.shape(start) == (n, m) and bool(np.all(np.isfinite(start)))
        a, lam = _newton(A, tau, c, weight, iterations, start if warm else None)
    kkt = kkt_residual(a, A, tau, cost=c, weight=weight)
    fallback = ~(kkt <= KKT_TOLERANCE)
    if warm and fallback.any():
        # the warm start did not reach the optimum in time for some poses: from the default start
        p = np.flatnonzero(fallback)
        a[p], lam[p] = _newton(A[p], tau[p], c, weight, iterations)
        kkt[p] = kkt_residual(a[p], A[p], tau[p], cost=c, weight=weight)
        fallback = ~(kkt <= KKT_TOLERANCE)
    for p in np.flatnonzero(fallback):
        a[p] = _scipy_solve(A[p], tau[p], c, weight)
        lam[p] = np.nan
    if fallback.any():
        kkt[fallback] = kkt_residual(a[fallback], A[fallback], tau[fallback], cost=c, weight=weight)
    if not return_info:
        return a
    residual = tau - (A @ a[..., None])[..., 0]
    return a, SolveInfo(residual=residual, fallback=fallback, kkt=kkt, dual=lam)
