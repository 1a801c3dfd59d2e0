"""Plain-VTK meshes from numpy arrays and back (no pyvista: the window does not import it)."""
from __future__ import annotations

import numpy as np
from vtkmodules.util.numpy_support import numpy_to_vtk, numpy_to_vtkIdTypeArray, vtk_to_numpy
from vtkmodules.vtkCommonCore import vtkPoints
from vtkmodules.vtkCommonDataModel import vtkCellArray, vtkPolyData

__all__ = ["cells", "polydata", "points_of", "triangles_of", "decimate", "with_point_normals"]


def cells(conn: np.ndarray) -> vtkCellArray:
    """A ``vtkCellArray`` of equal-size cells from an ``(n_cells, points_per_cell)`` index array."""
    conn = np.asarray(conn, dtype=np.int64)
    n, m = conn.shape if conn.ndim == 2 else (0, 0)
    out = vtkCellArray()
    out.SetData(numpy_to_vtkIdTypeArray(np.arange(0, n * m + 1, max(m, 1), dtype=np.int64)[:n + 1], deep=True),
                numpy_to_vtkIdTypeArray(conn.ravel(), deep=True))
    return out


def polydata(points, triangles=None, *, lines=None, normals=None) -> vtkPolyData:
    """A ``vtkPolyData`` (its own copy of the arrays): ``triangles`` ``(m, 3)``, ``lines`` a
    legacy VTK cell array (``[k, i0 .. ik-1, k, ...]``), ``normals`` ``(n, 3)`` point normals."""
    poly = vtkPolyData()
    pts = vtkPoints()
    pts.SetData(numpy_to_vtk(np.ascontiguousarray(points, dtype=float), deep=True))
    poly.SetPoints(pts)
    if triangles is not None and len(triangles):
        poly.SetPolys(cells(np.asarray(triangles).reshape(-1, 3)))
    if lines is not None and len(lines):
        ca = vtkCellArray()
        ca.ImportLegacyFormat(numpy_to_vtkIdTypeArray(np.asarray(lines, dtype=np.int64), deep=True))
        poly.SetLines(ca)
    if normals is not None:
        arr = numpy_to_vtk(np.ascontiguousarray(normals, dtype=float), deep=True)
        arr.SetName("Normals")
        poly.GetPointData().SetNormals(arr)
    return poly


def points_of(poly) -> np.ndarray:
    """The points of a ``vtkPolyData``, ``(n, 3)`` float64 (a copy)."""
    pts = poly.GetPoints()
    return np.zeros((0, 3)) if pts is None else np.array(vtk_to_numpy(pts.GetData()), dtype=float)


def triangles_of(poly) -> np.ndarray:
    """The triangles of a ``vtkPolyData`` of triangles, ``(m, 3)`` int64."""
    polys = poly.GetPolys()
    if polys is None or polys.GetNumberOfCells() == 0:
        return np.zeros((0, 3), np.int64)
    return np.array(vtk_to_numpy(polys.GetConnectivityArray()), dtype=np.int64).reshape(-1, 3)


def decimate(poly, reduction: float) -> vtkPolyData:
    """Quadric decimation removing ``reduction`` (0..1) of the triangles (geometric error only)."""
    from vtkmodules.vtkFiltersCore import vtkQuadricDecimation

    alg = vtkQuadricDecimation()
    alg.SetVolumePreservation(False)
    alg.SetAttributeErrorMetric(False)
    alg.SetTargetReduction(float(reduction))
    alg.SetInputData(poly)
    alg.Update()
    out = vtkPolyData()
    out.ShallowCopy(alg.GetOutput())
    return out


def with_point_normals(poly) -> vtkPolyData:
    """The mesh with smooth point normals ("Normals"), consistently ordered, not split at edges."""
    from vtkmodules.vtkFiltersCore import vtkPolyDataNormals

    alg = vtkPolyDataNormals()
    alg.SetComputeCellNormals(False)
    alg.SetComputePointNormals(True)
    alg.SetSplitting(False)
    alg.SetConsistency(True)
    alg.SetAutoOrientNormals(False)
    alg.SetNonManifoldTraversal(True)
    alg.SetInputData(poly)
    alg.Update()
    out = vtkPolyData()
    out.ShallowCopy(alg.GetOutput())
    return out
