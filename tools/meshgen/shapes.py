"""Shape primitives with signed distance functions (all lengths in mm).

Every primitive has ``bounds() -> (lo, hi)`` and ``sdf(points) -> (n,)``.
The workhorse is :class:`SphereCloud`, the union of many spheres, which
represents tubes of varying radius (:func:`tube`) and thick curved sheets
(:func:`sheet`) once their centre line or mid-surface is sampled densely.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.interpolate import CubicSpline, RectBivariateSpline
from scipy.spatial import cKDTree

from .sdf import FAR, smax, unit


@dataclass
class Ellipsoid:
    """Ellipsoid with centre, semi-axes and orientation (approximate SDF).

    Parameters
    ----------
    centre : (3,) array_like, mm
    radii : (3,) array_like, mm
        Semi-axes along the columns of ``rot``.
    rot : (3, 3) array_like, optional
        Columns are the ellipsoid's axes in bone coordinates (identity if
        omitted).
    """

    centre: np.ndarray
    radii: np.ndarray
    rot: np.ndarray | None = None

    def __post_init__(self):
        self.centre = np.asarray(self.centre, float)
        self.radii = np.asarray(self.radii, float)
        self.rot = np.eye(3) if self.rot is None else np.asarray(self.rot, float)

    def bounds(self):
        """Axis-aligned bounding box ``(lo, hi)`` in mm."""
        ext = np.sqrt(((self.rot * self.radii) ** 2).sum(axis=1))
        return self.centre - ext, self.centre + ext

    def sdf(self, p):
        """Approximate signed distance (Quilez) of points ``p`` (n, 3)."""
        q = (p - self.centre) @ self.rot
        k0 = np.linalg.norm(q / self.radii, axis=1)
        k1 = np.linalg.norm(q / self.radii ** 2, axis=1)
        return k0 * (k0 - 1.0) / np.maximum(k1, 1e-9)


@dataclass
class Capsule:
    """Cylinder with hemispherical ends from ``a`` to ``b`` of radius ``r``."""

    a: np.ndarray
    b: np.ndarray
    r: float

    def __post_init__(self):
        self.a = np.asarray(self.a, float)
        self.b = np.asarray(self.b, float)

    def bounds(self):
        """Axis-aligned bounding box ``(lo, hi)`` in mm."""
        return np.minimum(self.a, self.b) - self.r, np.maximum(self.a, self.b) + self.r

    def sdf(self, p):
        """Exact signed distance of points ``p`` (n, 3)."""
        ab = self.b - self.a
        t = np.clip((p - self.a) @ ab / max(ab @ ab, 1e-12), 0.0, 1.0)
        return np.linalg.norm(p - self.a - t[:, None] * ab, axis=1) - self.r


def sphere(centre, r):
    """Ball of radius ``r`` (mm) around ``centre``: a capsule of zero length."""
    return Capsule(centre, centre, r)


@dataclass
class RoundCylinder:
    """Cylinder with rounded edges (Quilez), e.g. a vertebral body.

    Parameters
    ----------
    centre : (3,) array_like, mm
    axis : (3,) array_like
        Direction of the cylinder axis.
    radius : float
        Radius including the rounding (mm).
    half_height : float
        Half the length along ``axis`` including the rounding (mm).
    rounding : float
        Radius of the rounded edges (mm).
    """

    centre: np.ndarray
    axis: np.ndarray
    radius: float
    half_height: float
    rounding: float

    def __post_init__(self):
        self.centre = np.asarray(self.centre, float)
        self.axis = unit(self.axis)

    def bounds(self):
        """Axis-aligned bounding box ``(lo, hi)`` in mm."""
        ext = max(self.radius, self.half_height) * 1.5
        return self.centre - ext, self.centre + ext

    def sdf(self, p):
        """Exact signed distance of points ``p`` (n, 3)."""
        d = p - self.centre
        along = d @ self.axis
        radial = np.linalg.norm(d - along[:, None] * self.axis, axis=1)
        qx = radial - (self.radius - self.rounding)
        qy = np.abs(along) - (self.half_height - self.rounding)
        outside = np.hypot(np.maximum(qx, 0), np.maximum(qy, 0))
        return outside + np.minimum(np.maximum(qx, qy), 0) - self.rounding


@dataclass
class CappedSphere:
    """Ball of radius ``r`` cut by the plane ``axis . (p - centre) = offset``.

    The part with ``axis . (p - centre) <= offset`` is kept, so a cup of
    outer radius ``r`` opening along ``axis`` remains once a smaller ball is
    subtracted.
    """

    centre: np.ndarray
    r: float
    axis: np.ndarray
    offset: float = 0.0

    def __post_init__(self):
        self.centre = np.asarray(self.centre, float)
        self.axis = unit(self.axis)

    def bounds(self):
        """Axis-aligned bounding box ``(lo, hi)`` in mm."""
        return self.centre - self.r, self.centre + self.r

    def sdf(self, p):
        """Signed distance (exact away from the rim) of points ``p`` (n, 3)."""
        d = p - self.centre
        return np.maximum(np.linalg.norm(d, axis=1) - self.r, d @ self.axis - self.offset)


@dataclass
class Cut:
    """A primitive cut by a plane, keeping the side ``normal . (p - point) <= 0``.

    Parameters
    ----------
    prim : primitive
        Anything with ``bounds()`` and ``sdf(points)``.
    point : (3,) array_like, mm
        A point on the cutting plane.
    normal : (3,) array_like
        Outward normal of the cut face.
    k : float, default: 3.0
        Rounding of the edge along the cut (mm).
    """

    prim: object
    point: np.ndarray
    normal: np.ndarray
    k: float = 3.0

    def bounds(self):
        """Bounding box of the uncut primitive."""
        return self.prim.bounds()

    def sdf(self, p):
        """Signed distance of points ``p`` (n, 3)."""
        plane = (p - np.asarray(self.point, float)) @ unit(self.normal)
        return smax(self.prim.sdf(p), plane, self.k)


class SphereCloud:
    """Union of many spheres: the base of tubes and thick sheets.

    Parameters
    ----------
    centres : (n, 3) array_like, mm
    radii : (n,) array_like, mm
    k_nearest : int, default: 8
        Number of nearest centres examined per query point; enough when the
        radii vary slowly between neighbouring spheres.
    """

    def __init__(self, centres, radii, *, k_nearest=8):
        self.centres = np.asarray(centres, float).reshape(-1, 3)
        self.radii = np.broadcast_to(np.asarray(radii, float), len(self.centres)).copy()
        self.k = min(k_nearest, len(self.centres))
        self.tree = cKDTree(self.centres)

    def bounds(self):
        """Axis-aligned bounding box ``(lo, hi)`` in mm."""
        r = self.radii[:, None]
        return (self.centres - r).min(axis=0), (self.centres + r).max(axis=0)

    def sdf(self, p):
        """Signed distance of points ``p`` (n, 3) to the union of spheres."""
        bound = self.radii.max() + FAR
        d, i = self.tree.query(p, k=self.k, distance_upper_bound=bound, workers=2)
        d = d.reshape(len(p), -1)
        i = i.reshape(len(p), -1)
        r = np.append(self.radii, 0.0)[i]
        out = np.where(np.isfinite(d), d - r, FAR).min(axis=1)
        return np.minimum(out, FAR)


def _arclength_param(points):
    """Cumulative chord length (n,) of a polyline (n, 3)."""
    seg = np.linalg.norm(np.diff(points, axis=0), axis=1)
    return np.concatenate([[0.0], np.cumsum(seg)])


def curve(points, *, step=0.6):
    """Smooth curve through control points (natural cubic spline).

    Parameters
    ----------
    points : (m, 3) array_like, mm
        Control points, passed through in order.
    step : float, default: 0.6
        Approximate spacing of the samples (mm).

    Returns
    -------
    samples : (n, 3) ndarray
        Points on the curve.
    s : (n,) ndarray
        Curve parameter in [0, 1] (normalised chord length) of each sample.
    t : (m,) ndarray
        Curve parameter of each control point.
    """
    pts = np.asarray(points, float)
    t = _arclength_param(pts)
    n = max(int(t[-1] / step) + 2, 4)
    t = t / t[-1]
    s = np.linspace(0.0, 1.0, n)
    return CubicSpline(t, pts, bc_type="natural")(s), s, t


def tube(points, radii, *, step=0.6):
    """Tube of varying radius along a smooth centre line.

    Parameters
    ----------
    points : (m, 3) array_like, mm
        Control points of the centre line.
    radii : float or (m,) array_like, mm
        Radius at each control point (linearly interpolated between them).
    step : float, default: 0.6
        Spacing of the spheres along the centre line (mm).

    Returns
    -------
    SphereCloud
    """
    samples, s, t = curve(points, step=step)
    r = np.interp(s, t, np.broadcast_to(np.asarray(radii, float), len(t)))
    return SphereCloud(samples, r)


def sheet(grid_points, half_thickness, *, step=0.8):
    """Thick curved sheet through a (rows, cols) grid of mid-surface points.

    The mid-surface is a smooth spline interpolation of the control grid; the
    sheet is the union of spheres on it, so its free edges are rounded.

    Parameters
    ----------
    grid_points : (r, c, 3) array_like, mm
        Mid-surface control points; rows run along v, columns along u.
    half_thickness : float or (r, c) array_like, mm
        Half the sheet thickness at each control point.
    step : float, default: 0.8
        Target spacing of the spheres on the mid-surface (mm).

    Returns
    -------
    SphereCloud
    """
    g = np.asarray(grid_points, float)
    nr, nc = g.shape[:2]
    th = np.broadcast_to(np.asarray(half_thickness, float), (nr, nc))
    v = np.linspace(0, 1, nr)
    u = np.linspace(0, 1, nc)
    kv, ku = min(3, nr - 1), min(3, nc - 1)
    splines = [RectBivariateSpline(v, u, g[..., i], kx=kv, ky=ku, s=0) for i in range(3)]
    tspline = RectBivariateSpline(v, u, th, kx=min(kv, 1), ky=min(ku, 1), s=0)
    len_u = max(_arclength_param(g[i])[-1] for i in range(nr))
    len_v = max(_arclength_param(g[:, j])[-1] for j in range(nc))
    vs = np.linspace(0, 1, max(int(len_v / step) + 2, 3))
    us = np.linspace(0, 1, max(int(len_u / step) + 2, 3))
    centres = np.stack([sp(vs, us) for sp in splines], axis=-1).reshape(-1, 3)
    radii = tspline(vs, us).reshape(-1)
    return SphereCloud(centres, radii)


def loft(ys, half_width, half_depth, x_centre):
    """Loft of stadium-shaped cross-sections stacked along y (a bone end).

    Each section is flat-sided across z (half-width of the flat part) and
    round-ended, as deep in x as twice ``half_depth``: a sheet in the
    coronal plane made as thick as the bone is deep.

    Parameters
    ----------
    ys, half_width, half_depth, x_centre : (m,) array_like, mm
        Height, half-width of the flat part, half-depth and antero-posterior
        centre of each section.

    Returns
    -------
    SphereCloud
    """
    ys, w, t, xc = (np.asarray(v, float) for v in (ys, half_width, half_depth, x_centre))
    zs = np.linspace(-1.0, 1.0, 5)
    rows = np.stack([np.column_stack([xc, ys, w * z]) for z in zs])
    return sheet(rows, np.tile(t, (len(zs), 1)))
