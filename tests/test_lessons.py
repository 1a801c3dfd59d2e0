"""The shipped lessons (scenes/*.toml): each one's teaching claim, checked through the API.

Every lesson of the teaching guide is shipped (one file per idea and exercise, numbered in the
order of the guide); every step rests its contacts on the floor and evaluates without warnings,
unless the step's notes say the warning is its point; ``hipviz scene FILE --json`` works for
each. Then one test per lesson checks what the lesson tells the class, either on the lesson's
own steps or on a denser movement built from its key poses (``movement="auto"``, so that both
legs of a whole-body movement get their direction of travel).
"""
from __future__ import annotations

import json

import numpy as np
import pytest

import hipviz
from hipviz.io.scenes import load_scene, shipped_scenes

#: The lessons the teaching guide asks for, by the name after their number.
LESSONS = ("hip_joint_location", "deep_six", "standing_foot_lift", "high_knee_lift", "half_kneeling_lunge",
           "walking_lunge", "side_angle_pose", "slow_flexion", "hamstring_curl", "deadlift_double_leg",
           "deadlift_single_leg", "bridge", "squat", "single_leg_squat", "shrimp_squat", "abduction_adduction",
           "rotation_reversal", "hip_circles", "forward_fold", "walking")
DEEP_SIX = ("piriformis", "gemellus_superior", "obturator_internus", "gemellus_inferior", "quadratus_femoris",
            "obturator_externus")
HAMSTRINGS = ("semimembranosus", "semitendinosus", "biceps_femoris_long_head")
HIP_EXTENSORS = ("gluteus_maximus", "adductor_magnus") + HAMSTRINGS
ADDUCTORS = ("adductor_longus", "adductor_brevis", "adductor_magnus", "gracilis", "pectineus")
FLEXORS = ("iliopsoas", "rectus_femoris", "tensor_fasciae_latae", "sartorius", "pectineus")


def _by_name() -> dict:
    out = {}
    for path in shipped_scenes():
        number, _, name = path.stem.partition("_")
        out[name] = path
    return out


SHIPPED = _by_name()


def lesson(name: str):
    return load_scene(SHIPPED[name])


def run(model, step, pose=None, **overrides):
    """Evaluate a step (or a denser ``pose`` with the step's settings), numbers only."""
    kw = {**step.evaluate_kwargs(), **overrides}
    return hipviz.evaluate(model, step.pose if pose is None else pose, with_paths=False, **kw)


def activity(state, side: str, i: int = 0) -> dict[str, float]:
    """Each hip muscle's activation (its most active bundle) on ``side`` ("r"/"l") in pose ``i``."""
    ms = state.muscles[side]
    out: dict[str, float] = {}
    for b, mid in enumerate(ms.muscle_ids):
        out[mid] = max(out.get(mid, 0.0), float(ms.activation[i, b]))
    return out


def shares(state, side: str, i: int = 0) -> dict[str, float]:
    """Each hip muscle's share of the moment (its bundles summed) on ``side`` in pose ``i``."""
    ms = state.muscles[side]
    out: dict[str, float] = {}
    for b, mid in enumerate(ms.muscle_ids):
        out[mid] = out.get(mid, 0.0) + float(ms.share[i, b])
    return out


def roles(state, side: str, muscle: str, i: int = 0) -> set[str]:
    """The roles of the active bundles of ``muscle``."""
    ms = state.muscles[side]
    return {str(ms.role[i, b]) for b, mid in enumerate(ms.muscle_ids) if mid == muscle} - {"inactive"}


def ranking(state, sides=("r", "l"), i: int = 0) -> list[tuple[str, str]]:
    """Hip muscles of ``sides`` as (side, muscle), most active first."""
    rows = [(a, c, m) for c in sides for m, a in activity(state, c, i).items()]
    return [(c, m) for a, c, m in sorted(rows, reverse=True)]


def length(state, side: str, muscle: str, i: int = 0) -> float:
    """Length (m) of ``muscle``'s first bundle."""
    ms = state.muscles[side]
    return float(ms.length[i, ms.muscle_ids.index(muscle)])


def sequence(keys: list[dict], per_segment: int = 6) -> dict:
    """A denser movement through key poses (linear between them), as a pose of arrays."""
    names = sorted({k for key in keys for k in key})
    out = {n: [] for n in names}
    for a, b in zip(keys[:-1], keys[1:]):
        for t in np.linspace(0.0, 1.0, per_segment, endpoint=False):
            for n in names:
                out[n].append((1 - t) * a.get(n, 0.0) + t * b.get(n, 0.0))
    for n in names:
        out[n].append(keys[-1].get(n, 0.0))
    return {n: np.array(v) for n, v in out.items()}


# --- every lesson -------------------------------------------------------------------------------

def test_every_lesson_of_the_guide_is_shipped_with_what_a_teacher_needs(model):
    assert set(LESSONS) <= set(SHIPPED), sorted(set(LESSONS) - set(SHIPPED))
    numbers = sorted(int(p.stem.split("_")[0]) for p in shipped_scenes())
    assert numbers == list(range(1, len(numbers) + 1))
    for name, path in SHIPPED.items():
        scene = load_scene(path, postures=model.postures)
        assert scene.title and len(scene.description) > 80, name
        assert scene.scale_percent is not None, f"{name}: no fixed colour_scale"
        for i, step in enumerate(scene.steps, start=1):
            assert step.caption and len(step.caption) <= 80, (name, i, step.caption)
            assert step.view is not None and step.highlight, (name, i)
            assert step.duration_s > 0, (name, i)


@pytest.mark.parametrize("name", LESSONS)
def test_every_step_rests_on_the_floor_and_warns_only_on_purpose(model, name):
    scene = load_scene(SHIPPED[name], postures=model.postures)
    for i, step in enumerate(scene.steps, start=1):
        st = run(model, step)
        assert not [w for w in st.warnings if "cannot rest on the floor" in w], (name, i, st.warnings)
        assert np.abs(st.extra.get("contact_heights_m", np.zeros(1))).max() < 0.01, (name, i)
        if st.warnings:  # the warning is the point of the step, and its notes say so
            assert "warning" in step.notes.lower(), (name, i, st.warnings)


@pytest.mark.parametrize("name", LESSONS)
def test_scene_command_prints_every_step_with_both_sides(name, capsys):
    from hipviz.cli import main

    assert main(["scene", str(SHIPPED[name]), "--json", "--no-paths"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert isinstance(out, list) and len(out) == len(lesson(name).steps)
    for entry in out:
        assert {e["side"] for e in entry["muscles"]} == {"right", "left"}
        assert entry["caption"] and entry["view"] and entry["highlight"]


# --- one claim per lesson -------------------------------------------------------------------------

def test_hip_joint_location_the_ball_is_below_inside_and_behind_the_asis(model):
    st = run(model, lesson("hip_joint_location").steps[0])
    lm = st.landmarks()
    mid_z = 0.5 * (lm["asis_r"][0, 2] + lm["asis_l"][0, 2])
    for c in ("r", "l"):
        asis, hip = lm[f"asis_{c}"][0], lm[f"hip_center_{c}"][0]
        assert 0.05 < asis[1] - hip[1] < 0.12, c                 # 5-12 cm lower
        assert abs(hip[2] - mid_z) < abs(asis[2] - mid_z) - 0.015, c  # at least 1.5 cm nearer the midline
        assert hip[0] < asis[0], c                                 # and behind it


def test_deep_six_turn_the_thigh_out_and_rest_when_it_turns_in(model):
    steps = lesson("deep_six").steps
    for k in (1, 2, 4, 5):  # turning out: standing, flexed, the clam, at 90 degrees
        st = run(model, steps[k])
        sh = shares(st, "r")
        assert sum(sh[m] for m in DEEP_SIX) > 0.3, (k + 1, {m: round(sh[m], 3) for m in DEEP_SIX})
    st = run(model, steps[1])
    for m in ("piriformis", "obturator_internus", "quadratus_femoris"):
        assert roles(st, "r", m) == {"agonist"}, m
    inward = shares(run(model, steps[3]), "r")
    assert sum(inward[m] for m in DEEP_SIX) < 0.01


def _foot_lift(model, lock_pelvis):
    step = lesson("standing_foot_lift").steps[1]
    f = np.linspace(0.0, 10.0, 11)
    st = run(model, step, {"flexion": f, "knee": 2 * f}, lock_pelvis=lock_pelvis)
    h = st.asis_height()
    return max(np.abs(h[s] - h[s][0]).max() for s in ("right", "left"))


def test_standing_foot_lift_a_free_pelvis_moves_the_asis_from_the_first_degrees(model):
    assert _foot_lift(model, lock_pelvis=False) > 0.003   # > 3 mm within 10 degrees
    assert _foot_lift(model, lock_pelvis=True) < 0.002    # locked: < 2 mm


def test_high_knee_lift_the_hip_stops_at_its_range_and_a_free_pelvis_rolls_back(model):
    steps = lesson("high_knee_lift").steps
    locked, free = run(model, steps[2]).to_dict(paths=False), run(model, steps[3]).to_dict(paths=False)
    assert locked["thigh"]["flexion"] == pytest.approx(110, abs=0.5) and locked["pelvis_moved_deg"] == 0
    assert free["thigh"]["flexion"] > locked["thigh"]["flexion"] + 3
    assert free["pelvis"]["tilt"] < -10  # posterior tilt: the ASIS roll up
    for k in (1, 2):  # above hip height iliopsoas is the strongest lifter
        st = run(model, steps[k])
        assert ranking(st, ("r",))[0] == ("r", "iliopsoas"), k + 1


def test_half_kneeling_lunge_the_stepping_side_rises_when_the_pelvis_is_free(model):
    steps = lesson("half_kneeling_lunge").steps
    level = run(model, steps[1]).to_dict(paths=False)["asis_difference_cm"]
    habit = run(model, steps[2]).to_dict(paths=False)["asis_difference_cm"]
    assert steps[1].lock_pelvis and not steps[2].lock_pelvis
    assert abs(level) < 0.3
    assert habit > 1.0  # the right (stepping) ASIS is more than 1 cm higher


def test_walking_lunge_front_extensors_brake_the_sink_and_drive_the_rise(model):
    steps = lesson("walking_lunge").steps
    sink, habit, rise = run(model, steps[2]), run(model, steps[3]), run(model, steps[4])
    front = [m for c, m in ranking(sink, ("r",))[:5]]
    assert {"gluteus_maximus", "semimembranosus"} <= set(front), front
    for m in ("gluteus_maximus", "semimembranosus", "biceps_femoris_long_head"):
        assert "antagonist" in roles(sink, "r", m), m
        assert "agonist" in roles(rise, "r", m), m
    assert abs(sink.to_dict(paths=False)["asis_difference_cm"]) < 0.3
    assert habit.to_dict(paths=False)["asis_difference_cm"] > 1.0


def test_side_angle_pose_the_front_hip_is_held_from_behind_and_the_habit_lifts_its_asis(model):
    steps = lesson("side_angle_pose").steps
    pose = run(model, steps[2])
    front = [m for c, m in ranking(pose, ("r",))[:2]]
    assert set(front) <= set(HIP_EXTENSORS), front
    # the front thigh's short adductors are stretched, not working hard
    a = activity(pose, "r")
    assert max(a["adductor_longus"], a["adductor_brevis"], a["pectineus"]) < 0.5 * a[front[0]]
    assert abs(pose.to_dict(paths=False)["asis_difference_cm"]) < 0.3
    assert run(model, steps[3]).to_dict(paths=False)["asis_difference_cm"] > 1.0


def test_slow_flexion_the_lifters_change_through_the_range(model):
    step = lesson("slow_flexion").steps[1]
    f = np.array([5.0, 20.0, 40.0, 60.0, 80.0])
    st = run(model, step, {"flexion": f, "knee": np.zeros_like(f)})
    first, last = shares(st, "r", 1), shares(st, "r", 4)
    assert first["adductor_longus"] > 0.05 and last["adductor_longus"] < 0.01  # helps early, not at the top
    assert max(first, key=first.get) == "rectus_femoris" and max(last, key=last.get) == "iliopsoas"
    lift = [activity(st, "r", i)["iliopsoas"] for i in range(f.size)]
    assert np.all(np.diff(lift) > 0)  # the leg grows heavier towards horizontal


def test_hamstring_curl_shortens_the_hamstrings_and_the_cheats_lengthen_them(model):
    steps = lesson("hamstring_curl").steps
    clean = [run(model, steps[k]) for k in range(4)]  # knee 0, 45, 90, 120, thigh vertical
    for m in HAMSTRINGS:
        lengths = [length(st, "r", m) for st in clean]
        assert np.all(np.diff(lengths) < 0), (m, lengths)
    for st in clean[1:]:
        sh = shares(st, "r")
        assert sum(sh[m] for m in HAMSTRINGS) > 0.6 and all(roles(st, "r", m) == {"agonist"} for m in HAMSTRINGS)
    arched, forward = run(model, steps[4]), run(model, steps[5])
    for m in HAMSTRINGS:
        assert length(arched, "r", m) > length(clean[3], "r", m) + 0.005, m
        assert length(forward, "r", m) > length(clean[3], "r", m) + 0.01, m
    sh = shares(forward, "r")
    assert sum(sh[m] for m in HAMSTRINGS) < 0.05 and max(sh, key=sh.get) in FLEXORS  # cheat 2: they go quiet


def _whole_body(model, step, keys):
    return run(model, step, sequence(keys), movement="auto")


def test_deadlift_double_leg_both_hips_extensors_lead_and_brake_on_the_way_down(model):
    step = lesson("deadlift_double_leg").steps[1]
    down = [{"hip_flexion_r": h, "hip_flexion_l": h, "knee_flexion_r": k, "knee_flexion_l": k, "lumbar_flexion": 0.0}
            for h, k in ((0, 5), (30, 10), (60, 15), (80, 20))]
    st = _whole_body(model, step, down)
    for i in range(3, st.n):
        for c in ("r", "l"):
            top = [m for _, m in ranking(st, (c,), i)[:3]]
            assert set(top[:2]) <= set(HIP_EXTENSORS), (i, c, top)
            # the hamstrings brake from the first lean; gluteus maximus joins once the trunk
            # leans 30 deg (at 15 deg it does under 7 % of what semimembranosus does)
            braking = ("gluteus_maximus", "semimembranosus") if i >= 6 else ("semimembranosus",)
            for m in braking:
                assert "antagonist" in roles(st, c, m, i), (i, c, m)
    up = _whole_body(model, step, down[::-1])
    assert "agonist" in roles(up, "r", "semimembranosus", 6) and "agonist" in roles(up, "l", "semimembranosus", 6)


def test_deadlift_single_leg_the_standing_glutes_and_deep_six_carry_and_square_the_pelvis(model):
    steps = lesson("deadlift_single_leg").steps
    for k in (1, 2, 3):
        st = run(model, steps[k])
        assert ranking(st)[0] == ("l", "gluteus_maximus"), k + 1
        assert ("l", "gluteus_medius") in ranking(st, ("l",))[:3], k + 1
        a = activity(st, "l")
        deep = 2 if k > 1 else 1  # the deeper the hinge, the more of the deep six hold the pelvis square
        assert sum(a[m] > 0.05 for m in DEEP_SIX) >= deep, (k + 1, {m: round(a[m], 3) for m in DEEP_SIX})


def test_bridge_glutes_and_hamstrings_of_both_sides_shorten_as_the_pelvis_lifts(model):
    step = lesson("bridge").steps[1]
    up = [{"hip_flexion_r": h, "hip_flexion_l": h, "knee_flexion_r": 90.0, "knee_flexion_l": 90.0, "lumbar_flexion": 0.0}
          for h in (30.0, 15.0, 0.0)]
    st = _whole_body(model, step, up)
    for i in range(st.n):
        for c in ("r", "l"):
            top = [m for _, m in ranking(st, (c,), i)[:5]]
            for m in ("gluteus_maximus", "semimembranosus", "biceps_femoris_long_head"):
                assert m in top, (i, c, top)
                assert roles(st, c, m, i) == {"agonist"}, (i, c, m, roles(st, c, m, i))


def test_squat_both_hips_extensors_lead_and_brake_on_the_way_down(model):
    step = lesson("squat").steps[1]
    down = [{"hip_flexion_r": h, "hip_flexion_l": h, "knee_flexion_r": k, "knee_flexion_l": k}
            for h, k in ((0, 0), (30, 35), (60, 70), (100, 110))]
    st = _whole_body(model, step, down)
    for i in range(3, st.n):
        for c in ("r", "l"):
            top = [m for _, m in ranking(st, (c,), i)[:3]]
            assert top[0] in HIP_EXTENSORS and len(set(top) & set(HIP_EXTENSORS)) >= 2, (i, c, top)
            assert "antagonist" in roles(st, c, "gluteus_maximus", i), (i, c)
    glmax = [activity(st, "r", i)["gluteus_maximus"] for i in (6, st.n - 1)]
    assert glmax[1] > 1.5 * glmax[0]  # deeper squats load gluteus maximus more


def test_single_leg_squat_the_standing_gluteus_medius_is_among_the_three_most_active(model):
    steps = lesson("single_leg_squat").steps
    for k in range(5):
        st = run(model, steps[k])
        assert ("l", "gluteus_medius") in ranking(st)[:3], (k + 1, ranking(st)[:4])


def test_shrimp_squat_the_back_leg_hamstrings_are_short_and_its_rectus_femoris_long(model):
    steps = lesson("shrimp_squat").steps
    standing = hipviz.evaluate(model, {}, contacts=["feet"], with_paths=False)
    deep = run(model, steps[2])
    assert ranking(deep)[0] == ("l", "gluteus_maximus")
    for m in HAMSTRINGS:
        assert length(deep, "r", m) < 0.85 * length(standing, "r", m), m
        assert activity(deep, "r")[m] > 0.05, m  # and working while short
    assert length(deep, "r", "rectus_femoris") > 1.1 * length(standing, "r", "rectus_femoris")


def test_abduction_adduction_lying_on_the_side_is_harder_and_a_free_pelvis_goes_further(model):
    steps = lesson("abduction_adduction").steps
    standing, lying = activity(run(model, steps[0]), "r"), activity(run(model, steps[1]), "r")
    assert lying["gluteus_medius"] > 1.5 * standing["gluteus_medius"]
    locked, free = run(model, steps[2]).to_dict(paths=False), run(model, steps[3]).to_dict(paths=False)
    assert locked["thigh"]["adduction"] == pytest.approx(-45, abs=0.5) and locked["pelvis_moved_deg"] == 0
    assert free["thigh"]["adduction"] < -54 and free["pelvis_moved_deg"] > 10
    for k in (4, 5):
        sh = shares(run(model, steps[k]), "r")
        assert max(sh, key=sh.get) in ADDUCTORS and sum(sh[m] for m in ADDUCTORS) > 0.6, k + 1
    across = run(model, steps[6]).to_dict(paths=False)
    assert across["thigh"]["adduction"] > 34 and across["pelvis"]["obliquity"] < -5  # the right side drops


def test_rotation_reversal_piriformis_turns_out_near_neutral_and_in_at_90_degrees(model):
    steps = lesson("rotation_reversal").steps
    out0, out90, in90 = (shares(run(model, steps[k]), "r") for k in (0, 1, 2))
    assert out0["piriformis"] > 0.05
    assert out90["piriformis"] == 0.0
    assert in90["piriformis"] > 0.1  # turning in while it opens: about a quarter of the work
    assert shares(run(model, steps[3]), "r")["piriformis"] == 0.0  # the same movement leg down
    arms = run(model, steps[0], {"flexion": [0.0, 90.0], "knee": [0.0, 0.0]}).muscles["r"]
    b = arms.muscle_ids.index("piriformis")
    assert arms.moment_arm[0, b, 2] < 0 < arms.moment_arm[1, b, 2]  # external, then internal rotator
    free = run(model, steps[5]).to_dict(paths=False)
    assert free["thigh"]["rotation"] == pytest.approx(-45, abs=0.5)
    assert free["hip"]["rotation"] > -40 and abs(free["pelvis"]["rotation"]) > 5  # the pelvis did the rest


def test_hip_circles_different_muscles_lead_around_the_circle_and_a_free_pelvis_joins_in(model):
    steps = lesson("hip_circles").steps
    still = [s for s in steps if s.lock_pelvis]
    free = [s for s in steps if not s.lock_pelvis]
    assert len(still) >= 12 and len(free) >= 8
    leaders, groups = set(), set()
    for s in still:
        st = run(model, s)
        assert st.to_dict(paths=False)["pelvis_moved_deg"] == 0
        sh = shares(st, "r")
        lead = max(sh, key=sh.get)
        leaders.add(lead)
        groups.add("flexor" if lead in FLEXORS else "adductor" if lead in ADDUCTORS[:2] else
                   "extensor" if lead in HIP_EXTENSORS else "other")
    assert len(leaders) >= 4 and {"flexor", "adductor", "extensor"} <= groups, leaders
    thigh, hip, moved = [], [], []
    for s in free:
        d = run(model, s).to_dict(paths=False)
        moved.append(d["pelvis_moved_deg"])
        thigh.append([d["thigh"]["flexion"], d["thigh"]["adduction"]])
        hip.append([d["hip"]["flexion"], d["hip"]["adduction"]])
    assert min(moved) > 1 and max(moved) > 8, moved  # the pelvis joins in all the way round
    thigh, hip = np.array(thigh), np.array(hip)
    assert np.all(np.ptp(thigh, axis=0) > np.ptp(hip, axis=0) + 5)  # part of the bigger circle is the pelvis


def test_forward_fold_pelvis_and_lumbar_spine_fold_together(model):
    steps = lesson("forward_fold").steps
    keys = [steps[k].pose for k in (0, 1, 2, 3)]
    st = run(model, steps[2], sequence(keys), movement="auto")
    tilt = st.poses.degrees("pelvis_anterior_tilt")
    lumbar = st.poses.degrees("lumbar_flexion")
    assert np.all(np.diff(tilt) > 0) and np.all(np.diff(lumbar) > 0)  # both grow through the fold
    assert 0.55 < tilt[-1] / (tilt[-1] + lumbar[-1]) < 0.65         # about three fifths hip at the bottom
    hip = st.poses.degrees("hip_flexion_r")
    assert np.abs(hip - tilt).max() < 10  # the thighs stay near vertical: hip flexion is the pelvis turning
    semi = [activity(st, "r", i)["semimembranosus"] for i in range(st.n)]
    assert semi[-1] > 2 * semi[6] and "antagonist" in roles(st, "r", "semimembranosus", st.n - 1)


def test_walking_gluteus_medius_carries_single_stance_and_the_pelvis_moves_a_little(model):
    steps = lesson("walking").steps
    names = set()
    for k, s in enumerate(steps):
        st = run(model, s)
        d = st.to_dict(paths=False)
        names |= {n.split("_")[0] for n in st.contacts.names}
        assert all(abs(d["pelvis"][a]) <= 5 for a in ("tilt", "obliquity", "rotation")), (k + 1, d["pelvis"])
        legs = st.contacts.legs()
        if len(legs) == 1:  # single stance: its gluteus medius is the busiest hip muscle
            (c,) = legs
            assert ranking(st)[0] == (c, "gluteus_medius"), (k + 1, ranking(st)[:3])
    assert names == {"heel", "foot", "toes"}
    obliquity = [run(model, steps[k]).to_dict(paths=False)["pelvis"]["obliquity"] for k in (2, 6)]
    assert obliquity[0] > 2 and obliquity[1] < -2  # the swing side dips, one side then the other
