"""Signed distance fields on a regular grid (all lengths in millimetres).

A bone is a :class:`Field` (a grid of signed distances, negative inside)
into which primitives from :mod:`.shapes` are blended one after the other
with smooth union or smooth subtraction.  Each primitive is only evaluated
inside its own bounding box, which keeps the build fast.
"""
from __future__ import annotations

import numpy as np

FAR = 50.0
"""Value (mm) of the field far from any shape."""


def smin(a, b, k):
    """Polynomial smooth minimum (smooth union) of two distance arrays.

    Parameters
    ----------
    a, b : ndarray
        Signed distances (mm).
    k : float
        Blend radius (mm); ``k <= 0`` gives the plain minimum.

    Returns
    -------
    ndarray
        ``min(a, b)`` rounded off where the two are within ``k`` of each other.
    """
    if k <= 0:
        return np.minimum(a, b)
    h = np.clip(k - np.abs(a - b), 0.0, None) / k
    return np.minimum(a, b) - h * h * k * 0.25


def smax(a, b, k):
    """Polynomial smooth maximum (smooth intersection), see :func:`smin`."""
    return -smin(-a, -b, k)


def unit(v):
    """Return ``v`` (..., 3) scaled to unit length along the last axis."""
    v = np.asarray(v, float)
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def frame_from(axis, up=(0.0, 1.0, 0.0)):
    """Orthonormal frame whose third column is ``axis``.

    Parameters
    ----------
    axis : (3,) array_like
        Direction of the local z axis.
    up : (3,) array_like, default: (0, 1, 0)
        Hint for the local y axis (made orthogonal to ``axis``).

    Returns
    -------
    (3, 3) ndarray
        Columns are the local x, y, z axes in bone coordinates.
    """
    z = unit(axis)
    y = np.asarray(up, float) - np.dot(up, z) * z
    if np.linalg.norm(y) < 1e-6:
        y = np.array([1.0, 0.0, 0.0]) - z[0] * z
    y = unit(y)
    return np.column_stack([np.cross(y, z), y, z])


class Field:
    """Signed distance field sampled on a regular grid.

    Parameters
    ----------
    lo, hi : (3,) array_like, mm
        Corners of the box to sample (rounded outward to whole voxels).
    h : float
        Voxel size (mm).
    """

    def __init__(self, lo, hi, h):
        self.h = float(h)
        self.lo = np.asarray(lo, float)
        shape = np.ceil((np.asarray(hi, float) - self.lo) / self.h).astype(int) + 1
        self.values = np.full(tuple(shape), FAR, dtype=np.float32)
        self.axes = [self.lo[i] + self.h * np.arange(shape[i]) for i in range(3)]

    def _box(self, lo, hi):
        """Index slices of the grid nodes inside the box ``[lo, hi]``."""
        sl = []
        for i in range(3):
            a = int(np.floor((lo[i] - self.lo[i]) / self.h))
            b = int(np.ceil((hi[i] - self.lo[i]) / self.h)) + 1
            a, b = max(a, 0), min(b, self.values.shape[i])
            if a >= b:
                return None
            sl.append(slice(a, b))
        return tuple(sl)

    def _apply(self, prim, k, combine):
        """Evaluate ``prim`` in its box and combine it into the field."""
        lo, hi = prim.bounds()
        box = self._box(lo - k - 2 * self.h, hi + k + 2 * self.h)
        if box is None:
            return
        xs, ys, zs = (ax[s] for ax, s in zip(self.axes, box))
        pts = np.stack(np.meshgrid(xs, ys, zs, indexing="ij"), axis=-1).reshape(-1, 3)
        d = prim.sdf(pts).reshape(len(xs), len(ys), len(zs)).astype(np.float32)
        self.values[box] = combine(self.values[box], d)

    def union(self, prim, k=0.0):
        """Blend ``prim`` in with a smooth union of radius ``k`` (mm)."""
        self._apply(prim, k, lambda f, d: smin(f, d, k))

    def subtract(self, prim, k=0.0):
        """Carve ``prim`` out with a smooth subtraction of radius ``k`` (mm)."""
        self._apply(prim, k, lambda f, d: smax(f, -d, k))

    def mirrored_z(self):
        """Field over the full box built from a half field with z >= 0.

        The grid must start at z = 0; the result spans ``[-z_max, z_max]``
        and is exactly symmetric.

        Returns
        -------
        Field
        """
        if abs(self.lo[2]) > 1e-9:
            raise ValueError("half field must start at z = 0")
        full = Field.__new__(Field)
        full.h = self.h
        full.lo = np.array([self.lo[0], self.lo[1], -self.axes[2][-1]])
        full.values = np.concatenate([self.values[:, :, :0:-1], self.values], axis=2)
        full.axes = [full.lo[i] + full.h * np.arange(full.values.shape[i]) for i in range(3)]
        return full
