"""Muscle bundles as tubes (or lines): one actor per bundle per side, updated in place.

Each bundle owns a ``vtkPolyData`` whose topology is fixed by its number of path points; a new
pose rewrites points and normals in that array (no new actors, no filters), which keeps a
slider drag cheap. Tube radius follows force capacity (see :class:`RenderStyle`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from vtkmodules.util.numpy_support import numpy_to_vtk, numpy_to_vtkIdTypeArray, vtk_to_numpy
from vtkmodules.vtkCommonCore import vtkPoints
from vtkmodules.vtkCommonDataModel import vtkCellArray, vtkPolyData
from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper

from . import colors
from .geometry import tube_faces, tube_point_count, tube_points
from .style import RenderStyle

__all__ = ["MuscleLayer", "BundleKey", "cell_array"]

BundleKey = tuple[str, str, str]  # (side "r"/"l", muscle_id, bundle_name)


def cell_array(cells: np.ndarray) -> vtkCellArray:
    """A ``vtkCellArray`` of equal-size cells from an ``(n_cells, points_per_cell)`` index array."""
    cells = np.asarray(cells, dtype=np.int64)
    n, m = cells.shape
    out = vtkCellArray()
    out.SetData(numpy_to_vtkIdTypeArray(np.arange(0, n * m + 1, m, dtype=np.int64), deep=True),
                numpy_to_vtkIdTypeArray(cells.ravel(), deep=True))
    return out


@dataclass
class _Bundle:
    key: BundleKey
    group: str
    max_force: float
    poly: vtkPolyData
    actor: vtkActor
    k: int = 0
    mode: str = ""
    pts: np.ndarray | None = None  # view of the VTK point array
    nrm: np.ndarray | None = None  # view of the VTK normal array


class MuscleLayer:
    """All bundle actors of both sides.

    Parameters
    ----------
    model : hipviz.Model
    style : RenderStyle
    """

    def __init__(self, model, style: RenderStyle) -> None:
        self.model = model
        self.style = style
        self.bundles: dict[BundleKey, _Bundle] = {}
        self.by_actor: dict[vtkActor, BundleKey] = {}
        #: per side, the bundles in the order of ``state.muscles[side]`` then ``state.trunk[side]``
        self.order: dict[str, list[tuple[str, str]]] = {}
        for side in ("r", "l"):
            sets = [model.paths.get(side), getattr(model, "trunk_paths", {}).get(side)]
            self.order[side] = []
            for ps in sets:
                if ps is None:
                    continue
                for mid, bname, force in zip(ps.muscle_ids, ps.bundle_names, ps.max_force):
                    key = (side, mid, bname)
                    self.order[side].append((mid, bname))
                    poly = vtkPolyData()
                    mapper = vtkPolyDataMapper()
                    mapper.SetInputData(poly)
                    mapper.ScalarVisibilityOff()
                    actor = vtkActor()
                    actor.SetMapper(mapper)
                    actor.SetVisibility(False)  # until the first update gives it a path
                    self.bundles[key] = _Bundle(key, model.muscle(mid).group, float(force), poly, actor)
                    self.by_actor[actor] = key
        self.visible_muscles: dict[str, bool] = {m.id: True for m in model.muscles + list(getattr(model, "trunk_muscles", []))}
        self.visible_sides = {"r": True, "l": True}
        self.show_all = True
        self.solo_id: str | None = None
        self.highlighted: tuple[str, str] | None = None
        self.activation_mode = False
        self._paths: dict[BundleKey, np.ndarray] = {}
        self._colors: dict[BundleKey, tuple] = {}
        self._scale: dict[BundleKey, float] = {}
        self.set_style(style)

    # -- geometry ------------------------------------------------------------------------
    def _ensure_topology(self, b: _Bundle, k: int) -> None:
        mode = self.style.line_mode
        sides = self.style.tube_sides
        if b.k == k and b.mode == f"{mode}{sides}":
            return
        b.k, b.mode = k, f"{mode}{sides}"
        poly = b.poly
        poly.Initialize()
        n = tube_point_count(k, sides) if mode == "tubes" else k
        pts = vtkPoints()
        pts.SetData(numpy_to_vtk(np.zeros((n, 3)), deep=True))
        poly.SetPoints(pts)
        if mode == "tubes":
            poly.SetPolys(cell_array(tube_faces(k, sides).reshape(-1, 4)[:, 1:]))
            nrm = numpy_to_vtk(np.zeros((n, 3)), deep=True)
            nrm.SetName("Normals")
            poly.GetPointData().SetNormals(nrm)
            b.nrm = vtk_to_numpy(nrm)
        else:
            poly.SetLines(cell_array(np.arange(k)[None, :]))
            b.nrm = None
        b.pts = vtk_to_numpy(pts.GetData())

    #: Trunk muscles are drawn thinner: they belong to the story only when they work.
    TRUNK_SCALE = 0.6

    def radius(self, key: BundleKey) -> float:
        """Current tube radius of a bundle (metres), including trunk, inactive and highlight factors."""
        b = self.bundles[key]
        trunk = self.TRUNK_SCALE if b.group == "trunk" else 1.0
        return float(self.style.tube_radius(b.max_force)) * self._scale.get(key, 1.0) * trunk

    def set_paths(self, side: str, paths) -> None:
        """Store one side's paths for the next :meth:`rebuild_geometry`.

        Parameters
        ----------
        side : {"r", "l"}
        paths : iterable of (muscle_id, bundle_name, (k, 3) ndarray)
            One pose's polyline of each bundle, room frame (metres).
        """
        for mid, bname, path in paths:
            self._paths[(side, mid, bname)] = np.asarray(path, float)

    def clear_paths(self, side: str) -> None:
        """Forget one side's paths (its bundles are hidden until paths come again)."""
        for key in [k for k in self._paths if k[0] == side]:
            del self._paths[key]

    def rebuild_geometry(self) -> None:
        """Rewrite every bundle's points from the stored paths (grouped by point count)."""
        groups: dict[int, list[BundleKey]] = {}
        for key, path in self._paths.items():
            if key in self.bundles:
                groups.setdefault(len(path), []).append(key)
        tubes = self.style.line_mode == "tubes"
        for k, keys in groups.items():
            for key in keys:
                self._ensure_topology(self.bundles[key], k)
            paths = np.stack([self._paths[key] for key in keys])
            if tubes:
                radii = np.array([self.radius(key) for key in keys])
                pts, nrm = tube_points(paths, radii, self.style.tube_sides)
                for j, key in enumerate(keys):
                    b = self.bundles[key]
                    b.pts[:] = pts[j]
                    b.nrm[:] = nrm[j]
                    b.poly.GetPointData().GetNormals().Modified()
                    b.poly.GetPoints().Modified()
            else:
                for j, key in enumerate(keys):
                    b = self.bundles[key]
                    b.pts[:] = paths[j]
                    b.poly.GetPoints().Modified()
                    width = self.style.line_width * self.radius(key) / 0.003
                    b.actor.GetProperty().SetLineWidth(max(1.0, width))

    # -- colour and visibility -----------------------------------------------------------
    def set_colors(self, activation: dict[str, tuple] | None, scale: float = 1.0, *,
                   threshold: float = 0.02) -> None:
        """Colour bundles by group (``activation`` None) or by ``{side: (value (B,), role (B,) | None)}``.

        ``value`` is an activation or a share (0..1); ``scale`` is the value drawn at the dark
        end of the ramp; without roles, bundles below ``threshold`` are drawn inactive.
        """
        st = self.style
        self._colors.clear()
        self._scale.clear()
        self.activation_mode = activation is not None
        for key, b in self.bundles.items():
            self._colors[key] = colors.group_color(b.group, st.palette)
        if activation is not None:
            for key in self.bundles:
                if key[0] not in activation:  # a side without activations: grey, thin
                    self._colors[key] = colors.INACTIVE_GREY
                    self._scale[key] = st.inactive_scale
            for side, (act, role) in activation.items():
                rgb = colors.muscle_colors(act, role, scale=scale, threshold=threshold)
                off = colors.muscle_inactive(act, role, threshold=threshold)
                for j, (mid, bname) in enumerate(self.order[side][:len(act)]):
                    key = (side, mid, bname)
                    self._colors[key] = tuple(rgb[j])
                    if off[j]:
                        self._scale[key] = st.inactive_scale
        if self.highlighted is not None:
            side, mid = self.highlighted
            for key in self.bundles:
                if key[0] == side and key[1] == mid:
                    self._scale[key] = self._scale.get(key, 1.0) * st.highlight_scale
                else:
                    self._colors[key] = colors.mix(self._colors[key], st.background_rgb, 0.55)
        for key, b in self.bundles.items():
            b.actor.GetProperty().SetColor(*self._colors[key])

    def color(self, key: BundleKey) -> tuple[float, float, float]:
        """The colour a bundle is drawn in now (RGB 0..1)."""
        return tuple(self._colors.get(key, (0.5, 0.5, 0.5)))  # type: ignore[return-value]

    def is_shown(self, key: BundleKey) -> bool:
        side, mid, _ = key
        return (self.show_all and self.visible_sides.get(side, True) and self.visible_muscles.get(mid, True)
                and (self.solo_id is None or self.solo_id == mid) and key in self._paths)

    def apply_visibility(self) -> None:
        for key, b in self.bundles.items():
            b.actor.SetVisibility(self.is_shown(key))

    def set_style(self, style: RenderStyle) -> None:
        self.style = style
        for b in self.bundles.values():
            prop = b.actor.GetProperty()
            prop.SetInterpolationToGouraud()
            prop.SetAmbient(0.15)
            prop.SetDiffuse(0.85)
            prop.SetSpecular(style.muscle_specular)
            prop.SetSpecularPower(24.0)
            prop.SetRenderLinesAsTubes(style.line_mode == "lines")
            prop.SetBackfaceCulling(style.backface_culling and style.line_mode == "tubes")
            prop.SetLighting(True)

    def points(self) -> np.ndarray:
        """Path points of the shown bundles, ``(N, 3)`` metres (for camera fitting)."""
        pts = [p for key, p in self._paths.items() if self.is_shown(key)]
        return np.concatenate(pts) if pts else np.zeros((0, 3))
