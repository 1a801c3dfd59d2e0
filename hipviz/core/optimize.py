"""Static optimisation of muscle activations, vectorised over poses.

Solves, for every pose independently,

    minimise  sum_i c_i a_i**2 + W * || A a - tau ||**2   subject to  0 <= a_i <= 1,

where ``A[q, i]`` is the moment (N m) muscle ``i`` makes about coordinate ``q`` at full
activation (moment arm x maximal force) and ``tau`` the moments the muscles must provide.
With a large ``W`` this is the classic "minimum sum of squared activations" solution when the
task is feasible, and the closest achievable one when it is not (never NaN). The cost
weights ``c_i`` (default 1) let larger muscles cost more per unit of activation (e.g. in
proportion to their volume, an energy-like criterion).

The solution has the form ``a = clip(A^T lam / c, 0, 1)``: the dual variables ``lam`` (one per
coordinate, so at most a handful) solve a strictly monotone equation, found here by a damped
semi-smooth Newton method run on all poses at once.
"""
from __future__ import annotations

import numpy as np

__all__ = ["solve_activations"]


def _phi(lam, A, tau, W, c):
    s = np.einsum("pqi,pq->pi", A, lam) / c
    psi = c * np.where(s < 0, 0.0, np.where(s > 1, s - 0.5, 0.5 * s * s))
    return 0.5 * np.einsum("pq,pq->p", lam, lam) / W + psi.sum(-1) - np.einsum("pq,pq->p", tau, lam)


def solve_activations(A, tau, *, cost=None, weight: float = 1e4, iterations: int = 30) -> np.ndarray:
    """Minimum-squared-activation muscle sharing.

    Parameters
    ----------
    A : (n, m, B) array_like
        Moment of each of ``B`` actuators about each of ``m`` coordinates at full activation,
        N m, for ``n`` poses.
    tau : (n, m) array_like
        Required moments, N m.
    cost : (B,) array_like, optional
        Positive cost weight of each actuator's squared activation (default 1).
    weight : float, default: 1e4
        Penalty (per N m squared) on moments the muscles cannot supply.
    iterations : int, default: 30
        Newton iterations at most (3-5 are typical).

    Returns
    -------
    (n, B) ndarray
        Activations in [0, 1].

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
    n, m, B = A.shape
    c = np.ones(B) if cost is None else np.asarray(cost, float)
    if c.shape != (B,) or not np.all(c > 0):
        raise ValueError(f"cost must hold {B} positive weights")
    lam = np.zeros((n, m))
    eye = np.eye(m) / weight
    f = _phi(lam, A, tau, weight, c)
    # converged when the moments balance to a millionth of the demand (floating-point noise
    # keeps the gradient from reaching zero) or the activations stop changing
    tol = 1e-7 * (1.0 + np.abs(tau).max())
    a_prev = None
    for _ in range(iterations):
        s = np.einsum("pqi,pq->pi", A, lam) / c
        a = np.clip(s, 0.0, 1.0)
        grad = lam / weight + np.einsum("pqi,pi->pq", A, a) - tau
        if np.abs(grad).max() < tol or (a_prev is not None and np.abs(a - a_prev).max() < 1e-10):
            break
        a_prev = a
        mask = ((s >= 0) & (s < 1)) / c  # bound muscles count: a sane first step from lam = 0
        H = eye + np.einsum("pqi,pi,pri->pqr", A, mask, A)
        step = -np.linalg.solve(H, grad[..., None])[..., 0]
        slope = np.einsum("pq,pq->p", grad, step)
        t = np.ones(n)
        cand = lam + step
        fc = _phi(cand, A, tau, weight, c)
        for _ in range(12):  # backtracking keeps every pose's objective decreasing (capped: cheap when infeasible)
            bad = fc > f + 1e-4 * t * slope
            if not bad.any():
                break
            t = np.where(bad, 0.5 * t, t)
            cand = lam + t[:, None] * step
            fc = np.where(bad, _phi(cand, A, tau, weight, c), fc)
        lam, f = cand, fc
    return np.clip(np.einsum("pqi,pq->pi", A, lam) / c, 0.0, 1.0)
