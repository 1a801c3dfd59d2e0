"""Activation and roles of hip and trunk muscles for an evaluated pose batch.

This is where :mod:`hipviz.core.activation` (the model) meets a :class:`State` (the pose).
"""
from __future__ import annotations

import numpy as np

from .activation import (EFFORT_SCALE, SegmentParameters, hip_demand, roles, row_weights,
                         share_moments, volume_cost)
from .kinematics import hip_rotation, knee_rotation, lumbar_rotation
from .state import State

__all__ = ["apply_activation", "TRUNK_SHARE", "TRUNK_EFFORT_NM"]

#: Share of the hip muscles' pull on the pelvis held by the trunk muscles (the rest by the other leg).
TRUNK_SHARE = 0.5
#: Moment the trunk muscles add to move the pelvis when it compensates (per 10 deg, up to 1x).
TRUNK_EFFORT_NM = 10.0
_LEFT_LUMBAR = np.array([1.0, -1.0, -1.0])
_M = np.array([1.0, 1.0, -1.0])


def _leg_geometry(state: State, c: str, segs: SegmentParameters) -> dict:
    """Points and joint axes of leg ``c`` in its canonical pelvis frame."""
    p = state.poses
    ps = state.model.paths[c]
    q = np.stack([p[f"hip_flexion_{c}"], p[f"hip_adduction_{c}"], p[f"hip_rotation_{c}"]], axis=-1)
    R_f = hip_rotation(q[:, 0], q[:, 1], q[:, 2], "r")
    R_t = R_f @ knee_rotation(p[f"knee_flexion_{c}"])
    tib = state.model.canonical[c]["tibia"]
    knee = ps.hip_center + R_f @ ps.knee_center
    ankle = knee + R_t @ (tib["ankle_center"] - tib["knee_center"])
    foot = ankle + R_t @ segs.foot[1]
    n = p.n
    a = q[:, 0]
    axes = np.stack([np.broadcast_to([0.0, 0.0, 1.0], (n, 3)),
                     np.stack([np.cos(a), np.sin(a), np.zeros(n)], axis=-1),
                     R_f[:, :, 1], -R_f[:, :, 2]], axis=1)
    return {"hip": ps.hip_center, "knee": knee, "ankle": ankle, "foot": foot, "axes": axes}


def _gravity_in_pelvis(state: State, c: str) -> np.ndarray:
    R = state.transforms["pelvis"][:, :3, :3]
    g = np.einsum("pji,j->pi", R, np.array([0.0, -1.0, 0.0]))
    return g * _M if c == "l" else g


def apply_activation(state: State, direction: np.ndarray, segs: SegmentParameters, *,
                     effort_nm: float, load_n: float, load_point: str,
                     lumbar_motion: np.ndarray) -> None:
    """Fill activations and roles of the moving leg's hip muscles and of the trunk muscles.

    Parameters
    ----------
    direction : (n, 4) ndarray
        Movement direction of the moving leg (flexion, adduction, rotation, knee).
    lumbar_motion : (n, 3) ndarray
        Lumbar flexion, side-bend, rotation (degrees) the compensation added.
    """
    c = state.side
    n = state.n
    ms = state.muscles[c]
    geom = _leg_geometry(state, c, segs)
    demand = hip_demand(geom, segs, _gravity_in_pelvis(state, c), direction,
                        effort_nm=effort_nm, load_n=load_n, load_point=load_point)
    ext, flex = segs.knee_reserves
    reserves = np.zeros((4, 2))
    reserves[3] = (-ext, flex)
    gravity_only = demand - effort_nm * EFFORT_SCALE * direction
    ps = state.model.paths[c]
    act = share_moments(ms.moment_arm, ms.capacity, demand, reserves, row_weights(direction, gravity_only),
                        volume_cost(ps.max_force, ps.fibre_length))
    speed = np.einsum("pbq,pq->pb", ms.moment_arm, direction)
    ms.activation = act
    other = state.muscles["l" if c == "r" else "r"]
    other.activation = np.zeros_like(other.length)
    other.role = roles(other.activation, np.zeros_like(other.length))
    state.extra["demand_nm"] = demand

    # trunk: the pull of the hip muscles on the pelvis, the upper body's weight, compensation
    tau_hip = np.einsum("pbq,pb->pq", ms.moment_arm[:, :, :3] * ms.capacity[:, :, None], act)
    K = geom["axes"][:, :3]                       # rows are the hip axes
    M = np.linalg.solve(K, tau_hip[..., None])[..., 0]  # moment vector on the femur (K M = tau)
    p = state.poses
    lum = np.stack([p["lumbar_flexion"], p["lumbar_bending"], p["lumbar_rotation"]], axis=-1)
    lum_c = lum * _LEFT_LUMBAR if c == "l" else lum
    R_l = lumbar_rotation(lum_c[:, 0], lum_c[:, 1], lum_c[:, 2])
    f = lum_c[:, 0]
    K_L = np.stack([np.broadcast_to([0.0, 0.0, -1.0], (n, 3)),
                    np.stack([np.cos(f), -np.sin(f), np.zeros(n)], axis=-1), R_l[:, :, 1]], axis=1)
    tau_L = -TRUNK_SHARE * np.linalg.solve(np.swapaxes(K_L, 1, 2), M[..., None])[..., 0]
    if not state.posture.trunk_supported:
        m_ub, com = segs.upper_body
        j = state.model.paths[c].lumbosacral
        x = j + R_l @ com
        g = _gravity_in_pelvis(state, c) * segs.g
        tau_L += m_ub * np.einsum("pqi,pi->pq", np.cross(K_L, (x - j)[:, None, :]), g) * -1.0
    motion = lumbar_motion * _LEFT_LUMBAR if c == "l" else lumbar_motion
    size = np.linalg.norm(motion, axis=1, keepdims=True)
    d_L = np.where(size > 1e-9, motion / np.maximum(size, 1e-9), 0.0)
    tau_L += TRUNK_EFFORT_NM * np.minimum(size / 10.0, 1.0) * d_L
    if c == "l":  # back to the real (right-handed) lumbar coordinates
        tau_L = tau_L * _LEFT_LUMBAR
        d_L = d_L * _LEFT_LUMBAR
    trunk = state.trunk
    arms = np.concatenate([trunk["r"].moment_arm, trunk["l"].moment_arm * _LEFT_LUMBAR], axis=1)
    forces = np.concatenate([trunk["r"].capacity, trunk["l"].capacity], axis=1)
    tp = state.model.trunk_paths
    fib = np.concatenate([tp["r"].fibre_length, tp["l"].fibre_length])
    f_max = np.concatenate([tp["r"].max_force, tp["l"].max_force])
    a_t = share_moments(arms, forces, tau_L, cost=volume_cost(f_max, fib))
    s_t = np.einsum("pbq,pq->pb", arms, d_L)
    nr = trunk["r"].max_force.size
    trunk["r"].activation, trunk["l"].activation = a_t[:, :nr], a_t[:, nr:]
    peak = np.maximum(act.max(axis=1), a_t.max(axis=1))
    ms.role = roles(act, speed, peak)
    r_t = roles(a_t, s_t, peak)
    trunk["r"].role, trunk["l"].role = r_t[:, :nr], r_t[:, nr:]
    state.extra["lumbar_demand_nm"] = tau_L
