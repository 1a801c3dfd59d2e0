"""Where each bundle's tube lies in the muscle layer's one shared mesh, and its faces.

A part of :class:`~hipviz.render.muscles.MuscleLayer` (mixed in, as
:class:`~hipviz.render.scene_camera.SceneCamera` is of the scene): it gives every bundle with a
path its range of the shared point, normal and colour arrays, makes the tubes' faces and the VTK
arrays over them, keeps a layout for each topology met (the moving and the still look alternate
at every drag) and gathers the bundles' padded paths into those ranges.
"""
from __future__ import annotations

import numpy as np
from vtkmodules.util.numpy_support import numpy_to_vtk
from vtkmodules.vtkCommonCore import vtkPoints
from vtkmodules.vtkCommonDataModel import vtkCellArray

from .geometry import pad_index, tube_faces, tube_point_count
from .polydata import cells as vtk_cells

__all__ = ["MuscleLayout"]


def _points(arr: np.ndarray) -> vtkPoints:
    """``vtkPoints`` sharing the memory of a contiguous ``(n, 3)`` float32 array."""
    pts = vtkPoints()
    pts.SetData(numpy_to_vtk(arr, deep=False))
    return pts


class MuscleLayout:
    """The layout methods of :class:`~hipviz.render.muscles.MuscleLayer`."""

    def _topology_key(self) -> tuple:
        mode, sides = self.style.line_mode, self.style.tube_sides
        return (mode, sides, tuple(len(self._paths[k]) if k in self._paths else 0 for k in self.bundles))

    #: How many layouts (see :meth:`_layout`) are kept: the moving and the still look, in both line modes.
    LAYOUTS_KEPT = 4

    def _layout(self) -> None:
        """Give every bundle with a path its range of the shared arrays (when point counts change).

        A layout is kept for each topology (:meth:`_topology_key`) met, the last
        :attr:`LAYOUTS_KEPT` of them: the view switches between a moving look (fewer tube sides)
        and a still one at the start and end of every drag, and making a layout anew (the tubes'
        faces and their VTK arrays) costs more than a whole frame."""
        key = self._topology_key()
        if key == self._layout_key:
            return
        self._layout_key = key
        kept = self._layouts.pop(key, None)
        if kept is not None:
            self._layouts[key] = kept  # the most recently used last
            self._restore_layout(kept)
            return
        self._make_layout()
        self._layouts[key] = self._snapshot_layout()
        while len(self._layouts) > self.LAYOUTS_KEPT:
            self._layouts.pop(next(iter(self._layouts)))

    def _snapshot_layout(self) -> dict:
        """The arrays and VTK objects of the layout just made, to put back by :meth:`_restore_layout`."""
        pd = self.poly.GetPointData()
        bundles = {}
        for bkey, b in self.bundles.items():
            bpd = b.poly.GetPointData()
            bundles[bkey] = (b.k, b.mode, b.start, b.pts, b.nrm, b.cells, b.poly.GetPoints(),
                             b.poly.GetPolys(), b.poly.GetLines(), bpd.GetNormals())
        return dict(all_pts=self._all_pts, all_nrm=self._all_nrm, rgb=self._rgb, ghost_rgb=self._ghost_rgb,
                    points=self.poly.GetPoints(), normals=pd.GetNormals(), scalars=pd.GetScalars(),
                    bundles=bundles)

    def _restore_layout(self, kept: dict) -> None:
        """Put back a layout kept by :meth:`_snapshot_layout` (its points are rewritten next)."""
        self._all_pts, self._all_nrm = kept["all_pts"], kept["all_nrm"]
        self._rgb, self._ghost_rgb = kept["rgb"], kept["ghost_rgb"]
        for bkey, (k, mode, start, pts, nrm, cells, vpts, polys, lines, normals) in kept["bundles"].items():
            b = self.bundles[bkey]
            b.k, b.mode, b.start, b.pts, b.nrm, b.cells = k, mode, start, pts, nrm, cells
            poly = b.poly
            poly.Initialize()
            if pts is None:
                continue
            poly.SetPoints(vpts)
            if normals is not None:
                poly.SetPolys(polys)
                poly.GetPointData().SetNormals(normals)
            else:
                poly.SetLines(lines)
        self.poly.Initialize()
        self.poly.SetPoints(kept["points"])
        if kept["normals"] is not None:
            self.poly.GetPointData().SetNormals(kept["normals"])
        self.poly.GetPointData().SetScalars(kept["scalars"])
        self._cells_dirty = True
        self._write_colors()

    def _make_layout(self) -> None:
        tubes = self.style.line_mode == "tubes"
        sides = self.style.tube_sides
        counts = {}
        for bkey, b in self.bundles.items():
            k = len(self._paths[bkey]) if bkey in self._paths else 0
            counts[bkey] = (tube_point_count(k, sides) if tubes else k) if k >= 2 else 0
        n = sum(counts.values())
        self._all_pts = np.zeros((n, 3), np.float32)
        self._all_nrm = np.zeros((n, 3), np.float32) if tubes else None
        self._rgb = np.zeros((n, 3), np.uint8)
        self._ghost_rgb = np.zeros((n, 3), np.uint8)
        start = 0
        for bkey, b in self.bundles.items():
            m = counts[bkey]
            k = len(self._paths[bkey]) if m else 0
            b.k, b.mode, b.start = k, f"{self.style.line_mode}{sides}", start
            poly = b.poly
            poly.Initialize()
            if not m:
                b.pts = b.nrm = b.cells = None
                continue
            b.pts = self._all_pts[start:start + m]
            poly.SetPoints(_points(b.pts))
            if tubes:
                b.cells = tube_faces(k, sides).reshape(-1, 4)[:, 1:]
                poly.SetPolys(vtk_cells(b.cells))
                b.nrm = self._all_nrm[start:start + m]
                nrm = numpy_to_vtk(b.nrm, deep=False)
                nrm.SetName("Normals")
                poly.GetPointData().SetNormals(nrm)
            else:
                b.cells = np.arange(k)[None, :]
                poly.SetLines(vtk_cells(b.cells))
                b.nrm = None
            start += m
        self.poly.Initialize()
        self.poly.SetPoints(_points(self._all_pts))
        if tubes:
            nrm = numpy_to_vtk(self._all_nrm, deep=False)
            nrm.SetName("Normals")
            self.poly.GetPointData().SetNormals(nrm)
        rgb = numpy_to_vtk(self._rgb, deep=False)
        rgb.SetName("rgb")
        self.poly.GetPointData().SetScalars(rgb)
        self._cells_dirty = True
        self._write_colors()

    def _rebuild_cells(self) -> None:
        """The drawn mesh's cells: those of the shown bundles."""
        self._cells_dirty = False
        tubes = self.style.line_mode == "tubes"
        shown = [b for key, b in self.bundles.items() if b.cells is not None and self.is_shown(key)]
        if tubes:
            cells = np.concatenate([b.cells + b.start for b in shown]) if shown else np.zeros((0, 3), np.int64)
            self.poly.SetPolys(vtk_cells(cells))
            self.poly.SetLines(vtkCellArray())
        else:
            lines = vtkCellArray()
            for b in shown:
                lines.InsertNextCell(b.k)
                for j in range(b.k):
                    lines.InsertCellPoint(b.start + j)
            self.poly.SetLines(lines)
            self.poly.SetPolys(vtkCellArray())
        self.poly.Modified()
        self.actor.SetVisibility(bool(shown))

    def _gather_index(self, keys, sides: int) -> tuple[np.ndarray | slice, np.ndarray, np.ndarray]:
        """Where the keys' tubes, one after another in this order, go in the shared arrays
        (``dst``: a slice when they follow each other there), ``pad`` ``(B, K)``, the row of the
        keys' concatenated paths for each padded path point, and the paths' point counts."""
        gkey = (self._layout_key, tuple(keys), tuple(len(self._paths[k]) for k in keys))
        if self._gather is None or self._gather[0] != gkey:
            lens = np.array([len(self._paths[k]) for k in keys])
            dst = np.concatenate([self.bundles[key].start + np.arange(tube_point_count(self.bundles[key].k, sides))
                                  for key in keys])
            if np.array_equal(dst, np.arange(dst[0], dst[0] + len(dst))):
                dst = slice(int(dst[0]), int(dst[0]) + len(dst))
            self._gather = (gkey, dst, pad_index(lens), lens)
        return self._gather[1], self._gather[2], self._gather[3]
