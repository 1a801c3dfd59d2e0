"""Forward kinematics of the rig, vectorised over poses.

Segments and joints::

    room --(posture rotation, pelvis 6 DOF)--> pelvis
    pelvis --(lumbosacral joint: flexion, side-bend, rotation)--> trunk
    pelvis --(hip: flexion Z, adduction floating X, rotation femur Y)--> femur_r / femur_l
    femur --(knee: flexion about the epicondylar axis)--> tibia_r / tibia_l
    tibia --(ankle: dorsiflexion; subtalar: inversion about the foot's long axis)--> foot_r / foot_l

All transforms are 4x4 homogeneous matrices with shape ``(n, 4, 4)``, mapping points in a
segment's frame to the room frame (metres). The left side is the mirror image of the right:
``R_left = M @ R_right(angles) @ M`` with ``M = diag(1, 1, -1)``, so the same angles mean the
same movement on both sides.
"""
from __future__ import annotations

import numpy as np

from .pose import PoseBatch
from .rotations import MIRROR_Z, cardan_zxy, rot_x, rot_y, rot_z

__all__ = ["hip_rotation", "knee_rotation", "ankle_rotation", "pelvis_rotation", "lumbar_rotation",
           "segment_transforms", "SEGMENTS", "homogeneous"]

SEGMENTS = ("pelvis", "trunk", "femur_r", "tibia_r", "foot_r", "femur_l", "tibia_l", "foot_l")


def hip_rotation(flexion, adduction, rotation, side: str = "r") -> np.ndarray:
    """Femur orientation relative to the pelvis, ``(..., 3, 3)``, angles in radians."""
    R = cardan_zxy(flexion, adduction, rotation)
    return MIRROR_Z @ R @ MIRROR_Z if side[0] == "l" else R


def knee_rotation(flexion) -> np.ndarray:
    """Tibia orientation relative to the femur; flexion (radians) swings the shank back."""
    return rot_z(-np.asarray(flexion, dtype=float))


def ankle_rotation(dorsiflexion, inversion=0.0, side: str = "r") -> np.ndarray:
    """Foot orientation relative to the tibia: dorsiflexion lifts the toes, inversion (the
    subtalar joint, about the foot's long axis) turns the sole inwards; radians."""
    inv = np.asarray(inversion, dtype=float)
    return rot_z(np.asarray(dorsiflexion, dtype=float)) @ rot_x(inv if side[0] == "r" else -inv)


def pelvis_rotation(tilt, obliquity, rotation) -> np.ndarray:
    """Pelvis orientation in the posture frame (clinical signs, see ``ranges.toml``)."""
    return rot_z(-np.asarray(tilt, float)) @ rot_x(-np.asarray(obliquity, float)) @ rot_y(rotation)


def lumbar_rotation(flexion, bending, rotation) -> np.ndarray:
    """Trunk orientation relative to the pelvis (+ flexion, + bend right, + rotate left)."""
    return rot_z(-np.asarray(flexion, float)) @ rot_x(bending) @ rot_y(rotation)


def homogeneous(R: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Stack rotations ``(n, 3, 3)`` and translations ``(n, 3)`` into ``(n, 4, 4)``."""
    n = R.shape[0]
    T = np.zeros((n, 4, 4))
    T[:, :3, :3] = R
    T[:, :3, 3] = t
    T[:, 3, 3] = 1.0
    return T


def segment_transforms(joints: dict, poses: PoseBatch, posture_rotation: np.ndarray) -> dict[str, np.ndarray]:
    """Room transforms of every segment.

    Parameters
    ----------
    joints : dict
        Joint centres in parent frames (metres): ``hip_center_r``, ``hip_center_l``,
        ``lumbosacral_joint`` (pelvis frame), ``knee_center_r``, ``knee_center_l``
        (femur frames), ``ankle_center_r``, ``ankle_center_l`` (tibia frames).
    poses : PoseBatch
        ``n`` poses.
    posture_rotation : (3, 3) ndarray
        The posture's rotation of the body in the room.

    Returns
    -------
    dict
        ``{segment: (n, 4, 4)}`` for each name in :data:`SEGMENTS`.
    """
    p = poses
    R_pel = posture_rotation @ pelvis_rotation(p["pelvis_anterior_tilt"], p["pelvis_obliquity"], p["pelvis_rotation"])
    t_pel = np.stack([p["pelvis_tx"], p["pelvis_ty"], p["pelvis_tz"]], axis=-1) @ posture_rotation.T
    out = {"pelvis": homogeneous(R_pel, t_pel)}
    R_tr = R_pel @ lumbar_rotation(p["lumbar_flexion"], p["lumbar_bending"], p["lumbar_rotation"])
    out["trunk"] = homogeneous(R_tr, t_pel + R_pel @ joints["lumbosacral_joint"])
    for s in ("r", "l"):
        R_f = R_pel @ hip_rotation(p[f"hip_flexion_{s}"], p[f"hip_adduction_{s}"], p[f"hip_rotation_{s}"], s)
        t_f = t_pel + R_pel @ joints[f"hip_center_{s}"]
        out[f"femur_{s}"] = homogeneous(R_f, t_f)
        R_t = R_f @ knee_rotation(p[f"knee_flexion_{s}"])
        t_t = t_f + R_f @ joints[f"knee_center_{s}"]
        out[f"tibia_{s}"] = homogeneous(R_t, t_t)
        R_a = R_t @ ankle_rotation(p[f"ankle_angle_{s}"], p[f"subtalar_angle_{s}"], s)
        out[f"foot_{s}"] = homogeneous(R_a, t_t + R_t @ joints[f"ankle_center_{s}"])
    return out
