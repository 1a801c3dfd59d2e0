"""Checks on the shipped bone meshes and landmark files (meshes/).

What a teacher or a biomechanist would notice: closed, outward-facing
surfaces of sensible size; adult dimensions from the anatomy reference
(inter-ASIS distance, femur length, head size, neck-shaft angle,
anteversion); left and right sides that mirror each other; femoral heads
seated in the acetabula; landmarks lying on the bone they name.
"""
from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest
import trimesh
from scipy.spatial import cKDTree

REPO = Path(__file__).resolve().parents[1]
MESH_DIR = REPO / "meshes"
BONES = ("pelvis", "femur_r", "femur_l", "tibia_r", "tibia_l")
INTERIOR = {"hip_center", "hip_center_r", "hip_center_l", "knee_center", "ankle_center",
            "lumbosacral_joint", "femoral_neck", "shaft_proximal", "obturator_foramen_r",
            "obturator_foramen_l"}
REQUIRED = {
    "pelvis": {"asis_r", "asis_l", "psis_r", "psis_l", "aiis_r", "aiis_l", "pubic_tubercle_r",
               "pubic_tubercle_l", "pubic_symphysis", "ischial_tuberosity_r",
               "ischial_tuberosity_l", "iliac_crest_top_r", "iliac_crest_top_l",
               "sacral_promontory", "hip_center_r", "hip_center_l"},
    "femur": {"hip_center", "femoral_neck", "greater_trochanter", "lesser_trochanter",
              "shaft_proximal", "medial_epicondyle", "lateral_epicondyle", "knee_center"},
    "tibia": {"knee_center", "tibial_tuberosity", "ankle_center"},
}


@pytest.fixture(scope="module")
def meshes():
    """Shipped meshes, converted from metres to millimetres."""
    out = {}
    for bone in BONES:
        mesh = trimesh.load(MESH_DIR / f"{bone}.ply", process=False)
        out[bone] = trimesh.Trimesh(mesh.vertices * 1000.0, mesh.faces, process=False)
    return out


@pytest.fixture(scope="module")
def landmarks():
    """Landmark positions (mm) per bone, as numpy arrays."""
    out = {}
    for bone in BONES:
        data = tomllib.loads((MESH_DIR / f"{bone}.landmarks.toml").read_text())
        out[bone] = {n: np.array(v["position"], float) for n, v in data["landmarks"].items()}
    return out


def unit(v):
    """``v`` scaled to unit length."""
    return np.asarray(v, float) / np.linalg.norm(v)


def angle_deg(a, b):
    """Angle between two vectors in degrees."""
    return np.degrees(np.arccos(np.clip(np.dot(unit(a), unit(b)), -1.0, 1.0)))


def ray_hits(mesh, origin, direction):
    """Distances along a ray to its intersections with the mesh (Moller-Trumbore)."""
    tri = mesh.triangles
    e1, e2 = tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0]
    p = np.cross(direction, e2)
    det = (e1 * p).sum(1)
    ok = np.abs(det) > 1e-12
    inv = np.where(ok, 1.0 / np.where(ok, det, 1.0), 0.0)
    s = origin - tri[:, 0]
    u = (s * p).sum(1) * inv
    q = np.cross(s, e1)
    v = (q * direction).sum(1) * inv
    t = (e2 * q).sum(1) * inv
    hit = ok & (u >= 0) & (v >= 0) & (u + v <= 1) & (t > 0)
    return np.sort(t[hit])


def surface_tree(mesh, n=200_000):
    """KD-tree on a dense, seeded sample of the surface (spacing well under 1 mm)."""
    points, _ = trimesh.sample.sample_surface(mesh, n, seed=0)
    return cKDTree(np.vstack([points, mesh.vertices]))


def fit_sphere(points):
    """Least-squares sphere through ``points`` (n, 3): centre (3,), radius."""
    a = np.column_stack([2 * points, np.ones(len(points))])
    b = (points ** 2).sum(1)
    sol = np.linalg.lstsq(a, b, rcond=None)[0]
    return sol[:3], np.sqrt(sol[3] + sol[:3] @ sol[:3])


def section_centre(mesh, origin, normal, near):
    """Centre (length-weighted) of the section loop closest to ``near``."""
    path = mesh.section(plane_origin=origin, plane_normal=normal)
    best = None
    for loop in path.discrete:
        seg = np.linalg.norm(np.diff(loop, axis=0), axis=1)
        mid = 0.5 * (loop[1:] + loop[:-1])
        c = (mid * seg[:, None]).sum(0) / seg.sum()
        if best is None or np.linalg.norm(c - near) < np.linalg.norm(best - near):
            best = c
    return best


# ----------------------------------------------------------------------------
# Mesh quality
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("bone", BONES)
def test_mesh_is_closed_outward_and_light(meshes, bone):
    mesh = meshes[bone]
    assert mesh.is_watertight
    assert mesh.is_winding_consistent
    assert mesh.volume > 0, "normals point inward"
    assert 3000 <= len(mesh.faces) <= 25000


def test_whole_skeleton_is_light_enough(meshes):
    assert sum(len(m.faces) for m in meshes.values()) <= 60000


def test_meshes_are_in_metres():
    pelvis = trimesh.load(MESH_DIR / "pelvis.ply", process=False)
    assert 0.2 < np.ptp(pelvis.vertices[:, 2]) < 0.4


# ----------------------------------------------------------------------------
# Landmark files
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("bone", BONES)
def test_landmark_file_format_and_names(bone):
    data = tomllib.loads((MESH_DIR / f"{bone}.landmarks.toml").read_text())
    assert data["bone"] == bone
    assert data["units"] == "mm"
    assert REQUIRED[bone.split("_")[0]] <= set(data["landmarks"])
    for entry in data["landmarks"].values():
        assert len(entry["position"]) == 3 and entry["description"]


@pytest.mark.parametrize("bone", BONES)
def test_surface_landmarks_lie_on_their_bone(meshes, landmarks, bone):
    tree = surface_tree(meshes[bone])
    for name, pos in landmarks[bone].items():
        if name not in INTERIOR:
            dist, _ = tree.query(pos)
            assert dist < 4.0, f"{bone}.{name} is {dist:.1f} mm from the surface"


def test_left_landmarks_mirror_right(landmarks):
    flip = np.array([1.0, 1.0, -1.0])
    pelvis = landmarks["pelvis"]
    for name, pos in pelvis.items():
        if name.endswith("_r"):
            np.testing.assert_allclose(pelvis[name[:-2] + "_l"], pos * flip, atol=0.06)
    for bone in ("femur", "tibia"):
        right, left = landmarks[f"{bone}_r"], landmarks[f"{bone}_l"]
        assert set(right) == set(left)
        for name in right:
            np.testing.assert_allclose(left[name], right[name] * flip, atol=0.06)


def test_frames_put_joint_centres_where_agreed(landmarks):
    np.testing.assert_allclose(landmarks["femur_r"]["hip_center"], [0, 0, 0], atol=0.1)
    np.testing.assert_allclose(landmarks["femur_r"]["knee_center"], [0, -415, 0], atol=0.1)
    np.testing.assert_allclose(landmarks["tibia_r"]["knee_center"], [0, 0, 0], atol=0.1)
    np.testing.assert_allclose(landmarks["tibia_r"]["ankle_center"], [0, -400, 0], atol=0.1)
    pel = landmarks["pelvis"]
    np.testing.assert_allclose(pel["hip_center_r"] + pel["hip_center_l"], 0, atol=0.1)
    # ISB: the ASISs and the PSIS midpoint at the same height (ASIS-PSIS line level)
    assert abs(pel["asis_r"][1] - 0.5 * (pel["psis_r"][1] + pel["psis_l"][1])) < 3.0


# ----------------------------------------------------------------------------
# Pelvis
# ----------------------------------------------------------------------------

def test_pelvis_widths(meshes, landmarks):
    pel = landmarks["pelvis"]
    assert 220 <= np.linalg.norm(pel["asis_r"] - pel["asis_l"]) <= 260
    assert 160 <= np.linalg.norm(pel["hip_center_r"] - pel["hip_center_l"]) <= 190
    assert 80 <= np.linalg.norm(pel["psis_r"] - pel["psis_l"]) <= 100
    assert 270 <= np.ptp(meshes["pelvis"].vertices[:, 2]) <= 300     # bi-iliac breadth
    depth = 0.5 * (pel["asis_r"] + pel["asis_l"]) - 0.5 * (pel["psis_r"] + pel["psis_l"])
    assert 140 <= np.linalg.norm(depth) <= 180


def test_pelvis_is_left_right_symmetric(meshes):
    v = meshes["pelvis"].vertices
    mirrored = v * [1.0, 1.0, -1.0]
    dist, _ = surface_tree(meshes["pelvis"]).query(mirrored)
    assert dist.max() < 1.0                          # within 1 mm of the surface
    dist, _ = cKDTree(v).query(mirrored)
    assert dist.max() < 0.01                         # in fact vertex for vertex


@pytest.mark.parametrize("side", ["r", "l"])
def test_hip_centre_sits_in_a_deep_acetabulum(meshes, landmarks, side):
    pelvis = meshes["pelvis"]
    centre = landmarks["pelvis"][f"hip_center_{side}"]
    lateral = np.array([0.0, 0.0, 1.0 if side == "r" else -1.0])
    dist, _ = surface_tree(pelvis).query(centre)
    assert 24.0 <= dist <= 30.0
    # outside the bone: an even number of crossings along a ray leaving laterally
    assert len(ray_hits(pelvis, centre, unit(lateral + [0.3, -0.7, 0]))) % 2 == 0
    for direction in (-lateral, [0.0, 1.0, 0.0], [-1.0, 0.0, 0.0]):
        hits = ray_hits(pelvis, centre, np.asarray(direction, float))
        assert len(hits) and hits[0] < 40.0, f"no acetabular wall along {direction}"


def test_femoral_head_fits_its_socket(meshes, landmarks):
    head = meshes["femur_r"].vertices
    head = head[np.linalg.norm(head, axis=1) < 30.0]
    _, radius = fit_sphere(head[head[:, 1] > -5.0])
    socket, _ = surface_tree(meshes["pelvis"]).query(landmarks["pelvis"]["hip_center_r"])
    assert radius < socket < radius + 4.0


# ----------------------------------------------------------------------------
# Femur
# ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def femur_axes(meshes, landmarks):
    """Head centre, head radius, neck axis and shaft axis measured on femur_r."""
    mesh, lm = meshes["femur_r"], landmarks["femur_r"]
    v = mesh.vertices
    neck_guess = unit(lm["hip_center"] - lm["femoral_neck"])
    head = v[(np.linalg.norm(v, axis=1) < 30.0) & (v @ neck_guess > -8.0)]
    centre, radius = fit_sphere(head)
    # shaft: centres of cross-sections between the trochanters and the condyles
    ys = np.arange(-100.0, -301.0, -25.0)
    cents = np.array([section_centre(mesh, [0, y, 0], [0, 1, 0], [0, y, 0]) for y in ys])
    shaft = np.linalg.svd(cents - cents.mean(0))[2][0]
    shaft = shaft if shaft[1] > 0 else -shaft
    # neck: iterate the axis through the head centre and the neck's section centre
    neck = neck_guess
    for _ in range(6):
        base = centre - 30.0 * neck
        neck = unit(centre - section_centre(mesh, base, neck, base))
    return {"centre": centre, "radius": radius, "neck": neck, "shaft": shaft}


def test_femur_length(meshes):
    y = meshes["femur_r"].vertices[:, 1]
    assert 430 <= y.max() - y.min() <= 480


def test_femoral_head_is_a_sphere_on_the_hip_centre(femur_axes):
    assert 43.0 <= 2 * femur_axes["radius"] <= 50.0
    assert np.linalg.norm(femur_axes["centre"]) < 2.0


def test_neck_shaft_angle(femur_axes):
    nsa = 180.0 - angle_deg(femur_axes["neck"], femur_axes["shaft"])
    assert 125.0 <= nsa <= 130.0


def test_femoral_anteversion(femur_axes, landmarks, meshes):
    """Neck against the transcondylar and posterior condylar axes, seen along y."""
    lm = landmarks["femur_r"]
    neck = femur_axes["neck"] * [1.0, 0.0, 1.0]
    epicondylar = (lm["lateral_epicondyle"] - lm["medial_epicondyle"]) * [1.0, 0.0, 1.0]
    # the neck points medially (-z) and forward (+x) in a right femur
    ante = angle_deg(neck, -epicondylar)
    assert neck[0] > 0 and 10.0 <= ante <= 15.0
    v = meshes["femur_r"].vertices
    distal = v[v[:, 1] < -400]
    med = distal[distal[:, 2] < -10]
    lat = distal[distal[:, 2] > 10]
    posterior = (lat[lat[:, 0].argmin()] - med[med[:, 0].argmin()]) * [1.0, 0.0, 1.0]
    assert 8.0 <= angle_deg(neck, -posterior) <= 17.0


def test_greater_trochanter_and_epicondyles(landmarks):
    lm = landmarks["femur_r"]
    assert abs(lm["greater_trochanter"][1]) <= 15.0          # tip level with the head
    assert 50.0 <= lm["greater_trochanter"][2] <= 65.0
    assert 80.0 <= np.linalg.norm(lm["lateral_epicondyle"] - lm["medial_epicondyle"]) <= 95.0


@pytest.mark.parametrize("bone", ["femur", "tibia"])
def test_left_bone_is_the_exact_mirror_of_the_right(meshes, bone):
    right, left = meshes[f"{bone}_r"], meshes[f"{bone}_l"]
    np.testing.assert_allclose(left.vertices, right.vertices * [1.0, 1.0, -1.0], atol=1e-6)
    np.testing.assert_array_equal(left.faces, right.faces[:, ::-1])


# ----------------------------------------------------------------------------
# Knee
# ----------------------------------------------------------------------------

def test_femur_and_tibia_meet_at_the_knee(meshes, landmarks):
    knee = landmarks["femur_r"]["knee_center"]
    condyles = meshes["femur_r"].vertices[:, 1].min() - knee[1]
    tibia = meshes["tibia_r"].vertices
    plateau = tibia[(tibia[:, 1] > -40) & (np.abs(tibia[:, 2]) > 15) & (tibia[:, 2] < 38)]
    assert -29.0 <= condyles <= -21.0
    assert abs(plateau[:, 1].max() - condyles) < 5.0
    assert 68.0 <= np.ptp(tibia[tibia[:, 1] > -35][:, 2]) <= 85.0    # plateau width


# ----------------------------------------------------------------------------
# Generator
# ----------------------------------------------------------------------------

def test_generator_is_deterministic(tmp_path):
    """Rebuild the tibiae (the smallest bones) and compare byte for byte."""
    script = REPO / "tools" / "generate_meshes.py"
    subprocess.run([sys.executable, str(script), "--only", "tibia", "--out", str(tmp_path),
                    "--no-images"], check=True, capture_output=True, timeout=120)
    for name in ("tibia_r.ply", "tibia_l.ply", "tibia_r.landmarks.toml",
                 "tibia_l.landmarks.toml"):
        assert (tmp_path / name).read_bytes() == (MESH_DIR / name).read_bytes(), name
