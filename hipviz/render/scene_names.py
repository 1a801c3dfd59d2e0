"""Naming the working muscles beside the body: which muscles get a name, and where the names go.

A part of :class:`~hipviz.render.HipScene` (mixed in): it reads the scene's state, colouring and
layers and lays out :attr:`HipScene.muscle_labels`. The pure rules (which bundles are lit, which
muscles to name) are in :mod:`hipviz.render.naming`.
"""
from __future__ import annotations

import numpy as np

from . import colouring, naming
from .labels import project
from .overlay import Overlay

__all__ = ["MuscleNaming"]


class MuscleNaming:
    """The muscle-name methods of :class:`~hipviz.render.HipScene`."""

    def _threshold(self) -> float:
        return colouring.SHARE_THRESHOLD if self.style.colour == "share" else colouring.EFFORT_THRESHOLD

    def labelled_muscles(self, *, candidates: bool = False) -> list[tuple[str, str]]:
        """``[(side, muscle_id)]`` to name: the highlighted muscles (all of them, and no other: the
        others are drawn faded), else the most active shown muscles (by the colouring's number,
        most active first) up to ``style.label_count``; none when ``label_count`` is 0. Each frame names the
        first of them whose muscle is in the picture (``muscle_labels.placed``); ``candidates``
        gives every working muscle in that order, from which the frame takes its names.
        """
        m = self.muscles
        if self.style.label_count <= 0:
            return []
        lit = naming.lit_bundles(self._activation, m.order, self._threshold(), m.is_shown)
        shown = lambda sel: any(m.is_shown(k) for k in m.keys_of(*sel))  # noqa: E731
        count = len(m.bundles) if candidates else self.style.label_count
        moving = getattr(self._state, "side", None)
        if m.highlighted or moving is None or self.whole_body():
            return naming.named_muscles(lit, m.highlighted, count, shown)
        # one leg moves: its muscles are named first ("which muscles move the thigh this way"),
        # then the standing leg's and the trunk's
        first = naming.named_muscles({k: v for k, v in lit.items() if k[0] == moving}, set(), count, shown)
        rest = naming.named_muscles({k: v for k, v in lit.items() if k[0] != moving}, set(), count, shown)
        return (first + rest)[:count]

    def _label_anchor(self, side: str, mid: str, vals: dict | None = None) -> np.ndarray | None:
        """The middle of the muscle's most active (else longest) shown bundle, room frame
        (``vals``: :func:`naming.lit_bundles` with no threshold, if the caller has it)."""
        key = self._anchor_bundle(side, mid, vals)
        if key is None:
            return None
        return naming.path_middle(self.muscles._paths[key])

    def _anchor_bundle(self, side: str, mid: str, vals: dict | None = None):
        """The muscle's most active (else longest) shown bundle, or None."""
        keys = [k for k in self.muscles.keys_of(side, mid) if self.muscles.is_shown(k)]
        if not keys:
            return None
        if vals is None:
            vals = naming.lit_bundles(self._activation, self.muscles.order, -1.0)
        return max(keys, key=lambda k: (vals.get(k, 0.0), len(self.muscles._paths[k])))

    def _update_labels(self) -> None:
        moving = getattr(self._state, "side", None)
        items = []
        chosen = self.labelled_muscles(candidates=True)
        n_highlighted = sum(1 for m in chosen if m in self.muscles.highlighted)
        vals = naming.lit_bundles(self._activation, self.muscles.order, -1.0) if chosen else {}
        found = [(side, mid, self._anchor_bundle(side, mid, vals)) for side, mid in chosen]
        found = [(side, mid, key) for side, mid, key in found if key is not None]
        anchors = naming.path_middles([self.muscles._paths[key] for _, _, key in found])
        count = max(self.style.label_count, n_highlighted) if self.style.label_count > 0 else 0
        # the moving side goes unnamed unless the other side is named too (then both are)
        both = moving is not None and any(side != moving for side, _, _ in found[:count])
        for (side, mid, _), anchor in zip(found, anchors):
            name = self._names.get(mid, mid)
            if moving is not None and (side != moving or both):
                name += " (left)" if side == "l" else " (right)"
            keys = self.muscles.keys_of(side, mid)
            rgb = self.muscles.color(max(keys, key=lambda k: self.muscles.radius(k)))
            items.append((name, anchor, rgb))
        self.muscle_labels.set_items(items, count)

    def label_font_px(self, height: int) -> int:
        """Height in pixels of the muscle names in a ``height``-pixel-high picture."""
        return max(12, int(round(self.style.label_scale * self.overlay.font_px(height))))

    def body_box(self) -> tuple[float, float, float, float] | None:
        """The box ``(x0, y0, x1, y1)`` of :meth:`focus_points` on screen now, display pixels."""
        pts = self.focus_points(sample=5)
        if not len(pts):
            return None
        xy = project(self.renderer, pts, self.pixel_scale())[:, :2]
        return float(xy[:, 0].min()), float(xy[:, 1].min()), float(xy[:, 0].max()), float(xy[:, 1].max())

    def label_areas(self, size, free) -> tuple[tuple, tuple]:
        """Where names may go, display pixels: the free part of the picture, and for the
        right-hand column that part widened to the picture's edge below the legend."""
        w, h = size
        x0, x1, y0, y1 = free
        margin = 0.5 * self.overlay.font_px(h)
        area = ((x0 + 1) / 2 * w + margin, (y0 + 1) / 2 * h + margin, (x1 + 1) / 2 * w - margin, (y1 + 1) / 2 * h - margin)
        box = self.overlay.legend_box
        right = area if box is None else (area[0], area[1], w - margin, min(area[3], box[1] - margin))
        if box is not None and right[3] - right[1] < 3 * self.label_font_px(h):
            right = area  # no room under the legend
        return area, right

    def place_muscle_labels(self, size, free) -> None:
        """Lay the muscle names out for the camera now (done before every render)."""
        w, h = size
        area, right = self.label_areas(size, free)
        body = self.body_box() if self.muscle_labels.items else None
        self.muscle_labels.visible = body is not None
        self.muscle_labels.place(body=body or area, area=area, right_area=right, legend=self.overlay.legend_box,
                                 font_px=self.label_font_px(h),
                                 text_rgb=self.style.text_rgb, background_rgb=self.style.background_rgb,
                                 pixel_scale=self.pixel_scale())

    def _label_width(self, height: int) -> float:
        """Pixels of the widest muscle name now (with its swatch and margins)."""
        from vtkmodules.vtkRenderingCore import vtkTextProperty

        f = self.label_font_px(height)
        tp = vtkTextProperty()
        tp.SetFontFamilyToArial()
        tp.SetBold(True)
        tp.SetFontSize(f)
        labels = self.muscle_labels
        widths = [Overlay._measure(tp, text, 72)[0] for text, _, _ in labels.items[:labels.count]]
        return (max(widths) if widths else 0) + 1.9 * f
