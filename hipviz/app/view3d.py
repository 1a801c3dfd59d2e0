"""The 3D view: a pyvistaqt interactor showing a :class:`hipviz.render.HipScene`.

Speed on software OpenGL: the scene's actors are updated in place, a new state only asks Qt
for one repaint (several changes in one event-loop turn cost one frame), and while anything
moves anti-aliasing is off, bones and tubes are lighter and the view is drawn at half its
resolution and scaled up (text, names and lines drawn at the same scale, so they keep their
size on screen); a single full-resolution, smoothed frame is drawn once the view has been still
for a moment, after which the render window's frame buffers are let go (the widget keeps the
picture). Hovering a muscle names it; clicking selects it.
"""
from __future__ import annotations

import math
import os
import time

import numpy as np
from PySide6.QtCore import QEvent, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QToolTip, QVBoxLayout, QWidget

from hipviz.render import HipScene, RenderStyle

from .picking import nearest_bundle, screen_lines

__all__ = ["View3D", "VIEW_KEYS", "nearest_bundle", "release_free_memory"]

#: Camera presets on the number keys.
VIEW_KEYS = ("front", "back", "left", "right", "top", "oblique")
_IDLE_MS = 350
#: After a still frame has been shown for this long, its frame buffers are released.
_RELEASE_MS = 250
#: Share of the bone meshes' triangles drawn while something moves (full detail when still),
#: and facets round each muscle tube: in software GL every triangle costs (each frame, ~0.3 us
#: of processor time), and at window sizes the drag looks the same (see the README's Speed).
#: Drag frames are drawn at half the resolution (below), so a quarter of the pixels per
#: triangle: 8 % of the bones' triangles and 6-sided tubes look as 15 % and 8 sides did
#: (measured: ~1 ms a frame less at 1280 x 800).
_MOVING_BONE_DETAIL = 0.08
_MOVING_TUBE_SIDES = 6
#: Resolution of the frames drawn while something moves (render pixels per screen pixel): the
#: picture is scaled up on screen, text and lines drawn at the same scale keep their size (a
#: little softer); the still frame is drawn at full resolution, anti-aliased. In software GL a
#: frame's cost grows with its pixels (see the README's Speed).
_MOVING_SCALE = 0.5


def release_free_memory() -> None:
    """Hand memory freed after start-up back to the system (glibc only; elsewhere nothing).

    Compiling the software renderer's shaders and loading the bones leave ~15 MB of freed
    blocks in the C heap that the process would otherwise keep. Python's line cache is
    emptied first: PySide6 reads the source of every module imported after it (to look for
    ``from __feature__ import``) and keeps it there, ~10 MB of text (a traceback reads the
    lines it needs again).
    """
    import ctypes
    import linecache
    import sys

    linecache.clearcache()
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def make_interactor(parent):
    """The widget the 3D view draws in: a raster :class:`~hipviz.app.vtkwidget.RasterInteractor`
    (fast in software OpenGL: no whole-window OpenGL composition), or pyvistaqt's
    ``QtInteractor`` (a ``QOpenGLWidget``) with ``HIPVIZ_VIEW_WIDGET=opengl``."""
    if os.environ.get("HIPVIZ_VIEW_WIDGET", "").lower() == "opengl":
        from pyvistaqt import QtInteractor

        return QtInteractor(parent, auto_update=False, multi_samples=0)
    from .vtkwidget import RasterInteractor

    return RasterInteractor(parent)


class View3D(QWidget):
    """The 3D view widget.

    Signals
    -------
    hovered(object)
        ``(side, muscle_id)`` under the pointer, or None.
    clicked(object)
        ``(side, muscle_id)`` clicked, or None for a click on empty space.
    frame_done()
        A frame was drawn (for benchmarks and tests).
    """

    hovered = Signal(object)
    clicked = Signal(object)
    frame_done = Signal()

    def __init__(self, model, style: RenderStyle | None = None, parent=None) -> None:
        super().__init__(parent)
        self.model = model
        self.base_style = style or RenderStyle()
        self.smooth_when_idle = True
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.plotter = make_interactor(self)
        self.plotter.setObjectName("view3d")
        lay.addWidget(self.plotter)
        self._set_render_scale(_MOVING_SCALE)
        self.scene = HipScene(self.plotter, model, style=self._moving_style())
        self._smooth = False
        self.state = None
        self.view_name = "oblique"
        self.orthographic = False
        self.frames = 0
        self.closed = False
        self.last_paint_ms = self.last_update_ms = 0.0
        self._names = {m.id: m.name for m in model.muscles + list(model.trunk_muscles)}
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(_IDLE_MS)
        self._idle.timeout.connect(self._go_smooth)
        self._hover_timer = QTimer(self)
        self._hover_timer.setSingleShot(True)
        self._hover_timer.setInterval(40)
        self._hover_timer.timeout.connect(self._do_hover)
        self._hover_pos = QPoint()
        self._hover_key = None
        self._press_pos: QPoint | None = None
        self._fitted = False
        self._fit_pending = False
        self._trimmed = False
        self._fit_key = None
        self._refit = QTimer(self)
        self._refit.setSingleShot(True)
        self._refit.setInterval(40)
        self._refit.timeout.connect(self._refit_now)
        self._release = QTimer(self)  # after a still frame: its frame buffers go (see _release_now)
        self._release.setSingleShot(True)
        self._release.setInterval(_RELEASE_MS)
        self._release.timeout.connect(self._release_now)
        self.camera_is_preset = True
        self.hidden: set[str] = set()
        self.solo_id: str | None = None
        self.highlighted: tuple[str, str] | None = None
        self.focus: frozenset[str] | None = None
        self._focus_side: str | None = None
        self.plotter.setMouseTracking(True)
        self.plotter.installEventFilter(self)
        self.plotter.grabGesture(Qt.PinchGesture)
        paint = self.plotter.paintGL

        def paint_and_count():
            t = time.perf_counter()
            paint()
            self.last_paint_ms = (time.perf_counter() - t) * 1000
            self.frames += 1
            if self._smooth or not self._idle.isActive():
                self._release.start()  # a still frame: its buffers go once it has been shown
            else:
                self._release.stop()
            self.frame_done.emit()

        self.plotter.paintGL = paint_and_count

    # -- content -------------------------------------------------------------------------
    def set_state(self, state) -> None:
        """Show a new evaluated state (one repaint is scheduled)."""
        if self.closed:
            return
        self.state = state
        self._moving_look(refresh=False)  # first: the update then lays the tubes out once, in it
        t = time.perf_counter()
        self.scene.update(state)
        self.last_update_ms = (time.perf_counter() - t) * 1000
        fit_key = (state.posture.name, state.side)
        if not self._fitted or (fit_key != self._fit_key and self.camera_is_preset):
            # First picture, or the body now lies or stands elsewhere: fit the preset again.
            self._fitted = True
            self.set_view(self.view_name)
        self._fit_key = fit_key
        self.request_render(moving=True)

    def request_render(self, *, moving: bool = False) -> None:
        """Schedule a repaint; ``moving`` draws the fast look until the view is still again."""
        if self.closed:
            return
        if moving:
            self._moving_look()
            self._idle.start()
        self.plotter.update()

    def _moving_look(self, *, refresh: bool = True) -> None:
        """Draw at the moving resolution and look (no-op when already moving); ``refresh=False``
        when a :meth:`HipScene.update` follows, which draws the new look anyway."""
        self._set_render_scale(_MOVING_SCALE)
        if self._smooth:
            self._smooth = False
            self.scene.set_style(self._moving_style(), refresh=refresh)

    def _set_render_scale(self, scale: float) -> None:
        """Draw the 3D view at ``scale`` of the widget's resolution (the raster widget only)."""
        set_scale = getattr(self.plotter, "set_render_scale", None)
        if set_scale is not None:
            set_scale(scale)

    def _sync_size(self) -> None:
        """Give VTK the widget's size now (Qt tells it only at the next paint)."""
        rw = self.plotter.ren_win
        if hasattr(self.plotter, "render_size"):
            size = self.plotter.render_size()
        else:
            dpr = self.plotter.devicePixelRatioF()
            size = (max(1, round(self.plotter.width() * dpr)), max(1, round(self.plotter.height() * dpr)))
        if tuple(rw.GetSize()) != size:
            rw.SetSize(*size)

    def _moving_style(self) -> RenderStyle:
        """The look while something moves: no anti-aliasing, lighter bone meshes and tubes."""
        return self.base_style.replace(anti_aliasing=None, bone_detail=_MOVING_BONE_DETAIL,
                                       tube_sides=min(self.base_style.tube_sides, _MOVING_TUBE_SIDES))

    def _still_style(self) -> RenderStyle:
        """The look once the view is still: full bones, 4x multisampling."""
        return self.base_style.replace(anti_aliasing="msaa", multi_samples=4, bone_detail=1.0)

    def render_smooth_now(self) -> None:
        """Draw the anti-aliased frame right away (pictures, the end of a test)."""
        self._idle.stop()
        self._smooth = False
        self._set_render_scale(1.0)
        if self.smooth_when_idle:
            self._smooth = True
            self.scene.set_style(self._still_style())
        self.plotter.repaint()

    def fit_when_still(self) -> None:
        """Fit the camera preset again once the view is still (a lesson step, after its glide)."""
        self._fit_pending = True
        self._idle.start()

    def needs_fit(self) -> bool:
        """True when what matters (:meth:`HipScene.focus_points`) leaves the picture's free part,
        or fills less than three quarters of it both ways (a preset camera only)."""
        if not self.camera_is_preset or self.state is None:
            return False
        self._sync_size()
        w, h = self.scene._window_size()
        box = self.scene.body_box()
        if box is None:
            return False
        x0, x1, y0, y1 = self.scene.overlay.layout(w, h)
        fx0, fx1, fy0, fy1 = (x0 + 1) / 2 * w, (x1 + 1) / 2 * w, (y0 + 1) / 2 * h, (y1 + 1) / 2 * h
        tol = 2.0
        cropped = box[0] < fx0 - tol or box[2] > fx1 + tol or box[1] < fy0 - tol or box[3] > fy1 + tol
        small = (box[2] - box[0]) < 0.75 * (fx1 - fx0) and (box[3] - box[1]) < 0.75 * (fy1 - fy0)
        return cropped or small

    def _go_smooth(self) -> None:
        if self.closed or not self.isVisible():
            return
        self._set_render_scale(1.0)  # full resolution when still (first: the fit below measures it)
        if (self._fit_pending or self.needs_fit()) and self.camera_is_preset:
            self._fit_pending = False
            self._sync_size()
            self.plotter.renderer.GetActiveCamera().SetParallelProjection(self.orthographic)
            self.scene.set_view(self.view_name)
        self._fit_pending = False
        if self.smooth_when_idle and not self._smooth:
            self._smooth = True
            self.scene.set_style(self._still_style())
        self.plotter.update()
        if not self._trimmed:  # once, after the first smooth frame: start-up's garbage is gone
            self._trimmed = True
            QTimer.singleShot(200, release_free_memory)

    def _release_now(self) -> None:
        """The view is still and painted: release the render window's frame buffers (the
        widget keeps the picture; the next frame makes them anew) and hand the memory back."""
        if self.closed or self._idle.isActive():
            return
        release = getattr(self.plotter, "release_frame_buffers", None)
        if release is not None:
            release()
            release_free_memory()

    def set_style(self, style: RenderStyle) -> None:
        """Change the look (background, palette, tube thickness, presentation sizes ...)."""
        self.base_style = style
        self._smooth = False
        self.scene.set_style(self._moving_style())
        self.request_render(moving=True)

    def set_caption(self, text: str) -> None:
        if text != self.scene.overlay.caption:
            self.scene.set_caption(text)
            self.request_render()

    # -- muscles shown --------------------------------------------------------------------
    def set_muscle_visible(self, muscle_id: str, visible: bool) -> None:
        """Show or hide a hip muscle (both sides); unknown (e.g. trunk) muscles are ignored."""
        if muscle_id not in self.scene.muscles.visible_muscles:
            return
        (self.hidden.discard if visible else self.hidden.add)(muscle_id)
        self.scene.set_muscle_visible(muscle_id, self._shown(muscle_id))
        self.request_render()

    def _shown(self, muscle_id: str) -> bool:
        return muscle_id not in self.hidden and (self.focus is None or muscle_id in self.focus)

    def set_focus(self, muscle_ids, *, side: str = "right") -> None:
        """Draw only these muscles of the moving ``side`` (a lesson step's), besides what the user
        hid; None: every shown muscle of both sides again."""
        focus = None if muscle_ids is None else frozenset(muscle_ids)
        key = (focus, side[0] if focus is not None else None)
        if key == (self.focus, self._focus_side):
            return
        self.focus, self._focus_side = key
        for mid in self.scene.muscles.visible_muscles:
            self.scene.set_muscle_visible(mid, self._shown(mid))
        other = "l" if side[0] == "r" else "r"
        self.scene.set_side_visible(side[0], True)
        self.scene.set_side_visible(other, focus is None)
        self.request_render()

    def solo(self, muscle_id: str | None) -> None:
        """Show only this muscle (None: all shown muscles again)."""
        if muscle_id is not None and muscle_id not in self.scene.muscles.visible_muscles:
            muscle_id = None
        self.solo_id = muscle_id
        self.scene.solo(muscle_id)
        self.request_render()

    def highlight(self, selection) -> None:
        """Emphasise muscles: ``(side, id)`` (a selection) or ``(side, (id, id, ...))`` (a lesson
        step's several); the others stay drawn, faded. None clears."""
        if selection is not None:
            side, ids = selection
            ids = (ids,) if isinstance(ids, str) else tuple(ids)
            ids = tuple(m for m in dict.fromkeys(ids) if m in self.scene.muscles.visible_muscles)
            selection = None if not ids else (side, ids[0]) if len(ids) == 1 else (side, ids)
        if selection == self.highlighted:
            return
        self.highlighted = selection
        side, ids = selection or ("r", None)
        self.scene.highlight(side, ids)
        self.request_render()

    def copy_display_to(self, scene) -> None:
        """Give another HipScene the same shown muscles, solo, highlight and caption."""
        for mid in self.scene.muscles.visible_muscles:
            if not self._shown(mid):
                scene.set_muscle_visible(mid, False)
        if self.focus is not None:
            scene.set_side_visible("l" if self._focus_side == "r" else "r", False)
        scene.solo(self.solo_id)
        if self.highlighted is not None:
            scene.highlight(*self.highlighted)
        scene.set_caption(self.scene.overlay.caption)

    # -- camera --------------------------------------------------------------------------
    def set_view(self, name: str) -> None:
        """Camera preset (front, back, left, right, top, oblique), fitted to the body."""
        self.view_name = name
        self.camera_is_preset = True
        self._sync_size()
        # HipScene fits a parallel projection as such: set the mode first.
        self.plotter.renderer.GetActiveCamera().SetParallelProjection(self.orthographic)
        self.scene.set_view(name)
        self.request_render(moving=True)

    def resizeEvent(self, ev) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(ev)
        if self.camera_is_preset and self._fitted:
            self._refit.start(0)  # the preset fit depends on the picture's shape

    def _refit_now(self) -> None:
        if self.camera_is_preset and not self.closed:
            self.set_view(self.view_name)

    def reset_camera(self) -> None:
        self.set_view(self.view_name)

    def set_orthographic(self, on: bool) -> None:
        """Orthographic (parallel) or perspective camera; a preset view is fitted anew."""
        self.orthographic = bool(on)
        if self.camera_is_preset and self._fitted:
            self.set_view(self.view_name)
            return
        cam = self.plotter.renderer.GetActiveCamera()
        if self.orthographic:  # keep what the user sees at the focal point
            cam.SetParallelScale(cam.GetDistance() * math.tan(math.radians(cam.GetViewAngle()) / 2))
        cam.SetParallelProjection(self.orthographic)
        self.plotter.renderer.ResetCameraClippingRange()
        self.request_render(moving=True)

    def zoom(self, factor: float) -> None:
        """Zoom in (``factor`` > 1) or out about the focal point."""
        cam = self.plotter.renderer.GetActiveCamera()
        if cam.GetParallelProjection():
            cam.SetParallelScale(cam.GetParallelScale() / factor)
        else:
            cam.Dolly(factor)
        self.plotter.renderer.ResetCameraClippingRange()
        self.request_render(moving=True)

    # -- images --------------------------------------------------------------------------
    def image(self, size: tuple[int, int] | None = None, *, transparent: bool = False) -> QImage:
        """The 3D view as a picture, anti-aliased; ``size`` (w, h) re-renders off-screen at that size."""
        from .export import render_view_image

        return render_view_image(self, size, transparent=transparent)

    # -- picking -------------------------------------------------------------------------
    def screen_lines(self) -> dict:
        """Every shown bundle's path in widget pixels: ``{(side, id, bundle): (k, 3)}`` x, y, depth."""
        if self.state is None:
            return {}
        return screen_lines(self.state, self.scene.bundle_actors, self.plotter.renderer,
                            self.plotter.width(), self.plotter.height())

    def pick(self, pos: QPoint):
        """``(side, muscle_id, bundle)`` of the muscle drawn at widget position ``pos``, or None."""
        return nearest_bundle(self.screen_lines(), (pos.x(), pos.y()))

    def muscle_at(self, pos: QPoint):
        key = self.pick(pos)
        return None if key is None else (key[0], key[1])

    def _do_hover(self) -> None:
        key = self.pick(self._hover_pos)
        sel = None if key is None else (key[0], key[1])
        if key is not None:
            side = "right" if key[0] == "r" else "left"
            bundle = "" if key[2] in ("main", "") else f" ({key[2].replace('_', ' ')} part)"
            QToolTip.showText(self.plotter.mapToGlobal(self._hover_pos),
                              f"{self._names.get(key[1], key[1])}{bundle}, {side}", self.plotter)
        elif self._hover_key is not None:
            QToolTip.hideText()
        if sel != self._hover_key:
            self._hover_key = sel
            self.hovered.emit(sel)

    # -- events --------------------------------------------------------------------------
    def eventFilter(self, obj, ev) -> bool:  # noqa: N802 - Qt API
        if obj is not self.plotter:
            return False
        t = ev.type()
        if t in (QEvent.KeyPress, QEvent.KeyRelease):
            # VTK's own keys (q quits, w wireframe, 3 stereo ...) stay off: the window's
            # shortcuts (checked before a key reaches this widget) handle the rest.
            return True
        if t == QEvent.MouseButtonPress:
            self._press_pos = ev.position().toPoint()
            self.request_render(moving=True)
            QToolTip.hideText()
        elif t == QEvent.MouseMove:
            if ev.buttons() != Qt.NoButton:
                self.camera_is_preset = False
                self.request_render(moving=True)
            else:
                self._hover_pos = ev.position().toPoint()
                self._hover_timer.start()
        elif t == QEvent.MouseButtonRelease:
            pos = ev.position().toPoint()
            if (ev.button() == Qt.LeftButton and self._press_pos is not None
                    and (pos - self._press_pos).manhattanLength() <= 4):
                self.clicked.emit(self.muscle_at(pos))
            self._press_pos = None
            self.request_render(moving=True)
        elif t == QEvent.Wheel:
            px = ev.pixelDelta().y()
            steps = px / 50.0 if px else ev.angleDelta().y() / 120.0
            if steps:
                self.camera_is_preset = False
                self.zoom(1.1 ** steps)
            return True
        elif t == QEvent.NativeGesture and ev.gestureType() == Qt.ZoomNativeGesture:
            self.zoom(1.0 + ev.value())
            return True
        elif t == QEvent.Gesture:
            pinch = ev.gesture(Qt.PinchGesture)
            if pinch is not None:
                self.zoom(pinch.scaleFactor())
                ev.accept()
                return True
        elif t == QEvent.Leave:
            self._hover_timer.stop()
            if self._hover_key is not None:
                self._hover_key = None
                self.hovered.emit(None)
        return False

    def close_scene(self) -> None:
        """Release the GL resources (call before the window goes away)."""
        if self.closed:
            return
        self.closed = True
        self._idle.stop()
        self._release.stop()
        self._hover_timer.stop()
        self.scene.close()
        self.plotter.close()
