"""The 2D overlay of the 3D view: legend (muscle groups or activation colour bar) and caption.

Everything is laid out in pixels from the window size, with text measured by VTK's text
renderer, so labels never overlap and keep their share of the picture at any window size.
The legend sits in a column at the right (at most 30 % of the width: its text shrinks to fit);
the caption at the top left, or above the legend when the body is tall
(:meth:`Overlay.set_body_aspect`); :meth:`Overlay.layout` returns the free rectangle that the
camera fits the body into.

The layout is in picture pixels; a window drawing a drag frame at a reduced resolution
(:meth:`Overlay.set_pixel_scale`) gets every position multiplied by its scale, and its text is
rendered at a DPI reduced by the same factor, so the overlay looks the same once scaled up.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass

import numpy as np
import vtkmodules.vtkRenderingFreeType  # noqa: F401  (the text renderer implementation)
from vtkmodules.util.numpy_support import numpy_to_vtk
from vtkmodules.vtkCommonCore import vtkPoints
from vtkmodules.vtkCommonDataModel import vtkPolyData
from vtkmodules.vtkRenderingCore import vtkActor2D, vtkPolyDataMapper2D, vtkTextActor, vtkTextProperty, vtkTextRenderer

from . import colors
from .polydata import cells as vtk_cells
from .style import RenderStyle

__all__ = ["Overlay", "LegendEntry", "wrap_caption", "LEGEND_MAX_WIDTH", "CAPTION_PLATE_OPACITY"]

#: Opacity of the plate behind the caption (as the muscle names' plates).
CAPTION_PLATE_OPACITY = 0.82

_REFERENCE_HEIGHT = 1000.0
#: Legend titles longer than this many characters wrap onto more lines.
_TITLE_CHARS = 38
#: The legend takes at most this share of the picture's width (its text shrinks to fit).
LEGEND_MAX_WIDTH = 0.30


@dataclass(frozen=True)
class LegendEntry:
    """One legend row: a swatch (``"square"``, ``"ring"`` or ``"bar"``) and its words."""

    label: str
    color: tuple[float, float, float] = (0.5, 0.5, 0.5)
    shape: str = "square"
    scale: float = 1.0  # for a "bar": the activation at its right end


def wrap_caption(text: str, width: int, sep: str = " \N{MIDDLE DOT} ") -> str:
    """Wrap ``text`` to ``width`` characters, breaking preferably at ``" · "`` separators."""
    lines: list[str] = []
    for par in text.split("\n"):
        current = ""
        for token in par.split(sep):
            candidate = token if not current else current + sep + token
            if len(candidate) <= width or not current:
                current = candidate
            else:
                lines.append(current)
                current = token
        lines += textwrap.wrap(current, width) or [""]
    return "\n".join(lines)


class Overlay:
    """Legend, colour bar and caption drawn over a renderer.

    Parameters
    ----------
    renderer : vtkRenderer
    style : RenderStyle
    """

    def __init__(self, renderer, style: RenderStyle) -> None:
        self.renderer = renderer
        self.style = style
        self.title = ""
        self.entries: list[LegendEntry] = []
        self.caption = ""
        self._texts: list[vtkTextActor] = []
        self._caption = self._new_text(bold=True)
        self._swatch_poly = vtkPolyData()
        mapper = vtkPolyDataMapper2D()
        mapper.SetInputData(self._swatch_poly)
        mapper.SetColorModeToDirectScalars()
        mapper.SetScalarModeToUseCellData()
        self._swatches = vtkActor2D()
        self._swatches.SetMapper(mapper)
        renderer.AddActor(self._swatches)
        self._size: tuple[int, int] | None = None
        self._dirty = True
        #: render pixels per picture pixel (see :meth:`set_pixel_scale`)
        self.pixel_scale = 1.0
        self.free_rect = (0.0, 0.0, 1.0, 1.0)
        self.body_aspect: float | None = None
        self.caption_mode = "top"
        #: ``(x0, y0, x1, y1)`` pixels of the legend column (with a caption above it), or None.
        self.legend_box: tuple[float, float, float, float] | None = None

    # -- content -------------------------------------------------------------------------
    def set_legend(self, title: str, entries: list[LegendEntry]) -> None:
        """Replace the legend's title and rows (laid out at the next :meth:`layout`)."""
        if title != self.title or entries != self.entries:
            self.title, self.entries = title, list(entries)
            self._dirty = True

    def set_caption(self, text: str) -> None:
        """Caption text at the top left ("" for none)."""
        if text != self.caption:
            self.caption = text
            self._dirty = True

    def set_style(self, style: RenderStyle) -> None:
        self.style = style
        self._dirty = True

    def set_pixel_scale(self, scale: float) -> None:
        """Render pixels per picture pixel: the layout stays in picture pixels, the actors are
        placed at ``scale`` times those positions (their text drawn at the window's DPI, which
        the window reduces by the same factor)."""
        if scale != self.pixel_scale:
            self.pixel_scale = float(scale)
            self._dirty = True

    def _at(self, actor, x: float, y: float) -> None:
        """Place a 2D actor at picture pixels ``(x, y)``."""
        s = self.pixel_scale
        actor.SetPosition(x * s, y * s)

    # -- layout --------------------------------------------------------------------------
    def _new_text(self, *, bold: bool = False) -> vtkTextActor:
        actor = vtkTextActor()
        tp = actor.GetTextProperty()
        tp.SetFontFamilyToArial()
        tp.SetBold(bold)
        tp.SetShadow(False)
        tp.SetJustificationToLeft()
        tp.SetVerticalJustificationToTop()
        actor.GetPositionCoordinate().SetCoordinateSystemToDisplay()
        self.renderer.AddActor(actor)
        return actor

    @staticmethod
    def _measure(prop, text: str, dpi: int) -> tuple[int, int]:
        if not text:
            return 0, 0
        bb = [0, 0, 0, 0]
        vtkTextRenderer.GetInstance().GetBoundingBox(prop, text, bb, dpi)
        return bb[1] - bb[0], bb[3] - bb[2]

    def font_px(self, height: int) -> int:
        """Legend font size in pixels for a window ``height`` pixels high."""
        return max(10, int(round(self.style.font_size * max(height, 300) / _REFERENCE_HEIGHT)))

    def set_body_aspect(self, aspect: float | None) -> None:
        """Width / height of what the camera fits, as seen now (None: unknown).

        With it, :meth:`layout` chooses where the caption goes: across the top (a wide body) or
        above the legend in the right-hand column (a tall body, which then keeps the picture's
        whole height).
        """
        aspect = None if aspect is None or not np.isfinite(aspect) or aspect <= 0 else round(float(aspect), 2)
        if aspect != self.body_aspect:
            self.body_aspect = aspect
            self._dirty = True

    def _rows(self) -> list[tuple[str, LegendEntry | None, bool]]:
        rows: list[tuple[str, LegendEntry | None, bool]] = []
        if self.style.show_legend and self.entries:
            if self.title:
                # a long title (e.g. "Share of the flexion + abduction moment, %") takes two lines
                rows.append(("\n".join(textwrap.wrap(self.title, _TITLE_CHARS)) or self.title, None, True))
            rows += [(e.label, e, False) for e in self.entries]
        return rows

    def _legend_width(self, rows, f: int, dpi: int) -> int:
        probe = vtkTextProperty()
        probe.SetFontFamilyToArial()
        probe.SetFontSize(f)
        sw = int(round(1.05 * f))
        label_w = 0
        for text, entry, is_title in rows:
            probe.SetBold(is_title)
            w, _ = self._measure(probe, text, dpi)
            indent = 0 if is_title else sw + int(0.6 * f)
            if entry is not None and entry.shape == "bar":
                w = max(w, int(8 * f))
                indent = 0
            label_w = max(label_w, w + indent)
        return label_w

    def _legend_height(self, rows, f: int) -> int:
        line = int(round(1.55 * f))
        h = 0
        for text, entry, is_title in rows:
            if entry is not None and entry.shape == "bar":
                h += line + int(0.9 * f) + int(0.25 * f) + line
            else:
                h += line + (int(round(1.2 * f)) * text.count("\n") if entry is None else 0)
        return h

    def legend_font_px(self, width: int, height: int) -> int:
        """Legend text size for a ``width`` x ``height`` picture: the caption's size, made smaller
        when the legend would take more than :data:`LEGEND_MAX_WIDTH` of the picture's width
        (a narrow window, a 4:3 projector), never below 10 pixels."""
        f = self.font_px(height)
        rows = self._rows()
        if not rows:
            return f
        w = self._legend_width(rows, f, 72)
        if w > LEGEND_MAX_WIDTH * width:
            f = max(10, int(f * LEGEND_MAX_WIDTH * width / w))
        return f

    def layout(self, width: int, height: int, *, force: bool = False) -> tuple[float, float, float, float]:
        """Place legend and caption for a ``width`` x ``height`` window.

        The legend sits in a column at the right, at most :data:`LEGEND_MAX_WIDTH` of the width
        (its text shrinks to fit); the caption goes across the top left, or, for a tall body
        (:meth:`set_body_aspect`), above the legend in the same column, whichever leaves the
        body more room.

        Returns
        -------
        (x0, x1, y0, y1) : tuple of float
            The free part of the picture in normalised device coordinates (-1..1), where the
            body should be fitted.
        """
        if not force and not self._dirty and self._size == (width, height):
            return self.free_rect
        self._size, self._dirty = (width, height), False
        st = self.style
        fg = st.text_rgb
        dpi = 72
        f0 = self.font_px(height)  # caption size
        f = self.legend_font_px(width, height)
        margin = int(round(0.7 * f0))
        line = int(round(1.55 * f))
        sw = int(round(1.05 * f))  # swatch size
        quads: list[tuple[float, float, float, float, tuple]] = []
        rows = self._rows()
        n_texts = len(rows) + 4
        while len(self._texts) < n_texts:
            self._texts.append(self._new_text())
        label_w = self._legend_width(rows, f, dpi) if rows else 0
        panel_w = label_w if rows else 0

        # Caption: bold; across the top left, or above the legend for a tall body.
        cf = int(round(1.3 * f0))
        cap = self._caption
        ctp = cap.GetTextProperty()
        ctp.SetFontSize(cf)
        ctp.SetColor(*fg)
        # on a plate of the background colour: readable where the trunk or a limb the camera
        # does not fit (only the pelvis and the moving leg are kept clear of it) passes behind
        ctp.SetBackgroundColor(*st.background_rgb)
        ctp.SetBackgroundOpacity(CAPTION_PLATE_OPACITY)
        has_caption = bool(st.show_caption and self.caption)
        char_w = max(self._measure(ctp, "abcdefghijklmnopqrstuvwxyz", dpi)[0] / 26, 1)

        def wrapped_size(avail: float) -> tuple[str, int, int]:
            text = wrap_caption(self.caption, max(int(avail / char_w), 12))
            w, h = self._measure(ctp, text, dpi)
            return text, w, h + int(0.6 * f0)

        top_text, _, top_h = wrapped_size(width - 3 * margin - panel_w) if has_caption else ("", 0, 0)
        column = False
        if has_caption and self.body_aspect is not None:
            col_w = max(panel_w, int(LEGEND_MAX_WIDTH * width))
            col_text, col_tw, col_h = wrapped_size(col_w)
            legend_h = self._legend_height(rows, f) if rows else 0
            if col_h + legend_h + 2 * margin <= height:
                a = self.body_aspect
                fw_top, fh_top = width - panel_w - 3 * margin, height - 2 * margin - top_h
                fw_col, fh_col = width - max(col_w, col_tw) - 3 * margin, height - 2 * margin
                column = min(fw_col / a, fh_col) > 1.03 * min(fw_top / a, fh_top)
        if column:
            panel_w = max(panel_w, col_tw)
            x0 = width - margin - panel_w
            cap_text, cap_h = col_text, col_h
            self._at(cap, x0, height - margin)
        else:
            x0 = width - margin - panel_w
            cap_text, cap_h = top_text, top_h
            self._at(cap, margin, height - margin)
        if has_caption:
            cap.SetInput(cap_text)
            cap.SetVisibility(True)
        else:
            cap.SetVisibility(False)
            cap_h = 0
        self.caption_mode = "column" if column else "top"

        y = height - margin - (cap_h if column else 0)
        used = 0
        for text, entry, is_title in rows:
            actor = self._texts[used]
            used += 1
            tp = actor.GetTextProperty()
            tp.SetFontSize(f)
            tp.SetBold(is_title)
            tp.SetColor(*fg)
            actor.SetInput(text)
            actor.SetVisibility(True)
            if entry is not None and entry.shape == "bar":
                # "Muscle activation" bar: gradient, then 0 % / 50 % / 100 % underneath.
                bar_h = int(0.9 * f)
                bar_w = max(label_w, int(8 * f))
                self._at(actor, x0, y)
                y -= line
                quads.append((x0 - 2, y - bar_h - 2, x0 + bar_w + 2, y + 2, fg))
                ramp = colors.activation_ramp(48)
                for j, c in enumerate(ramp):
                    quads.append((x0 + bar_w * j / len(ramp), y - bar_h, x0 + bar_w * (j + 1) / len(ramp), y, tuple(c)))
                y -= bar_h + int(0.25 * f)
                top = 100.0 * entry.scale
                for frac, lab in ((0.0, "0 %"), (0.5, f"{top / 2:g} %"), (1.0, f"{top:g} %")):
                    t = self._texts[used]
                    used += 1
                    tpt = t.GetTextProperty()
                    tpt.SetFontSize(f)
                    tpt.SetBold(False)
                    tpt.SetColor(*fg)
                    w, _ = self._measure(tpt, lab, dpi)
                    t.SetInput(lab)
                    self._at(t, x0 + frac * bar_w - frac * w, y)
                    t.SetVisibility(True)
                y -= line
                continue
            if entry is None:
                self._at(actor, x0, y)
                y -= int(round(1.2 * f)) * text.count("\n")
            else:
                self._at(actor, x0 + sw + int(0.6 * f), y)
                cy = y - 0.5 * f - 0.5 * sw + 0.12 * f
                self._swatch(quads, entry, x0, cy, sw, fg)
            y -= line
        for t in self._texts[used:]:
            t.SetVisibility(False)
        legend_bottom = y
        self._set_quads(quads)
        # the box the legend (and a caption above it) takes, pixels: names may go under it
        if rows or column:
            self.legend_box = (x0 - margin, legend_bottom, width, height)
        else:
            self.legend_box = None

        # Free rectangle for the body, in normalised device coordinates.
        right_px = width - (panel_w + 2 * margin if (rows or column) else margin)
        top_px = height - margin - (0 if column else cap_h)
        if rows and not column and legend_bottom > 0.55 * height and panel_w > 0.35 * width:
            right_px = width - margin  # short, wide legend: fit below it instead
            top_px = min(top_px, legend_bottom - margin)
        ndc = lambda px, size: 2.0 * px / size - 1.0  # noqa: E731
        self.free_rect = (ndc(margin, width), ndc(right_px, width), ndc(margin, height), ndc(top_px, height))
        return self.free_rect

    @staticmethod
    def _swatch(quads, entry: LegendEntry, x: float, y: float, s: int, fg) -> None:
        if entry.shape == "ring":
            b = max(2, int(0.22 * s))
            quads += [(x, y, x + s, y + b, entry.color), (x, y + s - b, x + s, y + s, entry.color),
                      (x, y, x + b, y + s, entry.color), (x + s - b, y, x + s, y + s, entry.color)]
        else:
            edge = colors.mix(entry.color, fg, 0.35)
            quads.append((x - 1, y - 1, x + s + 1, y + s + 1, edge))
            quads.append((x, y, x + s, y + s, entry.color))

    def _set_quads(self, quads) -> None:
        n = len(quads)
        pts = np.zeros((4 * n, 3))
        rgb = np.zeros((n, 3), dtype=np.uint8)
        for i, (x0, y0, x1, y1, c) in enumerate(quads):
            pts[4 * i:4 * i + 4, :2] = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
            rgb[i] = np.clip(np.asarray(c) * 255 + 0.5, 0, 255)
        vpts = vtkPoints()
        vpts.SetData(numpy_to_vtk(pts * self.pixel_scale, deep=True))
        self._swatch_poly.SetPoints(vpts)
        self._swatch_poly.SetPolys(vtk_cells(np.arange(4 * n).reshape(n, 4)))
        scal = numpy_to_vtk(rgb, deep=True)
        scal.SetName("rgb")
        self._swatch_poly.GetCellData().SetScalars(scal)
        self._swatch_poly.Modified()
        self._swatches.SetVisibility(n > 0)

    def actors(self) -> list:
        """Every 2D actor of the overlay (for tests and clean-up)."""
        return [self._caption, self._swatches, *self._texts]
