"""What touches the floor: placing the body on its contacts, and sharing its weight between them.

A pose names joint angles; a posture says how the body lies in the room; **contacts** say what
rests on the floor (``hipviz/data/contacts.toml``): ``foot_r`` (flat: heel and both
metatarsal heads), ``heel_l``, ``toes_r``, ``knee_l``, ``shin_r``, ``side_leg_l``, ``back``,
``shoulders``, ``front``, ``hand_r`` ..., or groups such as ``feet``, ``knees``, ``hands``,
``side_l``. Each posture has its own (``contacts`` in ``postures.toml``), so standing on the
other leg, lying on the back or kneeling need no extra words.

:func:`place_on_floor` is a closed-chain solver: it moves the pelvis in the room, and the
coordinates the pose leaves free, so that every contact point rests on the floor (room
``y = 0``) and the first contact stays where it is in the posture's starting pose. Angles the
pose names are held (a stiff prior), the others follow (a soft prior towards the posture's
starting angles), so a squat lowers the pelvis as hips and knees bend with the ankles finding
the angle that keeps the feet flat, and a bridge lifts the pelvis on the feet and shoulders.
It is damped Gauss-Newton (Levenberg-Marquardt) on all poses at once, with the Jacobian by
finite differences evaluated as one batch of forward kinematics.

:func:`support_forces` shares the body's weight between the contact points: the vertical
forces of least squared size that balance the weight with the centre of mass where it is
(the body does not tip), none pulling. In double stance a leg carries more the nearer the
centre of mass is to its foot.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable, Sequence

import numpy as np

from .kinematics import segment_transforms
from .pose import PoseBatch, _INDEX, _LINEAR

__all__ = ["ContactSet", "ContactError", "resolve_contacts", "contact_names", "contact_points", "closes_chain",
           "place_on_floor", "support_forces", "support_centre", "stands_on_feet", "pelvis_rests", "floor_grip", "several_supports", "body_centre_of_mass", "PLACEMENT_TOLERANCE_M"]

#: A contact point further than this from the floor after placement is reported (metres).
PLACEMENT_TOLERANCE_M = 0.01

_LEG_SEGMENTS = ("femur", "tibia", "foot")
_LEG_COORDS = ("hip_flexion", "hip_adduction", "hip_rotation", "knee_flexion", "ankle_angle", "subtalar_angle")
_PELVIS_ANGLES = ("pelvis_anterior_tilt", "pelvis_obliquity", "pelvis_rotation")
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


class ContactError(ValueError):
    """An unknown contact name, or contacts that cannot be used together."""


@dataclass(frozen=True)
class ContactSet:
    """Resolved contacts: their names and every point that rests on the floor.

    Attributes
    ----------
    names : tuple of str
        Contact names, e.g. ``("foot_r", "knee_l")``, in the order given.
    labels : tuple of str
        Readable names, e.g. ``("right foot", "left knee")``.
    segments : tuple of str
        For each point, the segment it belongs to (``"foot_r"``, ``"pelvis"``, ``"trunk"`` ...).
    local : (k, 3) ndarray
        Each point in its segment's frame, metres.
    contact : (k,) int ndarray
        Index into ``names`` of each point's contact.
    holds : (k,) bool ndarray
        False for points that carry weight without holding the body's position (hands).
    leg : tuple of str or None
        ``"r"``/``"l"`` for points on a leg, None for the trunk and pelvis.
    """

    names: tuple[str, ...]
    labels: tuple[str, ...]
    segments: tuple[str, ...]
    local: np.ndarray
    contact: np.ndarray
    holds: np.ndarray
    leg: tuple[str | None, ...]

    @property
    def k(self) -> int:
        """Number of points."""
        return len(self.segments)

    def legs(self) -> set[str]:
        """The legs (``"r"``, ``"l"``) with a contact."""
        return {c for c in self.leg if c is not None}

    @property
    def trunk_rests(self) -> bool:
        """A contact on the pelvis or trunk holds the body (lying, side-lying)."""
        return any(h and c is None for h, c in zip(self.holds, self.leg))


@lru_cache(maxsize=1)
def _table() -> dict:
    raw = tomllib.loads(resources.files("hipviz.data").joinpath("contacts.toml").read_text())
    return raw


def contact_names() -> list[str]:
    """Every contact and group name accepted, sorted."""
    t = _table()
    out = set(t["groups"])
    for name, spec in t["contacts"].items():
        if spec["kind"] == "body":
            out.add(name)
        else:
            out |= {f"{name}_r", f"{name}_l"}
    return sorted(out)


def _expand(names: Iterable[str], side: str) -> list[str]:
    t = _table()
    other = "l" if side == "r" else "r"
    out: list[str] = []
    for raw in names:
        if not isinstance(raw, str):
            raise ContactError(f"contact names must be text, found {raw!r}")
        name = raw.replace("{moving}", side).replace("{other}", other)
        members = t["groups"].get(name, [name])
        for m in members:
            if m not in out:
                out.append(m)
    return out


def _side_label(c: str) -> str:
    return {"r": "right", "l": "left"}[c]


def resolve_contacts(names: Sequence[str], side: str = "r") -> ContactSet:
    """Turn contact names into points.

    Parameters
    ----------
    names : sequence of str
        Contact or group names; ``{other}`` and ``{moving}`` stand for the side that does not
        move and the one that does (as in ``postures.toml``).
    side : {"r", "l"}
        The moving side.

    Raises
    ------
    ContactError
        An unknown name (the message lists the valid ones).

    Examples
    --------
    >>> cs = resolve_contacts(["feet"])
    >>> cs.names, cs.k
    (('foot_r', 'foot_l'), 6)
    """
    import difflib

    t = _table()
    segs, local, contact, holds, leg, labels = [], [], [], [], [], []
    resolved = _expand(names, side)
    for j, name in enumerate(resolved):
        base, c = name, None
        if name[-2:] in ("_r", "_l") and name[:-2] in t["contacts"] and t["contacts"][name[:-2]]["kind"] != "body":
            base, c = name[:-2], name[-1]
        spec = t["contacts"].get(base)
        if spec is None or (spec["kind"] != "body") != (c is not None):
            valid = contact_names()
            close = difflib.get_close_matches(name, valid, n=2)
            hint = f"did you mean {' or '.join(repr(x) for x in close)}? " if close else ""
            raise ContactError(f"unknown contact {name!r}; {hint}expected some of: {', '.join(valid)}")
        labels.append(f"{_side_label(c)} {spec['label']}" if c else spec["label"])
        for pname in spec["points"]:
            p = t["points"][pname]
            xyz = np.asarray(p["at_mm"], float) * 1e-3
            seg = p["segment"]
            if c == "l":
                xyz = xyz * np.array([1.0, 1.0, -1.0])
            segs.append(f"{seg}_{c}" if seg in _LEG_SEGMENTS else seg)
            local.append(xyz)
            contact.append(j)
            holds.append(not spec.get("carries_only", False))
            leg.append(c if spec["kind"] == "leg" else None)
    return ContactSet(tuple(resolved), tuple(labels), tuple(segs), np.array(local).reshape(-1, 3),
                      np.array(contact, int), np.array(holds, bool), tuple(leg))


def contact_points(transforms: dict, cs: ContactSet) -> np.ndarray:
    """Room positions (n, k, 3) of the contact points."""
    out = []
    for seg, x in zip(cs.segments, cs.local):
        T = transforms[seg]
        out.append(T[:, :3, :3] @ x + T[:, :3, 3])
    return np.stack(out, axis=1) if out else np.zeros((next(iter(transforms.values())).shape[0], 0, 3))


def closes_chain(cs: ContactSet, side: str) -> bool:
    """The moving leg rests on the floor together with the other leg or the trunk.

    Then the body moves on its contacts (a squat, a bridge, a lunge) and the pelvis goes where
    the contacts and the balance put it, whether or not it is locked: *lock pelvis* is about a
    free leg moving on a still pelvis. Pelvis angles the pose names still hold.
    """
    holding = {c for c, h in zip(cs.leg, cs.holds) if h}
    return side in holding and len(holding) >= 2


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
        # converged: steps under 0.1 micrometre (microradian), or no step lowers the cost;
        # the answer then does not depend on where the search started
        done = ((np.abs(step).max(axis=1) < 1e-7) & ~pending) | (lam[todo] > 1e8)
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


def floor_grip() -> tuple[float, float]:
    """The floor's grip about a held hip's rotation and adduction axes (N m), ``contacts.toml``."""
    f = _table()["friction"]
    return float(f["hip_rotation_nm"]), float(f["hip_adduction_nm"])


def several_supports(cs: ContactSet) -> bool:
    """More than one part of the body holds it up (two legs, or a leg and the trunk)."""
    holding = {c for c, h in zip(cs.leg, cs.holds) if h}
    return len(holding) >= 2


def pelvis_rests(cs: ContactSet) -> bool:
    """The pelvis itself lies on the floor (on the back, the front or the side)."""
    return any(h and (seg == "pelvis" or seg.startswith("femur")) for seg, h in zip(cs.segments, cs.holds))


def stands_on_feet(cs: ContactSet) -> bool:
    """Only feet (flat, heels or toes) carry the body: it must balance over them."""
    t = _table()["contacts"]
    return all(name[:-2] in ("foot", "heel", "toes") and t[name[:-2]]["kind"] == "leg" for name in cs.names)


def support_centre(points: np.ndarray, cs: ContactSet) -> np.ndarray:
    """Room (x, z) of the middle of the base of support, (n, 2).

    The mean over contacts of the middle of each contact's points (the middle of a foot is
    halfway from the heel to the metatarsal heads, where the centre of pressure lies in quiet
    standing), so a foot counts as much as a knee.
    """
    xz = points[:, :, [0, 2]]
    centres = []
    for j in range(len(cs.names)):
        sel = cs.contact == j
        centres.append(0.5 * (xz[:, sel].min(axis=1) + xz[:, sel].max(axis=1)))
    return np.mean(centres, axis=0)


def body_centre_of_mass(transforms: dict, segs) -> np.ndarray:
    """Room position (n, 3) of the whole body's centre of mass (segment parameters ``segs``)."""
    m_ub, com_ub = segs.upper_body
    m_p, com_p = segs.pelvis
    T = transforms
    total = m_ub * (T["trunk"][:, :3, :3] @ com_ub + T["trunk"][:, :3, 3])
    total = total + m_p * (T["pelvis"][:, :3, :3] @ com_p + T["pelvis"][:, :3, 3])
    mass = m_ub + m_p
    for c in ("r", "l"):
        hip = T[f"femur_{c}"][:, :3, 3]
        knee = T[f"tibia_{c}"][:, :3, 3]
        ankle = T[f"foot_{c}"][:, :3, 3]
        foot_off = segs.foot[1] * (np.array([1.0, 1.0, -1.0]) if c == "l" else 1.0)
        foot = T[f"foot_{c}"][:, :3, :3] @ foot_off + ankle
        total = total + segs.thigh[0] * (hip + segs.thigh[1] * (knee - hip))
        total = total + segs.shank[0] * (knee + segs.shank[1] * (ankle - knee))
        total = total + segs.foot[0] * foot
        mass += segs.thigh[0] + segs.shank[0] + segs.foot[0]
    return total / mass


def support_forces(points: np.ndarray, com: np.ndarray, weight_n: float) -> tuple[np.ndarray, np.ndarray]:
    """Vertical floor reactions (n, k) at the contact points that carry ``weight_n``.

    The smallest forces (in the least-squares sense) with no pull that balance the weight
    about the centre of mass's position over the floor: sum F = W, sum F x = W x_com,
    sum F z = W z_com. Where the centre of mass lies outside the base of support no such
    forces exist; the nearest are returned with the horizontal distance (second value, (n,)
    metres) by which the balance fails.
    """
    n, k, _ = points.shape
    A = np.stack([np.ones((n, k)), points[:, :, 0], points[:, :, 2]], axis=1)   # (n, 3, k)
    b = weight_n * np.stack([np.ones(n), com[:, 0], com[:, 2]], axis=1)          # (n, 3)
    active = np.ones((n, k), bool)
    F = np.zeros((n, k))
    for _ in range(k):
        Am = A * active[:, None, :]
        # least-norm solution on the active points (pinv copes with collinear points)
        F = np.einsum("pkr,pr->pk", np.linalg.pinv(Am), b)
        neg = (F < -1e-9) & active
        if not neg.any():
            break
        worst = np.where(neg, F, 0.0).argmin(axis=1)
        rows = neg.any(axis=1)
        active[np.flatnonzero(rows), worst[rows]] = False
    F = np.maximum(F, 0.0) * active
    total = F.sum(axis=1, keepdims=True)
    F = np.where(total > 0, F * weight_n / np.maximum(total, 1e-12), weight_n / k)
    centre = np.einsum("pk,pkj->pj", F, points[:, :, [0, 2]]) / weight_n
    miss = np.linalg.norm(centre - com[:, [0, 2]], axis=1)
    return F, miss
