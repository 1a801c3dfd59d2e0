"""Muscle paths stay outside the bones over the joints' whole range (``tools/check_paths.py``).

Every bundle of the right side is evaluated over a grid of 600 poses spanning the hip's and the
knee's ranges; no path sample may lie more than 3 mm inside the pelvis, femur or tibia (depths
from a 1 mm voxel distance field, good to about half a millimetre). The left femur is left out:
with the right thigh adducted 30 deg in front of a standing left leg the two thighs overlap,
which no wrapping surface on the right leg's bones can (or should) change.

Paths are judged only over the poses the bones themselves allow. At the combined ends of the
ranges the femur runs into the pelvis: the femoral neck into the acetabular rim, the iliopubic
eminence or the anterior inferior iliac spine at flexion with adduction and internal rotation
(femoroacetabular impingement, the FADIR test), into the posterior rim at extension with external
rotation, and the lesser trochanter and proximal shaft into the ischial tuberosity at extension or
neutral with adduction and external rotation (ischiofemoral impingement). A real hip stops where
bone meets bone, so a muscle path in such a pose means nothing. ``check_paths.bone_overlap``
looks every mesh vertex of the femur up in the pelvis's distance field and every vertex of the
pelvis in the femur's (likewise tibia and femur), and a pose is excluded when the deeper way
exceeds the same 3 mm tolerance. Measured: 88 of the 600 poses are excluded (22 of the 150 hip
poses, each at its four knee angles), all by femur and pelvis; tibia and femur overlap by 0.6 mm
at most. The tests below hold that count to at most 88, check that the overlap measure does see
the impingement (the FADIR pose is excluded, the femur 15.9 mm into the pelvis there), and that
neutral and the validated range (flexion 0-90 deg with zero adduction and rotation, knee 0-140
deg) are never excluded.

Bundles that do not yet meet 3 mm over the allowed poses are listed in :data:`KNOWN_DEEPER` with
the depth measured when they were listed: they must not get deeper, and the test fails (strict)
when one of them meets the tolerance, so that the list only shrinks.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
TOLERANCE_MM = 3.0
#: How many of the 600 poses the bones exclude (measured: 88, all femur against pelvis). More
#: needs a reason: the bones' meshes or the joints changed, not the muscles.
MAX_EXCLUDED_POSES = 88
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
#: Then the paths were judged only over the 512 poses the bones allow (88 excluded where the femur
#: runs into the pelvis, see the module docstring): every bundle whose worst pose had an attachment
#: inside the other bone is now judged at another pose, and gluteus minimus anterior (6.8 -> 1.0 mm)
#: meets 3 mm (rectus femoris 14.5 -> 11.0, quadratus femoris 10.9 -> 5.4, biceps 12.2 -> 6.3,
#: semitendinosus 8.2 -> 7.5, gemellus inferior 6.5 -> 3.2, gluteus maximus superior 10.9 -> 9.4,
#: piriformis 5.8 -> 4.3, obturator externus 7.4 -> 4.7, adductor longus 6.9 -> 6.1, brevis
#: 6.6 -> 6.1). Then wrapping surfaces for structures the rest cut through, each touched only
#: away from the validated range (the toml files say where; the moment arms from 0 to 90 deg of
#: flexion move by 0.03 cm at most): gluteus maximus superior over the greater trochanter
#: (9.4 -> 2.8, off the list), quadratus femoris round the intertrochanteric crest (5.4 -> 2.1, off
#: the list), rectus femoris over the front of the greater trochanter with its suprapatellar point
#: 2 mm forward in front of the distal femur (11.0 -> 4.4). Found but not applied, because each
#: obstacle costs the moment-arm kernel about 5 % (benchmarks/bench_moment_arms.py), and a second
#: on a segment whose first is often touched (the hamstrings' knee cylinder, obturator externus's
#: neck cylinder) doubles it: a sphere over the back of the proximal femur for adductor magnus's
#: ischiocondylar part (9.3 -> 5.5), biceps (6.3 -> 3.9) and semimembranosus (8.6 -> 6.0), that and one round
#: the front of the ischial tuberosity for semitendinosus (7.5 -> 4.9), one past the lesser
#: trochanter for obturator externus (4.7 -> 3.9); and gluteus maximus middle round the proximal
#: shaft (10.8 -> 8.5) made the several-obstacle iteration oscillate against the 50 mm hip cylinder,
#: whose origin lies inside it. Left: iliopsoas (both parts cut the pelvic brim next to the
#: iliopectineal eminence in most poses, the validated range included, so a surface there moves
#: the flexion arm that matches Arnold et al. 2000), pectineus (6 mm into the superior pubic ramus
#: already at neutral), adductor longus (its linea aspera insertion lies 5 mm inside the shaft, but
#: on the surface it becomes a small external rotator against the published internal one), the
#: other adductors and gracilis at the pubic rami, sartorius and piriformis (a sphere gave
#: 0.2-0.5 mm).
#: Then (issue 13, item 5), with spheres wrapped only where a line comes near them (so that a sphere
#: costs the kernel little): spheres over the back of the proximal femur (intertrochanteric crest,
#: quadrate tubercle) for the hamstrings and adductor magnus's ischiocondylar part, and about the
#: ischial tuberosity's lower part for semimembranosus, semitendinosus and the ischiocondylar part,
#: with their origins 1-2 mm along the tuberosity (biceps 6.3 -> 1.9, semimembranosus 8.6 -> 2.1,
#: semitendinosus 7.5 -> 2.2, ischiocondylar 9.3 -> 2.1 mm, all off the list); a cylinder in the superior pubic ramus
#: for pectineus with its origin on the pecten's surface (7.9 -> 2.3, off); larger spheres for the back of
#: the hip joint (head, capsule, posterior rim) for piriformis (31 mm: 4.3 -> 2.1) and gemellus
#: superior (29 mm: 3.2 -> 2.7), both off; attachments moved by 1-6 mm along their bone (each
#: searched with the moment arms from 0 to 90 deg of flexion held within 0.3 cm, the attachment on
#: the bone's surface): gemellus inferior 3.2 -> 2.4 and sartorius (origin into the notch below the
#: ASIS) 5.8 -> 3.0, off; gluteus maximus middle 10.8 -> 8.5 and inferior 8.6 -> 8.2 (insertions
#: further back on the gluteal tuberosity), obturator externus 4.7 -> 3.7, rectus femoris 4.4 ->
#: 4.2 (its trochanter sphere 12 mm lower), adductor magnus proximal 5.9 -> 5.2, gracilis 5.0 ->
#: 4.8. Adductor longus and brevis stay at 6.1: a cylinder in the lower edge of the pubic body with
#: longus's insertion out of the shaft (6.1 -> 2.5 mm) and a sphere in the inferior ramus's edge
#: for brevis (6.1 -> 4.3) moved their moment arms by 0.2-0.3 cm, which is enough to tip the
#: near-ties of the prime-mover tests (longus outranked rectus femoris in a straight-leg raise,
#: iliopsoas brevis at 90 deg of adduction, and longus no longer led a step of the hip circles);
#: with longus's insertion on the shaft's surface its rotation arm at neutral turns external
#: (test_validation). 20 of 30 bundles meet 3 mm.
#: Left: iliopsoas still cuts the pelvic brim and the ilium above the acetabulum (no change of its
#: cylinder or points helped), rectus femoris meets the front of the acetabular rim and the
#: inferior pubic ramus only with the thigh extended, adducted 30 deg and turned in, gluteus
#: maximus cuts the ischium in front of its hip cylinder with the hip flexed and adducted, and the
#: adductors and gracilis the pubic rami next to their origins.
#: Then obturator externus (3.7 -> 2.6 mm, off the list): its origin 5 mm out towards the obturator
#: foramen's lateral margin so that the tendon runs in the infracotyloid groove instead of through
#: the ischium below the acetabulum, its insertion 2 mm further back in the trochanteric fossa and
#: the neck's cylinder 17.5 mm (was 18) and 1 mm lower (moment arms from 0 to 90 deg of flexion move
#: by 0.12 cm at most). Tried and not applied (each searched with the validated moment arms held):
#: one sphere about the ischium behind the hip cylinder for gluteus maximus (middle 8.5 -> 7.8,
#: inferior 8.2 -> 7.3: the inferior part cuts the posterior acetabular column already at 60-90 deg
#: of flexion with zero adduction and rotation, where its cylinder sets the validated extension arm,
#: and the middle part also the shaft next to its insertion in abduction with internal rotation);
#: one sphere in the ischiopubic ramus for adductor brevis (6.1 -> 4.9) and adductor magnus's
#: proximal part (5.2 -> 4.9, which is 3.6 mm deep already at neutral); one in front of the
#: acetabular rim for rectus femoris (4.2 -> 3.6, its second spot on the inferior pubic ramus
#: needs another); and for psoas one at the iliopubic eminence (9.2 -> 8.9; its other spot, the
#: ilium above the acetabulum in abduction, no sphere there moved).
#: Then (each bundle searched again, the moment arms over flexion 0-90 deg and adduction and
#: rotation sweeps at 0 and 90 deg held within 0.3 cm): rectus femoris got a 13.4 mm sphere inscribed
#: in the front of the acetabular wall below the iliopubic eminence, touched only at extension with
#: 30 deg of adduction (4.2 -> 2.8, off the list; arms unchanged to 0.0001 cm); adductor longus a
#: 7 mm sphere inscribed in the pubic body beside its origin (6.1 -> 4.9: left, the inferior ramus
#: in adduction from extension and its insertion, 4.5 mm inside the shaft) and brevis a 5 mm one in
#: the ischiopubic ramus (6.1 -> 5.0: the line crosses the ramus along 40 mm of it, more than one
#: sphere covers), both never touched in those sweeps. Not changed, found: gracilis's and adductor
#: magnus proximal's origins lie on the inner (pelvic) face of the pubis and ramus, and the line runs
#: through the bone just past them (gracilis 4.1-4.5 mm inside already at 60-90 deg of flexion):
#: on the outer face, where the anatomy puts them, they clear the bone (0.3 and 1.7-2.2 mm) but their
#: flexion and adduction arms move 0.7-1.9 cm, which needs the moment arms validated anew (a data
#: change for its own issue, not a wrap). Gluteus maximus middle and inferior cut the posterior
#: column of the ischium in front of the 50 mm hip cylinder (the inferior part already at 30-90 deg
#: of flexion with no adduction or rotation, 4.0-7.3 mm), and the middle part also the shaft at
#: 45 deg of abduction with internal rotation, where its insertion lies inside the cylinder's radius;
#: the best sphere and attachment searches gave 8.1 and 7.3 mm. Iliacus and psoas: a via point in
#: the groove between the AIIS and the iliopubic eminence (200 positions) gave 6.9-7.7 mm but moved
#: the arms by 0.8 cm or more, and 6.9 mm of both comes from the piece between their two
#: lesser-trochanter points through the ischium at extension with adduction, which no pelvic surface
#: changes. 22 of 30 bundles meet 3 mm.
#: Then gracilis's origin went from the inner (pelvic) face of the pubis to the outer (thigh-side)
#: face of the inferior pubic ramus, at its lower margin where the ramus leaves the pubic body
#: (searched over the surface there, no wrap): 4.8 -> 1.4 mm, off the list. Its arms at neutral
#: moved towards the published ranges: flexion 4.3 -> 3.4 cm (2-3), adduction 7.5 -> 6.2 (6-9),
#: rotation -0.9 -> -0.7 (+0.3..0.7; set by the path behind the medial femoral condyle, not the
#: origin). 23 of 30 bundles meet 3 mm.
#: Adductor magnus proximal tried the same way and not changed: on the outer (lateral) face of the
#: ramus with its insertion moved onto the shaft's posteromedial surface below the pectineal line
#: (both searched on the bones' surfaces) it clears the bone to 1.6 mm with its arms at neutral and
#: the whole muscle's Nemeth & Ohlsen curve no further from the published ones (flexion 2.5 -> 2.4
#: cm), but its adduction arm at 90 deg of flexion falls 4.9 -> 3.8 cm (the outer face lies 10 mm
#: more lateral), and adductor magnus drops from 19 % to under iliopsoas's 13 % of standing
#: adduction at 90 deg (test_prime_movers); none of five outer-face variants tried (lower margin
#: included) kept it above 11 %.
#: Then adductor brevis (5.0 -> 3.0 mm, 2.98, off the list): its line crosses the ischiopubic ramus edge on,
#: almost in the ramus's plane, along 40 mm of it, so its 5 mm sphere became a 5 mm cylinder along the
#: ramus's mid-line (the belly passes round its outer face), with the origin and insertion 0.2-0.3 mm
#: off; touched over the validated sweeps only at 20 deg of adduction with the hip straight (adduction
#: arm 7.35 -> 7.06 cm there, every other arm within 0.03 cm). The same cylinder did not help adductor
#: magnus proximal (5.2 -> 4.6 with 0.2 cm arm changes: 3.6 mm inside already at neutral) or longus
#: (its insertion, 4.5 mm inside the shaft, keeps it over 4 mm in every pose). 24 of 30 bundles meet 3 mm.
#: Then the six left were searched again (none changed; each searched with the arms held within
#: 0.3 cm). Gluteus maximus middle and inferior cut the ischium's posterior column in the
#: validated poses themselves (inferior 4.0-7.3 mm at flexion 30-90 deg with no adduction or
#: rotation, middle 6.7 mm at 30 deg of adduction), where holding the arms pins the paths: moving
#: both attachments reaches 6.85 and 7.5 mm; a cylinder along the column's posterior border clears
#: the bone (inferior 8.2 -> 2.8 mm) but moves the arms ~2 cm (the adduction arm up to 5 cm), which
#: needs them validated anew. Iliacus and psoas run from the iliac fossa through the ilium above the
#: acetabulum (iliacus 5.4 mm inside already at neutral); ~7,500 obstacles tried per bundle: 1 mm
#: less costs 0.6-0.9 cm of moment arm, 5 mm 1.4-1.7 cm; a sphere at the brim takes psoas's brim
#: piece 9.2 -> 7.2 mm but the bundle only to 8.8 (its ilium piece), so it was not added. These four
#: need their paths (and arms) redrawn against the bone, not a wrap. Found on the way and fixed
#: (paths: an end under a wrapping surface): gluteus maximus middle's insertion enters its hip
#: cylinder beyond ~40 deg of abduction, where its arms jumped (adduction +0.4 -> +9.2 cm).
KNOWN_DEEPER: dict[tuple[str, str], float] = {
    ("gluteus_maximus", "middle"): 8.5,
    ("gluteus_maximus", "inferior"): 8.2,
    ("iliopsoas", "iliacus"): 8.8,
    ("iliopsoas", "psoas"): 9.2,
    ("adductor_longus", "main"): 4.9,
    ("adductor_magnus", "proximal"): 5.2,
}


def _check_paths():
    spec = importlib.util.spec_from_file_location("check_paths", ROOT / "tools" / "check_paths.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def allowed(model):
    """(poses, ok, overlap): the grid, the poses the bones allow, and the bone-against-bone measure."""
    cp = _check_paths()
    poses = cp.grid_poses()
    ok, overlap = cp.reachable(model, poses, tolerance_mm=TOLERANCE_MM)
    return poses, ok, overlap


@pytest.fixture(scope="module")
def depths(model, allowed):
    cp = _check_paths()
    poses, ok, _ = allowed
    d = cp.inside_depths(model, poses)[ok] * 1000  # (allowed poses, bundles), mm
    ps = model.paths["r"]
    return {(m, b): float(d[:, i].max()) for i, (m, b) in enumerate(zip(ps.muscle_ids, ps.bundle_names))}


def test_few_poses_are_excluded_and_only_where_bones_overlap(allowed):
    poses, ok, overlap = allowed
    n_excluded = int((~ok).sum())
    assert n_excluded <= MAX_EXCLUDED_POSES, (n_excluded, len(ok))
    # excluded exactly where some joint's bones overlap by more than the tolerance
    deepest = np.max([o["depth"] for o in overlap.values()], axis=0) * 1000
    assert np.array_equal(~ok, deepest > TOLERANCE_MM)
    # the knee's bones stay clear over its whole range
    assert overlap[("tibia_r", "femur_r")]["depth"].max() * 1000 <= TOLERANCE_MM
    # the measure sees impingement: flexion 110, adduction 30, internal rotation 40 (FADIR) drives
    # the femoral neck into the front of the acetabular rim
    fadir = (poses["flexion"] == 110) & (poses["adduction"] == 30) & (poses["rotation"] == 40)
    assert not ok[fadir].any()
    assert (overlap[("femur_r", "pelvis")]["depth"][fadir] * 1000 > 10).all()


def test_neutral_and_the_validated_range_are_never_excluded(model):
    cp = _check_paths()
    grid = {"flexion": tuple(range(0, 91, 5)), "adduction": (0,), "rotation": (0,), "knee": (0, 20, 45, 70, 90, 115, 140)}
    poses = cp.grid_poses(grid)
    ok, overlap = cp.reachable(model, poses, tolerance_mm=TOLERANCE_MM)
    assert ok.all(), {k: float(o["depth"].max() * 1000) for k, o in overlap.items()}
    # the femur and pelvis do not touch at all there (0.0 mm measured), the knee 0.6 mm at most
    assert overlap[("femur_r", "pelvis")]["depth"].max() * 1000 < 1.0


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


def test_untouched_obstacles_on_one_segment_leave_the_straight_line(model):
    """Two spheres on one segment that the path does not touch (their nearest points clip to the
    same end of the line) must give the straight line's length and moment arms, not a piece of no
    length and no direction (NaN); and a third, touched obstacle on the segment (the hamstrings'
    knee cylinder) must wrap as it does alone."""
    from hipviz.core.model import knee_axis_offset
    from hipviz.core.muscles import parse_muscle
    from hipviz.core.paths import compile_paths, path_kinematics

    def bundle(wraps):
        return {"name": f"b{len(wraps)}", "path": [
            {"bone": "pelvis", "at": "ischial_tuberosity", "offset_mm": [-3, 0, 0]},
            {"bone": "tibia", "at": "medial_tibial_condyle", "offset_mm": [-24, -34, -12]}], "wraps": wraps}

    far = [{"segment": 0, "shape": "sphere", "bone": "pelvis", "at": "ischial_tuberosity", "offset_mm": [60, 60, -40], "radius_mm": 5},
           {"segment": 0, "shape": "sphere", "bone": "femur", "at": "quadrate_tubercle", "offset_mm": [60, 60, -40], "radius_mm": 5}]
    knee = [{"segment": 0, "shape": "cylinder", "bone": "femur", "at": "knee_center", "offset_mm": [-5, -8, -20], "radius_mm": 28,
             "axis": [0, 0, 1], "side": [-1, 0, 0]}]
    raw = {"id": "probe", "name": "Probe", "group": "posterior", "origin": "-", "insertion": "-", "innervation": "-",
           "actions": [], "max_force_n": 1, "force_source": "-",
           "bundles": [bundle([]), bundle(far), bundle(knee), bundle(far + knee)]}
    ps = compile_paths([parse_muscle(raw, "probe")], model.canonical["r"], knee_axis_offset=knee_axis_offset())
    rng = np.random.default_rng(1)
    q = np.radians(np.column_stack([rng.uniform(-20, 110, 200), rng.uniform(-45, 30, 200), rng.uniform(-45, 40, 200)]))
    k = np.radians(rng.uniform(0, 140, 200))
    out = path_kinematics(ps, q, k)
    ma, length = out["moment_arm"], out["length"]
    assert np.isfinite(ma).all() and np.isfinite(length).all()
    assert not out["wrapping"][:, :2].any()  # the far spheres are never touched
    np.testing.assert_allclose(length[:, 1], length[:, 0], atol=1e-9)
    np.testing.assert_allclose(ma[:, 1], ma[:, 0], atol=1e-9)
    np.testing.assert_allclose(length[:, 3], length[:, 2], atol=1e-7)
    np.testing.assert_allclose(ma[:, 3], ma[:, 2], atol=1e-6)
