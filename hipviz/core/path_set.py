"""A set of muscle paths compiled into arrays, and where its points are in a pose.

A :class:`PathSet` is the compiled, array form of a list of muscles for one side of the
body, in that side's *canonical* frame (the left side is mirrored into a right-handed copy,
so one kernel serves both): :func:`compile_paths` builds it from the muscle specifications
and landmarks (resolving every point on its bone, choosing each cylinder's winding and
building the index tables the kernel gathers with); :func:`_points` places its points for
``n`` poses. The kernel that wraps and differentiates the paths is :mod:`hipviz.core.paths`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .kinematics import hip_rotation, knee_rotation, lumbar_rotation
from .muscles import MuscleSpec, PointSpec
from .wrapping import sample_arc, wrap_cylinder

__all__ = ["PathSet", "compile_paths", "BODY_INDEX", "ARC_SAMPLES"]

BODY_INDEX = {"pelvis": 0, "femur": 1, "tibia": 2, "trunk": 3}
_DISTAL_HIP = (1, 2)
ARC_SAMPLES = 7


@dataclass
class PathSet:
    """Array form of a set of muscle bundles for one side (canonical right-handed frame).

    Attributes
    ----------
    muscle_ids, bundle_names : list of str
        One entry per bundle.
    max_force : (B,) ndarray, newtons
    fibre_length : (B,) ndarray, metres (optimal fibre length of the muscle; 0.1 if unknown)
    points : (Np, 3) ndarray
        Path points in their bones' frames (metres); tibia points relative to the knee centre.
    point_body : (Np,) int ndarray
        Body of each point (:data:`BODY_INDEX`).
    hip_center, knee_center : (3,) ndarray
        Hip centre in the pelvis frame; knee centre in the femur frame.
    """

    muscle_ids: list[str]
    bundle_names: list[str]
    max_force: np.ndarray
    fibre_length: np.ndarray
    points: np.ndarray
    point_body: np.ndarray
    seg_a: np.ndarray
    seg_bundle: np.ndarray
    seg_wrap: np.ndarray  # (S,) first wrap of each segment, -1 if none
    wrap_body: np.ndarray
    wrap_shape: np.ndarray  # 0 sphere, 1 cylinder
    wrap_center: np.ndarray
    wrap_frame: np.ndarray  # (Nw, 3, 3), columns = obstacle axes in the bone frame
    wrap_radius: np.ndarray
    wrap_direction: np.ndarray
    hip_center: np.ndarray
    knee_center: np.ndarray
    lumbosacral: np.ndarray
    knee_axis_offset: np.ndarray = field(default_factory=lambda: np.zeros(3))  # femur frame, metres
    wrap_seg: np.ndarray | None = None  # (Nw,) segment of each wrap
    wrap_prev: np.ndarray | None = None  # (Nw,) the wrap before it on its segment, -1 if first
    wrap_next: np.ndarray | None = None  # (Nw,) the wrap after it on its segment, -1 if last
    shortest: np.ndarray | None = None
    longest: np.ndarray | None = None
    draw_index: list[np.ndarray] = field(default_factory=list)
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def n_bundles(self) -> int:
        return len(self.bundle_names)

    @property
    def seg_b(self) -> np.ndarray:
        return self.seg_a + 1


def _resolve(point: PointSpec, landmarks: dict[str, dict[str, np.ndarray]], where: str) -> np.ndarray:
    table = landmarks.get(point.bone)
    if table is None:
        raise KeyError(f"{where}: the model has no bone '{point.bone}'")

    def get(name):
        if name not in table:
            raise KeyError(f"{where}: bone '{point.bone}' has no landmark '{name}'")
        return table[name]

    if len(point.at) == 1:
        base = get(point.at[0])
    else:
        a, b, t = point.at
        base = (1.0 - t) * get(a) + t * get(b)
    return base + np.asarray(point.offset_mm) * 1e-3


def _frame_from_axis(axis) -> np.ndarray:
    z = np.asarray(axis, float)
    z = z / np.linalg.norm(z)
    helper = np.array([1.0, 0.0, 0.0]) if abs(z[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    x = np.cross(helper, z)
    x /= np.linalg.norm(x)
    return np.column_stack([x, np.cross(z, x), z])


def compile_paths(specs: list[MuscleSpec], landmarks: dict[str, dict[str, np.ndarray]], *,
                  knee_axis_offset=None) -> PathSet:
    """Compile muscle specifications into a :class:`PathSet`.

    Parameters
    ----------
    specs : list of MuscleSpec
    landmarks : dict
        ``{"pelvis": {...}, "femur": {...}, "tibia": {...}}`` landmark positions (metres)
        in the canonical right-handed frames of one side, without side suffixes. Must
        include ``pelvis.hip_center`` and ``femur.knee_center``; tibia landmarks are taken
        relative to ``tibia.knee_center``.

    Returns
    -------
    PathSet
    """
    tib_origin = landmarks["tibia"]["knee_center"]
    pts, bodies, seg_a, seg_bundle, seg_wrap = [], [], [], [], []
    w_body, w_shape, w_center, w_frame, w_radius, w_side = [], [], [], [], [], []
    w_seg, w_prev, w_next = [], [], []
    muscle_ids, bundle_names, forces, fibres = [], [], [], []

    def local(p: PointSpec, where: str) -> np.ndarray:
        x = _resolve(p, landmarks, where)
        return x - tib_origin if p.bone == "tibia" else x

    for spec in specs:
        for bundle in spec.bundles:
            where = f"{spec.id}/{bundle.name}"
            b = len(bundle_names)
            muscle_ids.append(spec.id)
            bundle_names.append(bundle.name)
            forces.append(spec.max_force_n * bundle.force_share)
            fibres.append((spec.fibre_length_cm or 10.0) / 100.0)
            first = len(pts)
            for j, p in enumerate(bundle.points):
                pts.append(local(p, f"{where} point {j}"))
                bodies.append(BODY_INDEX[p.bone])
            for j in range(len(bundle.points) - 1):
                s_index = len(seg_a)
                seg_a.append(first + j)
                seg_bundle.append(b)
                # the segment's obstacles, in the order the file lists them (along the path)
                on_seg = [w for w in bundle.wraps if w.segment == j]
                seg_wrap.append(len(w_body) if on_seg else -1)
                for k, w in enumerate(on_seg):
                    w_seg.append(s_index)
                    w_prev.append(len(w_body) - 1 if k > 0 else -1)
                    w_next.append(len(w_body) + 1 if k < len(on_seg) - 1 else -1)
                    w_body.append(BODY_INDEX[w.centre.bone])
                    w_shape.append(0 if w.shape == "sphere" else 1)
                    w_center.append(local(w.centre, f"{where} wrap {j}.{k}"))
                    w_frame.append(_frame_from_axis(w.axis))
                    w_radius.append(w.radius_mm * 1e-3)
                    w_side.append(np.zeros(3) if w.side is None else np.asarray(w.side, float))
    ps = PathSet(
        muscle_ids=muscle_ids, bundle_names=bundle_names, max_force=np.array(forces),
        fibre_length=np.array(fibres), points=np.array(pts), point_body=np.array(bodies, dtype=int),
        seg_a=np.array(seg_a, dtype=int), seg_bundle=np.array(seg_bundle, dtype=int),
        seg_wrap=np.array(seg_wrap, dtype=int),
        wrap_body=np.array(w_body, dtype=int), wrap_shape=np.array(w_shape, dtype=int),
        wrap_center=np.array(w_center).reshape(-1, 3), wrap_frame=np.array(w_frame).reshape(-1, 3, 3),
        wrap_radius=np.array(w_radius), wrap_direction=np.ones(len(w_body)),
        hip_center=landmarks["pelvis"]["hip_center"], knee_center=landmarks["femur"]["knee_center"],
        lumbosacral=landmarks["pelvis"]["lumbosacral_joint"],
        wrap_seg=np.array(w_seg, dtype=int), wrap_prev=np.array(w_prev, dtype=int),
        wrap_next=np.array(w_next, dtype=int),
        knee_axis_offset=np.zeros(3) if knee_axis_offset is None else np.asarray(knee_axis_offset, float),
    )
    _choose_wrap_directions(ps, np.array(w_side).reshape(-1, 3))
    _build_tables(ps)
    return ps


def _choose_wrap_directions(ps: PathSet, sides: np.ndarray) -> None:
    """Fix each cylinder's winding so that, in the neutral pose, the path passes on ``side``."""
    if not len(ps.wrap_body):
        return
    X, Rb, tb = _points(ps, np.zeros((1, 3)), np.zeros(1), None)
    for w in np.flatnonzero(ps.wrap_shape == 1):
        seg = int(ps.wrap_seg[w])
        b = ps.wrap_body[w]
        C = Rb[b][0] @ ps.wrap_center[w] + tb[b][0]
        F = Rb[b][0] @ ps.wrap_frame[w]
        P = F.T @ (X[0, ps.seg_a[seg]] - C)
        S = F.T @ (X[0, ps.seg_a[seg] + 1] - C)
        s_loc = ps.wrap_frame[w].T @ sides[w]
        best, score = 1.0, -np.inf
        for d in (1.0, -1.0):
            res = wrap_cylinder(P, S, ps.wrap_radius[w], d)
            mid = sample_arc(res, 3)[1][:2]
            val = float(np.dot(mid / max(np.linalg.norm(mid), 1e-12), s_loc[:2]))
            if val > score:
                best, score = d, val
        ps.wrap_direction[w] = best


def _build_tables(ps: PathSet) -> None:
    """Precompute index tables: joint-crossing pieces and drawing order."""
    Np, Nw = len(ps.points), len(ps.wrap_body)
    T1, T2 = Np, Np + Nw  # offsets of tangent points in the combined point array
    pieces = []  # (start index, end index, start body, end body, bundle)
    multi_pieces = []  # (start index, end index, segment) of segments with several obstacles
    for s, (a, b) in enumerate(zip(ps.seg_a, ps.seg_b)):
        on_seg = np.flatnonzero(ps.wrap_seg == s)
        # the straight pieces of the segment: a -> first obstacle -> ... -> last obstacle -> b
        ends = [(a, ps.point_body[a])]
        for w in on_seg:
            ends.append((T1 + w, ps.wrap_body[w]))
            ends.append((T2 + w, ps.wrap_body[w]))
        ends.append((b, ps.point_body[b]))
        for (i0, b0), (i1, b1) in zip(ends[::2], ends[1::2]):
            pieces.append((i0, i1, b0, b1, ps.seg_bundle[s]))
            if on_seg.size > 1:
                multi_pieces.append((i0, i1, s))

    def crossing(distal: tuple[int, ...]):
        prox, dist, bundle, line = [], [], [], []
        for i0, i1, b0, b1, bun in pieces:
            d0, d1 = b0 in distal, b1 in distal
            if d0 != d1:
                prox.append(i0 if d1 else i1)
                dist.append(i1 if d1 else i0)
                bundle.append(bun)
                # an obstacle at one end of the piece (its meeting point at the far end, else its
                # leaving point at the near end), whose straight line the piece lies on when the
                # obstacle is not touched; and whether that line runs towards the distal end
                w = i1 - T1 if T1 <= i1 < T2 else (i0 - T2 if i0 >= T2 else -1)
                line.append((w, 1 if d1 else -1))
        assign = np.zeros((len(bundle), ps.n_bundles))
        assign[np.arange(len(bundle)), bundle] = 1.0
        return np.array(prox, dtype=int), np.array(dist, dtype=int), assign, np.array(line, dtype=int).reshape(-1, 2)

    # per joint: the pieces that cross it (proximal end, distal end) and their bundles; and, for
    # a piece that can have no length (see _unit_pieces), the obstacle whose line it lies on
    for key, distal in (("hip", _DISTAL_HIP), ("knee", (2,)), ("lumbar", (3,))):
        prox, dist, assign, line = crossing(distal)
        ps._cache[key] = (prox, dist, assign)
        ps._cache[key + "_line"] = line
    seg_assign = np.zeros((len(ps.seg_a), ps.n_bundles))
    seg_assign[np.arange(len(ps.seg_a)), ps.seg_bundle] = 1.0
    ps._cache["seg_assign"] = seg_assign
    # segments with several obstacles: which wraps are iterated, in which order, and the pieces
    # whose lengths (plus the arcs') make up those segments' lengths
    multi = np.flatnonzero(np.bincount(ps.wrap_seg, minlength=len(ps.seg_a))[ps.wrap_seg] > 1) if Nw else np.zeros(0, int)
    slot = np.zeros(Nw, dtype=int)
    for w in range(Nw):
        if ps.wrap_prev[w] >= 0:
            slot[w] = slot[ps.wrap_prev[w]] + 1
    sweeps = []  # per slot: (wraps, their sphere/cylinder subsets)
    for k in range(int(slot[multi].max()) + 1 if multi.size else 0):
        ws = multi[slot[multi] == k]
        sweeps.append((ws, ws[ps.wrap_shape[ws] == 0], ws[ps.wrap_shape[ws] == 1]))
    msegs = np.unique(ps.wrap_seg[multi])
    mp = np.array([(i0, i1) for i0, i1, _ in multi_pieces], dtype=int).reshape(-1, 2)
    piece_assign = np.zeros((len(mp), len(msegs)))
    piece_assign[np.arange(len(mp)), np.searchsorted(msegs, [s for _, _, s in multi_pieces])] = 1.0
    arc_assign = np.zeros((len(multi), len(msegs)))
    arc_assign[np.arange(len(multi)), np.searchsorted(msegs, ps.wrap_seg[multi])] = 1.0
    single = np.setdiff1d(np.arange(Nw), multi)
    ps._cache["multi"] = (multi, sweeps, msegs, mp, piece_assign, arc_assign, single)
    # the iteration's groups: each segment with several obstacles on its own (iterated over the poses
    # where one of its own obstacles is touched), or all such segments as one group (fewer, larger
    # steps: cheaper for a few poses)
    ps._cache["multi_groups"] = [_iteration_group(ps, multi[ps.wrap_seg[multi] == seg], sweeps) for seg in msegs]
    ps._cache["multi_one_group"] = [_iteration_group(ps, multi, sweeps)] if multi.size else []
    # drawing: per bundle, indices into [points, arc samples (Nw * ARC_SAMPLES)]
    draw = []
    for b in range(ps.n_bundles):
        segs = np.flatnonzero(ps.seg_bundle == b)
        idx = [ps.seg_a[segs[0]]]
        for s in segs:
            for w in np.flatnonzero(ps.wrap_seg == s):
                idx.extend(Np + w * ARC_SAMPLES + np.arange(ARC_SAMPLES))
            idx.append(ps.seg_a[s] + 1)
        draw.append(np.array(idx, dtype=int))
    ps.draw_index = draw


def _iteration_group(ps: PathSet, g: np.ndarray, sweeps: list) -> tuple:
    """The tables path_kinematics iterates a group ``g`` of obstacles with, in the group's own
    columns (its arrays hold only these obstacles): ``(g, sweeps, prev, next, segment)``, the
    sweeps' obstacles of each shape with their columns, in order; each column's neighbours on its
    segment (-1: none); and each column's segment, one-hot over the group's segments."""
    col = np.full(len(ps.wrap_body), -1, dtype=int)
    col[g] = np.arange(g.size)
    g_sweeps = []
    for _ws, *subsets in sweeps:
        for w in subsets:
            w = w[col[w] >= 0]
            if w.size:
                g_sweeps.append((w, col[w]))
    prev = np.where(ps.wrap_prev[g] >= 0, col[ps.wrap_prev[g]], -1)
    nxt = np.where(ps.wrap_next[g] >= 0, col[ps.wrap_next[g]], -1)
    segs = np.unique(ps.wrap_seg[g])
    seg_cols = np.zeros((g.size, segs.size), dtype=np.int8)
    seg_cols[np.arange(g.size), np.searchsorted(segs, ps.wrap_seg[g])] = 1
    return g, g_sweeps, prev, nxt, seg_cols


def _points(ps: PathSet, q_hip: np.ndarray, q_knee: np.ndarray, q_lumbar: np.ndarray | None, *,
            out: np.ndarray | None = None):
    """Path points in the canonical pelvis frame, and the bodies' rotations and origins.

    ``out``: an (n, Np, 3) array to write the points into (returned as the first value)."""
    n = q_hip.shape[0]
    R_f = hip_rotation(q_hip[:, 0], q_hip[:, 1], q_hip[:, 2], "r")
    R_t = R_f @ knee_rotation(q_knee)
    t_f = np.broadcast_to(ps.hip_center, (n, 3))
    # the tibia turns about the knee's flexion axis (see segments.toml [knee])
    t_t = t_f + R_f @ (ps.knee_center + ps.knee_axis_offset) - R_t @ ps.knee_axis_offset
    eye = np.broadcast_to(np.eye(3), (n, 3, 3))
    zero = np.zeros((n, 3))
    R_l = eye if q_lumbar is None else lumbar_rotation(q_lumbar[:, 0], q_lumbar[:, 1], q_lumbar[:, 2])
    Rb = (eye, R_f, R_t, R_l)
    tb = (zero, t_f, t_t, np.broadcast_to(ps.lumbosacral, (n, 3)))
    X = np.empty((n, len(ps.points), 3)) if out is None else out
    for body in range(4):
        idx = ps._cache.get(("body", body))
        if idx is None:
            idx = ps._cache[("body", body)] = np.flatnonzero(ps.point_body == body)
        if idx.size:
            X[:, idx] = _rotated(Rb[body], ps.points[idx], body == 0 or (body == 3 and q_lumbar is None)) \
                + tb[body][:, None, :]
    return X, Rb, tb


def _rotated(R: np.ndarray, v: np.ndarray, identity: bool = False) -> np.ndarray:
    """``R[p] @ v[k]`` for every pose ``p`` and vector ``k``: (n, 3, 3) x (k, 3) -> (n, k, 3); or
    frames, (k, 3, 3) -> (n, k, 3, 3). One matrix product (as ``einsum("pij,kj->pki")`` but
    several times faster on large batches); ``identity``: ``R`` is the identity."""
    if identity:
        return np.broadcast_to(v, (R.shape[0], *v.shape))
    n = R.shape[0]
    if v.ndim == 2:
        return (R.reshape(n * 3, 3) @ v.T).reshape(n, 3, len(v)).transpose(0, 2, 1)
    k = len(v)
    return (R.reshape(n * 3, 3) @ v.transpose(1, 0, 2).reshape(3, k * 3)).reshape(n, 3, k, 3).transpose(0, 2, 1, 3)
