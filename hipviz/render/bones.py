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
    from .polydata import decimate, polydata, with_point_normals

    vertices, faces = _read_triangles(path)
    mesh = polydata(vertices - np.asarray(origin), faces)
    if detail < 0.999:
        mesh = decimate(mesh, 1.0 - detail)
    return with_point_normals(mesh)


def _read_triangles(path: str) -> tuple[np.ndarray, np.ndarray]:
    """Vertices (n, 3) and triangles (m, 3) of a mesh file, checked (MeshError otherwise).

    Binary PLY (hipviz's own meshes, and every folder ``hipviz import-bones`` writes) is read
    with numpy alone (:mod:`hipviz.io.ply`); other files with trimesh, which also brings
    SciPy (~90 MB). Not with VTK: VTK's PLY reader crashes the whole program on a truncated
    binary file; both of these raise an error we can word.
    """
    from ..io.ply import PlyError, PlyUnsupported, read_ply_triangles

    vertices = faces = None
    if path.lower().endswith(".ply"):
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            raise MeshError(f"{path}: cannot read the bone mesh ({exc.strerror or exc})") from None
        try:
            vertices, faces = read_ply_triangles(data)
        except PlyError as exc:
            raise MeshError(f"{path}: cannot read the bone mesh ({exc}); "
                            "is it complete? write the folder again with hipviz import-bones") from None
        except PlyUnsupported:
            pass  # e.g. ASCII PLY: trimesh reads it
    if vertices is None:
        vertices, faces = _read_with_trimesh(path)
    if len(faces) == 0 or len(vertices) < 3:
        raise MeshError(f"{path}: the bone mesh holds no triangles (is it a PLY surface mesh?)")
    if not np.all(np.isfinite(vertices)) or np.abs(vertices).max() > 1e3:
        raise MeshError(f"{path}: the bone mesh has vertex coordinates that are not finite numbers of metres")
    if faces.min() < 0 or faces.max() >= len(vertices):
        raise MeshError(f"{path}: the bone mesh's triangles refer to vertices it does not have")
    return vertices, faces


def _read_with_trimesh(path: str) -> tuple[np.ndarray, np.ndarray]:
    import trimesh

    try:
        loaded = trimesh.load(path, force="mesh", process=False)
    except Exception as exc:  # the readers raise many kinds of errors on bad files
        text = str(exc).splitlines()[0][:120] if str(exc) else ""
        raise MeshError(f"{path}: cannot read the bone mesh ({type(exc).__name__}: {text}); "
                        "is it complete? write the folder again with hipviz import-bones") from None
    if not isinstance(loaded, trimesh.Trimesh) or len(loaded.faces) == 0 or len(loaded.vertices) < 3:
        raise MeshError(f"{path}: the bone mesh holds no triangles (is it a PLY surface mesh?)")
    return np.asarray(loaded.vertices, float), np.asarray(loaded.faces, np.int64)


def load_bone_mesh(model, bone: str, detail: float = 1.0):
    """The bone's surface as a ``vtkPolyData`` with point normals, in its segment frame (metres).

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
