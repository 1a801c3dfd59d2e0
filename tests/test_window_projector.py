"""The window in front of a class (issue 11): projector framing at 1024 x 768 and 1920 x 1080,
every strip button on screen, names on the lit muscles, several highlighted muscles fading the
rest, the plot following the movement taught, and number boxes that clamp visibly.

Real window with OpenGL under Xvfb, as in ``test_app.py`` (its fixtures are shared).
"""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("PySide6", reason="PySide6 is not installed")
pytest.importorskip("pyvistaqt", reason="pyvistaqt is not installed")
pytest.importorskip("pytestqt", reason="pytest-qt is not installed")

from test_app import _settle, _wait, fresh, gl_display, qapp, win  # noqa: E402,F401  (shared fixtures)


def _projector(w, qapp, size):
    """Projector mode in a window of ``size`` (not full screen: the virtual screen is 1920 x 1080)."""
    if not w.presentation.active:
        w.presentation.enter(full_screen=False)
    w.showNormal()
    w.resize(*size)
    _wait(qapp, lambda: (w.width(), w.height()) == tuple(size), 5, fail=False)
    for _ in range(5):
        qapp.processEvents()
    w.presentation.fit_strip()
    qapp.processEvents()


def _free_px(scene):
    w, h = scene._window_size()
    x0, x1, y0, y1 = scene.overlay.layout(w, h)
    return (x0 + 1) / 2 * w, (y0 + 1) / 2 * h, (x1 + 1) / 2 * w, (y1 + 1) / 2 * h


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.fixture()
def projector(fresh, qapp):
    yield fresh
    fresh.presentation.leave()
    fresh.resize(1280, 800)
    _settle(fresh, qapp)


@pytest.mark.parametrize("size", [(1024, 768), (1920, 1080)], ids=["1024x768", "1920x1080"])
@pytest.mark.parametrize("pose", ["standing_flexion", "supine_er90"])
def test_projector_framing_fills_the_view_with_a_margin(projector, qapp, size, pose):
    w = projector
    _projector(w, qapp, size)
    if pose == "supine_er90":
        w.vm.set_request({"flexion": 90, "knee": 90, "rotation": -40}, posture="supine", movement="external_rotation")
    else:
        w.vm.set_request({"flexion": 60}, movement="flexion")
    w.vm.evaluate_now()
    w.set_view("oblique")
    _settle(w, qapp)
    scene = w.view.scene
    vw, vh = scene._window_size()
    assert vw >= size[0] - 2 and vh >= 0.85 * size[1], "the 3D view takes the screen"
    box = scene.body_box()
    fx0, fy0, fx1, fy1 = _free_px(scene)
    margin = 0.01 * min(vw, vh)
    assert box[0] >= fx0 + margin and box[2] <= fx1 - margin, f"{pose}: clipped left/right at {size}"
    assert box[1] >= fy0 + margin and box[3] <= fy1 - margin, f"{pose}: clipped top/bottom at {size}"
    # it fills the free part in one direction (the other may be kept for the names)
    fill = max((box[2] - box[0]) / (fx1 - fx0), (box[3] - box[1]) / (fy1 - fy0))
    assert fill > 0.85, f"{pose}: the body fills only {fill:.0%} of the view at {size}"
    assert (box[3] - box[1]) > 0.5 * vh or (box[2] - box[0]) > 0.5 * vw
    # the legend and caption never cover it
    legend = scene.overlay.legend_box
    if legend is not None:
        assert not _overlap(box, legend)
    # names, with their leader lines, on the lit muscles; big enough for the back row
    labels = scene.muscle_labels
    assert len(labels.placed) >= 3
    assert scene.label_font_px(vh) >= 0.028 * vh
    for i, b in enumerate(labels.boxes):
        assert b[0] >= 0 and b[2] <= vw and b[1] >= 0 and b[3] <= vh
        for c in labels.boxes[i + 1:]:
            assert not _overlap(b, c), "two names overlap"
        if legend is not None:
            assert not _overlap(b, legend), "a name covers the legend"
    w.view.needs_fit() is False or pytest.fail("a fresh preset fit should not ask to be redone")


def test_every_strip_button_is_visible_at_1024x768(projector, qapp):
    from PySide6.QtWidgets import QToolButton

    w = projector
    _projector(w, qapp, (1024, 768))
    actions = [w.act_prev_step, w.act_play, w.act_next_step, w.act_slow, w.act_lock, w.act_pres_background,
               w.act_blank, w.act_presentation_exit]
    bars = w.presentation.strips()
    for act in actions:
        widget = next((b.widgetForAction(act) for b in bars if b.widgetForAction(act) is not None), None)
        assert widget is not None and widget.isVisible(), f"{act.text()} is not on screen"
        top_left = widget.mapTo(w, widget.rect().topLeft())
        bottom_right = widget.mapTo(w, widget.rect().bottomRight())
        assert 0 <= top_left.x() and bottom_right.x() < w.width() and bottom_right.y() < w.height(), act.text()
    for bar in bars:
        ext = [b for b in bar.findChildren(QToolButton) if b.objectName() == "qt_toolbar_ext_button"]
        assert not any(b.isVisible() for b in ext), "buttons hide behind the overflow arrow"
        assert bar.font().pointSizeF() >= 14
    assert w.presentation.two_rows  # 1024 pixels cannot hold them in one row
    _projector(w, qapp, (1920, 1080))
    assert not w.presentation.two_rows


def test_a_lesson_step_with_several_muscles_fades_the_rest(fresh, qapp, tmp_path):
    w = fresh
    path = tmp_path / "two.toml"
    path.write_text('title = "Two"\ndescription = "Two muscles."\n[[steps]]\ncaption = "Flex"\n'
                    'movement = "flexion"\npose = { flexion = 30 }\nhighlight = ["iliopsoas", "rectus_femoris"]\n',
                    encoding="utf-8")
    shown_before = {k for k, a in w.view.scene.bundle_actors.items() if a.GetVisibility()}
    assert w.load_scene(str(path))
    _settle(w, qapp)
    scene = w.view.scene
    assert set(scene.highlighted) == {"iliopsoas", "rectus_femoris"}
    assert {k for k, a in scene.bundle_actors.items() if a.GetVisibility()} == shown_before, "others hidden"
    bg = np.array(scene.style.background_rgb)
    assert np.linalg.norm(np.array(scene.bundle_color(("r", "sartorius", "main"))) - bg) < 0.5, "not faded"
    # (with the standing leg's muscles named too, every name says its side)
    names = [t.removesuffix(" (right)") for t, _, _ in scene.muscle_labels.placed]
    assert set(names[:2]) == {"Iliopsoas", "Rectus femoris"}
    w.load_scene(None)


def test_the_plot_shows_the_component_of_the_movement_taught(fresh, qapp):
    w = fresh
    w.vm.set_option("movement", "external_rotation")
    w.vm.select(("r", "piriformis"))
    w.vm.set_angle("flexion", 45)  # the angle moved last: the plot's x axis
    _settle(w, qapp)
    w.plot.flush()
    assert w.plot.x_key == "flexion" and w.plot.y_key == "rotation"
    assert "rotation moment arm" in w.plot.ax.get_ylabel()
    w.vm.set_option("movement", "abduction")
    _settle(w, qapp)
    w.plot.flush()
    assert w.plot.y_key == "adduction" and "adduction moment arm" in w.plot.ax.get_ylabel()
    # a component chosen by hand wins
    w.plot.component.setCurrentIndex(w.plot.component.findData("knee"))
    w.plot.flush()
    assert w.plot.y_key == "knee"
    w.plot.component.setCurrentIndex(0)
    w.vm.select(None)


def test_an_out_of_range_number_is_clamped_and_says_so(fresh, qapp, qtbot):
    from PySide6.QtCore import Qt

    w = fresh
    w.panels.docks["pose"].show()
    w.panels.docks["pose"].raise_()
    ctl = w.controls.angles["flexion"]
    box = ctl.box
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, "200")
    assert box.text().startswith("200"), "the box must take what is typed (not silently 20)"
    qtbot.keyClick(box, Qt.Key_Return)
    assert box.value() == 140.0 and ctl.slider.value() == 140
    assert "200" in ctl.clamp_message and "140" in ctl.clamp_message
    assert "140" in w.statusBar().currentMessage()
    assert "background" in box.styleSheet()  # tinted for a moment
    w.vm.evaluate_now()
    assert w.vm.request.pose.get("hip_flexion_r") == 140.0
    # in range: no message
    ctl.clamp_message = ""
    box.selectAll()
    qtbot.keyClicks(box, "35")
    qtbot.keyClick(box, Qt.Key_Return)
    assert box.value() == 35.0 and ctl.clamp_message == ""
    box.stepBy(500)
    assert box.value() == 140.0  # the arrows stop at the end


def test_the_names_setting_persists(fresh, qapp):
    w = fresh
    w.act_names[3].trigger()
    _settle(w, qapp)
    assert w.prefs.muscle_names == 3 and w.view.base_style.label_count == 3
    w.act_names[5].trigger()
    assert w.view.base_style.label_count == 5
    w.act_trunk_outline.trigger()
    assert w.prefs.trunk_outline is False and not w.view.base_style.show_trunk_outline
    w.act_trunk_outline.trigger()
    assert w.view.base_style.show_trunk_outline


def test_the_plot_and_3d_view_import_neither_matplotlib_nor_pyvista_plotting():
    # matplotlib comes only when the plot draws its first curve; the 3D view draws with VTK alone
    code = ("import sys, hipviz.app.plot, hipviz.app.view3d, hipviz.app.vtkwidget; "
            "print('matplotlib' in sys.modules, 'pyvista.plotting' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
