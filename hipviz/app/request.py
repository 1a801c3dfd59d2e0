"""What the window asks of the core: one pose and the options to evaluate it with (no Qt).

The pose is kept the way the user or a lesson step named it, by rig column (``hip_flexion_l``,
``pelvis_anterior_tilt`` ..., :data:`hipviz.core.pose.COORDINATES`, hipviz's signs) and only for
the coordinates somebody named. Those alone go to :func:`hipviz.evaluate`: every other
coordinate takes the posture's starting angle there and follows the body's placement on the
floor, exactly as with ``hipviz pose`` (a step may name any coordinate, in any of the accepted
spellings; they all arrive). The sliders show the moving side's hip and knee and the pelvis: the
named value, or the posture's starting angle.

Examples
--------
>>> from hipviz.core.postures import load_postures
>>> r = Request(load_postures())
>>> r.replace({}, posture="tall_kneeling", side="left")
>>> r.slider_values()["knee"], r.evaluate_args()[0]
(90.0, {})
>>> r.replace({"hip_flexion_l": 40, "knee": 30})
>>> r.slider_values()["flexion"], r.pose
(40.0, {'hip_flexion_l': 40.0, 'knee_flexion_l': 30.0})
"""
from __future__ import annotations

import math
from typing import Mapping

from hipviz.core.activation import movement_direction
from hipviz.core.pose import COORDINATES, PoseError, make_poses, resolve_name
from hipviz.core.request import RequestError as CoreRequestError
from hipviz.core.request import check_options

__all__ = ["DEFAULT_OPTIONS", "SLIDER_KEYS", "HIP_KEYS", "Request", "slider_column", "pose_columns",
           "start_angles", "mirrored", "RequestError"]

#: The pose sliders' keys: the moving side's hip and knee (short names), then the pelvis.
SLIDER_KEYS = ("flexion", "adduction", "rotation", "knee", "pelvis_anterior_tilt", "pelvis_obliquity", "pelvis_rotation")
#: Slider keys of the moving leg (the moment-arm plot can put them on its horizontal axis).
HIP_KEYS = SLIDER_KEYS[:4]
_SIDE_COLUMNS = {"flexion": "hip_flexion", "adduction": "hip_adduction", "rotation": "hip_rotation", "knee": "knee_flexion"}

DEFAULT_OPTIONS = {"side": "right", "posture": "standing", "movement": "flexion", "lock_pelvis": True,
                   "compensation": 0.5, "load_n": 0.0, "contacts": None}
#: Saved requests carry this; older ones (short names, every slider written) are read leniently.
_FORMAT = 2


class RequestError(ValueError):
    """An option the window cannot ask for (unknown name, wrong value)."""


def slider_column(key: str, side: str) -> str:
    """The rig column a slider moves: ``slider_column("knee", "left") == "knee_flexion_l"``."""
    if key in _SIDE_COLUMNS:
        return f"{_SIDE_COLUMNS[key]}_{side[0]}"
    if key in SLIDER_KEYS:
        return key
    raise KeyError(f"unknown pose slider {key!r}; expected one of {', '.join(SLIDER_KEYS)}")


def pose_columns(pose: Mapping[str, object], side: str) -> dict[str, float]:
    """One pose, any accepted names, as ``{column: value}`` (degrees, metres; hipviz's signs).

    Parameters
    ----------
    pose : mapping
        ``{name: number}`` with OpenSim's, hipviz's or the short names (see :mod:`hipviz.core.pose`).
    side : {"right", "left"}
        The moving side, addressed by the short names.

    Raises
    ------
    PoseError
        Unknown names (with a did-you-mean), one coordinate named twice, values that are not
        plausible numbers, or a list of values (the window shows one pose).

    Examples
    --------
    >>> pose_columns({"pelvis_tilt": 5, "abduction": 20}, "left")
    {'pelvis_anterior_tilt': -5.0, 'hip_adduction_l': -20.0}
    """
    make_poses(pose, side=side, clamp=False)  # the core's own checks and messages
    out = {}
    for name, value in pose.items():
        if not isinstance(value, (int, float)):
            raise PoseError(f"pose: {name!r}: the window shows one pose; expected one number, found {value!r}")
        column, sign = resolve_name(name, side)
        out[column] = sign * float(value) + 0.0
    return out


def start_angles(posture) -> dict[str, float]:
    """A posture's starting pose by column (what :func:`hipviz.evaluate` uses for unnamed coordinates)."""
    return pose_columns(posture.pose, "right")


def mirrored(columns: Mapping[str, float]) -> dict[str, float]:
    """The same named values with the legs swapped (``_r`` <-> ``_l``): the moving side changed."""
    swap = {"_r": "_l", "_l": "_r"}
    out = {}
    for c, v in columns.items():
        leg = c[-2:] in swap and c[:-2] + swap[c[-2:]] in COORDINATES
        out[c[:-2] + swap[c[-2:]] if leg else c] = v
    return out


def _check_option(name: str, value, postures) -> object:
    """The option's value, checked as :func:`hipviz.evaluate` checks it (:func:`hipviz.core.request.check_options`)."""
    if name not in DEFAULT_OPTIONS:
        raise RequestError(f"unknown option {name!r}; expected one of {', '.join(DEFAULT_OPTIONS)}")
    if name == "side" and value not in ("right", "left"):
        raise RequestError(f"side: expected 'right' or 'left', found {value!r}")
    try:
        checked = check_options({name: value}, postures=postures)
    except CoreRequestError as exc:
        raise RequestError(str(exc)) from None
    if name == "movement" and not (value is None or isinstance(value, str)):
        raise RequestError(f"movement: the window shows a named movement such as 'flexion', found {value!r}")
    return value if name == "movement" else getattr(checked, name)


class Request:
    """The window's request: the named pose (:attr:`pose`) and the evaluation options.

    Parameters
    ----------
    postures : mapping
        ``{name: Posture}`` (``model.postures``): for the starting angles the sliders show.

    Attributes
    ----------
    pose : dict
        ``{column: value}`` of the coordinates named by the user or a step (degrees, metres).
    options : dict
        ``side``, ``posture``, ``movement``, ``lock_pelvis``, ``compensation``, ``load_n``,
        ``contacts`` (None: the posture's).
    """

    def __init__(self, postures: Mapping) -> None:
        self.postures = postures
        self.pose: dict[str, float] = {}
        self.options: dict = dict(DEFAULT_OPTIONS)
        self._starts: dict[str, dict[str, float]] = {}

    # -- what the sliders show ---------------------------------------------------------------
    @property
    def side(self) -> str:
        return self.options["side"]

    def start(self) -> dict[str, float]:
        """The current posture's starting angles by column."""
        name = self.options["posture"]
        if name not in self._starts:
            self._starts[name] = start_angles(self.postures[name])
        return self._starts[name]

    def value(self, column: str) -> float:
        """A column's requested value: named, else the posture's starting angle, else 0."""
        if column in self.pose:
            return self.pose[column]
        return self.start().get(column, 0.0)

    def slider_values(self) -> dict[str, float]:
        """``{slider key: degrees}`` the pose sliders show."""
        start = self.start()
        out = {}
        for key in SLIDER_KEYS:
            c = slider_column(key, self.side)
            out[key] = self.pose.get(c, start.get(c, 0.0))
        return out

    # -- changes ---------------------------------------------------------------------------
    def set_slider(self, key: str, value: float) -> bool:
        """Name one slider's coordinate; returns whether the request changed."""
        c = slider_column(key, self.side)
        value = float(value)
        if not math.isfinite(value):
            raise PoseError(f"{key}: expected a number of degrees, found {value!r}")
        if c in self.pose and math.isclose(self.pose[c], value, abs_tol=1e-9):
            return False
        self.pose[c] = value
        return True

    def set_option(self, name: str, value) -> bool:
        """Change one option; returns whether the request changed.

        A new ``side`` takes the named leg values (and side-named contacts) along: the movement
        being taught moves to the other leg; a new ``posture`` forgets the named pose and the contacts, so the body
        and the sliders show the posture's starting angles.
        """
        value = _check_option(name, value, self.postures)
        if self.options[name] == value:
            return False
        if name == "side":
            self.pose = mirrored(self.pose)
            if self.options["contacts"] is not None:  # the same picture, mirrored: foot_l <-> foot_r
                swap = {"_r": "_l", "_l": "_r"}
                self.options["contacts"] = tuple(c[:-2] + swap[c[-2:]] if c[-2:] in swap else c
                                                 for c in self.options["contacts"])
        elif name == "posture":
            self.pose = {}
            self.options["contacts"] = None
        self.options[name] = value
        return True

    def replace(self, pose: Mapping[str, object] | None = None, **options) -> None:
        """Set several options, then (unless None) the whole named pose, resolved on the new side.

        Raises
        ------
        PoseError, RequestError
            Nothing is changed then.
        """
        opts = dict(self.options)
        for name, value in options.items():
            opts[name] = _check_option(name, value, self.postures)
        columns = pose_columns(pose, opts["side"]) if pose is not None else None
        self.options = opts
        if columns is not None:
            self.pose = columns

    def reset(self) -> None:
        """Nothing named; every option at its default."""
        self.pose = {}
        self.options = dict(DEFAULT_OPTIONS)

    # -- evaluation --------------------------------------------------------------------------
    def evaluate_args(self) -> tuple[dict[str, float], dict]:
        """``(pose, keyword arguments)`` for :func:`hipviz.evaluate`."""
        o = self.options
        return dict(self.pose), {"side": o["side"], "posture": o["posture"], "movement": o["movement"],
                                 "lock_pelvis": bool(o["lock_pelvis"]), "compensation": float(o["compensation"]),
                                 "load_n": float(o["load_n"]),
                                 "contacts": None if o["contacts"] is None else list(o["contacts"])}

    # -- persistence -----------------------------------------------------------------------
    def to_dict(self) -> dict:
        o = dict(self.options)
        o["contacts"] = None if o["contacts"] is None else list(o["contacts"])
        return {"format": _FORMAT, "pose": dict(self.pose), "options": o}

    def from_dict(self, data: Mapping) -> None:
        """Restore :meth:`to_dict` output, skipping anything unknown or malformed.

        Requests saved by older versions named every slider by its short name: their zeros
        were untouched sliders, not choices, and are dropped (the posture's angles apply).
        """
        opts = {}
        for name, value in (data.get("options") or {}).items():
            if name == "movement" and value is not None:
                try:
                    movement_direction(value)
                except (ValueError, TypeError):
                    continue
            if name in ("compensation", "load_n") and (isinstance(value, bool) or not isinstance(value, (int, float))):
                continue
            if name == "lock_pelvis" and not isinstance(value, bool):
                continue
            try:
                opts[name] = _check_option(name, value, self.postures)
            except (ValueError, TypeError):
                continue
        side = opts.get("side", self.side)
        old = data.get("format") != _FORMAT
        pose = {}
        for name, value in (data.get("pose") or {}).items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or (old and value == 0):
                continue
            try:
                pose.update(pose_columns({name: value}, side))
            except (PoseError, TypeError):
                continue
        self.replace(pose, **opts)
