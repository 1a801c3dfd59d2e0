"""Poses: named joint coordinates, degrees at the edges and radians inside.

A pose is given as a mapping from coordinate names to values in degrees (metres for the
pelvis translations). Values may be scalars or 1-D arrays: arrays make a batch of poses
(all arrays broadcast to one length), which is how movements and sweeps are evaluated
in one vectorised pass.

Names
-----
Every coordinate can be named three ways (:data:`POSE_NAMES` lists them all):

* **OpenSim's names, with OpenSim's signs** (Rajagopal et al. 2016): ``pelvis_tilt`` (+ posterior),
  ``pelvis_list`` (+ left side up), ``pelvis_rotation``, ``pelvis_tx/ty/tz``, ``lumbar_extension``,
  ``lumbar_bending``, ``lumbar_rotation``, ``hip_flexion_r``, ``hip_adduction_r``,
  ``hip_rotation_r``, ``knee_angle_r`` (+ flexion), ``ankle_angle_r`` (+ dorsiflexion),
  ``subtalar_angle_r`` (+ inversion), and ``_l``.
* **hipviz's clinical names** (the columns of :attr:`PoseBatch.q`, :data:`COORDINATES`):
  ``pelvis_anterior_tilt`` (+ anterior), ``pelvis_obliquity`` (+ right side up),
  ``lumbar_flexion``, ``knee_flexion_r``, ``hip_abduction_r`` (- adduction) ...
* **Short names for the moving side**: ``flexion``, ``adduction``, ``abduction``, ``rotation``,
  ``knee``, ``ankle``.

Naming one coordinate twice (``flexion`` and ``hip_flexion_r``) is an error, as is an unknown
name (the message suggests the closest valid ones).
"""
from __future__ import annotations

import difflib
import math
import reprlib
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Mapping

import numpy as np

__all__ = ["COORDINATES", "PELVIS_ANGLES", "SIDE_COORDINATES", "POSE_NAMES", "OPENSIM_NAMES", "PoseBatch", "PoseError",
           "clamp_poses", "load_ranges", "make_poses", "normalise_pose", "resolve_name"]

SIDE_COORDINATES = ("hip_flexion", "hip_adduction", "hip_rotation", "knee_flexion", "ankle_angle", "subtalar_angle")
BODY_COORDINATES = (
    "pelvis_anterior_tilt", "pelvis_obliquity", "pelvis_rotation",
    "pelvis_tx", "pelvis_ty", "pelvis_tz",
    "lumbar_flexion", "lumbar_bending", "lumbar_rotation",
)
#: Every coordinate of the rig, in the column order of :attr:`PoseBatch.q`.
COORDINATES: tuple[str, ...] = BODY_COORDINATES + tuple(
    f"{c}_{s}" for s in ("r", "l") for c in SIDE_COORDINATES
)
_INDEX = {name: i for i, name in enumerate(COORDINATES)}
#: The pelvis angles by their readout names (clinical signs: + anterior, + right up, + to the left).
PELVIS_ANGLES = {"tilt": "pelvis_anterior_tilt", "obliquity": "pelvis_obliquity", "rotation": "pelvis_rotation"}
_LINEAR = {"pelvis_tx", "pelvis_ty", "pelvis_tz"}
_SHORT = {"flexion": ("hip_flexion", 1.0), "adduction": ("hip_adduction", 1.0), "abduction": ("hip_adduction", -1.0),
          "rotation": ("hip_rotation", 1.0), "knee": ("knee_flexion", 1.0), "ankle": ("ankle_angle", 1.0)}


def _opensim_names() -> dict[str, tuple[str, float]]:
    out = {"pelvis_tilt": ("pelvis_anterior_tilt", -1.0), "pelvis_list": ("pelvis_obliquity", -1.0),
           "pelvis_rotation": ("pelvis_rotation", 1.0), "lumbar_extension": ("lumbar_flexion", -1.0),
           "lumbar_bending": ("lumbar_bending", 1.0), "lumbar_rotation": ("lumbar_rotation", 1.0)}
    for t in ("tx", "ty", "tz"):
        out[f"pelvis_{t}"] = (f"pelvis_{t}", 1.0)
    for s in ("r", "l"):
        for c in ("hip_flexion", "hip_adduction", "hip_rotation", "ankle_angle", "subtalar_angle"):
            out[f"{c}_{s}"] = (f"{c}_{s}", 1.0)
        out[f"knee_angle_{s}"] = (f"knee_flexion_{s}", 1.0)
    return out


#: OpenSim coordinate name -> (hipviz column, sign): value_hipviz = sign * value_opensim.
OPENSIM_NAMES: dict[str, tuple[str, float]] = _opensim_names()
#: Every full name accepted in a pose -> (column, sign). Short names are added per side.
POSE_NAMES: dict[str, tuple[str, float]] = {
    **OPENSIM_NAMES, **{c: (c, 1.0) for c in COORDINATES},
    **{f"hip_abduction_{s}": (f"hip_adduction_{s}", -1.0) for s in ("r", "l")},
}


def resolve_name(name: str, side: str = "right") -> tuple[str, float]:
    """The column and sign a pose name stands for (``PoseError`` with suggestions otherwise).

    Examples
    --------
    >>> resolve_name("pelvis_tilt")
    ('pelvis_anterior_tilt', -1.0)
    >>> resolve_name("knee", side="left")
    ('knee_flexion_l', 1.0)
    """
    if name in _SHORT:
        col, sign = _SHORT[name]
        return f"{col}_{_side_letter(side)}", sign
    if name in POSE_NAMES:
        return POSE_NAMES[name]
    if name + "_r" in POSE_NAMES:  # a side coordinate without its suffix: the moving side's
        col, sign = POSE_NAMES[name + "_r"]
        return col[:-1] + _side_letter(side), sign
    valid = sorted(set(POSE_NAMES) | set(_SHORT))
    close = difflib.get_close_matches(name, valid, n=3, cutoff=0.6)
    hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
    raise PoseError(f"unknown pose coordinate {name!r}; {hint}valid names: {', '.join(valid)}")


def _side_letter(side: str) -> str:
    if side not in ("right", "left", "r", "l"):
        raise PoseError(f"side must be 'right' or 'left', not {side!r}")
    return side[0]


class PoseError(ValueError):
    """A pose could not be understood (unknown coordinate, NaN, wrong shape)."""


def load_ranges() -> dict[str, tuple[float, float]]:
    """Ranges of every coordinate, in degrees (metres for translations).

    Returns
    -------
    dict
        ``{coordinate: (low, high)}`` for each name in :data:`COORDINATES`.
    """
    text = resources.files("hipviz.data").joinpath("ranges.toml").read_text()
    raw = tomllib.loads(text)["coordinates"]
    out = {}
    for name in COORDINATES:
        base = name[:-2] if name.endswith(("_r", "_l")) and name[:-2] in SIDE_COORDINATES else name
        lo, hi = raw[base]["range"]
        out[name] = (float(lo), float(hi))
    return out


@dataclass
class PoseBatch:
    """A batch of ``n`` poses.

    Attributes
    ----------
    q : (n, len(COORDINATES)) ndarray
        Coordinates in radians (metres for translations), after clamping.
    warnings : list of str
        One message per coordinate that was clamped into its range.
    """

    q: np.ndarray
    warnings: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        return self.q.shape[0]

    def __getitem__(self, name: str) -> np.ndarray:
        """Column ``name`` in radians (metres for translations), shape ``(n,)``."""
        return self.q[:, _INDEX[name]]

    def degrees(self, name: str) -> np.ndarray:
        """Column ``name`` in degrees (metres for translations), shape ``(n,)``."""
        col = self[name]
        return col if name in _LINEAR else np.degrees(col)

    def with_values(self, **radians: np.ndarray) -> "PoseBatch":
        """A copy with some columns replaced (values in radians, metres for translations)."""
        q = self.q.copy()
        for name, v in radians.items():
            q[:, _INDEX[name]] = v
        return PoseBatch(q, list(self.warnings))


#: Columns of the angles (every coordinate but the pelvis's translations).
_ANGLES = [i for i, c in enumerate(COORDINATES) if c not in _LINEAR]


def normalise_pose(values: Mapping[str, object]) -> dict:
    """The same pose with ``abduction`` written as ``adduction`` (sign turned); other keys kept.

    ``abduction`` is accepted everywhere for readability; code that stores poses by name
    (scenes, the window) keeps one spelling so that no value is lost.

    Examples
    --------
    >>> normalise_pose({"abduction": 20, "knee": 45})
    {'adduction': -20, 'knee': 45}
    """
    return {("adduction" if k == "abduction" else k): (-v if k == "abduction" else v) for k, v in values.items()}


def _expand(values: Mapping[str, object], side: str, where: str = "pose") -> dict[str, np.ndarray]:
    _side_letter(side)
    if not callable(getattr(values, "items", None)):  # a dict, or any mapping-like table (a data frame's columns)
        hint = (" (many poses: one mapping of arrays, e.g. {'flexion': [0, 45, 90]})"
                if isinstance(values, (list, tuple)) else "")
        raise PoseError(f"{where}: expected a mapping of coordinate names to degrees{hint}, "
                        f"found {type(values).__name__}")
    out: dict[str, np.ndarray] = {}
    given: dict[str, str] = {}
    for key, val in values.items():
        if not isinstance(key, str):
            raise PoseError(f"{where}: coordinate names must be text, found {key!r}")
        name, sign = resolve_name(key, side)
        if name in given:
            raise PoseError(f"{where}: {given[name]!r} and {key!r} both set {name}; give it once")
        given[name] = key
        if val is None or isinstance(val, (bool, np.bool_)) or isinstance(val, (dict, str, bytes)):
            raise PoseError(f"{where}: {key!r}: expected a number of degrees (or a list of them), found {reprlib.repr(val)}")
        kind = getattr(getattr(val, "dtype", None), "kind", "")
        listed = isinstance(val, (list, tuple)) and any(isinstance(v, (str, bytes, bool, np.bool_)) for v in val)
        if listed or kind in tuple("USbmM") or (np.ma.isMaskedArray(val) and np.ma.getmaskarray(val).any()):
            # text, true/false, times or masked values are not angles, even in an array
            raise PoseError(f"{where}: {key!r}: expected numbers of degrees, found {reprlib.repr(val)}")
        try:
            arr = np.asarray(val, dtype=float)
        except (TypeError, ValueError, OverflowError):
            raise PoseError(f"{where}: {key!r}: expected a number of degrees (or a list of them), found {reprlib.repr(val)}") from None
        if arr.ndim > 1:
            raise PoseError(f"{where}: {key!r} must be a number or a 1-D sequence, got shape {arr.shape}")
        if arr.size == 0:
            raise PoseError(f"{where}: {key!r} is empty; expected at least one angle")
        if not np.all(np.isfinite(arr)):
            raise PoseError(f"{where}: {key!r} contains NaN, infinity or an empty value (None)")
        if np.any(np.abs(arr) > 1e4):
            raise PoseError(f"{where}: {key!r}: {float(arr.flat[np.argmax(np.abs(arr))]):g} is not a plausible angle "
                            "(degrees) or position (metres)")
        out[name] = sign * arr
    return out


def make_poses(values: Mapping[str, object] | None = None, *, side: str = "right",
               defaults: Mapping[str, float] | None = None,
               ranges: Mapping[str, tuple[float, float]] | None = None,
               clamp: bool = True) -> PoseBatch:
    """Build a :class:`PoseBatch` from named values in degrees.

    Parameters
    ----------
    values : mapping, optional
        ``{coordinate: degrees}``; scalars or 1-D arrays (a batch). Unnamed coordinates
        take ``defaults`` or 0. The short names ``flexion``, ``adduction`` (``abduction``
        = minus adduction), ``rotation`` and ``knee`` address the hip and knee of ``side``.
    side : {"right", "left"}, default: "right"
        Side addressed by the short names.
    defaults : mapping, optional
        Values (degrees) for coordinates not in ``values``, e.g. a posture's starting pose.
    ranges : mapping, optional
        ``{coordinate: (low, high)}`` in degrees; defaults to :func:`load_ranges`.
    clamp : bool, default: True
        Clamp out-of-range values and report each in ``warnings``.

    Returns
    -------
    PoseBatch

    Raises
    ------
    PoseError
        Unknown names, NaN, or arrays of different lengths.

    Examples
    --------
    >>> p = make_poses({"flexion": [0, 45, 90], "knee": 90})
    >>> p.n, round(float(p.degrees("hip_flexion_r")[2]))
    (3, 90)
    """
    vals = _expand(values or {}, side)
    base = _expand(defaults or {}, "right")
    lengths = {v.size for v in vals.values() if v.ndim == 1}
    if len(lengths) > 1:
        sizes = ", ".join(f"{k!r} {np.size(v)}" for k, v in values.items() if np.ndim(v) == 1)
        raise PoseError(f"pose arrays have different lengths ({sizes}); give every array the same length")
    n = lengths.pop() if lengths else 1
    q = np.zeros((n, len(COORDINATES)))
    for name, arr in {**base, **vals}.items():
        q[:, _INDEX[name]] = arr
    q[:, _ANGLES] = np.radians(q[:, _ANGLES])
    batch = PoseBatch(q, [])
    return clamp_poses(batch, ranges) if clamp else batch


def clamp_poses(poses: PoseBatch, ranges: Mapping[str, tuple[float, float]] | None = None) -> PoseBatch:
    """Clamp every coordinate into its range, with one warning per coordinate clamped.

    Parameters
    ----------
    poses : PoseBatch
    ranges : mapping, optional
        ``{coordinate: (low, high)}`` in degrees (metres for translations); default
        :func:`load_ranges`.

    Returns
    -------
    PoseBatch
        A copy within range; its warnings are the input's plus the new ones.
    """
    ranges = ranges or load_ranges()
    if not callable(getattr(ranges, "items", None)):
        raise PoseError(f"ranges: expected a mapping of coordinate names to (low, high), found {type(ranges).__name__}")
    q = poses.q.copy()
    n = q.shape[0]
    warnings = list(poses.warnings)
    try:
        cols, lo_all, hi_all = _limits(tuple(ranges.items()))
    except TypeError:  # limits given as lists
        cols, lo_all, hi_all = _limits(tuple((k, tuple(v) if hasattr(v, "__iter__") else v) for k, v in ranges.items()))
    # every column at once first: most poses need no clamping at all
    bad_all = (q[:, cols] < lo_all - 1e-12) | (q[:, cols] > hi_all + 1e-12)
    if not bad_all.any():
        return PoseBatch(q, warnings)
    for k in np.flatnonzero(bad_all.any(axis=0)):  # in the ranges' order, as the warnings always came
        name, (lo_u, hi_u) = list(ranges.items())[k]
        j = _INDEX[name]
        linear = name in _LINEAR
        lo, hi = lo_all[k], hi_all[k]
        col = q[:, j]
        bad = bad_all[:, k]
        unit, conv = ("m", 1.0) if linear else ("deg", 180.0 / np.pi)
        worst = col[bad][np.argmax(np.abs(col[bad] - np.clip(col[bad], lo, hi)))]
        count = f" in {bad.sum()} of {n} poses" if n > 1 else ""
        warnings.append(f"{name} {worst * conv:g} {unit} is outside its range {lo_u:g} to {hi_u:g} {unit}; "
                        f"clamped to {np.clip(worst, lo, hi) * conv:g}{count}")
        q[:, j] = np.clip(col, lo, hi)
    return PoseBatch(q, warnings)


@lru_cache(maxsize=16)
def _limits(items: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Columns, low and high limits (radians, metres) of ``ranges.items()``: built once per ranges."""
    cols, lo, hi = [], [], []
    for name, limits in items:
        if name not in _INDEX:
            close = difflib.get_close_matches(str(name), COORDINATES, n=1)
            raise PoseError(f"ranges: unknown coordinate {name!r}" + (f"; did you mean {close[0]!r}?" if close else ""))
        try:
            lo_u, hi_u = (float(v) for v in limits)
        except (TypeError, ValueError):
            raise PoseError(f"ranges: {name!r}: expected (low, high), found {limits!r}") from None
        if not (math.isfinite(lo_u) and math.isfinite(hi_u) and lo_u <= hi_u):
            raise PoseError(f"ranges: {name!r}: expected finite (low, high) with low <= high, found {limits!r}")
        cols.append(_INDEX[name])
        a, b = (lo_u, hi_u) if name in _LINEAR else (np.radians(lo_u), np.radians(hi_u))
        lo.append(a)
        hi.append(b)
    out = np.array(cols, int), np.array(lo, float), np.array(hi, float)
    for a in out:
        a.setflags(write=False)
    return out
