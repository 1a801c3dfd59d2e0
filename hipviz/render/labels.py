"""Bold "R" and "L" beside the hips, so that nobody mixes up the sides in a front or back view.

The labels are 2D text placed every frame at the screen position of a point 14 cm lateral of
each hip centre (pelvis frame), and hidden when the camera looks along the hip axis.
"""
from __future__ import annotations

import numpy as np
from vtkmodules.vtkRenderingCore import vtkTextActor

__all__ = ["SideLabels"]

#: Anchor offset from each hip centre, pelvis frame (metres; z is mirrored for the left).
_OFFSET = np.array([0.0, -0.01, 0.14])


class SideLabels:
    """Two text actors, "R" and "L", that follow the pelvis on screen."""

    def __init__(self, renderer, model) -> None:
        self.renderer = renderer
        pel = model.landmarks.get("pelvis", {})
        self._local = {}
        for c, sign in (("r", 1.0), ("l", -1.0)):
            hip = np.asarray(pel.get(f"hip_center_{c}", (0.0, 0.0, sign * 0.087)), float)
            self._local[c] = hip + _OFFSET * np.array([1.0, 1.0, sign])
        self.anchors = dict(self._local)
        self.actors = {c: self._text(c.upper()) for c in ("r", "l")}

    def _text(self, text: str) -> vtkTextActor:
        actor = vtkTextActor()
        actor.SetInput(text)
        tp = actor.GetTextProperty()
        tp.SetFontFamilyToArial()
        tp.SetBold(True)
        tp.SetJustificationToCentered()
        tp.SetVerticalJustificationToCentered()
        actor.SetVisibility(False)
        actor.SetPickable(False)
        self.renderer.AddActor(actor)
        return actor

    def update(self, T_pelvis: np.ndarray) -> None:
        """Move the anchors with the pelvis transform ``(4, 4)``."""
        R, t = T_pelvis[:3, :3], T_pelvis[:3, 3]
        self.anchors = {c: R @ p + t for c, p in self._local.items()}

    def useful_from(self, direction) -> bool:
        """False when ``direction`` (scene -> camera) runs within ~40 deg of the hip axis (side views)."""
        axis = self.anchors["r"] - self.anchors["l"]
        d = np.asarray(direction, float)
        cos = abs(float(d @ axis)) / max(float(np.linalg.norm(d) * np.linalg.norm(axis)), 1e-12)
        return cos < 0.75

    def place(self, *, visible: bool, font_px: int, color) -> None:
        """Put the labels at the anchors' screen positions (call just before rendering)."""
        ren = self.renderer
        for c, actor in self.actors.items():
            actor.SetVisibility(visible)
            if not visible:
                continue
            ren.SetWorldPoint(*self.anchors[c], 1.0)
            ren.WorldToDisplay()
            x, y, _ = ren.GetDisplayPoint()
            actor.SetPosition(x, y)
            tp = actor.GetTextProperty()
            tp.SetFontSize(font_px)
            tp.SetColor(*color)

    def points(self) -> np.ndarray:
        """The anchors, ``(2, 3)`` metres (for camera fitting)."""
        return np.array([self.anchors["r"], self.anchors["l"]])
