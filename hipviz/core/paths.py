"""Muscle paths, lengths and moment arms for many poses at once.

A :class:`~hipviz.core.path_set.PathSet` is the compiled, array form of a list of muscles for
one side of the body, in that side's *canonical* frame (the left side is mirrored into a
right-handed copy, so one kernel serves both; :mod:`hipviz.core.path_set` builds it and places
its points). :func:`path_kinematics` evaluates it for ``n`` poses.

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

import numpy as np

from .path_set import ARC_SAMPLES, BODY_INDEX, PathSet, _points, _rotated, compile_paths
from .rotations import cross
from .wrapping import (ARC_SIZE, INSIDE_PIECE_M, INSIDE_STEP_M, _norm, arc_points, pack_arc, unpack_arc,
                       wrap_cylinder, wrap_cylinder_sparse, wrap_sphere, wrap_sphere_sparse)

__all__ = ["PathSet", "compile_paths", "path_kinematics", "BODY_INDEX", "ARC_SAMPLES"]

#: Gauss-Seidel sweeps over the obstacles of segments that have several (see path_kinematics), at most
WRAP_PASSES = 6
#: A pose's several-obstacle iteration stops when a sweep moves none of its obstacles' lines by
#: more than this (metres). The sweeps contract fast (measured: each shrinks the change 12-28
#: times), so the path is then within about 1e-7 m of the converged one, its length (a shortest
#: path: first-order insensitive) far closer, and its moment arms within ~1e-7 m, a thousandth of
#: the 0.1 mm they are reported to. With the knee straight and the hip flexed, where the
#: hamstrings' paths touch two obstacles each, that is one sweep fewer than a 1e-8 m test.
WRAP_TOLERANCE_M = 1e-6
#: From how many poses on the obstacles are wrapped only where a line comes near them, and each
#: segment with several obstacles is iterated on its own (for fewer poses the extra steps cost
#: more than they save; the numbers are the same)
SPARSE_POSES = 64
#: Many poses are evaluated in blocks of about this many: the working arrays of one block stay in
#: the processor's cache, which makes a 10,000-pose sweep about a fifth faster than one block
#: (measured on this project's 2-core machine: 1.11 us per bundle-pose in one block, 0.93 in
#: blocks of 1,500; blocks under ~750 poses lose it again to Python's per-call overhead)
BLOCK_POSES = 1500


def _unit_pieces(ps: PathSet, key: str, allp: np.ndarray, prox: np.ndarray, xd: np.ndarray,
                 lines: tuple | None) -> np.ndarray:
    """Unit vectors from the distal ends ``xd`` to the proximal ends of the pieces crossing a joint.

    On a segment with several obstacles, one that is off the path stands at the start of its
    straight line (path_kinematics), so a piece next to it can have no length. Such a piece lies on
    that obstacle's line (``lines``: the start and end of each obstacle's line), whose direction is
    used.
    """
    u = allp[:, prox]
    u -= xd
    length = np.sqrt(np.einsum("pci,pci->pc", u, u))[..., None]
    # a piece of a step's length comes from an end inside an obstacle: it is the length's
    # gradient times the step (wrapping.INSIDE_STEP_M), not a direction to normalise
    scale = np.maximum(length, 1e-300)
    step = (length < INSIDE_PIECE_M) & (length > 0.0)
    if step.any():
        scale = np.where(step, INSIDE_STEP_M, scale)
    u /= scale
    line = ps._cache[key + "_line"]
    cand = ps._cache.get(key + "_cand")
    if cand is None:
        cand = ps._cache[key + "_cand"] = np.flatnonzero(line[:, 0] >= 0)
    if lines is not None and cand.size:
        w, sign = line[cand].T
        flat = length[:, cand, 0] == 0.0  # no length
        if flat.any():
            Pl, Sl = lines
            p, c = np.nonzero(flat)
            along = (Pl[p, w[c]] - Sl[p, w[c]]) * sign[c, None]
            along /= np.maximum(_norm(along), 1e-300)[:, None]
            u[p, cand[c]] = along
    return u


def _sample_arcs(ps: PathSet, arcp: np.ndarray, active: np.ndarray, C: np.ndarray, F: np.ndarray,
                 T1: np.ndarray) -> np.ndarray:
    """Every obstacle's drawn arc, ``(n, Nw, ARC_SAMPLES, 3)`` in the pelvis frame, from its last
    solve's numbers ``arcp`` (:func:`~hipviz.core.wrapping.pack_arc`); an obstacle not touched
    has all its points at ``T1`` (its point on the straight line, or where its line starts)."""
    arcs = np.empty(active.shape + (ARC_SAMPLES, 3))
    for shape, kind in ((0, "sphere"), (1, "cylinder")):
        idx = ps._cache[("wshape", shape)]
        if not idx.size:
            continue
        pts = arc_points(unpack_arc(kind, arcp[:, idx], ps.wrap_radius[idx]), ARC_SAMPLES)
        if shape == 1:  # a cylinder's arc is in its own frame
            pts = np.einsum("pnij,pnkj->pnki", F[:, idx], pts)
        pts += C[:, idx, None, :]
        arcs[:, idx] = np.where(active[:, idx, None, None], pts, T1[:, idx, None, :])
    return arcs


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
    if n <= 2 * BLOCK_POSES:
        return _kinematics_block(ps, q_hip, q_knee, q_lumbar, with_paths)
    # every pose is computed on its own (its several-obstacle iteration stops by its own
    # convergence), so blocks give the same numbers as one call; each block writes into its rows
    # of the whole result
    B, Nw = ps.n_bundles, len(ps.wrap_body)
    whole = {"length": np.empty((n, B)), "moment_arm": np.empty((n, B, 4)),
             "lumbar_moment_arm": np.empty((n, B, 3)), "wrapping": np.empty((n, Nw), bool)}
    bounds = np.linspace(0, n, -(-n // BLOCK_POSES) + 1).astype(int)
    parts = []
    for a, b in zip(bounds[:-1], bounds[1:]):
        rows = {key: arr[a:b] for key, arr in whole.items()}
        blk = _kinematics_block(ps, q_hip[a:b], q_knee[a:b], None if q_lumbar is None else q_lumbar[a:b],
                                with_paths, rows)
        if with_paths:
            parts.append(blk["paths"])
    if with_paths:
        whole["paths"] = [np.concatenate(p) for p in zip(*parts)]
    return whole


def _kinematics_block(ps: PathSet, q_hip: np.ndarray, q_knee: np.ndarray, q_lumbar: np.ndarray | None,
                      with_paths: bool, dest: dict | None = None) -> dict:
    """:func:`path_kinematics` of one block of poses (validated arrays); ``dest``: arrays of the
    block's rows to write the lengths, moment arms and touched obstacles into."""
    n = q_hip.shape[0]
    Np, Nw = len(ps.points), len(ps.wrap_body)
    sparse = n >= SPARSE_POSES
    # the path points, then every obstacle's meeting and leaving points, in one array (the pieces
    # that cross the joints are gathered from it)
    allp = np.empty((n, Np + 2 * Nw, 3))
    X, Rb, tb = _points(ps, q_hip, q_knee, q_lumbar, out=allp[:, :Np])
    seg_len = _norm(X[:, 1:] - X[:, :-1])[:, ps.seg_a]
    T1, T2 = allp[:, Np:Np + Nw], allp[:, Np + Nw:]
    active = np.zeros((n, 0), bool)
    arcp = None  # each obstacle's last arc, as pack_arc's numbers (with_paths): sampled once at the end
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
                cyl = ps._cache.get(("wbody_cyl", body))
                if cyl is None:
                    cyl = ps._cache[("wbody_cyl", body)] = idx[ps.wrap_shape[idx] == 1]
                if cyl.size:  # a sphere needs no frame
                    F[:, cyl] = _rotated(Rb[body], ps.wrap_frame[cyl], fixed)
        A = X[:, ps.seg_a[wseg]]
        B = X[:, ps.seg_b[wseg]]
        wl = np.empty((n, Nw))
        active = np.empty((n, Nw), bool) if dest is None else dest["wrapping"]
        arcp = np.zeros((n, Nw, ARC_SIZE)) if with_paths else None

        def solve(idx, Pg, Sg, out=None, col=None):
            """Wrap the lines Pg-Sg (pelvis frame) over obstacles ``idx`` (all one shape); ``out``:
            the arrays (centres, frames, lengths, touched, T1, T2, arc numbers) of the poses and
            obstacles solved, whose columns ``col`` hold ``idx`` (default: all of them)."""
            Cx, Fx, wlx, actx, T1x, T2x, arcx = out or (C, F, wl, active, T1, T2, arcp)
            col = idx if col is None else col
            Ci = Cx[:, col]
            if ps.wrap_shape[idx[0]] == 0:
                # a sphere does not turn: wrapped in the pelvis frame, about its centre, and (for
                # many poses) only where the line comes near it (most lines miss their spheres)
                if sparse:
                    res = wrap_sphere_sparse(Pg - Ci, Sg - Ci, ps.wrap_radius[idx], with_arc=with_paths)
                else:
                    res = wrap_sphere(Pg - Ci, Sg - Ci, ps.wrap_radius[idx])
                wlx[:, col], actx[:, col] = res.length, res.active
                T1x[:, col] = Ci + res.t1
                T2x[:, col] = Ci + res.t2
                if with_paths:
                    pack_arc(res.arc, arcx, (slice(None), col))
                return
            Fi = Fx[:, col]
            P = np.einsum("pnji,pnj->pni", Fi, Pg - Ci)
            S = np.einsum("pnji,pnj->pni", Fi, Sg - Ci)
            if sparse:
                res = wrap_cylinder_sparse(P, S, ps.wrap_radius[idx], ps.wrap_direction[idx], with_arc=with_paths)
            else:
                res = wrap_cylinder(P, S, ps.wrap_radius[idx], ps.wrap_direction[idx])
            wlx[:, col], actx[:, col] = res.length, res.active
            T1x[:, col] = Ci + np.einsum("pnij,pnj->pni", Fi, res.t1)
            T2x[:, col] = Ci + np.einsum("pnij,pnj->pni", Fi, res.t2)
            if with_paths:
                pack_arc(res.arc, arcx, (slice(None), col))

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
            # per segment (or, for a few poses, all such segments at once), only the poses where the
            # straight segment touches one of its obstacles: elsewhere the straight line is the
            # shortest path
            for g, sweeps_l, prev_l, next_l, seg_cols in ps._cache["multi_groups" if sparse else "multi_one_group"]:
                rows = np.flatnonzero(active[:, g].any(axis=1))
                if not rows.size:
                    continue
                # the iteration works on these poses and the segments' obstacles only (the columns
                # ``g``; ``sweeps_l``, ``prev_l``, ``next_l``: their sweeps and neighbours in them,
                # ``seg_cols``: each column's segment)
                has_p_all, has_n_all = prev_l >= 0, next_l >= 0
                full_arrays = (wl, active, T1, T2, arcp)
                cut = np.ix_(rows, g)
                C_r, F_r, A_r, B_r = C[cut], F[cut], A[cut], B[cut]
                state = [wl[cut], active[cut], T1[cut], T2[cut], arcp[cut] if with_paths else None]
                Pl_r, Sl_r = A_r.copy(), B_r.copy()
                first = state[1].copy()
                seen = None

                def put(keep, rows, g=g, full_arrays=full_arrays):
                    """Write the poses ``keep`` of the current ones (``rows``) back into the full arrays."""
                    idx = np.ix_(rows[keep], g)
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
                    else:
                        # a pose has converged when a sweep moves none of its obstacles' lines by
                        # WRAP_TOLERANCE_M (judged pose by pose, so that a pose's numbers do not
                        # depend on the others it is computed with)
                        now = np.concatenate([Pl_r, Sl_r], axis=1)
                        done = (np.zeros(rows.size, bool) if seen is None
                                else np.abs(now - seen).max(axis=(1, 2)) < WRAP_TOLERANCE_M)
                        seen = now
                    if done.any():
                        put(done, rows)
                        left = ~done
                        rows = rows[left]
                        C_r, F_r, A_r, B_r, Pl_r, Sl_r = (x[left] for x in (C_r, F_r, A_r, B_r, Pl_r, Sl_r))
                        state = [None if x is None else x[left] for x in state]
                        if seen is not None:
                            seen = seen[left]
                    if not rows.size:
                        break
                if rows.size:
                    put(np.ones(rows.size, bool), rows)
            # an obstacle not touched stands at the start of its straight line, so that the
            # pieces along that line add up to its length whatever the order of the obstacles'
            # nearest points (a piece of no length takes the line's direction: _unit_pieces)
            off = ~active[:, multi]
            T1[:, multi] = np.where(off[..., None], Pl[:, multi], T1[:, multi])
            T2[:, multi] = np.where(off[..., None], Pl[:, multi], T2[:, multi])
            lines = (Pl, Sl)
            arc = (wl[:, multi] - _norm(T1[:, multi] - Pl[:, multi]) - _norm(Sl[:, multi] - T2[:, multi]))
    if Nw and multi.size:
        pieces = _norm(allp[:, mp[:, 1]] - allp[:, mp[:, 0]])
        seg_len[:, msegs] = pieces @ piece_assign + arc @ arc_assign
    if dest is None:
        length = seg_len @ ps._cache["seg_assign"]
        ma = np.zeros((n, ps.n_bundles, 4))
        lma = np.zeros((n, ps.n_bundles, 3))
    else:
        length = np.matmul(seg_len, ps._cache["seg_assign"], out=dest["length"])
        ma, lma = dest["moment_arm"], dest["lumbar_moment_arm"]
        ma[...] = 0.0
        lma[...] = 0.0
    prox, dist, assign = ps._cache["hip"]
    if prox.size:
        xd = allp[:, dist]
        u = _unit_pieces(ps, "hip", allp, prox, xd, lines)
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
        u = _unit_pieces(ps, "knee", allp, prox, xd, lines)
        hinge = tb[2] + Rb[2] @ ps.knee_axis_offset  # a point of the flexion axis
        m = cross(xd - hinge[:, None, :], u)
        k_knee = -Rb[1][:, :, 2]
        ma[:, :, 3] = np.einsum("pci,pi->pc", m, k_knee) @ assign
    prox, dist, assign = ps._cache["lumbar"]
    if prox.size:
        xd = allp[:, dist]
        u = _unit_pieces(ps, "lumbar", allp, prox, xd, lines)
        m = cross(xd - ps.lumbosacral, u)
        f = np.zeros(n) if q_lumbar is None else q_lumbar[:, 0]
        k_b = np.stack([np.cos(f), -np.sin(f), np.zeros(n)], axis=-1)
        lma[:, :, 0] = -m[..., 2] @ assign
        lma[:, :, 1] = np.einsum("pci,pi->pc", m, k_b) @ assign
        lma[:, :, 2] = np.einsum("pci,pi->pc", m, Rb[3][:, :, 1]) @ assign
    out = {"length": length, "moment_arm": ma, "lumbar_moment_arm": lma, "wrapping": active}
    if with_paths:
        drawable = np.concatenate([X, _sample_arcs(ps, arcp, active, C, F, T1).reshape(n, -1, 3)], axis=1) if Nw else X
        out["paths"] = [drawable[:, idx] for idx in ps.draw_index]
    return out
