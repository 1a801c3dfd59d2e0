"""Issue 13, fuzzed: generated broken lesson files, pose CSVs, landmark files and meshes.

Every input is made from a valid one by a seeded mutation (truncation, a value of the wrong type,
a huge number, NaN, an unknown key, another text encoding, binary garbage, a folder where the
file belongs ...). Each must give the documented outcome and nothing else:

- the API: success, or its one documented exception (``SceneError``, ``PoseFileError``,
  ``LandmarkError``, ``BoneImportError``, ``MeshError``), never another exception, a numpy
  warning or a crash of the process;
- the command line: exit 0, or exit 2 with exactly one line ``hipviz: error: ...`` naming the
  file; never a traceback.

The generators are deterministic (fixed seed); :func:`test_how_many_distinct_bad_inputs_are_fed`
counts the distinct inputs (by content) and prints the number. The whole file takes ~30 s on
the project's 2-core machine.
"""
from __future__ import annotations

import hashlib
import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest

import hipviz
from hipviz.cli import main
from hipviz.core.landmarks import LandmarkError, read_landmarks
from hipviz.io.pose_table import PoseFileError, read_pose_csv
from hipviz.io.scenes import SceneError, load_scene

ROOT = Path(__file__).resolve().parents[1]
MESHES = ROOT / "meshes"
SEED = 13
needs_meshes = pytest.mark.skipif(not (MESHES / "pelvis.ply").exists(), reason="bone meshes not generated")

BAD_VALUES = ["nan", "inf", "-inf", "1e308", "-1e308", "1e4", "99999", "-0.0", '"text"', '""', "[1, 2]", "[]",
              "{ a = 1 }", "true", "false", '"circumduction:nan"', '"flexion+"', "[[1]]", "0x7fffffff",
              "1979-05-27T07:32:00Z", '"\\u0000"', "{ flexion = nan }", '["feet", 3]']

SCENE = '''title = "Fuzz lesson"
description = "A lesson to break."
colour = "effort"

[defaults]
posture = "standing"
side = "right"
movement = "flexion"
lock_pelvis = true
compensation = 0.5

[[steps]]
caption = "Stand"
pose = { flexion = 0, knee = 0 }
movement = "hold"
view = "front"
highlight = ["iliopsoas"]

[[steps]]
caption = "Lift"
pose = { flexion = 90, knee = 90, pelvis_tilt = 5 }
duration_s = 2.0
load_n = 20
contacts = ["foot_l"]

[[steps]]
caption = "Circle"
pose = { flexion = 40, abduction = 20 }
movement = "circumduction:90"
lock_pelvis = false
'''

CSV = "flexion,adduction,rotation,knee\n10,0,0,20\n30,5,-5,40\n# a comment\n60,-10,10,90\n"


def _typo(rng, word: str) -> str:
    i = int(rng.integers(len(word)))
    return word[:i] + "xyzq"[int(rng.integers(4))] + word[i + 1:] if rng.random() < 0.5 else word[:i] + word[i + 1:] + "s"


def _encodings(rng, text: str) -> list[bytes]:
    return [text.encode("utf-16"), text.replace("Stand", "Stånd é").encode("latin-1", "replace"),
            b"\xff\xfe" + text.encode("utf-8"), text.encode("utf-8").replace(b"\n", b"\x00\n", 2),
            text.encode("utf-8")[:200] + bytes(rng.integers(0, 256, 64, dtype=np.uint8))]


def _mutate_text(rng, text: str, keys: list[str], n: int) -> list[bytes]:
    """``n`` seeded mutations of a TOML/CSV text (plus fixed ones): as bytes."""
    lines = text.splitlines()
    out = []
    for _ in range(n):
        kind = int(rng.integers(7))
        if kind == 0:  # truncated anywhere
            out.append(text.encode()[: int(rng.integers(0, len(text)))])
        elif kind == 1:  # a value of the wrong type, huge or not a number
            i = int(rng.integers(len(lines)))
            ln = lines[i]
            if "=" in ln:
                ln = ln.split("=", 1)[0] + "= " + BAD_VALUES[int(rng.integers(len(BAD_VALUES)))]
            else:
                ln = ",".join(BAD_VALUES[int(rng.integers(len(BAD_VALUES)))].strip('"') if rng.random() < 0.5 else c
                              for c in ln.split(","))
            out.append("\n".join(lines[:i] + [ln] + lines[i + 1:]).encode())
        elif kind == 2:  # an unknown key (a typo of a known one)
            i = int(rng.integers(len(lines)))
            key = keys[int(rng.integers(len(keys)))]
            out.append("\n".join(lines[:i] + [f"{_typo(rng, key)} = 1"] + lines[i:]).encode())
        elif kind == 3:  # a line dropped or doubled
            i = int(rng.integers(len(lines)))
            new = lines[:i] + lines[i + 1:] if rng.random() < 0.5 else lines[:i + 1] + lines[i:]
            out.append("\n".join(new).encode())
        elif kind == 4:  # random bytes flipped
            b = bytearray(text.encode())
            for j in rng.integers(0, len(b), int(rng.integers(1, 6))):
                b[j] = int(rng.integers(0, 256))
            out.append(bytes(b))
        elif kind == 5:  # a number inside a value replaced by a huge, tiny or non-finite one
            i = int(rng.integers(len(lines)))
            for tok in ("0", "90", "5", "20", "10", "30", "0.5", "2.0"):
                if tok in lines[i]:
                    lines2 = list(lines)
                    lines2[i] = lines[i].replace(tok, ["1e308", "nan", "-inf", "1e-320", "12345678901234567890"][
                        int(rng.integers(5))], 1)
                    out.append("\n".join(lines2).encode())
                    break
            else:
                out.append(text.encode() + b"\n" + "1e308".encode())
        else:  # binary garbage
            out.append(bytes(rng.integers(0, 256, int(rng.integers(1, 400)), dtype=np.uint8)))
    return out


def scene_inputs() -> list[bytes]:
    rng = np.random.default_rng(SEED)
    keys = ["title", "description", "colour", "colour_scale", "posture", "side", "movement", "lock_pelvis",
            "compensation", "load_n", "caption", "pose", "duration_s", "view", "highlight", "contacts", "notes"]
    out = _mutate_text(rng, SCENE, keys, 320)
    out += _encodings(rng, SCENE)
    out += [b"", b"[[steps]]\npose = " + b"{a = " * 2000 + b"1" + b"}" * 2000 + b"\n", b"steps = [1, 2]\n",
            b"steps = [[1], [2]]\n", b"[steps]\ncaption = 'x'\n", b"steps = []\n", b"[[steps]]\n" * 3 + b"pose = 3\n",
            b"[defaults]\nmovement = { circumduction = 3 }\n[[steps]]\n", b"defaults = 3\n[[steps]]\n"]
    return out


def csv_inputs() -> list[bytes]:
    rng = np.random.default_rng(SEED + 1)
    out = _mutate_text(rng, CSV, ["flexion", "adduction", "rotation", "knee", "hip_flexion_r", "pelvis_tilt"], 200)
    out += _encodings(rng, CSV)
    out += [b"", b"\n\n# only comments\n", b"flexion\n", b"flexion,flexion\n1,2\n", b"flexion,hip_flexion_r\n1,2\n",
            b"abduction,adduction\n1,2\n", b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)),
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(300), b"flexion\n" + b"1" * 100000 + b"\n",
            b'flexion,knee\n"1,2",3\n', b"flexion;knee\n1;2\n", b"flexion,knee\n1,2,3\n", b"flexion,knee\n1\n",
            b"\xef\xbb\xbfflexion\n1e308\n", b"flexion\n-nan\n", b"flexion\n1_000\n", b"flexion\n0x10\n"]
    return out


def landmark_inputs() -> list[bytes]:
    rng = np.random.default_rng(SEED + 2)
    text = (MESHES / "pelvis.landmarks.toml").read_text()
    out = _mutate_text(rng, text, ["units", "bone", "landmarks", "position", "description"], 120)
    out += _encodings(rng, text)
    out += [b"", b"units = []\n", b'units = "inch"\n[landmarks.a]\nposition = [1, 2, 3]\n', b"landmarks = 3\n",
            b"[landmarks.a]\nposition = 3\n", b"[landmarks.a]\nposition = [1, 2]\n", b'[landmarks.a]\nposition = ["1", 2, 3]\n',
            b"[landmarks.a]\nposition = [nan, 2, 3]\n", b"[landmarks.a]\nposition = [1e308, 2, 3]\n",
            b"[landmarks]\na = 3\n", b"x = " + b"[" * 3000 + b"]" * 3000 + b"\n"]
    return out


def mesh_inputs() -> list[tuple[str, bytes]]:
    rng = np.random.default_rng(SEED + 3)
    ply = (MESHES / "tibia_r.ply").read_bytes()
    header_end = ply.index(b"end_header\n") + len(b"end_header\n")
    out = []
    for cut in rng.integers(0, len(ply), 40):  # truncated anywhere
        out.append(("ply", ply[:int(cut)]))
    for _ in range(40):  # bytes flipped in the header or the body
        b = bytearray(ply)
        where = rng.integers(0, header_end if rng.random() < 0.4 else len(b), int(rng.integers(1, 8)))
        for j in where:
            b[j] = int(rng.integers(0, 256))
        out.append(("ply", bytes(b)))
    for count in (b"0", b"2", b"99999999", b"-5", b"x"):  # wrong element counts
        out.append(("ply", ply.replace(b"element vertex 3500", b"element vertex " + count, 1)))
        out.append(("ply", ply.replace(b"element face 7000", b"element face " + count, 1)))
    out += [("ply", b""), ("ply", b"ply\n"), ("ply", b"ply\nformat ascii 1.0\nend_header\n"),
            ("ply", bytes(rng.integers(0, 256, 2000, dtype=np.uint8))), ("ply", b"solid x\nendsolid x\n")]
    import trimesh
    m = trimesh.load(MESHES / "tibia_r.ply", process=False)
    v = [f"v {a} {b} {c}" for a, b, c in m.vertices.tolist()]
    f = [f"f {a + 1} {b + 1} {c + 1}" for a, b, c in m.faces.tolist()]
    for bad in ("v nan nan nan", "v inf 0 0", "v 1e308 1e308 1e308", "v 1 2", "v a b c"):
        i = int(rng.integers(len(v)))
        out.append(("obj", "\n".join(v[:i] + [bad] + v[i + 1:] + f).encode()))
    for bad in ("f 1 2 999999", "f 0 1 2", "f -99999 1 2", "f 1 1"):
        i = int(rng.integers(len(f)))
        out.append(("obj", "\n".join(v + f[:i] + [bad] + f[i + 1:]).encode()))
    out.append(("obj", "\n".join(v).encode()))  # no faces
    out.append(("stl", b"solid x\nfacet normal 0 0 1\nouter loop\nvertex nan 0 0\nvertex 1 0 0\nvertex 0 1 0\nendloop\nendfacet\nendsolid\n"))
    out.append(("stl", bytes(84) + bytes(rng.integers(0, 256, 100, dtype=np.uint8))))
    return out


# -- the checks ---------------------------------------------------------------------------

def _one_line_or_success(capsys, argv, name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "Warning" not in err, err
    if code == 0:
        return 0
    lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith(("usage:", "note:"))]
    assert code == 2, (argv, err)
    assert len(lines) == 1 and lines[0].startswith("hipviz: error: "), (argv, err)
    assert name in lines[0], (name, lines[0])
    return 2


def test_broken_scene_files(tmp_path, capsys, model):
    outcomes = {0: 0, 2: 0}
    for k, data in enumerate(scene_inputs()):
        path = tmp_path / f"fuzz{k}.toml"
        path.write_bytes(data)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            try:
                load_scene(path, postures=model.postures)
            except SceneError as exc:
                assert f"fuzz{k}.toml" in str(exc) and "\n" not in str(exc).strip(), str(exc)
        # what loads must also evaluate, every step (clamping is a warning, not an error)
        outcomes[_one_line_or_success(capsys, ["scene", path, "--no-paths"], f"fuzz{k}.toml")] += 1
    assert outcomes[2] > 150, outcomes


def test_broken_pose_csv_files(tmp_path, capsys):
    outcomes = {0: 0, 2: 0}
    for k, data in enumerate(csv_inputs()):
        path = tmp_path / f"fuzz{k}.csv"
        path.write_bytes(data)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            try:
                poses = read_pose_csv(path)
            except PoseFileError as exc:
                assert f"fuzz{k}.csv" in str(exc) and str(exc).isprintable(), str(exc)
            else:
                assert all(np.all(np.isfinite(v)) for v in poses.values())
        outcomes[_one_line_or_success(capsys, ["moment-arms", "--poses", path], f"fuzz{k}.csv")] += 1
        if k % 10 == 0:  # a flag for a coordinate the file may also give
            _one_line_or_success(capsys, ["moment-arms", "--poses", path, "--flexion", "10"], "")
    assert outcomes[2] > 60, outcomes


@needs_meshes
def test_broken_landmark_files(tmp_path, capsys):
    from hipviz.io.bones import BoneImportError, import_bones

    inputs = landmark_inputs()
    for k, data in enumerate(inputs):
        path = tmp_path / f"fuzz{k}.landmarks.toml"
        path.write_bytes(data)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            try:
                read_landmarks(path, "pelvis")
            except LandmarkError as exc:
                assert f"fuzz{k}.landmarks.toml" in str(exc), str(exc)
            if k % 4 == 0:  # the whole import, a quarter of them (it reads and registers the mesh)
                try:
                    import_bones(tmp_path / f"out{k}", {"pelvis": (MESHES / "pelvis.ply", path)})
                except BoneImportError as exc:
                    assert f"fuzz{k}" in str(exc) or "pelvis" in str(exc), str(exc)
                    assert not (tmp_path / f"out{k}").exists()
        if k % 8 == 0:
            _one_line_or_success(capsys, ["import-bones", "-o", tmp_path / f"cli{k}", "--pelvis", MESHES / "pelvis.ply",
                                          path], "")
        # a bones folder whose landmark file is this one
        if k % 6 == 0:
            folder = tmp_path / f"bones{k}"
            shutil.copytree(MESHES, folder, ignore=shutil.ignore_patterns("__*", "*.ply"))
            shutil.copy(path, folder / "pelvis.landmarks.toml")
            _one_line_or_success(capsys, ["pose", "--bones", folder, "--no-paths", "--json"], "pelvis.landmarks.toml")
    assert len(inputs) > 90


@needs_meshes
def test_broken_meshes(tmp_path, capsys):
    from hipviz.io.bones import BoneImportError, read_mesh
    from hipviz.render.bones import MeshError, _read_triangles

    refused = 0
    for k, (ext, data) in enumerate(mesh_inputs()):
        path = tmp_path / f"fuzz{k}.{ext}"
        path.write_bytes(data)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            try:
                read_mesh(path)
            except BoneImportError as exc:
                assert f"fuzz{k}.{ext}" in str(exc), str(exc)
                refused += 1
            try:
                _read_triangles(str(path))
            except MeshError as exc:
                assert f"fuzz{k}.{ext}" in str(exc), str(exc)
        if ext == "ply" and k % 3 == 0:  # as a --bones folder's tibia: load_model's check, then the renderer
            folder = tmp_path / f"bones{k}"
            shutil.copytree(MESHES, folder, ignore=shutil.ignore_patterns("__*"))
            shutil.copy(path, folder / "tibia_r.ply")
            try:
                model = hipviz.load_model(folder)
            except LandmarkError as exc:
                assert "tibia_r.ply" in str(exc)
            else:
                try:
                    _read_triangles(str(model.mesh_files["tibia_r"]))
                except MeshError:
                    pass
    assert refused > 40


def test_folders_where_files_belong(tmp_path, capsys):
    folder = tmp_path / "a_folder.toml"
    folder.mkdir()
    with pytest.raises(SceneError, match="is a folder"):
        load_scene(folder)
    with pytest.raises(PoseFileError, match="is a folder"):
        read_pose_csv(folder)
    with pytest.raises(LandmarkError, match="is a folder"):
        read_landmarks(folder)
    assert _one_line_or_success(capsys, ["scene", folder], "a_folder.toml") == 2
    assert _one_line_or_success(capsys, ["moment-arms", "--poses", folder], "a_folder.toml") == 2
    assert _one_line_or_success(capsys, ["render", "-o", folder], "a_folder.toml") == 2
    if (MESHES / "pelvis.ply").exists():
        assert _one_line_or_success(capsys, ["import-bones", "-o", tmp_path / "o", "--pelvis", folder,
                                             MESHES / "pelvis.landmarks.toml"], "") == 2
        bones = tmp_path / "bones"
        shutil.copytree(MESHES, bones, ignore=shutil.ignore_patterns("__*"))
        (bones / "pelvis.ply").unlink()
        (bones / "pelvis.ply").mkdir()
        (bones / "femur_r.landmarks.toml").unlink()
        (bones / "femur_r.landmarks.toml").mkdir()
        assert _one_line_or_success(capsys, ["pose", "--bones", bones], "femur_r.landmarks.toml") == 2


def test_how_many_distinct_bad_inputs_are_fed():
    blobs = scene_inputs() + csv_inputs()
    if (MESHES / "pelvis.ply").exists():
        blobs += landmark_inputs() + [data for _, data in mesh_inputs()]
    distinct = {hashlib.sha256(b).hexdigest() for b in blobs}
    print(f"\nfuzz: {len(distinct)} distinct inputs fed ({len(blobs)} generated)")
    assert len(distinct) > 650
