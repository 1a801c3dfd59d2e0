"""Placing the body on its contacts: a closed-chain solver (see :mod:`hipviz.core.contacts`).

:func:`place_on_floor` moves the pelvis in the room, and the coordinates the pose leaves free,
so that every contact point rests on the floor (room ``y = 0``) and the first contact stays
where it is in the posture's starting pose; on its feet the body balances. Damped Gauss-Newton
(Levenberg-Marquardt) with bounds on all poses at once, the Jacobian by finite differences as
one batch of forward kinematics.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np

from .contacts import (ContactError, ContactSet, closes_chain, contact_points, contact_points_array, pelvis_rests,
                       stands_on_feet)
from .kinematics import segment_transforms, transform_array
from .pose import PoseBatch, _INDEX, _LINEAR
from .support import centre_of_mass_array, support_centre, support_forces

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


@dataclass(frozen=True)
class _Plan:
    """What a placement problem is, apart from the poses: the unknowns, their bounds and priors'
    stiffness, the constant part of the Jacobian. It depends on the model, the posture, the
    contacts, the named columns and the side only, so it is built once per such request and
    kept in ``model.cache`` (its arrays read-only)."""

    cols: tuple
    w: np.ndarray
    idx: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    hold: np.ndarray
    balance: bool
    on_feet: bool
    J_translation: np.ndarray  # (R, 3): how the residuals move with the pelvis's translation
    eye: np.ndarray


def _plan(model, posture, cs: ContactSet, named: frozenset, lock_pelvis: bool, side: str, balance: bool) -> _Plan:
    key = ("placement_plan", posture.name, cs.names, named, lock_pelvis, side, balance)
    plan = model.cache.get(key)
    if plan is not None:
        return plan
    hold = np.flatnonzero(cs.holds)
    cols, w = _unknowns(cs, set(named), lock_pelvis, side)
    lo, hi = _bounds(cols, model.ranges)
    U = len(cols)
    P = np.asarray(posture.rotation, float)
    n_b = 2 if balance else 0
    J_translation = np.zeros((hold.size + 2 + n_b + U, 3))
    J_translation[:hold.size] = _W_CONTACT * P[1]
    J_translation[hold.size:hold.size + 2] = _W_CONTACT * P[[0, 2]]
    arrays = dict(w=w, idx=np.array([_INDEX[c] for c in cols]), lo=lo, hi=hi, hold=hold,
                  J_translation=J_translation, eye=np.eye(U))
    for a in arrays.values():
        a.setflags(write=False)
    plan = _Plan(cols=tuple(cols), balance=balance, on_feet=stands_on_feet(cs), **arrays)
    model.cache[key] = plan
    return plan


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
        "anchor": (2,), "columns": the unknowns, "transforms": (n, len(SEGMENTS), 4, 4) the
        placed poses' segment transforms (:func:`hipviz.core.kinematics.transform_array`)}``.
    """
    n = poses.n
    if not cs.holds.any():
        raise ContactError("at least one contact must hold the body (hands only carry weight)")
    # on the feet the centre of mass comes over the middle of the feet; on other bases that do
    # not lie on the floor (kneeling, hands and knees) it only has to stay over its base
    balance = segments is not None and not pelvis_rests(cs)
    plan = _plan(model, posture, cs, frozenset(named), lock_pelvis, side, balance)
    cols, w, idx, lo, hi, hold = plan.cols, plan.w, plan.idx, plan.lo, plan.hi, plan.hold
    on_feet = plan.on_feet
    prior = poses.q[:, idx]
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
    nh = hold.size
    h0 = int(hold[0])
    all_held = nh == cs.k
    joints, P = model.joints, posture.rotation
    base_q = poses.q

    def residual(u: np.ndarray, rows: np.ndarray):
        """Residuals (m, R) for unknowns ``u`` of the poses ``rows`` (each row of ``rows`` may
        repeat, for a batch of perturbations), with the contact points (m, k, 3) and the
        segments' transforms (m, segments, 4, 4) they come from."""
        q = base_q[rows]
        q[:, idx] = u
        T = transform_array(joints, q, P)
        p = contact_points_array(T, cs)
        m = u.shape[0]
        out = np.empty((m, plan.J_translation.shape[0]))
        out[:, :nh] = _W_CONTACT * (p[:, :, 1] if all_held else p[:, hold, 1])
        out[:, nh:nh + 2] = _W_CONTACT * (p[:, h0, ::2] - anchor)
        k = nh + 2
        if balance:
            com = centre_of_mass_array(T, segments)
            if on_feet:
                out[:, k:k + 2] = _W_BALANCE * (com[:, ::2] - support_centre(p, cs))
            else:
                forces, _ = support_forces(p, com, 1.0)
                out[:, k:k + 2] = _W_CONTACT * (com[:, ::2] - np.einsum("pk,pkj->pj", forces, p[:, :, [0, 2]]))
            k += 2
        out[:, k:] = (u - prior[rows]) * w
        return out, p, T

    warm_key = ("placement_warm_start", posture.name, cs.names, cols)
    warm = model.cache.get(warm_key) if n == 1 else None
    if warm is not None and warm[2] == base_q.tobytes():  # the very same request again
        info = dict(warm[4], columns=list(cols))
        info["residual_m"], info["transforms"] = info["residual_m"].copy(), info["transforms"].copy()
        return PoseBatch(warm[3].copy(), list(poses.warnings)), info
    every = np.arange(n)
    # a drag: how the request moved since the last one (the step the answer is carried on by)
    request_step = base_q[0] - np.frombuffer(warm[2]).reshape(base_q.shape)[0] if warm is not None else None
    if warm is not None:
        # a slider drag: start from the last answer, moved as the request moved, and on as the
        # answer moved the step before when the request keeps moving the same way (a drag of
        # even steps then starts next to its answer: half the iterations)
        u = warm[1] + (prior - warm[0])
        before = model.cache.get(warm_key + ("before",))
        if before is not None:
            last_step = before[0]
            norm2 = float(last_step @ last_step)
            if norm2 > 0.0:
                s = float(request_step @ last_step) / norm2
                if 0.0 < s <= 2.0 and np.linalg.norm(request_step - s * last_step) <= 0.1 * np.sqrt(norm2) * s:
                    u = u + s * before[1]
        u = np.minimum(np.maximum(u, lo), hi)
    else:
        u = np.minimum(np.maximum(prior, lo), hi)
        # start with the contacts on the floor and the anchor over its place: translation is linear
        p0 = residual(u, every)[1]
        shift_room = np.zeros((n, 3))
        shift_room[:, 1] = -p0[:, hold, 1].mean(axis=1)
        shift_room[:, [0, 2]] = anchor - p0[:, hold[0], [0, 2]]
        u[:, :3] += shift_room @ posture.rotation  # room -> posture frame (pelvis_t* are in the posture frame)
    h = 1e-6
    # how the residuals move with the pelvis's translation (posture frame): the contacts and the
    # anchor move with it one to one, the balance not at all (body and base move together)
    J_translation, eye = plan.J_translation, plan.eye
    lam = np.full(n, 1e-5)
    K = U - 3
    perturb = h * eye[None, 3:]
    lo_edge, hi_edge = lo + 1e-12, hi - 1e-12
    r, p_best, T_best = residual(u, every)
    cost = np.einsum("pr,pr->p", r, r)
    todo = every  # poses still converging: only they are worked on
    for _ in range(iterations):
        m = todo.size
        ut = u[todo]
        # Jacobian: the translation's columns are exact and constant; the angles' by finite
        # differences, all perturbations of all poses in one batch (pose-major)
        pert = (ut[:, None, :] + perturb).reshape(m * K, U)
        rp = residual(pert, np.repeat(todo, K))[0].reshape(m, K, -1)
        J = np.empty((m, r.shape[1], U))
        J[:, :, :3] = J_translation
        J[:, :, 3:] = np.swapaxes(rp - r[todo][:, None, :], 1, 2) / h             # (m, R, U)
        JT = np.swapaxes(J, 1, 2)
        JTJ, g = JT @ J, (JT @ r[todo][..., None])[..., 0]
        # a coordinate at the end of its range that the descent would push further stays there
        free = ~(((ut <= lo_edge) & (g > 0)) | ((ut >= hi_edge) & (g < 0)))
        mask = free[:, :, None] & free[:, None, :]
        g = np.where(free, g, 0.0)
        step = np.zeros((m, U))
        pending = np.ones(m, bool)
        diag = np.einsum("pii->pi", JTJ)[:, :, None] * eye
        for _try in range(4):  # Levenberg-Marquardt: shrink the step until the cost falls
            sel = np.flatnonzero(pending)
            rows = todo[sel]
            A = JTJ[sel] + lam[rows, None, None] * (eye + diag[sel])
            A = np.where(mask[sel], A, 0.0) + (~free[sel])[:, :, None] * eye
            du = -np.linalg.solve(A, g[sel][..., None])[..., 0]
            u_new = np.minimum(np.maximum(u[rows] + du, lo), hi)
            r_new, p_new, T_new = residual(u_new, rows)
            cost_new = np.einsum("pr,pr->p", r_new, r_new)
            better = cost_new < cost[rows]
            ok = rows[better]
            u[ok], r[ok], cost[ok] = u_new[better], r_new[better], cost_new[better]
            p_best[ok], T_best[ok] = p_new[better], T_new[better]
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
    q = base_q.copy()
    q[:, idx] = u
    placed = PoseBatch(q, list(poses.warnings))
    # the contact points and transforms of the answer were computed with it (p_best, T_best)
    heights = p_best[:, :, 1]
    info = {"residual_m": heights, "anchor": anchor, "columns": list(cols), "transforms": T_best}
    if n == 1:
        if warm is not None:  # how the request and the answer moved in this step
            # the answer's move not explained by its prior's (that one is added anew each step)
            model.cache[warm_key + ("before",)] = (request_step, u[0] - warm[1][0] - (prior[0] - warm[0][0]))
        model.cache[warm_key] = (prior.copy(), u.copy(), base_q.tobytes(), q.copy(),
                                 dict(info, residual_m=heights.copy(), transforms=T_best.copy()))
    return placed, info
