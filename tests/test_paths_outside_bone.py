"""Muscle paths stay outside the bones over the joints' whole range (``tools/check_paths.py``).

Every bundle of the right side is evaluated over a grid of 600 poses spanning the hip's and the
knee's ranges; no path sample may lie more than 3 mm inside the pelvis, femur or tibia (depths
from a 1 mm voxel distance field, good to about half a millimetre). The left femur is left out:
with the right thigh adducted 30 deg in front of a standing left leg the two thighs overlap,
which no wrapping surface on the right leg's bones can (or should) change.

Bundles that do not yet meet 3 mm are listed in :data:`KNOWN_DEEPER` with the depth measured
when they were listed: they must not get deeper, and the test fails (strict) when one of them
meets the tolerance, so that the list only shrinks.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
TOLERANCE_MM = 3.0
pytestmark = pytest.mark.skipif(not (ROOT / "meshes" / "pelvis.ply").exists(), reason="bone meshes not generated")

#: (muscle, bundle) -> the deepest measured (mm), for bundles that do not yet stay within the
#: tolerance. Measured after the attachment points that lay inside bone were moved onto its surface
#: (gluteus medius and minimus origins on the outer ilium, the gemelli, obturator internus,
#: adductor longus and brevis, biceps and semitendinosus) and the greater-trochanter spheres of
#: gluteus medius and minimus: five gluteal bundles now meet 3 mm and left this list.
#: Sartorius then got a sphere at the front of the pelvis (8.9 -> 5.8 mm).
#: Why the rest are still here: the path kernel now takes several obstacles per path segment
#: (tried by a search for inscribed spheres added to each of these bundles, keeping the moment
#: arms over the validated range within 1.5 mm: it brought none under 3 mm, e.g. semimembranosus
#: 21.8 -> 11.7 mm, gluteus maximus superior 10.9 -> 4.9 mm, and is not applied yet), and these
#: bundles either need a second one where the first is taken (the hamstrings' knee cylinder, the
#: deep six's femoral-head sphere, obturator externus's neck cylinder, gluteus maximus's hip
#: cylinder) or cut a corner of the pubis or ischium next to their origin at the combined ends of
#: the ranges (flexion 110 deg with adduction 30 deg, or extension with full rotation), where an
#: inscribed or tangent sphere fitted to the bone (tried for every one of them by search) did not
#: bring them under 3 mm without moving a validated moment arm. Gluteus minimus anterior meets
#: the acetabular rim at flexion-adduction-internal rotation, the impingement position itself.
#: Then each bundle was diagnosed (worst pose, piece of the path, bone, point): obturator internus's
#: piece between its two pelvic points cut 6 mm through the ischium in every pose (its inner point
#: moved along the inner face of the ischium, and a 27 mm head sphere clearing the posterior
#: acetabular rim: 6.0 -> 2.9 mm, off this list) and gemellus superior started through the ischial
#: spine (origin moved 8 mm laterally on the spine's outer face: 8.1 -> 3.2 mm, the rest at the
#: posterior acetabular rim). Several of the others are bone against bone, not a path problem: in
#: their worst poses an attachment itself lies inside the other bone (``check_paths.py --diagnose``;
#: each with the worst depth over the other poses: rectus femoris's AIIS origin inside the
#: femoral neck at flexion 110 deg with adduction and internal rotation, 11.0 mm; quadratus femoris's ischial origin inside the lesser trochanter at extension,
#: adduction and external rotation, 5.4 mm; gemellus inferior 3.2 mm, biceps 7.5, semitendinosus
#: 7.5, gluteus minimus anterior 1.0), which no obstacle or via point can change. Semimembranosus
#: was 21.8 mm at knee 140 deg while the tibia swung into the femoral condyles; with the knee's
#: flexion axis through the posterior condyles (segments.toml [knee]) the bones no longer overlap and
#: it is 8.6 mm (psoas 8.9 -> 9.2 and biceps 12.0 -> 12.2 mm moved with the knee's new geometry).
KNOWN_DEEPER: dict[tuple[str, str], float] = {
    ("gluteus_maximus", "superior"): 10.9,
    ("gluteus_maximus", "middle"): 10.8,
    ("gluteus_maximus", "inferior"): 8.6,
    ("gluteus_minimus", "anterior"): 6.8,
    ("piriformis", "main"): 5.8,
    ("gemellus_superior", "main"): 3.2,
    ("gemellus_inferior", "main"): 6.5,
    ("quadratus_femoris", "main"): 10.9,
    ("obturator_externus", "main"): 7.4,
    ("iliopsoas", "iliacus"): 8.8,
    ("iliopsoas", "psoas"): 9.2,
    ("sartorius", "main"): 5.8,
    ("rectus_femoris", "main"): 14.5,
    ("pectineus", "main"): 7.9,
    ("adductor_longus", "main"): 6.9,
    ("adductor_brevis", "main"): 6.6,
    ("adductor_magnus", "proximal"): 5.9,
    ("adductor_magnus", "ischiocondylar"): 9.3,
    ("gracilis", "main"): 5.0,
    ("biceps_femoris_long_head", "main"): 12.2,
    ("semitendinosus", "main"): 8.2,
    ("semimembranosus", "main"): 8.6,
}


def _check_paths():
    spec = importlib.util.spec_from_file_location("check_paths", ROOT / "tools" / "check_paths.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def depths(model):
    cp = _check_paths()
    d = cp.inside_depths(model, cp.grid_poses()) * 1000  # (poses, bundles), mm
    ps = model.paths["r"]
    return {(m, b): float(d[:, i].max()) for i, (m, b) in enumerate(zip(ps.muscle_ids, ps.bundle_names))}


def test_the_depth_field_measures_the_bone(model):
    import trimesh

    cp = _check_paths()
    lo, depth = cp.depth_grid(str(model.mesh_files["femur_r"]), (0.0, 0.0, 0.0))
    volume = float((depth > 0).sum()) * cp.PITCH ** 3
    assert volume == pytest.approx(trimesh.load(model.mesh_files["femur_r"]).volume, rel=0.02)
    # half way down, the centre of the femoral shaft lies deep inside, 20 cm in front of it is outside
    v = trimesh.load(model.mesh_files["femur_r"], process=False).vertices
    shaft = v[np.abs(v[:, 1] + 0.2) < 0.005].mean(axis=0)
    from scipy.ndimage import map_coordinates
    at = map_coordinates(depth, (((np.array([shaft, shaft + [0.2, 0, 0]]) - lo) / cp.PITCH).T), order=1)
    assert at[0] > 0.006 and at[1] == 0.0


def test_every_path_stays_outside_bone_within_3_mm(depths):
    over = {k: round(v, 1) for k, v in depths.items() if v > TOLERANCE_MM and k not in KNOWN_DEEPER}
    assert not over, f"paths more than {TOLERANCE_MM} mm inside bone (deepest over 600 poses, mm): {over}"


@pytest.mark.parametrize("key", sorted(KNOWN_DEEPER))
def test_known_deeper_paths_get_no_deeper(depths, key):
    assert depths[key] <= KNOWN_DEEPER[key] + 0.5, (key, depths[key])
    if depths[key] <= TOLERANCE_MM:
        pytest.fail(f"{key} now stays within {TOLERANCE_MM} mm ({depths[key]:.1f} mm): take it off KNOWN_DEEPER")
