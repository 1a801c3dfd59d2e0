"""A schematic rib cage where the trunk muscles end: a translucent shell and a few rib hoops.

The model has no thorax mesh, yet the trunk muscles (obliques, rectus abdominis, quadratus
lumborum, erector spinae) run up to the lower ribs, the costal cartilages and the thoracic
spine; without a rib cage their lines end in mid-air. This outline is built from the trunk
landmarks those muscles attach to (``hipviz/data/trunk.landmarks.toml``): an elliptic barrel
from the 12th rib up to the level of T6, whose front opens below the costal arch (xiphoid down
to the 10th rib at the side), with six rib hoops that slope down to the front and end on the
costal arch, as real ribs end on their cartilages. It is posed with the trunk segment.

The shell is translucent and the ribs are drawn in a pale bone colour: the outline orients the
eye without competing with the pelvis and the muscles.
"""
from __future__ import annotations

import numpy as np

from .bones import set_matrix
from .geometry import tube_faces, tube_points
from .polydata import cells as vtk_cells

__all__ = ["TrunkOutline", "rib_cage_geometry"]

_AROUND = 48       # shell points around
_UP = 14           # shell rings from bottom to top
_RIBS = 5
_RIB_RADIUS_M = 0.003


def _get(trunk: dict, name: str, default) -> np.ndarray:
    return np.asarray(trunk.get(name, default), float)


def rib_cage_geometry(trunk: dict) -> dict[str, np.ndarray]:
    """Points and cells of the shell and the ribs, trunk frame (metres).

    Parameters
    ----------
    trunk : dict
        Trunk landmarks ``{name: (3,) ndarray}`` in metres (missing ones take typical values).

    Returns
    -------
    dict
        ``shell_points (m, 3)``, ``shell_normals (m, 3)``, ``shell_triangles (t, 3)``,
        ``shell_fade (m,)`` (opacity factor, 1 at the lower border to 0 at the top);
        ``rib_paths``: list of ``(k, 3)`` polylines, one per rib hoop.
    """
    xiphoid = _get(trunk, "xiphoid", (0.150, 0.268, 0.0))
    back = _get(trunk, "t6_spine", (-0.075, 0.320, 0.0))
    side = _get(trunk, "rib10_lateral_r", (0.040, 0.215, 0.125))
    rib12 = _get(trunk, "rib12_r", (-0.045, 0.195, 0.060))
    front_x, back_x = float(xiphoid[0]), float(back[0]) - 0.005
    cx, a = 0.5 * (front_x + back_x), 0.5 * (front_x - back_x)  # centre and half depth (x)
    b = float(abs(side[2])) + 0.003                             # half width (z)
    y_bottom, y_front, y_side = float(rib12[1]) - 0.005, float(xiphoid[1]), float(side[1])
    y_top = float(back[1]) + 0.025
    theta = np.linspace(-np.pi, np.pi, _AROUND + 1)[:-1]  # 0 = anterior, +pi/2 = right
    # the lower border: the costal arch at the front (xiphoid to the 10th rib), the 12th rib behind
    f = (0.5 * (1 + np.cos(theta))) ** 1.5  # 1 front, ~0.35 at the side, 0 behind
    y_low = y_bottom + (y_front - y_bottom) * f
    y_low += (y_side - (y_bottom + (y_front - y_bottom) * 0.5 ** 1.5)) * np.sin(theta) ** 2
    v = np.linspace(0.0, 1.0, _UP)[:, None]
    Y = y_low[None, :] + v * (y_top - y_low[None, :])  # (UP, AROUND)
    # slightly narrower at the top and the bottom: a barrel
    bulge = 1.0 - 0.08 * (2 * v - 1) ** 2
    X = cx + a * bulge * np.cos(theta)[None, :]
    Z = b * bulge * np.sin(theta)[None, :]
    pts = np.stack([X, Y, Z], -1).reshape(-1, 3)
    nrm = np.stack([np.cos(theta)[None, :] / a * np.ones_like(v), np.zeros_like(Y),
                    np.sin(theta)[None, :] / b * np.ones_like(v)], -1).reshape(-1, 3)
    nrm /= np.linalg.norm(nrm, axis=1, keepdims=True)
    s = np.arange(_AROUND)
    s1 = (s + 1) % _AROUND
    tris = []
    for j in range(_UP - 1):
        p, q = j * _AROUND + s, (j + 1) * _AROUND + s
        p1, q1 = j * _AROUND + s1, (j + 1) * _AROUND + s1
        tris += [np.stack([p, p1, q1], -1), np.stack([p, q1, q], -1)]  # outward (seen from outside)
    # rib hoops: each slopes down to the front and ends where it meets the costal arch
    ribs = []
    for r in range(_RIBS):
        y_back = y_top - 0.015 - r * (y_top - 0.015 - (y_bottom + 0.01)) / (_RIBS - 1)
        y_rib = y_back - 0.085 * (0.5 * (1 + np.cos(theta)))  # the front end ~8 cm lower
        keep = y_rib >= y_low + 0.004
        if keep.sum() < 4:
            continue
        t = (y_rib - y_low) / np.maximum(y_top - y_low, 1e-6)
        k = 1.0 - 0.08 * (2 * t - 1) ** 2
        path = np.column_stack([cx + (a * k + 0.002) * np.cos(theta), y_rib, (b * k + 0.002) * np.sin(theta)])
        # walk round from the front (the gap) to the right, behind and to the left: the kept
        # points are one run (a hoop with its front missing)
        order = np.roll(np.arange(_AROUND), -int(np.argmin(np.abs(theta))))
        runs, cur = [], []
        for i in order:
            if keep[i]:
                cur.append(i)
            elif cur:
                runs.append(cur)
                cur = []
        if cur:
            runs.append(cur)
        if keep.all():  # a closed hoop
            runs = [list(order) + [order[0]]]
        for run in runs:
            if len(run) >= 3:
                ribs.append(path[run])
    fade = np.repeat(1.0 - v[:, 0] ** 2, _AROUND)  # opaque at the ribs' lower border, gone at the top
    return {"shell_points": pts, "shell_normals": nrm, "shell_triangles": np.concatenate(tris),
            "shell_fade": fade, "rib_paths": ribs}


def _poly(points, normals, triangles):
    from vtkmodules.util.numpy_support import numpy_to_vtk
    from vtkmodules.vtkCommonCore import vtkPoints
    from vtkmodules.vtkCommonDataModel import vtkPolyData

    poly = vtkPolyData()
    vp = vtkPoints()
    vp.SetData(numpy_to_vtk(np.asarray(points, np.float32), deep=True))
    poly.SetPoints(vp)
    poly.SetPolys(vtk_cells(triangles))
    n = numpy_to_vtk(np.asarray(normals, np.float32), deep=True)
    n.SetName("Normals")
    poly.GetPointData().SetNormals(n)
    return poly


class TrunkOutline:
    """Two actors posed with the trunk: the translucent shell and the rib hoops.

    Parameters
    ----------
    trunk_landmarks : dict
        ``model.landmarks["trunk"]`` (metres, trunk frame).
    style : RenderStyle
    """

    def __init__(self, trunk_landmarks: dict, style) -> None:
        from vtkmodules.vtkCommonMath import vtkMatrix4x4
        from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper

        g = rib_cage_geometry(trunk_landmarks or {})
        self._local = np.concatenate([g["shell_points"][::3], *g["rib_paths"]]) if g["rib_paths"] else g["shell_points"]
        self.matrix = vtkMatrix4x4()
        self.T = np.eye(4)
        shell = _poly(g["shell_points"], g["shell_normals"], g["shell_triangles"])
        self._fade = g["shell_fade"]
        rib_pts, rib_nrm, rib_tris, start = [], [], [], 0
        for path in g["rib_paths"]:
            p, n = tube_points(path[None], np.array([_RIB_RADIUS_M]), 8)
            rib_pts.append(p[0])
            rib_nrm.append(n[0])
            rib_tris.append(tube_faces(len(path), 8).reshape(-1, 4)[:, 1:] + start)
            start += p.shape[1]
        ribs = _poly(np.concatenate(rib_pts), np.concatenate(rib_nrm), np.concatenate(rib_tris)) if rib_pts else None
        self.actors = []
        for poly in (shell, ribs):
            if poly is None:
                continue
            mapper = vtkPolyDataMapper()
            mapper.SetInputData(poly)
            mapper.ScalarVisibilityOff()
            mapper.SetColorModeToDirectScalars()
            mapper.SetScalarModeToUsePointData()
            actor = vtkActor()
            actor.SetMapper(mapper)
            actor.SetUserMatrix(self.matrix)
            actor.SetPickable(False)
            self.actors.append(actor)
        self.shell_actor = self.actors[0]
        self.rib_actor = self.actors[1] if len(self.actors) > 1 else None
        self.set_style(style)

    def update(self, T_trunk: np.ndarray) -> None:
        """Pose the outline with the trunk transform ``(4, 4)``."""
        self.T = np.asarray(T_trunk, float)
        set_matrix(self.matrix, self.T)

    def points(self) -> np.ndarray:
        """A sample of the outline's points in the room, ``(n, 3)`` metres (camera fitting)."""
        return self._local @ self.T[:3, :3].T + self.T[:3, 3]

    def set_style(self, style) -> None:
        from . import colors

        from vtkmodules.util.numpy_support import numpy_to_vtk

        dark = style.background == "dark"
        shell = self.shell_actor.GetProperty()
        rgb = colors.mix(style.bone_color, style.background_rgb, 0.15 if dark else 0.35)
        alpha = (0.18 if dark else 0.24) * self._fade
        rgba = np.column_stack([np.tile(np.asarray(rgb) * 255, (len(alpha), 1)), 255 * alpha])
        arr = numpy_to_vtk(np.clip(np.round(rgba), 0, 255).astype(np.uint8), deep=True)
        arr.SetName("rgba")
        poly = self.shell_actor.GetMapper().GetInput()
        poly.GetPointData().SetScalars(arr)
        self.shell_actor.GetMapper().ScalarVisibilityOn()
        shell.SetOpacity(0.999)  # below 1: drawn in the translucent pass
        shell.SetAmbient(0.35)
        shell.SetDiffuse(0.6)
        shell.SetSpecular(0.0)
        shell.SetBackfaceCulling(True)  # only the near side: no self-overlap to sort
        if self.rib_actor is not None:
            rib = self.rib_actor.GetProperty()
            rib.SetColor(*colors.mix(style.bone_color, style.background_rgb, 0.30 if dark else 0.25))
            rib.SetOpacity(1.0)
            rib.SetSpecular(0.1)
            rib.SetBackfaceCulling(style.backface_culling)
        for a in self.actors:
            a.SetVisibility(style.show_trunk_outline)
