"""Lessons in the real window (pytest-qt, OpenGL under Xvfb as in test_app.py): whole step poses
reach evaluate, postures start the legs where ``hipviz pose`` does, a step's camera, muscles and
contacts are shown, the lesson browser, and a lesson's colouring that does not outlive it."""
from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("PySide6", reason="PySide6 is not installed")
pytest.importorskip("pyvistaqt", reason="pyvistaqt is not installed")
pytest.importorskip("pytestqt", reason="pytest-qt is not installed")

from test_app import _settle, _wait, fresh, gl_display, qapp, win  # noqa: E402,F401  (shared fixtures)

import hipviz  # noqa: E402

LESSON = """
title = "Both legs by name"
description = "A test lesson: full OpenSim and hipviz names, a camera and muscles per step."

[defaults]
posture = "standing"
side = "right"
movement = "flexion"

[[steps]]
caption = "Long names"
pose = { hip_flexion_l = 20, knee_flexion_l = 30, lumbar_flexion = 10, pelvis_anterior_tilt = 5, hip_flexion_r = 40, pelvis_ty = 0.9 }
view = "side"
highlight = ["iliopsoas"]

[[steps]]
caption = "Two muscles, both feet down"
pose = { flexion = 10 }
contacts = ["feet"]
view = "top"
highlight = ["iliopsoas", "rectus_femoris"]

[[steps]]
caption = "Tall kneeling"
posture = "tall_kneeling"
side = "left"
pose = {}
duration_s = 0.3
"""


@pytest.fixture()
def lesson(tmp_path):
    path = tmp_path / "both_legs.toml"
    path.write_text(LESSON, encoding="utf-8")
    return path


@pytest.fixture()
def dialogs(monkeypatch):
    """Messages the window would show in a dialog (recorded instead of blocking the test)."""
    from hipviz.app import lessons

    shown = []
    monkeypatch.setattr(lessons.QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    return shown


@pytest.fixture()
def calls(monkeypatch):
    """Every ``hipviz.evaluate(model, pose, **kwargs)`` call: (pose, kwargs)."""
    seen = []
    real = hipviz.evaluate

    def spy(model, pose=None, **kwargs):
        seen.append((dict(pose or {}), kwargs))
        return real(model, pose, **kwargs)

    monkeypatch.setattr(hipviz, "evaluate", spy)
    return seen


def _shown_muscles(w) -> set[str]:
    return {k[1] for k, a in w.view.scene.bundle_actors.items() if a.GetVisibility()}


def test_a_step_naming_any_coordinate_reaches_evaluate_and_the_sliders(fresh, qapp, lesson, calls, dialogs):
    w = fresh
    assert w.load_scene(str(lesson)) and not dialogs
    _settle(w, qapp)
    pose, kwargs = calls[-1]
    assert pose == {"hip_flexion_l": 20.0, "knee_flexion_l": 30.0, "lumbar_flexion": 10.0,
                    "pelvis_anterior_tilt": 5.0, "hip_flexion_r": 40.0, "pelvis_ty": 0.9}
    assert kwargs["side"] == "right" and kwargs["posture"] == "standing"
    st = w.vm.state
    for name, deg in (("hip_flexion_l", 20), ("knee_flexion_l", 30), ("lumbar_flexion", 10), ("hip_flexion_r", 40)):
        assert float(st.poses.degrees(name)[0]) == pytest.approx(deg)
    # the sliders show the moving (right) side's value named by its long name
    assert w.controls.angles["flexion"].box.value() == 40 and w.vm.pose["flexion"] == 40
    assert w.controls.angles["pelvis_anterior_tilt"].box.value() == 5
    # moving a slider changes that coordinate only; the rest of the step's pose stays named
    w.controls.angles["flexion"].slider.setValue(55)
    _settle(w, qapp)
    pose, _ = calls[-1]
    assert pose["hip_flexion_r"] == 55 and pose["hip_flexion_l"] == 20 and pose["lumbar_flexion"] == 10
    assert "flexion" not in pose


def test_posture_from_the_command_line_starts_the_legs_as_hipviz_pose(fresh, qapp):
    from hipviz.app.main import _configure, build_parser

    w = fresh
    _configure(w, build_parser().parse_args(["--posture", "tall_kneeling", "--side", "left"]))
    _settle(w, qapp)
    cli = hipviz.evaluate(w.model, {}, side="left", posture="tall_kneeling")  # `hipviz pose` with these flags
    knee = w.vm.state.to_dict(paths=False)["knee"]["flexion"]
    assert knee == pytest.approx(cli.to_dict(paths=False)["knee"]["flexion"], abs=1e-6)
    assert knee == pytest.approx(90, abs=5)
    assert w.vm.request.pose == {}
    assert w.controls.angles["knee"].box.value() == 90  # the posture's starting angle on the slider
    # changing the posture in the panel shows that posture's angles
    w.controls.posture.setCurrentIndex(w.controls.posture.findData("half_kneeling"))
    assert w.controls.angles["flexion"].box.value() == -10 and w.controls.angles["knee"].box.value() == 90
    _settle(w, qapp)
    cli = hipviz.evaluate(w.model, {}, side="left", posture="half_kneeling", movement="flexion")
    np.testing.assert_allclose(w.vm.state.poses.q, cli.poses.q, atol=1e-9)


def test_step_camera_highlight_and_contacts_are_shown(fresh, qapp, lesson, dialogs):
    w = fresh
    w.load_scene(str(lesson))
    _settle(w, qapp)
    assert w.view.view_name == "side" and w.prefs.view == "oblique"  # the user's preset is kept
    assert w.view.highlighted == ("r", "iliopsoas") and w.view.focus is None
    assert w.muscle_list.marked == ("iliopsoas",)
    assert w.muscle_list.items["iliopsoas"].font(0).bold()
    all_drawn = _shown_muscles(w)
    w.player.goto(1, animate=False)
    _settle(w, qapp)
    assert w.view.view_name == "top"
    # several muscles: all picked out (thicker, a halo, named), the others faded but still drawn
    assert w.view.highlighted == ("r", ("iliopsoas", "rectus_femoris")) and w.view.focus is None
    assert _shown_muscles(w) == all_drawn
    assert set(w.view.scene.highlighted) == {"iliopsoas", "rectus_femoris"}
    assert w.vm.state.contacts.names == ("foot_r", "foot_l")
    assert "right foot" in w.readouts.floor.text() and "left foot" in w.readouts.floor.text()
    # the user's selection comes first; clearing it brings the step's muscles back
    w.vm.select(("r", "sartorius"))
    assert w.view.highlighted == ("r", "sartorius") and w.view.focus is None
    w.vm.select(None)
    assert w.view.highlighted == ("r", ("iliopsoas", "rectus_femoris"))
    # the next step glides into tall kneeling on the left leg and ends on exactly its pose
    w.player.goto(2)
    _wait(qapp, lambda: not w.player.animating, 10)
    _settle(w, qapp)
    assert w.vm.request.pose == {} and w.vm.options["side"] == "left"
    assert w.vm.state.contacts.names == ("shin_r", "shin_l")  # the posture's own again
    assert w.controls.angles["knee"].box.value() == 90
    assert w.view.focus is None and _shown_muscles(w) == all_drawn and w.muscle_list.marked == ()
    w.load_scene(None)
    assert w.vm.options["contacts"] is None


def test_lesson_browser_lists_the_shipped_lessons_and_opens_one(fresh, qapp, qtbot, dialogs, tmp_path, monkeypatch):
    from PySide6.QtCore import Qt

    from hipviz.app import lessons
    from hipviz.io.scenes import load_scene, shipped_scenes

    w = fresh
    browser = w.lessons.browser
    shipped = shipped_scenes()
    assert browser.list.count() >= len(shipped)
    assert [browser.entries[i].path for i in range(len(shipped))] == shipped
    titles = [browser.list.item(i).text() for i in range(browser.list.count())]
    for path in shipped:
        assert load_scene(path, postures=w.model.postures).title in titles
    w.show_lessons()
    assert w.panels.docks["lessons"].isVisible()
    row = [str(p) for p in shipped].index(str(shipped[1]))
    browser.list.setCurrentRow(row)
    assert load_scene(shipped[1]).description.split()[0] in browser.description.text()
    qtbot.keyClick(browser.list, Qt.Key_Return)
    assert w.scene_path == str(shipped[1]) and w.player.n_steps > 0
    assert browser.list.item(row).font().bold() and browser.list.item(row).text().startswith("\N{BLACK RIGHT-POINTING SMALL TRIANGLE}")
    assert w.scene_combo.currentData() == str(shipped[1])
    # a lesson of one's own is listed after the shipped ones and marked while loaded
    mine = tmp_path / "my_lesson.toml"
    mine.write_text('title = "My lesson"\ndescription = "Mine."\n[[steps]]\npose = { knee = 20 }\n', encoding="utf-8")
    monkeypatch.setattr(lessons.QFileDialog, "getOpenFileName", lambda *a, **k: (str(mine), ""))
    browser.file_button.click()
    assert w.scene_path == str(mine) and browser.chosen_path() == str(mine)
    assert browser.list.item(browser.list.count() - 1).text().endswith("My lesson")
    assert not browser.list.item(row).font().bold()
    at = browser.list.visualItemRect(browser.list.item(row)).center()
    qtbot.mouseClick(browser.list.viewport(), Qt.LeftButton, pos=at)  # a double-click is press, release, double
    qtbot.mouseDClick(browser.list.viewport(), Qt.LeftButton, pos=at)
    assert w.scene_path == str(shipped[1])
    # a file of the teacher's own that cannot be read: a dialog, the lesson shown stays
    bad = tmp_path / "mine.toml"
    bad.write_text('title = "Mine"\n[[steps]]\npose = { flexion = 10, hip_flexion_r = 20 }\n', encoding="utf-8")
    monkeypatch.setattr(lessons.QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    browser.file_button.click()
    assert dialogs and "both set" in dialogs[-1] and "mine.toml" in dialogs[-1]
    assert w.scene_path == str(shipped[1]) and w.isVisible()
    # a list of values is valid in a file but not one pose for the window: a dialog as well
    bad.write_text('title = "Mine"\n[[steps]]\npose = { flexion = [0, 90] }\n', encoding="utf-8")
    assert not w.load_scene(str(bad)) and "one pose" in dialogs[-1]


def test_refresh_reads_lessons_written_since_the_start(fresh, qapp, monkeypatch, tmp_path):
    from hipviz.app import lesson as lesson_mod
    from hipviz.io.scenes import shipped_scenes

    w = fresh
    extra = tmp_path / "99_new.toml"
    extra.write_text('title = "A new lesson"\ndescription = "Written today."\n[[steps]]\npose = {}\n', encoding="utf-8")
    monkeypatch.setattr(lesson_mod, "shipped_scenes", lambda: [*shipped_scenes(), extra])
    w.lessons.browser.refresh_button.click()
    texts = [w.lessons.browser.list.item(i).text() for i in range(w.lessons.browser.list.count())]
    assert texts[len(shipped_scenes())] == "A new lesson" and w.scene_combo.findData(str(extra)) > 0
    monkeypatch.undo()
    w.lessons.refresh()


def test_a_lessons_colour_does_not_outlive_it(fresh, qapp, qtbot):
    from PySide6.QtCore import Qt

    from hipviz.app.settings import Store
    from test_app import ROOT

    w = fresh
    w.set_colour("effort")
    w.load_scene(str(ROOT / "scenes" / "17_rotation_reversal.toml"))  # colour = "share"
    assert w.view.base_style.colour == "share" and w.colour_mode() == "share"
    qtbot.keyClick(w, Qt.Key_C)  # during the lesson: the lesson's colouring only
    assert w.view.base_style.colour == "effort" and w.prefs.colour == "effort"
    qtbot.keyClick(w, Qt.Key_C)
    assert w.view.base_style.colour == "share"
    w.save_settings()
    assert Store(w.store.q).preferences().colour == "effort"
    w.load_scene(str(ROOT / "scenes" / "04_high_knee_lift.toml"))  # no colour of its own
    assert w.view.base_style.colour == "effort" and w.act_colour["effort"].isChecked()
    w.load_scene(str(ROOT / "scenes" / "17_rotation_reversal.toml"))
    w.load_scene(None)
    assert w.view.base_style.colour == "effort" and w.prefs.colour == "effort"
    assert np.all([w.act_colour["effort"].isChecked(), not w.act_colour["share"].isChecked()])


def test_restored_session_keeps_a_steps_long_names(fresh, qapp, lesson):
    from hipviz.app.settings import Store
    from hipviz.app.window import MainWindow

    w = fresh
    w.load_scene(str(lesson))
    w.save_settings()
    other = MainWindow(w.model, store=Store(w.store.q))
    try:
        assert other.scene_path == str(lesson)
        assert other.vm.request.pose["hip_flexion_l"] == 20 and other.vm.pose["flexion"] == 40
    finally:
        other.close()
        w.load_scene(None)
        w.save_settings()
