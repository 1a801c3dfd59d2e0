"""The kinematic rig: ISB angles, clamping, postures, vectorisation, mirror symmetry."""
from __future__ import annotations

import numpy as np
import pytest

import hipviz
from hipviz.core.kinematics import hip_rotation
from hipviz.core.pose import PoseError, make_poses
from hipviz.core.rotations import MIRROR_Z, cardan_zxy_angles


def _relative(state, parent, child):
    Tp, Tc = state.transforms[parent], state.transforms[child]
    return np.linalg.inv(Tp) @ Tc


@pytest.mark.parametrize("side", ["right", "left"])
def test_isb_angle_round_trip(model, side):
    rng = np.random.default_rng(1)
    flex, add, rot = rng.uniform(-15, 100, 50), rng.uniform(-40, 25, 50), rng.uniform(-40, 35, 50)
    state = hipviz.evaluate(model, {"flexion": flex, "adduction": add, "rotation": rot,
                                    "pelvis_anterior_tilt": rng.uniform(-10, 10, 50)}, side=side)
    c = side[0]
    R = _relative(state, "pelvis", f"femur_{c}")[:, :3, :3]
    if c == "l":
        R = MIRROR_Z @ R @ MIRROR_Z
    angles = np.degrees(cardan_zxy_angles(R))
    np.testing.assert_allclose(angles, np.column_stack([flex, add, rot]), atol=1e-9)
    assert not state.warnings


def test_hip_signs_move_the_knee_the_textbook_way(model):
    lm0 = hipviz.evaluate(model, {}).landmarks()
    for pose, axis, sign in [({"flexion": 30}, 0, +1),      # flexion: knee forward
                             ({"adduction": 20}, 2, -1),    # right adduction: knee toward midline (-z)
                             ({"adduction": -20}, 2, +1)]:  # abduction: knee outward
        lm = hipviz.evaluate(model, pose).landmarks()
        d = lm["knee_center_r"][0, axis] - lm0["knee_center_r"][0, axis]
        assert np.sign(d) == sign, pose
    # internal rotation turns the front of the femur (and a bent knee's foot outward) medially
    bent = hipviz.evaluate(model, {"knee": 90}).landmarks()["ankle_center_r"][0]
    ir = hipviz.evaluate(model, {"knee": 90, "rotation": 30}).landmarks()["ankle_center_r"][0]
    assert ir[2] > bent[2]  # with the knee bent, internal rotation swings the foot outward (+z)
    # left side mirrors: left adduction moves the left knee toward the midline (+z)
    l0 = hipviz.evaluate(model, {}, side="left").landmarks()["knee_center_l"][0, 2]
    l1 = hipviz.evaluate(model, {"adduction": 20}, side="left").landmarks()["knee_center_l"][0, 2]
    assert l1 > l0


def test_out_of_range_angles_are_clamped_and_reported(model):
    state = hipviz.evaluate(model, {"flexion": 150, "rotation": -80})
    d = state.to_dict()
    assert d["hip"]["flexion"] == pytest.approx(model.ranges["hip_flexion_r"][1])
    assert d["hip"]["rotation"] == pytest.approx(model.ranges["hip_rotation_r"][0])
    assert any("hip_flexion_r" in w and "150" in w for w in d["warnings"])
    assert any("hip_rotation_r" in w for w in d["warnings"])


def test_bad_pose_input_gives_clear_errors(model):
    with pytest.raises(PoseError, match="unknown pose coordinate 'flex'"):
        hipviz.evaluate(model, {"flex": 10})
    with pytest.raises(PoseError, match="NaN"):
        hipviz.evaluate(model, {"flexion": float("nan")})
    with pytest.raises(PoseError, match="different lengths"):
        hipviz.evaluate(model, {"flexion": [1, 2, 3], "knee": [1, 2]})
    with pytest.raises(ValueError, match="unknown posture 'sitting'"):
        hipviz.evaluate(model, {}, posture="sitting")
    with pytest.raises(ValueError, match="side: expected 'right' or 'left'"):
        hipviz.evaluate(model, {}, side="middle")


def test_vectorised_fk_equals_per_pose(model):
    rng = np.random.default_rng(2)
    pose = {"flexion": rng.uniform(-10, 100, 20), "adduction": rng.uniform(-30, 20, 20),
            "rotation": rng.uniform(-30, 30, 20), "knee": rng.uniform(0, 120, 20),
            "pelvis_anterior_tilt": rng.uniform(-20, 20, 20), "lumbar_flexion": rng.uniform(-20, 40, 20)}
    batch = hipviz.evaluate(model, pose)
    for i in (0, 7, 19):
        single = hipviz.evaluate(model, {k: v[i] for k, v in pose.items()})
        for seg, T in batch.transforms.items():
            # the body is placed on its contacts by an iterative solver, converged to well
            # a micrometre (a microradian) whether it solves one pose or many
            np.testing.assert_allclose(T[i], single.transforms[seg][0], atol=1e-6)
        np.testing.assert_allclose(batch.muscles["r"].moment_arm[i], single.muscles["r"].moment_arm[0], atol=1e-12)
        np.testing.assert_allclose(batch.muscles["r"].paths[3][i], single.muscles["r"].paths[3][0], atol=1e-6)


def test_postures_place_the_body_relative_to_gravity(model):
    up = np.array([0.0, 1.0, 0.0])
    def axis(state, seg, k):
        return state.transforms[seg][0, :3, k]
    supine = hipviz.evaluate(model, {}, posture="supine")
    assert axis(supine, "pelvis", 0) @ up > 0.99          # belly up
    prone = hipviz.evaluate(model, {}, posture="prone")
    assert axis(prone, "pelvis", 0) @ up < -0.99          # belly down
    side = hipviz.evaluate(model, {}, posture="side_lying")
    assert axis(side, "pelvis", 2) @ up > 0.99            # right side up
    quad = hipviz.evaluate(model, {}, posture="quadruped")
    lm = quad.landmarks()
    thigh = lm["knee_center_r"][0] - lm["hip_center_r"][0]
    shank = lm["ankle_center_r"][0] - lm["knee_center_r"][0]
    assert thigh @ up / np.linalg.norm(thigh) < -0.99     # thighs vertical, knees below hips
    assert abs(shank @ up) / np.linalg.norm(shank) < 0.02  # shins flat on the floor
    kneel = hipviz.evaluate(model, {}, posture="half_kneeling")
    d = kneel.to_dict()
    # the starting angles give a little so that the front foot and the back knee both rest and
    # the centre of mass stays over that narrow base (it comes between the foot and the knee)
    assert d["hip"]["flexion"] == pytest.approx(90, abs=12) and d["knee"]["flexion"] == pytest.approx(90, abs=10)
    assert d["contacts"] == ["right foot", "left knee"] and not d["warnings"]
    # the user's own values override the posture's starting angles
    assert hipviz.evaluate(model, {"flexion": 45}, posture="half_kneeling").to_dict()["hip"]["flexion"] == pytest.approx(45)


def test_thigh_is_hip_minus_anterior_tilt_in_the_sagittal_plane(model):
    # anterior pelvic tilt on a still thigh IS hip flexion (reference 5d), so the thigh's
    # elevation in the room is hip flexion minus anterior tilt (plus posterior tilt)
    d = hipviz.evaluate(model, {"flexion": 40, "pelvis_anterior_tilt": 10}).to_dict()
    assert d["thigh"]["flexion"] == pytest.approx(30, abs=1e-9)
    d = hipviz.evaluate(model, {"flexion": 100, "pelvis_anterior_tilt": -20}).to_dict()
    assert d["thigh"]["flexion"] == pytest.approx(120, abs=1e-9)


def test_landmarks_are_mirror_symmetric_in_neutral(model):
    # the skeleton itself, not yet placed on the floor (standing on one foot leans over it)
    lm = hipviz.evaluate(model, {}, place=False).landmarks()
    for name, p in lm.items():
        if name.endswith("_r") and name[:-2] + "_l" in lm:
            q = lm[name[:-2] + "_l"][0]
            np.testing.assert_allclose(p[0] * [1, 1, -1], q, atol=1e-4, err_msg=name)


def test_make_poses_batch_and_short_names():
    p = make_poses({"flexion": [0, 45, 90], "abduction": 10}, side="left")
    assert p.n == 3
    np.testing.assert_allclose(p.degrees("hip_adduction_l"), -10)
    np.testing.assert_allclose(p.degrees("hip_flexion_l"), [0, 45, 90])


def test_hip_rotation_left_is_mirror_of_right():
    R = hip_rotation(0.3, 0.2, -0.1, "r")
    L = hip_rotation(0.3, 0.2, -0.1, "l")
    np.testing.assert_allclose(L, MIRROR_Z @ R @ MIRROR_Z)
