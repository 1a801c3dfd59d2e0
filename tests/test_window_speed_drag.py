"""Drag frames of the 3D view: drawn at a reduced resolution and scaled up, with text, names and
lines scaled alike so they keep their size on screen; full resolution again at rest.

Real window with OpenGL under Xvfb, as in ``test_app.py`` (its fixtures are shared). No timing
is asserted here (the speed is measured by ``benchmarks/bench_window.py``).
"""
from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("PySide6", reason="PySide6 is not installed")
pytest.importorskip("pyvistaqt", reason="pyvistaqt is not installed")
pytest.importorskip("pytestqt", reason="pytest-qt is not installed")

from test_app import _settle, _wait, fresh, gl_display, qapp, win  # noqa: E402,F401  (shared fixtures)


def _drag_frame(w, qapp, flexion: float):
    """Move the flexion slider and wait for the frame it draws (a moving frame)."""
    n = w.view.frames
    w.controls.angles["flexion"].slider.setValue(int(flexion))
    _wait(qapp, lambda: w.view.frames > n, 10)


def _still(w, qapp):
    w.view.render_smooth_now()
    qapp.processEvents()


def _rgb(img) -> np.ndarray:
    img = img.convertToFormat(img.Format.Format_RGB888)
    w, h, bpl = img.width(), img.height(), img.bytesPerLine()
    return np.frombuffer(img.constBits(), np.uint8, count=h * bpl).reshape(h, bpl)[:, :3 * w].reshape(h, w, 3).copy()


def _label_layout(scene):
    labels = scene.muscle_labels
    return [t for t, _, _ in labels.placed], labels.boxes.copy()


def test_drag_frames_are_drawn_small_and_shown_at_the_widget_size(fresh, qapp):
    w = fresh
    pl = w.view.plotter
    _drag_frame(w, qapp, 30)
    assert pl.render_scale < 1.0
    dw, dh = pl._device_size()
    rw, rh = pl.ren_win.GetSize()
    assert abs(rw - dw * pl.render_scale) <= 1 and abs(rh - dh * pl.render_scale) <= 1
    img = pl.grabFramebuffer()
    assert (img.width(), img.height()) == (dw, dh), "the drag frame is shown scaled up to the whole view"
    # the scene lays out in picture pixels: the view's size, whatever the render size
    vw, vh = w.view.scene._window_size()
    assert abs(vw - dw) <= 2 and abs(vh - dh) <= 2
    assert pl.ren_win.GetDPI() == round(72 * pl.render_scale), "text is drawn at the reduced scale too"
    _still(w, qapp)
    assert pl.render_scale == 1.0 and tuple(pl.ren_win.GetSize()) == (dw, dh)
    assert pl.ren_win.GetDPI() == 72 and pl.ren_win.GetMultiSamples() > 0


def test_names_legend_and_lines_keep_their_size_and_place_while_dragging(fresh, qapp):
    w = fresh
    scene = w.view.scene
    _drag_frame(w, qapp, 40)
    _still(w, qapp)
    still_names, still_boxes = _label_layout(scene)
    still_legend = scene.overlay.legend_box
    still_font = scene.label_font_px(scene._window_size()[1])
    assert still_names, "the working muscles are named"
    # a drag frame of the same pose: same names, same boxes (picture pixels), same legend
    w.view.request_render(moving=True)
    n = w.view.frames
    w.view.plotter.update()
    _wait(qapp, lambda: w.view.frames > n, 10)
    s = w.view.plotter.render_scale
    assert s < 1.0
    names, boxes = _label_layout(scene)
    assert names == still_names
    size, still_size = boxes[:, 2:] - boxes[:, :2], still_boxes[:, 2:] - still_boxes[:, :2]
    assert np.allclose(size, still_size, atol=2.0), "the names keep their size"
    # and nearly their place (the body's box, which they keep clear of, comes from the lighter
    # bones drawn while moving)
    assert np.allclose(boxes, still_boxes, atol=10.0)
    assert scene.label_font_px(scene._window_size()[1]) == still_font
    assert np.allclose(scene.overlay.legend_box, still_legend, atol=3.0)
    # drawn at the render scale: the text actors' positions and the leader lines' widths
    labels = scene.muscle_labels
    x0, y0 = labels._texts[0].GetPosition()
    pad = max(2, int(round(0.25 * still_font)))
    sw = int(round(0.7 * still_font))
    assert x0 == pytest.approx((boxes[0, 0] + 2 * pad + sw) * s)
    assert y0 == pytest.approx((boxes[0, 1] + pad) * s)
    assert labels._line_actors[1].GetProperty().GetLineWidth() == pytest.approx(max(2.0, still_font / 9.0) * s)
    # nothing of the names leaves the picture
    vw, vh = scene._window_size()
    rows = labels.boxes
    assert (rows[:, 1] >= -1).all() and (rows[:, 3] <= vh + 1).all()
    _still(w, qapp)


def test_a_repaint_without_a_change_shows_the_last_frame(fresh, qapp):
    """Qt's own repaints (a menu or tooltip uncovering the view) do not render anew."""
    w = fresh
    _still(w, qapp)
    pl = w.view.plotter
    n = w.view.frames
    pl.grab()  # paints the widget: the frame it has
    assert w.view.frames == n
    pl.update()  # a requested repaint renders
    _wait(qapp, lambda: w.view.frames > n, 10)


def test_releasing_the_frame_buffers_keeps_the_picture(fresh, qapp):
    w = fresh
    _still(w, qapp)
    pl = w.view.plotter
    before = pl.grabFramebuffer()
    size = tuple(pl.ren_win.GetSize())
    pl.release_frame_buffers()
    assert tuple(pl.ren_win.GetSize()) == size
    assert pl.ren_win.GetRenderers().GetNumberOfItems() == 2  # the scene and its x-ray layer
    after = pl.grabFramebuffer()
    a, b = _rgb(before), _rgb(after)
    assert a.shape == b.shape and np.abs(a.astype(int) - b.astype(int)).max() <= 2


def test_the_picture_keeps_its_colours(fresh, qapp):
    """The frame is handed to Qt as 0xffRRGGBB: every pixel as VTK drew it (red stays red)."""
    from vtkmodules.util.numpy_support import vtk_to_numpy
    from vtkmodules.vtkCommonCore import vtkUnsignedCharArray

    w = fresh
    _still(w, qapp)
    pl = w.view.plotter
    img = pl.grabFramebuffer()
    rw, rh = pl.ren_win.GetSize()
    arr = vtkUnsignedCharArray()
    pl.ren_win.GetRGBACharPixelData(0, 0, rw - 1, rh - 1, 0, arr, 0)
    vtk_px = vtk_to_numpy(arr).reshape(rh, rw, 4)[::-1]
    rng = np.random.default_rng(1)
    colours = set()
    for x, y in zip(rng.integers(0, rw, 200), rng.integers(0, rh, 200)):
        c = img.pixelColor(int(x), int(y))
        assert (c.red(), c.green(), c.blue()) == tuple(int(v) for v in vtk_px[y, x, :3])
        colours.add((c.red(), c.green(), c.blue()))
    assert len(colours) > 5  # not a blank picture
