"""A lesson played as a movement: smooth, through every key pose, circles as circles."""
import numpy as np
import pytest

import hipviz
from hipviz.io.scenes import load_scene
from hipviz.io.timeline import catmull_rom, lesson_timeline


def _write(tmp_path, steps: str, defaults: str = "") -> object:
    f = tmp_path / "lesson.toml"
    f.write_text(f'title = "t"\n[defaults]\n{defaults}\n{steps}')
    return load_scene(f)


def test_the_spline_passes_through_every_key_and_draws_a_circle_as_a_circle():
    a = np.linspace(0, 2 * np.pi, 13)
    ring = np.column_stack([30 * np.cos(a), 30 * np.sin(a)])
    t = np.linspace(0, 12, 241)
    curve = catmull_rom(ring, t)
    np.testing.assert_allclose(curve[::20], ring, atol=1e-9)               # through the keys
    radius = np.hypot(curve[:, 0], curve[:, 1])
    assert radius.min() > 29.7 and radius.max() < 30.3                      # a circle, not a polygon
    linear_mid = 30 * np.cos(np.pi / 12)                                    # a 12-gon's edge midpoint
    assert radius.min() > linear_mid + 0.5


def test_a_lesson_plays_through_each_step_at_its_duration(tmp_path):
    scene = _write(tmp_path, """
[[steps]]
pose = { flexion = 0 }
[[steps]]
pose = { flexion = 90 }
duration_s = 2.0
[[steps]]
pose = { flexion = 45, knee = 60 }
duration_s = 1.0
""")
    tl = lesson_timeline(scene, fps=10)
    assert tl.n_frames == 1 + 20 + 10
    assert tl.keys == [0, 20, 30]
    fl = tl.poses[0]["hip_flexion_r"]
    assert fl[tl.keys[1]] == pytest.approx(90) and fl[-1] == pytest.approx(45)
    # a coordinate the first steps do not name takes the value it is first given
    assert tl.poses[0]["knee_flexion_r"][0] == pytest.approx(60)
    assert np.all(np.diff(fl[:21]) >= -1e-9)                                 # no overshoot back


def test_a_new_posture_is_a_cut_not_a_glide(tmp_path):
    scene = _write(tmp_path, """
[[steps]]
pose = { flexion = 30 }
[[steps]]
posture = "supine"
pose = { flexion = 30 }
duration_s = 1.0
""")
    tl = lesson_timeline(scene, fps=10)
    assert len(tl.runs) == 2 and tl.runs[1] == (1, 11)
    pose, kw = tl.frame_pose(5)
    assert kw["posture"] == "supine" and pose["hip_flexion_r"] == pytest.approx(30)


def test_every_frame_of_a_shipped_lesson_evaluates(tmp_path):
    model = hipviz.load_model()
    from hipviz.io.scenes import shipped_scenes
    scene = load_scene(shipped_scenes()[0], postures=model.postures)
    tl = lesson_timeline(scene, fps=8)
    seen = 0
    for frames, pose, kw in tl.batches():
        st = hipviz.evaluate(model, pose, with_paths=False, **kw)
        assert st.n == frames.size
        seen += frames.size
    assert seen == tl.n_frames
