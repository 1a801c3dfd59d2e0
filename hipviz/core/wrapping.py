"""Shortest muscle paths over spheres and cylinders, vectorised.

All functions take the two path points ``P`` and ``S`` already expressed in the obstacle's
own frame (centre at the origin; a cylinder's axis is the local z axis) with any leading
shape, and return the wrapped length and the two tangent points. A path only wraps when
the straight line would cut into the obstacle (on the constrained side for cylinders), and
the length is continuous and smooth (C1) at the moment wrapping starts or stops: at that
moment the arc has zero length and the tangent points lie on the straight line.

The geometry is the classic one used by musculoskeletal models (e.g. Garner & Pandy 2000):
tangent lines from each point to the circle/great circle, joined by an arc (a helix for a
cylinder, whose axial rise is spread in proportion to path length).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .rotations import cross

__all__ = ["WrapResult", "wrap_sphere", "wrap_cylinder", "sample_arc"]

_TWO_PI = 2.0 * np.pi


@dataclass
class WrapResult:
    """Outcome of wrapping a segment over an obstacle (obstacle frame, metres).

    Attributes
    ----------
    length : (...) ndarray
        Length of the path from P to S.
    t1, t2 : (..., 3) ndarray
        Where the path meets and leaves the obstacle. When not wrapping both equal the
        point of the straight segment nearest the obstacle's centre (or axis).
    active : (...) bool ndarray
        True where the path touches the obstacle.
    arc : dict
        Parameters for :func:`sample_arc` (drawing only).
    """

    length: np.ndarray
    t1: np.ndarray
    t2: np.ndarray
    active: np.ndarray
    arc: dict


def _tangent_terms(rp, rs, r):
    """Tangent half-angles and tangent-line lengths from points at distances rp, rs."""
    rp_c = np.maximum(rp, r)
    rs_c = np.maximum(rs, r)
    a_p = np.arccos(np.clip(r / rp_c, -1.0, 1.0))
    a_s = np.arccos(np.clip(r / rs_c, -1.0, 1.0))
    return a_p, a_s, np.sqrt(rp_c**2 - r**2), np.sqrt(rs_c**2 - r**2)


def _nearest_on_segment(P, S, axis_mask=None):
    """Point of segment PS nearest the origin (or the z axis if ``axis_mask``), t in [0.05, 0.95]."""
    d = S - P
    Pm, dm = (P, d) if axis_mask is None else (P * axis_mask, d * axis_mask)
    t = -np.einsum("...i,...i", Pm, dm) / np.maximum(np.einsum("...i,...i", dm, dm), 1e-18)
    t = np.clip(t, 0.05, 0.95)
    return P + t[..., None] * d


def wrap_sphere(P, S, radius) -> WrapResult:
    """Wrap segment PS over a sphere of ``radius`` centred at the origin.

    The path takes the shorter way round, in the plane of P, S and the centre.

    Parameters
    ----------
    P, S : (..., 3) array_like, metres
        End points outside the sphere, in the sphere's frame.
    radius : float or (...) array_like, metres

    Returns
    -------
    WrapResult
    """
    P = np.asarray(P, float)
    S = np.asarray(S, float)
    r = np.asarray(radius, float)
    rp = np.linalg.norm(P, axis=-1)
    rs = np.linalg.norm(S, axis=-1)
    e1 = P / np.maximum(rp, 1e-12)[..., None]
    s_par = np.einsum("...i,...i", S, e1)
    s_perp_v = S - s_par[..., None] * e1
    s_perp = np.linalg.norm(s_perp_v, axis=-1)
    # in-plane second axis; for a degenerate plane pick any perpendicular
    fallback = cross(e1, np.array([0.0, 0.0, 1.0]))
    fallback = np.where(np.linalg.norm(fallback, axis=-1, keepdims=True) < 1e-6,
                        cross(e1, np.array([1.0, 0.0, 0.0])), fallback)
    e2 = np.where(s_perp[..., None] > 1e-12, s_perp_v / np.maximum(s_perp, 1e-12)[..., None],
                  fallback / np.linalg.norm(fallback, axis=-1, keepdims=True))
    gamma = np.arctan2(s_perp, s_par)  # angle P-centre-S in [0, pi]
    a_p, a_s, l_p, l_s = _tangent_terms(rp, rs, r)
    delta = gamma - a_p - a_s
    active = delta > 0.0
    delta = np.where(active, delta, 0.0)
    th1 = a_p
    th2 = a_p + delta
    t1 = r[..., None] * (np.cos(th1)[..., None] * e1 + np.sin(th1)[..., None] * e2)
    t2 = r[..., None] * (np.cos(th2)[..., None] * e1 + np.sin(th2)[..., None] * e2)
    straight = np.linalg.norm(S - P, axis=-1)
    length = np.where(active, l_p + r * delta + l_s, straight)
    near = _nearest_on_segment(P, S)
    t1 = np.where(active[..., None], t1, near)
    t2 = np.where(active[..., None], t2, near)
    return WrapResult(length, t1, t2, active,
                      {"kind": "sphere", "e1": e1, "e2": e2, "th1": th1, "delta": delta, "r": r})


def wrap_cylinder(P, S, radius, direction) -> WrapResult:
    """Wrap segment PS over an infinite cylinder about the local z axis.

    Parameters
    ----------
    P, S : (..., 3) array_like, metres
        End points outside the cylinder, in the cylinder's frame.
    radius : float or (...) array_like, metres
    direction : +1 or -1, or (...) array_like
        +1: the path goes counter-clockwise about +z from P to S; -1: clockwise. The path
        only wraps when the straight line would pass on the constrained side.

    Returns
    -------
    WrapResult
    """
    P = np.asarray(P, float)
    S = np.asarray(S, float)
    r = np.asarray(radius, float)
    d = np.asarray(direction, float)
    rp = np.hypot(P[..., 0], P[..., 1])
    rs = np.hypot(S[..., 0], S[..., 1])
    phi_p = np.arctan2(P[..., 1], P[..., 0])
    phi_s = np.arctan2(S[..., 1], S[..., 0])
    gamma = np.mod(d * (phi_s - phi_p), _TWO_PI)
    a_p, a_s, l_p, l_s = _tangent_terms(rp, rs, r)
    delta = gamma - a_p - a_s
    active = delta > 0.0
    delta = np.where(active, delta, 0.0)
    l2 = l_p + r * delta + l_s
    dz = S[..., 2] - P[..., 2]
    th1 = phi_p + d * a_p
    th2 = th1 + d * delta
    frac1 = l_p / np.maximum(l2, 1e-12)
    frac2 = (l_p + r * delta) / np.maximum(l2, 1e-12)
    z1 = P[..., 2] + dz * frac1
    z2 = P[..., 2] + dz * frac2
    t1 = np.stack([r * np.cos(th1), r * np.sin(th1), z1], axis=-1)
    t2 = np.stack([r * np.cos(th2), r * np.sin(th2), z2], axis=-1)
    straight = np.linalg.norm(S - P, axis=-1)
    length = np.where(active, np.hypot(l2, dz), straight)
    near = _nearest_on_segment(P, S, np.array([1.0, 1.0, 0.0]))
    t1 = np.where(active[..., None], t1, near)
    t2 = np.where(active[..., None], t2, near)
    return WrapResult(length, t1, t2, active,
                      {"kind": "cylinder", "th1": th1, "dth": d * delta, "z1": z1, "z2": z2, "r": r})


def sample_arc(res: WrapResult, k: int) -> np.ndarray:
    """``k`` points along the wrapped arc from ``t1`` to ``t2`` inclusive, shape ``(..., k, 3)``.

    Where the path does not wrap the points all lie at ``t1`` (on the straight line).
    """
    s = np.linspace(0.0, 1.0, k)
    a = res.arc
    if a["kind"] == "sphere":
        th = a["th1"][..., None] + a["delta"][..., None] * s
        pts = a["r"][..., None, None] * (np.cos(th)[..., None] * a["e1"][..., None, :]
                                         + np.sin(th)[..., None] * a["e2"][..., None, :])
    else:
        th = a["th1"][..., None] + a["dth"][..., None] * s
        z = a["z1"][..., None] + (a["z2"] - a["z1"])[..., None] * s
        rr = np.broadcast_to(a["r"][..., None], th.shape)
        pts = np.stack([rr * np.cos(th), rr * np.sin(th), z], axis=-1)
    return np.where(res.active[..., None, None], pts, res.t1[..., None, :])
