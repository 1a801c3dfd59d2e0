"""Moment arms and lengths of many poses at once: only what a sweep needs.

:func:`hipviz.evaluate` computes everything a picture or the activation needs (both legs, the
trunk, the body placed on the floor). A sweep of moment arms over thousands of poses needs one
leg's paths and nothing else, so :func:`moment_arms` goes straight to the path kernel.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np

from .model import check_model
from .pose import PoseBatch, make_poses, resolve_name

__all__ = ["MomentArms", "moment_arms"]


@dataclass(frozen=True)
class MomentArms:
    """Lengths and moment arms of one side's bundles for ``n`` poses.

    Attributes
    ----------
    side : {"right", "left"}
    muscle_ids, bundle_names : tuple of str
        One entry per bundle, ``B`` in all.
    length : (n, B) ndarray
        Musculotendon length, metres.
    moment_arm : (n, B, 4) ndarray
        Metres about hip flexion, adduction, internal rotation and knee flexion; positive means
        the muscle pulls toward the positive movement (flexion, adduction, internal rotation).
    warnings : tuple of str
        Clamped angles.
    """

    side: str
    muscle_ids: tuple[str, ...]
    bundle_names: tuple[str, ...]
    length: np.ndarray
    moment_arm: np.ndarray
    warnings: tuple[str, ...] = ()

    @property
    def n(self) -> int:
        return self.length.shape[0]


def moment_arms(model, pose: Mapping[str, object] | PoseBatch | None = None, *, side: str = "right",
                posture: str | None = None, clamp: bool = True) -> MomentArms:
    """Moment arms and lengths of every bundle of one side, for one or many poses.

    Parameters
    ----------
    model : Model
    pose : mapping or PoseBatch
        Joint angles in degrees as for :func:`hipviz.evaluate` (1-D arrays make a sweep). Only
        the hip and knee of ``side`` matter: muscle paths do not depend on the other leg or on
        where the body is in the room.
    side : {"right", "left"}
    posture : str, optional
        A posture whose starting angles apply to the coordinates the pose does not name
        (tall kneeling: the knees at 90 deg).
    clamp : bool, default: True
        Clamp angles outside their range (with a warning each).

    Returns
    -------
    MomentArms

    Examples
    --------
    >>> import numpy as np, hipviz
    >>> model = hipviz.load_model()
    >>> ma = hipviz.moment_arms(model, {"flexion": np.linspace(0, 90, 4)})
    >>> ma.moment_arm.shape[0], ma.muscle_ids[0]
    (4, 'gluteus_maximus')
    """
    from .paths import path_kinematics

    check_model(model)
    if side not in ("right", "left"):
        raise ValueError(f"side must be 'right' or 'left', not {side!r}")
    c = side[0]
    defaults = model.posture(posture).pose if posture is not None else None
    poses = pose if isinstance(pose, PoseBatch) else make_poses(pose or {}, side=side, defaults=defaults,
                                                                ranges=model.ranges, clamp=clamp)
    q_hip = np.stack([poses[f"hip_flexion_{c}"], poses[f"hip_adduction_{c}"], poses[f"hip_rotation_{c}"]], axis=-1)
    out = path_kinematics(model.paths[c], q_hip, poses[f"knee_flexion_{c}"])
    ps = model.paths[c]
    warnings = list(poses.warnings)
    if not isinstance(pose, PoseBatch) and pose:
        matter = {f"hip_flexion_{c}", f"hip_adduction_{c}", f"hip_rotation_{c}", f"knee_flexion_{c}"}
        unused = [key for key in pose if resolve_name(key, side)[0] not in matter]
        if unused:
            warnings.append(f"not used: {', '.join(unused)} (the {side} side's moment arms depend only on its "
                            "hip and knee)")
    return MomentArms(side, tuple(ps.muscle_ids), tuple(ps.bundle_names), out["length"], out["moment_arm"],
                      tuple(warnings))
