"""The camera of a hip scene: what it frames, the view presets, and the fit into the picture.

A part of :class:`~hipviz.render.HipScene` (mixed in): it reads the scene's bones, muscles and
markers and points the renderer's camera.
"""
from __future__ import annotations

import numpy as np

from .geometry import fit_camera
from .views import VIEW_ANGLE_DEG, view_preset

__all__ = ["SceneCamera", "WHOLE_BODY_BEND_DEG"]

#: A leg that holds the body and bends more than this at the hip or knee is part of the exercise:
#: the camera fits the whole body (:meth:`SceneCamera.whole_body`).
WHOLE_BODY_BEND_DEG = 15.0


class SceneCamera:
    """The camera methods of :class:`~hipviz.render.HipScene`."""

    def scene_points(self) -> np.ndarray:
        """Every visible bone vertex, muscle path point and marker in the room frame, ``(N, 3)`` metres.

        The floor is not among them: the camera frames the body, the floor is scenery.
        """
        pts = [self.muscles.points()]
        for bone, local in self._bone_points.items():
            if self.bone_actors[bone].GetVisibility():
                T = self._bone_T[bone]
                pts.append(local @ T[:3, :3].T + T[:3, 3])
        if self.style.show_landmarks:
            pts.append(self.markers.points())
        if self._labels_shown(self._view_vectors(self.view)["direction"]):
            pts.append(self.side_labels.points())
        out = np.concatenate(pts) if pts else np.zeros((0, 3))
        return out if len(out) else np.array([[-0.2, -0.9, -0.2], [0.2, 0.2, 0.2]])

    def whole_body(self) -> bool:
        """True when both legs rest on the floor (kneeling, squatting ...), or a leg that holds
        the body bends at the hip or knee (a single-leg squat or deadlift: the standing leg is
        the exercise): then the camera fits the whole body; otherwise the pelvis and the
        moving leg (standing on a straight leg, lifting the other)."""
        contacts = getattr(self._state, "contacts", None)
        try:
            held = contacts.legs() if contacts is not None else set()
        except AttributeError:  # pragma: no cover - a state without a contact set
            return False
        if len(held) >= 2:
            return True
        poses, i = self._state.poses, self._i
        return any(abs(np.degrees(float(poses[f"{joint}_{c}"][i]))) > WHOLE_BODY_BEND_DEG
                   for c in held for joint in ("hip_flexion", "knee_flexion"))

    def focus_points(self, *, sample: int = 1) -> np.ndarray:
        """What the camera fits, room frame ``(N, 3)`` metres: the pelvis and spine, the moving
        leg's bones and muscles, the highlighted muscles, the ASIS markers and the R/L labels; in
        a whole-body pose (:meth:`whole_body`) every visible bone, muscle and the trunk outline.
        ``sample`` takes every n-th bone vertex.

        Kept until the scene changes (a new pose, style, view or muscles shown: see
        ``HipScene._changed``); the names beside the body ask for it every frame."""
        cache = self.__dict__.setdefault("_focus_cache", {})
        key = (sample, self.view, self.anatomical_views)
        if key not in cache:
            cache[key] = self._focus_points(sample)
        return cache[key]

    def _focus_points(self, sample: int) -> np.ndarray:
        whole = self.whole_body()
        moving = getattr(self._state, "side", "r") or "r"
        legs = {"femur", "tibia", "foot"}
        pts = []
        for bone, local in self._bone_points.items():
            if not self.bone_actors[bone].GetVisibility():
                continue
            name, _, side = bone.partition("_")
            if not whole and name in legs and side != moving:
                continue
            T = self._bone_T[bone]
            pts.append(local[::sample] @ T[:3, :3].T + T[:3, 3])
        # the trunk muscles reach up to the ribs: they count when a lesson points at them (their
        # lower ends, at the pelvis, are in the picture anyway)
        for key, path in self.muscles._paths.items():
            if not self.muscles.is_shown(key):
                continue
            trunk = self.muscles.bundles[key].group == "trunk"
            if whole or (key[0] == moving and not trunk) or (key[0], key[1]) in self.muscles.highlighted:
                pts.append(path)
        if self.style.show_landmarks:
            pts.append(self.markers.points())
        if self._labels_shown(self._view_vectors(self.view)["direction"]):
            pts.append(self.side_labels.points())
        if whole and self.style.show_trunk_outline and self.trunk_outline.actors[0].GetVisibility():
            pts.append(self.trunk_outline.points())
        out = np.concatenate(pts) if pts else np.zeros((0, 3))
        return out if len(out) else np.array([[-0.2, -0.9, -0.2], [0.2, 0.2, 0.2]])

    def _view_vectors(self, name: str) -> dict[str, np.ndarray]:
        """A preset's camera direction and up vector: in the room, or turned with the body's
        posture when :attr:`anatomical_views` is on ("front" then faces the body's front
        whether it stands or lies)."""
        preset = view_preset(name)
        turn = self.anatomical_views and self._state is not None
        R = np.asarray(self._state.posture.rotation, float) if turn else np.eye(3)
        return {"direction": R @ np.asarray(preset["direction"], float), "up": R @ np.asarray(preset["up"], float)}

    def set_view(self, name: str) -> None:
        """Point the camera from a preset direction and fit what matters into the picture.

        Parameters
        ----------
        name : str
            A key of :data:`hipviz.render.VIEWS`: ``front``, ``back``, ``left``, ``right``,
            ``side`` (= right), ``top`` or ``oblique``. Presets are fixed in the room (a supine
            body is seen lying, gravity down the picture); with :attr:`anatomical_views` on they
            turn with the posture of the last state shown ("front" faces the body's front).

        Notes
        -----
        :meth:`focus_points` (the pelvis and the moving leg, or the whole body when both legs
        rest on the floor) are fitted into the part of the picture left free by the legend and
        the caption, with a small margin; call again after a pose change to re-fit. A camera
        already in parallel projection (``camera.SetParallelProjection(True)``) is fitted as such.
        """
        self.__dict__.pop("_focus_cache", None)
        preset = self._view_vectors(name)
        self.view = name
        # looking down (or up) the trunk, the rib cage would stand between the camera and the
        # pelvis: it is left out of that view
        axis = self.trunk_outline.T[:3, 1] if getattr(self.trunk_outline, "T", None) is not None else None
        along = axis is not None and abs(float(np.dot(axis, preset["direction"]))) > np.cos(np.radians(35.0))
        for actor in self.trunk_outline.actors:
            actor.SetVisibility(self.style.show_trunk_outline and not along)
        w, h = self._window_size()
        pts = self.focus_points()
        d, up = np.asarray(preset["direction"], float), np.asarray(preset["up"], float)
        right = np.cross(up, d)
        up = np.cross(d, right)
        ext_x, ext_y = np.ptp(pts @ right), np.ptp(pts @ up)
        self.overlay.set_body_aspect(ext_x / ext_y if ext_y > 1e-6 else None)
        x0, x1, y0, y1 = self._layout()
        pad_x, pad_y = 0.03 * (x1 - x0), 0.03 * (y1 - y0)
        target = [x0 + pad_x, x1 - pad_x, y0 + pad_y, y1 - pad_y]
        camera = self.renderer.GetActiveCamera()
        self._fit(camera, pts, preset, w / h, target)
        # Names beside the body need room: if the body leaves none at its sides (nor above or
        # below it), fit it again beside a column for the names, unless that shrinks it by
        # more than 45 %.
        box = self.body_box() if self.muscle_labels.items else None
        if box is not None:
            area, right = self.label_areas((w, h), (x0, x1, y0, y1))
            need_w, need_h = self._label_width(h), 1.6 * self.label_font_px(h)
            room_x = max(box[0] - area[0], right[2] - box[2])
            room_y = max(box[1] - area[1], area[3] - box[3])
            new_w = target[1] - target[0] - 2 * need_w / w
            body_w = 2 * (box[2] - box[0]) / w
            if room_x < need_w and room_y < need_h and new_w >= 0.55 * min(body_w, target[1] - target[0]):
                target[1] -= 2 * need_w / w
                self._fit(camera, pts, preset, w / h, target)
        self.renderer.ResetCameraClippingRange()
        try:
            self.renderer.camera_set = True  # keep pyvista from resetting the camera on first render
        except AttributeError:  # pragma: no cover - plain vtkRenderer
            pass

    def _fit(self, camera, pts, preset, aspect: float, target) -> None:
        parallel = bool(camera.GetParallelProjection())
        cam = fit_camera(pts, preset["direction"], preset["up"], view_angle=VIEW_ANGLE_DEG, aspect=aspect,
                         target=tuple(target), parallel=parallel)
        camera.SetViewAngle(VIEW_ANGLE_DEG)
        if parallel:
            camera.SetParallelScale(cam["parallel_scale"])
        camera.SetFocalPoint(*cam["focal_point"])
        camera.SetPosition(*cam["position"])
        camera.SetViewUp(*cam["view_up"])
