"""Lock pelvis, and how the pelvis compensates when it is free (lumbopelvic rhythm).

The learner asks for a movement of the thigh in the room. With the pelvis locked, the hip
alone moves (clamped to its range, with a warning). With the pelvis free, a share of the
movement, and all of whatever exceeds the hip's range, is taken by the pelvis and lumbar
spine following ``hipviz/data/compensation.toml``; the thigh then ends where it was asked.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from .kinematics import hip_rotation, pelvis_rotation
from .pose import COORDINATES, PoseBatch
from .rotations import MIRROR_Z, cardan_zxy_angles

__all__ = ["Rhythm", "load_rhythm", "compensate", "habit_pelvis"]


@dataclass(frozen=True)
class Rhythm:
    """Per-plane compensation rules (see ``compensation.toml``), degrees."""

    rules: dict

    def share(self, plane: str, thigh_deg: np.ndarray, strength: float) -> np.ndarray:
        """Degrees of pelvis for ``thigh_deg`` (>= 0) of thigh movement in ``plane``."""
        r = self.rules[plane]
        onset = r["onset_deg_supple"] + strength * (r["onset_deg_stiff"] - r["onset_deg_supple"])
        rate = r["rate_supple"] + strength * (r["rate_stiff"] - r["rate_supple"])
        return np.minimum(rate * np.maximum(thigh_deg - onset, 0.0), r["max_deg"])


@lru_cache(maxsize=8)
def load_rhythm() -> Rhythm:
    """Read ``hipviz/data/compensation.toml``."""
    text = resources.files("hipviz.data").joinpath("compensation.toml").read_text()
    return Rhythm(tomllib.loads(text))


def _pelvis_from_thigh(thigh: np.ndarray, side: str, rhythm: Rhythm, strength: float) -> np.ndarray:
    """Pelvis (tilt, obliquity, rotation) in degrees from thigh angles (degrees, canonical side)."""
    f, a, r = thigh[:, 0], thigh[:, 1], thigh[:, 2]
    tilt = -rhythm.share("flexion", np.maximum(f, 0), strength) + rhythm.share("extension", np.maximum(-f, 0), strength)
    hike = rhythm.share("abduction", np.maximum(-a, 0), strength) - rhythm.share("adduction", np.maximum(a, 0), strength)
    turn = rhythm.share("rotation", np.abs(r), strength) * np.sign(r)
    s = 1.0 if side == "r" else -1.0
    return np.column_stack([tilt, s * hike, s * turn])


def habit_pelvis(habit: str | None, side: str, thigh_flexion_deg: np.ndarray, rhythm: Rhythm,
                 strength: float) -> np.ndarray:
    """Pelvis (tilt, obliquity, rotation) degrees the posture's habit adds when the pelvis is free.

    ``habit`` is a posture's ``habit`` (``postures.toml``): ``"foot_lift"`` (standing: the moving
    side hikes and turns forward from the first degrees of thigh flexion), ``"step_r"`` or
    ``"step_l"`` (half-kneeling: the stepping side's ASIS rises), or None.
    """
    n = thigh_flexion_deg.shape[0]
    out = np.zeros((n, 3))
    h = rhythm.rules.get("habits", {})
    if habit == "foot_lift":
        s = 1.0 if side == "r" else -1.0
        ramp = np.clip(np.maximum(thigh_flexion_deg, 0.0) / h["foot_lift_ramp_deg"], 0.0, 1.0)
        out[:, 1] = s * strength * h["foot_lift_hike_deg"] * ramp
        out[:, 2] = s * strength * h["foot_lift_rotation_deg"] * ramp
    elif habit in ("step_r", "step_l"):
        out[:, 1] = (1.0 if habit == "step_r" else -1.0) * strength * h["step_hike_deg"]
    return out


def compensate(poses: PoseBatch, side: str, ranges: dict, *, lock_pelvis: bool, strength: float,
               rhythm: Rhythm | None = None, iterations: int = 4, habit: str | None = None) -> tuple[PoseBatch, dict]:
    """Turn requested thigh angles into hip, pelvis and lumbar angles.

    Parameters
    ----------
    poses : PoseBatch
        Requested angles, *unclamped*: the hip coordinates of ``side`` are the thigh
        movement asked for (relative to the posture frame); pelvis values are the
        starting pelvis posture.
    side : {"r", "l"}
        The moving leg.
    ranges : dict
        Coordinate ranges in degrees.
    lock_pelvis : bool
        True: the pelvis stays where it is and the hip is clamped to its range.
    strength : float
        Compensation strength 0..1 (ignored when locked).
    rhythm : Rhythm, optional
        Defaults to :func:`load_rhythm`.
    habit : str, optional
        The posture's pelvic habit (:func:`habit_pelvis`), added when the pelvis is free.

    Returns
    -------
    poses : PoseBatch
        The reached pose (all coordinates within range), with warnings.
    info : dict
        ``requested_thigh`` (n, 3) degrees, ``pelvis_moved_deg`` (n,) angle the pelvis
        turned away from its starting orientation.
    """
    if not 0.0 <= strength <= 1.0:
        raise ValueError(f"compensation strength must be between 0 and 1, found {strength:g}")
    rhythm = rhythm or load_rhythm()
    names = [f"hip_flexion_{side}", f"hip_adduction_{side}", f"hip_rotation_{side}"]
    other = "l" if side == "r" else "r"
    col = {n: i for i, n in enumerate(COORDINATES)}
    request = np.degrees(poses.q[:, [col[n] for n in names]])
    start = np.degrees(poses.q[:, [col[n] for n in ("pelvis_anterior_tilt", "pelvis_obliquity", "pelvis_rotation")]])
    lo = np.array([ranges[n][0] for n in names])
    hi = np.array([ranges[n][1] for n in names])
    warnings = list(poses.warnings)
    q = poses.q.copy()

    def R_pelvis(p):
        p = np.radians(p)
        return pelvis_rotation(p[:, 0], p[:, 1], p[:, 2])

    def hip_from(pelvis_deg, thigh_deg, leg):
        R_th = hip_rotation(*np.radians(thigh_deg).T, leg)
        R = np.swapaxes(R_pelvis(pelvis_deg), -1, -2) @ R_th
        if leg == "l":
            R = MIRROR_Z @ R @ MIRROR_Z
        return np.degrees(cardan_zxy_angles(R))

    other_thigh = np.degrees(poses.q[:, [col[f"hip_flexion_{other}"], col[f"hip_adduction_{other}"], col[f"hip_rotation_{other}"]]])
    if lock_pelvis:
        pelvis = start
        hip = np.clip(request, lo, hi)
        bad = np.abs(hip - request) > 1e-9
        for j, label in enumerate(("flexion", "adduction", "rotation")):
            if bad[:, j].any():
                k = int(np.argmax(np.abs(hip - request)[:, j]))
                warnings.append(f"with the pelvis locked the hip alone reaches {hip[k, j]:g} deg of {label} "
                                f"({names[j]}), not the {request[k, j]:g} deg asked for; unlock the pelvis to let it help")
        other_hip = other_thigh
    else:
        request = _within_reach(request, names, lo, hi, ranges, warnings)
        # the other thigh stays where it is in the room (standing or lying on it)
        R0 = R_pelvis(start)
        other_room = np.degrees(cardan_zxy_angles(_mirror(R0 @ hip_rotation(*np.radians(other_thigh).T, other), other)))
        req_room = np.degrees(cardan_zxy_angles(_mirror(R0 @ hip_rotation(*np.radians(request).T, side), side)))
        pelvis = (start + _pelvis_from_thigh(req_room, side, rhythm, strength)
                  + habit_pelvis(habit, side, req_room[:, 0], rhythm, strength))
        for _ in range(iterations):
            hip = hip_from(pelvis, req_room, side)
            over = hip - np.clip(hip, lo, hi)  # what the hip cannot do, the pelvis must
            if np.abs(over).max() < 1e-6:
                break
            # hip flexion = thigh flexion + anterior tilt; hip adduction = thigh adduction +
            # obliquity (right side up, mirrored on the left); hip rotation = thigh rotation -
            # pelvic rotation to the left (mirrored on the left)
            s = 1.0 if side == "r" else -1.0
            pelvis = pelvis + np.column_stack([-over[:, 0], -s * over[:, 1], s * over[:, 2]])
        plo = np.array([ranges[n][0] for n in ("pelvis_anterior_tilt", "pelvis_obliquity", "pelvis_rotation")])
        phi = np.array([ranges[n][1] for n in ("pelvis_anterior_tilt", "pelvis_obliquity", "pelvis_rotation")])
        pelvis = np.clip(pelvis, plo, phi)
        hip = np.clip(hip_from(pelvis, req_room, side), lo, hi)
        other_hip = hip_from(pelvis, other_room, other)
        reached = np.degrees(cardan_zxy_angles(_mirror(R_pelvis(pelvis) @ hip_rotation(*np.radians(hip).T, side), side)))
        miss = np.abs(reached - req_room).max(axis=1)
        if (miss > 0.5).any():
            k = int(np.argmax(miss))
            warnings.append(f"even with the pelvis helping, the thigh stops {miss[k]:.1f} deg short of the request")
    # keep the trunk upright: the lumbar spine takes up the pelvic movement (within its range)
    d = pelvis - start
    lumbar = np.degrees(poses.q[:, [col["lumbar_flexion"], col["lumbar_bending"], col["lumbar_rotation"]]])
    if not lock_pelvis:
        lumbar = lumbar + np.column_stack([-d[:, 0], d[:, 1], -d[:, 2]])
    for j, n in enumerate(("lumbar_flexion", "lumbar_bending", "lumbar_rotation")):
        lo, hi = ranges[n]
        out = (lumbar[:, j] < lo - 1e-9) | (lumbar[:, j] > hi + 1e-9)
        if out.any():
            k = int(np.argmax(np.abs(lumbar[:, j] - np.clip(lumbar[:, j], lo, hi))))
            warnings.append(f"{n} {lumbar[k, j]:g} deg is outside its range {lo:g} to {hi:g} deg; "
                            f"clamped to {np.clip(lumbar[k, j], lo, hi):g}")
        lumbar[:, j] = np.clip(lumbar[:, j], lo, hi)
    other_names = [f"hip_flexion_{other}", f"hip_adduction_{other}", f"hip_rotation_{other}"]
    olo = np.array([ranges[n][0] for n in other_names])
    ohi = np.array([ranges[n][1] for n in other_names])
    clipped = np.abs(other_hip - np.clip(other_hip, olo, ohi)).max(axis=1) > 0.5
    if not lock_pelvis and clipped.any():
        warnings.append(f"the {'left' if other == 'l' else 'right'} hip reaches the end of its range: that thigh "
                        "cannot stay where it was and leans with the pelvis")
    other_hip = np.clip(other_hip, olo, ohi)
    # every angle the compensation decided, back in radians in one assignment
    decided = names + other_names + ["pelvis_anterior_tilt", "pelvis_obliquity", "pelvis_rotation",
                                     "lumbar_flexion", "lumbar_bending", "lumbar_rotation"]
    q[:, [col[n] for n in decided]] = np.radians(np.concatenate([hip, other_hip, pelvis, lumbar], axis=1))
    R_start = R_pelvis(start)
    # locked, the pelvis is the start itself: its rotation need not be built twice
    moved = _angle_between(R_start, R_start if pelvis is start else R_pelvis(pelvis))
    return PoseBatch(q, warnings), {"requested_thigh": request, "pelvis_moved_deg": moved}


def _within_reach(request: np.ndarray, names: list[str], lo: np.ndarray, hi: np.ndarray, ranges: dict,
                  warnings: list[str]) -> np.ndarray:
    """Thigh requests (n, 3) degrees reduced to what the hip and the pelvis together can reach.

    The thigh's angle in the room is the hip's plus the pelvis's (hip flexion = thigh flexion +
    anterior tilt, and likewise sideways and in rotation), so no request beyond the sum of the
    two ranges can be met; such a request (``--flexion 400``) is reduced, with a warning that
    says so, instead of being wrapped round the circle (400 deg is not 40 deg).
    """
    tilt, obl, rot = (ranges[n] for n in ("pelvis_anterior_tilt", "pelvis_obliquity", "pelvis_rotation"))
    side_span = np.array([0.0, max(abs(obl[0]), abs(obl[1])), max(abs(rot[0]), abs(rot[1]))])
    reach_lo = lo - side_span - np.array([tilt[1], 0.0, 0.0])
    reach_hi = hi + side_span - np.array([tilt[0], 0.0, 0.0])
    out = np.clip(request, reach_lo, reach_hi)
    for j, label in enumerate(("flexion", "adduction", "rotation")):
        miss = np.abs(out[:, j] - request[:, j])
        if (miss > 1e-9).any():
            k = int(np.argmax(miss))
            count = f" (in {int((miss > 1e-9).sum())} of {len(miss)} poses)" if len(miss) > 1 else ""
            warnings.append(f"{request[k, j]:g} deg of {label} ({names[j]}) is more than the hip and the pelvis together "
                            f"can reach ({reach_lo[j]:g} to {reach_hi[j]:g} deg); reduced to {out[k, j]:g} deg{count}")
    return out


def _mirror(R: np.ndarray, leg: str) -> np.ndarray:
    return MIRROR_Z @ R @ MIRROR_Z if leg == "l" else R


def _angle_between(Ra: np.ndarray, Rb: np.ndarray) -> np.ndarray:
    c = (np.trace(np.swapaxes(Ra, -1, -2) @ Rb, axis1=-2, axis2=-1) - 1.0) / 2.0
    return np.degrees(np.arccos(np.clip(c, -1.0, 1.0)))
