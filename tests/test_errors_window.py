"""Issue 13 in the window: a bad lesson or value shows one message in a dialog, the window keeps
running, and no slot is left half-done (signals blocked) or raises to nobody.

Needs an X display with OpenGL (a private Xvfb is started, as in ``test_app.py``).
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("PySide6", reason="PySide6 is not installed")
pytest.importorskip("pyvistaqt", reason="pyvistaqt is not installed")

from hipviz.app.display import start_xvfb, xvfb_available  # noqa: E402  (no Qt import)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def display():
    proc = None
    if not os.environ.get("DISPLAY"):
        if not xvfb_available():
            pytest.skip("no DISPLAY and Xvfb is not installed: the window needs OpenGL")
        try:
            proc, disp = start_xvfb("1920x1080x24")
        except RuntimeError as exc:
            pytest.skip(f"could not start Xvfb: {exc}")
        os.environ["DISPLAY"] = disp
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    yield os.environ["DISPLAY"]
    if proc is not None and "PySide6.QtWidgets" not in sys.modules:
        proc.terminate()


@pytest.fixture(scope="module")
def win(display, tmp_path_factory):
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from hipviz.app._compat import protect_singletons
    from hipviz.app.settings import Store
    from hipviz.app.window import MainWindow

    protect_singletons()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    if app.platformName() != "xcb":
        pytest.skip(f"a QApplication already runs on {app.platformName()!r}, without OpenGL")
    ini = tmp_path_factory.mktemp("settings") / "hipviz.ini"
    w = MainWindow(store=Store(QSettings(str(ini), QSettings.IniFormat)))
    w.resize(1280, 800)
    w.show()
    _spin(app, lambda: w.view.frames > 0, 20)
    yield w
    w.close()


def _spin(app, cond, timeout=5.0):
    t = time.monotonic()
    while not cond() and time.monotonic() - t < timeout:
        app.processEvents()
        time.sleep(0.01)
    return cond()


@pytest.fixture()
def dialogs(monkeypatch):
    """Every QMessageBox.warning shown, as (title, text), instead of a blocking box."""
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda parent, title, text, *a, **k: shown.append((title, text))))
    return shown


def test_a_lesson_with_an_impossible_angle_shows_a_dialog_and_the_sliders_still_work(win, dialogs, tmp_path):
    from PySide6.QtWidgets import QApplication

    bad = tmp_path / "bad.toml"
    bad.write_text('title = "bad"\n[[steps]]\npose = { flexion = 1e308 }\n')
    assert win.load_scene(str(bad)) is False
    assert len(dialogs) == 1 and "bad.toml step 1.pose" in dialogs[0][1] and "1e+308" in dialogs[0][1]
    ctl = win.controls.angles["flexion"]
    assert not ctl.slider.signalsBlocked() and not ctl.box.signalsBlocked()
    ctl.slider.setValue(37)
    QApplication.processEvents()
    assert win.vm.pose["flexion"] == 37
    win.vm.reset()


def test_an_error_raised_in_a_slot_becomes_a_dialog_and_the_window_carries_on(win, dialogs):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from hipviz.app.errors import install_slot_guard

    guard = install_slot_guard(win)
    try:
        QTimer.singleShot(0, lambda: win.vm.set_option("lock_pelvis", "no"))
        assert _spin(QApplication.instance(), lambda: guard.errors, 5)
    finally:
        guard.uninstall()
    assert guard.errors == ["lock_pelvis: expected true or false, found 'no'"]
    assert dialogs == [("hipviz", guard.errors[0])]
    assert win.vm.options["lock_pelvis"] is True  # nothing half-changed
    win.vm.set_angle("flexion", 20)
    assert win.vm.evaluate_now() is not None


def test_the_window_request_refuses_what_evaluate_refuses(win):
    from hipviz.app.request import RequestError

    vm = win.vm
    for name, value, words in (("lock_pelvis", "no", "expected true or false"),
                               ("compensation", float("nan"), "between 0 and 1"),
                               ("load_n", 1e300, "between 0 and 5000 N"),
                               ("movement", "circumduction:nan", "finite number of degrees"),
                               ("posture", "standin", "did you mean 'standing'")):
        with pytest.raises(RequestError, match=words):
            vm.set_option(name, value)
    assert vm.options["movement"] == "flexion" and vm.options["load_n"] == 0.0


def _window(*argv, timeout=120):
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
    return subprocess.run([sys.executable, "-m", "hipviz", *map(str, argv)], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=ROOT)


@pytest.mark.parametrize("argv,words", [
    (["--movement", "circumduction:nan"], "--movement: circumduction phase must be a finite number"),
    (["--select", "piriformiss"], "--select: no muscle 'piriformiss' (did you mean 'piriformis'?)"),
    (["--load", "1e300", "--movement", "flexion"], "--load: expected a weight between 0 and 5000 N, found 1e+300"),
    (["--scene", "HUGE"], "huge.toml step 1.pose: pose: 'flexion': 1e+308 is not a plausible angle"),
])
def test_screenshot_mistakes_exit_2_with_one_line_and_no_picture(display, tmp_path, argv, words):
    shot = tmp_path / "shot.png"
    (tmp_path / "huge.toml").write_text('title = "x"\n[[steps]]\npose = { flexion = 1e308 }\n')
    r = _window("--screenshot", shot, *[str(a).replace("HUGE", str(tmp_path / "huge.toml")) for a in argv])
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert r.returncode == 2, r.stderr
    assert len(lines) == 1 and lines[0].startswith("hipviz: error: ") and words in lines[0], r.stderr
    assert not shot.exists()


def test_a_screenshot_killed_mid_write_leaves_the_old_picture(display, tmp_path):
    shot = tmp_path / "shot.png"
    shot.write_bytes(b"\x89PNG the old one")
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "HIPVIZ_TEST_PAUSE_WRITES": "60"}
    proc = subprocess.Popen([sys.executable, "-m", "hipviz", "--screenshot", str(shot), "--overwrite", "--size", "800x600"],
                            env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    t = time.monotonic()
    while not any(p.name.startswith(".shot.part-") for p in tmp_path.iterdir()):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() - t < 90
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert shot.read_bytes() == b"\x89PNG the old one"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shot.png"]
