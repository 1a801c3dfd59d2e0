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

__all__ = ["WrapResult", "wrap_sphere", "wrap_sphere_sparse", "wrap_cylinder", "wrap_cylinder_sparse", "sample_arc",
           "ARC_PARAMETERS", "pack_arc", "unpack_arc", "arc_points"]

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


#: Where an end of a wrapped line lies inside its obstacle (an attachment that the bones' motion
#: carries under a wrapping surface, near the ends of the range) the path is taken from the end's
#: projection onto the surface (the length stays continuous as the end goes in), and the end's
#: tangent point is put this far (metres) from it along the length's gradient there, times the
#: gradient's size: the pieces of the path that cross a joint (``paths._unit_pieces``) take any
#: piece shorter than :data:`INSIDE_PIECE_M` as such a step, so that the moment arms are exactly
#: -dL/dq there too, and continuous. (The projection alone left a radial piece from the end, and
#: the moment arms jumped: gluteus maximus middle's adduction arm +0.4 -> +9.2 cm between 39 and
#: 40 deg of abduction, where its insertion enters the 50 mm hip cylinder.) A real piece this short
#: needs an end within ~1e-13 m of the surface.
INSIDE_STEP_M = 1e-9
#: The gradient's size (the radius over the end's distance from the centre or axis) is capped here:
#: an end that deep inside is far from any real path.
_INSIDE_GAIN_MAX = 10.0
#: Pieces shorter than this (and longer than zero) are steps from an end inside an obstacle.
INSIDE_PIECE_M = 20 * _INSIDE_GAIN_MAX * INSIDE_STEP_M


def _norm(v: np.ndarray) -> np.ndarray:
    """Euclidean norm over the last axis (as ``np.linalg.norm(v, axis=-1)``, about twice as fast)."""
    return np.sqrt(np.einsum("...i,...i", v, v))


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
    rp = _norm(P)
    rs = _norm(S)
    e1 = P / np.maximum(rp, 1e-12)[..., None]
    s_par = np.einsum("...i,...i", S, e1)
    s_perp_v = S - s_par[..., None] * e1
    s_perp = _norm(s_perp_v)
    e2 = s_perp_v / np.maximum(s_perp, 1e-12)[..., None]
    flat = s_perp <= 1e-12
    if flat.any():
        # a degenerate plane (S on the line through P and the centre): any perpendicular will do
        e1f = np.broadcast_to(e1, flat.shape + (3,))[flat]
        fallback = cross(e1f, np.array([0.0, 0.0, 1.0]))
        fallback = np.where(_norm(fallback)[..., None] < 1e-6, cross(e1f, np.array([1.0, 0.0, 0.0])), fallback)
        e2 = np.array(np.broadcast_to(e2, flat.shape + (3,)))
        e2[flat] = fallback / _norm(fallback)[..., None]
    gamma = np.arctan2(s_perp, s_par)  # angle P-centre-S in [0, pi]
    a_p, a_s, l_p, l_s = _tangent_terms(rp, rs, r)
    delta = gamma - a_p - a_s
    active = delta > 0.0
    delta = np.where(active, delta, 0.0)
    th1 = a_p
    th2 = a_p + delta
    rc1, rs1 = r * np.cos(th1), r * np.sin(th1)
    rc2, rs2 = r * np.cos(th2), r * np.sin(th2)
    t1 = rc1[..., None] * e1 + rs1[..., None] * e2
    t2 = rc2[..., None] * e1 + rs2[..., None] * e2
    inside_p, inside_s = active & (rp < r), active & (rs < r)
    if inside_p.any() or inside_s.any():
        # an end inside: its tangent point sits a step along the length's gradient (INSIDE_STEP_M),
        # which is along the arc, r / (the end's distance from the centre) long
        def gradient(th, rho):
            g = np.minimum(r / np.maximum(rho, 1e-12), _INSIDE_GAIN_MAX)[..., None]
            return g * (-np.sin(th)[..., None] * e1 + np.cos(th)[..., None] * e2)

        t1 = np.where(inside_p[..., None], P + INSIDE_STEP_M * gradient(th1, rp), t1)
        t2 = np.where(inside_s[..., None], S - INSIDE_STEP_M * gradient(th2, rs), t2)
    straight = _norm(S - P)
    length = np.where(active, l_p + r * delta + l_s, straight)
    near = _nearest_on_segment(P, S)
    t1 = np.where(active[..., None], t1, near)
    t2 = np.where(active[..., None], t2, near)
    return WrapResult(length, t1, t2, active,
                      {"kind": "sphere", "e1": e1, "e2": e2, "th1": th1, "delta": delta, "r": r})


def wrap_sphere_sparse(P: np.ndarray, S: np.ndarray, radius: np.ndarray, *, with_arc: bool = True) -> WrapResult:
    """:func:`wrap_sphere` for many lines that mostly miss their spheres, with the same results.

    A sphere is only wrapped where the straight segment comes within its radius of the centre
    (or an end point lies inside it); :func:`wrap_sphere` runs on those lines only, and every other
    one keeps its straight length, with both tangent points at the segment's point nearest the
    centre. A sphere does not turn, so ``P`` and ``S`` may be in any frame centred on it (the
    tangent points come back in the same frame).

    Parameters
    ----------
    P, S : (p, k, 3) ndarray, metres
        End points relative to the centres of ``k`` spheres, for ``p`` poses.
    radius : (k,) ndarray, metres
    with_arc : bool, default: True
        Also fill the arc's parameters for :func:`sample_arc` (else ``arc`` holds only its kind).

    Returns
    -------
    WrapResult
    """
    r = np.asarray(radius, float)
    d = S - P
    dd = np.einsum("...i,...i", d, d)
    pd = np.einsum("...i,...i", P, d)
    pp = np.einsum("...i,...i", P, P)
    t = -pd / np.maximum(dd, 1e-18)
    tc = np.clip(t, 0.0, 1.0)
    r2 = r * r
    # |P + tc d|^2 below the radius (with a margin, so that every line that wrap_sphere would
    # find touching is solved by it), or an end inside
    cand = (pp + tc * (2.0 * pd + tc * dd) < r2 * (1.0 + 1e-9)) | (pp < r2) | (pp + 2.0 * pd + dd < r2)
    near = P + np.clip(t, 0.05, 0.95)[..., None] * d
    return _wrap_candidates(cand, near, np.sqrt(dd), r, "sphere", {"e1": (3,), "e2": (3,), "th1": (), "delta": ()},
                            with_arc, lambda pi, ki: wrap_sphere(P[pi, ki], S[pi, ki], r[ki]))


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
    inside_p, inside_s = active & (rp < r), active & (rs < r)
    if inside_p.any() or inside_s.any():
        # an end inside: its tangent point sits a step along the length's gradient
        # (INSIDE_STEP_M). Unrolled, the helix is a straight line rising dz over l2; an end inside
        # moves the length only through its projection's angle (by r per radian) and its height.
        hyp = np.maximum(np.hypot(l2, dz), 1e-12)
        along, rise = d * l2 / hyp, dz / hyp

        def gradient(th, rho):
            g = along * np.minimum(r / np.maximum(rho, 1e-12), _INSIDE_GAIN_MAX)
            return np.stack([-g * np.sin(th), g * np.cos(th), np.broadcast_to(rise, np.shape(th))], axis=-1)

        t1 = np.where(inside_p[..., None], P + INSIDE_STEP_M * gradient(th1, rp), t1)
        t2 = np.where(inside_s[..., None], S - INSIDE_STEP_M * gradient(th2, rs), t2)
    straight = _norm(S - P)
    length = np.where(active, np.hypot(l2, dz), straight)
    near = _nearest_on_segment(P, S, np.array([1.0, 1.0, 0.0]))
    t1 = np.where(active[..., None], t1, near)
    t2 = np.where(active[..., None], t2, near)
    return WrapResult(length, t1, t2, active,
                      {"kind": "cylinder", "th1": th1, "dth": d * delta, "z1": z1, "z2": z2, "r": r})


def wrap_cylinder_sparse(P: np.ndarray, S: np.ndarray, radius: np.ndarray, direction: np.ndarray, *,
                         with_arc: bool = True) -> WrapResult:
    """:func:`wrap_cylinder` for many lines of which only some touch their cylinders, with the same
    results.

    :func:`wrap_cylinder` runs only on the lines that might wrap: those whose projection on the
    cylinder's cross-section comes within its radius of the axis, or turns about it against
    ``direction`` (such a line wraps the long way round), or has an end inside it. Every other line
    keeps its straight length, with both tangent points at its point nearest the axis.

    Parameters
    ----------
    P, S : (p, k, 3) ndarray, metres
        End points in the frames of ``k`` cylinders (axis = local z), for ``p`` poses.
    radius, direction : (k,) ndarray
    with_arc : bool, default: True
        Also fill the arc's parameters for :func:`sample_arc` (else ``arc`` holds only its kind).

    Returns
    -------
    WrapResult
    """
    r = np.asarray(radius, float)
    dirn = np.asarray(direction, float)
    d = S - P
    px, py, dx, dy = P[..., 0], P[..., 1], d[..., 0], d[..., 1]
    dd2 = dx * dx + dy * dy
    t = -(px * dx + py * dy) / np.maximum(dd2, 1e-18)
    tc = np.clip(t, 0.0, 1.0)
    cx, cy = px + tc * dx, py + tc * dy
    r2 = r * r
    turn = dirn * (px * dy - py * dx)  # > 0: the line turns about the axis the way it may wrap
    cand = ((cx * cx + cy * cy < r2 * (1.0 + 1e-9)) | (turn <= 0.0)
            | (px * px + py * py < r2) | (S[..., 0] ** 2 + S[..., 1] ** 2 < r2))
    near = P + np.clip(t, 0.05, 0.95)[..., None] * d
    return _wrap_candidates(cand, near, _norm(d), r, "cylinder", {"th1": (), "dth": (), "z1": (), "z2": ()},
                            with_arc, lambda pi, ki: wrap_cylinder(P[pi, ki], S[pi, ki], r[ki], dirn[ki]))


def _wrap_candidates(cand: np.ndarray, near: np.ndarray, length: np.ndarray, r: np.ndarray, kind: str,
                     arc_fields: dict, with_arc: bool, solve) -> WrapResult:
    """The result of the sparse wrappers: the lines ``cand`` (p, k) solved by ``solve(pi, ki)`` (a
    :class:`WrapResult` of those lines), every other line straight (``length``) and untouched, with
    both tangent points at ``near``; with ``with_arc``, the arc's ``arc_fields`` (name -> trailing
    shape) zero where not solved."""
    shape = length.shape
    active = np.zeros(shape, bool)
    t1 = t2 = near
    arc = {"kind": kind}
    if with_arc:
        arc.update({name: np.zeros(shape + tail) for name, tail in arc_fields.items()}, r=np.broadcast_to(r, shape))
    pi, ki = np.nonzero(cand)
    if pi.size:
        res = solve(pi, ki)
        length[pi, ki], active[pi, ki] = res.length, res.active
        t2 = near.copy()
        t1[pi, ki], t2[pi, ki] = res.t1, res.t2
        if with_arc:
            for name in arc_fields:
                arc[name][pi, ki] = res.arc[name]
    return WrapResult(length, t1, t2, active, arc)


#: The fields of each kind of arc (:attr:`WrapResult.arc`) and their trailing sizes, in the order
#: :func:`pack_arc` lays them out (8 numbers a line, whichever the kind).
ARC_PARAMETERS = {"sphere": (("e1", 3), ("e2", 3), ("th1", 1), ("delta", 1)),
                  "cylinder": (("th1", 1), ("dth", 1), ("z1", 1), ("z2", 1))}
ARC_SIZE = 8


def pack_arc(arc: dict, out: np.ndarray, where: tuple) -> None:
    """Write an arc's parameters (:attr:`WrapResult.arc`) into ``out[where]``, whose last axis
    holds :data:`ARC_SIZE` numbers a line (``out[where + (slice,)]`` must match the arc's shape).

    Lets a caller that wraps the same lines many times (an iteration) keep only the numbers of
    the last arc and sample it once, with :func:`unpack_arc` and :func:`arc_points`.
    """
    j = 0
    for name, size in ARC_PARAMETERS[arc["kind"]]:
        v = arc[name]
        out[where + (slice(j, j + size),)] = v if size > 1 else v[..., None]
        j += size


def unpack_arc(kind: str, packed: np.ndarray, radius: np.ndarray) -> dict:
    """The arc of :func:`pack_arc`'s ``packed`` (``(..., 8)``) over obstacles of ``radius``
    (broadcast against ``packed[..., 0]``), as :attr:`WrapResult.arc` holds it."""
    arc = {"kind": kind, "r": np.broadcast_to(np.asarray(radius, float), packed.shape[:-1])}
    j = 0
    for name, size in ARC_PARAMETERS[kind]:
        arc[name] = packed[..., j:j + size] if size > 1 else packed[..., j]
        j += size
    return arc


def arc_points(arc: dict, k: int) -> np.ndarray:
    """``k`` points along an arc (:attr:`WrapResult.arc`) from its start to its end inclusive,
    in the obstacle's frame, shape ``(..., k, 3)`` (meaningful where the line wraps)."""
    s = np.linspace(0.0, 1.0, k)
    if arc["kind"] == "sphere":
        th = arc["th1"][..., None] + arc["delta"][..., None] * s
        return arc["r"][..., None, None] * (np.cos(th)[..., None] * arc["e1"][..., None, :]
                                            + np.sin(th)[..., None] * arc["e2"][..., None, :])
    th = arc["th1"][..., None] + arc["dth"][..., None] * s
    z = arc["z1"][..., None] + (arc["z2"] - arc["z1"])[..., None] * s
    rr = np.broadcast_to(arc["r"][..., None], th.shape)
    return np.stack([rr * np.cos(th), rr * np.sin(th), z], axis=-1)


def sample_arc(res: WrapResult, k: int) -> np.ndarray:
    """``k`` points along the wrapped arc from ``t1`` to ``t2`` inclusive, shape ``(..., k, 3)``.

    Where the path does not wrap the points all lie at ``t1`` (on the straight line).
    """
    return np.where(res.active[..., None, None], arc_points(res.arc, k), res.t1[..., None, :])
