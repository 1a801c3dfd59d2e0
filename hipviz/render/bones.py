"""Bone surfaces: loaded once per file, shared between scenes, posed with ``actor.user_matrix``."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
from vtkmodules.vtkCommonMath import vtkMatrix4x4
from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper

from .style import RenderStyle

__all__ = ["MeshError", "bone_origin", "load_bone_mesh", "make_bone_actor", "set_matrix", "style_bone"]


class MeshError(ValueError):
    """A bone mesh file cannot be read or drawn; the message names the file and what is wrong."""


def bone_origin(model, bone: str) -> np.ndarray:
    """Point of the bone's mesh frame that its segment transform maps from the joint (metres).

    The femur's segment frame sits at its hip centre, the tibia's at its knee centre (as in
    :meth:`hipviz.core.state.State.landmarks`) and the foot's at its ankle centre; the pelvis
    frame is used as it is.
    """
    table = model.landmarks.get(bone, {})
    if bone.startswith("femur"):
        return np.asarray(table.get("hip_center", np.zeros(3)), float)
    if bone.startswith("tibia"):
        return np.asarray(table.get("knee_center", np.zeros(3)), float)
    if bone.startswith("foot"):
        return np.asarray(table.get("ankle_center", np.zeros(3)), float)
    return np.zeros(3)


@lru_cache(maxsize=32)
def _read(path: str, mtime: float, origin: tuple[float, float, float], detail: float):
    import pyvista as pv

    vertices, faces = _read_triangles(path)
    mesh = pv.PolyData.from_regular_faces(vertices, faces)
    if detail < 0.999:
        mesh = mesh.decimate(1.0 - detail)
    mesh.points = np.asarray(mesh.points, float) - np.asarray(origin)
    return mesh.compute_normals(cell_normals=False, point_normals=True, split_vertices=False,
                                consistent_normals=True, auto_orient_normals=False)


def _read_triangles(path: str) -> tuple[np.ndarray, np.ndarray]:
    """Vertices (n, 3) and triangles (m, 3) of a mesh file, checked (MeshError otherwise).

    Read with trimesh (numpy) rather than VTK: VTK's PLY reader crashes the whole program on a
    truncated binary file, trimesh raises an error we can word.
    """
    import trimesh

    try:
        loaded = trimesh.load(path, force="mesh", process=False)
    except Exception as exc:  # the readers raise many kinds of errors on bad files
        text = str(exc).splitlines()[0][:120] if str(exc) else ""
        raise MeshError(f"{path}: cannot read the bone mesh ({type(exc).__name__}: {text}); "
                        "is it complete? write the folder again with hipviz import-bones") from None
    if not isinstance(loaded, trimesh.Trimesh) or len(loaded.faces) == 0 or len(loaded.vertices) < 3:
        raise MeshError(f"{path}: the bone mesh holds no triangles (is it a PLY surface mesh?)")
    vertices = np.asarray(loaded.vertices, float)
    faces = np.asarray(loaded.faces, np.int64)
    if not np.all(np.isfinite(vertices)) or np.abs(vertices).max() > 1e3:
        raise MeshError(f"{path}: the bone mesh has vertex coordinates that are not finite numbers of metres")
    if faces.min() < 0 or faces.max() >= len(vertices):
        raise MeshError(f"{path}: the bone mesh's triangles refer to vertices it does not have")
    return vertices, faces


def load_bone_mesh(model, bone: str, detail: float = 1.0):
    """The bone's surface as ``pyvista.PolyData`` with point normals, in its segment frame (metres).

    Parameters
    ----------
    model : hipviz.Model
    bone : str
        ``pelvis``, ``femur_r`` ...
    detail : float, default: 1.0
        Fraction of the file's triangles to keep (quadric decimation below 1).

    Notes
    -----
    Meshes are read once per file, modification time and detail, and shared: do not modify them.
    """
    path = Path(model.mesh_files[bone])
    detail = float(min(max(detail, 0.05), 1.0))
    return _read(str(path), path.stat().st_mtime, tuple(float(v) for v in bone_origin(model, bone)), round(detail, 3))


def set_matrix(matrix: vtkMatrix4x4, T: np.ndarray) -> None:
    """Copy a ``(4, 4)`` array into an existing ``vtkMatrix4x4`` (marks it modified)."""
    matrix.DeepCopy(np.ascontiguousarray(T, dtype=float).ravel())


def style_bone(actor: vtkActor, style: RenderStyle) -> None:
    """Ivory colour, smooth shading, a little specular."""
    prop = actor.GetProperty()
    prop.SetColor(*style.bone_color)
    prop.SetInterpolationToGouraud()
    prop.SetAmbient(0.12)
    prop.SetDiffuse(0.88)
    prop.SetSpecular(style.bone_specular)
    prop.SetSpecularPower(18.0)
    prop.SetSpecularColor(1.0, 1.0, 1.0)
    prop.SetOpacity(1.0)
    prop.SetBackfaceCulling(style.backface_culling)


def make_bone_actor(mesh, style: RenderStyle) -> tuple[vtkActor, vtkMatrix4x4]:
    """An actor for a bone mesh, and the user matrix that poses it."""
    mapper = vtkPolyDataMapper()
    mapper.SetInputData(mesh)
    mapper.ScalarVisibilityOff()
    actor = vtkActor()
    actor.SetMapper(mapper)
    matrix = vtkMatrix4x4()
    actor.SetUserMatrix(matrix)
    style_bone(actor, style)
    return actor, matrix
