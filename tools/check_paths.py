"""How far each muscle path runs inside the bone meshes, over the joints' whole range.

Run from the repository root: ``python tools/check_paths.py [--tolerance-mm 3] [--diagnose]``. Prints, per
bundle, the worst depth (mm) of its path inside any bone and the pose where it happens, over a
grid of hip flexion, adduction, rotation and knee flexion that spans every range (600 poses),
and how many bundle-poses pass deeper than 10 mm and than the tolerance. ``tests/test_paths_outside_bone.py``
runs the same measurement with a 3 mm tolerance.

How the depth is measured: each bone mesh is voxelised once at 1 mm (scan lines along z, inside
where a line has crossed the surface an odd number of times) and the distance of every inside
voxel to the nearest outside one is taken (``scipy.ndimage.distance_transform_edt``); path samples
every 2 mm are looked up in that grid with trilinear interpolation. The depths are good to about
half a millimetre, far inside the 3 mm tolerance, and the 600 poses take a few seconds instead of
minutes of exact point-to-mesh distances.

Poses the bones cannot reach: at the combined ends of the ranges the femur itself runs into the
pelvis (the femoral neck into the acetabular rim or the anterior inferior iliac spine at flexion,
adduction and internal rotation: femoroacetabular impingement, the FADIR test; into the posterior
rim at extension with external rotation; the lesser trochanter into the ischial tuberosity at
extension or neutral with adduction and external rotation: ischiofemoral impingement). A real hip
stops there, so a muscle path in such a pose means nothing. :func:`bone_overlap` measures, with
the same distance fields, how deep each bone's mesh vertices go into the other bone of a joint
(femur and pelvis, tibia and femur; both ways, the deeper counts), and paths are judged only over
the poses where that overlap is within the same tolerance (:func:`reachable`). The report prints
how many poses that excludes and which bones meet where, and the counts over the whole grid too.
"""
from __future__ import annotations

import argparse
import itertools
import sys
from functools import lru_cache
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import hipviz  # noqa: E402

#: The grid of poses: every range's ends and points between (degrees).
GRID = {
    "flexion": (-20, 0, 30, 60, 90, 110),
    "adduction": (-45, -25, 0, 15, 30),
    "rotation": (-45, -20, 0, 20, 40),
    "knee": (0, 45, 90, 140),
}
#: The bones the right side's muscles could pass through. Not the left femur: with the right
#: thigh adducted 30 deg in front of the standing left leg the two thighs overlap, which is the
#: pose (the legs would cross), not a path through its own bones.
BONES = ("pelvis", "femur_r", "tibia_r")
PITCH = 1e-3  # m


def grid_poses(grid: dict = GRID) -> dict[str, np.ndarray]:
    """Every combination of ``grid``'s values, as pose arrays (degrees)."""
    combos = np.array(list(itertools.product(*grid.values())), float)
    return {k: combos[:, j] for j, k in enumerate(grid)}


def _inside_mask(vertices: np.ndarray, faces: np.ndarray, lo: np.ndarray, shape: tuple[int, int, int]) -> np.ndarray:
    """Voxels (centres ``lo + index * PITCH``) inside a closed mesh, by ray parity along z."""
    tri = vertices[faces]
    # columns slightly off the grid lines, so that no ray runs exactly through an edge or vertex
    xy = (tri[:, :, :2] - lo[:2]) / PITCH - np.array([0.1234567, 0.2345678])
    i0 = np.ceil(xy.min(axis=1)).astype(int)
    i1 = np.floor(xy.max(axis=1)).astype(int)
    nx = np.clip(i1[:, 0] - i0[:, 0] + 1, 0, None)
    ny = np.clip(i1[:, 1] - i0[:, 1] + 1, 0, None)
    counts = nx * ny
    t = np.repeat(np.arange(len(tri)), counts)
    k = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    px = i0[t, 0] + k // ny[t]
    py = i0[t, 1] + k % ny[t]
    a, b, c = xy[t, 0], xy[t, 1], xy[t, 2]
    p = np.column_stack([px, py]).astype(float)

    def edge(u, v, w):
        return (v[:, 0] - u[:, 0]) * (w[:, 1] - u[:, 1]) - (v[:, 1] - u[:, 1]) * (w[:, 0] - u[:, 0])

    area = edge(a, b, c)
    wa, wb, wc = edge(b, c, p), edge(c, a, p), edge(a, b, p)
    hit = (np.sign(wa) == np.sign(area)) & (np.sign(wb) == np.sign(area)) & (np.sign(wc) == np.sign(area)) & (area != 0)
    t, px, py = t[hit], px[hit], py[hit]
    w = np.column_stack([wa[hit], wb[hit], wc[hit]]) / area[hit, None]
    z = (np.einsum("ij,ij->i", w, tri[t, :, 2]) - lo[2]) / PITCH
    col = px * shape[1] + py
    order = np.lexsort((z, col))
    col, z = col[order], z[order]
    # pair the crossings of each column: (1st, 2nd), (3rd, 4th) ... are inside
    first = np.r_[True, col[1:] != col[:-1]]
    rank = np.arange(len(col)) - np.maximum.accumulate(np.where(first, np.arange(len(col)), 0))
    pair = (rank[:-1] % 2 == 0) & (col[1:] == col[:-1])
    starts, ends, cols = z[:-1][pair], z[1:][pair], col[:-1][pair]
    k0 = np.clip(np.ceil(starts).astype(int), 0, shape[2])
    k1 = np.clip(np.floor(ends).astype(int) + 1, 0, shape[2])
    diff = np.zeros((shape[0] * shape[1], shape[2] + 1), np.int32)
    np.add.at(diff, (cols, k0), 1)
    np.add.at(diff, (cols, k1), -1)
    return (np.cumsum(diff[:, :-1], axis=1) > 0).reshape(shape)


@lru_cache(maxsize=8)
def depth_grid(mesh_path: str, origin: tuple[float, float, float]) -> tuple[np.ndarray, np.ndarray]:
    """``(lo, depth)``: how deep (m) each 1 mm voxel lies inside the bone; 0 outside.

    The mesh is moved by ``-origin`` into its segment frame, as the renderer draws it.
    """
    import trimesh
    from scipy import ndimage

    mesh = trimesh.load(mesh_path, process=False)
    v = np.asarray(mesh.vertices, float) - np.asarray(origin)
    lo = v.min(axis=0) - 3 * PITCH
    shape = tuple(int(s) for s in np.ceil((v.max(axis=0) + 3 * PITCH - lo) / PITCH) + 1)
    inside = _inside_mask(v, np.asarray(mesh.faces), lo, shape)
    # distance of an inside voxel centre to the nearest outside one, less the half voxel to the surface
    depth = np.maximum(ndimage.distance_transform_edt(inside).astype(np.float32) * PITCH - PITCH / 2, 0.0)
    return lo, depth * inside


#: The joints whose bones are checked against each other: (bone, the bone it articulates with).
OVERLAP_PAIRS = (("femur_r", "pelvis"), ("tibia_r", "femur_r"))


@lru_cache(maxsize=8)
def mesh_vertices(mesh_path: str, origin: tuple[float, float, float]) -> np.ndarray:
    """The mesh's vertices (m) in its segment frame (moved by ``-origin``, as :func:`depth_grid`)."""
    import trimesh

    return np.asarray(trimesh.load(mesh_path, process=False).vertices, float) - np.asarray(origin)


def bone_overlap(model, poses: dict, state=None) -> dict[tuple[str, str], dict]:
    """How deep the bones of each joint (:data:`OVERLAP_PAIRS`) go into each other, per pose.

    Every vertex of one bone's mesh (1-2 mm apart) is looked up in the other bone's distance
    field, both ways round. Returns ``{(a, b): {"depth": (n,) m, "point": {a: (n, 3), b: (n, 3)}}}``:
    the deeper of the two ways and, for it, the deepest point in each bone's landmark frame (m),
    which says where they meet.
    """
    from scipy.ndimage import map_coordinates

    from hipviz.render.bones import bone_origin

    if state is None:
        state = hipviz.evaluate(model, poses, side="right", place=False)
    out = {}
    for a, b in OVERLAP_PAIRS:
        origin = {x: tuple(float(c) for c in bone_origin(model, x)) for x in (a, b)}
        best = None
        for into, frm in ((b, a), (a, b)):
            v = mesh_vertices(str(model.mesh_files[frm]), origin[frm])
            lo, depth = depth_grid(str(model.mesh_files[into]), origin[into])
            Tf, Ti = state.transforms[frm], state.transforms[into]
            world = np.einsum("nij,kj->nki", Tf[:, :3, :3], v) + Tf[:, None, :3, 3]
            loc = np.einsum("nij,nki->nkj", Ti[:, :3, :3], world - Ti[:, None, :3, 3])
            d = map_coordinates(depth, ((loc - lo) / PITCH).reshape(-1, 3).T, order=1,
                                mode="constant", cval=0.0).reshape(loc.shape[:2])
            k = d.argmax(axis=1)
            rows = np.arange(len(k))
            here = {"depth": d[rows, k],
                    "point": {frm: v[k] + np.asarray(origin[frm]), into: loc[rows, k] + np.asarray(origin[into])}}
            if best is None:
                best = here
            else:
                deeper = here["depth"] > best["depth"]
                best = {"depth": np.where(deeper, here["depth"], best["depth"]),
                        "point": {x: np.where(deeper[:, None], here["point"][x], best["point"][x]) for x in (a, b)}}
        out[(a, b)] = best
    return out


def reachable(model, poses: dict, *, tolerance_mm: float = 3.0, state=None) -> tuple[np.ndarray, dict]:
    """``(ok, overlap)``: the poses (n,) bool where no joint's bones overlap by more than
    ``tolerance_mm``, and :func:`bone_overlap`'s measurement."""
    overlap = bone_overlap(model, poses, state)
    ok = np.ones(len(next(iter(poses.values()))), bool)
    for pair in overlap.values():
        ok &= pair["depth"] * 1000 <= tolerance_mm
    return ok, overlap


def _nearest_landmark(model, bone: str, point: np.ndarray) -> str:
    table = model.landmarks[bone]
    name = min(table, key=lambda k: float(np.linalg.norm(np.asarray(table[k]) - point)))
    return name[:-2] if name.endswith(("_r", "_l")) else name


def print_excluded(model, poses: dict, ok: np.ndarray, overlap: dict, tolerance_mm: float = 3.0) -> None:
    """Say how many poses the bones exclude, at which joint, and where the bones meet (per hip
    pose, the knee's angles that share it listed together)."""
    n = len(ok)
    why = ", ".join(f"{a} into {b} (or back) in {int((o['depth'] * 1000 > tolerance_mm).sum())}"
                    for (a, b), o in overlap.items())
    print(f"{int((~ok).sum())} of {n} poses excluded, the bones overlapping by more than {tolerance_mm:g} mm: {why}")
    seen = {}
    hip = [k for k in poses if k != "knee"]
    for i in np.flatnonzero(~ok):
        for (a, b), o in overlap.items():
            if o["depth"][i] * 1000 <= tolerance_mm:
                continue
            key = (tuple(float(poses[k][i]) for k in hip), a, b)
            where = (f"{_nearest_landmark(model, a, o['point'][a][i])} into "
                     f"{_nearest_landmark(model, b, o['point'][b][i])}")
            entry = seen.setdefault(key, [0.0, where, []])
            if o["depth"][i] > entry[0]:
                entry[0], entry[1] = float(o["depth"][i]), where
            if "knee" in poses:
                entry[2].append(f"{poses['knee'][i]:g}")
    for (q, a, b), (depth, where, knees) in seen.items():
        pose = ", ".join(f"{k} {v:g}" for k, v in zip(hip, q))
        print(f"  {pose}{', knee ' + '/'.join(knees) if knees else ''}: {a}/{b} {1000 * depth:.1f} mm, "
              f"{where} (nearest landmarks)")


def sample_paths(paths: list[np.ndarray], step: float = 0.002) -> list[np.ndarray]:
    """Each bundle's path (n, k, 3) resampled every ``step`` metres or less, end points left out
    (the attachments sit on the bone): a list of (n, m, 3)."""
    out = []
    for p in paths:
        seg = np.diff(p, axis=1)
        reps = np.maximum(np.ceil(np.linalg.norm(seg, axis=-1).max(axis=0) / step).astype(int), 1)
        pieces = [p[:, j:j + 1] + np.linspace(0, 1, r, endpoint=False)[None, :, None] * seg[:, j:j + 1]
                  for j, r in enumerate(reps)]
        out.append(np.concatenate(pieces, axis=1)[:, 1:])
    return out


def inside_depths(model, poses: dict, side: str = "r", state=None) -> np.ndarray:
    """Depth (n_poses, n_bundles), metres, of the deepest path sample inside any bone, over every
    pose (mask it with :func:`reachable` to judge the paths)."""
    from scipy.ndimage import map_coordinates

    from hipviz.render.bones import bone_origin

    if state is None:
        state = hipviz.evaluate(model, poses, side="right" if side == "r" else "left", place=False)
    samples = sample_paths(state.muscles[side].paths)
    n = state.n
    worst = np.zeros((n, len(samples)))
    for bone in BONES:
        if bone not in model.mesh_files:
            continue
        lo, depth = depth_grid(str(model.mesh_files[bone]), tuple(float(x) for x in bone_origin(model, bone)))
        T = state.transforms[bone]
        for b, pts in enumerate(samples):
            local = np.einsum("nij,nki->nkj", T[:, :3, :3], pts - T[:, None, :3, 3])
            idx = ((local - lo) / PITCH).reshape(-1, 3).T
            d = map_coordinates(depth, idx, order=1, mode="constant", cval=0.0).reshape(local.shape[:2])
            worst[:, b] = np.maximum(worst[:, b], d.max(axis=1))
    return worst


def report(model, *, tolerance_mm: float = 3.0, grid: dict = GRID) -> tuple[np.ndarray, list]:
    """Per bundle: the worst depth (mm) over the poses the bones allow, and its pose; prints the
    poses excluded, the table and the counts (also over the whole grid)."""
    poses = grid_poses(grid)
    state = hipviz.evaluate(model, poses, side="right", place=False)
    ok, overlap = reachable(model, poses, tolerance_mm=tolerance_mm, state=state)
    print_excluded(model, poses, ok, overlap, tolerance_mm)
    print()
    full = inside_depths(model, poses, state=state) * 1000
    d = np.where(ok[:, None], full, 0.0)
    ps = model.paths["r"]
    k = d.argmax(axis=0)
    where = [{name: float(poses[name][i]) for name in poses} for i in k]
    for b, (m, name) in enumerate(zip(ps.muscle_ids, ps.bundle_names)):
        flag = "  <-- over 10 mm" if d[k[b], b] > 10 else ("  <-- over tolerance" if d[k[b], b] > tolerance_mm else "")
        pose = ", ".join(f"{n} {v:g}" for n, v in where[b].items())
        print(f"{m:26s}{name:15s} {d[k[b], b]:5.1f} mm at {pose}{flag}")
    within = int((d.max(axis=0) <= tolerance_mm).sum())
    print(f"{int(ok.sum())} poses the bones allow x {d.shape[1]} bundles: {within} bundles within {tolerance_mm:g} mm; "
          f"{int((d > 10).sum())} bundle-poses more than 10 mm inside bone, "
          f"{int((d > tolerance_mm).sum())} more than {tolerance_mm:g} mm; deepest {d.max():.1f} mm")
    print(f"(over all {full.shape[0]} poses, the excluded too: {int((full.max(axis=0) <= tolerance_mm).sum())} bundles "
          f"within {tolerance_mm:g} mm; {int((full > 10).sum())} more than 10 mm, "
          f"{int((full > tolerance_mm).sum())} more than {tolerance_mm:g} mm; deepest {full.max():.1f} mm)")
    return d.max(axis=0), where


def diagnose(model, *, tolerance_mm: float = 3.0, grid: dict = GRID) -> list[dict]:
    """Where each bundle deeper than the tolerance goes in: for its worst pose, the bone, the point
    (mm, in that bone's landmark frame), the piece of the drawn path (between which of its vertices,
    0 = origin) and how far along it; and whether that is bone against bone: how many poses have an
    attachment (the path's first or last point) more than 1 mm inside another bone than its own,
    and the worst depth over the poses where neither is. Only the poses the bones allow
    (:func:`reachable`) are judged. Prints one paragraph per bundle and returns the rows."""
    from scipy.ndimage import map_coordinates

    from hipviz.render.bones import bone_origin

    poses = grid_poses(grid)
    state = hipviz.evaluate(model, poses, side="right", place=False)
    ok, _ = reachable(model, poses, tolerance_mm=tolerance_mm, state=state)
    ps = model.paths["r"]
    rows = []
    for b, (m, name) in enumerate(zip(ps.muscle_ids, ps.bundle_names)):
        path = state.muscles["r"].paths[b]
        seg = np.diff(path, axis=1)
        reps = np.maximum(np.ceil(np.linalg.norm(seg, axis=-1).max(axis=0) / 0.002).astype(int), 1)
        frac = np.concatenate([np.linspace(0, 1, r, endpoint=False) for r in reps])
        piece = np.repeat(np.arange(len(reps)), reps)
        pts = sample_paths([path])[0]
        frac, piece = frac[1:], piece[1:]
        best = np.zeros(pts.shape[:2])
        where = np.zeros(pts.shape[:2], int)
        ends = np.zeros(len(path))
        local_of = {}
        segs = np.flatnonzero(ps.seg_bundle == b)
        own = (ps.point_body[ps.seg_a[segs[0]]], ps.point_body[ps.seg_b[segs[-1]]])  # 0 pelvis, 1 femur, 2 tibia
        for j, bone in enumerate(BONES):
            lo, depth = depth_grid(str(model.mesh_files[bone]), tuple(float(x) for x in bone_origin(model, bone)))
            T = state.transforms[bone]

            def look(x):
                loc = np.einsum("nij,nki->nkj", T[:, :3, :3], x - T[:, None, :3, 3])
                d = map_coordinates(depth, ((loc - lo) / PITCH).reshape(-1, 3).T, order=1, mode="constant", cval=0.0)
                return loc, d.reshape(loc.shape[:2])

            loc, d = look(pts)
            local_of[bone] = loc
            where = np.where(d > best, j, where)
            best = np.maximum(best, d)
            # an attachment is checked against the bones other than its own
            other = [e for e, body in enumerate(own) if body != j]
            if other:
                ends = np.maximum(ends, look(path[:, [(0, -1)[e] for e in other]])[1].max(axis=1))
        worst = np.where(ok, best.max(axis=1) * 1000, 0.0)
        i = int(worst.argmax())
        if worst[i] <= tolerance_mm:
            continue
        k = int(best[i].argmax())
        bone = BONES[where[i, k]]
        clash = (ends * 1000 > 1.0) & ok
        row = {"muscle": m, "bundle": name, "depth_mm": float(worst[i]),
               "pose": {n: float(poses[n][i]) for n in poses}, "bone": bone,
               "point_mm": (local_of[bone][i, k] * 1000).round(1).tolist(),
               "piece": int(piece[k]), "along": float(frac[k]), "n_vertices": path.shape[1],
               "attachment_in_bone_poses": int(clash.sum()),
               "worst_other_poses_mm": float(worst[~clash].max()) if (~clash).any() else 0.0}
        rows.append(row)
        pose = ", ".join(f"{n} {v:g}" for n, v in row["pose"].items())
        print(f"{m} {name}: {row['depth_mm']:.1f} mm in {bone} at {row['point_mm']} mm, at {pose}; "
              f"on the piece from path vertex {row['piece']} to {row['piece'] + 1} (of {path.shape[1]}), "
              f"{100 * row['along']:.0f} % along it. An attachment lies inside another bone in "
              f"{row['attachment_in_bone_poses']} poses; worst over the others {row['worst_other_poses_mm']:.1f} mm")
    return rows


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tolerance-mm", type=float, default=3.0)
    p.add_argument("--diagnose", action="store_true",
                   help="also say, per bundle deeper than the tolerance, where its worst pose goes in and "
                        "whether an attachment lies inside another bone (bone against bone)")
    args = p.parse_args()
    model = hipviz.load_model()
    report(model, tolerance_mm=args.tolerance_mm)
    if args.diagnose:
        print()
        diagnose(model, tolerance_mm=args.tolerance_mm)


if __name__ == "__main__":
    main()
