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
           "segment_transforms", "transform_array", "SEGMENTS", "homogeneous"]

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
        ``lumbosacral_joint`` (pelvis frame), ``knee_center_r``, ``knee_center_l`` (femur frames),
        ``ankle_center_r``, ``ankle_center_l`` (tibia frames), and optionally
        ``knee_axis_offset_r``/``_l``: the flexion axis's offset from the knee centre (femur frame).
    poses : PoseBatch
        ``n`` poses.
    posture_rotation : (3, 3) ndarray
        The posture's rotation of the body in the room.

    Returns
    -------
    dict
        ``{segment: (n, 4, 4)}`` for each name in :data:`SEGMENTS`.
    """
    T = transform_array(joints, poses.q, posture_rotation)
    return {name: T[:, j] for j, name in enumerate(SEGMENTS)}


def transform_array(joints: dict, q: np.ndarray, posture_rotation: np.ndarray) -> np.ndarray:
    """Room transforms of every segment as one array ``(n, len(SEGMENTS), 4, 4)``.

    The arithmetic of :func:`segment_transforms` (which returns views of this array by name),
    for callers that evaluate forward kinematics many times on small batches (the placement's
    solver): both legs are computed together, so one pose costs a few dozen numpy calls.

    Parameters
    ----------
    joints : dict
        As for :func:`segment_transforms`.
    q : (n, len(COORDINATES)) ndarray
        Coordinates (:attr:`PoseBatch.q`), radians and metres.
    posture_rotation : (3, 3) ndarray
    """
    n = q.shape[0]
    # every elementary rotation of the rig at once (see _ELEMENTARY): one cosine, one sine
    angles = q[:, _elementary_columns()] * _ELEMENTARY_SIGNS
    c, s = np.cos(angles), np.sin(angles)
    E = _E0 + c[..., None, None] * _EC + s[..., None, None] * _ES            # (n, 18, 3, 3)
    T = np.zeros((n, len(SEGMENTS), 4, 4))
    T[:, :, 3, 3] = 1.0
    R_pel = posture_rotation @ E[:, 0] @ E[:, 1] @ E[:, 2]
    t_pel = q[:, _TRANSLATION] @ posture_rotation.T
    T[:, 0, :3, :3], T[:, 0, :3, 3] = R_pel, t_pel
    T[:, 1, :3, :3] = R_pel @ E[:, 3] @ E[:, 4] @ E[:, 5]
    T[:, 1, :3, 3] = t_pel + R_pel @ joints["lumbosacral_joint"]
    # both legs at once: (n, 2 legs, ...); the segments femur, tibia, foot of a leg follow each other
    hip, knee, axis, ankle = _leg_constants(joints)
    EL = E[:, 6:].reshape(n, 2, 6, 3, 3)
    Rp = R_pel[:, None]
    R_f = Rp @ EL[:, :, 0] @ EL[:, :, 1] @ EL[:, :, 2]
    t_f = t_pel[:, None, :] + (Rp @ hip)[..., 0]
    R_t = R_f @ EL[:, :, 3]
    # the tibia turns about the flexion axis (knee centre + offset), where it was at extension
    t_t = t_f + (R_f @ (knee + axis))[..., 0] - (R_t @ axis)[..., 0]
    R_a = R_t @ EL[:, :, 4] @ EL[:, :, 5]
    legs = T[:, 2:].reshape(n, 2, 3, 4, 4)  # a view: (n, leg, femur/tibia/foot, 4, 4)
    legs[:, :, 0, :3, :3], legs[:, :, 0, :3, 3] = R_f, t_f
    legs[:, :, 1, :3, :3], legs[:, :, 1, :3, 3] = R_t, t_t
    legs[:, :, 2, :3, :3], legs[:, :, 2, :3, 3] = R_a, t_t + (R_t @ ankle)[..., 0]
    return T


def _leg_constants(joints: dict) -> tuple[np.ndarray, ...]:
    """Hip centres, knee centres, knee-axis offsets and ankle centres of both legs, (2, 3, 1) each.

    Derived from ``joints`` only, so built once per joints dict and kept (read-only) with it: a
    model's joints are assembled once and never changed (``Model`` is not changed by posing),
    so the dict's identity stands for its contents (the cache holds the dict, so its id is not
    reused while the entry lives).
    """
    cached = _LEG_CONSTANTS.get(id(joints))
    if cached is not None and cached[0] is joints:
        return cached[1]
    out = []
    for name in ("hip_center", "knee_center", "knee_axis_offset", "ankle_center"):
        rows = [joints.get(f"{name}_{side}", _NO_OFFSET) if name == "knee_axis_offset" else joints[f"{name}_{side}"]
                for side in ("r", "l")]
        a = np.array([np.asarray(r, float) for r in rows])[..., None]
        a.setflags(write=False)
        out.append(a)
    if len(_LEG_CONSTANTS) > 16:
        _LEG_CONSTANTS.clear()
    _LEG_CONSTANTS[id(joints)] = (joints, tuple(out))
    return tuple(out)


_LEG_CONSTANTS: dict = {}


_NO_OFFSET = np.zeros(3)

# The rig's elementary rotations in the order segment_transforms multiplies them: (pose column,
# axis, sign). The left side is the mirror image (M R M, M = diag(1, 1, -1)), which for
# rotations about z keeps the angle and about x or y negates it.
_ELEMENTARY = (
    ("pelvis_anterior_tilt", "z", -1), ("pelvis_obliquity", "x", -1), ("pelvis_rotation", "y", 1),
    ("lumbar_flexion", "z", -1), ("lumbar_bending", "x", 1), ("lumbar_rotation", "y", 1),
    ("hip_flexion_r", "z", 1), ("hip_adduction_r", "x", 1), ("hip_rotation_r", "y", 1),
    ("knee_flexion_r", "z", -1), ("ankle_angle_r", "z", 1), ("subtalar_angle_r", "x", 1),
    ("hip_flexion_l", "z", 1), ("hip_adduction_l", "x", -1), ("hip_rotation_l", "y", -1),
    ("knee_flexion_l", "z", -1), ("ankle_angle_l", "z", 1), ("subtalar_angle_l", "x", -1),
)
_ELEMENTARY_NAMES = tuple(name for name, _, _ in _ELEMENTARY)
_ELEMENTARY_SIGNS = np.array([sign for _, _, sign in _ELEMENTARY], float)


def _patterns(axes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Constant, cosine and sine parts of rotations about ``axes``: R = E0 + cos E_c + sin E_s."""
    k = len(axes)
    E0, Ec, Es = np.zeros((k, 3, 3)), np.zeros((k, 3, 3)), np.zeros((k, 3, 3))
    for m, axis in enumerate(axes):
        i, j = {"x": (1, 2), "y": (2, 0), "z": (0, 1)}[axis]
        E0[m, 3 - i - j, 3 - i - j] = 1.0
        Ec[m, i, i] = Ec[m, j, j] = 1.0
        Es[m, i, j], Es[m, j, i] = -1.0, 1.0
    return E0, Ec, Es


_E0, _EC, _ES = _patterns([axis for _, axis, _ in _ELEMENTARY])
_COLUMNS: list = []
_TRANSLATION = slice(3, 6)  # pelvis_tx, pelvis_ty, pelvis_tz: see pose.COORDINATES


def _elementary_columns() -> np.ndarray:
    if not _COLUMNS:
        from .pose import _INDEX

        _COLUMNS.append(np.array([_INDEX[name] for name in _ELEMENTARY_NAMES]))
    return _COLUMNS[0]
