"""Muscle paths, lengths and moment arms: textbook actions, reversals, smoothness, symmetry."""
from __future__ import annotations

import numpy as np
import pytest

import hipviz
from hipviz.core.muscles import HIP_MUSCLES, MuscleDataError, load_muscle_specs, parse_muscle
from hipviz.core.paths import path_kinematics

FLEX, ADD, ROT, KNEE = range(4)

# Textbook actions at the neutral pose (reference tables 1b, 3b; ISB signs: + flexion,
# + adduction, + internal rotation, + knee flexion). Only actions the literature gives
# with a moment arm clearly over ~1 cm are listed. bundle None = every bundle.
NEUTRAL_ACTIONS = [
    ("gluteus_maximus", None, FLEX, -1), ("gluteus_maximus", None, ROT, -1),
    ("gluteus_maximus", "superior", ADD, -1), ("gluteus_maximus", "inferior", ADD, +1),
    ("gluteus_medius", None, ADD, -1), ("gluteus_medius", "anterior", ROT, +1),
    ("gluteus_medius", "posterior", ROT, -1), ("gluteus_medius", "posterior", FLEX, -1),
    ("gluteus_minimus", None, ADD, -1), ("gluteus_minimus", "anterior", ROT, +1),
    ("gluteus_minimus", "anterior", FLEX, +1),
    ("tensor_fasciae_latae", None, FLEX, +1), ("tensor_fasciae_latae", None, ADD, -1),
    ("tensor_fasciae_latae", None, ROT, +1),
    ("piriformis", None, ROT, -1),
    ("gemellus_superior", None, ROT, -1), ("obturator_internus", None, ROT, -1),
    ("gemellus_inferior", None, ROT, -1), ("quadratus_femoris", None, ROT, -1),
    ("quadratus_femoris", None, ADD, +1), ("obturator_externus", None, ADD, +1),
    ("obturator_externus", None, ROT, -1),
    ("iliopsoas", None, FLEX, +1),
    ("sartorius", None, FLEX, +1), ("sartorius", None, ADD, -1), ("sartorius", None, KNEE, +1),
    ("rectus_femoris", None, FLEX, +1), ("rectus_femoris", None, KNEE, -1),
    ("pectineus", None, FLEX, +1), ("pectineus", None, ADD, +1),
    ("adductor_longus", None, ADD, +1), ("adductor_longus", None, FLEX, +1),
    ("adductor_brevis", None, ADD, +1), ("adductor_brevis", None, FLEX, +1),
    ("adductor_magnus", None, ADD, +1), ("adductor_magnus", "ischiocondylar", FLEX, -1),
    ("gracilis", None, ADD, +1), ("gracilis", None, KNEE, +1),
    ("biceps_femoris_long_head", None, FLEX, -1), ("biceps_femoris_long_head", None, KNEE, +1),
    ("semitendinosus", None, FLEX, -1), ("semitendinosus", None, KNEE, +1),
    ("semimembranosus", None, FLEX, -1), ("semimembranosus", None, KNEE, +1),
]


def _arms(model, side="r", **pose):
    st = hipviz.evaluate(model, pose, side="right" if side == "r" else "left", with_paths=False)
    return st.muscles[side]


def _select(ms, muscle, bundle=None):
    idx = [i for i, (m, b) in enumerate(zip(ms.muscle_ids, ms.bundle_names)) if m == muscle and (bundle is None or b == bundle)]
    assert idx, (muscle, bundle)
    return idx


def test_all_21_muscles_with_their_data(model):
    ids = [m.id for m in model.muscles]
    assert ids == list(HIP_MUSCLES)
    for m in model.muscles:
        assert m.name and m.origin and m.insertion and m.innervation and m.actions and m.force_source
        assert m.max_force_n > 0
        assert m.group in {"anterior", "medial", "posterior", "lateral", "deep_six"}
    bundles = {m.id: [b.name for b in m.bundles] for m in model.muscles}
    for broad in ("gluteus_maximus", "gluteus_medius", "gluteus_minimus", "adductor_magnus"):
        assert len(bundles[broad]) == 3
    assert "ischiocondylar" in bundles["adductor_magnus"]
    assert bundles["iliopsoas"] == ["iliacus", "psoas"]


@pytest.mark.parametrize("muscle,bundle,coord,sign", NEUTRAL_ACTIONS)
def test_textbook_action_at_neutral(model, muscle, bundle, coord, sign):
    ms = _arms(model)
    for i in _select(ms, muscle, bundle):
        r = ms.moment_arm[0, i, coord]
        assert np.sign(r) == sign and abs(r) > 0.002, f"{muscle}/{ms.bundle_names[i]} coordinate {coord}: {r * 100:.2f} cm"


def test_piriformis_turns_internal_rotator_in_deep_flexion(model):
    st = hipviz.evaluate(model, {"flexion": np.arange(0, 111, 5)}, with_paths=False)
    r = st.muscles["r"].moment_arm[:, _select(st.muscles["r"], "piriformis")[0], ROT]
    assert r[0] < -0.01                   # external rotator near neutral
    assert r[-1] > 0.005                  # internal rotator at 110 deg
    switch = np.arange(0, 111, 5)[np.argmax(r > 0)]
    assert 50 <= switch <= 95, switch     # published switch ~60-90 deg


def test_adductor_longus_flexes_from_extension_and_extends_from_deep_flexion(model):
    angles = np.arange(-20, 111, 5)
    st = hipviz.evaluate(model, {"flexion": angles}, with_paths=False)
    r = st.muscles["r"].moment_arm[:, _select(st.muscles["r"], "adductor_longus")[0], FLEX]
    assert r[0] > 0.01 and r[-1] < -0.01
    switch = angles[np.argmax(r < 0)]
    assert 35 <= switch <= 80, switch     # published ~50-70 deg


def test_extensor_moment_arms_of_gracilis_and_adductor_magnus_grow_with_flexion(model):
    # Nemeth & Ohlsen 1985 / Neumann 2010: larger extension moment arms in flexion than at
    # neutral (hamstring-like arms peak somewhere around 35-75 deg)
    st = hipviz.evaluate(model, {"flexion": [0, 45, 90]}, with_paths=False)
    ms = st.muscles["r"]
    for muscle, bundle in (("gracilis", None), ("adductor_magnus", "ischiocondylar")):
        r = ms.moment_arm[:, _select(ms, muscle, bundle)[0], FLEX]
        assert r[1] < r[0] - 0.01 and r[2] < r[0] - 0.01, (muscle, r)


def test_anterior_glutei_internal_rotation_grows_with_flexion(model):
    st = hipviz.evaluate(model, {"flexion": [0, 90]}, with_paths=False)
    ms = st.muscles["r"]
    for muscle in ("gluteus_medius", "gluteus_minimus"):
        r = ms.moment_arm[:, _select(ms, muscle, "anterior")[0], ROT]
        assert r[1] > 2 * r[0] > 0


def test_moment_arm_is_minus_dlength_dangle(model):
    """The analytic moment arms equal -dL/dq by central differences, at random poses."""
    rng = np.random.default_rng(3)
    ps = model.paths["r"]
    q = np.column_stack([rng.uniform(-0.3, 1.9, 40), rng.uniform(-0.5, 0.3, 40), rng.uniform(-0.5, 0.5, 40)])
    knee = rng.uniform(0, 2.0, 40)
    out = path_kinematics(ps, q, knee)
    h = 1e-6
    for j in range(4):
        dq = np.zeros(4)
        dq[j] = h
        hi = path_kinematics(ps, q + dq[:3], knee + dq[3])["length"]
        lo = path_kinematics(ps, q - dq[:3], knee - dq[3])["length"]
        fd = -(hi - lo) / (2 * h)
        np.testing.assert_allclose(out["moment_arm"][..., j], fd, atol=2e-6, err_msg=f"coordinate {j}")


def test_moment_arm_is_minus_dlength_dangle_over_the_whole_range(model):
    """The same over the joints' whole ranges, where some attachments pass under a wrapping
    surface (gluteus maximus's insertion enters its 50 mm hip cylinder beyond ~40 deg of
    abduction): the moment arms stay -dL/dq there too."""
    rng = np.random.default_rng(5)
    ps = model.paths["r"]
    lo, hi = np.radians([[model.ranges[f"{c}_r"][k] for c in ("hip_flexion", "hip_adduction", "hip_rotation",
                                                                  "knee_flexion")] for k in (0, 1)])
    q = rng.uniform(lo, hi, (600, 4))
    q[:50, 1] = np.radians(rng.uniform(-45, -40, 50))  # far abduction, where the ends go under
    out = path_kinematics(ps, q[:, :3], q[:, 3])
    h = 1e-6
    for j in range(4):
        dq = np.zeros(4)
        dq[j] = h
        up = path_kinematics(ps, q[:, :3] + dq[:3], q[:, 3] + dq[3])["length"]
        down = path_kinematics(ps, q[:, :3] - dq[:3], q[:, 3] - dq[3])["length"]
        np.testing.assert_allclose(out["moment_arm"][..., j], -(up - down) / (2 * h), atol=5e-6,
                                   err_msg=f"coordinate {j}")


def test_gluteus_maximus_middle_arms_do_not_jump_where_its_insertion_passes_under_the_hip_cylinder(model):
    """Its adduction arm was +0.4 cm at 39 deg of abduction and +9.2 cm at 40 (a radial last piece).
    Where the insertion reaches the cylinder's surface the arms turn fast (the last piece turns
    from the tangent line onto the surface) but continuously: finer steps, smaller changes."""
    abduction = np.arange(30.0, 45.001, 0.05)
    ma = hipviz.moment_arms(model, {"abduction": abduction})
    j = [i for i, key in enumerate(zip(ma.muscle_ids, ma.bundle_names)) if key == ("gluteus_maximus", "middle")][0]
    arms = ma.moment_arm[:, j, :3]
    assert np.abs(np.diff(arms, axis=0)).max() < 0.003  # under 3 mm per 0.05 deg
    assert np.abs(arms[:, 1]).max() < 0.02  # never the 9 cm adductor


@pytest.mark.parametrize("coord,lo,hi", [(0, -20, 110), (1, -30, 20), (2, -30, 30), (3, 0, 120)])
def test_lengths_and_moment_arms_are_smooth_over_sweeps(model, coord, lo, hi):
    ps = model.paths["r"]
    angles = np.radians(np.arange(lo, hi + 0.01, 0.25))
    for base in (np.zeros(4), np.radians([60, -15, 15, 60]), np.radians([100, 10, -20, 30])):
        q = np.tile(base, (angles.size, 1))
        q[:, coord] = angles
        out = path_kinematics(ps, q[:, :3], q[:, 3])
        L, r = out["length"], out["moment_arm"][..., coord]
        step = np.radians(0.25)
        # length changes by exactly r * step per step (no jumps) ...
        assert np.abs(np.diff(L, axis=0)).max() < 0.1 * step + 1e-9 * 0 + 0.0005
        # ... and moment arms change gradually: < 2 mm per quarter degree anywhere
        jump = np.abs(np.diff(r, axis=0)).max(axis=0)
        worst = int(np.argmax(jump))
        assert jump[worst] < 0.002, f"{ps.muscle_ids[worst]}/{ps.bundle_names[worst]} jumps {jump[worst] * 1000:.1f} mm"


def test_left_and_right_give_identical_numbers_and_mirrored_paths(model):
    pose = {"flexion": 70, "adduction": -10, "rotation": 15, "knee": 40}
    r = hipviz.evaluate(model, pose, side="right")
    l = hipviz.evaluate(model, pose, side="left")
    np.testing.assert_allclose(r.muscles["r"].moment_arm, l.muscles["l"].moment_arm, atol=1e-9)
    np.testing.assert_allclose(r.muscles["r"].length, l.muscles["l"].length, atol=1e-9)
    # paths are drawn where the body stands in the room, placed on its standing foot by an
    # iterative solver that stops at 10 micrometre steps (and may start from an earlier answer):
    # mirror images to a tenth of a millimetre
    for pr, pl in zip(r.muscles["r"].paths, l.muscles["l"].paths):
        np.testing.assert_allclose(pr * [1, 1, -1], pl, atol=1e-4)


def test_paths_stay_outside_their_wrapping_obstacles(model):
    """No path point lies inside a sphere or cylinder it wraps over, across the range."""
    ps = model.paths["r"]
    rng = np.random.default_rng(4)
    n = 300
    q = np.column_stack([rng.uniform(-0.35, 1.92, n), rng.uniform(-0.5, 0.35, n), rng.uniform(-0.5, 0.5, n)])
    knee = rng.uniform(0, 2.2, n)
    out = path_kinematics(ps, q, knee, with_paths=True)
    from hipviz.core.paths import _points
    _, Rb, tb = _points(ps, q, knee, None)
    for w in range(len(ps.wrap_body)):
        b = ps.wrap_body[w]
        C = np.einsum("pij,j->pi", Rb[b], ps.wrap_center[w]) + tb[b]
        axis = np.einsum("pij,j->pi", Rb[b], ps.wrap_frame[w][:, 2])
        bundle = ps.seg_bundle[ps.wrap_seg[w]]
        pts = out["paths"][bundle] - C[:, None, :]
        if ps.wrap_shape[w] == 1:
            pts = pts - np.einsum("pk,pi->pki", np.einsum("pki,pi->pk", pts, axis), axis)
        dist = np.linalg.norm(pts, axis=-1)
        assert dist.min() > ps.wrap_radius[w] - 1e-6, f"{ps.muscle_ids[bundle]}/{ps.bundle_names[bundle]}"


def test_malformed_muscle_data_is_rejected_with_file_and_field():
    with pytest.raises(MuscleDataError, match="x.toml.group: expected one of"):
        parse_muscle({"group": "legs"}, "x.toml")
    raw = {"id": "m", "name": "M", "group": "medial", "origin": "o", "insertion": "i", "innervation": "n",
           "actions": ["adduction"], "max_force_n": 100, "force_source": "s",
           "bundles": [{"name": "a", "path": [{"bone": "pelvis", "at": "asis"}, {"bone": "knee", "at": "x"}]}]}
    with pytest.raises(MuscleDataError, match=r"bundles\[0\].path\[1\].bone: expected one of"):
        parse_muscle(raw, "m.toml")


def test_shipped_muscle_files_parse():
    specs = load_muscle_specs()
    assert len(specs) == 21
    assert sum(len(s.bundles) for s in specs) == 30


def _two_obstacle_bundle(model, order=("sphere", "cylinder")):
    """A gluteus-maximus-like path over a small sphere behind the hip, then the hip cylinder."""
    from hipviz.core.paths import compile_paths

    sphere = {"segment": 0, "shape": "sphere", "bone": "pelvis", "at": "hip_center", "offset_mm": [-62, -10, 0],
              "radius_mm": 12}
    cyl = {"segment": 0, "shape": "cylinder", "bone": "pelvis", "at": "hip_center", "radius_mm": 40,
           "axis": [0, 0, 1], "side": [-1, 0, 0]}
    wraps = [sphere if k == "sphere" else cyl for k in order]
    raw = {"id": "m", "name": "M", "group": "posterior", "origin": "o", "insertion": "i", "innervation": "n",
           "actions": ["extension"], "max_force_n": 100, "force_source": "s",
           "bundles": [{"name": "a", "path": [
               {"bone": "pelvis", "at": "sacrum_dorsal_s3", "offset_mm": [2, 12, 32]},
               {"bone": "femur", "at": "gluteal_tuberosity", "offset_mm": [0, 0, 8]}], "wraps": wraps}]}
    return compile_paths([parse_muscle(raw, "m.toml")], model.canonical["r"])


def _obstacle_clearance(ps, path):
    """Distance (m) of every point of a path of :func:`_two_obstacle_bundle` outside each obstacle."""
    dist = []
    for w in range(2):
        pts = path - ps.wrap_center[w]  # both obstacles on the pelvis, the cylinder along its z
        dist.append(np.linalg.norm(pts[..., :2] if ps.wrap_shape[w] == 1 else pts, axis=-1) - ps.wrap_radius[w])
    return dist


def _range_poses(n, seed):
    rng = np.random.default_rng(seed)
    q = np.column_stack([rng.uniform(-0.35, 1.92, n), rng.uniform(-0.8, 0.5, n), rng.uniform(-0.8, 0.7, n)])
    return q, rng.uniform(0, 2.4, n)


def test_several_obstacles_on_one_segment_are_met_in_file_order(model):
    ps = _two_obstacle_bundle(model)
    assert list(ps.wrap_shape) == [0, 1] and list(ps.wrap_seg) == [0, 0]
    assert list(ps.wrap_prev) == [-1, 0] and list(ps.wrap_next) == [1, -1]
    assert list(ps.draw_index[0]) == [0, *range(2, 2 + 2 * 7), 1]
    q, knee = _range_poses(400, 5)
    out = path_kinematics(ps, q, knee, with_paths=True)
    both = out["wrapping"].all(axis=1)
    assert both.sum() > 20 and (out["wrapping"][:, 1] & ~out["wrapping"][:, 0]).any()
    # the path never enters either obstacle (where its ends lie outside both)
    dist = _obstacle_clearance(ps, out["paths"][0])
    ends_out = np.all([d[:, [0, -1]].min(axis=1) > 0 for d in dist], axis=0)
    assert ends_out.sum() > 300
    for d in dist:
        assert d[ends_out].min() > -1e-6
    # its length is the drawn polyline's, and never longer than over either obstacle alone
    drawn = np.linalg.norm(np.diff(out["paths"][0], axis=1), axis=-1).sum(axis=1)
    np.testing.assert_allclose(out["length"][ends_out, 0], drawn[ends_out], rtol=2e-3)
    for keep in (0, 1):
        alone = path_kinematics(_two_obstacle_bundle(model, (("sphere", "cylinder")[keep],)), q, knee)
        assert (out["length"][:, 0] >= alone["length"][:, 0] - 1e-9).all()


def test_several_obstacles_converge_and_keep_moment_arm_equal_to_minus_dlength(model, monkeypatch):
    import hipviz.core.paths as paths

    ps = _two_obstacle_bundle(model)
    q, knee = _range_poses(300, 6)
    # poses where the path's ends lie outside both obstacles (else the path is not defined)
    ends = path_kinematics(ps, q, knee, with_paths=True)["paths"][0][:, [0, -1]]
    keep = np.all([d.min(axis=1) > 1e-3 for d in _obstacle_clearance(ps, ends)], axis=0)
    q, knee = q[keep], knee[keep]
    out = path_kinematics(ps, q, knee)
    assert out["wrapping"].all(axis=1).sum() > 20
    monkeypatch.setattr(paths, "WRAP_PASSES", 40)
    exact = path_kinematics(ps, q, knee)
    np.testing.assert_allclose(out["length"], exact["length"], atol=1e-7)
    np.testing.assert_allclose(out["moment_arm"], exact["moment_arm"], atol=5e-5)
    monkeypatch.undo()
    h = 1e-6
    for j in range(4):
        dq = np.zeros(4)
        dq[j] = h
        hi = path_kinematics(ps, q + dq[:3], knee + dq[3])["length"]
        lo = path_kinematics(ps, q - dq[:3], knee - dq[3])["length"]
        np.testing.assert_allclose(out["moment_arm"][..., j], -(hi - lo) / (2 * h), atol=5e-5, err_msg=f"coordinate {j}")


def test_malformed_wraps_are_rejected_with_file_and_field():
    base = {"id": "m", "name": "M", "group": "medial", "origin": "o", "insertion": "i", "innervation": "n",
            "actions": ["adduction"], "max_force_n": 100, "force_source": "s"}
    path = [{"bone": "pelvis", "at": "asis"}, {"bone": "femur", "at": "x"}, {"bone": "tibia", "at": "y"}]
    good = {"segment": 0, "shape": "sphere", "bone": "pelvis", "at": "hip_center", "radius_mm": 25}
    cases = [
        ({**good, "radius": 25}, r"wraps\[0\]: unknown field\(s\) radius"),
        ({**good, "radius_mm": -3}, r"wraps\[0\].radius_mm: expected a positive number"),
        ({**good, "segment": 2}, r"wraps\[0\].segment: expected 0..1"),
        ({**good, "shape": "torus"}, r"wraps\[0\].shape: expected 'sphere' or 'cylinder'"),
        ({**good, "shape": "cylinder", "axis": [0, 0, 1]}, r"wraps\[0\]: a cylinder needs 'side'"),
        ({**good, "axis": [0, 0, 0]}, r"wraps\[0\].axis: expected a non-zero direction"),
        ("sphere", r"wraps\[0\]: expected a table"),
    ]
    for wrap, msg in cases:
        raw = {**base, "bundles": [{"name": "a", "path": path, "wraps": [wrap]}]}
        with pytest.raises(MuscleDataError, match=msg):
            parse_muscle(raw, "m.toml")
    raw = {**base, "bundles": [{"name": "a", "path": path, "wraps": [{**good, "segment": 1}, good]}]}
    with pytest.raises(MuscleDataError, match=r"wraps\[1\].segment: wraps are listed in path order"):
        parse_muscle(raw, "m.toml")
    raw = {**base, "bundles": [{"name": "a", "path": path, "wraps": good}]}
    with pytest.raises(MuscleDataError, match=r"bundles\[0\].wraps: expected a list"):
        parse_muscle(raw, "m.toml")
    # several obstacles on one segment are fine, in order
    raw = {**base, "bundles": [{"name": "a", "path": path, "wraps": [good, {**good, "radius_mm": 10}, {**good, "segment": 1}]}]}
    assert [w.radius_mm for w in parse_muscle(raw, "m.toml").bundles[0].wraps] == [25, 10, 25]


def test_many_poses_in_blocks_give_the_same_numbers_as_one_block(model, monkeypatch):
    """A long sweep is computed in blocks (cache-sized); a pose's numbers must not depend on
    which block, or how large a block, it fell into (measured: they are bit-identical)."""
    import hipviz.core.paths as paths

    ps = model.paths["r"]
    rng = np.random.default_rng(7)
    n = 701
    q = np.column_stack([rng.uniform(-0.35, 1.9, n), rng.uniform(-0.5, 0.35, n), rng.uniform(-0.5, 0.5, n)])
    knee = rng.uniform(0.0, 2.1, n)
    lumbar = np.column_stack([rng.uniform(-0.3, 0.3, n), rng.uniform(-0.2, 0.2, n), rng.uniform(-0.2, 0.2, n)])
    # a leg's set with the lumbar spine neutral, and the trunk's (no wrapping surfaces) with it moving
    for pset, q_lum in ((ps, None), (model.trunk_paths["r"], lumbar)):
        hip = q if q_lum is None else np.zeros_like(q)
        monkeypatch.setattr(paths, "BLOCK_POSES", 100)  # 701 poses: 8 uneven blocks
        blocked = path_kinematics(pset, hip, knee, q_lum, with_paths=True)
        monkeypatch.setattr(paths, "BLOCK_POSES", 10**9)
        whole = path_kinematics(pset, hip, knee, q_lum, with_paths=True)
        assert blocked.keys() == whole.keys()
        for key in ("length", "moment_arm", "lumbar_moment_arm", "wrapping"):
            assert blocked[key].shape == whole[key].shape and blocked[key].dtype == whole[key].dtype
            # every pose's several-obstacle iteration stops by its own convergence: bit-identical
            np.testing.assert_array_equal(blocked[key], whole[key], err_msg=key)
        for a, b in zip(blocked["paths"], whole["paths"]):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("paired", [True, False])
def test_both_legs_in_one_kernel_call_give_each_legs_own_numbers(model, monkeypatch, paired):
    """With symmetric bones both legs go through the path kernel as one batch; each leg's numbers
    must be what that leg's own path set gives (and the same when the sets differ and are
    computed one by one, as with a user's asymmetric bones)."""
    import hipviz.core.evaluate as core_evaluate

    if not paired:
        monkeypatch.setattr(core_evaluate, "_same_path_sets", lambda *a: False)
    pose = {"hip_flexion_r": 50.0, "hip_adduction_r": -10.0, "hip_rotation_r": 15.0, "knee_flexion_r": 40.0,
            "hip_flexion_l": -10.0, "hip_adduction_l": 5.0, "hip_rotation_l": -20.0, "knee_flexion_l": 5.0}
    for batch in (False, True):
        ask = {k: ([v, v] if batch else v) for k, v in pose.items()}
        st = hipviz.evaluate(model, ask, place=False)
        for c in ("r", "l"):
            q = np.radians([[pose[f"hip_flexion_{c}"], pose[f"hip_adduction_{c}"], pose[f"hip_rotation_{c}"]]])
            own = path_kinematics(model.paths[c], q, np.radians([pose[f"knee_flexion_{c}"]]), np.zeros((1, 3)))
            np.testing.assert_allclose(st.muscles[c].length, np.repeat(own["length"], st.n, axis=0), atol=1e-12)
            np.testing.assert_allclose(st.muscles[c].moment_arm, np.repeat(own["moment_arm"], st.n, axis=0),
                                       atol=1e-12)
    assert not np.allclose(st.muscles["r"].length, st.muscles["l"].length)  # the legs differ
