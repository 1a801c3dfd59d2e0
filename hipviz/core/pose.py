"""Poses: named joint coordinates, degrees at the edges and radians inside.

A pose is given as a mapping from coordinate names to values in degrees (metres for the
pelvis translations). Values may be scalars or 1-D arrays: arrays make a batch of poses
(all arrays broadcast to one length), which is how movements and sweeps are evaluated
in one vectorised pass.

Coordinate names are those in ``hipviz/data/ranges.toml``; the side-specific ones take a
suffix: ``hip_flexion_r``, ``knee_flexion_l`` ... For convenience ``flexion``,
``adduction``, ``rotation`` and ``knee`` refer to the hip and knee of ``side``.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from typing import Mapping

import numpy as np

__all__ = ["COORDINATES", "SIDE_COORDINATES", "PoseBatch", "PoseError", "clamp_poses", "load_ranges", "make_poses",
           "normalise_pose"]

SIDE_COORDINATES = ("hip_flexion", "hip_adduction", "hip_rotation", "knee_flexion")
BODY_COORDINATES = (
    "pelvis_tilt", "pelvis_obliquity", "pelvis_rotation",
    "pelvis_tx", "pelvis_ty", "pelvis_tz",
    "lumbar_flexion", "lumbar_bending", "lumbar_rotation",
)
#: Every coordinate of the rig, in the column order of :attr:`PoseBatch.q`.
COORDINATES: tuple[str, ...] = BODY_COORDINATES + tuple(
    f"{c}_{s}" for s in ("r", "l") for c in SIDE_COORDINATES
)
_INDEX = {name: i for i, name in enumerate(COORDINATES)}
_LINEAR = {"pelvis_tx", "pelvis_ty", "pelvis_tz"}
_SHORT = {"flexion": "hip_flexion", "adduction": "hip_adduction", "rotation": "hip_rotation",
          "knee": "knee_flexion", "abduction": "hip_adduction"}


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


def _expand(values: Mapping[str, object], side: str) -> dict[str, np.ndarray]:
    if side not in ("right", "left", "r", "l"):
        raise PoseError(f"side must be 'right' or 'left', not {side!r}")
    suffix = "_" + side[0]
    out: dict[str, np.ndarray] = {}
    for key, val in values.items():
        name = key
        if key in _SHORT:
            name = _SHORT[key] + suffix
        elif key in SIDE_COORDINATES:
            name = key + suffix
        if name not in _INDEX:
            known = ", ".join(sorted(set(COORDINATES) | set(_SHORT)))
            raise PoseError(f"unknown pose coordinate {key!r}; expected one of: {known}")
        try:
            arr = np.asarray(val, dtype=float)
        except (TypeError, ValueError):
            raise PoseError(f"pose coordinate {key!r}: expected a number of degrees (or a list of them), found {val!r}") from None
        if key == "abduction":
            arr = -arr
        if arr.ndim > 1:
            raise PoseError(f"pose coordinate {key!r} must be a number or a 1-D sequence, got shape {arr.shape}")
        if not np.all(np.isfinite(arr)):
            raise PoseError(f"pose coordinate {key!r} contains NaN or infinity")
        out[name] = arr
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
        raise PoseError(f"pose arrays have different lengths: {sorted(lengths)}")
    n = lengths.pop() if lengths else 1
    q = np.zeros((n, len(COORDINATES)))
    for name, arr in {**base, **vals}.items():
        q[:, _INDEX[name]] = arr
    ang = [i for i, c in enumerate(COORDINATES) if c not in _LINEAR]
    q[:, ang] = np.radians(q[:, ang])
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
    q = poses.q.copy()
    n = q.shape[0]
    warnings = list(poses.warnings)
    for name, (lo_u, hi_u) in ranges.items():
        j = _INDEX[name]
        linear = name in _LINEAR
        lo, hi = (lo_u, hi_u) if linear else (np.radians(lo_u), np.radians(hi_u))
        col = q[:, j]
        bad = (col < lo - 1e-12) | (col > hi + 1e-12)
        if bad.any():
            unit, conv = ("m", 1.0) if linear else ("deg", 180.0 / np.pi)
            worst = col[bad][np.argmax(np.abs(col[bad] - np.clip(col[bad], lo, hi)))]
            count = f" in {bad.sum()} of {n} poses" if n > 1 else ""
            warnings.append(f"{name} {worst * conv:g} {unit} is outside its range {lo_u:g} to {hi_u:g} {unit}; "
                            f"clamped to {np.clip(worst, lo, hi) * conv:g}{count}")
            q[:, j] = np.clip(col, lo, hi)
    return PoseBatch(q, warnings)
