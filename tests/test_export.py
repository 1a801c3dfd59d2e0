"""Movies, contact sheets, CSV, GLB and plots of lessons and recorded motions, headless.

Small pictures and few frames per second keep this quick: every shipped lesson becomes a
160 x 100 GIF at 2 frames a second; one MP4 is read back frame by frame.
"""
from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import offscreen_render_problem
import hipviz
from hipviz.cli import main
from hipviz.io.frames import LessonFrames, MotionFrames, frame_source
from hipviz.io.motion import read_motion
from hipviz.io.scenes import load_scene, shipped_scenes

pv = pytest.importorskip("pyvista", reason="pyvista is not installed")

DATA = Path(__file__).resolve().parent / "data"
GAIT = DATA / "walk_gait2392.mot"
LESSONS = shipped_scenes()


_REASON = offscreen_render_problem()
needs_gl = pytest.mark.skipif(_REASON is not None, reason=_REASON or "")


@pytest.fixture(scope="module")
def model():
    return hipviz.load_model()


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _gif_frames(path: Path):
    """(frames as RGB arrays, total duration in ms) of an animated GIF."""
    from PIL import Image, ImageSequence

    with Image.open(path) as im:
        frames, total = [], 0
        for f in ImageSequence.Iterator(im):
            total += f.info.get("duration", 0)
            frames.append(np.asarray(f.convert("RGB")))
    return frames, total


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# -- movies ------------------------------------------------------------------------------
@needs_gl
@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_every_shipped_lesson_renders_to_a_gif(model, tmp_path, path):
    src = LessonFrames(load_scene(path, postures=model.postures), fps=2)
    from hipviz.render.movie import write_movie

    out = write_movie(model, src, tmp_path / f"{path.stem}.gif", size=(160, 100), fps=2)
    frames, total_ms = _gif_frames(out)
    assert frames[0].shape == (100, 160, 3)
    # Pillow merges frames that did not change into one longer frame: the time adds up
    assert total_ms == pytest.approx(src.n_frames * 500, abs=10 * len(frames))
    assert len(frames) >= 2 and any(np.abs(frames[0].astype(int) - f).sum() > 0 for f in frames[1:]), \
        "the body never moves"
    assert _leftovers(tmp_path) == []


@needs_gl
def test_a_motion_movie_has_every_frame(model, tmp_path, capsys):
    import imageio.v2 as iio

    out = tmp_path / "walk.mp4"
    code, text, err = run(capsys, "render", str(GAIT), "-o", str(out), "--size", "321x180", "--fps", "10")
    assert code == 0, err
    assert "23 frames at 10 fps, 320x180" in text  # 2.2 s at 10 fps; an even width for H.264
    assert "knee_angle_r and knee_angle_l are mostly negative" in err and err.count("mostly negative") == 1
    reader = iio.get_reader(str(out))
    try:
        meta = reader.get_meta_data()
        frames = [f for f in reader]
    finally:
        reader.close()
    assert len(frames) == 23 and meta["fps"] == pytest.approx(10) and frames[0].shape == (180, 320, 3)
    # the walk moves: frames differ, and the camera follows (the body stays in the picture)
    diff = [np.abs(frames[k].astype(int) - frames[k + 1]).mean() for k in range(len(frames) - 1)]
    assert min(diff) > 0.05
    body = [(f.astype(int).sum(axis=2) < 600).mean() for f in frames]  # dark-ish pixels: bones and muscles
    assert min(body) > 0.3 * max(body)


@needs_gl
def test_a_lesson_movie_uses_the_step_views_and_one_colour_scale(model, monkeypatch):
    from hipviz.render import movie

    scene = load_scene(LESSONS[0], postures=model.postures)
    src = LessonFrames(scene, fps=2)
    views, scales = [], set()
    real_set_view = movie._FilmScene.set_view

    def spy(self, name):
        views.append(name)
        scales.add(self.style.activation_scale)
        return real_set_view(self, name)

    monkeypatch.setattr(movie._FilmScene, "set_view", spy)
    frames = list(movie.movie_frames(model, src, size=(160, 100), view="front"))
    assert len(frames) == src.n_frames
    expected = [v for v in dict.fromkeys(s.view for s in scene.steps) if v]
    assert set(expected) <= set(views)
    assert len(scales) == 1 and scales.pop() == pytest.approx(scene.colour_scale(model, scene.colour or "effort"))


@needs_gl
def test_a_contact_sheet_has_a_picture_per_step(model, tmp_path, capsys):
    from PIL import Image

    lesson = LESSONS[0]
    n = len(load_scene(lesson).steps)
    out = tmp_path / "sheet.png"
    code, text, err = run(capsys, "render", str(lesson), "-o", str(out), "--size", "900x500", "--columns", str(n))
    assert code == 0, err
    img = np.asarray(Image.open(out).convert("RGB")).astype(int)
    assert img.shape == (500, 900, 3)
    header = max(44, round(500 * 0.075), round(900 * 0.022))
    tile_w = 900 // n
    for k in range(n):  # every picture has a body drawn in it
        tile = img[header:, k * tile_w:(k + 1) * tile_w]
        assert (tile.sum(axis=2) < 500).mean() > 0.01, f"picture {k + 1} is empty"
    assert (img[:header].sum(axis=2) < 300).mean() > 0.001  # the title and the colour key


@needs_gl
def test_a_motion_contact_sheet(model, tmp_path, capsys):
    out = tmp_path / "walk.png"
    code, _, err = run(capsys, "render", str(GAIT), "-o", str(out), "--size", "800x300", "--frames", "4")
    assert code == 0, err and out.stat().st_size > 10_000


# -- files are safe ------------------------------------------------------------------------
@needs_gl
def test_existing_files_are_kept_and_failed_exports_leave_nothing(model, tmp_path, capsys, monkeypatch):
    out = tmp_path / "walk.gif"
    out.write_bytes(b"old")
    code, _, err = run(capsys, "render", str(GAIT), "-o", str(out), "--size", "160x100", "--fps", "2")
    assert code == 2 and "already exists" in err and out.read_bytes() == b"old"
    from hipviz.render import movie

    real = movie.movie_frames

    def broken(*args, **kw):
        for k, frame in enumerate(real(*args, **kw)):
            if k == 3:
                raise KeyboardInterrupt("Ctrl-C in the middle of a movie")
            yield frame

    monkeypatch.setattr(movie, "movie_frames", broken)
    for name in ("walk.gif", "new.mp4"):
        code, _, _ = run(capsys, "render", str(GAIT), "-o", str(tmp_path / name), "--size", "160x100", "--fps", "4",
                         "--overwrite")
        assert code == 130
    assert out.read_bytes() == b"old" and not (tmp_path / "new.mp4").exists()
    assert _leftovers(tmp_path) == []
    monkeypatch.setattr(movie, "movie_frames", real)
    code, _, err = run(capsys, "render", str(GAIT), "-o", str(out), "--size", "160x100", "--fps", "2", "--overwrite")
    assert code == 0, err and out.read_bytes()[:3] == b"GIF"


def test_render_refuses_what_cannot_be_a_movie(tmp_path, capsys):
    code, _, err = run(capsys, "render", "-o", str(tmp_path / "x.mp4"))
    assert code == 2 and "a movie needs a lesson or a motion" in err
    code, _, err = run(capsys, "render", str(GAIT), "--flexion", "30", "-o", str(tmp_path / "x.mp4"))
    assert code == 2 and "leave out the pose flags" in err
    code, _, err = run(capsys, "render", str(DATA / "broken_ragged.mot"), "-o", str(tmp_path / "x.gif"))
    assert code == 2 and "broken_ragged.mot line 10" in err and len(err.strip().splitlines()) == 1
    code, _, err = run(capsys, "render", str(GAIT), "-o", str(tmp_path / "x.avi"))
    assert code == 2 and ".mp4 or .gif or .png" in err
    code, _, err = run(capsys, "render", str(GAIT), "-o", str(tmp_path / "x.gif"), "--fps", "0")
    assert code == 2 and "--fps" in err
    assert list(tmp_path.iterdir()) == []


def test_the_progress_bar_is_drawn_only_on_a_terminal():
    import io

    from hipviz.cli.media import Progress

    class Tty(io.StringIO):
        def isatty(self):
            return True

    quiet, tty = io.StringIO(), Tty()
    for stream in (quiet, tty):
        bar = Progress("rendering x.mp4", stream=stream)
        for k in range(1, 6):
            bar(k, 5)
        bar.close()
    assert quiet.getvalue() == ""
    assert "rendering x.mp4 [" in tty.getvalue() and "5/5 frames" in tty.getvalue() and tty.getvalue().endswith("\n")


# -- data ----------------------------------------------------------------------------------
def test_a_motion_to_csv(model, tmp_path, capsys):
    out = tmp_path / "walk.csv"
    code, text, err = run(capsys, "export", str(GAIT), "--csv", str(out))
    assert code == 0, err
    with open(out, newline="") as fh:
        rows = list(csv.DictReader(fh))
    m = read_motion(GAIT)
    n_bundles = 2 * len(hipviz.evaluate(model, {}, with_paths=False).muscles["r"].muscle_ids)
    assert len(rows) == m.n_frames * n_bundles and f"{m.n_frames} frames x {n_bundles} bundles" in text
    first = rows[0]
    assert list(first)[:8] == ["time", "frame", "pelvis_tilt", "pelvis_list", "pelvis_rotation", "pelvis_tx",
                               "pelvis_ty", "pelvis_tz"]
    assert {"asis_height_r_m", "asis_height_l_m", "muscle", "bundle", "side", "length_cm", "flexion_cm",
            "adduction_cm", "rotation_cm", "knee_cm", "activation", "share", "role"} <= set(first)
    per_frame = rows[::n_bundles]
    t = np.array([float(r["time"]) for r in per_frame])
    np.testing.assert_allclose(np.diff(t), 0.01, atol=1e-4)
    # coordinates under OpenSim's names and (Rajagopal's) signs: + knee flexion, - anterior tilt
    np.testing.assert_allclose([float(r["hip_flexion_r"]) for r in per_frame], m.values["hip_flexion_r"], atol=2e-3)
    np.testing.assert_allclose([float(r["knee_angle_l"]) for r in per_frame], m.values["knee_flexion_l"], atol=2e-3)
    np.testing.assert_allclose([float(r["pelvis_tilt"]) for r in per_frame], -m.values["pelvis_anterior_tilt"],
                               atol=2e-3)
    ty = np.array([float(r["pelvis_ty"]) for r in per_frame])
    assert 0.8 < ty.min() and ty.max() < 0.95  # placed on the feet, not the file's 0.92-0.96
    sides = {r["side"] for r in rows[:n_bundles]}
    assert sides == {"right", "left"}
    act = np.array([float(r["activation"]) for r in rows])
    assert 0 <= act.min() and act.max() <= 1 and act.max() > 0.2
    assert {r["role"] for r in rows} <= {"agonist", "antagonist", "stabiliser", "inactive"}
    med = [r for r in rows if r["muscle"] == "gluteus_medius" and r["side"] == "right" and r["frame"] == "30"]
    assert med and float(med[0]["activation"]) > 0.1  # mid right stance


def test_a_lesson_to_csv_with_a_step_without_movement(model, tmp_path, capsys):
    lesson = tmp_path / "l.toml"
    lesson.write_text('title = "t"\n[[steps]]\npose = { flexion = 0 }\n[[steps]]\npose = { flexion = 60 }\n'
                      'duration_s = 0.5\nmovement = "flexion"\n')
    out = tmp_path / "l.csv"
    code, _, err = run(capsys, "export", str(lesson), "--csv", str(out), "--fps", "10")
    assert code == 0, err
    with open(out, newline="") as fh:
        rows = list(csv.DictReader(fh))
    frames = sorted({int(r["frame"]) for r in rows})
    assert frames == list(range(6))
    first = [r for r in rows if r["frame"] == "0"]
    last = [r for r in rows if r["frame"] == "5"]
    assert all(r["activation"] == "" and r["role"] == "" for r in first)  # no movement in step 1
    assert any(float(r["activation"]) > 0.05 for r in last)
    assert float(last[0]["hip_flexion_r"]) == pytest.approx(60, abs=0.01)


def test_csv_formatting_is_one_block_at_a_time(model, monkeypatch, tmp_path):
    """No per-value Python formatting: the rows of a chunk come from one %-format of the block."""
    from hipviz.io import export_csv

    src = MotionFrames(read_motion(GAIT), model)
    calls = []
    real = export_csv._format_block
    monkeypatch.setattr(export_csv, "_format_block", lambda *a: calls.append(1) or real(*a))
    chunks = list(src.chunks(model, with_paths=False))
    export_csv.write_frames_csv(chunks, tmp_path / "x.csv", time_s=src.time_s)
    assert 0 < len(calls) == len(chunks) < src.n_frames / 20


def test_glb_of_one_frame(model, tmp_path, capsys):
    import trimesh

    out = tmp_path / "frame.glb"
    code, text, err = run(capsys, "export", str(GAIT), "--glb", str(out), "--frame", "30")
    assert code == 0, err and "frame 30, 0.30 s" in text
    scene = trimesh.load(out)
    names = set(scene.geometry)
    assert {"bone_pelvis", "bone_femur_r", "bone_foot_l"} <= names
    muscles = [n for n in names if n.startswith("muscle_")]
    assert len(muscles) >= 60
    colour = {n: tuple(scene.geometry[n].visual.material.baseColorFactor[:3]) for n in muscles}
    assert len(set(colour.values())) > 5  # coloured by effort, not all one grey
    # posed in the room: the right foot (standing at 0.30 s) is on the floor
    assert scene.geometry["bone_foot_r"].bounds[0][1] == pytest.approx(0.0, abs=0.03)
    code, _, err = run(capsys, "export", str(GAIT), "--glb", str(tmp_path / "x.glb"), "--frame", "999")
    assert code == 2 and "--frame: expected 0 to 220" in err


def test_plot_of_angles_and_effort(model, tmp_path, capsys):
    from PIL import Image

    out = tmp_path / "plot.png"
    code, _, err = run(capsys, "export", str(GAIT), "--plot", str(out), "--muscles", "gluteus_medius,iliopsoas")
    assert code == 0, err
    assert Image.open(out).size == (1600, 1000)
    code, _, err = run(capsys, "export", str(GAIT), "--plot", str(tmp_path / "p.png"), "--muscles", "glutes")
    assert code == 2 and "unknown muscle 'glutes'" in err
    code, _, err = run(capsys, "export", str(GAIT))
    assert code == 2 and "nothing to export" in err


def test_the_plot_series_of_a_walk(model):
    from hipviz.io.time_plot import collect_series, most_active

    s = collect_series(model, MotionFrames(read_motion(GAIT), model))
    assert most_active(s, 1) == ["gluteus_medius"]
    assert s.hip["r"].shape == (221, 3) and np.isfinite(s.hip["l"]).all()
    np.testing.assert_allclose(s.hip["r"][:, 0], read_motion(GAIT).values["hip_flexion_r"], atol=1e-6)
    assert set(s.stance) == {"r", "l"}


def test_frame_source_tells_lessons_from_motions(model, tmp_path):
    assert isinstance(frame_source(LESSONS[0], model), LessonFrames)
    assert isinstance(frame_source(DATA / "walk.csv", model, fps=20), MotionFrames)
    (tmp_path / "x.txt").write_text("x")
    with pytest.raises(ValueError, match="expected a lesson"):
        frame_source(tmp_path / "x.txt", model)
