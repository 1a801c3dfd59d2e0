"""Text in the 3D view that follows the body: "R" and "L" beside the hips, and the names of the
lit muscles with leader lines.

* :class:`SideLabels`: bold "R" and "L" 14 cm lateral of each hip centre (pelvis frame), so that
  nobody mixes up the sides in a front or back view; hidden when the camera looks along the
  hip axis.
* :class:`MuscleLabels`: names beside the body, each with a leader line to its muscle, laid out
  by :func:`place_labels` (columns beside the body, or rows above and below it, never two names
  overlapping).

Both are 2D actors placed every frame, just before VTK renders, from the screen positions of
points on the body (:func:`project`).
"""
from __future__ import annotations

import numpy as np
from vtkmodules.vtkRenderingCore import vtkTextActor

from .label_layout import place_labels

__all__ = ["SideLabels", "MuscleLabels", "place_labels", "project"]

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


# -- names on the lit muscles ------------------------------------------------------------------
def project(renderer, points, scale: float = 1.0) -> np.ndarray:
    """World points ``(n, 3)`` (metres) -> display pixels ``(n, 3)``: x, y (up) and depth 0..1.

    ``scale``: render pixels per picture pixel (a reduced-resolution frame); x and y come in
    picture pixels, the render window's divided by it.
    """
    P = np.asarray(points, float).reshape(-1, 3)
    if not len(P):
        return np.zeros((0, 3))
    w, h = renderer.GetSize()
    cam = renderer.GetActiveCamera()
    M = np.array(cam.GetCompositeProjectionTransformMatrix(w / max(h, 1), -1, 1).GetData()).reshape(4, 4)
    hp = np.c_[P, np.ones(len(P))] @ M.T
    ndc = hp[:, :3] / np.where(np.abs(hp[:, 3:]) > 1e-12, hp[:, 3:], 1e-12)
    x0, y0 = renderer.GetOrigin()
    out = np.column_stack([x0 + (ndc[:, 0] + 1) / 2 * w, y0 + (ndc[:, 1] + 1) / 2 * h, (ndc[:, 2] + 1) / 2])
    if scale != 1.0:
        out[:, :2] /= scale
    return out


class _Buffers:
    """The points and colours of a 2D ``vtkPolyData`` as numpy arrays VTK reads in place: a
    frame only rewrites the numbers, and the cells (``blocks``: ``(count, size, offset)``) stay."""

    def __init__(self, poly, n_points: int, blocks, n_runs: int) -> None:
        from vtkmodules.util.numpy_support import numpy_to_vtk
        from vtkmodules.vtkCommonCore import vtkPoints

        from .polydata import cells as vtk_cells

        self.key = (n_points, tuple(blocks), n_runs)
        self.points = np.zeros((n_points, 3))
        self.point_rgba = np.zeros((n_points, 4), np.uint8)
        #: the colour of each run of ``n_points // n_runs`` points (a label's), RGBA
        self.rgba = self.point_rgba.reshape(n_runs, -1, 4)[:, 0] if n_runs else np.zeros((0, 4), np.uint8)
        self._run = n_points // n_runs if n_runs else 0
        vp = vtkPoints()
        vp.SetData(numpy_to_vtk(self.points, deep=False))
        poly.Initialize()
        poly.SetPoints(vp)
        lines, polys = [], []
        for count, size, offset in blocks:
            # ``count`` cells of ``size`` points, one in each run of ``n_points // count`` points,
            # starting at ``offset`` in its run
            stride = n_points // count if count else 0
            conn = np.arange(count)[:, None] * stride + offset + np.arange(size)[None, :]
            (lines if size == 2 else polys).append(conn)
        if lines:
            poly.SetLines(vtk_cells(np.concatenate(lines)))
        if polys:
            poly.SetPolys(vtk_cells(np.concatenate(polys)))
        scal = numpy_to_vtk(self.point_rgba, deep=False)
        scal.SetName("rgba")
        poly.GetPointData().SetScalars(scal)
        self.poly = poly

    def modified(self) -> None:
        """After writing :attr:`points` and :attr:`rgba`: every point of a run takes its colour."""
        if self._run > 1:
            runs = self.point_rgba.reshape(len(self.rgba), self._run, 4)
            runs[:, 1:] = runs[:, :1]
        self.poly.GetPoints().GetData().Modified()
        self.poly.GetPoints().Modified()
        self.poly.GetPointData().GetScalars().Modified()


class MuscleLabels:
    """Names with leader lines on the lit muscles: 2-D text beside the body, a line to each muscle.

    The labels are laid out every frame (:func:`place_labels`) just before VTK renders, from
    the anchors' screen positions: they follow the body while it moves and the camera turns.
    Text is bold, in the background's text colour on a near-opaque plate of the background
    colour, with a swatch of the muscle's colour; each leader line is drawn twice (a wide line in
    the background colour under a narrow one in the text colour), so it reads on bone, on muscle
    and on either background. Only black/white and the muscles' own colours are used: safe for
    colour-blind viewers.

    Attributes
    ----------
    items : list of (text, (3,) anchor, rgb)
        The candidates, most important first.
    count : int or None
        At most this many are named: the first candidates whose point is in the picture
        (a muscle of a leg the camera leaves out is not named). None: all that are.
    placed : list of (text, (3,) anchor, rgb)
        Those named after the last :meth:`place`.
    boxes : (n, 4) ndarray
        Their boxes in picture pixels (x0, y0, x1, y1; the render window's display pixels
        divided by the ``pixel_scale`` of a reduced-resolution frame), in the order of :attr:`placed`.
    """

    def __init__(self, renderer) -> None:
        from vtkmodules.vtkCommonDataModel import vtkPolyData
        from vtkmodules.vtkRenderingCore import vtkActor2D, vtkPolyDataMapper2D

        self.renderer = renderer
        self.items: list[tuple[str, np.ndarray, tuple]] = []
        self.count: int | None = None
        self.placed: list[tuple[str, np.ndarray, tuple]] = []
        self.boxes = np.zeros((0, 4))
        self.sides: list[str] = []
        self.visible = True
        self._texts: list = []
        self._sizes: dict[tuple[str, int], tuple[int, int]] = {}
        self._polys, self._line_actors = [], []
        self._bufs: dict[int, _Buffers] = {}
        for _ in range(3):  # the outline lines, the lines, the swatches
            poly = vtkPolyData()
            mapper = vtkPolyDataMapper2D()
            mapper.SetInputData(poly)
            mapper.SetColorModeToDirectScalars()
            # colours by point, not by cell: a 2D mapper with cell colours rebuilds its cell
            # map whenever the mesh changes (every frame while the body moves)
            mapper.SetScalarModeToUsePointData()
            actor = vtkActor2D()
            actor.SetMapper(mapper)
            actor.SetVisibility(False)
            actor.SetPickable(False)
            renderer.AddActor(actor)
            self._polys.append(poly)
            self._line_actors.append(actor)

    def set_items(self, items, count: int | None = None) -> None:
        """What to label: ``[(text, anchor (3,) metres, rgb), ...]``, most important first, and
        at most how many (see :attr:`count`)."""
        self.items = [(str(t), np.asarray(a, float), tuple(c)) for t, a, c in items]
        self.count = count

    def _text(self, j: int):
        from vtkmodules.vtkRenderingCore import vtkTextActor

        while len(self._texts) <= j:
            actor = vtkTextActor()
            tp = actor.GetTextProperty()
            tp.SetFontFamilyToArial()
            tp.SetBold(True)
            tp.SetJustificationToLeft()
            tp.SetVerticalJustificationToBottom()
            actor.SetPickable(False)
            actor.SetVisibility(False)
            self.renderer.AddActor(actor)
            self._texts.append(actor)
        return self._texts[j]

    def _size(self, actor, text: str, font_px: int) -> tuple[int, int]:
        key = (text, font_px)
        if key not in self._sizes:
            from vtkmodules.vtkRenderingCore import vtkTextRenderer

            bb = [0, 0, 0, 0]
            vtkTextRenderer.GetInstance().GetBoundingBox(actor.GetTextProperty(), text, bb, 72)
            self._sizes[key] = (bb[1] - bb[0], bb[3] - bb[2])
        return self._sizes[key]

    def place(self, *, body, area, font_px: int, text_rgb, background_rgb, right_area=None, legend=None,
              pixel_scale: float = 1.0) -> None:
        """Lay the labels out for the camera now (call just before rendering).

        Parameters
        ----------
        body : (x0, y0, x1, y1)
            The body's box on screen, display pixels.
        area : (x0, y0, x1, y1)
            Where labels may go, display pixels.
        right_area : (x0, y0, x1, y1), optional
            Where the right-hand column may go instead (see :func:`place_labels`).
        legend : (x0, y0, x1, y1), optional
            The legend's box: a muscle whose point lies under it is not named.
        font_px : int
        text_rgb, background_rgb : (3,) RGB 0..1
        pixel_scale : float, default: 1
            Render pixels per picture pixel (a reduced-resolution drag frame): the layout, the
            boxes and every argument are in picture pixels; the actors are placed, and lines
            drawn, at this scale (the window draws the text at a DPI reduced alike).
        """
        self._legend_box = legend
        s = float(pixel_scale)
        items, kept = [], []
        if self.visible and self.items:
            w, h = (v / s for v in self.renderer.GetSize())
            legend = self._legend_box
            pts = project(self.renderer, [a for _, a, _ in self.items], s)
            for j, (item, (x, y, z)) in enumerate(zip(self.items, pts.tolist())):
                inside = 0 <= x <= w and 0 <= y <= h and 0 <= z <= 1
                under_legend = legend is not None and legend[0] <= x <= legend[2] and legend[1] <= y <= legend[3]
                if inside and not under_legend:
                    items.append(item)
                    kept.append(j)
            if self.count is not None:
                items, kept = items[:self.count], kept[:self.count]
        self.placed = items
        n = len(items)
        for j in range(n, len(self._texts)):
            self._texts[j].SetVisibility(False)
        if n == 0:
            for a in self._line_actors:
                a.SetVisibility(False)
            self.boxes, self.sides = np.zeros((0, 4)), []
            return
        pad = max(2, int(round(0.25 * font_px)))
        sw = int(round(0.7 * font_px))  # colour swatch
        sizes = []
        for j, (text, _, _) in enumerate(items):
            actor = self._text(j)
            tp = actor.GetTextProperty()
            tp.SetFontSize(font_px)
            tp.SetColor(*text_rgb)
            tp.SetBackgroundColor(*background_rgb)
            tp.SetBackgroundOpacity(0.0)
            actor.SetInput(text)
            tw, th = self._size(actor, text, font_px)
            sizes.append((tw + sw + 3 * pad, max(th, sw) + 2 * pad))
        sizes = np.array(sizes, float)
        anchors = pts[kept]  # the named ones' screen points
        boxes, sides = place_labels(anchors[:, :2], sizes, body, area, gap=max(4.0, 0.35 * font_px),
                                    right_area=right_area)
        shown = [j for j, side in enumerate(sides) if side != "hidden"]
        if len(shown) < n:  # no room for the last names (see place_labels): leave them out
            for j in range(n):
                if sides[j] == "hidden":
                    self._texts[j].SetVisibility(False)
            # the texts that stay keep their actors: move them into the first places
            texts = [self._texts[j] for j in shown] + [self._texts[j] for j in range(n) if j not in shown]
            self._texts[:n] = texts
            items = [items[j] for j in shown]
            boxes, sides, anchors = boxes[shown], [sides[j] for j in shown], anchors[shown]
            self.placed = items
        self.boxes, self.sides = boxes, sides
        plates, swatches, lines = [], [], []
        for j, ((text, _, rgb), (x0, y0, x1, y1), side) in enumerate(zip(items, boxes, sides)):
            actor = self._texts[j]
            actor.SetPosition((x0 + 2 * pad + sw) * s, (y0 + pad) * s)
            actor.SetVisibility(True)
            plates.append((x0, y0, x1, y1, background_rgb))
            sy = 0.5 * (y0 + y1) - sw / 2
            swatches.append((x0 + pad, sy, x0 + pad + sw, sy + sw, rgb))
            ax, ay = anchors[j, :2]
            # the line leaves the label on the edge facing the body, at its middle
            start = {"left": (x1, 0.5 * (y0 + y1)), "right": (x0, 0.5 * (y0 + y1)),
                     "top": (0.5 * (x0 + x1), y0), "bottom": (0.5 * (x0 + x1), y1)}[side]
            lines.append((start, (ax, ay)))
        lw = max(2.0, font_px / 9.0)
        self._set_lines(self._polys[0], lines, background_rgb, dot=1.6 * lw + 2.0, scale=s)
        self._line_actors[0].GetProperty().SetLineWidth((lw + 3.0) * s)
        self._set_lines(self._polys[1], lines, text_rgb, dot=1.6 * lw, scale=s)
        self._line_actors[1].GetProperty().SetLineWidth(lw * s)
        # plates and swatches in one poly: plates first, so swatches lie on them
        self._set_quads(self._polys[2], plates + swatches, opacity=[0.82] * len(plates) + [1.0] * len(swatches),
                        scale=s)
        for a in self._line_actors:
            a.SetVisibility(True)

    def _buffers(self, poly, n_points: int, blocks, n_runs: int) -> _Buffers:
        """The :class:`_Buffers` of one of :attr:`_polys` for this many points and cells (made
        anew when the counts change: a frame naming as many muscles as the last one only
        rewrites the numbers)."""
        key = (n_points, tuple(blocks), n_runs)
        # by identity: ``list.index`` would compare with VTK's ``__eq__``, which for a data
        # object compares its arrays (a tenth of a millisecond each, three times a frame)
        j = next(j for j, p in enumerate(self._polys) if p is poly)
        buf = self._bufs.get(j)
        if buf is None or buf.key != key:
            buf = self._bufs[j] = _Buffers(poly, n_points, blocks, n_runs)
        return buf

    def _set_lines(self, poly, lines, rgb, *, dot: float, scale: float = 1.0) -> None:
        """Leader lines ``[((sx, sy), (ex, ey)), ...]`` with a square dot at each end point
        (picture pixels, drawn at ``scale``), all in ``rgb``."""
        L = np.asarray(lines, float).reshape(-1, 4)  # sx, sy, ex, ey
        n = len(L)
        buf = self._buffers(poly, 6 * n, [(n, 2, 0), (n, 4, 2)], n)
        pts = buf.points.reshape(n, 6, 3)
        pts[:, 0, :2], pts[:, 1, :2] = L[:, :2], L[:, 2:]
        ex, ey = L[:, 2:3], L[:, 3:4]
        pts[:, 2:, 0] = ex + dot * np.array([-1.0, 1.0, 1.0, -1.0])
        pts[:, 2:, 1] = ey + dot * np.array([-1.0, -1.0, 1.0, 1.0])
        pts[:, :, :2] *= scale
        buf.rgba[:, :3] = np.clip(np.asarray(rgb, float) * 255 + 0.5, 0, 255)
        buf.rgba[:, 3] = 255
        buf.modified()

    def _set_quads(self, poly, quads, *, opacity, scale: float = 1.0) -> None:
        """Rectangles ``[(x0, y0, x1, y1, rgb), ...]`` (picture pixels, drawn at ``scale``), each
        with its opacity."""
        n = len(quads)
        buf = self._buffers(poly, 4 * n, [(n, 4, 0)], n)
        if n:
            box = np.array([q[:4] for q in quads], float) * scale
            pts = buf.points.reshape(n, 4, 3)
            pts[:, :, 0] = box[:, [0, 2, 2, 0]]
            pts[:, :, 1] = box[:, [1, 1, 3, 3]]
            buf.rgba[:, :3] = np.clip(np.array([q[4] for q in quads], float) * 255 + 0.5, 0, 255)
            buf.rgba[:, 3] = np.round(255 * np.asarray(opacity, float))
        buf.modified()

    def actors(self) -> list:
        """Every 2-D actor of the labels (for clean-up)."""
        return [*self._line_actors, *self._texts]
