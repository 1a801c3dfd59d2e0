"""Scenes (lessons): every shipped scene loads and plays; bad files are refused clearly."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import hipviz
from hipviz.io.scenes import SceneError, load_scene, shipped_scenes

ROOT = Path(__file__).resolve().parents[1]


def test_shipped_scenes_load_and_every_step_evaluates(model):
    paths = shipped_scenes()
    assert len(paths) >= 3
    for path in paths:
        scene = load_scene(path, postures=model.postures)
        assert scene.title and scene.steps
        for step in scene.steps:
            st = hipviz.evaluate(model, step.pose, **step.evaluate_kwargs())
            d = st.to_dict(paths=False)
            assert np.isfinite(d["asis_difference_cm"])
            if step.movement and step.movement != "hold":
                # some muscle drives the movement, or (lowering against gravity) brakes it
                assert any(e["role"] in ("agonist", "antagonist") for e in d["muscles"]), (path.name, step.caption)


def test_knee_lift_scene_shows_the_pelvis_taking_over(model):
    scene = load_scene([p for p in shipped_scenes() if "knee_lift" in p.name][0])
    locked, free = scene.steps[2], scene.steps[3]
    a = hipviz.evaluate(model, locked.pose, **locked.evaluate_kwargs()).to_dict(paths=False)
    b = hipviz.evaluate(model, free.pose, **free.evaluate_kwargs()).to_dict(paths=False)
    assert a["pelvis_moved_deg"] == pytest.approx(0) and a["warnings"]
    assert b["pelvis_moved_deg"] > 10 and b["thigh"]["flexion"] > a["thigh"]["flexion"]


@pytest.mark.parametrize("text,message", [
    ('title = "x"\n', "at least one [[steps]]"),
    ('[[steps]]\npose = { flex = 10 }\n', "step 1.pose: unknown pose coordinate 'flex'"),
    ('[[steps]]\npose = { flexion = 10 }\n[[steps]]\nposture = "sitting"\n', "step 2.posture: expected one of"),
    ('[[steps]]\nmovement = "jump"\n', "step 1.movement: unknown movement 'jump'"),
    ('[[steps]]\ncompensation = 3\n', "step 1.compensation: expected a number between 0 and 1"),
    ('[[steps]]\nlock_pelvis = "yes"\n', "step 1.lock_pelvis: expected true or false"),
    ('[[steps]]\nnotes2 = "x"\n', "step 1: unknown field 'notes2' (did you mean 'notes'?)"),
    ('[[steps]]\ncolour = "share"\n', "step 1.colour: one colouring for the whole lesson"),
    ('colour = "red"\n[[steps]]\n', "lesson.toml: colour: expected one of 'effort', 'share', found 'red'"),
    ('[defaults]\ncolour_scale = 0\n[[steps]]\n', "lesson.toml: [defaults].colour_scale: expected a percentage"),
    ('colour_scale = "half"\n[[steps]]\n', "lesson.toml: colour_scale: expected a percentage"),
    ('[[steps]\n', "not a valid TOML scene"),
])
def test_bad_scene_files_name_the_step_and_field(tmp_path, model, text, message):
    f = tmp_path / "lesson.toml"
    f.write_text(text)
    with pytest.raises(SceneError) as err:
        load_scene(f, postures=model.postures)
    assert message in str(err.value)


def test_colour_keys_are_read_from_the_top_or_defaults(tmp_path, model):
    f = tmp_path / "lesson.toml"
    f.write_text('colour = "share"\n[defaults]\ncolour_scale = 20\nmovement = "flexion"\n[[steps]]\npose = { flexion = 10 }\n')
    scene = load_scene(f, postures=model.postures)
    assert scene.colour == "share" and scene.scale_percent == 20.0
    assert scene.colour_scale(model) == pytest.approx(0.2)
    f.write_text('[[steps]]\npose = { flexion = 10 }\n')
    plain = load_scene(f)
    assert plain.colour is None and plain.scale_percent is None


def test_a_lesson_has_one_colour_scale_for_all_its_steps(model):
    from hipviz.io.scenes import nice_scale

    import dataclasses

    # the shipped lessons fix their scale (colour_scale); drop it to check the computed one
    scene = dataclasses.replace(load_scene(ROOT / "scenes" / "18_hip_circles.toml", postures=model.postures),
                                scale_percent=None)
    assert scene.colour == "share"
    peaks = []
    for step in scene.steps:
        st = hipviz.evaluate(model, step.pose, with_paths=False, **step.evaluate_kwargs())
        peaks.append(max(float(np.max(ms.share)) for ms in [*st.muscles.values(), *st.trunk.values()]))
    scale = scene.colour_scale(model)
    assert scale == nice_scale(max(peaks)) and scale in (0.05, 0.1, 0.2, 0.25, 0.5, 1.0)
    assert all(p <= scale + 1e-9 for p in peaks)  # every step on the same scale, none beyond it
    assert scene.colour_scale(model, "effort") == nice_scale(scene.peak(model, "effort"))
    assert scene.colour_scale(model) is scene.colour_scale(model)  # computed once


def test_shipped_lessons_set_their_colouring(model):
    pir = load_scene(ROOT / "scenes" / "17_rotation_reversal.toml")
    assert pir.colour == "share" and pir.colour_scale(model) == pytest.approx(0.5)


def test_an_auto_step_moves_from_the_step_before_it_both_legs_get_their_roles(tmp_path, model):
    f = tmp_path / "squat.toml"
    f.write_text('title = "squat"\n[defaults]\ncontacts = ["feet"]\n'
                 '[[steps]]\npose = { hip_flexion_r = 0, hip_flexion_l = 0, knee_flexion_r = 0, knee_flexion_l = 0 }\n'
                 'movement = "hold"\n'
                 '[[steps]]\npose = { hip_flexion_r = 80, hip_flexion_l = 80, knee_flexion_r = 90, knee_flexion_l = 90 }\n'
                 'movement = "auto"\n')
    scene = load_scene(f, postures=model.postures)
    state, j = scene.step_state(model, 1, with_paths=False)
    assert j == 1 and state.n == 2
    d = state.to_dict(j)
    assert d["hip"]["flexion"] == pytest.approx(80)
    roles = {(m["side"], m["bundle"]): m["role"] for m in d["muscles"] if m["muscle"] == "gluteus_maximus"}
    assert roles[("right", "middle")] == roles[("left", "middle")] == "antagonist"   # both brake the descent
    alone, j0 = scene.step_state(model, 0, with_paths=False)
    assert j0 == 0 and alone.n == 1
