"""The small plotter :class:`~hipviz.render.HipScene` draws on, built on VTK alone (no pyvista).

:class:`PlotterMixin` is the interface the scene uses (``renderer``, ``ren_win``, ``add_actor``,
``set_background``, anti-aliasing, ``window_size``); the window's 3D view
(:class:`hipviz.app.vtkwidget.RasterInteractor`) and :class:`OffscreenPlotter` (pictures, no
display) both have it. Not importing ``pyvista.plotting`` keeps matplotlib and ~70 MB out of a
process that only draws hipviz scenes.

:func:`offscreen_plotter` lends one off-screen render window per thread for a whole process:
every new OpenGL context costs ~90 ms to make and leaves ~15 KB behind in the OpenGL driver
when it is destroyed (measured with Mesa: a fresh ``vtkRenderWindow`` per picture grows the
process by that much per picture, forever), so ``render_png`` draws each picture with a fresh
renderer in the same window instead.
"""
from __future__ import annotations

import contextlib
import threading

import numpy as np

__all__ = ["PlotterMixin", "OffscreenPlotter", "offscreen_plotter"]


class PlotterMixin:
    """What a hipviz scene needs from a plotter; the class sets ``renderer``, ``ren_win``, ``_named``."""

    renderer = None
    ren_win = None

    @property
    def renderers(self) -> list:
        return [self.renderer]

    def add_actor(self, actor, *, reset_camera: bool = False, name: str | None = None, pickable: bool = True,
                  render: bool = False, **_ignored):
        """Add a VTK actor (replacing an earlier one of the same ``name``); returns it."""
        if name is not None and name in self._named:
            self.renderer.RemoveActor(self._named[name])
        if name is not None:
            self._named[name] = actor
        actor.SetPickable(bool(pickable))
        self.renderer.AddActor(actor)
        if reset_camera:
            self.renderer.ResetCamera()
        if render:
            self.render()
        return actor

    def set_background(self, color, **_ignored) -> None:
        """Background colour, RGB 0..1."""
        self.renderer.SetBackground(*(float(c) for c in color[:3]))

    def enable_anti_aliasing(self, aa_type: str = "msaa", *, multi_samples: int = 4, **_ignored) -> None:
        """``"msaa"`` (multisampling), ``"fxaa"`` or ``"ssaa"`` (drawn as 8x multisampling here)."""
        if aa_type == "fxaa":
            self.renderer.SetUseFXAA(True)
        else:
            self.ren_win.SetMultiSamples(int(multi_samples) if aa_type == "msaa" else 8)

    def disable_anti_aliasing(self) -> None:
        self.ren_win.SetMultiSamples(0)
        self.renderer.SetUseFXAA(False)

    @property
    def window_size(self) -> tuple[int, int]:
        w, h = self.ren_win.GetSize()
        return int(w), int(h)

    @window_size.setter
    def window_size(self, size) -> None:
        self.ren_win.SetSize(int(size[0]), int(size[1]))


def _import_gl() -> None:
    import vtkmodules.vtkRenderingFreeType  # noqa: F401  (text)
    import vtkmodules.vtkRenderingOpenGL2  # noqa: F401  (the OpenGL render window)


def new_render_window():
    """An off-screen ``vtkRenderWindow`` (EGL without a display)."""
    _import_gl()
    from vtkmodules.vtkRenderingCore import vtkRenderWindow

    rw = vtkRenderWindow()
    rw.SetOffScreenRendering(1)
    rw.SetAlphaBitPlanes(1)
    return rw


class OffscreenPlotter(PlotterMixin):
    """A renderer in an off-screen render window, with :meth:`screenshot`.

    Parameters
    ----------
    window_size : (int, int)
    ren_win : vtkRenderWindow, optional
        A window to draw in (it is lent, not owned: :meth:`close` only takes the renderers out);
        default a new one, released by :meth:`close`.
    """

    def __init__(self, window_size=(1024, 768), *, ren_win=None) -> None:
        _import_gl()
        from vtkmodules.vtkRenderingCore import vtkRenderer

        self._own = ren_win is None
        self.ren_win = new_render_window() if ren_win is None else ren_win
        self.ren_win.SetNumberOfLayers(1)
        self.ren_win.SetMultiSamples(0)
        self.ren_win.SetSize(int(window_size[0]), int(window_size[1]))
        self.renderer = vtkRenderer()
        self.ren_win.AddRenderer(self.renderer)
        self._named: dict[str, object] = {}

    def render(self) -> None:
        self.ren_win.Render()

    def screenshot(self, *, transparent_background: bool = False) -> np.ndarray:
        """Render and return the picture, ``(h, w, 3)`` RGB (``(h, w, 4)`` RGBA with a transparent
        background) uint8, top row first."""
        from vtkmodules.util.numpy_support import vtk_to_numpy
        from vtkmodules.vtkRenderingCore import vtkWindowToImageFilter

        alpha = self.renderer.GetBackgroundAlpha()
        if transparent_background:
            self.renderer.SetBackgroundAlpha(0.0)
        try:
            self.ren_win.Render()
            f = vtkWindowToImageFilter()
            f.SetInput(self.ren_win)
            f.ShouldRerenderOff()
            f.FixBoundaryOn()
            # the front buffer: the resolved (multisampled) picture, as pyvista reads it
            f.ReadFrontBufferOn()
            f.SetInputBufferTypeToRGBA() if transparent_background else f.SetInputBufferTypeToRGB()
            f.Update()
            img = f.GetOutput()
            w, h, _ = img.GetDimensions()
            px = vtk_to_numpy(img.GetPointData().GetScalars())
            out = np.array(px.reshape(h, w, -1)[::-1])  # OpenGL rows run bottom-up
            f.SetInput(None)
            return out
        finally:
            self.renderer.SetBackgroundAlpha(alpha)

    def close(self) -> None:
        """Take the renderers out of the window (and release it if it is this plotter's own)."""
        rw = self.ren_win
        if rw is None:
            return
        rens = rw.GetRenderers()
        for ren in [rens.GetItemAsObject(j) for j in range(rens.GetNumberOfItems())] + [self.renderer]:
            # observers (a scene's before-render callback) would keep their Python owners alive
            ren.RemoveAllObservers()
            ren.RemoveAllViewProps()
            ren.RemoveAllLights()
            rw.RemoveRenderer(ren)
        rw.SetNumberOfLayers(1)
        if self._own:
            rw.Finalize()
        self._named.clear()
        self.ren_win = None


_local = threading.local()


@contextlib.contextmanager
def offscreen_plotter(window_size):
    """An :class:`OffscreenPlotter` drawing in this thread's shared off-screen window.

    The window is made on first use and kept for the life of the thread; the plotter's
    renderers (and so every actor the caller added) are taken out of it afterwards.
    """
    if getattr(_local, "busy", False):  # nested (a picture while drawing one): a window of its own
        pl = OffscreenPlotter(window_size)
        try:
            yield pl
        finally:
            pl.close()
        return
    if getattr(_local, "ren_win", None) is None:
        _local.ren_win = new_render_window()
    _local.busy = True
    rw = _local.ren_win
    pl = OffscreenPlotter(window_size, ren_win=rw)
    try:
        yield pl
    finally:
        pl.close()
        _shrink(rw)
        _local.busy = False


def _shrink(rw) -> None:
    """Let the kept window's frame buffers go: after a large multisampled picture they hold
    ~190 MB (2400 x 1600 at 8 samples, measured), kept until the window draws again, smaller.
    Two empty 16 x 16 frames bring that down to ~15 MB."""
    w, h = rw.GetSize()
    if w * h <= 64 * 64:
        return
    from vtkmodules.vtkCommonCore import vtkUnsignedCharArray
    from vtkmodules.vtkRenderingCore import vtkRenderer

    rw.SetSize(16, 16)
    ren = vtkRenderer()  # an empty picture, read back: the buffers are made anew, small
    rw.AddRenderer(ren)
    for _ in range(2):  # the software renderer bins each frame into one of two scenes: reuse both
        rw.Render()
        rw.GetRGBACharPixelData(0, 0, 15, 15, 1, vtkUnsignedCharArray())
    rw.RemoveRenderer(ren)
