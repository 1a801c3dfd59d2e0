"""Activation and roles of hip and trunk muscles for an evaluated pose batch.

This is where :mod:`hipviz.core.activation` (the model) meets a :class:`State` (the pose).
"""
from __future__ import annotations

import numpy as np

from .activation import (SegmentParameters, hip_demand, moment_share, muscle_activation, muscle_weights, roles,
                         share_moments)
from .contacts import contact_points, floor_grip, pelvis_rests, several_supports
from .support import body_centre_of_mass, support_forces
from .optimize import SolveInfo
from .kinematics import hip_rotation, knee_rotation, lumbar_rotation, segment_transforms
from .rotations import LEFT_LUMBAR_SIGNS, MIRROR_POINT, cross
from .pose import _INDEX, make_poses
from .state import HIP_ARMS, SIDE_NAMES, State

__all__ = ["apply_activation", "TRUNK_SHARE", "TRUNK_EFFORT_NM"]

#: Share of the hip muscles' pull on the pelvis held by the trunk muscles (the rest by the other leg).
TRUNK_SHARE = 0.5
#: Moment the trunk muscles add to move the pelvis when it compensates (per 10 deg, up to 1x).
TRUNK_EFFORT_NM = 10.0
#: Postures in which the leg that does not move stands on the floor and carries the body.
STANCE_POSTURES = ("standing",)


def _leg_geometry(state: State, c: str, segs: SegmentParameters) -> dict:
    """Points and joint axes of leg ``c`` in its canonical pelvis frame."""
    p = state.poses
    ps = state.model.paths[c]
    q = p.q[:, _LEG_COLUMNS[c][:3]]
    R_f = hip_rotation(q[:, 0], q[:, 1], q[:, 2], "r")
    R_t = R_f @ knee_rotation(p[f"knee_flexion_{c}"])
    tib = state.model.canonical[c]["tibia"]
    knee = ps.hip_center + R_f @ (ps.knee_center + ps.knee_axis_offset)  # on the flexion axis
    ankle = knee - R_t @ ps.knee_axis_offset + R_t @ (tib["ankle_center"] - tib["knee_center"])
    foot = ankle + R_t @ segs.foot[1]
    a = q[:, 0]
    axes = np.empty((p.n, 4, 3))  # flexion (pelvis z), adduction (floating), rotation (femur y), knee (-femur z)
    axes[:, 0] = (0.0, 0.0, 1.0)
    axes[:, 1, 0], axes[:, 1, 1], axes[:, 1, 2] = np.cos(a), np.sin(a), 0.0
    axes[:, 2] = R_f[:, :, 1]
    axes[:, 3] = -R_f[:, :, 2]
    return {"hip": ps.hip_center, "knee": knee, "ankle": ankle, "foot": foot, "axes": axes}


_REST_TOLERANCE_M = 0.01
_LUMBAR_COLUMNS = np.array([_INDEX[name] for name in ("lumbar_flexion", "lumbar_bending", "lumbar_rotation")])
#: Pose columns of a leg's hip flexion, adduction, rotation and knee flexion.
_LEG_COLUMNS = {c: np.array([_INDEX[f"{b}_{c}"] for b in ("hip_flexion", "hip_adduction", "hip_rotation", "knee_flexion")])
                for c in ("r", "l")}


def _knee_ankle_heights(model, transforms: dict, c: str) -> tuple[np.ndarray, np.ndarray]:
    """Room heights (y, metres) of the knee and ankle centres of leg ``c``."""
    T = transforms[f"tibia_{c}"]
    tib = model.landmarks[f"tibia_{c}"]
    ankle = T[:, :3, :3] @ (tib["ankle_center"] - tib["knee_center"]) + T[:, :3, 3]
    return T[:, 1, 3], ankle[:, 1]


def _leg_resting(state: State, c: str, direction: np.ndarray | None = None) -> np.ndarray:
    """(n,) True where the floor carries leg ``c``.

    In a floor posture the floor carries a leg that is no higher than at the posture's start
    (knee and ankle within 1 cm) and that the movement does not lift: the moment a movement
    raises the knee or the ankle off the floor, the leg's weight is on the muscles (a supine
    straight-leg raise or a side-lying leg lift from the first degree). ``direction`` (n, 4)
    is the movement of this leg in (flexion, adduction, rotation, knee).
    """
    if not state.posture.floor:
        return np.zeros(state.n, bool)
    key = ("rest_heights", state.posture.name, c)
    if key not in state.model.cache:  # the posture's starting heights never change: once per model
        start = make_poses({}, defaults=state.posture.pose, ranges=state.model.ranges)
        T0 = segment_transforms(state.model.joints, start, state.posture.rotation)
        state.model.cache[key] = _knee_ankle_heights(state.model, T0, c)
    k0, a0 = state.model.cache[key]
    k, a = _knee_ankle_heights(state.model, state.transforms, c)
    # measured from the pelvis, so that where the body was placed in the room does not matter
    k, a = k - state.transforms["pelvis"][:, 1, 3], a - state.transforms["pelvis"][:, 1, 3]
    resting = (k <= k0 + _REST_TOLERANCE_M) & (a <= a0 + _REST_TOLERANCE_M)
    if direction is not None and resting.any() and np.any(direction):
        step = np.radians(_LIFT_PROBE_DEG) * np.asarray(direction, float)
        names = [f"hip_flexion_{c}", f"hip_adduction_{c}", f"hip_rotation_{c}", f"knee_flexion_{c}"]
        moved = state.poses.with_values(**{nm: state.poses[nm] + step[:, j] for j, nm in enumerate(names)})
        T1 = segment_transforms(state.model.joints, moved, state.posture.rotation)
        k1, a1 = _knee_ankle_heights(state.model, T1, c)
        k1, a1 = k1 - T1["pelvis"][:, 1, 3], a1 - T1["pelvis"][:, 1, 3]
        lifts = (k1 > k + _LIFT_M) | (a1 > a + _LIFT_M)
        resting &= ~lifts
    return resting


#: The movement is probed this far (degrees) to see whether it lifts the leg off the floor ...
_LIFT_PROBE_DEG = 1.0
#: ... and lifts it when the knee or ankle rises by more than this (metres) over the probe.
_LIFT_M = 1e-4


def _gravity_in_pelvis(state: State, c: str) -> np.ndarray:
    g = -state.transforms["pelvis"][:, 1, :3]  # R^T (0, -1, 0): minus the room's up in the pelvis frame
    return g * MIRROR_POINT if c == "l" else g


def _stance_demand(state: State, c: str, c2: str, moving_geom: dict, segs: SegmentParameters) -> np.ndarray:
    """Moments (N m) the standing leg's hip muscles must supply to carry the body above it.

    The standing femur stays still; the pelvis, the trunk and the moving leg hang from its
    hip. Their weight about the standing hip centre must be matched by the hip muscles,
    expressed in that hip's coordinates (the abductors hold the pelvis level on one leg).
    Returns (n, 4): flexion, adduction, rotation and knee (0).
    """
    n = state.n
    geom2 = _leg_geometry(state, c2, segs)
    g = _gravity_in_pelvis(state, c2) * segs.g
    mirror = MIRROR_POINT  # the moving leg's canonical frame is the mirror image of the standing leg's
    p = state.poses
    lum = np.stack([p["lumbar_flexion"], p["lumbar_bending"], p["lumbar_rotation"]], axis=-1)
    lum_c = lum * LEFT_LUMBAR_SIGNS if c2 == "l" else lum
    R_l = lumbar_rotation(lum_c[:, 0], lum_c[:, 1], lum_c[:, 2])
    ps2 = state.model.paths[c2]
    upper = ps2.lumbosacral + R_l @ segs.upper_body[1]
    pelvis = np.broadcast_to(segs.pelvis[1], (n, 3))
    hip = moving_geom["hip"]
    thigh = hip + segs.thigh[1] * (moving_geom["knee"] - hip)
    shank = moving_geom["knee"] + segs.shank[1] * (moving_geom["ankle"] - moving_geom["knee"])
    points = [upper, pelvis, thigh * mirror, shank * mirror, moving_geom["foot"] * mirror]
    masses = [segs.upper_body[0], segs.pelvis[0], segs.thigh[0], segs.shank[0], segs.foot[0]]
    M = np.zeros((n, 3))
    for x, m in zip(points, masses):
        M += m * cross(x - geom2["hip"], g)
    out = np.zeros((n, 4))
    out[:, :3] = _mv(geom2["axes"][:, :3], M)
    return out


#: A moment the muscles leave unbalanced by more than this (N m, and 2 % of the demand) is
#: reported: the demand exceeds what the muscles can give in that pose.
SHORTFALL_NM = 1.0


def _share_direction(direction: np.ndarray, demand: np.ndarray) -> np.ndarray:
    """The direction shares are measured along: the movement's, or the demand's when holding."""
    size = _row_norm(demand)
    hold = np.where(size > 1e-9, demand / np.maximum(size, 1e-12), 0.0)
    moving = _row_norm(direction) > 1e-9
    return np.where(moving, direction, hold)


def _mv(M: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Matrices times vectors, pose by pose: (n, a, b) @ (n, b) -> (n, a) (``einsum("pab,pb->pa")``)."""
    return (M @ np.asarray(v, float)[..., None])[..., 0]


def _row_norm(x: np.ndarray) -> np.ndarray:
    """``np.linalg.norm(x, axis=1, keepdims=True)`` for real ``x``, the same sum without its checks."""
    x = np.asarray(x, float)
    return np.sqrt(np.add.reduce(x * x, axis=1, keepdims=True))


def _report_shortfall(state: State, info: SolveInfo, demand: np.ndarray, names: list[str],
                      who: str = "muscles") -> None:
    """Warn, naming the coordinate, where the muscles cannot supply the demand."""
    short = np.abs(info.residual) > np.maximum(SHORTFALL_NM, 0.02 * np.abs(demand))
    for j in np.flatnonzero(short.any(axis=0)):
        poses = np.flatnonzero(short[:, j])
        worst = poses[np.argmax(np.abs(info.residual[poses, j]))]
        where = "" if state.n == 1 else f" in {poses.size} of {state.n} poses"
        state.warnings.append(
            f"the {who} cannot supply the {abs(demand[worst, j]):.0f} N m of {names[j]} this pose needs"
            f"{where}: {abs(info.residual[worst, j]):.0f} N m short at full activation")


def _closed_chain_demand(state: State, c: str, segs: SegmentParameters, geom: dict,
                         forces: np.ndarray) -> np.ndarray:
    """Moments (n, 4) the hip muscles and the knee of leg ``c`` supply when the floor holds it.

    The leg below the hip is in equilibrium under its weight, the floor's push at its contact
    points (``forces``, (n, k) vertical newtons) and what the hip and knee give it, so the
    muscles supply minus the moment of the weight and of the floor about each joint axis
    (in a squat, the floor pushing up in front of the knee asks the extensors to hold it).
    """
    cs = state.contacts
    on_leg = np.array([lg == c for lg in cs.leg])
    T = state.transforms["pelvis"]
    R, t = T[:, :3, :3], T[:, :3, 3]
    room = contact_points(state.transforms, cs)[:, on_leg]                      # (n, m, 3)
    p = (room - t[:, None, :]) @ R                                             # pelvis frame
    f = R[:, 1, :][:, None, :] * forces[:, on_leg, None]                         # R^T (0, 1, 0): up
    if c == "l":  # the leg's canonical frame is the mirror image
        p, f = p * MIRROR_POINT, f * MIRROR_POINT
    below_knee = np.array([seg.startswith(("tibia", "foot")) for seg, lg in zip(cs.segments, cs.leg) if lg == c])
    g = _gravity_in_pelvis(state, c) * segs.g
    hip, knee, ankle, foot = geom["hip"], geom["knee"], geom["ankle"], geom["foot"]
    thigh = hip + segs.thigh[1] * (knee - hip)
    shank = knee + segs.shank[1] * (ankle - knee)

    def moment(centre, masses_points, sel):
        M = cross(p[:, sel] - centre[:, None, :] if np.ndim(centre) == 2 else p[:, sel] - centre, f[:, sel]).sum(axis=1)
        lever = 0.0  # the weights' moments: one cross product of the mass-weighted lever (linear)
        for m, x in masses_points:
            lever = lever + m * (x - centre)
        return M + cross(lever, g)

    n = state.n
    M_hip = moment(np.broadcast_to(hip, (n, 3)), [(segs.thigh[0], thigh), (segs.shank[0], shank), (segs.foot[0], foot)],
                   np.ones(on_leg.sum(), bool))
    M_knee = moment(knee, [(segs.shank[0], shank), (segs.foot[0], foot)], below_knee)
    axes = geom["axes"]
    out = np.empty((n, 4))
    out[:, :3] = -_mv(axes[:, :3], M_hip)
    out[:, 3] = -(axes[:, 3] * M_knee).sum(axis=1)
    return out


#: Lumbar flexion (fraction of its range) where the passive tissues start to hold the trunk, and
#: the extension moment (N m) they give at full flexion.
LUMBAR_PASSIVE_ONSET, LUMBAR_PASSIVE_NM = 0.6, 80.0


def lumbar_passive_extension(state: State) -> np.ndarray:
    """Extension moment (n,) N m the stretched posterior tissues give in lumbar flexion.

    Zero up to 60 % of the lumbar spine's flexion range, rising linearly to 80 N m at full
    flexion: the flexion-relaxation of a forward fold, where the back extensors go quiet.
    """
    lo, hi = np.radians(state.model.ranges["lumbar_flexion"])
    onset = LUMBAR_PASSIVE_ONSET * hi
    x = np.clip((state.poses["lumbar_flexion"] - onset) / (hi - onset), 0.0, 1.0)
    return LUMBAR_PASSIVE_NM * x


#: A joint within this much of the end of its range (degrees) rests on its ligaments and bony stop.
STOP_MARGIN_DEG = 2.0


def _joint_stops(state: State, c: str, demand: np.ndarray) -> np.ndarray:
    """The demand (n, 4) left for the muscles once the joints' end stops have taken their part.

    A joint at the end of its range is held there by ligaments and bone: a straight knee is
    locked by its posterior capsule against the floor's push in front of it (quiet standing
    needs no hamstrings), an extended hip hangs on its iliofemoral ligament. So the part of the
    demand that would push the joint further past its end is taken passively, and only the
    part pulling it back into its range is left for the muscles.
    """
    key = ("joint_stops", c)
    limits = state.model.cache.get(key)
    if limits is None:  # the ranges never change: once per model and side
        names = (f"hip_flexion_{c}", f"hip_adduction_{c}", f"hip_rotation_{c}", f"knee_flexion_{c}")
        margin = np.radians(STOP_MARGIN_DEG)
        rad = [np.radians(state.model.ranges[name]) for name in names]
        limits = state.model.cache[key] = (np.array([lo + margin for lo, _ in rad]),
                                           np.array([hi - margin for _, hi in rad]))
    lo, hi = limits
    q = state.poses.q[:, _LEG_COLUMNS[c]]
    out = np.where(q <= lo, np.minimum(demand, 0.0), demand)
    return np.where(q >= hi, np.maximum(out, 0.0), out)


def _floor_reactions(state: State, segs: SegmentParameters, load_n: float) -> np.ndarray:
    """Vertical push of the floor (n, k) at every contact point, sharing the body's weight."""
    cs = state.contacts
    points = contact_points(state.transforms, cs)
    com = body_centre_of_mass(state.transforms, segs)
    weight = segs.body_mass * segs.g + load_n
    forces, miss = support_forces(points, com, weight)
    per_contact = np.stack([forces[:, cs.contact == j].sum(axis=1) for j in range(len(cs.names))], axis=1)
    state.extra["contact_force_n"] = per_contact
    state.extra["contact_point_force_n"] = forces
    off = miss > 0.01
    if off.any() and not cs.trunk_rests:
        where = "" if state.n == 1 else f" in {int(off.sum())} of {state.n} poses"
        state.warnings.append(f"the centre of mass is {miss.max() * 100:.0f} cm outside the base of support{where}: "
                              "this body would tip over")
    return forces


def _share(state: State, task: str, moment_arm: np.ndarray, force: np.ndarray, demand: np.ndarray,
           reserves: np.ndarray | None, weights: np.ndarray | None):
    """:func:`~hipviz.core.activation.share_moments`, warm-started from the last single pose.

    For one pose (a slider step) the optimiser starts from the dual variables it ended with
    for the same task (moving leg, other leg, trunk) the last time, kept in ``model.cache``:
    the optimum is unique (the problem is strictly convex) and is reached to round-off from any
    start, only in fewer steps from a near one (a start that does not lead there in time is
    dropped: :func:`~hipviz.core.optimize.solve_activations`).
    """
    key = ("activation_warm_start", task, state.side, state.posture.name)
    one = state.n == 1
    start = state.model.cache.get(key) if one else None
    act, info = share_moments(moment_arm, force, demand, reserves, weights=weights, start=start)
    if one and info.dual is not None and np.all(np.isfinite(info.dual)):
        state.model.cache[key] = info.dual.copy()
    return act, info


def apply_activation(state: State, direction: np.ndarray, segs: SegmentParameters, *,
                     effort_nm: float, load_n: float, load_point: str,
                     lumbar_motion: np.ndarray, directions: dict | None = None,
                     per_muscle: bool = True) -> None:
    """Fill activations and roles of both legs' hip muscles and of the trunk muscles.

    A leg the floor holds (a contact on it, :mod:`hipviz.core.contacts`) works against its
    share of the body's weight (closed chain); the moving leg off the floor lifts its own weight
    plus the movement's effort (open chain); any other leg rests.

    Parameters
    ----------
    direction : (n, 4) ndarray
        Movement direction of the moving leg (flexion, adduction, rotation, knee).
    lumbar_motion : (n, 3) ndarray
        Lumbar flexion, side-bend, rotation (degrees) the compensation added.
    directions : dict, optional
        ``{"r": (n, 4), "l": (n, 4)}`` direction of travel of each leg (a movement of the whole
        body, such as a squat); default: ``direction`` for the moving leg, still for the other.
    per_muscle : bool, default: True
        Count the cost per muscle (:func:`~hipviz.core.activation.muscle_weights`), else per bundle.
    """

    def weights(ms_):
        return muscle_weights(ms_.muscle_ids, ms_.max_force) if per_muscle else None

    c = state.side
    n = state.n
    c2 = "l" if c == "r" else "r"
    dirs = directions or {c: direction, c2: np.zeros((n, 4))}
    ms = state.muscles[c]
    other = state.muscles[c2]
    cs = state.contacts
    placed = cs is not None and state.floor_height is not None
    forces = _floor_reactions(state, segs, load_n) if placed else None
    # a leg on the floor carries the body, unless the pelvis itself rests on the floor (lying):
    # then the floor carries each leg where it lies
    held = cs.legs() if placed and not pelvis_rests(cs) else set()
    if not placed and state.posture.name in STANCE_POSTURES:
        held = {c2}
    ext, flex = segs.knee_reserves
    reserves = np.zeros((4, 2))
    reserves[3] = (-ext, flex)
    # on several supports the floor's grip can twist and spread a held leg (contacts.toml)
    held_reserves = reserves
    if placed and several_supports(cs):
        rot, add = floor_grip()
        grip = np.zeros((4, 4))
        grip[2, :2] = (rot, -rot)
        grip[1, 2:] = (add, -add)
        held_reserves = np.concatenate([reserves, grip], axis=1)
    geom = _leg_geometry(state, c, segs)
    if c in held:
        resting = np.zeros(n, bool)
        demand = _closed_chain_demand(state, c, segs, geom, forces)
    else:
        resting = _leg_resting(state, c, direction)
        demand = hip_demand(geom, segs, _gravity_in_pelvis(state, c), direction,
                            effort_nm=effort_nm, load_n=load_n, load_point=load_point, resting=resting)
    state.extra["leg_resting"] = resting
    demand = _joint_stops(state, c, demand)
    act, info = _share(state, "moving", ms.moment_arm, ms.capacity, demand,
                       held_reserves if c in held else reserves, weights(ms))
    _report_shortfall(state, info, demand, [f"hip {k} ({SIDE_NAMES[c]})" for k in HIP_ARMS])
    speed = _mv(ms.moment_arm, dirs[c])
    ms.activation = act
    # a leg the floor holds works against the load it carries: its share is along that demand
    ms.share = moment_share(ms.moment_arm, ms.capacity, act,
                            _share_direction(np.zeros((n, 4)) if c in held else dirs[c], demand))
    if c2 in held:
        geom2 = _leg_geometry(state, c2, segs)
        stance = _joint_stops(state, c2, _closed_chain_demand(state, c2, segs, geom2, forces) if placed
                              else _stance_demand(state, c, c2, geom, segs))
        other.activation, info2 = _share(state, "other", other.moment_arm, other.capacity, stance, held_reserves,
                                         weights(other))
        label = "standing leg" if state.posture.name in STANCE_POSTURES and c not in held else "on the floor"
        _report_shortfall(state, info2, stance, [f"hip {k} ({SIDE_NAMES[c2]}, {label})" for k in HIP_ARMS])
        state.extra["stance_unbalanced_nm"] = info2.residual
        other.share = moment_share(other.moment_arm, other.capacity, other.activation,
                                   _share_direction(np.zeros((n, 4)), stance))
        state.extra["stance_demand_nm"] = stance
    else:
        other.activation = np.zeros_like(other.length)
        other.share = np.zeros_like(other.length)
    state.extra["demand_nm"] = demand
    state.extra["unbalanced_nm"] = info.residual

    # trunk: the pull of the hip muscles on the pelvis, the upper body's weight, compensation
    tau_hip = _mv(np.swapaxes(ms.moment_arm[:, :, :3] * ms.capacity[:, :, None], 1, 2), act)
    K = geom["axes"][:, :3]                       # rows are the hip axes
    M = np.linalg.solve(K, tau_hip[..., None])[..., 0]  # moment vector on the femur (K M = tau)
    lum = state.poses.q[:, _LUMBAR_COLUMNS]
    lum_c = lum * LEFT_LUMBAR_SIGNS if c == "l" else lum
    R_l = lumbar_rotation(lum_c[:, 0], lum_c[:, 1], lum_c[:, 2])
    f = lum_c[:, 0]
    K_L = np.empty((n, 3, 3))  # lumbar flexion (-pelvis z), side-bend (floating), rotation (trunk y)
    K_L[:, 0] = (0.0, 0.0, -1.0)
    K_L[:, 1, 0], K_L[:, 1, 1], K_L[:, 1, 2] = np.cos(f), -np.sin(f), 0.0
    K_L[:, 2] = R_l[:, :, 1]
    # the moving leg's hip muscles pull on the pelvis; the trunk holds part of that pull, the
    # other leg the rest. When the floor holds both legs, their demands already hold the
    # pelvis and everything above it, and the trunk holds only its own weight.
    share = 0.0 if (c in held and c2 in held) else TRUNK_SHARE
    tau_L = -share * np.linalg.solve(np.swapaxes(K_L, 1, 2), M[..., None])[..., 0]
    trunk_on_floor = state.posture.trunk_supported if not placed else pelvis_rests(cs)
    if not trunk_on_floor:
        # the upright trunk balances over the spine passively (ligaments, small adjustments):
        # the back muscles hold only what leaning away from upright adds (a forward fold)
        m_ub, com = segs.upper_body
        g = _gravity_in_pelvis(state, c) * segs.g
        g_up = state.posture.rotation.T @ np.array([0.0, -segs.g, 0.0])
        g_up = g_up * MIRROR_POINT if c == "l" else g_up
        lean = np.einsum("pqi,pi->pq", cross(K_L, (R_l @ com)[:, None, :]), g)
        upright = cross(np.array([[0.0, 0.0, -1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]), com) @ g_up
        if abs(state.posture.rotation[1, 1]) < 0.9:  # a lying body (a bridge) has no upright to balance over
            upright = np.zeros(3)
        tau_L -= m_ub * (lean - upright)
        if placed:  # the floor pushing on the trunk (the shoulders of a bridge) about L5-S1
            on_trunk = np.array([seg == "trunk" for seg in cs.segments])
            if on_trunk.any():
                T = state.transforms["pelvis"]
                Rp, tp = T[:, :3, :3], T[:, :3, 3]
                pts = contact_points(state.transforms, cs)[:, on_trunk]
                pl = np.einsum("pji,pmj->pmi", Rp, pts - tp[:, None, :]) - state.model.joints["lumbosacral_joint"]
                up = np.einsum("pji,j->pi", Rp, np.array([0.0, 1.0, 0.0]))
                fl = up[:, None, :] * forces[:, on_trunk, None]
                if c == "l":
                    pl, fl = pl * MIRROR_POINT, fl * MIRROR_POINT
                M_floor = cross(pl, fl).sum(axis=1)
                tau_L -= np.einsum("pqi,pi->pq", K_L, M_floor)
    motion = lumbar_motion * LEFT_LUMBAR_SIGNS if c == "l" else lumbar_motion
    size = _row_norm(motion)
    d_L = np.where(size > 1e-9, motion / np.maximum(size, 1e-9), 0.0)
    tau_L += TRUNK_EFFORT_NM * np.minimum(size / 10.0, 1.0) * d_L
    # flexion-relaxation: near full lumbar flexion the stretched posterior ligaments, fascia and
    # discs hold the trunk and the back extensors fall silent (Floyd & Silver 1955; McGill 2007)
    passive = lumbar_passive_extension(state)
    tau_L[:, 0] = np.where(tau_L[:, 0] < 0, np.minimum(tau_L[:, 0] + passive, 0.0), tau_L[:, 0])
    state.extra["lumbar_passive_nm"] = passive
    if c == "l":  # back to the real (right-handed) lumbar coordinates
        tau_L = tau_L * LEFT_LUMBAR_SIGNS
        d_L = d_L * LEFT_LUMBAR_SIGNS
    trunk = state.trunk
    arms = np.concatenate([trunk["r"].moment_arm, trunk["l"].moment_arm], axis=1)  # real lumbar signs
    capacities = np.concatenate([trunk["r"].capacity, trunk["l"].capacity], axis=1)
    w_t = np.concatenate([weights(trunk[s]) for s in ("r", "l")]) if per_muscle else None
    a_t, info_t = _share(state, "trunk", arms, capacities, tau_L, None, w_t)
    _report_shortfall(state, info_t, tau_L, ["lumbar flexion", "lumbar side-bend", "lumbar rotation"], who="trunk muscles")
    s_t = _mv(arms, d_L)
    sh_t = moment_share(arms, capacities, a_t, _share_direction(d_L, tau_L))
    nr = trunk["r"].max_force.size
    trunk["r"].activation, trunk["l"].activation = a_t[:, :nr], a_t[:, nr:]
    trunk["r"].share, trunk["l"].share = sh_t[:, :nr], sh_t[:, nr:]
    # each task has its own reference: the moving leg with the trunk, the standing leg alone;
    # when the floor holds both legs (a squat, a bridge) the whole body is one task
    # ... relative to the most active muscle (bundles weighted by force, so that a muscle drawn
    # as three bundles is measured like one drawn as a single bundle)
    def muscle_peak(m):
        return muscle_activation(m.muscle_ids, m.max_force, m.activation).max(axis=1)

    peak = np.maximum(muscle_peak(ms), np.maximum(muscle_peak(trunk["r"]), muscle_peak(trunk["l"])))
    whole_body = c in held and c2 in held
    if whole_body:
        peak = np.maximum(peak, muscle_peak(other))
    ms.role = roles(act, speed, peak)
    other.role = roles(other.activation, _mv(other.moment_arm, dirs[c2]),
                       peak if whole_body else muscle_peak(other))
    r_t = roles(a_t, s_t, peak)
    trunk["r"].role, trunk["l"].role = r_t[:, :nr], r_t[:, nr:]
    state.extra["lumbar_demand_nm"] = tau_L
