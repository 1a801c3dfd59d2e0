"""Recorded motion: OpenSim storage files and CSVs read onto the pose, clear errors for bad files,
and a walk that walks (feet on the floor, the planted foot still, the body travelling on).

The files in tests/data are written by tests/data/make_motions.py (a synthetic gait-like walk).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import hipviz
from hipviz.io.frames import FOOT_POINTS, MotionFrames, take_state
from hipviz.io.motion import Motion, MotionFileError, read_motion

DATA = Path(__file__).resolve().parent / "data"
GAIT = DATA / "walk_gait2392.mot"
RAJAGOPAL = DATA / "walk_rajagopal.sto"
CSV = DATA / "walk.csv"


@pytest.fixture(scope="module")
def model():
    return hipviz.load_model()


@pytest.fixture(scope="module")
def walk(model):
    """The gait2392 walk, played at its own 100 Hz, every frame evaluated with paths."""
    frames = MotionFrames(read_motion(GAIT), model)
    return frames, list(frames.chunks(model, with_paths=True))


# -- reading ------------------------------------------------------------------------------
def test_the_three_files_read_as_the_same_walk():
    g, r, c = read_motion(GAIT), read_motion(RAJAGOPAL), read_motion(CSV)
    assert g.n_frames == r.n_frames == c.n_frames == 221
    assert g.rate_hz == pytest.approx(100.0) and g.duration_s == pytest.approx(2.2)
    assert g.in_degrees and not r.in_degrees
    for col, v in c.values.items():  # the CSV has a subset, in degrees with five decimals
        np.testing.assert_allclose(g.values[col], v, atol=1e-4)
        np.testing.assert_allclose(r.values[col], v, atol=1e-4)
    assert set(g.values) == set(r.values)
    # hipviz's signs: + knee flexion (gait2392's negative knee turned), + anterior pelvic tilt
    assert g.values["knee_flexion_r"].max() == pytest.approx(64, abs=0.5) and g.values["knee_flexion_r"].min() > -1
    assert g.values["pelvis_anterior_tilt"].mean() == pytest.approx(8.0, abs=0.5)


def test_knee_sign_pelvis_and_unused_columns_are_said_once():
    g = read_motion(GAIT)
    assert g.knee_flipped
    knee = [w for w in g.warnings if "knee_angle" in w]
    assert len(knee) == 1 and "mostly negative" in knee[0] and "gait2392" in knee[0]
    unused = [w for w in g.warnings if "not used" in w]
    assert len(unused) == 1 and "mtp_angle_r" in unused[0] and g.ignored == ("mtp_angle_r", "mtp_angle_l")
    r = read_motion(RAJAGOPAL)
    assert not r.knee_flipped and not any("knee" in w for w in r.warnings)
    assert "arm_flex_r" in r.ignored and "elbow_flex_l" in r.ignored
    c = read_motion(CSV)
    missing = [w for w in c.warnings if "kept neutral" in w]
    assert len(missing) == 1 and "lumbar_extension" in missing[0] and "subtalar_angle_r" in missing[0]
    assert "lumbar_flexion" not in c.values
    assert read_motion(GAIT, knee="opensim").values["knee_flexion_r"].max() < 1


def test_the_header_is_read():
    g = read_motion(GAIT)
    assert g.header["version"] == "1" and g.header["nRows"] == "221" and g.header["inDegrees"] == "yes"
    assert "Units are S.I. units" in g.header["text"]
    assert read_motion(RAJAGOPAL).header["OpenSimVersion"] == "4.4"


@pytest.mark.parametrize("name,words", [
    ("broken_no_endheader.mot", "no 'endheader' line"),
    ("broken_ragged.mot", "line 10: 2 values, but the column names (line 7) give 3 columns"),
    ("broken_non_numeric.mot", "line 10, column 'hip_flexion_r': 'abc' is not a number"),
    ("broken_time.mot", "line 11: time 0.02 s does not increase"),
    ("broken_nan.mot", "line 9, column 'hip_flexion_r': NaN"),
])
def test_broken_files_say_what_and_where(name, words):
    with pytest.raises(MotionFileError) as err:
        read_motion(DATA / name)
    assert str(err.value).startswith(name) and words in str(err.value)
    assert isinstance(err.value, ValueError) and "\n" not in str(err.value)


@pytest.mark.parametrize("text,words", [
    ("time,hip_flexion_r\n0,1\n0.1\n", "line 3: 1 values"),
    ("time,hip_flexion_r\n0,1\n0.1,\n", "line 3, column 'hip_flexion_r': 'an empty cell' is not a number"),
    ("hip_flexion_r,knee_angle_r\n1,2\n3,4\n", "no 'time' column"),
    ("time,hip_flexion_r,hip_flexion_r\n0,1,1\n1,2,2\n", "both give hip_flexion_r"),
    ("time,knee_angle_r,knee_flexion_r\n0,1,1\n1,2,2\n", "both give knee_flexion_r"),
    ("time,hip_flexion_r\n0,1\n", "a motion needs at least two times"),
    ("time,hip_flexion_r\n0,1\n1,inf\n", "line 3, column 'hip_flexion_r': inf"),
])
def test_broken_csv_files(tmp_path, text, words):
    f = tmp_path / "m.csv"
    f.write_text(text)
    with pytest.raises(MotionFileError) as err:
        read_motion(f)
    assert words in str(err.value), str(err.value)


def test_missing_file_and_bad_header_values(tmp_path):
    with pytest.raises(MotionFileError, match="not found"):
        read_motion(tmp_path / "nope.mot")
    f = tmp_path / "x.mot"
    f.write_text("x\ninDegrees=maybe\nendheader\ntime\thip_flexion_r\n0\t1\n1\t2\n")
    with pytest.raises(MotionFileError, match="inDegrees='maybe'"):
        read_motion(f)
    f.write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(MotionFileError, match="not a text file"):
        read_motion(f)


def test_radians_or_degrees_without_indegrees_are_guessed_and_said(tmp_path):
    f = tmp_path / "x.mot"
    f.write_text("x\nendheader\ntime hip_flexion_r   knee_angle_r\n0 0.5 1.0\n1 1.0 1.5\n")
    m = read_motion(f)
    assert not m.in_degrees and m.values["hip_flexion_r"][1] == pytest.approx(np.degrees(1.0))
    assert any("no inDegrees" in w and "radians" in w for w in m.warnings)
    f.write_text("x\nendheader\ntime hip_flexion_r\n0 30\n1 60\n")
    assert read_motion(f).in_degrees


def test_opensim4_state_paths_and_windows_line_ends(tmp_path):
    f = tmp_path / "states.sto"
    f.write_bytes(b"states\r\ninDegrees=no\r\nendheader\r\ntime\t/jointset/hip_r/hip_flexion_r/value\t"
                  b"/jointset/hip_r/hip_flexion_r/speed\r\n0\t0.5\t1\r\n0.1\t0.6\t1\r\n")
    m = read_motion(f)
    assert m.values["hip_flexion_r"][0] == pytest.approx(np.degrees(0.5))
    assert m.ignored == ("/jointset/hip_r/hip_flexion_r/speed",)


def test_a_100000_row_motion_file_loads(tmp_path):
    n = 100_000
    names = ["pelvis_tilt", "pelvis_list", "pelvis_rotation", "pelvis_tx", "pelvis_ty", "pelvis_tz",
             *(f"{c}_{s}" for s in "rl" for c in ("hip_flexion", "hip_adduction", "hip_rotation", "knee_angle",
                                                  "ankle_angle", "subtalar_angle", "mtp_angle")),
             "lumbar_extension", "lumbar_bending", "lumbar_rotation"]
    t = np.arange(n) / 100.0
    data = np.column_stack([t, 10 * np.sin(t[:, None] + np.arange(len(names)))])
    body = (("\t".join(["%.8f"] * data.shape[1]) + "\n") * n) % tuple(data.ravel().tolist())
    f = tmp_path / "long.mot"
    f.write_text(f"long\nversion=1\nnRows={n}\nnColumns={len(names) + 1}\ninDegrees=yes\nendheader\n"
                 + "\t".join(["time", *names]) + "\n" + body)
    m = read_motion(f)  # how fast: benchmarks/bench_export.py (no timed assertions in tests)
    assert m.n_frames == n and m.duration_s == pytest.approx((n - 1) / 100)


def test_resample_keeps_the_motion():
    g = read_motion(GAIT)
    r = g.resample(30)
    assert r.n_frames == 67 and r.time_s[1] - r.time_s[0] == pytest.approx(1 / 30)
    k = 15  # 0.5 s
    assert r.values["hip_flexion_r"][k] == pytest.approx(g.values["hip_flexion_r"][50], abs=1e-9)
    with pytest.raises(ValueError):
        g.resample(0)


# -- playing: the body on its feet ------------------------------------------------------
def _foot_points(model, state, rows):
    """Room positions (m, 2 feet, 4 points, 3) of the foot contact landmarks."""
    out = []
    for c in ("r", "l"):
        marks = model.landmarks[f"foot_{c}"]
        local = np.array([marks[p] - marks["ankle_center"] for p in FOOT_POINTS])
        T = state.transforms[f"foot_{c}"][rows]
        out.append(np.einsum("nij,kj->nki", T[:, :3, :3], local) + T[:, None, :3, 3])
    return np.stack(out, axis=1)


def test_every_frame_stands_on_its_lower_foot(model, walk):
    frames, chunks = walk
    lowest = []
    for ch in chunks:
        pts = _foot_points(model, ch.state, ch.rows)
        lowest.append(pts[..., 1].min(axis=(1, 2)))
        assert ch.state.floor_height == 0.0
    lowest = np.concatenate(lowest)
    assert lowest.shape == (frames.n_frames,)
    np.testing.assert_allclose(lowest, 0.0, atol=1e-6)  # on the floor, never through it
    # the motion's own pelvis height (0.92-0.96 m, another body) is not used: the legs decide it
    assert 0.8 < frames.pose["pelvis_ty"].min() and frames.pose["pelvis_ty"].max() < 0.95


def test_the_walk_alternates_feet_and_the_planted_foot_stays_put(model, walk):
    frames, chunks = walk
    st = frames.stance
    switches = np.flatnonzero(st[1:] != st[:-1])
    assert len(switches) == 4  # two strides: right, left, right, left stance
    # double support: both feet down twice a stride, about a tenth of it each time
    down = frames.both_down
    runs = np.flatnonzero(np.diff(np.r_[0, down.astype(int), 0]))
    assert len(runs) // 2 >= 3 and all(5 <= b - a <= 20 for a, b in zip(runs[::2], runs[1::2]))
    # in mid right stance (20-40 % of the stride) the right foot does not slide on the floor
    mid = np.arange(22, 44)
    assert (st[mid] == "r").all()
    pts = np.concatenate([_foot_points(model, ch.state, ch.rows) for ch in chunks])
    ball = pts[mid, 0, 1]  # the right first metatarsal head, room (x, y, z)
    # no sliding forward or back; sideways it turns a little with the recorded hip and pelvis rotation
    assert np.ptp(ball[:, 0]) < 0.005 and np.ptp(ball[:, 2]) < 0.03
    # ... while the body walks on with its own stride (the recorded subject went 1.3 m/s)
    pelvis_x = np.concatenate([ch.state.transforms["pelvis"][ch.rows, 0, 3] for ch in chunks])
    assert 0.8 * 1.3 * 2.2 < pelvis_x[-1] - pelvis_x[0] < 1.2 * 1.3 * 2.2
    assert np.diff(pelvis_x).min() > 0  # never backwards
    assert frames.camera_path[-1, 0] > frames.camera_path[0, 0] + 1.5
    # every standing foot stays put while it stands
    for c, k in (("r", 0), ("l", 1)):
        on = np.flatnonzero(st == c)
        runs = np.split(on, np.flatnonzero(np.diff(on) > 1) + 1)
        for run in runs:
            low = pts[run, k].reshape(-1, 3)[np.argmin(pts[run, k, :, 1], axis=1) + 4 * np.arange(len(run))]
            assert np.ptp(low[:, 0]) < 0.27  # the point on the floor moves only from heel to toe tip


def test_muscles_work_along_the_walk(model, walk):
    frames, chunks = walk
    act = {c: np.concatenate([ch.state.muscles[c].activation[ch.rows] for ch in chunks]) for c in "rl"}
    ids = np.array(chunks[0].state.muscles["r"].muscle_ids)
    med = ids == "gluteus_medius"
    mid_right_stance, mid_left_stance = slice(22, 44), slice(77, 99)
    # the standing leg's gluteus medius holds the pelvis level; the swinging leg's rests
    assert act["r"][mid_right_stance][:, med].mean() > 3 * act["r"][mid_left_stance][:, med].mean()
    assert act["l"][mid_left_stance][:, med].mean() > 3 * act["l"][mid_right_stance][:, med].mean()
    # the weight moves over in double support: no jump from one frame to the next
    glut = act["r"][:, med].mean(axis=1)
    assert np.abs(np.diff(glut)).max() < 0.08


def test_a_frame_of_a_batch_is_a_state_of_its_own(model, walk):
    frames, chunks = walk
    ch = max(chunks, key=lambda c: len(c.frames))
    r = ch.rows[30]
    one = take_state(ch.state, [r])
    assert one.n == 1
    np.testing.assert_allclose(one.transforms["pelvis"][0], ch.state.transforms["pelvis"][r])
    np.testing.assert_allclose(one.muscles["l"].paths[0][0], ch.state.muscles["l"].paths[0][r])
    np.testing.assert_allclose(one.muscles["r"].activation[0], ch.state.muscles["r"].activation[r])
    d = one.to_dict()
    assert d["coordinates"]["pelvis_tx"] == pytest.approx(float(ch.state.transforms["pelvis"][r, 0, 3]), abs=1e-5)


def test_a_motion_that_walks_along_z_is_turned_to_walk_along_x(model, walk):
    g = read_motion(GAIT)
    turned = Motion(g.time_s, {**g.values, "pelvis_rotation": g.values["pelvis_rotation"] + 90.0}, name="turned")
    f = MotionFrames(turned, model)
    assert any("turned to go along x" in w for w in f.warnings)
    np.testing.assert_allclose(f.travel, walk[0].travel, atol=3e-3)  # its mean rotation (0.02 deg) is taken too


def test_a_toe_that_brushes_the_floor_in_swing_is_not_a_step():
    from hipviz.io.gait import stance_by_touchdown

    n = 60
    h_r, h_l = np.zeros(n), np.full(n, 0.05)
    u_r, u_l = np.full(n, -1.2), np.full(n, 3.0)   # right stands (goes back under the body), left swings
    h_l[20:24] = 0.0                                 # ... and its toe brushes the floor, still swinging
    h_l[45:] = 0.0                                   # heel strike: down, and going backwards again
    u_l[45:] = -1.2
    u_r[50:] = 2.0                                   # the right foot then swings forward
    stance = stance_by_touchdown(h_r, h_l, u_r, u_l)
    assert (stance[:45] == 0).all() and (stance[45:] == 1).all()


def test_the_body_moves_over_the_standing_foot():
    from hipviz.io.gait import moving_average, planted_travel

    n = 5
    # the right foot, pelvis at the origin, goes 10 cm back a frame (the body walks over it)
    foot_r = np.zeros((n, 2, 3))
    foot_r[:, :, 0] = -0.1 * np.arange(n)[:, None] + np.array([0.0, 0.2])
    foot_l = foot_r + 0.5
    travel = planted_travel(foot_r, foot_l, np.ones(n, bool))
    np.testing.assert_allclose(travel[:, 0], 0.1 * np.arange(n))
    np.testing.assert_allclose((foot_r[:, :, 0] + travel[:, :1]), foot_r[:1, :, 0].repeat(n, 0))  # planted
    np.testing.assert_allclose(moving_average(travel, 3)[1:-1, 0], travel[1:-1, 0])  # a straight line stays
