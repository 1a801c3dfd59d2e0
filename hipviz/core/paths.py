"""Muscle paths, lengths and moment arms for many poses at once.

A :class:`PathSet` is the compiled, array form of a list of muscles for one side of the
body, in that side's *canonical* frame (the left side is mirrored into a right-handed copy,
so one kernel serves both). :func:`path_kinematics` evaluates it for ``n`` poses.

Moment arms use the tendon-excursion definition ``r = -dL/dq`` and are computed exactly
from the geometry: by the envelope theorem, the derivative of the (wrapped) path length with
respect to a joint coordinate equals the sum, over the path pieces that cross that joint, of
``((x_d - c) x u) . k`` where ``x_d`` is the piece's end on the moving bone, ``u`` the unit
vector from it along the piece, ``c`` the joint centre and ``k`` the coordinate's axis
(the ISB axes: pelvis Z for flexion, the floating axis for adduction, the femur's long axis
for rotation; minus the femur's Z for knee flexion). Tests check this against finite
differences of the length.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .kinematics import hip_rotation, knee_rotation, lumbar_rotation
from .muscles import MuscleSpec, PointSpec
from .rotations import cross
from .wrapping import sample_arc, wrap_cylinder, wrap_sphere

__all__ = ["PathSet", "compile_paths", "path_kinematics", "BODY_INDEX", "ARC_SAMPLES"]

BODY_INDEX = {"pelvis": 0, "femur": 1, "tibia": 2, "trunk": 3}
_DISTAL_HIP = (1, 2)
ARC_SAMPLES = 7
#: Gauss-Seidel sweeps over the obstacles of segments that have several (see path_kinematics)
WRAP_PASSES = 6
COORD_NAMES = ("flexion", "adduction", "rotation", "knee")


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
    # the same in the columns of ``multi`` (the iteration's own arrays): per sweep and shape the
    # obstacles and their columns, and each column's neighbours on its segment (-1: none)
    col_of = np.full(Nw, -1, dtype=int)
    col_of[multi] = np.arange(multi.size)
    sweeps_l = [(w, col_of[w]) for _ws, *subsets in sweeps for w in subsets if w.size]
    prev_l = np.where(ps.wrap_prev[multi] >= 0, col_of[ps.wrap_prev[multi]], -1) if multi.size else np.zeros(0, int)
    next_l = np.where(ps.wrap_next[multi] >= 0, col_of[ps.wrap_next[multi]], -1) if multi.size else np.zeros(0, int)
    seg_cols = np.zeros((multi.size, msegs.size), dtype=np.int8)  # column -> its segment
    seg_cols[np.arange(multi.size), np.searchsorted(msegs, ps.wrap_seg[multi])] = 1
    ps._cache["multi_local"] = (sweeps_l, prev_l, next_l, seg_cols)
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


def _points(ps: PathSet, q_hip: np.ndarray, q_knee: np.ndarray, q_lumbar: np.ndarray | None):
    """Path points in the canonical pelvis frame, and the bodies' rotations and origins."""
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
    X = np.empty((n, len(ps.points), 3))
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


def _unit_pieces(ps: PathSet, key: str, allp: np.ndarray, prox: np.ndarray, dist: np.ndarray,
                 lines: tuple | None) -> np.ndarray:
    """Unit vectors from the distal to the proximal end of the pieces crossing a joint.

    On a segment with several obstacles, one that is off the path stands at the start of its
    straight line (path_kinematics), so a piece next to it can have no length. Such a piece lies on
    that obstacle's line (``lines``: the start and end of each obstacle's line), whose direction is
    used.
    """
    u = allp[:, prox] - allp[:, dist]
    length = np.sqrt(np.einsum("pci,pci->pc", u, u))[..., None]
    u /= np.maximum(length, 1e-300)
    line = ps._cache[key + "_line"]
    cand = ps._cache.get(key + "_cand")
    if cand is None:
        cand = ps._cache[key + "_cand"] = np.flatnonzero(line[:, 0] >= 0)
    if lines is not None and cand.size:
        w, sign = line[cand].T
        flat = length[:, cand, 0] == 0.0  # no length
        if flat.any():
            Pl, Sl = lines
            along = (Pl[:, w] - Sl[:, w]) * sign[None, :, None]
            along /= np.maximum(np.linalg.norm(along, axis=-1, keepdims=True), 1e-300)
            u[:, cand] = np.where(flat[..., None], along, u[:, cand])
    return u


def path_kinematics(ps: PathSet, q_hip, q_knee, q_lumbar=None, *, with_paths: bool = False) -> dict:
    """Lengths, moment arms (and optionally drawable paths) of every bundle.

    Parameters
    ----------
    ps : PathSet
    q_hip : (n, 3) array_like, radians
        Hip flexion, adduction, internal rotation.
    q_knee : (n,) array_like, radians
        Knee flexion.
    q_lumbar : (n, 3) array_like, radians, optional
        Lumbar flexion, side-bend, rotation (canonical side); default neutral.
    with_paths : bool, default: False
        Also return each bundle's polyline (wrap arcs sampled).

    Returns
    -------
    dict
        ``length``: (n, B) metres; ``moment_arm``: (n, B, 4) metres about hip flexion,
        adduction, internal rotation and knee flexion (positive: the muscle pulls toward
        positive motion); ``lumbar_moment_arm``: (n, B, 3) metres about lumbar flexion,
        side-bend and rotation (canonical side); ``wrapping``: (n, Nw) bool; and with ``with_paths``, ``paths``:
        list of B arrays (n, k_b, 3) in the canonical pelvis frame.
    """
    q_hip = np.atleast_2d(np.asarray(q_hip, float))
    q_knee = np.atleast_1d(np.asarray(q_knee, float))
    n = q_hip.shape[0]
    q_knee = np.broadcast_to(q_knee, (n,))
    if q_lumbar is not None:
        q_lumbar = np.broadcast_to(np.asarray(q_lumbar, float), (n, 3))
    X, Rb, tb = _points(ps, q_hip, q_knee, q_lumbar)
    seg_len = np.linalg.norm(X[:, ps.seg_b] - X[:, ps.seg_a], axis=-1)
    Nw = len(ps.wrap_body)
    T1 = T2 = np.empty((n, 0, 3))
    active = np.zeros((n, 0), bool)
    arcs = None
    lines = None  # (Pl, Sl): each obstacle's straight line, where segments have several
    if Nw:
        multi, sweeps, msegs, mp, piece_assign, arc_assign, single = ps._cache["multi"]
        wseg = ps.wrap_seg
        C = np.empty((n, Nw, 3))
        F = np.empty((n, Nw, 3, 3))
        for body in range(4):
            idx = ps._cache.get(("wbody", body))
            if idx is None:
                idx = ps._cache[("wbody", body)] = np.flatnonzero(ps.wrap_body == body)
            if idx.size:
                fixed = body == 0 or (body == 3 and q_lumbar is None)  # the pelvis frame itself
                C[:, idx] = _rotated(Rb[body], ps.wrap_center[idx], fixed) + tb[body][:, None, :]
                F[:, idx] = _rotated(Rb[body], ps.wrap_frame[idx], fixed)
        A = X[:, ps.seg_a[wseg]]
        B = X[:, ps.seg_b[wseg]]
        T1 = np.empty((n, Nw, 3))
        T2 = np.empty((n, Nw, 3))
        wl = np.empty((n, Nw))
        active = np.empty((n, Nw), bool)
        arcs = np.empty((n, Nw, ARC_SAMPLES, 3)) if with_paths else None

        def solve(idx, Pg, Sg, out=None, col=None):
            """Wrap the lines Pg-Sg (pelvis frame) over obstacles ``idx`` (all one shape); ``out``:
            the arrays (centres, frames, lengths, touched, T1, T2, arcs) of the poses and obstacles
            solved, whose columns ``col`` hold ``idx`` (default: all of them)."""
            Cx, Fx, wlx, actx, T1x, T2x, arcx = out or (C, F, wl, active, T1, T2, arcs)
            col = idx if col is None else col
            Ci, Fi = Cx[:, col], Fx[:, col]
            P = np.einsum("pnji,pnj->pni", Fi, Pg - Ci)
            S = np.einsum("pnji,pnj->pni", Fi, Sg - Ci)
            if ps.wrap_shape[idx[0]] == 0:
                res = wrap_sphere(P, S, ps.wrap_radius[idx])
            else:
                res = wrap_cylinder(P, S, ps.wrap_radius[idx], ps.wrap_direction[idx])
            wlx[:, col], actx[:, col] = res.length, res.active
            T1x[:, col] = Ci + np.einsum("pnij,pnj->pni", Fi, res.t1)
            T2x[:, col] = Ci + np.einsum("pnij,pnj->pni", Fi, res.t2)
            if with_paths:
                arcx[:, col] = Ci[:, :, None, :] + np.einsum("pnij,pnkj->pnki", Fi, sample_arc(res, ARC_SAMPLES))

        # every obstacle first wraps its whole segment (exact where it is the segment's only one)
        for shape in (0, 1):
            idx = ps._cache.get(("wshape", shape))
            if idx is None:
                idx = ps._cache[("wshape", shape)] = np.flatnonzero(ps.wrap_shape == shape)
            if idx.size:
                solve(idx, A[:, idx], B[:, idx])
        seg_len[:, wseg[single]] = wl[:, single]
        if multi.size:
            # several obstacles on a segment, in order along it: each wraps the line from the
            # previous one's leaving point to the next one's meeting point, or, where that one
            # is not touched, from (to) what that one's line starts (ends) at, down to the
            # segment's ends; Gauss-Seidel sweeps converge to the shortest path
            Pl = A.copy()
            Sl = B.copy()
            # only poses where the straight segment touches one of them: elsewhere the straight
            # line is the shortest path
            rows = np.flatnonzero(active[:, multi].any(axis=1))
            if rows.size:
                # the iteration works on these poses and the segments' obstacles only (columns
                # of ``multi``; ``multi_local``: their sweeps and neighbours in those columns)
                sweeps_l, prev_l, next_l, seg_cols = ps._cache["multi_local"]
                has_p_all, has_n_all = prev_l >= 0, next_l >= 0
                full_arrays = (wl, active, T1, T2, arcs)
                cut = np.ix_(rows, multi)
                C_r, F_r, A_r, B_r = C[cut], F[cut], A[cut], B[cut]
                state = [wl[cut], active[cut], T1[cut], T2[cut], arcs[cut] if with_paths else None]
                Pl_r, Sl_r = A_r.copy(), B_r.copy()
                first = state[1].copy()
                seen = None

                def put(keep):
                    """Write the poses ``keep`` (of the current ones) back into the full arrays."""
                    idx = np.ix_(rows[keep], multi)
                    for full_, part in zip(full_arrays, state):
                        if full_ is not None:
                            full_[idx] = part[keep]
                    Pl[idx], Sl[idx] = Pl_r[keep], Sl_r[keep]

                for sweep in range(WRAP_PASSES):
                    out = (C_r, F_r, *state)
                    actr, T1r, T2r = state[1], state[2], state[3]
                    for gidx, col in sweeps_l:
                        prev, nxt = prev_l[col], next_l[col]
                        has_p, has_n = has_p_all[col][None, :], has_n_all[col][None, :]
                        Pl_r[:, col] = np.where((has_p & actr[:, prev])[..., None], T2r[:, prev],
                                                np.where(has_p[..., None], Pl_r[:, prev], A_r[:, col]))
                        Sl_r[:, col] = np.where((has_n & actr[:, nxt])[..., None], T1r[:, nxt],
                                                np.where(has_n[..., None], Sl_r[:, nxt], B_r[:, col]))
                        solve(gidx, Pl_r[:, col], Sl_r[:, col], out, col)
                    if sweep == 0:
                        # done after one sweep: poses where no segment has more than one obstacle
                        # touched and none changed (the touched one wraps the straight segment, as
                        # at first, and the others were just solved against it); the rest iterate
                        done = (actr == first).all(axis=1) & ((actr.astype(np.int8) @ seg_cols) <= 1).all(axis=1)
                        if done.any():
                            put(done)
                            left = ~done
                            rows = rows[left]
                            C_r, F_r, A_r, B_r, Pl_r, Sl_r = (x[left] for x in (C_r, F_r, A_r, B_r, Pl_r, Sl_r))
                            state = [None if x is None else x[left] for x in state]
                        if not rows.size:
                            break
                        continue
                    # converged when a sweep leaves every obstacle's line where it was (the next
                    # would repeat it exactly)
                    now = np.concatenate([Pl_r, Sl_r], axis=1)
                    if seen is not None and np.abs(now - seen).max() < 1e-10:
                        break
                    seen = now
                if rows.size:
                    put(np.ones(rows.size, bool))
            # an obstacle not touched stands at the start of its straight line, so that the
            # pieces along that line add up to its length whatever the order of the obstacles'
            # nearest points (a piece of no length takes the line's direction: _unit_pieces)
            off = ~active[:, multi]
            T1[:, multi] = np.where(off[..., None], Pl[:, multi], T1[:, multi])
            T2[:, multi] = np.where(off[..., None], Pl[:, multi], T2[:, multi])
            if with_paths:
                arcs[:, multi] = np.where(off[..., None, None], Pl[:, multi, None, :], arcs[:, multi])
            lines = (Pl, Sl)
            arc = (wl[:, multi] - np.linalg.norm(T1[:, multi] - Pl[:, multi], axis=-1)
                   - np.linalg.norm(Sl[:, multi] - T2[:, multi], axis=-1))
    allp = np.concatenate([X, T1, T2], axis=1)
    if Nw and multi.size:
        pieces = np.linalg.norm(allp[:, mp[:, 1]] - allp[:, mp[:, 0]], axis=-1)
        seg_len[:, msegs] = pieces @ piece_assign + arc @ arc_assign
    length = seg_len @ ps._cache["seg_assign"]
    ma = np.zeros((n, ps.n_bundles, 4))
    prox, dist, assign = ps._cache["hip"]
    if prox.size:
        xd = allp[:, dist]
        u = _unit_pieces(ps, "hip", allp, prox, dist, lines)
        m = cross(xd - ps.hip_center, u)
        a = q_hip[:, 0]
        k_add = np.stack([np.cos(a), np.sin(a), np.zeros(n)], axis=-1)
        y_f = Rb[1][:, :, 1]
        ma[:, :, 0] = m[..., 2] @ assign
        ma[:, :, 1] = np.einsum("pci,pi->pc", m, k_add) @ assign
        ma[:, :, 2] = np.einsum("pci,pi->pc", m, y_f) @ assign
    prox, dist, assign = ps._cache["knee"]
    if prox.size:
        xd = allp[:, dist]
        u = _unit_pieces(ps, "knee", allp, prox, dist, lines)
        hinge = tb[2] + Rb[2] @ ps.knee_axis_offset  # a point of the flexion axis
        m = cross(xd - hinge[:, None, :], u)
        k_knee = -Rb[1][:, :, 2]
        ma[:, :, 3] = np.einsum("pci,pi->pc", m, k_knee) @ assign
    prox, dist, assign = ps._cache["lumbar"]
    lma = np.zeros((n, ps.n_bundles, 3))
    if prox.size:
        xd = allp[:, dist]
        u = _unit_pieces(ps, "lumbar", allp, prox, dist, lines)
        m = cross(xd - ps.lumbosacral, u)
        f = np.zeros(n) if q_lumbar is None else q_lumbar[:, 0]
        k_b = np.stack([np.cos(f), -np.sin(f), np.zeros(n)], axis=-1)
        lma[:, :, 0] = -m[..., 2] @ assign
        lma[:, :, 1] = np.einsum("pci,pi->pc", m, k_b) @ assign
        lma[:, :, 2] = np.einsum("pci,pi->pc", m, Rb[3][:, :, 1]) @ assign
    out = {"length": length, "moment_arm": ma, "lumbar_moment_arm": lma, "wrapping": active}
    if with_paths:
        drawable = np.concatenate([X, arcs.reshape(n, -1, 3)], axis=1) if Nw else X
        out["paths"] = [drawable[:, idx] for idx in ps.draw_index]
    return out
