"""Scenes (lessons): every shipped scene loads and plays; bad files are refused clearly."""
from __future__ import annotations

import numpy as np
import pytest

import hipviz
from hipviz.io.scenes import SceneError, load_scene, shipped_scenes


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
                assert any(e["role"] == "agonist" for e in d["muscles"]), (path.name, step.caption)


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
    ('[[steps]]\ncompensation = 3\n', "step 1.compensation: expected 0 to 1"),
    ('[[steps]]\nlock_pelvis = "yes"\n', "step 1.lock_pelvis: expected true or false"),
    ('[[steps]]\ncolour = "red"\n', "step 1: unknown field(s) colour"),
    ('[[steps]\n', "not a valid TOML scene"),
])
def test_bad_scene_files_name_the_step_and_field(tmp_path, model, text, message):
    f = tmp_path / "lesson.toml"
    f.write_text(text)
    with pytest.raises(SceneError) as err:
        load_scene(f, postures=model.postures)
    assert message in str(err.value)
