"""Sharing the body's weight between its contacts, and where its centre of mass is.

:func:`support_forces` gives the vertical forces of least squared size, none pulling, that
balance the weight with the centre of mass where it is; in double stance a leg carries more the
nearer the centre of mass is to its foot.
"""
from __future__ import annotations

import numpy as np

from .contacts import ContactSet

__all__ = ["support_forces", "support_centre", "body_centre_of_mass", "centre_of_mass_array"]


def support_centre(points: np.ndarray, cs: ContactSet) -> np.ndarray:
    """Room (x, z) of the middle of the base of support, (n, 2).

    The mean over contacts of the middle of each contact's points (the middle of a foot is
    halfway from the heel to the metatarsal heads, where the centre of pressure lies in quiet
    standing), so a foot counts as much as a knee.
    """
    xz = points[:, :, ::2]                          # x and z
    groups = cs.equal_groups
    if groups is not None:  # every contact has as many points: all at once
        g = xz.reshape(xz.shape[0], groups[0], groups[1], 2)
        return 0.5 * (g.min(axis=2) + g.max(axis=2)).sum(axis=1) / groups[0]
    centres = []
    for j in range(len(cs.names)):
        sel = cs.contact == j
        centres.append(0.5 * (xz[:, sel].min(axis=1) + xz[:, sel].max(axis=1)))
    return np.mean(centres, axis=0)


def centre_of_mass_array(T: np.ndarray, segs) -> np.ndarray:
    """:func:`body_centre_of_mass` from the transforms as one array (n, segments, 4, 4)
    (:func:`hipviz.core.kinematics.transform_array`): the same sums in the same order (to the
    bit), both legs' terms computed together."""
    m_ub, com_ub = segs.upper_body
    m_p, com_p = segs.pelvis
    (m_th, f_th), (m_sh, f_sh), (m_f, foot_off) = segs.thigh, segs.shank, segs.foot
    total = m_ub * ((T[:, _TRUNK, :3, :3] @ com_ub) + T[:, _TRUNK, :3, 3])
    total = total + m_p * ((T[:, _PELVIS, :3, :3] @ com_p) + T[:, _PELVIS, :3, 3])
    hip = T[:, _FEMURS, :3, 3]                                           # (n, 2 legs, 3)
    knee = T[:, _TIBIAS, :3, 3]
    ankle = T[:, _FEET, :3, 3]
    feet = (T[:, _FEET, :3, :3] @ _foot_columns(foot_off))[..., 0] + ankle
    thigh = m_th * (hip + f_th * (knee - hip))
    shank = m_sh * (knee + f_sh * (ankle - knee))
    foot = m_f * feet
    for k in range(2):  # right, then left: the order body_centre_of_mass always summed in
        total = total + thigh[:, k]
        total = total + shank[:, k]
        total = total + foot[:, k]
    leg = m_th + m_sh + m_f
    return total / ((m_ub + m_p + leg) + leg)


def _foot_columns(offset: np.ndarray) -> np.ndarray:
    """Both feet's centre-of-mass offsets as columns (2, 3, 1), the left one mirrored (kept for
    the last offset seen: one body mass at a time in practice)."""
    hit = _FOOT_COLUMNS.get("last")
    if hit is None or hit[0] is not offset:
        cols = (np.asarray(offset, float) * _LEG_FLIP)[:, :, None]
        cols.setflags(write=False)
        hit = _FOOT_COLUMNS["last"] = (offset, cols)
    return hit[1]


_FOOT_COLUMNS: dict = {}


def body_centre_of_mass(transforms: dict, segs) -> np.ndarray:
    """Room position (n, 3) of the whole body's centre of mass (segment parameters ``segs``)."""
    from .kinematics import SEGMENTS

    return centre_of_mass_array(np.stack([transforms[s] for s in SEGMENTS], axis=1), segs)


# where the segments are in kinematics.SEGMENTS (pelvis, trunk, then femur, tibia, foot of the
# right and the left leg): the legs' segments as strided slices, so they index as views
_PELVIS, _TRUNK = 0, 1
_FEMURS, _TIBIAS, _FEET = slice(2, None, 3), slice(3, None, 3), slice(4, None, 3)
_LEG_FLIP = np.array([[1.0, 1.0, 1.0], [1.0, 1.0, -1.0]])  # the left foot's offset is mirrored


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
        F = np.einsum("pkr,pr->pk", _pinv(Am), b)
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


def _pinv(a: np.ndarray) -> np.ndarray:
    """``np.linalg.pinv(a)`` of real stacked matrices: its very steps (singular values below
    1e-15 of the largest dropped), without the checks and conversions that cost more than the
    decomposition for the few small matrices of a pose."""
    u, s, vt = np.linalg.svd(a, full_matrices=False)
    large = s > 1e-15 * s.max(axis=-1, keepdims=True)
    s = np.divide(1.0, s, where=large, out=s)
    s[~large] = 0.0
    return np.swapaxes(vt, -1, -2) @ (s[..., None] * np.swapaxes(u, -1, -2))
