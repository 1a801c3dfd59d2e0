"""A plain-``QWidget`` home for a VTK render window, drawn through Qt's raster paint engine.

pyvistaqt's :class:`~pyvistaqt.QtInteractor` is a ``QOpenGLWidget``: with software OpenGL
(no graphics card) its frame is blitted into Qt's framebuffer, and then Qt composes the *whole*
top-level window with OpenGL and copies it to the screen, every frame. Here VTK renders into
its own off-screen framebuffer; the widget reads the finished picture back (one ``glReadPixels``
of the view) and paints it like any image, so the window stays a raster window and a frame
costs the 3D render plus a copy of the view's pixels only (measured in
``benchmarks/bench_window.py``: see the README's *Speed* section).

:class:`RasterInteractor` is also the small plotter :class:`~hipviz.render.HipScene` needs
(:class:`~hipviz.render.vtkplotter.PlotterMixin`: ``renderer``, ``ren_win``, ``add_actor``,
``set_background``, anti-aliasing, ``window_size``), built on VTK alone: not importing ``pyvista.plotting`` (and matplotlib with it) keeps ~70 MB out
of the window's memory. The mouse turns the camera as in pyvista (trackball: left-drag turns,
Shift+left or middle pans, right-drag zooms). Like a ``QOpenGLWidget`` it has ``paintGL`` (one
frame, called from ``paintEvent``, so it can be wrapped to time frames) and
``grabFramebuffer()`` (the frame as a ``QImage``).

While something moves the view may be drawn at a reduced resolution (:meth:`set_render_scale`):
VTK renders fewer pixels (in software OpenGL the cost of a frame grows with its pixels) and the
painter scales the picture up to the widget. The render window's DPI follows the scale, so VTK
text keeps its size on screen; a :class:`~hipviz.render.HipScene` reads :attr:`render_scale`
and scales its own pixel sizes (label positions, line widths) the same way.
"""
from __future__ import annotations

import sys
import time

import numpy as np
from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from ..render.vtkplotter import PlotterMixin

__all__ = ["RasterInteractor", "snap_scale"]

_LITTLE_ENDIAN = sys.byteorder == "little"
#: VTK's text is sized in points at the render window's DPI (72: one point a pixel).
_DPI = 72


def snap_scale(scale: float) -> float:
    """``scale`` (0 < scale <= 1) made a whole number of DPI over 72, so that text drawn at that DPI
    is exactly ``scale`` times its full-resolution size."""
    return min(_DPI, max(1, round(float(scale) * _DPI))) / _DPI


class RasterInteractor(PlotterMixin, QWidget):
    """A widget showing the frames of an off-screen pyvista plotter, with mouse interaction.

    Parameters
    ----------
    parent : QWidget, optional
    multi_samples : int, default: 0
        Multisampling of the render window (the scene switches anti-aliasing itself).
    """

    def __init__(self, parent=None, *, multi_samples: int = 0) -> None:
        import vtkmodules.vtkInteractionStyle  # noqa: F401  (the interactor styles' factory)
        import vtkmodules.vtkRenderingFreeType  # noqa: F401  (text)
        import vtkmodules.vtkRenderingOpenGL2  # noqa: F401  (the OpenGL render window)
        from vtkmodules.vtkInteractionStyle import vtkInteractorStyleTrackballCamera
        from vtkmodules.vtkRenderingCore import vtkRenderer, vtkRenderWindow
        from vtkmodules.vtkRenderingUI import vtkGenericRenderWindowInteractor

        super().__init__(parent)
        self.setAttribute(Qt.WA_OpaquePaintEvent)
        self.setAttribute(Qt.WA_NoSystemBackground)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.WheelFocus)
        self.setSizePolicy(QSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding))
        self.ren_win = vtkRenderWindow()
        self.ren_win.SetOffScreenRendering(1)
        # The frame is read back from VTK's own framebuffer: swapping would copy every frame to
        # the X server too (the off-screen window's hidden drawable), which in software GL costs
        # as much as drawing it (measured: 7.5 -> 3.9 ms a drag frame).
        self.ren_win.SwapBuffersOff()
        self.ren_win.SetMultiSamples(int(multi_samples))
        self.ren_win.SetSize(400, 400)
        self.renderer = vtkRenderer()
        self.ren_win.AddRenderer(self.renderer)
        self.iren = vtkGenericRenderWindowInteractor()
        self.iren.SetRenderWindow(self.ren_win)
        self.iren.SetInteractorStyle(vtkInteractorStyleTrackballCamera())
        self.iren.EnableRenderOff()  # the widget repaints; the style only moves the camera
        self._named: dict[str, object] = {}
        self._image: QImage | None = None
        self._pixels = None
        self._button = Qt.NoButton
        self._closed = False
        #: render pixels per device pixel: 1 (full resolution), less while dragging
        self.render_scale = 1.0
        #: True when the picture must be rendered anew at the next paint (see :meth:`update`)
        self._stale = True
        self.ren_win.SetDPI(_DPI)
        #: milliseconds of the last frame's VTK render and of reading it back into an image
        self.last_render_ms = self.last_readback_ms = 0.0
        #: processor time of the last render, all threads (the software renderer's too), ms
        self.last_render_cpu_ms = 0.0

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(400, 400)

    # -- frames --------------------------------------------------------------------------
    def _device_size(self) -> tuple[int, int]:
        dpr = self.devicePixelRatioF()
        return max(1, round(self.width() * dpr)), max(1, round(self.height() * dpr))

    def render_size(self) -> tuple[int, int]:
        """The size VTK renders at: the widget's device pixels times :attr:`render_scale`."""
        w, h = self._device_size()
        s = self.render_scale
        return (w, h) if s == 1.0 else (max(1, round(w * s)), max(1, round(h * s)))

    def set_render_scale(self, scale: float) -> None:
        """Render at ``scale`` (0 < scale <= 1, snapped to whole DPI) of the widget's resolution;
        the picture is scaled up when painted. 1: full resolution."""
        s = snap_scale(scale)
        if s == self.render_scale:
            return
        self.render_scale = s
        self.ren_win.SetDPI(round(s * _DPI))
        self._apply_size()
        self._stale = True

    def _apply_size(self) -> tuple[int, int]:
        size = self.render_size()
        if tuple(self.ren_win.GetSize()) != size:
            self.ren_win.SetSize(*size)
            self.iren.UpdateSize(*size)
        return size

    def paintGL(self) -> None:
        """Render a frame into the off-screen window and read it back (see :meth:`paintEvent`)."""
        if self._closed:
            return
        size = self._apply_size()
        self._stale = False
        t0, c0 = time.perf_counter(), time.process_time()
        self.ren_win.Render()
        t1 = time.perf_counter()
        self.last_render_cpu_ms = (time.process_time() - c0) * 1000
        self._read_back(*size)
        self.last_render_ms = (t1 - t0) * 1000
        self.last_readback_ms = (time.perf_counter() - t1) * 1000

    def _read_back(self, w: int, h: int) -> None:
        from vtkmodules.util.numpy_support import vtk_to_numpy
        from vtkmodules.vtkCommonCore import vtkUnsignedCharArray

        arr = vtkUnsignedCharArray()
        self.ren_win.GetRGBACharPixelData(0, 0, w - 1, h - 1, 0, arr, 0)
        px = vtk_to_numpy(arr)
        if px.size != w * h * 4:
            return
        # OpenGL rows run bottom-up; a QImage's top-down: flip while copying.
        if _LITTLE_ENDIAN:
            # ... and give Qt its own pixel format (0xffRRGGBB: B, G, R, A bytes), which the
            # window's backing store has: painting RGBA bytes makes Qt convert every frame
            # (on its thread pool, slow on a busy machine: ~4 ms a frame measured)
            v = px.view(np.uint32).reshape(h, w)[::-1]
            out = v & 0x00FF00FF
            out = (out << 16) | (out >> 16)
            out &= 0x00FF00FF
            out |= v & 0x0000FF00
            out |= 0xFF000000
            self._pixels = out
            self._image = QImage(out.data, w, h, 4 * w, QImage.Format_RGB32)
        else:  # pragma: no cover - big-endian machines
            self._pixels = np.ascontiguousarray(px.reshape(h, w, 4)[::-1])
            self._image = QImage(self._pixels.data, w, h, 4 * w, QImage.Format_RGBX8888)
        if (w, h) == self._device_size():
            self._image.setDevicePixelRatio(self.devicePixelRatioF())

    def _scaled_up(self) -> bool:
        return self._image is not None and (self._image.width(), self._image.height()) != self._device_size()

    def update(self, *args) -> None:
        """Schedule a repaint with a new frame (Qt's own repaints, e.g. when a menu or tooltip
        uncovers the view, paint the last frame again without rendering)."""
        self._stale = True
        QWidget.update(self, *args)

    def repaint(self, *args) -> None:
        """Render and paint a new frame now."""
        self._stale = True
        QWidget.repaint(self, *args)

    def _needs_frame(self) -> bool:
        return (self._stale or self._image is None
                or (self._image.width(), self._image.height()) != self.render_size())

    def paintEvent(self, ev) -> None:  # noqa: N802 - Qt API
        if self._needs_frame():
            self.paintGL()
        if self._image is None:
            return
        p = QPainter(self)
        p.setCompositionMode(QPainter.CompositionMode_Source)
        if self._scaled_up():  # a reduced-resolution frame (a drag): scaled up, bilinear
            p.setRenderHint(QPainter.SmoothPixmapTransform)
            p.drawImage(QRectF(0, 0, self.width(), self.height()), self._image)
        else:
            p.drawImage(0, 0, self._image)
        p.end()

    def grabFramebuffer(self) -> QImage:  # noqa: N802 - QOpenGLWidget API
        """The picture drawn now (rendered anew), as a ``QImage`` of the widget's device pixels
        (a reduced-resolution frame scaled up, as it is painted)."""
        self.paintGL()
        if self._image is None:
            return QImage()
        if not self._scaled_up():
            return self._image.copy()
        img = self._image.scaled(*self._device_size(), Qt.IgnoreAspectRatio, Qt.SmoothTransformation)
        img.setDevicePixelRatio(self.devicePixelRatioF())
        return img

    def render(self, *args, **kwargs):
        """With no arguments: draw a frame (pyvista); otherwise ``QWidget.render``."""
        if args or kwargs:
            return QWidget.render(self, *args, **kwargs)
        self.update()
        return None

    def release_frame_buffers(self) -> None:
        """Let go of the render window's frame buffers until the next frame (which makes them anew
        at its size): at rest they hold ~10 MB (a 4x multisampled picture of the view and its
        resolved copy) that the painted picture no longer needs. The window's size is kept."""
        if self._closed:
            return
        from vtkmodules.vtkCommonCore import vtkUnsignedCharArray
        from vtkmodules.vtkRenderingCore import vtkRenderer

        rw = self.ren_win
        size, samples, layers = tuple(rw.GetSize()), rw.GetMultiSamples(), rw.GetNumberOfLayers()
        if size[0] * size[1] <= 64 * 64:
            return
        rens = rw.GetRenderers()
        kept = [rens.GetItemAsObject(j) for j in range(rens.GetNumberOfItems())]
        for ren in kept:  # an empty picture (no scene callbacks), read back: small buffers
            rw.RemoveRenderer(ren)
        empty = vtkRenderer()
        rw.AddRenderer(empty)
        rw.SetMultiSamples(0)
        rw.SetSize(16, 16)
        for _ in range(2):  # the software renderer keeps two scenes in flight: both made small
            rw.Render()
            rw.GetRGBACharPixelData(0, 0, 15, 15, 0, vtkUnsignedCharArray())
        rw.RemoveRenderer(empty)
        for ren in kept:
            rw.AddRenderer(ren)
        rw.SetNumberOfLayers(layers)
        rw.SetMultiSamples(samples)
        rw.SetSize(*size)
        self.iren.UpdateSize(*size)

    # -- mouse -----------------------------------------------------------------------------
    def _event_info(self, ev, repeat: int = 0) -> None:
        # in the render window's pixels (the camera styles measure motion against its size)
        dpr = self.devicePixelRatioF() * self.render_scale
        pos = ev.position()
        mods = ev.modifiers()
        self.iren.SetEventInformation(round(pos.x() * dpr), round((self.height() - pos.y() - 1) * dpr),
                                      bool(mods & Qt.ControlModifier), bool(mods & Qt.ShiftModifier),
                                      chr(0), repeat, None)

    def mousePressEvent(self, ev) -> None:  # noqa: N802 - Qt API
        self._event_info(ev, 1 if ev.type() == QEvent.MouseButtonDblClick else 0)
        self._button = ev.button()
        {Qt.LeftButton: self.iren.LeftButtonPressEvent, Qt.RightButton: self.iren.RightButtonPressEvent,
         Qt.MiddleButton: self.iren.MiddleButtonPressEvent}.get(self._button, lambda: None)()
        self.update()

    def mouseReleaseEvent(self, ev) -> None:  # noqa: N802 - Qt API
        self._event_info(ev)
        {Qt.LeftButton: self.iren.LeftButtonReleaseEvent, Qt.RightButton: self.iren.RightButtonReleaseEvent,
         Qt.MiddleButton: self.iren.MiddleButtonReleaseEvent}.get(self._button, lambda: None)()
        self._button = Qt.NoButton
        self.update()

    def mouseMoveEvent(self, ev) -> None:  # noqa: N802 - Qt API
        self._event_info(ev)
        self.iren.MouseMoveEvent()
        if self._button != Qt.NoButton:
            self.update()

    def resizeEvent(self, ev) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(ev)
        self._apply_size()

    # -- life ------------------------------------------------------------------------------
    def close(self) -> bool:
        """Close the widget and release the render window."""
        result = QWidget.close(self)
        if not self._closed:
            self._closed = True
            self._image = self._pixels = None
            self.renderer.RemoveAllViewProps()
            self.ren_win.Finalize()
            self.iren.SetRenderWindow(None)
        return result
