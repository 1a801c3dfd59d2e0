"""A recorded motion in the real window (pytest-qt, OpenGL under Xvfb as in test_app.py): it plays,
pauses, seeks, loops and changes speed; the 3D view, caption, readouts and the *Over time* plot
follow it; the camera travels with the walker; touching the controls or opening a lesson closes it."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("PySide6", reason="PySide6 is not installed")
pytest.importorskip("pyvistaqt", reason="pyvistaqt is not installed")
pytest.importorskip("pytestqt", reason="pytest-qt is not installed")

from test_app import _pixels, _settle, _wait, fresh, gl_display, qapp, win  # noqa: E402,F401  (shared fixtures)

DATA = Path(__file__).resolve().parent / "data"
GAIT = DATA / "walk_gait2392.mot"


@pytest.fixture()
def walking(fresh, qapp):
    """The shared window with the gait2392 walk loaded, paused on its first frame."""
    assert fresh.load_motion(str(GAIT), play=False)
    _settle_motion(fresh, qapp)
    yield fresh
    fresh.load_motion(None)


def _settle_motion(w, qapp):
    n = w.view.frames
    w.view.plotter.update()
    _wait(qapp, lambda: w.view.frames > n, 10)


def test_a_motion_opens_paused_on_its_first_frame(walking):
    w = walking
    m = w.motions
    assert m.active and m.bar.isVisible() and m.dock.isVisible()
    clip = m.clip
    assert clip.n_frames == 67 and clip.fps == pytest.approx(30)  # resampled to 30 frames a second
    assert w.vm.state.n == 1 and w.view.state is w.vm.state
    assert "walk_gait2392.mot \N{MIDDLE DOT} 0.00" in w.view.scene.overlay.caption
    assert m.bar.time_label.text().strip().startswith("0.00 / 2.20")
    assert "mostly negative" in w.statusBar().currentMessage()
    assert m.plot.series is clip.series and "gluteus_medius" in m.plot.muscles


def test_seeking_shows_that_frame_in_view_readouts_plot_and_camera(walking, qapp):
    w = walking
    m = w.motions
    before = _pixels(w)
    cam0 = np.array(w.view.plotter.renderer.GetActiveCamera().GetFocalPoint())
    m.player.seek(40)
    w.update_panels()
    _settle_motion(w, qapp)
    st = m.clip.state(40)
    np.testing.assert_allclose(w.vm.state.transforms["pelvis"], st.transforms["pelvis"])
    assert m.bar.slider.value() == 40 and m.plot.cursor_time == pytest.approx(m.clip.time(40))
    hip = w.vm.state.poses.degrees("hip_flexion_r")[0]
    assert w.readouts.text("hip.flexion") == f"{hip:+.1f}\N{DEGREE SIGN}"
    # the camera walks along with the body (by the smoothed travel), so the body stays in view
    cam = np.array(w.view.plotter.renderer.GetActiveCamera().GetFocalPoint())
    path = m.clip.frames.camera_path
    np.testing.assert_allclose(cam - cam0, path[40] - path[0], atol=1e-9)
    changed = np.any(np.abs(_pixels(w).astype(int) - before.astype(int)) > 40, axis=2).mean()
    assert changed > 0.01
    m.bar.slider.setValue(10)  # dragging the timeline seeks too
    assert m.player.frame == 10


def test_play_pause_speed_and_loop(walking, qapp):
    m = walking.motions
    p = m.player
    p.play()
    assert p.playing and m.bar.play_button.text() == "Pause"
    _wait(qapp, lambda: p.frame >= 6, 10)
    p.pause()
    frame = p.frame
    _wait(qapp, lambda: False, 0.3, fail=False)
    assert p.frame == frame and not p.playing and m.bar.play_button.text() == "Play"
    m.bar.speed.setCurrentIndex(m.bar.speed.findData(2.0))
    assert p.speed == 2.0
    m.bar.loop.setChecked(False)
    p.seek(m.clip.n_frames - 3)
    p.play()
    _wait(qapp, lambda: not p.playing, 10)
    assert p.frame == m.clip.n_frames - 1  # without a loop it stops on the last frame
    m.bar.loop.setChecked(True)
    assert m.clip.frame_at(m.clip.duration_s + 0.5 / m.clip.fps + 0.1, loop=True) == 2
    walking.motions.act_play.trigger()  # M plays again: with the loop, round to the start
    assert p.playing
    _wait(qapp, lambda: p.frame < 10, 10)
    p.pause()
    m.bar.loop.setChecked(False)
    p.seek(m.clip.n_frames - 1)
    p.play()  # at the end without a loop: from the start
    assert p.frame == 0
    p.pause()
    m.bar.loop.setChecked(True)


def test_selecting_a_muscle_plots_it(walking):
    w = walking
    w.vm.select(("r", "piriformis"))
    assert w.motions.plot.muscles[0] == "piriformis"
    w.vm.select(None)


def test_the_controls_or_a_lesson_take_over(walking, qapp):
    w = walking
    w.vm.set_angle("flexion", 30)
    assert not w.motions.active and not w.motions.bar.isVisible()
    _wait(qapp, lambda: not w.vm.pending)
    assert w.vm.state.poses.degrees("hip_flexion_r")[0] == pytest.approx(30)
    assert w.load_motion(str(GAIT), play=False)
    from hipviz.io.scenes import shipped_scenes
    assert w.load_scene(str(shipped_scenes()[0]))
    assert not w.motions.active


def test_a_bad_motion_file_is_a_dialog(fresh, monkeypatch):
    from hipviz.app import motion_player

    shown = []
    monkeypatch.setattr(motion_player.QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    assert not fresh.load_motion(str(DATA / "broken_nan.mot"))
    assert shown and "broken_nan.mot line 9" in shown[0] and not fresh.motions.active
