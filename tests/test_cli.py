"""The headless command line: JSON and CSV outputs, pose files and their errors."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from hipviz.cli import main

BONES = os.environ.get("HIPVIZ_TEST_BONES")
EXTRA = ["--bones", BONES] if BONES else []


def run(capsys, *argv):
    code = main(list(argv) + EXTRA)
    out, err = capsys.readouterr()
    return code, out, err


def test_pose_json_has_the_documented_fields(capsys):
    code, out, _ = run(capsys, "pose", "--flexion", "90", "--knee", "45", "--json")
    assert code == 0
    d = json.loads(out)
    assert d["hip"] == {"flexion": 90.0, "adduction": 0.0, "rotation": 0.0}
    assert set(d["pelvis"]) == {"tilt", "obliquity", "rotation"}
    assert d["thigh"]["flexion"] == pytest.approx(90)
    for name in ("asis_r", "asis_l", "psis_r", "hip_center_r", "greater_trochanter_r", "knee_center_l", "ankle_center_r"):
        assert len(d["landmarks"][name]) == 3
    assert d["warnings"] == []
    m = d["muscles"][0]
    assert {"muscle", "bundle", "length_cm", "moment_arms_cm", "path"} <= set(m)
    assert set(m["moment_arms_cm"]) >= {"flexion", "adduction", "rotation"}
    assert len({(e["muscle"], e["bundle"]) for e in d["muscles"]}) == 30


def test_the_room_floor_is_y_0_and_the_body_stands_on_it(capsys):
    _, out, _ = run(capsys, "pose", "--json")
    d = json.loads(out)
    lm = d["landmarks"]
    mid = [(a + b) / 2 for a, b in zip(lm["hip_center_r"], lm["hip_center_l"])]
    assert 0.85 < mid[1] < 0.95                           # hip centres ~0.9 m above the floor
    assert d["floor_height_m"] == 0.0 and d["contacts"] == ["left foot"]
    assert lm["asis_r"][0] > lm["hip_center_r"][0] and lm["asis_r"][1] > lm["hip_center_r"][1]  # ASIS in front of and above the hip
    assert lm["asis_r"][2] > 0 > lm["asis_l"][2]                            # z to the right


def test_pose_clamps_and_warns(capsys):
    code, out, _ = run(capsys, "pose", "--flexion", "170", "--json")
    d = json.loads(out)
    assert code == 0 and d["hip"]["flexion"] < 170 and "hip_flexion_r" in d["warnings"][0]


def test_moment_arms_csv_columns(capsys):
    code, out, _ = run(capsys, "moment-arms", "--flexion", "30", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 30
    assert list(rows[0]) == ["muscle", "bundle", "max_force_n", "flexion_cm", "adduction_cm", "rotation_cm", "length_cm"]
    il = [r for r in rows if r["muscle"] == "iliopsoas"]
    assert all(float(r["flexion_cm"]) > 0 for r in il)


def test_moment_arms_from_a_pose_file_in_one_pass(tmp_path, capsys):
    f = tmp_path / "poses.csv"
    f.write_text("flexion,adduction,rotation,knee\n0,0,0,0\n90,0,0,0\n45,-10,5,30\n")
    code, out, _ = run(capsys, "moment-arms", "--poses", str(f), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 90 and list(rows[0])[0] == "pose"
    pir = {int(r["pose"]): float(r["rotation_cm"]) for r in rows if r["muscle"] == "piriformis"}
    assert pir[0] < 0 < pir[1]  # the piriformis reversal, from a file


@pytest.mark.parametrize("content,message", [
    ("", "empty"),
    ("flexion,abduktion\n1,2\n", "line 1, column 2: unknown pose coordinate 'abduktion'; did you mean 'abduction'"),
    ("flexion,adduction\n1,2\n3\n", "line 3: expected 2 values"),
    ("flexion,adduction,rotation,knee\n0,0,0,0\n10,x,0,0\n", "line 3, column 2 (adduction): expected a number"),
    ("flexion\nnan\n", "line 2, column 1 (flexion): expected a finite number"),
    ("flexion,flexion\n1,2\n", "appears twice"),
    ("flexion\n", "no poses"),
])
def test_malformed_pose_files_name_line_and_column(tmp_path, capsys, content, message):
    f = tmp_path / "bad.csv"
    f.write_text(content)
    code, out, err = run(capsys, "moment-arms", "--poses", str(f))
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err


def test_missing_pose_file(capsys):
    code, _, err = run(capsys, "moment-arms", "--poses", "/nonexistent/poses.csv")
    assert code == 2 and "file not found" in err


def test_unknown_posture_is_a_clear_error(capsys):
    code, _, err = run(capsys, "pose", "--posture", "sitting", "--json")
    assert code == 2 and "unknown posture 'sitting'" in err


def test_console_script_help_is_fast_and_works():
    out = subprocess.run([sys.executable, "-m", "hipviz", "pose", "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "--flexion" in out.stdout


def _can_render() -> bool:
    try:
        import pyvista  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.skipif(not _can_render(), reason="pyvista is not installed")
def test_render_colours_by_share_on_a_fixed_scale(tmp_path, capsys, monkeypatch):
    import hipviz.render

    seen = []
    real = hipviz.render.render_png

    def spy(state, path, **kw):
        seen.append(kw["style"])
        return real(state, path, **kw)

    monkeypatch.setattr(hipviz.render, "render_png", spy)
    out = tmp_path / "share.png"
    code, text, err = run(capsys, "render", "--flexion", "90", "--movement", "internal_rotation", "--posture", "supine",
                          "--colour", "share", "--scale", "50", "--size", "320x200", "-o", str(out))
    assert code == 0, err
    assert out.stat().st_size > 1000 and "wrote" in text
    assert seen[-1].colour == "share" and seen[-1].activation_scale == pytest.approx(0.5)
    code, _, err = run(capsys, "render", "--movement", "flexion", "--fixed-scale", "--size", "320x200",
                       "-o", str(tmp_path / "effort.png"))
    assert code == 0 and seen[-1].colour == "effort" and seen[-1].activation_scale == 1.0


@pytest.mark.skipif(not _can_render(), reason="pyvista is not installed")
def test_render_a_lesson_step_uses_its_colouring_and_fixed_scale(tmp_path, capsys, monkeypatch):
    import hipviz.render

    seen = []
    monkeypatch.setattr(hipviz.render, "render_png", lambda state, path, **kw: seen.append(kw))
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    scene = os.path.join(root, "scenes", "17_rotation_reversal.toml")
    for step in ("1", "3"):
        code, _, err = run(capsys, "render", "--scene", scene, "--step", step, "-o", str(tmp_path / f"s{step}.png"))
        assert code == 0, err
    assert [kw["style"].colour for kw in seen] == ["share", "share"]
    assert seen[0]["style"].activation_scale == seen[1]["style"].activation_scale == pytest.approx(0.5)
    assert "piriformis" in seen[1]["caption"]
    code, _, err = run(capsys, "render", "--scene", scene, "--step", "9", "-o", str(tmp_path / "x.png"))
    assert code == 2 and "--step: expected 1 to 6" in err


@pytest.mark.parametrize("argv,words", [
    (["--colour", "rainbow"], "argument --colour/--color: invalid choice: 'rainbow' (choose from 'effort', 'share')"),
    (["--scale", "0"], "argument --scale: expected a percentage from 1 to 100, found '0'"),
])
def test_render_refuses_a_bad_colour_choice(tmp_path, capsys, argv, words):
    code, _, err = run(capsys, "render", *argv, "-o", str(tmp_path / "x.png"))
    assert code == 2 and words in err
    assert not (tmp_path / "x.png").exists()


def test_pose_text_shows_share_next_to_effort(capsys):
    code, out, _ = run(capsys, "pose", "--flexion", "30", "--movement", "flexion")
    assert code == 0
    rows = [line for line in out.splitlines() if line.strip().startswith("effort")]
    assert rows and all("share" in r for r in rows)
    code, out, _ = run(capsys, "pose", "--flexion", "30", "--movement", "flexion", "--json", "--no-paths")
    assert all("share" in e for e in json.loads(out)["muscles"])


def test_a_pose_file_naming_one_coordinate_twice_is_an_error(tmp_path, capsys):
    f = tmp_path / "twice.csv"
    f.write_text("flexion,hip_flexion_r\n10,20\n")
    code, out, err = run(capsys, "moment-arms", "--poses", str(f))
    assert code == 2 and "'flexion' and 'hip_flexion_r' both set hip_flexion_r" in err


def test_weak_abductors_from_the_command_line_show_the_trendelenburg_sign(capsys):
    weak = ["--strength", "gluteus_medius_l=15", "--strength", "gluteus_minimus_l=15",
            "--strength", "tensor_fasciae_latae_l=15"]
    code, out, err = run(capsys, "pose", "--flexion", "30", "--knee", "60", "--movement", "hold",
                         "--no-lock-pelvis", *weak, "--json", "--no-paths")
    assert code == 0 and any("Trendelenburg" in w for w in json.loads(out)["warnings"])
    code, _, err = run(capsys, "pose", "--strength", "gluteus_medus=20")
    assert code == 2 and "did you mean 'gluteus_medius'" in err
