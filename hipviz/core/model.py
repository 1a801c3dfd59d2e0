"""The model: bones with landmarks, joint centres, ranges, postures and muscles.

A :class:`Model` is built once (:func:`load_model`) and never changed by posing; every
pose-dependent quantity comes from ``evaluate(model, pose)``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from .._paths import shipped_dir
from .landmarks import LandmarkError, read_landmarks
from .muscles import MuscleSpec, load_muscle_specs
from .force_length import length_range
from .paths import PathSet, compile_paths, path_kinematics
from .pose import load_ranges
from .rotations import MIRROR_POINT
from .postures import Posture, load_postures

__all__ = ["Model", "load_model", "BONE_FILES", "FOOT_FILES", "FOOT_LANDMARKS", "canonical_landmarks"]

#: Bone name -> (landmark kind, file stem).
BONE_FILES = {
    "pelvis": ("pelvis", "pelvis"),
    "femur_r": ("femur", "femur_r"), "femur_l": ("femur", "femur_l"),
    "tibia_r": ("tibia", "tibia_r"), "tibia_l": ("tibia", "tibia_l"),
}
#: Foot name -> file stem. Feet are optional in a bones folder: without them the shipped feet are used.
FOOT_FILES = {"foot_r": "foot_r", "foot_l": "foot_l"}
#: Landmarks every foot file must have (millimetres in the file, foot frame): the ankle centre
#: (frame origin) and the points that rest on the floor.
FOOT_LANDMARKS = ("ankle_center", "heel", "first_metatarsal_head", "fifth_metatarsal_head", "hallux_tip")


@dataclass
class Model:
    """An assembled hip model.

    Attributes
    ----------
    landmarks : dict
        ``{bone: {name: (3,) ndarray}}`` in metres, in each bone's own frame. Bones are
        ``pelvis``, ``femur_r``, ``femur_l``, ``tibia_r``, ``tibia_l``, ``foot_r``, ``foot_l``
        (and ``trunk``). Foot frames: origin at the ankle centre, x anterior, y up along the
        tibia with the ankle at 0, z right; the sole plane is at y = -0.078 m.
    mesh_files : dict
        ``{bone: Path}`` of the surface meshes (loaded only by the renderer).
    joints : dict
        Joint centres in parent frames (metres), see :func:`hipviz.core.kinematics.segment_transforms`.
    ranges : dict
        ``{coordinate: (low, high)}`` in degrees.
    postures : dict
        ``{name: Posture}``.
    muscles : list of MuscleSpec
        The hip muscles in display order.
    paths : dict
        ``{"r": PathSet, "l": PathSet}`` compiled muscle paths for each side.
    trunk_muscles, trunk_paths : list, dict
        The trunk muscles that take over when the pelvis compensates, and their paths.
    canonical : dict
        ``{"r"|"l": landmarks}`` in each side's right-handed canonical frames.
    """

    landmarks: dict[str, dict[str, np.ndarray]]
    mesh_files: dict[str, Path]
    joints: dict[str, np.ndarray]
    ranges: dict[str, tuple[float, float]]
    postures: dict[str, Posture]
    muscles: list[MuscleSpec]
    paths: dict[str, PathSet] = field(default_factory=dict)
    trunk_muscles: list[MuscleSpec] = field(default_factory=list)
    trunk_paths: dict[str, PathSet] = field(default_factory=dict)
    canonical: dict[str, dict] = field(default_factory=dict)
    #: values derived once from the model and reused by evaluate (never part of its meaning)
    cache: dict = field(default_factory=dict, repr=False, compare=False)
    #: things the user should know about how the model was built (a bones folder without a
    #: mesh, so that bone is not drawn ...); the command line prints them, the window shows them
    notes: list[str] = field(default_factory=list, compare=False)

    def muscle(self, muscle_id: str) -> MuscleSpec:
        """The muscle with identifier ``muscle_id`` (KeyError with the known ids otherwise)."""
        for m in self.muscles + self.trunk_muscles:
            if m.id == muscle_id:
                return m
        raise KeyError(f"no muscle {muscle_id!r}; known: {', '.join(m.id for m in self.muscles)}")

    def posture(self, name: str) -> Posture:
        """The posture called ``name`` (ValueError listing the known postures otherwise)."""
        try:
            return self.postures[name]
        except KeyError:
            raise ValueError(f"unknown posture {name!r}; expected one of: {', '.join(self.postures)}") from None


def _sided(table: dict[str, np.ndarray], s: str, flip: np.ndarray) -> dict[str, np.ndarray]:
    other = "l" if s == "r" else "r"
    out = {}
    for name, p in table.items():
        if name.endswith("_" + s):
            out[name[:-2]] = p * flip
        elif name.endswith("_" + other):
            out[name[:-2] + "_contra"] = p * flip
        else:
            out[name] = p * flip
    return out


def canonical_landmarks(landmarks: dict[str, dict[str, np.ndarray]], side: str) -> dict[str, dict[str, np.ndarray]]:
    """Landmarks of one side in right-handed canonical frames, without side suffixes.

    For the left side every position is mirrored (z -> -z), so that right-side muscle data
    apply unchanged. Pelvis landmarks of the other side keep their names with ``_contra``.
    """
    s = side[0]
    flip = MIRROR_POINT if s == "l" else np.ones(3)
    return {
        "pelvis": _sided(landmarks["pelvis"], s, flip),
        "femur": {k: v * flip for k, v in landmarks[f"femur_{s}"].items()},
        "tibia": {k: v * flip for k, v in landmarks[f"tibia_{s}"].items()},
        "trunk": _sided(landmarks["trunk"], s, flip),
    }


def load_model(mesh_dir: str | Path | None = None, *, muscle_dir: str | Path | None = None) -> Model:
    """Load the default model, or one built on bones and muscles of your own.

    Parameters
    ----------
    mesh_dir : str or Path, optional
        Folder with ``pelvis``, ``femur_r/l``, ``tibia_r/l`` landmark files
        (``NAME.landmarks.toml``) and meshes (``NAME.ply``). Default: the shipped bones.
        ``foot_r/l`` files are optional there: a foot whose landmark file the folder lacks is
        the shipped one (mesh and landmarks). To use your own meshes in other formats or
        frames, see :mod:`hipviz.io.bones`.
    muscle_dir : str or Path, optional
        Folder of muscle TOML files. Default: the shipped 21 hip muscles.

    Returns
    -------
    Model

    Examples
    --------
    >>> model = load_model()
    >>> len(model.muscles)
    21
    """
    folder = Path(mesh_dir) if mesh_dir is not None else shipped_dir("meshes")
    if not folder.is_dir():
        what = "is a file" if folder.exists() else "does not exist"
        raise LandmarkError(f"{folder}: {what}; expected a folder of bone files (pelvis.landmarks.toml, "
                            "femur_r.landmarks.toml ... and their .ply meshes), such as one written by hipviz import-bones")
    landmarks, meshes, notes = {}, {}, []
    for bone, (kind, stem) in BONE_FILES.items():
        landmarks[bone] = read_landmarks(folder / f"{stem}.landmarks.toml", kind)
        mesh = folder / f"{stem}.ply"
        if mesh.is_file():
            _check_ply(mesh)
            meshes[bone] = mesh
        else:
            notes.append(f"{folder} has no {stem}.ply: the {bone.replace('_r', ' (right)').replace('_l', ' (left)')} "
                         "is not drawn (its landmarks are used)")
    for bone, stem in FOOT_FILES.items():
        src = folder if (folder / f"{stem}.landmarks.toml").exists() else shipped_dir("meshes")
        landmarks[bone] = _read_foot(src / f"{stem}.landmarks.toml")
        if (src / f"{stem}.ply").exists():
            meshes[bone] = src / f"{stem}.ply"
    landmarks["trunk"] = read_landmarks(resources.files("hipviz.data").joinpath("trunk.landmarks.toml"))
    model = assemble_model(landmarks, meshes, muscle_dir=muscle_dir)
    model.notes.extend(notes)
    return model


def _check_ply(path: Path) -> None:
    """A quick look at a bone mesh's first bytes: a PLY file starts with ``ply`` (the renderer reads the rest)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise LandmarkError(f"{path}: cannot read the mesh ({exc.strerror or exc})") from None
    if not head.startswith(b"ply") or b"end_header" not in head:
        raise LandmarkError(f"{path}: not a PLY mesh (a PLY file starts with 'ply' and a header); "
                            "write the folder with hipviz import-bones")


def _read_foot(path: Path) -> dict[str, np.ndarray]:
    """Landmarks of a foot file, checked for the ankle centre and the contact points."""
    table = read_landmarks(path)
    missing = [n for n in FOOT_LANDMARKS if n not in table]
    if missing:
        raise LandmarkError(f"{path}: missing required foot landmark(s): {', '.join(missing)}")
    return table


def knee_axis_offset() -> np.ndarray:
    """Where the knee's flexion axis passes, metres from the femur's knee centre (right side's
    frame), from ``segments.toml`` ``[knee]``."""
    import tomllib

    raw = tomllib.loads(resources.files("hipviz.data").joinpath("segments.toml").read_text(encoding="utf-8"))
    return np.asarray(raw["knee"]["flexion_axis_offset_mm"], float) * 1e-3


def assemble_model(landmarks: dict, meshes: dict, *, muscle_dir=None) -> Model:
    """Build a :class:`Model` from landmark tables (metres, bone frames) and mesh files."""
    pel = landmarks["pelvis"]
    joints = {
        "hip_center_r": pel["hip_center_r"], "hip_center_l": pel["hip_center_l"],
        "lumbosacral_joint": pel["lumbosacral_joint"],
        "knee_center_r": landmarks["femur_r"]["knee_center"] - landmarks["femur_r"]["hip_center"],
        "knee_center_l": landmarks["femur_l"]["knee_center"] - landmarks["femur_l"]["hip_center"],
        "ankle_center_r": landmarks["tibia_r"]["ankle_center"] - landmarks["tibia_r"]["knee_center"],
        "ankle_center_l": landmarks["tibia_l"]["ankle_center"] - landmarks["tibia_l"]["knee_center"],
    }
    axis = knee_axis_offset()
    joints["knee_axis_offset_r"], joints["knee_axis_offset_l"] = axis, axis * np.array([1.0, 1.0, -1.0])
    specs = load_muscle_specs(muscle_dir)
    trunk = load_muscle_specs(package="hipviz.data.trunk_muscles", order=None)
    model = Model(landmarks, meshes, joints, load_ranges(), load_postures(), specs, trunk_muscles=trunk)
    for s in ("r", "l"):
        model.canonical[s] = canonical_landmarks(landmarks, s)
        model.paths[s] = compile_paths(specs, model.canonical[s], knee_axis_offset=axis)
        model.trunk_paths[s] = compile_paths(trunk, model.canonical[s], knee_axis_offset=axis)
    return model


def attach_length_ranges(model: Model, s: str) -> None:
    """Shortest and longest lengths of every bundle over the joints' ranges (for force-length).

    Computed the first time a force capacity is needed (a few tenths of a second), not when the
    model loads, so that a moment-arm sweep never pays for it.
    """
    if model.paths[s].shortest is not None:
        return
    r = model.ranges
    rng = {"flexion": r[f"hip_flexion_{s}"], "adduction": r[f"hip_adduction_{s}"],
           "rotation": r[f"hip_rotation_{s}"], "knee": r[f"knee_flexion_{s}"]}
    ps = model.paths[s]
    ps.shortest, ps.longest = length_range(lambda q, k: path_kinematics(ps, q, k)["length"], rng)
    tp = model.trunk_paths[s]
    lum = {"flexion": r["lumbar_flexion"], "adduction": r["lumbar_bending"], "rotation": r["lumbar_rotation"],
           "knee": (0.0, 0.0)}
    tp.shortest, tp.longest = length_range(
        lambda q, k: path_kinematics(tp, np.zeros_like(q), k, q)["length"], lum, steps=(8, 6, 5, 1))


def check_model(model) -> None:
    """Raise TypeError unless ``model`` is a :class:`Model` (the first argument of
    :func:`hipviz.evaluate` and :func:`hipviz.moment_arms`)."""
    if not isinstance(model, Model):
        raise TypeError(f"model: expected a hipviz.Model (from hipviz.load_model()), found {type(model).__name__}")
