"""The floor under the body: a soft oval with a faint 10 cm grid, fading out at its rim.

The floor is scenery: not pickable, not part of the camera fit. It lies at the state's
``floor_height`` (the height the body's contacts were placed on) or, for a state that was not
placed, just under the lowest point of the posed bones. Its size and centre follow the body's
footprint in the room; the geometry is rebuilt only when the footprint comes near the rim or
the floor has become much larger than it needs (not every few centimetres while a leg swings
in a drag); its height moves the actor's matrix.
"""
from __future__ import annotations

import numpy as np
from vtkmodules.vtkCommonMath import vtkMatrix4x4
from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper

from .bones import set_matrix
from .style import RenderStyle

__all__ = ["Floor", "floor_height", "floor_disc", "GRID_STEP_M"]

#: Spacing of the grid lines (metres), fixed in the room: the grid shows how far the body moves.
GRID_STEP_M = 0.10
_RINGS, _SECTORS = 10, 72
_FADE_START = 0.55  # fraction of the radius where the fade to the rim begins
_LIFT_M = 0.0015    # grid lines just above the disc, so that they never flicker into it
_MARGIN_M, _MIN_RADIUS_M = 0.15, 0.32  # floor beyond the body's footprint; smallest semi-axis
_REBUILD_SLACK_M = 0.2  # a floor up to this much larger than the footprint needs is kept


def floor_height(state, i: int, lowest: float | None) -> float:
    """Room height (metres) of the floor for pose ``i``.

    ``state.floor_height`` if the state has one (a float, or one per pose), else ``lowest``
    (the lowest point of the posed bones), else 0.
    """
    h = getattr(state, "floor_height", None)
    if h is not None:
        h = np.asarray(h, float)
        return float(h if h.ndim == 0 else h.reshape(-1)[min(i, h.size - 1)])
    return 0.0 if lowest is None else float(lowest)


def _fade(r: np.ndarray) -> np.ndarray:
    """Opacity factor 1 inside ``_FADE_START`` of the radius, smoothly 0 at the rim (r in 0..1)."""
    t = np.clip((r - _FADE_START) / (1.0 - _FADE_START), 0.0, 1.0)
    return 1.0 - t * t * (3.0 - 2.0 * t)


def floor_disc(centre_xz, radii_xz, *, step: float = GRID_STEP_M):
    """Oval disc and grid lines of the floor, in a frame at floor height (y = 0).

    Parameters
    ----------
    centre_xz : (2,) array_like
        Room x and z of the disc's centre (metres); the grid lines lie at whole multiples of
        ``step`` in room coordinates.
    radii_xz : (2,) array_like
        Semi-axes of the oval along room x and z (metres).
    step : float, default: 0.1
        Grid spacing (metres).

    Returns
    -------
    points : (m, 3) ndarray
        Room x, 0 (disc) or a hair above (lines), room z.
    polys, lines : ndarray
        VTK cell arrays of the disc's triangles and the grid's polylines.
    radial : (m,) ndarray
        Elliptic distance of each point from the centre (0 centre .. 1 rim), for the fade.
    is_line : (m,) bool ndarray
    """
    cx, cz = (float(v) for v in centre_xz)
    rx, rz = (float(v) for v in radii_xz)
    th = 2 * np.pi * np.arange(_SECTORS) / _SECTORS
    rr = np.arange(1, _RINGS + 1)[:, None] / _RINGS
    ring = np.stack([cx + rx * rr * np.cos(th), np.zeros((_RINGS, _SECTORS)), cz + rz * rr * np.sin(th)], -1)
    disc = np.vstack([[cx, 0.0, cz], ring.reshape(-1, 3)])
    s = np.arange(_SECTORS)
    s1 = (s + 1) % _SECTORS
    tris = [np.stack([np.zeros(_SECTORS, int), 1 + s1, 1 + s], -1)]  # wound to face up (+y)
    for k in range(_RINGS - 1):
        a, b = 1 + k * _SECTORS + s, 1 + k * _SECTORS + s1
        c, d = a + _SECTORS, b + _SECTORS
        tris += [np.stack([a, b, d], -1), np.stack([a, d, c], -1)]
    tris = np.concatenate(tris)
    polys = np.hstack([np.full((len(tris), 1), 3), tris]).ravel()
    # grid lines (room-fixed), each sampled so that its opacity can fade towards the rim
    pts, cells, n0 = [], [], len(disc)
    for axis in (0, 2):
        (c_here, r_here), (c_other, r_other) = ((cx, rx), (cz, rz)) if axis == 0 else ((cz, rz), (cx, rx))
        for v in np.arange(np.ceil((c_here - r_here) / step), np.floor((c_here + r_here) / step) + 1) * step:
            half = 1.0 - ((v - c_here) / r_here) ** 2
            if half <= 0.05 ** 2:
                continue
            half = r_other * np.sqrt(half)
            u = np.linspace(c_other - half, c_other + half, 24)
            seg = np.zeros((len(u), 3))
            seg[:, axis], seg[:, 2 - axis], seg[:, 1] = v, u, _LIFT_M
            cells.append(np.concatenate([[len(u)], n0 + np.arange(len(u))]))
            pts.append(seg)
            n0 += len(u)
    lines = np.concatenate(cells) if cells else np.zeros(0, int)
    points = np.vstack([disc, *pts]) if pts else disc
    radial = np.hypot((points[:, 0] - cx) / rx, (points[:, 2] - cz) / rz)
    is_line = np.arange(len(points)) >= len(disc)
    return points, polys.astype(np.int64), lines.astype(np.int64), np.clip(radial, 0.0, 1.0), is_line


def _floor_colours(style: RenderStyle) -> tuple[tuple, float, tuple, float]:
    """(disc RGB, disc opacity, grid RGB, grid opacity) that read softly on the background."""
    if style.background == "dark":
        return (0.55, 0.58, 0.63), 0.30, (0.80, 0.83, 0.88), 0.30
    return (0.62, 0.62, 0.64), 0.20, (0.40, 0.40, 0.42), 0.26


class Floor:
    """One unlit, translucent actor: the floor disc and its grid.

    Parameters
    ----------
    style : RenderStyle
        ``show_floor`` turns it off; the background chooses its colours.
    """

    def __init__(self, style: RenderStyle) -> None:
        self.style = style
        self.mapper = vtkPolyDataMapper()
        self.mapper.SetScalarModeToUsePointData()
        self.mapper.SetColorModeToDirectScalars()
        self.actor = vtkActor()
        self.actor.SetMapper(self.mapper)
        self.actor.SetPickable(False)
        self.matrix = vtkMatrix4x4()
        self.actor.SetUserMatrix(self.matrix)
        prop = self.actor.GetProperty()
        prop.LightingOff()
        prop.SetLineWidth(1.5)
        prop.BackfaceCullingOff()
        self.key: tuple | None = None
        self.height = 0.0
        self.centre = np.zeros(2)
        self.radii = np.array([0.4, 0.4])
        self._geometry = None
        self.actor.SetVisibility(False)  # until there is a body to stand on
        self.set_style(style)

    def place(self, height: float, footprint: np.ndarray) -> None:
        """Put the floor at room height ``height`` under ``footprint`` ((m, 3) room points, metres)."""
        self.height = float(height)
        P = np.asarray(footprint, float)
        lo, hi = P[:, [0, 2]].min(0), P[:, [0, 2]].max(0)
        centre = np.round(0.5 * (lo + hi) / 0.02) * 0.02
        # an oval a little larger than the body's footprint (the fade starts inside it)
        radii = np.maximum(_MIN_RADIUS_M, np.ceil((0.5 * 1.2 * (hi - lo) + _MARGIN_M) / 0.05) * 0.05)
        key = (*centre.tolist(), *radii.tolist())
        if key != self.key and not self._still_fits(P[:, [0, 2]], radii):
            self.key, self.centre, self.radii = key, centre, radii
            self._build()
        T = np.eye(4)
        T[1, 3] = self.height
        set_matrix(self.matrix, T)
        self.actor.SetVisibility(self.style.show_floor)

    def _still_fits(self, xz: np.ndarray, radii: np.ndarray) -> bool:
        """Whether the floor as built still suits the footprint ``xz`` ((m, 2) room x, z; ``radii``:
        the oval it would get now): every point lies inside the oval less half its margin, and the
        oval is not much larger than needed. Then it stays as it is: a leg swinging in a drag does
        not rebuild (and re-upload) the floor every few centimetres, nor make it breathe."""
        if self.key is None or (self.radii > radii + _REBUILD_SLACK_M).any():
            return False
        inner = np.maximum(self.radii - 0.5 * _MARGIN_M, 1e-6)
        return bool((np.square((xz - self.centre) / inner).sum(axis=1) <= 1.0).all())

    def _build(self) -> None:
        pts, polys, lines, radial, is_line = floor_disc(self.centre, self.radii)
        from .polydata import polydata

        mesh = polydata(pts, np.asarray(polys).reshape(-1, 4)[:, 1:], lines=lines)
        self._geometry = (mesh, radial, is_line)
        self._colour()
        self.mapper.SetInputData(mesh)

    def _colour(self) -> None:
        if self._geometry is None:
            return
        mesh, radial, is_line = self._geometry
        disc_rgb, disc_a, grid_rgb, grid_a = _floor_colours(self.style)
        rgb = np.where(is_line[:, None], np.asarray(grid_rgb), np.asarray(disc_rgb))
        alpha = np.where(is_line, grid_a, disc_a) * _fade(radial)
        rgba = np.column_stack([rgb, alpha])
        from vtkmodules.util.numpy_support import numpy_to_vtk

        arr = numpy_to_vtk(np.round(255 * rgba).astype(np.uint8), deep=True)
        arr.SetName("floor_rgba")
        mesh.GetPointData().SetScalars(arr)
        self.mapper.ScalarVisibilityOn()

    def set_style(self, style: RenderStyle) -> None:
        self.style = style
        self._colour()
        self.actor.SetVisibility(style.show_floor and self.key is not None)
