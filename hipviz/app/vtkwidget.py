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
"""
from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from ..render.vtkplotter import PlotterMixin

__all__ = ["RasterInteractor"]


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

    def paintGL(self) -> None:
        """Render a frame into the off-screen window and read it back (see :meth:`paintEvent`)."""
        if self._closed:
            return
        size = self._device_size()
        if tuple(self.ren_win.GetSize()) != size:
            self.ren_win.SetSize(*size)
            self.iren.UpdateSize(*size)
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
        self._pixels = np.ascontiguousarray(px.reshape(h, w, 4)[::-1])
        self._image = QImage(self._pixels.data, w, h, 4 * w, QImage.Format_RGBX8888)
        self._image.setDevicePixelRatio(self.devicePixelRatioF())

    def paintEvent(self, ev) -> None:  # noqa: N802 - Qt API
        self.paintGL()
        if self._image is None:
            return
        p = QPainter(self)
        p.setCompositionMode(QPainter.CompositionMode_Source)
        p.drawImage(0, 0, self._image)
        p.end()

    def grabFramebuffer(self) -> QImage:  # noqa: N802 - QOpenGLWidget API
        """The picture drawn now (rendered anew), as a ``QImage``."""
        self.paintGL()
        return QImage() if self._image is None else self._image.copy()

    def render(self, *args, **kwargs):
        """With no arguments: draw a frame (pyvista); otherwise ``QWidget.render``."""
        if args or kwargs:
            return QWidget.render(self, *args, **kwargs)
        self.update()
        return None

    # -- mouse -----------------------------------------------------------------------------
    def _event_info(self, ev, repeat: int = 0) -> None:
        dpr = self.devicePixelRatioF()
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
        size = self._device_size()
        self.ren_win.SetSize(*size)
        self.iren.UpdateSize(*size)

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
