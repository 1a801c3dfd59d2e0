"""Force capacity in the current pose: maximal force times the active force-length factor.

A teaching approximation, documented in ``docs/activation.md``: each bundle is taken to work
between 0.6 and 1.4 times its optimal fibre length over the full range of motion (its
shortest and longest lengths over a grid of hip and knee angles), the broad span measured
for most limb muscles (Burkholder & Lieber 2001). The active force-length curve is a Gaussian
of width 0.5 around the optimum, so a muscle at either end of its range keeps about half its
force: this is active insufficiency (hamstrings with the knee bent and the hip extended,
rectus femoris and TFL in deep hip flexion).
"""
from __future__ import annotations

import numpy as np

__all__ = ["length_range", "force_length_factor", "SHORTEST", "LONGEST", "WIDTH"]

SHORTEST, LONGEST, WIDTH = 0.6, 1.4, 0.5


def length_range(kinematics, q_ranges_deg: dict, *, steps: tuple[int, int, int, int] = (12, 6, 6, 8)) -> tuple[np.ndarray, np.ndarray]:
    """Shortest and longest length of every bundle over a grid of hip and knee angles.

    Parameters
    ----------
    kinematics : callable
        ``kinematics(q_hip (n, 3) rad, q_knee (n,) rad) -> lengths (n, B)``.
    q_ranges_deg : dict
        ``{"flexion": (lo, hi), "adduction": ..., "rotation": ..., "knee": ...}``, degrees.
    steps : tuple of int
        Grid points per coordinate.

    Returns
    -------
    (B,) ndarray, (B,) ndarray
        Minimum and maximum length, metres.
    """
    axes = [np.radians(np.linspace(*q_ranges_deg[k], s)) for k, s in
            zip(("flexion", "adduction", "rotation", "knee"), steps)]
    grid = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, 4)
    L = kinematics(grid[:, :3], grid[:, 3])
    return L.min(axis=0), L.max(axis=0)


def force_length_factor(length: np.ndarray, shortest: np.ndarray, longest: np.ndarray) -> np.ndarray:
    """Active force-length factor (0..1] of each bundle at ``length`` (any leading shape).

    Examples
    --------
    >>> import numpy as np
    >>> f = force_length_factor(np.array([[1.0, 2.0, 3.0]]), np.ones(3), 3 * np.ones(3))
    >>> np.round(f, 2).tolist()
    [[0.53, 1.0, 0.53]]
    """
    span = np.maximum(longest - shortest, 1e-6)
    norm = SHORTEST + (LONGEST - SHORTEST) * (np.asarray(length) - shortest) / span
    return np.exp(-(((norm - 1.0) / WIDTH) ** 2))
