"""The desktop window (pytest-qt), with a real OpenGL 3D view.

The 3D view needs an X display with OpenGL: without ``DISPLAY`` these tests start a private
Xvfb (``-screen 0 1920x1080x24``) before the QApplication exists, and set
``QT_QPA_PLATFORM=xcb``. They are skipped, with the reason, when PySide6/pyvistaqt or Xvfb
are missing, or when another test module already created a QApplication without OpenGL.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("PySide6", reason="PySide6 is not installed")
pytest.importorskip("pyvistaqt", reason="pyvistaqt is not installed")
pytest.importorskip("pytestqt", reason="pytest-qt is not installed")

from hipviz.app.display import start_xvfb, xvfb_available  # noqa: E402  (no Qt import)

ROOT = Path(__file__).resolve().parents[1]
SIZE = (1280, 800)


# -- a display with OpenGL, before any QApplication ---------------------------------------
@pytest.fixture(scope="session")
def gl_display():
    """``DISPLAY`` of an X server: the user's, or a private Xvfb stopped after the session."""
    proc = None
    if not os.environ.get("DISPLAY"):
        if not xvfb_available():
            pytest.skip("no DISPLAY and Xvfb is not installed (apt-get install xvfb): the 3D view needs OpenGL")
        try:
            proc, display = start_xvfb("1920x1080x24")
        except RuntimeError as exc:
            pytest.skip(f"could not start Xvfb: {exc}")
        os.environ["DISPLAY"] = display
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    yield os.environ["DISPLAY"]
    if proc is not None and "PySide6.QtWidgets" not in sys.modules:
        proc.terminate()  # else Xvfb quits by itself when Qt disconnects at exit


@pytest.fixture(scope="session")
def qapp(gl_display):
    """pytest-qt's application, created only after the display is set up."""
    from PySide6.QtWidgets import QApplication

    from hipviz.app._compat import protect_singletons

    protect_singletons()
    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0]])
    elif app.platformName() != "xcb":
        pytest.skip(f"a QApplication already runs on the {app.platformName()!r} platform, which has no OpenGL")
    return app


@pytest.fixture(scope="module")
def win(qapp, tmp_path_factory):
    """One window for the module, with settings in a throw-away file."""
    from PySide6.QtCore import QSettings

    from hipviz.app.settings import Store
    from hipviz.app.window import MainWindow

    ini = tmp_path_factory.mktemp("settings") / "hipviz.ini"
    w = MainWindow(store=Store(QSettings(str(ini), QSettings.IniFormat)))
    w.resize(*SIZE)
    w.show()
    _wait(qapp, lambda: w.view.frames > 0, 20)
    w.activateWindow()
    _wait(qapp, lambda: qapp.activeWindow() is w, 5, fail=False)
    yield w
    w.close()


def _wait(app, cond, timeout=5.0, fail=True):
    from PySide6.QtCore import QDeadlineTimer, QEventLoop

    deadline = QDeadlineTimer(int(timeout * 1000))
    loop = QEventLoop()
    while not cond():
        if deadline.hasExpired():
            if fail:
                raise AssertionError("timed out waiting for the window")
            return False
        loop.processEvents(QEventLoop.AllEvents, 20)
    return True


def _settle(win, qapp):
    """Evaluate what is pending, refresh the panels and draw one frame."""
    win.vm.evaluate_now()
    win.update_panels()
    n = win.view.frames
    win.view.plotter.update()
    _wait(qapp, lambda: win.view.frames > n, 10)


def _pixels(win) -> np.ndarray:
    img = win.view.plotter.grabFramebuffer().convertToFormat(win.view.plotter.grabFramebuffer().Format.Format_RGB888)
    w, h, bpl = img.width(), img.height(), img.bytesPerLine()
    return np.frombuffer(img.constBits(), np.uint8, count=h * bpl).reshape(h, bpl)[:, : 3 * w].reshape(h, w, 3).copy()


@pytest.fixture()
def fresh(win, qapp):
    """The shared window, back at its defaults, normal mode."""
    if win.presentation.active:
        win.presentation.leave()
    win.presentation.blank.hide()
    win.load_scene(None)
    win.muscle_list.solo(None)
    win.vm.select(None)
    win.vm.reset()
    win.set_view("oblique")
    _settle(win, qapp)
    return win


# -- the tests ------------------------------------------------------------------------------
def test_window_opens_with_panels_and_a_drawn_3d_view(fresh):
    w = fresh
    assert "hipviz" in w.windowTitle()
    titles = {d.windowTitle() for d in w.docks()}
    assert {"Pose", "Readouts", "Muscles", "Muscle info", "Moment arm"} <= titles
    img = _pixels(w)
    assert img.shape[0] > 300 and img.shape[1] > 300
    background = np.array([255, 255, 255])
    drawn = np.any(np.abs(img.astype(int) - background) > 30, axis=2).mean()
    assert 0.05 < drawn < 0.9, "the 3D view should show bones and muscles on a white background"


def test_slider_changes_pose_readouts_and_pixels(fresh, qapp):
    w = fresh
    before = _pixels(w)
    w.controls.angles["flexion"].slider.setValue(80)
    assert w.controls.angles["flexion"].box.value() == 80
    _wait(qapp, lambda: not w.vm.pending)
    _settle(w, qapp)
    d = w.vm.state.to_dict(paths=False)
    assert d["hip"]["flexion"] == pytest.approx(80)
    assert w.readouts.text("hip.flexion") == "+80.0\N{DEGREE SIGN}"
    after = _pixels(w)
    changed = np.any(np.abs(after.astype(int) - before.astype(int)) > 40, axis=2).mean()
    assert changed > 0.01, "moving the thigh must change the picture"


def test_abduction_in_a_request_reaches_the_adduction_control(fresh, qapp):
    w = fresh
    w.vm.set_request({"abduction": 20, "knee": 30})
    w.vm.evaluate_now()
    assert w.vm.pose["adduction"] == -20
    assert w.vm.state.to_dict(paths=False)["hip"]["adduction"] == -20


def test_many_slider_steps_coalesce_into_few_evaluations(fresh, qapp):
    w = fresh
    n0 = w.vm.n_evaluations
    for v in range(1, 41):
        w.controls.angles["flexion"].slider.setValue(v)
    _wait(qapp, lambda: not w.vm.pending)
    assert w.vm.n_evaluations - n0 <= 2
    assert w.vm.state.to_dict(paths=False)["hip"]["flexion"] == pytest.approx(40)


def test_lock_pelvis_changes_the_result_of_an_unreachable_request(fresh, qapp, qtbot):
    from PySide6.QtCore import Qt

    w = fresh
    w.controls.angles["flexion"].box.setValue(130)  # beyond the hip's 110 degrees
    _settle(w, qapp)
    locked = w.vm.state.to_dict(paths=False)
    assert locked["hip"]["flexion"] == pytest.approx(110) and locked["pelvis"]["tilt"] == pytest.approx(0)
    assert locked["warnings"] and w.readouts.warnings.isVisible()
    qtbot.keyClick(w, Qt.Key_L)  # the keyboard shortcut
    assert w.vm.options["lock_pelvis"] is False and not w.controls.lock.isChecked()
    _settle(w, qapp)
    free = w.vm.state.to_dict(paths=False)
    assert free["thigh"]["flexion"] == pytest.approx(130, abs=0.5)
    assert free["pelvis"]["tilt"] < -5  # the pelvis tilts back to help
    assert "Pelvis moves" in w.readouts.status.text()
    assert "Pelvis free" in w.view.scene.overlay.caption
    assert w.view.scene.markers.moved  # the ASIS rings switch to the warning look


def _point_on(win, muscle):
    """A widget point that picks ``muscle`` (right side)."""
    from PySide6.QtCore import QPoint

    from hipviz.app.picking import nearest_bundle

    lines = win.view.screen_lines()
    for key, pts in lines.items():
        if key[:2] != ("r", muscle):
            continue
        for a, b in zip(pts[:-1], pts[1:]):
            for t in np.linspace(0.1, 0.9, 9):
                p = (1 - t) * a[:2] + t * b[:2]
                if nearest_bundle(lines, tuple(p)) == key:
                    return QPoint(int(round(p[0])), int(round(p[1])))
    pytest.fail(f"{muscle} is not pickable in this view")


def test_hover_names_and_click_fills_the_info_card(fresh, qapp, qtbot):
    from PySide6.QtCore import QPoint, Qt

    w = fresh
    w.set_view("front")
    _settle(w, qapp)
    pos = _point_on(w, "gluteus_medius")
    hovered = []
    w.view.hovered.connect(hovered.append)
    # from somewhere else first, with no button held: a cursor already at ``pos``, or a button
    # left down by another test, would bring no hover
    qtbot.mouseRelease(w.view.plotter, Qt.LeftButton, pos=pos + QPoint(40, 40))
    qtbot.mouseMove(w.view.plotter, pos + QPoint(40, 40))
    qtbot.mouseMove(w.view.plotter, pos)
    _wait(qapp, lambda: hovered and hovered[-1] == ("r", "gluteus_medius"), 3)
    assert hovered[-1] == ("r", "gluteus_medius")
    assert "Gluteus medius" in w.statusBar().currentMessage()
    qtbot.mouseClick(w.view.plotter, Qt.LeftButton, pos=pos)
    assert w.vm.selected == ("r", "gluteus_medius")
    text = w.info.toPlainText()
    for word in ("Gluteus medius", "Origin", "Insertion", "Nerve", "Actions", "Why:", "length"):
        assert word in text
    assert w.view.highlighted == ("r", "gluteus_medius")
    assert w.muscle_list.tree.currentItem().text(0) == "Gluteus medius"


def test_info_card_says_why_a_muscle_is_lit(fresh, qapp):
    w = fresh
    w.vm.set_request({"flexion": 30}, movement="flexion")
    w.vm.select(("r", "iliopsoas"))
    _settle(w, qapp)
    text = w.info.toPlainText()
    assert "flexion moment arm +" in text and "shortening" in text
    w.vm.select(("r", "gluteus_maximus"))
    assert "Quiet" in w.info.toPlainText()


def test_muscle_list_hides_and_solos(fresh, qapp):
    w = fresh
    actors = {k: a for k, a in w.view.scene.bundle_actors.items() if k[1] == "sartorius"}
    w.muscle_list.set_visible("sartorius", False)
    assert not any(a.GetVisibility() for a in actors.values())
    w.muscle_list.set_visible("sartorius", True)
    assert all(a.GetVisibility() for a in actors.values())
    w.muscle_list.solo("piriformis")
    shown = {k[1] for k, a in w.view.scene.bundle_actors.items() if a.GetVisibility()}
    assert shown == {"piriformis"}
    w.muscle_list.solo(None)
    drawn = {k[1] for k in w.view.scene.bundle_actors}
    assert {k[1] for k, a in w.view.scene.bundle_actors.items() if a.GetVisibility()} == drawn
    assert len(drawn) >= 21


def test_muscle_list_swatches_show_the_drawn_colour_and_are_reused(fresh, qapp):
    from hipviz.app.muscle_list import _Swatches

    w = fresh
    w.vm.set_request({"flexion": 40}, movement="flexion")
    _settle(w, qapp)
    w.update_panels()
    ml = w.muscle_list
    key = next(k for k in w.view.scene.bundle_actors if k[0] == w.vm.state.side and k[1] == "iliopsoas")
    rgb8 = tuple(round(255 * v) for v in w.view.scene.bundle_color(key))
    icon = ml.items["iliopsoas"].icon(0)
    c = icon.pixmap(12, 12).toImage().pixelColor(6, 6)
    assert max(abs(a - b) for a, b in zip((c.red(), c.green(), c.blue()), rgb8)) <= 1
    # the same pose again: the rows keep their icons (a new pixmap per update filled Qt's pixmap cache)
    keys = {mid: it.icon(0).cacheKey() for mid, it in ml.items.items()}
    n = len(ml.swatches)
    w.update_panels()
    assert {mid: it.icon(0).cacheKey() for mid, it in ml.items.items()} == keys and len(ml.swatches) == n
    # one icon per colour, and no more than the bound
    few = _Swatches(size=3)
    assert few.icon((1, 2, 3)).cacheKey() == few.icon((1, 2, 3)).cacheKey()
    for v in range(10):
        few.icon((v, v, v))
    assert len(few) == 3


def test_moment_arm_plot_shows_the_piriformis_reversal_and_clicks_set_the_pose(fresh, qapp, qtbot):
    from PySide6.QtCore import QPoint, Qt

    from hipviz.app.plot import zero_crossings

    w = fresh
    w.vm.select(("r", "piriformis"))
    w.plot.component.setCurrentIndex(w.plot.component.findData("rotation"))
    w.plot.flush()
    x, y, key = w.plot._curve
    assert key == "flexion"
    crossings = zero_crossings(x, y)
    assert len(crossings) == 1 and 40 < crossings[0] < 100  # external rotator -> internal rotator
    labels = [t.get_text() for t in w.plot.ax.texts]
    assert "+ internal rotator" in labels and any("reverses at" in t for t in labels)
    # Click at 90 degrees of flexion on the plot.
    canvas = w.plot.canvas
    px, _ = w.plot.ax.transData.transform((90.0, 0.0))
    ratio = canvas.device_pixel_ratio
    pos = QPoint(int(px / ratio), int(canvas.height() / 2))
    qtbot.mouseClick(canvas, Qt.LeftButton, pos=pos)
    assert w.vm.pose["flexion"] == pytest.approx(90, abs=1.5)


def test_camera_keys_and_orthographic(fresh, qapp, qtbot):
    from PySide6.QtCore import Qt

    from hipviz.render import VIEWS

    w = fresh
    cam = w.view.plotter.renderer.GetActiveCamera()
    for key, name in ((Qt.Key_1, "front"), (Qt.Key_5, "top"), (Qt.Key_2, "back"), (Qt.Key_6, "oblique")):
        qtbot.keyClick(w, key)
        d = np.subtract(cam.GetPosition(), cam.GetFocalPoint())
        assert w.view.view_name == name
        assert d / np.linalg.norm(d) == pytest.approx(np.array(VIEWS[name]["direction"]), abs=1e-6)
    qtbot.keyClick(w, Qt.Key_O)
    assert cam.GetParallelProjection() and w.act_ortho.isChecked()
    qtbot.keyClick(w, Qt.Key_O)
    assert not cam.GetParallelProjection()


def test_presentation_mode_hides_panels_enlarges_text_and_keys_work(fresh, qapp, qtbot):
    from PySide6.QtCore import Qt

    w = fresh
    w.load_scene(str(ROOT / "scenes" / "04_high_knee_lift.toml"))
    normal_font = w.view.base_style.font_size
    qtbot.keyClick(w, Qt.Key_F5)
    assert w.presentation.active
    _wait(qapp, lambda: all(not d.isVisible() for d in w.docks()))
    assert not w.main_toolbar.isVisible() and w.presentation.strip.isVisible()
    assert w.view.base_style.presentation and w.view.base_style.font_size >= 1.5 * normal_font
    assert w.view.base_style.background == "dark"
    assert w.presentation.strip.font().pointSizeF() >= 14
    caption = w.view.scene.overlay.caption
    assert "Stand tall" in caption and "Pelvis locked" in caption
    qtbot.keyClick(w, Qt.Key_PageDown)  # presenter clicker: next step
    assert w.player.index == 1 and "Lift the knee" in w.view.scene.overlay.caption
    _wait(qapp, lambda: not w.player.animating, 10)
    assert w.vm.pose["flexion"] == pytest.approx(90)
    qtbot.keyClick(w, Qt.Key_Space)
    assert w.player.index == 2
    qtbot.keyClick(w, Qt.Key_Left)
    assert w.player.index == 1
    qtbot.keyClick(w, Qt.Key_B)
    assert w.presentation.blank.isVisible()
    qtbot.keyClick(w, Qt.Key_B)
    assert not w.presentation.blank.isVisible()
    qtbot.keyClick(w, Qt.Key_Escape)
    assert not w.presentation.active
    _wait(qapp, lambda: all(d.isVisible() for d in w.docks() if d.objectName() in ("dock_pose", "dock_muscles")))
    assert w.view.base_style.font_size == normal_font and not w.presentation.strip.isVisible()


def test_slow_motion_stretches_the_glide(fresh, qapp, qtbot):
    from PySide6.QtCore import QElapsedTimer, Qt

    w = fresh
    w.load_scene(str(ROOT / "scenes" / "04_high_knee_lift.toml"))
    w.player.set_slow(1.0)
    w.player.goto(1)
    assert w.player._duration == pytest.approx(2.0)
    w.player.goto(0, animate=False)
    qtbot.keyClick(w, Qt.Key_S)  # 1x -> 1/2x
    assert w.player.slow == 2.0 and "1/2" in w.act_slow.text()
    clock = QElapsedTimer()
    clock.start()
    w.player.goto(1)
    assert w.player._duration == pytest.approx(4.0)
    _wait(qapp, lambda: clock.elapsed() > 1000, 3)
    mid = w.vm.pose["flexion"]
    assert 5 < mid < 60  # still on its way after a quarter of the glide
    w.player.goto(1, animate=False)
    w.player.set_slow(1.0)
    w.prefs.slow = 1.0


def test_reset_key_and_picture_export(fresh, qapp, qtbot):
    from PySide6.QtCore import Qt

    w = fresh
    w.vm.set_request({"flexion": 45, "knee": 60})
    qtbot.keyClick(w, Qt.Key_R, Qt.ControlModifier)
    assert w.vm.pose["flexion"] == 0 and w.vm.pose["knee"] == 0
    img = w.view.image((640, 360), transparent=True)
    assert (img.width(), img.height()) == (640, 360) and img.hasAlphaChannel()
    assert img.pixelColor(2, 358).alpha() == 0  # background corner is see-through
    rgba = img.convertToFormat(img.Format.Format_RGBA8888)
    alpha = np.frombuffer(rgba.constBits(), np.uint8, count=360 * rgba.bytesPerLine()).reshape(360, -1)[:, 3:2560:4]
    assert 0.02 < (alpha > 0).mean() < 0.6  # the body and the legend are opaque


def test_settings_persist_and_restore_defaults(fresh, qapp):
    from hipviz.app.settings import Store
    from hipviz.app.window import MainWindow

    w = fresh
    w.set_pref(background="dark")
    w.set_view("top")
    w.vm.set_request({"flexion": 33.0}, movement="abduction")
    w.save_settings()
    other = MainWindow(w.model, store=Store(w.store.q))
    try:
        assert other.prefs.background == "dark" and other.prefs.view == "top"
        assert other.vm.pose["flexion"] == 33.0 and other.vm.options["movement"] == "abduction"
        assert other.view.base_style.background == "dark"
        other.restore_defaults()
        assert other.prefs.background == "white" and other.vm.pose["flexion"] == 0
        assert Store(w.store.q).request() is None
    finally:
        other.close()
        w.set_pref(background="white")


def test_colour_mode_and_fixed_scale_toggle_persist_and_a_lesson_fixes_the_scale(fresh, qapp, qtbot):
    from PySide6.QtCore import Qt

    from hipviz.app.settings import Store

    w = fresh
    w.set_colour("effort")
    w.set_fixed_scale(False)
    w.vm.set_request({"flexion": 30}, movement="flexion")
    _settle(w, qapp)
    scene = w.view.scene
    assert scene.overlay.title.startswith("Effort") and w.act_colour["effort"].isChecked()
    qtbot.keyClick(w, Qt.Key_C)  # effort -> share
    assert w.prefs.colour == "share" and w.view.base_style.colour == "share" and w.act_colour["share"].isChecked()
    assert scene.overlay.title.startswith("Share of the flexion moment")
    assert w.muscle_list.tree.headerItem().text(1) == "Share"
    w.vm.select(("r", "iliopsoas"))
    _settle(w, qapp)
    assert "% of the flexion moment" in w.info.toPlainText() and "Effort" in w.info.toPlainText()
    # adaptive scale: follows the pose; fixed (F): stays at 100 % while the sliders move
    assert w.view.base_style.activation_scale is None
    qtbot.keyClick(w, Qt.Key_F)
    assert w.prefs.fixed_scale and w.act_fixed_scale.isChecked() and scene.colour_scale == 1.0
    for v in (10, 60, 100):
        w.controls.angles["flexion"].slider.setValue(v)
        _settle(w, qapp)
        assert scene.colour_scale == 1.0
    w.save_settings()
    assert Store(w.store.q).preferences().colour == "share" and Store(w.store.q).preferences().fixed_scale
    # a lesson: its colouring, one scale for every step, the toggle shown on and locked
    qtbot.keyClick(w, Qt.Key_F)
    w.set_colour("effort")
    w.load_scene(str(ROOT / "scenes" / "17_rotation_reversal.toml"))
    # the lesson's colouring is shown; the user's preference is kept for after the lesson
    assert w.colour_mode() == "share" and w.view.base_style.colour == "share" and w.act_colour["share"].isChecked()
    assert w.prefs.colour == "effort"
    assert w.act_fixed_scale.isChecked() and not w.act_fixed_scale.isEnabled()
    scales = []
    for i in range(w.player.n_steps):
        w.player.goto(i, animate=False)
        _settle(w, qapp)
        scales.append(scene.colour_scale)
    assert scales == [0.5] * w.player.n_steps
    w.load_scene(None)
    assert w.act_fixed_scale.isEnabled() and not w.act_fixed_scale.isChecked()
    assert w.view.base_style.activation_scale is None
    assert w.view.base_style.colour == "effort" and w.act_colour["effort"].isChecked()
    w.vm.select(None)
    w.set_colour("effort")


def test_bad_arguments_give_one_line_errors(capsys):
    from hipviz.app.main import run

    for argv, words in ((["--screenshot", "out.txt"], ".png"), (["--size", "10x10"], "window size"),
                        (["--flexion", "abc"], "invalid float"), (["--scene", "/no/such.toml"], "no such file"),
                        (["--view", "sideways"], "invalid choice")):
        assert run(argv) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith("hipviz: error:") and words in err and "Traceback" not in err
        assert len(err.splitlines()) == 1


def test_headless_screenshot_command(gl_display, tmp_path):
    out = tmp_path / "window.png"
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    r = subprocess.run([sys.executable, "-m", "hipviz", "--screenshot", str(out), "--presentation", "--size", "1024x768",
                        "--flexion", "60", "--movement", "flexion"], env=env, capture_output=True, text=True, timeout=90)
    assert r.returncode == 0, r.stderr
    from PySide6.QtGui import QImage

    img = QImage(str(out))
    assert (img.width(), img.height()) == (1024, 768)
    assert img.pixelColor(5, 5).lightness() < 80  # projector mode: dark background
