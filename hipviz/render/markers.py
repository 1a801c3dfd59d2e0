"""ASIS markers: a sphere on each anterior superior iliac spine inside a ring.

The ring is the teacher's "fingers on the ASIS": neutral (text colour, thin) while the pelvis is
neutral, vermillion and larger once the pelvis tilts, hikes or rotates by more than a threshold.
Markers live in the pelvis frame and are posed with the pelvis transform (no point updates).
"""
from __future__ import annotations

import numpy as np
from vtkmodules.vtkCommonMath import vtkMatrix4x4
from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper

from . import colors
from .bones import set_matrix
from .style import RenderStyle

__all__ = ["AsisMarkers", "pelvis_moved", "PELVIS_THRESHOLD_DEG"]

#: Pelvis angle (degrees) beyond which the ASIS rings turn to the warning colour.
PELVIS_THRESHOLD_DEG = 1.0


def pelvis_moved(state, i: int = 0, threshold: float = PELVIS_THRESHOLD_DEG) -> bool:
    """True when |pelvis tilt|, |obliquity| or |rotation| of pose ``i`` exceeds ``threshold`` degrees."""
    return any(abs(float(state.poses.degrees(name)[i])) > threshold
               for name in ("pelvis_anterior_tilt", "pelvis_obliquity", "pelvis_rotation"))


def neutral_ring_color(style: RenderStyle) -> tuple[float, float, float]:
    return colors.mix(style.text_rgb, style.background_rgb, 0.15)


def _unit_sphere():
    from vtkmodules.vtkFiltersSources import vtkSphereSource

    src = vtkSphereSource()
    src.SetRadius(1.0)
    # a marker a centimetre across: 18 x 12 facets read round at projector size and cost half the
    # vertices of VTK's finer default (every vertex counts in software OpenGL)
    src.SetThetaResolution(18)
    src.SetPhiResolution(12)
    src.Update()
    return src.GetOutput()


def _unit_ring():
    """A torus of ring radius 1 round the z axis, its tube 0.16 thick, with smooth normals."""
    from vtkmodules.vtkCommonComputationalGeometry import vtkParametricTorus
    from vtkmodules.vtkFiltersSources import vtkParametricFunctionSource

    from .polydata import with_point_normals

    fn = vtkParametricTorus()
    fn.SetRingRadius(1.0)
    fn.SetCrossSectionRadius(0.16)
    src = vtkParametricFunctionSource()
    src.SetParametricFunction(fn)
    src.SetUResolution(36)
    src.SetVResolution(8)
    src.SetWResolution(2)
    src.GenerateTextureCoordinatesOff()
    src.Update()
    return with_point_normals(src.GetOutput())


class AsisMarkers:
    """Sphere + ring actors on ``asis_r`` and ``asis_l`` of the pelvis."""

    def __init__(self, model, style: RenderStyle) -> None:
        self.style = style
        self.moved = False
        self.actors: list[vtkActor] = []
        self._parts: list[tuple[vtkActor, vtkMatrix4x4, np.ndarray, str]] = []
        pel = model.landmarks.get("pelvis", {})
        sphere, torus = _unit_sphere(), _unit_ring()
        for name in ("asis_r", "asis_l"):
            if name not in pel:
                continue
            p = np.asarray(pel[name], float)
            for kind, mesh in (("sphere", sphere), ("ring", torus)):
                mapper = vtkPolyDataMapper()
                mapper.SetInputData(mesh)
                mapper.ScalarVisibilityOff()
                actor = vtkActor()
                actor.SetMapper(mapper)
                actor.SetPickable(False)
                matrix = vtkMatrix4x4()
                actor.SetUserMatrix(matrix)
                self.actors.append(actor)
                self._parts.append((actor, matrix, p, kind))
        self._T = np.eye(4)
        self.set_style(style)

    def _local(self, p: np.ndarray, kind: str) -> np.ndarray:
        r = self.style.landmark_radius_mm / 1000.0
        M = np.eye(4)
        if kind == "sphere":  # the sphere reads from every side, the ring from the front
            M[:3, :3] *= r * (1.5 if self.moved else 1.0)
            M[:3, 3] = p
            return M
        scale = r * (2.9 if self.moved else 2.4)
        # Ring in the pelvis's coronal plane (torus axis z -> pelvis x, anterior), just in front.
        R = np.array([[0.0, 0.0, 1.0], [0.0, 1.0, 0.0], [-1.0, 0.0, 0.0]])
        M[:3, :3] = R * scale
        M[:3, 3] = p + np.array([0.6 * r, 0.0, 0.0])
        return M

    def update(self, T_pelvis: np.ndarray, moved: bool) -> None:
        """Pose with the pelvis transform ``(4, 4)``; ``moved`` switches the ring to the warning look."""
        self._T = np.asarray(T_pelvis, float)
        if moved != self.moved:
            self.moved = moved
            self._colour()
        for actor, matrix, p, kind in self._parts:
            set_matrix(matrix, self._T @ self._local(p, kind))

    def _colour(self) -> None:
        ring = colors.WARNING_COLOR if self.moved else neutral_ring_color(self.style)
        for actor, _, _, kind in self._parts:
            prop = actor.GetProperty()
            prop.SetColor(*ring)
            prop.SetSpecular(0.4)
            prop.SetSpecularPower(30)
            prop.SetAmbient(0.2 if kind == "ring" else 0.1)
            prop.SetBackfaceCulling(self.style.backface_culling)

    def set_style(self, style: RenderStyle) -> None:
        self.style = style
        self._colour()
        for actor in self.actors:
            actor.SetVisibility(style.show_landmarks)
        self.update(self._T, self.moved)

    def points(self) -> np.ndarray:
        """Marker centres in the room frame, ``(m, 3)`` metres (for camera fitting)."""
        pts = [self._T[:3, :3] @ p + self._T[:3, 3] for _, _, p, kind in self._parts if kind == "sphere"]
        return np.array(pts).reshape(-1, 3)
