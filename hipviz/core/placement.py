"""Placing the body on its contacts: a closed-chain solver (see :mod:`hipviz.core.contacts`).

:func:`place_on_floor` moves the pelvis in the room, and the coordinates the pose leaves free,
so that every contact point rests on the floor (room ``y = 0``) and the first contact stays
where it is in the posture's starting pose; on its feet the body balances. Damped Gauss-Newton
(Levenberg-Marquardt) with bounds on all poses at once, the Jacobian by finite differences as
one batch of forward kinematics.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np

from .contacts import ContactError, ContactSet, closes_chain, contact_points, pelvis_rests, stands_on_feet
from .kinematics import segment_transforms
from .pose import PoseBatch, _INDEX, _LINEAR
from .support import body_centre_of_mass, support_centre, support_forces

__all__ = ["place_on_floor"]

_LEG_COORDS = ("hip_flexion", "hip_adduction", "hip_rotation", "knee_flexion", "ankle_angle", "subtalar_angle")
_LUMBAR = ("lumbar_flexion", "lumbar_bending", "lumbar_rotation")

# Weights of the placement problem. Contacts and the anchor (per metre) dominate; the angles
# the pose leaves free are pulled gently (per radian) towards the posture's starting angles,
# ankles most freely, hip rotation and adduction least. Named angles are not moved at all,
# nor the pelvis orientation when it is locked (unless the contacts close a chain through it).
_W_CONTACT = 30.0
_W_FREE = {"hip_flexion": 0.3, "hip_adduction": 1.0, "hip_rotation": 1.0, "knee_flexion": 0.3, "ankle_angle": 0.05,
           "subtalar_angle": 0.1}
_W_PELVIS_FREE = 0.3
_W_LUMBAR_FREE = 0.5
# The centre of mass over the middle of the feet (metres per metre): softer than contacts. On
# other bases it must only stay over the base, as firmly as a contact.
_W_BALANCE = 3.0


def _unknowns(cs: ContactSet, named: set[str], lock_pelvis: bool, side: str) -> tuple[list[str], np.ndarray]:
    """Columns the solver may move, and the stiffness of their priors (0: translation, free).

    Named angles are not among them: they hold exactly; nor the pelvis's obliquity and
    rotation (locked or compensating, they are already decided); its tilt only when the
    contacts close a chain through it or the pose bends a leg that holds the body.
    """
    cols, weights = ["pelvis_tx", "pelvis_ty", "pelvis_tz"], [0.0, 0.0, 0.0]
    # a held leg the pose moves on purpose (a single-leg squat) carries the pelvis with it
    moves_held_leg = any(f"{b}_{c}" in named for c in cs.legs() for b in ("hip_flexion", "knee_flexion"))
    if closes_chain(cs, side) or moves_held_leg:
        # it tilts with the legs (a bridge, a deadlift); its obliquity and rotation are what
        # lock pelvis or the compensation decided, so the ASIS stay level when locked
        if "pelvis_anterior_tilt" not in named:
            cols.append("pelvis_anterior_tilt")
            weights.append(_W_PELVIS_FREE)
    for c in sorted(cs.legs()):
        for base in _LEG_COORDS:
            name = f"{base}_{c}"
            if name not in named:
                cols.append(name)
                weights.append(_W_FREE[base])
    if any(seg == "trunk" for seg, h in zip(cs.segments, cs.holds) if h):
        for name in _LUMBAR:
            if name not in named:
                cols.append(name)
                weights.append(_W_LUMBAR_FREE)
    return cols, np.array(weights)


def _bounds(cols: list[str], ranges: dict) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = [], []
    for name in cols:
        a, b = ranges[name]
        if name not in _LINEAR:
            a, b = np.radians(a), np.radians(b)
        lo.append(a)
        hi.append(b)
    return np.array(lo), np.array(hi)


def place_on_floor(model, poses: PoseBatch, posture, cs: ContactSet, *, named: Iterable[str] = (),
                   side: str = "r", lock_pelvis: bool = True, anchor: np.ndarray | None = None, segments=None,
                   iterations: int = 25) -> tuple[PoseBatch, dict]:
    """Move the pelvis in the room, and the coordinates the pose leaves free, onto the contacts.

    Parameters
    ----------
    model : Model
    poses : PoseBatch
        The requested poses (after compensation): the priors.
    posture : Posture
    cs : ContactSet
    named : iterable of str
        Columns the user named: they hold. The others follow softly.
    side : {"r", "l"}
        The moving leg.
    lock_pelvis : bool
        Kept for the record: the pelvis orientation (locked, or set by the compensation) holds
        unless the moving leg rests on the floor too (:func:`closes_chain`).
    anchor : (2,) ndarray, optional
        Room (x, z) the first holding contact point keeps; default: where it is in the
        posture's starting pose with the pelvis at the room origin.
    segments : SegmentParameters, optional
        Body segment masses. Given, the body also balances. On its feet its centre of mass
        comes over the middle of the feet (a squat leans forward, a deadlift sends the hips
        back, one-leg standing shifts over the foot); kneeling or on hands and knees it only
        has to stay over its base; lying, the floor carries it.

    Returns
    -------
    PoseBatch, dict
        The placed poses, and ``{"residual_m": (n, k) heights above the floor,
        "anchor": (2,)}``.
    """
    n = poses.n
    hold = np.flatnonzero(cs.holds)
    if hold.size == 0:
        raise ContactError("at least one contact must hold the body (hands only carry weight)")
    named = set(named)
    cols, w = _unknowns(cs, named, lock_pelvis, side)
    idx = np.array([_INDEX[c] for c in cols])
    lo, hi = _bounds(cols, model.ranges)
    prior = poses.q[:, idx].copy()
    if anchor is None:
        key = ("contact_anchor", posture.name, cs.names)
        if key not in model.cache:  # the posture's starting pose never changes: once per model
            from .pose import make_poses

            start = make_poses({}, defaults=posture.pose, ranges=model.ranges)
            T0 = segment_transforms(model.joints, start, posture.rotation)
            model.cache[key] = contact_points(T0, cs)[0, hold[0], [0, 2]]
        anchor = model.cache[key]
    anchor = np.asarray(anchor, float)
    U = len(cols)

    # on the feet the centre of mass comes over the middle of the feet; on other bases that do
    # not lie on the floor (kneeling, hands and knees) it only has to stay over the base
    balance = segments is not None and not pelvis_rests(cs)
    on_feet = stands_on_feet(cs)

    def points(u: np.ndarray, rows: np.ndarray, with_com: bool = False):
        """Contact points (and the centre of mass) for unknowns ``u`` of the poses ``rows``
        (each row of ``rows`` may repeat, for a batch of perturbations)."""
        q = poses.q[rows]
        q[:, idx] = u
        T = segment_transforms(model.joints, PoseBatch(q, []), posture.rotation)
        p = contact_points(T, cs)
        return (p, body_centre_of_mass(T, segments)) if with_com else p

    def residual(u: np.ndarray, rows: np.ndarray) -> np.ndarray:
        if balance:
            p, com = points(u, rows, True)
            if on_feet:
                r_b = _W_BALANCE * (com[:, [0, 2]] - support_centre(p, cs))
            else:
                forces, _ = support_forces(p, com, 1.0)
                r_b = _W_CONTACT * (com[:, [0, 2]] - np.einsum("pk,pkj->pj", forces, p[:, :, [0, 2]]))
        else:
            p, r_b = points(u, rows), np.zeros((u.shape[0], 0))
        r_h = _W_CONTACT * p[:, hold, 1]
        r_a = _W_CONTACT * (p[:, hold[0], [0, 2]] - anchor)
        r_p = (u - prior[rows]) * w
        return np.concatenate([r_h, r_a, r_b, r_p], axis=1)

    warm_key = ("placement_warm_start", posture.name, cs.names, tuple(cols))
    warm = model.cache.get(warm_key) if n == 1 else None
    if warm is not None and warm[2] == poses.q.tobytes():  # the very same request again
        return PoseBatch(warm[3].copy(), list(poses.warnings)), dict(warm[4])
    if warm is not None:
        # a slider drag: start from the last answer, moved as the request moved
        u = np.clip(warm[1] + (prior - warm[0]), lo, hi)
    else:
        u = np.clip(prior, lo, hi)
        # start with the contacts on the floor and the anchor over its place: translation is linear
        p0 = points(u, np.arange(n))
        shift_room = np.zeros((n, 3))
        shift_room[:, 1] = -p0[:, hold, 1].mean(axis=1)
        shift_room[:, [0, 2]] = anchor - p0[:, hold[0], [0, 2]]
        u[:, :3] += shift_room @ posture.rotation  # room -> posture frame (pelvis_t* are in the posture frame)
    h = 1e-6
    # how the residuals move with the pelvis's translation (posture frame): the contacts and the
    # anchor move with it one to one, the balance not at all (body and base move together)
    P = np.asarray(posture.rotation, float)
    n_b = 2 if balance else 0
    J_translation = np.zeros((hold.size + 2 + n_b + U, 3))
    J_translation[:hold.size] = _W_CONTACT * P[1]
    J_translation[hold.size:hold.size + 2] = _W_CONTACT * P[[0, 2]]
    lam = np.full(n, 1e-5)
    eye = np.eye(U)
    K = U - 3
    r = residual(u, np.arange(n))
    cost = np.einsum("pr,pr->p", r, r)
    todo = np.arange(n)  # poses still converging: only they are worked on
    for _ in range(iterations):
        m = todo.size
        ut = u[todo]
        # Jacobian: the translation's columns are exact and constant; the angles' by finite
        # differences, all perturbations of all poses in one batch (pose-major)
        pert = (np.repeat(ut[:, None, :], K, axis=1) + h * eye[None, 3:]).reshape(m * K, U)
        rp = residual(pert, np.repeat(todo, K)).reshape(m, K, -1)
        J = np.empty((m, r.shape[1], U))
        J[:, :, :3] = J_translation
        J[:, :, 3:] = np.swapaxes(rp - r[todo][:, None, :], 1, 2) / h             # (m, R, U)
        JT = np.swapaxes(J, 1, 2)
        JTJ, g = JT @ J, (JT @ r[todo][..., None])[..., 0]
        # a coordinate at the end of its range that the descent would push further stays there
        free = ~(((ut <= lo + 1e-12) & (g > 0)) | ((ut >= hi - 1e-12) & (g < 0)))
        mask = free[:, :, None] & free[:, None, :]
        g = np.where(free, g, 0.0)
        step = np.zeros((m, U))
        pending = np.ones(m, bool)
        for _try in range(4):  # Levenberg-Marquardt: shrink the step until the cost falls
            sel = np.flatnonzero(pending)
            rows = todo[sel]
            A = JTJ[sel] + lam[rows, None, None] * (eye + np.einsum("pii->pi", JTJ[sel])[:, :, None] * eye)
            A = np.where(mask[sel], A, 0.0) + (~free[sel])[:, :, None] * eye
            du = -np.linalg.solve(A, g[sel][..., None])[..., 0]
            u_new = np.clip(u[rows] + du, lo, hi)
            r_new = residual(u_new, rows)
            cost_new = np.einsum("pr,pr->p", r_new, r_new)
            better = cost_new < cost[rows]
            ok = rows[better]
            u[ok], r[ok], cost[ok] = u_new[better], r_new[better], cost_new[better]
            step[sel[better]] = du[better]
            lam[rows] = np.where(better, np.maximum(lam[rows] / 5.0, 1e-9), lam[rows] * 10.0)
            pending[sel[better]] = False
            if not pending.any():
                break
        # converged: steps under 10 micrometres (microradians), far below what shows or matters, or
        # no step lowers the cost;
        # the answer then does not depend on where the search started
        done = ((np.abs(step).max(axis=1) < 1e-5) & ~pending) | (lam[todo] > 1e8)
        todo = todo[~done]
        if todo.size == 0:
            break
    q = poses.q.copy()
    q[:, idx] = u
    placed = PoseBatch(q, list(poses.warnings))
    heights = points(u, np.arange(n))[:, :, 1]
    info = {"residual_m": heights, "anchor": anchor, "columns": cols}
    if n == 1:
        model.cache[warm_key] = (prior.copy(), u.copy(), poses.q.tobytes(), q.copy(), info)
    return placed, info
