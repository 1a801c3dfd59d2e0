"""Users' own bones: registration into hipviz's frames, and clear errors for bad files."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import hipviz
from hipviz.core.rotations import cardan_zxy
from hipviz.io.bones import BoneImportError, import_bones

MESHES = Path(__file__).resolve().parents[1] / "meshes"
pytestmark = pytest.mark.skipif(not (MESHES / "pelvis.ply").exists(), reason="bone meshes not generated")


def _moved_copy(tmp_path, stem, R, t, scale_mm=True):
    """Write a bone as a user would have it: rotated, shifted, in millimetres, as STL."""
    import tomllib
    import trimesh
    mesh = trimesh.load(MESHES / f"{stem}.ply", process=False)
    k = 1000.0 if scale_mm else 1.0
    moved = trimesh.Trimesh((mesh.vertices @ R.T + t) * k, mesh.faces, process=False)
    mesh_path = tmp_path / f"{stem}.stl"
    moved.export(mesh_path)
    raw = tomllib.loads((MESHES / f"{stem}.landmarks.toml").read_text())["landmarks"]
    lines = [f'bone = "{stem}"', 'units = "mm"' if scale_mm else 'units = "m"', ""]
    for name, entry in raw.items():
        p = (np.array(entry["position"]) / 1000 @ R.T + t) * k
        lines += [f"[landmarks.{name}]", f"position = [{float(p[0])!r}, {float(p[1])!r}, {float(p[2])!r}]", ""]
    lm_path = tmp_path / f"{stem}.landmarks.toml"
    lm_path.write_text("\n".join(lines))
    return mesh_path, lm_path


def test_a_moved_millimetre_stl_registers_back_into_the_same_model(tmp_path):
    R = cardan_zxy(0.4, -0.3, 1.1)
    t = np.array([0.3, -1.2, 0.5])
    bones = {stem: _moved_copy(tmp_path, stem, R, t) for stem in ("pelvis", "femur_r", "tibia_l")}
    (tmp_path / "same").mkdir()
    same = {stem: _moved_copy(tmp_path / "same", stem, np.eye(3), np.zeros(3), scale_mm=False)
            for stem in ("pelvis", "femur_r", "tibia_l")}
    report = import_bones(tmp_path / "moved_out", bones)
    ref = import_bones(tmp_path / "ref_out", same)
    a = hipviz.load_model(report.folder)
    b = hipviz.load_model(ref.folder)
    pose = {"flexion": 70, "adduction": -10, "rotation": 20, "knee": 60}
    sa, sb = hipviz.evaluate(a, pose), hipviz.evaluate(b, pose)
    np.testing.assert_allclose(sa.muscles["r"].moment_arm, sb.muscles["r"].moment_arm, atol=1e-6)
    for name, p in sa.landmarks().items():
        np.testing.assert_allclose(p, sb.landmarks()[name], atol=1e-6, err_msg=name)
    assert any("kept the default bone" in n for n in report.notes)


def test_hip_centres_are_estimated_when_missing(tmp_path):
    mesh, lm = _moved_copy(tmp_path, "pelvis", np.eye(3), np.zeros(3))
    text = lm.read_text().split("\n")
    keep, skip = [], False
    for line in text:
        if line.startswith("[landmarks."):
            skip = "hip_center" in line
        if not skip:
            keep.append(line)
    lm.write_text("\n".join(keep))
    report = import_bones(tmp_path / "out", {"pelvis": (mesh, lm)})
    assert any("Harrington" in n for n in report.notes)
    model = hipviz.load_model(report.folder)
    assert 0.13 < np.linalg.norm(model.joints["hip_center_r"] - model.joints["hip_center_l"]) < 0.22


def test_bad_inputs_are_refused_clearly(tmp_path):
    mesh, lm = _moved_copy(tmp_path, "femur_r", np.eye(3), np.zeros(3))
    with pytest.raises(BoneImportError, match="unsupported mesh format"):
        import_bones(tmp_path / "o1", {"femur_r": (tmp_path / "x.docx", lm)})
    bad = tmp_path / "bad.stl"
    bad.write_text("this is not a mesh")
    with pytest.raises(BoneImportError, match="bad.stl"):
        import_bones(tmp_path / "o2", {"femur_r": (bad, lm)})
    lm_m = tmp_path / "wrong_units.toml"
    lm_m.write_text(lm.read_text().replace('units = "mm"', 'units = "m"'))
    with pytest.raises(BoneImportError, match="check the file's units"):
        import_bones(tmp_path / "o3", {"femur_r": (mesh, lm_m)})
    pelvis_mesh, pelvis_lm = _moved_copy(tmp_path, "pelvis", np.eye(3), np.zeros(3))
    with pytest.raises(BoneImportError, match="do not belong to this mesh|check the mesh's units"):
        import_bones(tmp_path / "o5", {"femur_r": (pelvis_mesh, lm)})       # a pelvis given as a femur
    with pytest.raises(BoneImportError, match="says bone = 'pelvis'"):
        import_bones(tmp_path / "o6", {"femur_r": (mesh, pelvis_lm)})
    import trimesh
    tiny = tmp_path / "tiny.stl"
    m = trimesh.load(mesh, process=False)
    trimesh.Trimesh(m.vertices * 1e-6, m.faces, process=False).export(tiny)  # 0.46 mm long
    with pytest.raises(BoneImportError, match="check the mesh's units"):
        import_bones(tmp_path / "o7", {"femur_r": (tiny, lm)})
    with pytest.raises(BoneImportError, match="unknown bone"):
        import_bones(tmp_path / "o4", {"humerus": (mesh, lm)})
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "mine.txt").write_text("keep me")
    with pytest.raises(BoneImportError, match="not empty"):
        import_bones(tmp_path / "full", {"femur_r": (mesh, lm)})
    assert (tmp_path / "full" / "mine.txt").read_text() == "keep me"
