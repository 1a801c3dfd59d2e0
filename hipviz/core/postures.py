"""Body postures: the body's orientation relative to gravity and its starting joint angles."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources

import numpy as np

from .rotations import rot_x, rot_y, rot_z

__all__ = ["Posture", "load_postures", "PostureError"]

_AXES = {"x": rot_x, "y": rot_y, "z": rot_z}


class PostureError(ValueError):
    """An unknown posture name or a malformed posture file."""


@dataclass(frozen=True)
class Posture:
    """A posture.

    Attributes
    ----------
    name : str
        Identifier, e.g. ``"side_lying"``.
    label : str
        Human-readable name.
    rotation : (3, 3) ndarray
        Rotation of the body's frame in the room (room y is up).
    pose : dict
        Starting joint angles in degrees.
    trunk_supported : bool
        The upper body rests on the floor or the arms (lying, quadruped).
    floor : bool
        The legs rest on the floor in the starting pose (lying, kneeling, quadruped).
    contacts : tuple of str
        What rests on the floor (see :mod:`hipviz.core.contacts`); ``{other}`` is the side
        that does not move.
    habit : str or None
        The pelvic habit shown when the pelvis is free (:func:`hipviz.core.compensation.habit_pelvis`).
    """

    name: str
    label: str
    rotation: np.ndarray
    pose: dict = field(default_factory=dict)
    trunk_supported: bool = False
    floor: bool = False
    contacts: tuple[str, ...] = ()
    habit: str | None = None

    @property
    def gravity_in_body(self) -> np.ndarray:
        """Unit vector of gravity in the posture's body frame, shape (3,)."""
        return self.rotation.T @ np.array([0.0, -1.0, 0.0])


def load_postures() -> dict[str, Posture]:
    """Read ``hipviz/data/postures.toml``.

    Returns
    -------
    dict
        ``{name: Posture}`` in file order.
    """
    path = resources.files("hipviz.data").joinpath("postures.toml")
    raw = tomllib.loads(path.read_text())
    out = {}
    for name, spec in raw.items():
        R = np.eye(3)
        for step in spec.get("rotate", []):
            try:
                axis, deg = step
                R = _AXES[axis](np.radians(float(deg))) @ R
            except (KeyError, ValueError, TypeError) as exc:
                raise PostureError(f"postures.toml [{name}] rotate: expected [axis, degrees] with axis x, y or z, found {step!r}") from exc
        out[name] = Posture(name, spec.get("label", name), R, dict(spec.get("pose", {})),
                            bool(spec.get("trunk_supported", False)), bool(spec.get("floor", False)),
                            tuple(spec.get("contacts", ())), spec.get("habit"))
    return out
