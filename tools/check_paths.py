"""Report how far each muscle path runs inside the bone meshes, over a set of poses.

Run from the repository root: ``python tools/check_paths.py``. For tuning muscle data:
prints, per bundle, the worst depth (mm) of path samples inside any bone and the pose.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import hipviz  # noqa: E402

POSES = [
    {}, {"flexion": 45}, {"flexion": 90}, {"flexion": 110}, {"flexion": -20},
    {"adduction": -40}, {"adduction": 25}, {"rotation": 35}, {"rotation": -40},
    {"flexion": 90, "rotation": -40}, {"flexion": 90, "knee": 90}, {"knee": 120},
    {"flexion": 100, "adduction": -30},
]


def inside_depth(meshes, state, i: int, side: str = "r", step: float = 0.004):
    """Per bundle: the largest depth (m) of a path sample inside any bone mesh."""
    import pyvista as pv
    out = []
    for b, path in enumerate(state.muscles[side].paths):
        p = path[i]
        seg = np.diff(p, axis=0)
        pts = [p[:1]]
        for a, d in zip(p[:-1], seg):
            k = max(int(np.linalg.norm(d) / step), 1)
            pts.append(a + np.outer(np.arange(1, k + 1) / k, d))
        pts = np.concatenate(pts)[1:-1]  # attachments themselves sit on the bone
        worst = 0.0
        for bone, mesh in meshes.items():
            T = state.transforms[bone][i]
            local = (pts - T[:3, 3]) @ T[:3, :3]
            cloud = pv.PolyData(local)
            sd = -cloud.compute_implicit_distance(mesh)["implicit_distance"]  # positive inside
            worst = max(worst, float(sd.max()))
        out.append(worst)
    return np.array(out)


def main() -> None:
    import pyvista as pv
    model = hipviz.load_model()
    meshes = {b: pv.read(p) for b, p in model.mesh_files.items() if b in ("pelvis", "femur_r", "tibia_r", "femur_l")}
    worst = None
    where = None
    for pose in POSES:
        st = hipviz.evaluate(model, pose)
        d = inside_depth(meshes, st, 0)
        if worst is None:
            worst, where = d, [pose] * len(d)
        else:
            for b in np.flatnonzero(d > worst):
                where[b] = pose
            worst = np.maximum(worst, d)
    ps = model.paths["r"]
    for b, (m, name) in enumerate(zip(ps.muscle_ids, ps.bundle_names)):
        flag = "  <--" if worst[b] > 0.01 else ""
        print(f"{m:26s}{name:15s} {worst[b] * 1000:5.1f} mm at {where[b]}{flag}")


if __name__ == "__main__":
    main()
