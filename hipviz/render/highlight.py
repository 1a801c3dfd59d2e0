"""The highlighted muscles' halo and x-ray copy (a part of :class:`~hipviz.render.muscles.MuscleLayer`).

* The **halo**: an inverted hull round each highlighted tube (a wider tube showing only its back
  faces, unlit), which reads as a dark outline on a light background and a light one on dark.
* The **x-ray copy** ("ghost"): the highlighted tubes once more, faint, for a renderer drawn over
  the bones: a deep muscle behind the pelvis still shows where it runs. It shares the muscle
  mesh's points and normals and has colours of its own.

:class:`HighlightLayer` owns these two actors and their meshes; the muscle layer tells it which
bundles are highlighted and hands it their paths, radii and cells.
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
from vtkmodules.util.numpy_support import numpy_to_vtk
from vtkmodules.vtkCommonCore import vtkPoints
from vtkmodules.vtkCommonDataModel import vtkPolyData
from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper

from .geometry import pad_index, padded_tube_points, tube_faces, tube_point_count
from .polydata import cells as vtk_cells

__all__ = ["HighlightLayer", "HALO_SCALE", "GHOST_OPACITY"]

#: Halo tube radius / highlighted tube radius.
HALO_SCALE = 1.45
#: Opacity of the x-ray copy drawn over the bones.
GHOST_OPACITY = 0.45


def _actor(poly: vtkPolyData, *, colours: bool) -> vtkActor:
    mapper = vtkPolyDataMapper()
    mapper.SetInputData(poly)
    if colours:
        mapper.SetColorModeToDirectScalars()
        mapper.SetScalarModeToUsePointData()
        mapper.ScalarVisibilityOn()
    else:
        mapper.ScalarVisibilityOff()
    actor = vtkActor()
    actor.SetMapper(mapper)
    actor.SetVisibility(False)
    actor.SetPickable(False)
    return actor


class HighlightLayer:
    """Halo (:attr:`halo_actor`) and x-ray copy (:attr:`ghost_actor`) of the highlighted bundles.

    Attributes
    ----------
    halo_poly, ghost_poly : vtkPolyData
    halo_actor, ghost_actor : vtkActor
        Hidden while nothing is highlighted.
    """

    def __init__(self) -> None:
        self.halo_poly = vtkPolyData()
        self.halo_actor = _actor(self.halo_poly, colours=False)
        self.ghost_poly = vtkPolyData()
        self.ghost_actor = _actor(self.ghost_poly, colours=True)
        self._halo_key: tuple | None = None
        self._halo_pts: np.ndarray | None = None
        self._halo_pad: np.ndarray | None = None
        self._ghost_key: tuple | None = None

    def update_halo(self, paths: Sequence[np.ndarray], radii: np.ndarray, sides: int, key: tuple) -> None:
        """Rewrite the halo round these tubes (``paths`` of the highlighted bundles, room frame;
        ``radii`` their tubes' radii; ``key`` names the bundles: the mesh is made anew when it or
        a path's point count changes). No paths: the halo is hidden."""
        if not len(paths):
            self.halo_actor.SetVisibility(False)
            return
        lens = [len(p) for p in paths]
        hkey = (key, tuple(lens), sides)
        if hkey != self._halo_key:
            self._halo_key = hkey
            self._halo_pts = np.zeros((sum(tube_point_count(k, sides) for k in lens), 3), np.float32)
            starts = np.r_[0, np.cumsum([tube_point_count(k, sides) for k in lens])[:-1]]
            cells = [tube_faces(k, sides).reshape(-1, 4)[:, 1:] + s for k, s in zip(lens, starts)]
            self._halo_pad = pad_index(lens)
            pts = vtkPoints()
            pts.SetData(numpy_to_vtk(self._halo_pts, deep=False))
            self.halo_poly.Initialize()
            self.halo_poly.SetPoints(pts)
            self.halo_poly.SetPolys(vtk_cells(np.concatenate(cells)))
        # all in one call, each tube that of its path alone
        P = np.concatenate(paths)[self._halo_pad]
        self._halo_pts[:] = padded_tube_points(P, np.asarray(radii, float) * HALO_SCALE, sides, lens, alone=True)[0]
        self.halo_poly.GetPoints().Modified()
        self.halo_actor.SetVisibility(True)

    def update_ghost(self, key: tuple, shared: vtkPolyData | None, colours: np.ndarray | None,
                     cells: Callable[[], np.ndarray]) -> None:
        """Point the x-ray copy at the muscle mesh ``shared`` (its points and normals), with its
        own point ``colours`` (``(N, 3)`` uint8, shared memory), drawing ``cells()`` (triangles
        of the highlighted bundles in ``shared``'s points; asked only when ``key``, which names
        them and the mesh's layout, changes). ``shared`` None: nothing highlighted."""
        if key != self._ghost_key:
            self._ghost_key = key
            self.ghost_poly.Initialize()
            if shared is not None:
                self.ghost_poly.SetPoints(shared.GetPoints())
                if shared.GetPointData().GetNormals() is not None:
                    self.ghost_poly.GetPointData().SetNormals(shared.GetPointData().GetNormals())
                rgb = numpy_to_vtk(colours, deep=False)
                rgb.SetName("rgb")
                self.ghost_poly.GetPointData().SetScalars(rgb)
                self.ghost_poly.SetPolys(vtk_cells(cells()))
        self.ghost_poly.Modified()
        self.ghost_actor.SetVisibility(shared is not None)

    def colours_modified(self) -> None:
        """The x-ray copy's colour array was rewritten in place."""
        scalars = self.ghost_poly.GetPointData().GetScalars()
        if scalars is not None:
            scalars.Modified()

    def set_halo_colour(self, background: str) -> None:
        """Near black on a white background, white on the others."""
        self.halo_actor.GetProperty().SetColor(*((0.05, 0.05, 0.05) if background == "white" else (1.0, 1.0, 1.0)))

    def set_style(self) -> None:
        """The two actors' materials (the same in every style)."""
        ghost = self.ghost_actor.GetProperty()
        ghost.SetOpacity(GHOST_OPACITY)
        ghost.SetAmbient(0.3)
        ghost.SetDiffuse(0.7)
        ghost.SetSpecular(0.0)
        ghost.SetBackfaceCulling(True)
        halo = self.halo_actor.GetProperty()
        halo.SetLighting(False)
        halo.SetFrontfaceCulling(True)
        halo.SetBackfaceCulling(False)
