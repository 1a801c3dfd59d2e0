"""Camera presets of the 3D view, in the room frame (x anterior, y up, z right)."""
from __future__ import annotations

import math

__all__ = ["VIEWS", "VIEW_ANGLE_DEG", "view_preset"]

#: Vertical field of view (degrees) of every preset: narrow, so that little perspective
#: distortion creeps into the anatomical views.
VIEW_ANGLE_DEG = 20.0

_s = 1.0 / math.sqrt(1.0 + 0.45 ** 2 + 0.8 ** 2)

#: name -> {"direction": unit vector from the body towards the camera, "up": screen up}.
#: "front" looks at the body from in front (its right on the picture's left, as when facing
#: a client); "right"/"side" from its right, "top" from above with the front at the top of the
#: picture; "oblique" from front-right and a little above.
VIEWS: dict[str, dict[str, tuple[float, float, float]]] = {
    "front": {"direction": (1.0, 0.0, 0.0), "up": (0.0, 1.0, 0.0)},
    "back": {"direction": (-1.0, 0.0, 0.0), "up": (0.0, 1.0, 0.0)},
    "right": {"direction": (0.0, 0.0, 1.0), "up": (0.0, 1.0, 0.0)},
    "left": {"direction": (0.0, 0.0, -1.0), "up": (0.0, 1.0, 0.0)},
    "side": {"direction": (0.0, 0.0, 1.0), "up": (0.0, 1.0, 0.0)},
    "top": {"direction": (0.0, 1.0, 0.0), "up": (1.0, 0.0, 0.0)},
    "oblique": {"direction": (1.0 * _s, 0.45 * _s, 0.8 * _s), "up": (0.0, 1.0, 0.0)},
}


def view_preset(name: str) -> dict[str, tuple[float, float, float]]:
    """The preset called ``name`` (ValueError listing the presets otherwise)."""
    try:
        return VIEWS[name]
    except KeyError:
        raise ValueError(f"unknown view {name!r}; expected one of: {', '.join(VIEWS)}") from None
