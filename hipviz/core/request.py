"""One place that checks what is asked of :func:`hipviz.evaluate`: the options besides the pose.

The API, the command line, lesson files and the window all ask through :func:`check_options`,
so a value is accepted or refused the same way everywhere, with one message that names the field
(as the caller spells it: ``--load``, ``lesson.toml step 3.load_n``, ``load_n``), says what was
expected and shows what was found. Poses are checked by :func:`hipviz.core.pose.make_poses`
(names, duplicates, finite and plausible numbers); angles outside a joint's range are clamped there
with a warning that says so.

Examples
--------
>>> check_options({"lock_pelvis": False, "load_n": 20}).load_n
20.0
>>> check_options({"lock_pelvis": "no"})
Traceback (most recent call last):
...
hipviz.core.request.RequestError: lock_pelvis: expected true or false, found 'no'
>>> check_options({"load_n": 1e300}, labels={"load_n": "--load"})
Traceback (most recent call last):
...
hipviz.core.request.RequestError: --load: expected a weight between 0 and 5000 N, found 1e+300
"""
from __future__ import annotations

import difflib
import math
import numbers
from dataclasses import dataclass, fields
from typing import Mapping

import numpy as np

__all__ = ["EvaluateOptions", "RequestError", "check_options", "check_number", "did_you_mean", "LIMITS"]

#: (low, high, unit text) of the numeric options.
LIMITS = {
    "compensation": (0.0, 1.0, "a number between 0 and 1 (0 supple, 1 very stiff)"),
    "load_n": (0.0, 5000.0, "a weight between 0 and 5000 N"),
    "effort_nm": (0.0, 500.0, "a moment between 0 and 500 N m"),
    "body_mass_kg": (20.0, 250.0, "a body mass between 20 and 250 kg"),
}
_SIDES = {"right": "right", "left": "left", "r": "right", "l": "left"}
_LOAD_POINTS = ("ankle", "knee")
#: How static optimisation counts the cost (see :func:`hipviz.core.activation.muscle_weights`).
CRITERIA = ("muscles", "bundles")


class RequestError(ValueError):
    """An option of a request is of the wrong type, not finite, out of range or unknown.

    Attributes
    ----------
    field : str
        The option's name as the caller spells it (``--load``, ``step 2.load_n`` ...).
    """

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def did_you_mean(word: str, choices, n: int = 1) -> str:
    """``" (did you mean 'x'?)"`` for the closest of ``choices``, or ``""``.

    Examples
    --------
    >>> did_you_mean("piriformiss", ["piriformis", "gracilis"])
    " (did you mean 'piriformis'?)"
    """
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=n, cutoff=0.6)
    return f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _scalar(value):
    """A 0-d numpy array as its element (``np.array(0.5)`` is 0.5); anything else as it is."""
    return value.item() if isinstance(value, np.ndarray) and value.ndim == 0 else value


def check_flag(value, label: str, *, allow_none: bool = False):
    """``value`` as a bool (None kept when ``allow_none``), or :class:`RequestError`: ``"no"``
    or 1 are not true or false here."""
    value = _scalar(value)
    if allow_none and value is None:
        return None
    if not isinstance(value, (bool, np.bool_)):
        raise RequestError(f"{label}: expected true or false, found {_short(value)}", label)
    return bool(value)


def check_number(value, label: str, lo: float, hi: float, expected: str) -> float:
    """``value`` as a float, or :class:`RequestError` unless it is a finite real in ``[lo, hi]``.

    Booleans and text are refused (``True`` is not a weight, ``"3"`` is not a number here); a
    numpy scalar or 0-d array is a number.
    """
    value = _scalar(value)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise RequestError(f"{label}: expected {expected}, found {_short(value)}", label)
    v = float(value)
    if not math.isfinite(v) or not lo <= v <= hi:
        raise RequestError(f"{label}: expected {expected}, found {v:g}", label)
    return v


def _movement(value, label: str):
    from .activation import movement_direction  # numpy only; late to keep this module light

    if value is None:
        return None
    if isinstance(value, str):
        if value.strip().lower() == "auto":
            return value
        try:
            movement_direction(value)
        except ValueError as exc:
            raise RequestError(f"{label}: {exc}", label) from None
        return value
    if isinstance(value, (Mapping, bytes, bool)) or not hasattr(value, "__len__"):
        raise RequestError(f"{label}: expected a movement name such as 'flexion' or 'circumduction:90' "
                           f"(or 4 numbers: flexion, adduction, rotation, knee), found {_short(value)}", label)
    if any(isinstance(v, (bool, str, bytes)) or not isinstance(v, numbers.Real) for v in value):
        raise RequestError(f"{label}: a movement vector needs 4 finite numbers (flexion, adduction, rotation, knee), "
                           f"found {_short(value)}", label)
    try:
        movement_direction(value)
    except ValueError as exc:
        raise RequestError(f"{label}: {exc}", label) from None
    return tuple(float(v) for v in value)


def _contacts(value, label: str, side: str):
    from .contacts import resolve_contacts

    if value is None:
        return None
    if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, "__iter__"):
        raise RequestError(f"{label}: expected a list of names such as ['feet'] or ['foot_r', 'knee_l'], "
                           f"found {_short(value)}", label)
    value = tuple(value)
    if not value or not all(isinstance(c, str) for c in value):
        raise RequestError(f"{label}: expected a list of names such as ['feet'] or ['foot_r', 'knee_l'], "
                           f"found {_short(list(value))}", label)
    try:
        resolve_contacts(value, side[0])
    except ValueError as exc:
        raise RequestError(f"{label}: {exc}", label) from None
    return value


@dataclass(frozen=True)
class EvaluateOptions:
    """Validated options of :func:`hipviz.evaluate` (everything but the pose).

    Attributes
    ----------
    side : {"right", "left"}
    posture : str
    movement : str, (4,) tuple of float or None
    lock_pelvis : bool
    compensation : float, 0..1
    load_n : float, newtons, 0..5000
    load_point : {"ankle", "knee"}
    effort_nm : float, newton metres, 0..500
    body_mass_kg : float or None, 20..250
    contacts : tuple of str or None
    criterion : {"muscles", "bundles"}
        The sum of squared activations over muscles (a muscle drawn as several bundles counts
        once) or over the drawn bundles, each as its own actuator.
    """

    side: str = "right"
    posture: str = "standing"
    movement: object = None
    lock_pelvis: bool = True
    compensation: float = 0.5
    load_n: float = 0.0
    load_point: str = "ankle"
    effort_nm: float = 10.0
    body_mass_kg: float | None = None
    contacts: tuple[str, ...] | None = None
    criterion: str = "muscles"

    @property
    def side_code(self) -> str:
        """``"r"`` or ``"l"``."""
        return self.side[0]


OPTION_NAMES = tuple(f.name for f in fields(EvaluateOptions))


def check_options(values: Mapping[str, object], *, postures=None,
                  labels: Mapping[str, str] | None = None, prefix: str = "") -> EvaluateOptions:
    """Check the options of a request and return them validated.

    Parameters
    ----------
    values : mapping
        Any of :class:`EvaluateOptions`' fields; the others take their defaults.
    postures : iterable of str, optional
        The known posture names (``model.postures``); without it the posture is only checked
        to be text.
    labels : mapping, optional
        ``{field: how the user spells it}`` for the messages (``{"load_n": "--load"}``).
    prefix : str, optional
        Put before the field name in messages (``"lesson.toml step 3."``).

    Returns
    -------
    EvaluateOptions

    Raises
    ------
    RequestError
        The first option that is wrong: an unknown name (with a did-you-mean), a value of the
        wrong type (``lock_pelvis="no"``), not finite, or out of range.
    """
    labels = labels or {}

    def label(name: str) -> str:
        return labels.get(name, prefix + name)

    unknown = [k for k in values if k not in OPTION_NAMES]
    if unknown:
        k = unknown[0]
        raise RequestError(f"{label(k)}: unknown option{did_you_mean(k, OPTION_NAMES)}; expected some of "
                           f"{', '.join(OPTION_NAMES)}", label(k))
    out = {}
    side = values.get("side", "right")
    if not isinstance(side, str) or side not in _SIDES:
        raise RequestError(f"{label('side')}: expected 'right' or 'left', found {_short(side)}", label("side"))
    out["side"] = _SIDES[side]
    posture = values.get("posture", "standing")
    if not isinstance(posture, str):
        raise RequestError(f"{label('posture')}: expected a posture name such as 'standing', found {_short(posture)}",
                           label("posture"))
    if postures is not None and posture not in postures:
        raise RequestError(f"{label('posture')}: expected one of {', '.join(postures)}, found unknown posture "
                           f"{posture!r}{did_you_mean(posture, postures)}", label("posture"))
    out["posture"] = posture
    out["movement"] = _movement(values.get("movement"), label("movement"))
    out["lock_pelvis"] = check_flag(values.get("lock_pelvis", True), label("lock_pelvis"))
    for name, (lo, hi, expected) in LIMITS.items():
        if name in values and not (name == "body_mass_kg" and values[name] is None):
            out[name] = check_number(values[name], label(name), lo, hi, expected)
    point = values.get("load_point", "ankle")
    if point not in _LOAD_POINTS:
        raise RequestError(f"{label('load_point')}: expected 'ankle' or 'knee', found {_short(point)}", label("load_point"))
    out["load_point"] = point
    out["contacts"] = _contacts(values.get("contacts"), label("contacts"), out["side"])
    criterion = values.get("criterion", "muscles")
    if criterion not in CRITERIA:
        raise RequestError(f"{label('criterion')}: expected 'muscles' or 'bundles', found {_short(criterion)}"
                           f"{did_you_mean(str(criterion), CRITERIA)}", label("criterion"))
    out["criterion"] = criterion
    return EvaluateOptions(**out)
