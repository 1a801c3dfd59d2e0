"""Write the small motion files of tests/data (run: python tests/data/make_motions.py).

A synthetic but gait-like walk: two strides of 1.1 s at 100 Hz, joint angles shaped after the
normative sagittal and frontal curves of adult walking (Perry & Burnfield 2010; Winter 2009)
through a periodic cubic spline, the left leg half a stride behind the right, the pelvis moving
forward at 1.3 m/s with its vertical bob and side sway. Written as

* ``walk_gait2392.mot``: OpenSim 3 inverse-kinematics output of a gait2392-style model, degrees,
  knee angles negative in flexion, with mtp columns hipviz does not use;
* ``walk_rajagopal.sto``: OpenSim 4 output of Rajagopal's model, radians, knee positive, with
  arm coordinates hipviz does not use;
* ``walk.csv``: a CSV with a time column and some of the names (no lumbar), degrees;
* ``broken_*.mot``: one error each.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy.interpolate import CubicSpline

HERE = Path(__file__).resolve().parent
STRIDE_S = 1.1
RATE = 100.0
SPEED = 1.3

# (percent of the gait cycle from right heel strike, value in degrees), clinical signs
CURVES = {
    "hip_flexion": [(0, 30), (10, 25), (20, 15), (30, 7), (40, 0), (50, -8), (55, -10), (60, -5), (65, 5),
                    (70, 15), (75, 22), (80, 28), (85, 31), (90, 32), (95, 31)],
    "hip_adduction": [(0, 2), (10, 6), (20, 7), (30, 5), (40, 3), (50, 0), (60, -4), (65, -6), (70, -6), (80, -3),
                      (90, 0)],
    "hip_rotation": [(0, 2), (20, 4), (40, 0), (60, -5), (80, -2)],
    "knee_flexion": [(0, 5), (5, 12), (10, 17), (15, 19), (20, 16), (30, 9), (40, 5), (45, 6), (50, 10), (55, 18),
                     (60, 35), (65, 52), (70, 62), (73, 64), (76, 62), (80, 55), (85, 40), (90, 22), (95, 8)],
    "ankle_angle": [(0, 0), (5, -5), (10, -3), (20, 5), (30, 10), (40, 12), (45, 12), (50, 9), (55, 0), (60, -12),
                    (63, -16), (66, -13), (70, -6), (75, 0), (80, 3), (85, 4), (90, 3), (95, 1)],
    "subtalar_angle": [(0, 2), (15, -3), (40, -2), (60, 2), (80, 1)],
}


def curve(points, phase):
    """Periodic spline through ``points`` at ``phase`` (0..1 of the cycle)."""
    x = np.array([p for p, _ in points] + [100.0]) / 100.0
    y = np.array([v for _, v in points] + [points[0][1]], float)
    return CubicSpline(x, y, bc_type="periodic")(np.mod(phase, 1.0))


def walk(n_strides: int = 2):
    """``time``, ``{clinical column: values}`` (degrees, metres)."""
    t = np.arange(int(round(n_strides * STRIDE_S * RATE)) + 1) / RATE
    p = t / STRIDE_S
    out = {}
    for name, pts in CURVES.items():
        out[f"{name}_r"] = curve(pts, p)
        out[f"{name}_l"] = curve(pts, p + 0.5)
    two = 2 * np.pi * p
    out["pelvis_anterior_tilt"] = 8 + 1.5 * np.cos(2 * two)
    out["pelvis_obliquity"] = 4.5 * np.sin(two + 0.6)  # right side up while the right leg takes the weight
    out["pelvis_rotation"] = 5 * np.cos(two)          # right ASIS forward at right heel strike
    out["lumbar_flexion"] = 2 + 1.0 * np.cos(2 * two)
    out["lumbar_bending"] = -2.0 * np.sin(two + 0.6)
    out["lumbar_rotation"] = -3 * np.cos(two)
    out["pelvis_tx"] = SPEED * t + 0.02 * np.sin(2 * two)
    out["pelvis_ty"] = 0.94 + 0.018 * np.cos(2 * two - np.pi)
    out["pelvis_tz"] = 0.022 * np.sin(two)
    return t, out


def _osim(clin: dict, *, knee_negative: bool) -> dict:
    """OpenSim names and signs (gait2392 with ``knee_negative``)."""
    o = {"pelvis_tilt": -clin["pelvis_anterior_tilt"], "pelvis_list": -clin["pelvis_obliquity"],
         "pelvis_rotation": clin["pelvis_rotation"], "pelvis_tx": clin["pelvis_tx"], "pelvis_ty": clin["pelvis_ty"],
         "pelvis_tz": clin["pelvis_tz"]}
    for s in ("r", "l"):
        for c in ("hip_flexion", "hip_adduction", "hip_rotation"):
            o[f"{c}_{s}"] = clin[f"{c}_{s}"]
        o[f"knee_angle_{s}"] = -clin[f"knee_flexion_{s}"] if knee_negative else clin[f"knee_flexion_{s}"]
        o[f"ankle_angle_{s}"] = clin[f"ankle_angle_{s}"]
        o[f"subtalar_angle_{s}"] = clin[f"subtalar_angle_{s}"]
        o[f"mtp_angle_{s}"] = np.zeros_like(clin["pelvis_tx"])
    o["lumbar_extension"] = -clin["lumbar_flexion"]
    o["lumbar_bending"] = clin["lumbar_bending"]
    o["lumbar_rotation"] = clin["lumbar_rotation"]
    return o


def _table(t, cols: dict, fmt: str = "%.8f", sep: str = "\t") -> str:
    names = ["time", *cols]
    data = np.column_stack([t, *cols.values()])
    rows = "\n".join(sep.join(fmt % v for v in row) for row in data)
    return sep.join(names) + "\n" + rows + "\n"


def write_all() -> None:
    t, clin = walk()
    g = _osim(clin, knee_negative=True)
    order = ["pelvis_tilt", "pelvis_list", "pelvis_rotation", "pelvis_tx", "pelvis_ty", "pelvis_tz",
             "hip_flexion_r", "hip_adduction_r", "hip_rotation_r", "knee_angle_r", "ankle_angle_r", "subtalar_angle_r",
             "mtp_angle_r", "hip_flexion_l", "hip_adduction_l", "hip_rotation_l", "knee_angle_l", "ankle_angle_l",
             "subtalar_angle_l", "mtp_angle_l", "lumbar_extension", "lumbar_bending", "lumbar_rotation"]
    g = {k: g[k] for k in order}
    head = (f"Coordinates\nversion=1\nnRows={t.size}\nnColumns={len(g) + 1}\ninDegrees=yes\n\n"
            "Units are S.I. units (second, meters, Newtons, ...)\n"
            "Angles are in degrees.\n\nendheader\n")
    (HERE / "walk_gait2392.mot").write_text(head + _table(t, g), encoding="utf-8")

    r = _osim(clin, knee_negative=False)
    rad = {k: (v if k in ("pelvis_tx", "pelvis_ty", "pelvis_tz") else np.radians(v)) for k, v in r.items()}
    for s in ("r", "l"):
        swing = np.radians(20 * np.sin(2 * np.pi * t / STRIDE_S + (np.pi if s == "r" else 0)))
        rad.update({f"arm_flex_{s}": swing, f"arm_add_{s}": np.full_like(t, -0.2), f"arm_rot_{s}": np.zeros_like(t),
                    f"elbow_flex_{s}": np.full_like(t, 0.35), f"pro_sup_{s}": np.full_like(t, 1.2)})
    head = (f"inverse_kinematics\nversion=1\nnRows={t.size}\nnColumns={len(rad) + 1}\ninDegrees=no\n"
            "OpenSimVersion=4.4\nDataType=double\nendheader\n")
    (HERE / "walk_rajagopal.sto").write_text(head + _table(t, rad, "%.10f"), encoding="utf-8")

    keep = ["pelvis_tilt", "pelvis_list", "pelvis_rotation", "pelvis_tx", "pelvis_ty", "pelvis_tz",
            "hip_flexion_r", "hip_adduction_r", "hip_rotation_r", "knee_angle_r", "ankle_angle_r",
            "hip_flexion_l", "hip_adduction_l", "hip_rotation_l", "knee_angle_l", "ankle_angle_l"]
    (HERE / "walk.csv").write_text(_table(t, {k: r[k] for k in keep}, "%.5f", ","), encoding="utf-8")

    small = "time\thip_flexion_r\tknee_angle_r\n0.00\t0.0\t-5.0\n0.01\t1.0\t-6.0\n0.02\t2.0\t-7.0\n0.03\t3.0\t-8.0\n"
    head = "broken\nversion=1\nnRows=4\nnColumns=3\ninDegrees=yes\nendheader\n"
    (HERE / "broken_no_endheader.mot").write_text(head.replace("endheader\n", "") + small)
    (HERE / "broken_ragged.mot").write_text(head + small.replace("0.02\t2.0\t-7.0", "0.02\t2.0"))
    (HERE / "broken_non_numeric.mot").write_text(head + small.replace("0.02\t2.0\t-7.0", "0.02\tabc\t-7.0"))
    (HERE / "broken_time.mot").write_text(head + small.replace("0.03\t3.0", "0.02\t3.0"))
    (HERE / "broken_nan.mot").write_text(head + small.replace("0.01\t1.0\t-6.0", "0.01\tNaN\t-6.0"))


if __name__ == "__main__":
    write_all()
