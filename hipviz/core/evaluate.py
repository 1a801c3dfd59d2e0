"""``evaluate(model, pose) -> State``: everything pose-dependent, for one or many poses."""
from __future__ import annotations

from typing import Mapping

import numpy as np

from .kinematics import segment_transforms
from .model import Model
from .paths import path_kinematics
from .pose import PoseBatch, make_poses
from .rotations import MIRROR_Z, cardan_zxy_angles
from .state import MuscleState, State

__all__ = ["evaluate", "SIDES"]

SIDES = {"right": "r", "left": "l", "r": "r", "l": "l"}


def _side_code(side: str) -> str:
    try:
        return SIDES[side]
    except KeyError:
        raise ValueError(f"side must be 'right' or 'left', not {side!r}") from None


def evaluate(model: Model, pose: Mapping[str, object] | PoseBatch | None = None, *,
             side: str = "right", posture: str = "standing", with_paths: bool = True) -> State:
    """Evaluate the model in one or many poses.

    Parameters
    ----------
    model : Model
        From :func:`hipviz.load_model`.
    pose : mapping or PoseBatch, optional
        Joint angles in degrees, e.g. ``{"flexion": 90, "knee": 45}``; values may be
        1-D arrays to evaluate a whole movement at once (see :func:`hipviz.core.pose.make_poses`).
        Out-of-range values are clamped and reported in ``State.warnings``.
    side : {"right", "left"}, default: "right"
        The side addressed by the short names (``flexion`` ...) and reported first.
    posture : str, default: "standing"
        A posture from ``model.postures``; its starting angles apply to coordinates the
        pose does not name.
    with_paths : bool, default: True
        Compute drawable muscle paths (turn off for fast sweeps of numbers only).

    Returns
    -------
    State

    Examples
    --------
    >>> import hipviz
    >>> model = hipviz.load_model()
    >>> state = hipviz.evaluate(model, {"flexion": [0, 90]})
    >>> state.n
    2
    """
    s = _side_code(side)
    post = model.posture(posture)
    if isinstance(pose, PoseBatch):
        poses = pose
    else:
        poses = make_poses(pose or {}, side="right" if s == "r" else "left",
                           defaults=post.pose, ranges=model.ranges)
    transforms = segment_transforms(model.joints, poses, post.rotation)
    T_pel = transforms["pelvis"]
    muscles = {}
    for c in ("r", "l"):
        q_hip = np.stack([poses[f"hip_flexion_{c}"], poses[f"hip_adduction_{c}"], poses[f"hip_rotation_{c}"]], axis=-1)
        q_lum = np.stack([poses["lumbar_flexion"], poses["lumbar_bending"], poses["lumbar_rotation"]], axis=-1)
        if c == "l":
            q_lum = q_lum * np.array([1.0, -1.0, -1.0])
        ps = model.paths[c]
        out = path_kinematics(ps, q_hip, poses[f"knee_flexion_{c}"], q_lum, with_paths=with_paths)
        paths = None
        if with_paths:
            flip = np.array([1.0, 1.0, -1.0]) if c == "l" else np.ones(3)
            R, t = T_pel[:, :3, :3], T_pel[:, :3, 3]
            paths = [np.einsum("pij,pkj->pki", R, p * flip) + t[:, None, :] for p in out["paths"]]
        muscles[c] = MuscleState(ps.muscle_ids, ps.bundle_names, ps.max_force, out["length"],
                                 out["moment_arm"], paths)
    thigh = {}
    post_R = post.rotation
    for c in ("r", "l"):
        R = post_R.T @ transforms[f"femur_{c}"][:, :3, :3]
        if c == "l":
            R = MIRROR_Z @ R @ MIRROR_Z
        thigh[c] = cardan_zxy_angles(R)
    return State(model=model, poses=poses, posture=post, side=s, transforms=transforms,
                 muscles=muscles, thigh=thigh, warnings=list(poses.warnings))
