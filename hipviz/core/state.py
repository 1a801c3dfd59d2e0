"""The evaluated state of a model: transforms, landmarks, muscle numbers, warnings."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .model import Model
from .pose import PoseBatch
from .postures import Posture

__all__ = ["State", "MuscleState", "SIDE_NAMES", "MUSCLE_MEASURES", "HIP_ARMS"]

#: Side codes as words.
SIDE_NAMES = {"r": "right", "l": "left"}
#: What a muscle's colour can show: ``"effort"`` (:attr:`MuscleState.activation`) or
#: ``"share"`` (:attr:`MuscleState.share`). The one list every layer validates against.
MUSCLE_MEASURES = ("effort", "share")
HIP_ARMS = ("flexion", "adduction", "rotation", "knee")
LUMBAR_ARMS = ("lumbar_flexion", "lumbar_bending", "lumbar_rotation")


def opensim_coordinates(poses, i: int = 0) -> dict[str, float]:
    """Every coordinate of pose ``i`` under its OpenSim name, with OpenSim's signs (degrees, metres)."""
    from .pose import _LINEAR, OPENSIM_NAMES

    out = {}
    for name, (col, sign) in OPENSIM_NAMES.items():
        v = sign * float(poses[col][i])
        out[name] = round(v if col in _LINEAR else float(np.degrees(v)), 5) + 0.0
    return out


def _bundle_entries(ms: "MuscleState", c: str, i: int, arm_names: tuple[str, ...], paths: bool) -> list[dict]:
    """JSON-ready description of every bundle of ``ms`` in pose ``i``."""
    out = []
    for b, (mid, bname) in enumerate(zip(ms.muscle_ids, ms.bundle_names)):
        entry = {
            "muscle": mid, "bundle": bname, "side": SIDE_NAMES[c],
            "max_force_n": round(float(ms.max_force[b]), 1),
            "force_capacity_n": round(float(ms.capacity[i, b]), 1) if ms.capacity is not None else None,
            "length_cm": round(float(ms.length[i, b] * 100), 3),
            "moment_arms_cm": {k: round(float(ms.moment_arm[i, b, j] * 100), 3) for j, k in enumerate(arm_names)},
        }
        if ms.activation is not None:
            entry["activation"] = round(float(ms.activation[i, b]), 4)
            if ms.share is not None:
                entry["share"] = round(float(ms.share[i, b]), 4)
            entry["role"] = str(ms.role[i, b])
        if paths and ms.paths is not None:
            entry["path"] = np.round(ms.paths[b][i], 5).tolist()
        out.append(entry)
    return out


@dataclass
class MuscleState:
    """Per-bundle numbers of one side for ``n`` poses.

    Attributes
    ----------
    muscle_ids, bundle_names : list of str
    max_force : (B,) ndarray, newtons
    length : (n, B) ndarray, metres
    moment_arm : (n, B, 4) ndarray, metres
        About hip flexion, hip adduction, hip internal rotation and knee flexion.
    paths : list of (n, k_b, 3) ndarray, optional
        Each bundle's polyline in the room frame (metres).
    capacity : (n, B) ndarray, optional
        Force capacity in this pose, newtons: maximal force times the active force-length
        factor (see :mod:`hipviz.core.force_length`).
    activation : (n, B) ndarray, optional
        Activation 0..1 when a movement was evaluated (see :mod:`hipviz.core.activation`).
    role : (n, B) ndarray of str, optional
        ``"agonist"``, ``"antagonist"``, ``"stabiliser"`` or ``"inactive"``.
    share : (n, B) ndarray, optional
        Each bundle's part (0..1) of the muscles' moment in the movement's direction (force x
        moment arm; see :func:`hipviz.core.activation.moment_share`); the bundles of one side
        sum to 1 when the muscles make a moment in that direction.
    """

    muscle_ids: list[str]
    bundle_names: list[str]
    max_force: np.ndarray
    length: np.ndarray
    moment_arm: np.ndarray
    paths: list[np.ndarray] | None = None
    capacity: np.ndarray | None = None
    activation: np.ndarray | None = None
    role: np.ndarray | None = None
    share: np.ndarray | None = None


@dataclass
class State:
    """Everything that depends on the pose, for ``n`` poses (see :func:`hipviz.evaluate`).

    Attributes
    ----------
    poses : PoseBatch
        The poses actually used (after clamping).
    transforms : dict
        ``{segment: (n, 4, 4)}`` bone-to-room transforms (metres).
    muscles : dict
        ``{"r": MuscleState, "l": MuscleState}``.
    thigh : dict
        ``{"r": (n, 3), "l": (n, 3)}`` thigh (femur) angles relative to the posture frame,
        radians, as flexion, adduction, internal rotation.
    trunk : dict
        ``{"r": MuscleState, "l": MuscleState}`` of the trunk muscles; their ``moment_arm``
        is (n, B, 3) about lumbar flexion, side-bend (+ right) and rotation (+ left), with the
        same signs on both sides (a left side-bender has a negative bending moment arm).
    movement : str or None
        The movement whose activations were computed (None: no activation).
    lock_pelvis : bool
    compensation : float
    pelvis_moved_deg : (n,) ndarray
        Angle the pelvis turned from its starting orientation (compensation).
    warnings : list of str
    contacts : ContactSet or None
        What rests on the floor (:mod:`hipviz.core.contacts`).
    floor_height : float or None
        Room height of the floor (0: the body was placed on its contacts; None: not placed).
    """

    model: Model
    poses: PoseBatch
    posture: Posture
    side: str
    transforms: dict[str, np.ndarray]
    muscles: dict[str, MuscleState]
    thigh: dict[str, np.ndarray]
    trunk: dict[str, MuscleState] = field(default_factory=dict)
    movement: str | None = None
    lock_pelvis: bool = True
    compensation: float = 0.5
    pelvis_moved_deg: np.ndarray | None = None
    warnings: list[str] = field(default_factory=list)
    contacts: object = None
    floor_height: float | None = None
    extra: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        """Number of poses."""
        return self.poses.n

    def peak(self, measure: str = "effort") -> float:
        """Largest activation (``"effort"``) or share (``"share"``) of any bundle, side and pose.

        Hip and trunk muscles of both sides count; 0 when no movement was evaluated.
        """
        if measure not in MUSCLE_MEASURES:
            raise ValueError(f"measure must be one of {', '.join(MUSCLE_MEASURES)}, found {measure!r}")
        peak = 0.0
        for table in (self.muscles, self.trunk or {}):
            for ms in table.values():
                v = ms.share if measure == "share" else ms.activation
                if v is not None and np.size(v):
                    peak = max(peak, float(np.max(v)))
        return peak

    def landmarks(self) -> dict[str, np.ndarray]:
        """Every landmark of every bone in the room frame.

        Returns
        -------
        dict
            ``{name: (n, 3) ndarray}`` in metres. Femur, tibia and trunk landmarks carry the
            side suffix (``greater_trochanter_r``); a point shared by two bones (the hip and
            knee centres) is listed once.
        """
        out: dict[str, np.ndarray] = {}
        for bone, table in self.model.landmarks.items():
            seg = bone
            T = self.transforms[seg]
            suffix = "_" + bone[-1] if bone.startswith(("femur", "tibia", "foot")) else ""
            origin = table.get("knee_center") if bone.startswith("tibia") else None
            for name, p in table.items():
                key = name if name.endswith(("_r", "_l")) else name + suffix
                if key in out:
                    continue
                local = p - origin if origin is not None else p
                if bone.startswith("femur"):
                    local = p - table["hip_center"]
                out[key] = np.einsum("pij,j->pi", T[:, :3, :3], local) + T[:, :3, 3]
        return out

    def asis_height(self) -> dict[str, np.ndarray]:
        """Height (room y, metres) of the right and left ASIS: ``{"right": (n,), "left": (n,)}``.

        Heights above the floor only when the body was placed on its contacts
        (:attr:`floor_height` 0; ``evaluate(..., with_paths=False)`` without a movement does not
        place it unless ``place=True``): otherwise above the hip centres' level in the posture's
        starting pose with the pelvis at the room's origin (their difference is right either way)."""
        T = self.transforms["pelvis"]
        pel = self.model.landmarks["pelvis"]
        return {side: T[:, 1, :3] @ pel[f"asis_{c}"] + T[:, 1, 3] for side, c in (("right", "r"), ("left", "l"))}

    def asis_shift(self) -> np.ndarray:
        """How far the right ASIS rose relative to the left since the posture's start, metres, (n,).

        The room-height difference of the two ASIS includes the posture itself (lying on the
        side, one ASIS is a pelvis-width above the other); this is the change from the posture
        with a neutral pelvis, the teacher's "has one side hiked?". Equal to the plain
        difference when standing.
        """
        pel = self.model.landmarks["pelvis"]
        R = self.posture.rotation
        neutral = float((R @ pel["asis_r"])[1] - (R @ pel["asis_l"])[1])
        h = self.asis_height()
        return (h["right"] - h["left"]) - neutral

    def to_dict(self, i: int = 0, *, side: str | None = None, paths: bool = True) -> dict:
        """A JSON-ready description of pose ``i`` (degrees, metres, centimetres as named).

        Parameters
        ----------
        i : int, default: 0
            Which pose of the batch.
        side : {"right", "left"}, optional
            Side whose hip, thigh and muscles are reported (default: the evaluated side).
        paths : bool, default: True
            Include each bundle's path points.
        """
        if side is not None and side not in SIDE_NAMES.values():
            raise ValueError(f"side: expected 'right' or 'left', found {side!r}")
        if isinstance(i, bool) or not isinstance(i, (int, np.integer)) or not -self.n <= i < self.n:
            raise IndexError(f"pose index: expected a whole number from 0 to {self.n - 1}, found {i!r}")
        c = (side or self.side)[0]
        p = self.poses
        deg = lambda name: round(float(p.degrees(name)[i]), 3) + 0.0  # noqa: E731  (+ 0.0: no "-0.0")
        thigh = np.degrees(self.thigh[c][i])
        lm = self.landmarks()
        other = "l" if c == "r" else "r"
        muscles = (_bundle_entries(self.muscles[c], c, i, HIP_ARMS, paths)
                   + _bundle_entries(self.muscles[other], other, i, HIP_ARMS, paths))
        trunk = [dict(e, group="trunk") for tc, ts in sorted(self.trunk.items())
                 for e in _bundle_entries(ts, tc, i, LUMBAR_ARMS, paths)]
        asis = self.asis_height()
        out = {
            "side": SIDE_NAMES[c],
            "posture": self.posture.name,
            "hip": {"flexion": deg(f"hip_flexion_{c}"), "adduction": deg(f"hip_adduction_{c}"),
                    "rotation": deg(f"hip_rotation_{c}")},
            "knee": {"flexion": deg(f"knee_flexion_{c}")},
            "pelvis": {"tilt": deg("pelvis_anterior_tilt"), "obliquity": deg("pelvis_obliquity"),
                       "rotation": deg("pelvis_rotation")},
            "lumbar": {"flexion": deg("lumbar_flexion"), "bending": deg("lumbar_bending"),
                       "rotation": deg("lumbar_rotation")},
            "thigh": {"flexion": round(float(thigh[0]), 3) + 0.0, "adduction": round(float(thigh[1]), 3) + 0.0,
                      "rotation": round(float(thigh[2]), 3) + 0.0},
            # above the floor only when the body was placed on it (else None: see asis_height)
            "asis_height_m": {k: round(float(v[i]), 5) if self.floor_height is not None else None
                              for k, v in asis.items()},
            "asis_difference_cm": round(float((asis["right"][i] - asis["left"][i]) * 100), 3),
            "asis_shift_cm": round(float(self.asis_shift()[i] * 100), 3) + 0.0,
            "pelvis_moved_deg": round(float(self.pelvis_moved_deg[i]), 3) if self.pelvis_moved_deg is not None else 0.0,
            "lock_pelvis": self.lock_pelvis,
            "compensation": self.compensation,
            "movement": self.movement,
            "coordinates": opensim_coordinates(p, i),
            "contacts": list(self.contacts.labels) if self.contacts is not None else [],
            "floor_height_m": self.floor_height,
            "ground_reaction_n": {label: round(float(f), 2) for label, f in
                                  zip(self.contacts.labels, self.extra["contact_force_n"][i])}
            if self.contacts is not None and "contact_force_n" in self.extra else {},
            "landmarks": {k: np.round(v[i], 5).tolist() for k, v in lm.items()},
            "muscles": muscles,
            "trunk_muscles": trunk,
            "warnings": list(self.warnings),
        }
        return out
