"""Sharing the body's weight between its contacts, and where its centre of mass is.

:func:`support_forces` gives the vertical forces of least squared size, none pulling, that
balance the weight with the centre of mass where it is; in double stance a leg carries more the
nearer the centre of mass is to its foot.
"""
from __future__ import annotations

import numpy as np

from .contacts import ContactSet

__all__ = ["support_forces", "support_centre", "body_centre_of_mass"]


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
