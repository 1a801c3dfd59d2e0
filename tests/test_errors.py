"""Issue 13, nothing cryptic: every mistake a tester found is refused with one clear line.

Each test is one item of the tester's list: the command line exits 2 with one line naming the
file, line or flag, what was expected and what was found (never a traceback, a numpy warning,
or a quiet success that did something else); the API raises a ``ValueError`` saying the same.
Killed and failing writes are in ``test_atomic.py``; generated bad inputs in ``test_fuzz.py``.
"""
from __future__ import annotations

import json
import math
import os
import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest

import hipviz
from hipviz.cli import main
from hipviz.core.request import RequestError, check_options
from hipviz.io.bones import BoneImportError, import_bones, read_mesh
from hipviz.io.pose_table import PoseFileError, read_pose_csv
from hipviz.io.scenes import SceneError, load_scene

ROOT = Path(__file__).resolve().parents[1]
MESHES = ROOT / "meshes"
needs_meshes = pytest.mark.skipif(not (MESHES / "pelvis.ply").exists(), reason="bone meshes not generated")


def run(capsys, *argv):
    """``hipviz ARGV`` in this process: (exit status, stdout, stderr)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a numpy RuntimeWarning reaching the user fails the test
        code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def refused(capsys, *argv, words=()):
    """Exit 2, exactly one line on stderr, naming ``words``."""
    code, out, err = run(capsys, *argv)
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert code == 2, (code, err)
    assert len(lines) == 1 and lines[0].startswith("hipviz: error: "), err
    assert "Traceback" not in err and "Warning" not in err
    for w in words:
        assert w in lines[0], (w, lines[0])
    return lines[0]


def scene(tmp_path, text, name="lesson.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- scene files -------------------------------------------------------------------------------

@pytest.mark.parametrize("text,words", [
    ('steps = [1, 2]\n', ["steps: expected [[steps]] tables", "found 1"]),
    ('steps = ["a"]\n', ["steps: expected [[steps]] tables"]),
    ('steps = "flexion"\n', ["expected at least one [[steps]] table"]),
    ('[[steps]]\nmovement = { a = 1 }\n', ["step 1.movement: expected a movement name", "{'a': 1}"]),
    ('[[steps]]\nmovement = ["flexion"]\n', ["step 1.movement: expected a movement name"]),
    ('[[steps]]\nmovement = 3\n', ["step 1.movement: expected a movement name"]),
    ('[[steps]]\npose = { flexion = { a = 1 } }\n', ["step 1.pose.flexion: a step is one pose: expected one number of degrees", "{'a': 1}"]),
    ('[[steps]]\npose = { flexion = [10, 20] }\n', ["step 1.pose.flexion: a step is one pose: expected one number of degrees", "[10, 20]"]),
    ('[[steps]]\npose = { flexion = "90" }\n', ["step 1.pose.flexion: a step is one pose: expected one number of degrees", "'90'"]),
    ('[[steps]]\npose = { flexion = 1e308 }\n', ["step 1.pose", "1e+308 is not a plausible angle"]),
    ('[[steps]]\npose = { flexion = nan }\n', ["step 1.pose", "NaN"]),
    ('[[steps]]\npose = { abduction = 20, adduction = 10 }\n', ["step 1.pose", "'abduction' and 'adduction' both set"]),
    ('[[steps]]\nmovement = "circumduction:nan"\n', ["step 1.movement", "finite number of degrees"]),
    ('[[steps]]\nmovement = "circumduction:inf"\n', ["step 1.movement", "finite number of degrees"]),
    ('[[steps]]\nlock_pelvis = "no"\n', ["step 1.lock_pelvis: expected true or false, found 'no'"]),
    ('[[steps]]\nload_n = 1e300\n', ["step 1.load_n: expected a weight between 0 and 5000 N"]),
    ('[[steps]]\ncompensation = "0.5"\n', ["step 1.compensation: expected a number between 0 and 1"]),
    ('[[steps]]\ncaption = 3\n', ["step 1.caption: expected text"]),
    ('[defaults]\nmovment = "flexion"\n[[steps]]\n', ["[defaults]: unknown key 'movment'", "did you mean 'movement'"]),
    ('titel = "x"\n[[steps]]\n', ["unknown key 'titel'", "did you mean 'title'"]),
])
def test_broken_scene_files_are_refused_with_the_step_and_field(tmp_path, capsys, text, words):
    path = scene(tmp_path, text)
    with pytest.raises(SceneError):
        load_scene(path)
    refused(capsys, "scene", path, words=["lesson.toml", *words])


def test_deeply_nested_inline_tables_are_refused_not_a_recursion_error(tmp_path, capsys):
    path = scene(tmp_path, "[[steps]]\npose = " + "{a = " * 1000 + "1" + "}" * 1000 + "\n")
    refused(capsys, "scene", path, words=["lesson.toml", "nested too deeply"])


def test_a_scene_that_is_a_folder_or_binary_is_refused(tmp_path, capsys):
    refused(capsys, "scene", tmp_path, words=["is a folder"])
    path = tmp_path / "bin.toml"
    path.write_bytes(b"\xff\xfe\x00garbage\x89PNG")
    refused(capsys, "scene", path, words=["bin.toml", "not a text file"])


# -- the command line ---------------------------------------------------------------------------

@pytest.mark.parametrize("movement", ["circumduction:nan", "circumduction:inf", "circumduction:-inf", "circumduction:1e308"])
def test_a_non_finite_circumduction_phase_is_an_error_not_nan_activations(capsys, movement):
    refused(capsys, "pose", "--movement", movement, "--json", words=["--movement", "finite number of degrees"])


def test_pose_json_is_valid_json_without_nan(capsys):
    code, out, _ = run(capsys, "pose", "--movement", "circumduction:45", "--json", "--no-paths")
    assert code == 0
    json.loads(out, parse_constant=lambda c: pytest.fail(f"{c} in the JSON"))


def test_abduction_and_adduction_together_are_a_conflict(capsys):
    refused(capsys, "pose", "--abduction", "20", "--adduction", "10",
            words=["--adduction 10", "--abduction 20", "both set hip_adduction_r"])
    refused(capsys, "pose", "--flexion", "30", "--set", "hip_flexion_r=40", words=["--flexion 30", "--set hip_flexion_r=40"])


def test_flexion_400_with_the_pelvis_free_says_it_was_reduced(capsys):
    code, out, err = run(capsys, "pose", "--flexion", "400", "--no-lock-pelvis", "--json", "--no-paths")
    assert code == 0
    d = json.loads(out)
    assert d["thigh"]["flexion"] > 100  # not 400 wrapped round to 40
    assert any("400 deg of flexion" in w and "reduced to" in w for w in d["warnings"]), d["warnings"]
    refused(capsys, "pose", "--flexion", "1e308", "--no-lock-pelvis", words=["1e+308 is not a plausible angle"])


@pytest.mark.parametrize("argv,words", [
    (["--load", "1e300", "--movement", "flexion"], ["--load: expected a weight between 0 and 5000 N, found 1e+300"]),
    (["--load", "nan", "--movement", "flexion"], ["--load", "found nan"]),
    (["--load", "-5"], ["--load", "found -5"]),
    (["--compensation", "nan", "--no-lock-pelvis"], ["--compensation", "between 0 and 1"]),
    (["--body-mass", "inf"], ["--body-mass", "between 20 and 250 kg"]),
    (["--posture", "standin"], ["--posture", "unknown posture 'standin'", "did you mean 'standing'"]),
    (["--contacts", "feat"], ["--contacts", "feat"]),
])
def test_absurd_activation_flags_are_errors_without_numpy_warnings(capsys, argv, words):
    refused(capsys, "pose", *argv, words=words)


def test_render_accepts_an_upper_case_png_suffix(tmp_path, capsys):
    out = tmp_path / "X.PNG"
    code, _, err = run(capsys, "render", "-o", out, "--size", "96x64", "--no-muscles")
    assert code == 0, err
    assert out.read_bytes().startswith(b"\x89PNG")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["X.PNG"]


def test_render_output_mistakes(tmp_path, capsys, monkeypatch):
    refused(capsys, "render", "-o", tmp_path / "x.jpg", words=["-o/--output", "ending in .png", "x.jpg"])
    refused(capsys, "render", "-o", tmp_path / "no" / "x.png", words=["-o/--output", "is not an existing folder"])
    (tmp_path / "dir.png").mkdir()
    refused(capsys, "render", "-o", tmp_path / "dir.png", words=["-o/--output", "is a folder"])
    monkeypatch.setattr(os, "access", lambda *a, **k: False)  # a read-only place (we run as root here)
    refused(capsys, "render", "-o", tmp_path / "x.png", words=["-o/--output", "cannot write in"])


def test_moment_arms_pose_file_mistakes(tmp_path, capsys):
    twice = tmp_path / "twice.csv"
    twice.write_text("flexion,hip_flexion_r\n10,20\n")
    refused(capsys, "moment-arms", "--poses", twice, words=["twice.csv", "line 1", "both set hip_flexion_r"])
    ok = tmp_path / "ok.csv"
    ok.write_text("flexion,knee\n10,20\n")
    refused(capsys, "moment-arms", "--poses", ok, "--flexion", "5", words=["--flexion", "'flexion'", "ok.csv"])
    xlsx = tmp_path / "poses.xlsx"
    xlsx.write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 4)
    line = refused(capsys, "moment-arms", "--poses", xlsx, words=["poses.xlsx", "spreadsheet"])
    assert line.isprintable()  # no binary bytes echoed


def test_read_pose_csv_names_the_problem(tmp_path):
    cases = {
        "twice.csv": ("flexion,flexion\n1,2\n", "appears twice"),
        "syn.csv": ("flexion,hip_flexion_r\n1,2\n", "both set hip_flexion_r"),
        "big.csv": ("flexion\n1e308\n", "line 2, column 1 (flexion)"),
        "bad.csv": ("flexion\nabc\n", "line 2, column 1 (flexion): expected a number"),
    }
    for name, (text, words) in cases.items():
        (tmp_path / name).write_text(text)
        with pytest.raises(PoseFileError, match=words.replace("(", r"\(").replace(")", r"\)")):
            read_pose_csv(tmp_path / name)
    (tmp_path / "x.xlsx").write_bytes(b"PK\x03\x04" + b"\x00\xff" * 100)
    with pytest.raises(PoseFileError, match="spreadsheet"):
        read_pose_csv(tmp_path / "x.xlsx")
    with pytest.raises(PoseFileError, match="is a folder"):
        read_pose_csv(tmp_path)


# -- the API -------------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs,words", [
    ({"lock_pelvis": "no"}, "lock_pelvis: expected true or false, found 'no'"),
    ({"lock_pelvis": 0}, "lock_pelvis: expected true or false"),
    ({"effort_nm": math.nan, "movement": "flexion"}, "effort_nm: expected a moment between 0 and 500 N m, found nan"),
    ({"effort_nm": 1e300, "movement": "flexion"}, "effort_nm"),
    ({"compensation": "0.5"}, "compensation: expected a number between 0 and 1 (0 supple, 1 very stiff), found '0.5'"),
    ({"compensation": True}, "compensation"),
    ({"load_n": "3"}, "load_n"),
    ({"load_n": True}, "load_n"),
    ({"posture": ["standing"]}, "posture: expected a posture name"),
    ({"contacts": "feet"}, "contacts: expected a list of names"),
    ({"contacts": [1]}, "contacts: expected a list of names"),
    ({"movement": {"a": 1}}, "movement: expected a movement name"),
    ({"movement": ["flexion"]}, "movement: a movement vector needs 4 finite numbers"),
    ({"movement": "circumduction:nan"}, "movement: circumduction phase must be a finite number"),
    ({"body_mass_kg": "70"}, "body_mass_kg"),
    ({"side": 3}, "side: expected 'right' or 'left', found 3"),
])
def test_evaluate_refuses_wrong_options_with_a_value_error(model, kwargs, words):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError) as info:
            hipviz.evaluate(model, {"flexion": 30}, **kwargs)
    assert isinstance(info.value, RequestError)
    assert words in str(info.value)


@pytest.mark.parametrize("pose, words", [
    ([{"flexion": 10}, {"flexion": 20}], "one mapping of arrays, e.g. {'flexion': [0, 45, 90]}"),
    ("flexion", "expected a mapping of coordinate names to degrees, found str"),
    (30, "found int"),
])
def test_a_pose_that_is_not_a_mapping_is_a_pose_error(model, pose, words):
    for call in (hipviz.evaluate, hipviz.moment_arms):
        with pytest.raises(hipviz.PoseError) as info:
            call(model, pose)
        assert words in str(info.value)


@pytest.mark.parametrize("argv, words", [
    (["pose", "--flexion", "abc"], ["--flexion", "'abc'", "see hipviz pose --help"]),
    (["pose", "--side", "rigth"], ["--side", "rigth"]),
    (["pose", "--flexon", "45"], ["--flexon"]),
    (["render", "--flexion", "3"], ["-o/--output", "see hipviz render --help"]),
    (["moment-arms", "--format", "xml"], ["--format", "xml"]),
])
def test_argument_mistakes_are_one_line_without_the_usage_block(capsys, argv, words):
    refused(capsys, *argv, words=words)


def test_a_pose_csv_saved_by_excel_as_csv_utf8_is_read(tmp_path, capsys):
    path = tmp_path / "poses.csv"
    path.write_bytes("\ufeffflexion,knee\n10,20\n".encode("utf-8"))  # the byte-order mark Excel writes
    code, out, err = run(capsys, "moment-arms", "--poses", path)
    assert code == 0, err
    assert out.splitlines()[1].startswith("0,gluteus_maximus,")


def test_a_motion_file_without_a_known_coordinate_is_refused(tmp_path, capsys):
    path = tmp_path / "walk.csv"
    path.write_text("time,flexion\n0,0\n0.1,10\n0.2,20\n")
    refused(capsys, "export", path, "--csv", tmp_path / "out.csv",
            words=["walk.csv", "found 'flexion'", "hip_flexion_r"])


def test_state_to_dict_checks_its_arguments_and_heights_need_the_floor(model):
    state = hipviz.evaluate(model, {"flexion": 45}, with_paths=False)
    assert state.floor_height is None
    assert state.to_dict(paths=False)["asis_height_m"] == {"right": None, "left": None}
    placed = hipviz.evaluate(model, {"flexion": 45}).to_dict(paths=False)["asis_height_m"]
    assert 0.8 < placed["right"] < 1.2
    with pytest.raises(ValueError, match="side: expected 'right' or 'left', found 'lol'"):
        state.to_dict(side="lol")
    with pytest.raises(IndexError, match="from 0 to 0, found 5"):
        state.to_dict(5)


def test_check_options_returns_clean_values_and_names_fields_as_the_caller_spells_them():
    opts = check_options({"side": "l", "lock_pelvis": np.bool_(False), "load_n": 10, "contacts": ["feet"]})
    assert (opts.side, opts.lock_pelvis, opts.load_n, opts.contacts) == ("left", False, 10.0, ("feet",))
    with pytest.raises(RequestError, match="^--load: "):
        check_options({"load_n": -1}, labels={"load_n": "--load"})
    with pytest.raises(RequestError, match=r"^x.toml step 2.load_n: "):
        check_options({"load_n": -1}, prefix="x.toml step 2.")
    with pytest.raises(RequestError, match="did you mean 'lock_pelvis'"):
        check_options({"lock_pelvs": True})


# -- landmark files and bone folders -------------------------------------------------------------

@needs_meshes
def test_landmark_file_mistakes(tmp_path, capsys):
    bad_units = tmp_path / "units.toml"
    bad_units.write_text((MESHES / "pelvis.landmarks.toml").read_text().replace('units = "mm"', "units = []"))
    refused(capsys, "import-bones", "-o", tmp_path / "o1", "--pelvis", MESHES / "pelvis.ply", bad_units,
            words=["units.toml", "units: expected 'mm', 'cm' or 'm', found []"])
    (tmp_path / "lmdir").mkdir()
    refused(capsys, "import-bones", "-o", tmp_path / "o2", "--pelvis", MESHES / "pelvis.ply", tmp_path / "lmdir",
            words=["lmdir", "is a folder"])
    assert not (tmp_path / "o1").exists() and not (tmp_path / "o2").exists()


@needs_meshes
def test_import_bones_output_mistakes(tmp_path, capsys, monkeypatch):
    args = ["--pelvis", MESHES / "pelvis.ply", MESHES / "pelvis.landmarks.toml"]
    (tmp_path / "afile").write_text("mine")
    refused(capsys, "import-bones", "-o", tmp_path / "afile", *args, words=["afile", "is a file"])
    assert (tmp_path / "afile").read_text() == "mine"
    refused(capsys, "import-bones", "-o", tmp_path / "no" / "such" / "dir", *args, words=["is not an existing folder"])
    monkeypatch.setattr(os, "access", lambda *a, **k: False)
    refused(capsys, "import-bones", "-o", tmp_path / "ro", *args, words=["cannot write in", "read-only"])


@needs_meshes
def test_a_left_femur_given_as_the_right_one_is_refused(tmp_path, capsys):
    refused(capsys, "import-bones", "-o", tmp_path / "o", "--femur-r", MESHES / "femur_l.ply",
            MESHES / "femur_l.landmarks.toml", words=["bone = 'femur_l'", "--femur-l"])
    relabelled = tmp_path / "femur.landmarks.toml"  # the file does not say which side: the geometry does
    relabelled.write_text((MESHES / "femur_l.landmarks.toml").read_text().replace('bone = "femur_l"', 'bone = "femur"'))
    with pytest.raises(BoneImportError, match="looks like a left femur.*patella would lie behind the knee"):
        import_bones(tmp_path / "o", {"femur_r": (MESHES / "femur_l.ply", relabelled)})
    assert not (tmp_path / "o").exists()


@needs_meshes
def test_a_mesh_with_a_nan_vertex_is_refused(tmp_path):
    import trimesh
    m = trimesh.load(MESHES / "pelvis.ply", process=False)
    lines = [f"v {a} {b} {c}" for a, b, c in m.vertices.tolist()]
    lines[5] = "v nan nan nan"
    lines += [f"f {a + 1} {b + 1} {c + 1}" for a, b, c in m.faces]
    obj = tmp_path / "nan.obj"
    obj.write_text("\n".join(lines) + "\n")
    with pytest.raises(BoneImportError, match="nan.obj: 1 vertex.*not numbers.*vertex 6"):
        read_mesh(obj)


@needs_meshes
def test_bones_folder_mistakes(tmp_path, capsys):
    (tmp_path / "afile").write_text("x")
    refused(capsys, "pose", "--bones", tmp_path / "afile", words=["--bones", "afile", "is a file", "expected a folder"])
    refused(capsys, "pose", "--bones", tmp_path / "none", words=["--bones", "does not exist"])
    garbage = tmp_path / "garbage"
    shutil.copytree(MESHES, garbage, ignore=shutil.ignore_patterns("__*"))
    (garbage / "pelvis.ply").write_bytes(np.random.default_rng(0).bytes(3000))
    refused(capsys, "pose", "--bones", garbage, words=["pelvis.ply", "not a PLY mesh"])
    refused(capsys, "render", "--bones", garbage, "-o", tmp_path / "g.png", words=["pelvis.ply", "not a PLY mesh"])


@needs_meshes
def test_a_truncated_ply_is_refused_by_the_renderer_without_a_vtk_message(tmp_path, capsys):
    folder = tmp_path / "trunc"
    shutil.copytree(MESHES, folder, ignore=shutil.ignore_patterns("__*"))
    data = (MESHES / "pelvis.ply").read_bytes()
    (folder / "pelvis.ply").write_bytes(data[: len(data) // 3])
    refused(capsys, "render", "--bones", folder, "-o", tmp_path / "t.png", "--size", "96x64", words=["pelvis.ply"])
    assert not (tmp_path / "t.png").exists()


@needs_meshes
def test_a_bones_folder_without_a_mesh_says_so(tmp_path, capsys):
    folder = tmp_path / "noply"
    folder.mkdir()
    for f in MESHES.glob("*.landmarks.toml"):
        shutil.copy(f, folder)
    code, _, err = run(capsys, "pose", "--bones", folder)
    assert code == 0
    assert "note: " in err and "has no pelvis.ply: the pelvis is not drawn" in err
    assert any("pelvis.ply" in n for n in hipviz.load_model(folder).notes)


@needs_meshes
def test_vtp_meshes_are_read_quietly_and_a_bad_one_is_one_line(tmp_path, capfd):
    """VTK's reader and pyvista printed warnings and ~15 colour-coded log lines on stderr."""
    from vtkmodules.vtkIOPLY import vtkPLYReader
    from vtkmodules.vtkIOXML import vtkXMLPolyDataWriter

    meshes = Path(__file__).resolve().parents[1] / "meshes"
    ply = vtkPLYReader()
    ply.SetFileName(str(meshes / "pelvis.ply"))
    writer = vtkXMLPolyDataWriter()
    writer.SetFileName(str(tmp_path / "pelvis.vtp"))
    writer.SetInputConnection(ply.GetOutputPort())
    writer.Write()
    (tmp_path / "bad.vtp").write_text('<VTKFile type="PolyData"> garbage')
    landmarks = meshes / "pelvis.landmarks.toml"
    capfd.readouterr()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert main(["import-bones", "-o", str(tmp_path / "good"), "--pelvis", str(tmp_path / "pelvis.vtp"),
                     str(landmarks)]) == 0
        err = capfd.readouterr().err
        assert "Warning" not in err and "ERR" not in err, err
        assert main(["import-bones", "-o", str(tmp_path / "bad"), "--pelvis", str(tmp_path / "bad.vtp"),
                     str(landmarks)]) == 2
    lines = [ln for ln in capfd.readouterr().err.splitlines() if ln.strip()]
    assert lines == [f"hipviz: error: {tmp_path / 'bad.vtp'}: cannot read the mesh "
                     "(not a VTK XML PolyData file that VTK can read)"], lines
    assert not (tmp_path / "bad").exists()


@pytest.mark.parametrize("call, error, words", [
    (lambda m: hipviz.evaluate(None, {}), TypeError, "model: expected a hipviz.Model (from hipviz.load_model()), found NoneType"),
    (lambda m: hipviz.moment_arms("model", {}), TypeError, "found str"),
    (lambda m: hipviz.evaluate(m, {}, with_paths="no"), RequestError, "with_paths: expected true or false, found 'no'"),
    (lambda m: hipviz.evaluate(m, {}, place="no"), RequestError, "place: expected true or false"),
    (lambda m: hipviz.evaluate(m, {"flexion": []}), hipviz.PoseError, "'flexion' is empty"),
    (lambda m: hipviz.evaluate(m, {"flexion": None}), hipviz.PoseError, "found None"),
    (lambda m: hipviz.moment_arms(m, {"flexion": 10 ** 400}), hipviz.PoseError, "expected a number of degrees"),
    (lambda m: hipviz.evaluate(m, {"flexion": [0, 1, 2], "knee": [0, 1]}), hipviz.PoseError, "('flexion' 3, 'knee' 2)"),
    (lambda m: hipviz.evaluate(m, {}, movement="flexion+extension"), RequestError, "cancel out"),
    (lambda m: hipviz.make_poses({}, ranges={"hip_flexion_r": (math.nan, 10)}), hipviz.PoseError, "finite (low, high)"),
    (lambda m: hipviz.make_poses({}, ranges={"hip_flexion_r": (100, 0)}), hipviz.PoseError, "low <= high"),
    (lambda m: hipviz.make_poses({}, ranges={"hip_flexon_r": (0, 10)}), hipviz.PoseError, "did you mean 'hip_flexion_r'"),
    (lambda m: hipviz.make_poses({}, ranges=[1, 2]), hipviz.PoseError, "ranges: expected a mapping"),
    (lambda m: hipviz.make_poses({"flexion": ["10", 20]}), hipviz.PoseError, "expected numbers of degrees"),
    (lambda m: hipviz.make_poses({"flexion": np.array([True, False])}), hipviz.PoseError, "expected numbers of degrees"),
    (lambda m: hipviz.make_poses({"flexion": np.ma.masked_array([1.0, 2.0], [0, 1])}), hipviz.PoseError,
     "expected numbers of degrees"),
])
def test_api_mistakes_say_what_was_expected(model, call, error, words):
    with pytest.raises(error) as info:
        call(model)
    assert words in str(info.value)


def test_api_inputs_a_user_may_give_work(model):
    spaced = hipviz.evaluate(model, {"flexion": 30}, movement="flexion + abduction", with_paths=False)
    joined = hipviz.evaluate(model, {"flexion": 30}, movement="flexion+abduction", with_paths=False)
    np.testing.assert_array_equal(spaced.muscles["r"].activation, joined.muscles["r"].activation)
    ma = hipviz.moment_arms(model, {"hip_flexion_l": 90, "flexion": 10})
    assert any("not used: hip_flexion_l" in w for w in ma.warnings)


def test_numpy_scalars_are_numbers_for_the_options(model):
    for kw in ({"strength": {"gluteus_medius": np.float32(0.5)}}, {"strength": {"gluteus_medius": np.array(0.5)}},
               {"compensation": np.array(0.5)}, {"load_n": np.array(50.0)}, {"effort_nm": np.float32(10)}):
        state = hipviz.evaluate(model, {"flexion": 10}, with_paths=False, movement="flexion", **kw)
        assert np.isfinite(state.muscles["r"].activation).all(), kw


@pytest.mark.parametrize("argv, words", [
    (["pose", "--strength", "gluteus_medius_l=500"], ["gluteus_medius_l", "0 to 200 %", "found 500"]),
    (["pose", "--strength", "gluteus_medius_l=nan"], ["0 to 200 %"]),
    (["pose", "--strength", "gluteus_medius_l=20", "--strength", "gluteus_medius_l=30"],
     ["gluteus_medius_l given more than once"]),
])
def test_strength_flag_mistakes(capsys, argv, words):
    refused(capsys, *argv, words=words)


def test_flags_that_belong_to_another_flag_are_not_ignored_silently(tmp_path, capsys):
    refused(capsys, "render", "--step", "2", "-o", tmp_path / "c.png", words=["--step is for --scene"])
    assert not (tmp_path / "c.png").exists()
    motion = tmp_path / "walk.csv"
    motion.write_text("time,hip_flexion_r\n0,0\n0.1,10\n0.2,20\n")
    refused(capsys, "export", motion, "--csv", tmp_path / "x.csv", "--frame", "2", words=["--frame is for --glb"])
    refused(capsys, "export", motion, "--csv", tmp_path / "x.csv", "--muscles", "piriformis",
            words=["--muscles is for --plot"])
