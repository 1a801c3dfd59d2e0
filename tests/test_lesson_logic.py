"""The window's Qt-free logic: the request it sends to evaluate, lesson steps, the glide between
steps, picked-out muscles, the lesson list and the lesson's colouring (no display, no Qt)."""
from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

import hipviz
from hipviz.app import colouring
from hipviz.app.lesson import emphasis, glide_columns, glide_pose, lesson_catalogue, step_request
from hipviz.app.request import SLIDER_KEYS, Request, mirrored, pose_columns, slider_column
from hipviz.core.pose import PoseError
from hipviz.io.scenes import load_scene, shipped_scenes

LONG_NAMES = """
title = "Long names"
description = "Both legs and the trunk by their full names."

[defaults]
side = "right"
posture = "standing"

[[steps]]
caption = "Every spelling"
pose = { hip_flexion_l = 20, knee_flexion_l = 30, lumbar_flexion = 10, pelvis_anterior_tilt = 5, hip_flexion_r = 40, knee_angle_r = 15, pelvis_ty = 0.9 }
contacts = ["feet"]
"""


def _write(tmp_path: Path, text: str, name: str = "lesson.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_logic_modules_do_not_import_qt():
    import subprocess

    code = ("import sys, hipviz.app.request, hipviz.app.lesson, hipviz.app.colouring; "
            "print(','.join(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyvista', 'vtk', 'pyvistaqt')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


def test_a_step_naming_long_names_reaches_evaluate_whole(model, tmp_path):
    step = load_scene(_write(tmp_path, LONG_NAMES), postures=model.postures).steps[0]
    request = step_request(step)
    pose = request.pop("pose")
    assert pose == {"hip_flexion_l": 20.0, "knee_flexion_l": 30.0, "lumbar_flexion": 10.0, "pelvis_anterior_tilt": 5.0,
                    "hip_flexion_r": 40.0, "knee_flexion_r": 15.0, "pelvis_ty": 0.9}
    assert request["contacts"] == ("feet",)
    window = hipviz.evaluate(model, pose, **request)
    cli = hipviz.evaluate(model, step.pose, **step.evaluate_kwargs())  # as `hipviz render --scene` does
    np.testing.assert_allclose(window.poses.q, cli.poses.q, atol=1e-9)
    for name, deg in (("hip_flexion_l", 20), ("knee_flexion_l", 30), ("lumbar_flexion", 10),
                      ("pelvis_anterior_tilt", 5), ("hip_flexion_r", 40)):
        assert float(window.poses.degrees(name)[0]) == pytest.approx(deg)
    assert window.contacts.names == ("foot_r", "foot_l")


def test_slider_overrides_replace_the_steps_own_name(model):
    from hipviz.io.scenes import Step

    step = Step("", {"hip_flexion_r": 40, "knee": 20})
    r = step_request(step, {"flexion": 55, "lumbar_flexion": 5})
    assert r["pose"] == {"hip_flexion_r": 55.0, "knee_flexion_r": 20.0, "lumbar_flexion": 5.0}
    with pytest.raises(PoseError, match="did you mean"):
        step_request(step, {"flexon": 3})


def test_sliders_follow_a_long_name_on_the_moving_side(model):
    r = Request(model.postures)
    r.replace({"hip_flexion_r": 40, "pelvis_tilt": 4, "abduction": 10}, side="right")
    v = r.slider_values()
    assert v["flexion"] == 40 and v["pelvis_anterior_tilt"] == -4 and v["adduction"] == -10
    r.replace({"hip_flexion_r": 40}, side="left")  # the other leg: carried, not on the sliders
    assert r.slider_values()["flexion"] == 0 and r.evaluate_args()[0] == {"hip_flexion_r": 40.0}
    assert r.set_slider("flexion", 25) and r.pose == {"hip_flexion_r": 40.0, "hip_flexion_l": 25.0}
    assert not r.set_slider("flexion", 25)


def test_posture_starting_angles_apply_to_both_legs_as_in_the_cli(model):
    import argparse

    from hipviz.cli._args import activation_kwargs, add_activation_flags, add_pose_flags, pose_from_args

    r = Request(model.postures)
    r.replace({}, posture="tall_kneeling", side="left")
    assert r.slider_values()["knee"] == 90.0
    pose, kwargs = r.evaluate_args()
    assert pose == {}  # no explicit zeros: the posture's angles apply
    window = hipviz.evaluate(model, pose, **kwargs)
    p = argparse.ArgumentParser()
    add_pose_flags(p)
    add_activation_flags(p)
    args = p.parse_args(["--posture", "tall_kneeling", "--side", "left"])
    cli = hipviz.evaluate(model, pose_from_args(args), side=args.side, posture=args.posture,
                          **{k: v for k, v in activation_kwargs(args).items() if k != "movement"}, movement="flexion")
    # the kneeling posture's 90 degrees (the body placed on its shins may settle it by a few)
    assert window.to_dict(paths=False)["knee"]["flexion"] == pytest.approx(90, abs=5)
    np.testing.assert_allclose(window.poses.q, cli.poses.q, atol=1e-9)


def test_changing_posture_shows_its_angles_and_changing_side_moves_the_leg(model):
    r = Request(model.postures)
    r.set_slider("flexion", 30)
    r.set_option("contacts", ["feet"])
    assert r.set_option("posture", "half_kneeling")
    assert r.pose == {} and r.options["contacts"] is None
    assert r.slider_values()["flexion"] == 90 and r.slider_values()["knee"] == 90
    r.set_option("posture", "standing")
    r.set_slider("knee", 45)
    r.set_option("contacts", ["foot_l", "hands"])
    r.set_option("side", "left")
    assert r.pose == {"knee_flexion_l": 45.0} and r.slider_values()["knee"] == 45
    assert r.options["contacts"] == ("foot_r", "hands")
    assert mirrored({"hip_flexion_r": 1.0, "pelvis_rotation": 2.0}) == {"hip_flexion_l": 1.0, "pelvis_rotation": 2.0}


def test_request_validates_and_round_trips(model):
    r = Request(model.postures)
    with pytest.raises(PoseError, match="both set"):
        r.replace({"flexion": 10, "hip_flexion_r": 20})
    with pytest.raises(PoseError, match="one pose"):
        r.replace({"flexion": [0, 90]})
    with pytest.raises(ValueError, match="posture"):
        r.replace({}, posture="handstand")
    assert r.pose == {} and r.options["posture"] == "standing"  # nothing changed
    r.replace({"hip_flexion_l": 12, "lumbar_extension": 4}, posture="supine", contacts=["back", "heel_l"],
              movement="flexion+abduction")
    other = Request(model.postures)
    other.from_dict(r.to_dict())
    assert other.pose == r.pose == {"hip_flexion_l": 12.0, "lumbar_flexion": -4.0}
    assert other.options == r.options and other.options["contacts"] == ("back", "heel_l")
    # malformed or unknown entries are skipped one by one
    other.from_dict({"format": 2, "pose": {"flexion": "x", "nope": 3, "knee": 20},
                     "options": {"posture": "moon", "movement": "sideways", "contacts": ["wings"], "side": "left"}})
    assert other.pose == {"knee_flexion_l": 20.0} and other.options["posture"] == "supine"
    assert other.options["movement"] == "flexion+abduction" and other.options["side"] == "left"


def test_requests_saved_by_older_windows_lose_their_untouched_zeros(model):
    r = Request(model.postures)
    r.from_dict({"pose": {k: 0.0 for k in SLIDER_KEYS} | {"flexion": 33.0},
                 "options": {"posture": "tall_kneeling", "side": "left"}})
    assert r.pose == {"hip_flexion_l": 33.0}
    assert r.slider_values()["knee"] == 90


def test_slider_columns():
    assert slider_column("flexion", "left") == "hip_flexion_l"
    assert slider_column("pelvis_obliquity", "right") == "pelvis_obliquity"
    with pytest.raises(KeyError):
        slider_column("ankle", "right")
    assert pose_columns({"knee_angle_l": 10, "subtalar_angle_r": 3}, "right") == {"knee_flexion_l": 10.0,
                                                                                  "subtalar_angle_r": 3.0}


def test_glide_covers_both_postures_and_ends_on_the_step(model):
    tk, hk = model.postures["tall_kneeling"], model.postures["half_kneeling"]
    cols = glide_columns({}, {}, (tk, hk))
    assert {"hip_flexion_r", "knee_flexion_r", "hip_flexion_l"} <= set(cols)
    start = {"hip_flexion_r": 0.0, "knee_flexion_r": 90.0}
    end = {"hip_flexion_r": 90.0, "knee_flexion_r": 90.0}
    assert glide_pose(start, end, 0.5) == {"hip_flexion_r": 45.0, "knee_flexion_r": 90.0}
    assert glide_pose(start, end, 2.0) == end
    assert glide_pose({"a": 1.0}, {"b": 2.0}, 0.5) == {"a": 1.0, "b": 2.0}


def test_emphasis_selection_first_one_or_several_highlighted_the_rest_faded_not_hidden():
    drawn = {"iliopsoas", "rectus_femoris", "sartorius"}
    assert emphasis(None, (), "right", drawn) == (None, None)
    assert emphasis(None, ["iliopsoas"], "left", drawn) == (("l", "iliopsoas"), None)
    assert emphasis(None, ["iliopsoas", "rectus_femoris"], "right", drawn) == (("r", ("iliopsoas", "rectus_femoris")), None)
    assert emphasis(("r", "sartorius"), ["iliopsoas", "rectus_femoris"], "right", drawn) == (("r", "sartorius"), None)
    assert emphasis(None, ["iliopsoas", "rectus_femoris"], "right", drawn, solo="sartorius") == (None, None)
    assert emphasis(None, ["erector_spinae"], "right", drawn) == (None, None)  # not drawn: listed only


def test_catalogue_lists_shipped_lessons_and_says_what_is_wrong(model, tmp_path):
    entries = lesson_catalogue(postures=model.postures)
    assert [e.path for e in entries] == shipped_scenes() and len(entries) >= 5
    for e in entries:
        if e.error is None:
            scene = load_scene(e.path, postures=model.postures)
            assert e.title == scene.title and e.n_steps == len(scene.steps) and e.description
    bad = _write(tmp_path, 'title = "x"\n[[steps]]\npose = { flexon = 3 }\n', "broken.toml")
    (entry,) = lesson_catalogue([bad], postures=model.postures)
    assert entry.error and "flexon" in entry.error and "did you mean" in entry.error


def test_a_lessons_colouring_wins_only_while_it_is_loaded():
    prefs = SimpleNamespace(colour="effort", fixed_scale=False, fixed_scale_percent=100.0)
    lesson = SimpleNamespace(colour="share")
    assert colouring.shown_mode(prefs, lesson) == "share"
    assert colouring.shown_mode(prefs, lesson, "effort") == "effort"
    assert colouring.shown_mode(prefs, None, "share") == "effort"  # an override ends with the lesson
    assert colouring.shown_mode(prefs, SimpleNamespace(colour=None)) == "effort"
    assert prefs.colour == "effort"
    assert colouring.lesson_owns_colour(lesson) and not colouring.lesson_owns_colour(None)
