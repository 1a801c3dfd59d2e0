"""Rotation matrices and Cardan angles, vectorised over leading axes.

Conventions follow the ISB joint coordinate system (Wu et al. 2002): the hip's
flexion, adduction and rotation are an intrinsic Z-X-Y Cardan sequence of the
femur relative to the pelvis (x anterior, y superior, z right).
"""
from __future__ import annotations

import numpy as np

__all__ = ["rot_x", "rot_y", "rot_z", "cardan_zxy", "cardan_zxy_angles", "cross", "MIRROR_Z", "MIRROR_POINT",
           "LEFT_LUMBAR_SIGNS"]

#: Reflection through the sagittal plane (z -> -z). ``MIRROR_Z @ R @ MIRROR_Z`` turns a
#: right-side rotation into the matching left-side one.
MIRROR_Z = np.diag([1.0, 1.0, -1.0])
#: The same reflection applied to points or vectors elementwise: ``p * MIRROR_POINT``.
MIRROR_POINT = np.array([1.0, 1.0, -1.0])
#: Lumbar (flexion, side-bend, rotation) in a left side's mirrored canonical frame: side-bend
#: and rotation change sign, flexion does not.
LEFT_LUMBAR_SIGNS = np.array([1.0, -1.0, -1.0])


def cross(a, b) -> np.ndarray:
    """Cross product of 3-vectors along the last axis, broadcasting (``np.cross`` without its
    axis bookkeeping, which costs more than the product for the small arrays of one pose).

    Examples
    --------
    >>> cross([1.0, 0.0, 0.0], [0.0, 1.0, 0.0]).tolist()
    [0.0, 0.0, 1.0]
    """
    a, b = np.asarray(a, float), np.asarray(b, float)
    a0, a1, a2 = a[..., 0], a[..., 1], a[..., 2]
    b0, b1, b2 = b[..., 0], b[..., 1], b[..., 2]
    x = a1 * b2 - a2 * b1
    out = np.empty(x.shape + (3,))  # filled in place: np.stack's bookkeeping costs more here
    out[..., 0] = x
    out[..., 1] = a2 * b0 - a0 * b2
    out[..., 2] = a0 * b1 - a1 * b0
    return out


def _axis_rotation(angle, i: int, j: int) -> np.ndarray:
    a = np.asarray(angle, dtype=float)
    c, s = np.cos(a), np.sin(a)
    out = np.zeros(a.shape + (3, 3))
    k = 3 - i - j
    out[..., k, k] = 1.0
    out[..., i, i] = c
    out[..., j, j] = c
    out[..., i, j] = -s
    out[..., j, i] = s
    return out


def rot_x(angle) -> np.ndarray:
    """Rotation about x by ``angle`` radians (right-hand rule); shape ``angle.shape + (3, 3)``."""
    return _axis_rotation(angle, 1, 2)


def rot_y(angle) -> np.ndarray:
    """Rotation about y by ``angle`` radians (right-hand rule); shape ``angle.shape + (3, 3)``."""
    return _axis_rotation(angle, 2, 0)


def rot_z(angle) -> np.ndarray:
    """Rotation about z by ``angle`` radians (right-hand rule); shape ``angle.shape + (3, 3)``."""
    return _axis_rotation(angle, 0, 1)


def cardan_zxy(a_z, a_x, a_y) -> np.ndarray:
    """Intrinsic Z-X-Y rotation ``Rz(a_z) @ Rx(a_x) @ Ry(a_y)``.

    Parameters
    ----------
    a_z, a_x, a_y : array_like, radians
        Broadcastable angles. For the right hip these are flexion, adduction and
        internal rotation.

    Returns
    -------
    (..., 3, 3) ndarray
    """
    return rot_z(a_z) @ rot_x(a_x) @ rot_y(a_y)


def cardan_zxy_angles(R) -> np.ndarray:
    """Inverse of :func:`cardan_zxy`.

    Parameters
    ----------
    R : (..., 3, 3) array_like
        Rotation matrices.

    Returns
    -------
    (..., 3) ndarray
        ``(a_z, a_x, a_y)`` in radians, with ``a_x`` in [-pi/2, pi/2].

    Examples
    --------
    >>> import numpy as np
    >>> R = cardan_zxy(0.3, -0.2, 0.1)
    >>> np.allclose(cardan_zxy_angles(R), [0.3, -0.2, 0.1])
    True
    """
    R = np.asarray(R, dtype=float)
    # R = Rz Rx Ry:  R[2,1] = sin(ax); R[0,1] = -sin(az) cos(ax); R[1,1] = cos(az) cos(ax)
    #                R[2,0] = -cos(ax) sin(ay); R[2,2] = cos(ax) cos(ay)
    a_x = np.arcsin(np.clip(R[..., 2, 1], -1.0, 1.0))
    a_z = np.arctan2(-R[..., 0, 1], R[..., 1, 1])
    a_y = np.arctan2(-R[..., 2, 0], R[..., 2, 2])
    return np.stack([a_z, a_x, a_y], axis=-1)
