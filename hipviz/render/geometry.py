"""Tube meshes around muscle paths and camera fitting, in plain numpy (no VTK).

Tubes are built here rather than with ``vtkTubeFilter`` so that a bundle's mesh keeps a fixed
topology: when the pose changes only its points and normals are rewritten, in place.
"""
from __future__ import annotations

import functools

import numpy as np

__all__ = ["tube_point_count", "tube_faces", "tube_points", "pad_index", "padded_tube_points", "fit_camera"]


def tube_point_count(k: int, sides: int) -> int:
    """Points of a capped tube along ``k`` path points with ``sides`` facets."""
    return k * sides + 2 * (sides + 1)


def tube_faces(k: int, sides: int) -> np.ndarray:
    """Connectivity of a capped tube, in VTK's flat ``[3, a, b, c, 3, ...]`` form.

    Parameters
    ----------
    k : int
        Number of path points (rings), at least 2.
    sides : int
        Facets around the tube.

    Returns
    -------
    (4 * n_triangles,) int ndarray
        Point layout as in :func:`tube_points`: ``k`` rings of ``sides`` points, then for each
        end a ring copy (with the cap's normal) and its centre.
    """
    m = sides
    s = np.arange(m)
    s1 = (s + 1) % m
    j = np.arange(k - 1)[:, None]
    a, b = j * m + s, j * m + s1
    c, d = (j + 1) * m + s1, (j + 1) * m + s
    side = np.concatenate([np.stack([a, b, c], -1).reshape(-1, 3), np.stack([a, c, d], -1).reshape(-1, 3)])
    base0 = k * m
    base1 = k * m + m + 1
    cap0 = np.stack([np.full(m, base0 + m), base0 + s1, base0 + s], -1)
    cap1 = np.stack([np.full(m, base1 + m), base1 + s, base1 + s1], -1)
    tris = np.concatenate([side, cap0, cap1])
    return np.hstack([np.full((len(tris), 1), 3), tris]).ravel().astype(np.int64)


def _unit(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors along the last axis (zero vectors stay zero), and the lengths."""
    n = np.sqrt(np.add.reduce(v * v, axis=-1, keepdims=True))  # np.linalg.norm, without its checks
    return v / np.where(n > 1e-12, n, 1.0), n[..., 0]


def tube_points(paths: np.ndarray, radii: np.ndarray, sides: int) -> tuple[np.ndarray, np.ndarray]:
    """Points and normals of capped tubes around several paths with the same point count.

    Rings are oriented by parallel transport along each path, so the facets do not twist.

    Parameters
    ----------
    paths : (B, k, 3) ndarray
        Path points (metres), ``k >= 2``.
    radii : (B,) ndarray
        Tube radius of each path (metres).
    sides : int
        Facets around each tube.

    Returns
    -------
    points, normals : (B, tube_point_count(k, sides), 3) ndarray
    """
    P = np.asarray(paths, float)
    B, k, _ = P.shape
    pts, nrm = padded_tube_points(P, radii, sides, np.full(B, k))
    return pts.reshape(B, -1, 3), nrm.reshape(B, -1, 3)


def pad_index(lengths) -> np.ndarray:
    """Rows of paths of these point counts, concatenated, that pad each to the longest with its
    last point: ``np.concatenate(paths)[pad_index(lens)]`` is ``(B, K, 3)``, as
    :func:`padded_tube_points` takes them.

    Parameters
    ----------
    lengths : (B,) array_like of int
        Each path's point count (at least 1).

    Returns
    -------
    (B, K) int ndarray
        ``K`` the longest count.
    """
    lens = np.asarray(lengths, int)
    first = np.r_[0, np.cumsum(lens)[:-1]]
    return first[:, None] + np.minimum(np.arange(int(lens.max()))[None, :], lens[:, None] - 1)


def padded_tube_points(paths: np.ndarray, radii: np.ndarray, sides: int,
                       lengths, *, alone: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """:func:`tube_points` of paths padded to one point count, less the padding's rings.

    Each path is framed along all ``K`` points as :func:`tube_points` frames it (the padding,
    its last point repeated, keeps the last direction and frame), but rings are made only at
    its first ``lengths[b]`` points and, for the end cap, at the ``K``-th: the values are those
    of :func:`tube_points` for the padded paths, without the padding's rings (for the muscle
    bundles, padded to the longest, fewer than half the rings). With ``alone``, they are those
    of :func:`tube_points` for each path alone (which differ in the last digits at the last
    ring and the end cap: there a path alone takes its last segment's direction).

    Parameters
    ----------
    paths : (B, K, 3) ndarray
        Path points (metres), ``K >= 2``; path ``b`` is padded after its ``lengths[b]`` points.
    radii : (B,) ndarray
        Tube radius of each path (metres).
    sides : int
        Facets around each tube.
    lengths : (B,) array_like of int
        Each path's own point count, ``2 <= lengths[b] <= K``.
    alone : bool, default: False
        Frame each path's end as that of the path alone, not of the padded one.

    Returns
    -------
    points, normals : (N, 3) ndarray
        The tubes one after another, ``tube_point_count(lengths[b], sides)`` points each, each
        laid out as in :func:`tube_points`.
    """
    P = np.asarray(paths, float)
    B, K, _ = P.shape
    lengths = tuple(map(int, lengths))
    rows, first, pts_index, nrm_index = _tube_layout(K, lengths, sides, alone)
    t, n = _frames(P, np.asarray(lengths) - 1 if alone else None)
    flat = P.reshape(-1, 3)
    t, n, C = (np.take(a.reshape(-1, 3), rows, axis=0) for a in (t, n, P))
    theta = 2 * np.pi * np.arange(sides) / sides
    cos, sin = np.cos(theta)[:, None, None], np.sin(theta)[:, None, None]
    # (sides, R, 3): each side's ring points in one contiguous block, the fast order for numpy
    ring = cos * n[None] + sin * _cross(t, n)[None]
    r = np.repeat(np.take(np.asarray(radii, float), rows // K), 3).reshape(-1, 3)
    rim = C[None] + r[None] * ring
    n_own = len(rows) - B  # rows of the paths' own points; then each path's end
    points = np.take(np.concatenate([rim.reshape(-1, 3), flat[rows[first]], C[n_own:]]), pts_index, axis=0)
    normals = np.take(np.concatenate([ring.reshape(-1, 3), -t[first], t[n_own:]]), nrm_index, axis=0)
    return points, normals


@functools.lru_cache(maxsize=16)
def _tube_layout(K: int, lengths: tuple[int, ...], sides: int, alone: bool = False) -> tuple[np.ndarray, ...]:
    """What :func:`padded_tube_points` computes for paths of these lengths, and where it goes.

    Returns
    -------
    rows : (R,) int ndarray
        The rows of the flattened ``(B * K, 3)`` paths that get a ring: each path's own points,
        then each path's end for its end cap: its ``K``-th point (after the padding) or, with
        ``alone``, its last own point.
    first : (B,) int ndarray
        Where each path's first point is in ``rows``.
    pts_index : (N,) int ndarray
        For each output point, its row in the rings' points (``sides`` blocks of ``R``: ring
        point ``s`` at row ``i`` of ``rows`` is row ``s * R + i``) followed by the start caps'
        centres and the end caps' (``B`` each).
    nrm_index : (N,) int ndarray
        For each output normal, its row in the rings' normals (laid out as their points),
        followed by the start caps' normals and the end caps' (``B`` each).
    """
    B, S = len(lengths), sides
    lens = np.asarray(lengths, int)
    starts = np.arange(B) * K
    own = np.concatenate([s + np.arange(k) for s, k in zip(starts, lens)])
    first = np.r_[0, np.cumsum(lens)[:-1]]
    R = len(own) + B
    around = np.arange(S) * R  # ring point s of row i: s * R + i
    pts, nrm = [], []
    for b in range(B):
        body = (first[b] + np.arange(lens[b]))[:, None] + around[None, :]  # (k, S): rings in turn
        end = len(own) + b
        pts.append(np.r_[body.ravel(), first[b] + around, S * R + b, end + around, S * R + B + b])
        nrm.append(np.r_[body.ravel(), np.full(S + 1, S * R + b), np.full(S + 1, S * R + B + b)])
    ends = starts + (lens - 1 if alone else K - 1)
    out = (np.r_[own, ends], first, np.concatenate(pts), np.concatenate(nrm))
    for a in out:  # kept by the cache: shared, read only
        a.flags.writeable = False
    return out


def _cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``np.cross`` of ``(n, 3)`` arrays, the same operations without its axis handling."""
    out = np.empty(np.broadcast_shapes(a.shape, b.shape))
    a0, a1, a2 = a[..., 0], a[..., 1], a[..., 2]
    b0, b1, b2 = b[..., 0], b[..., 1], b[..., 2]
    np.multiply(a1, b2, out=out[..., 0])
    out[..., 0] -= a2 * b1
    np.multiply(a2, b0, out=out[..., 1])
    out[..., 1] -= a0 * b2
    np.multiply(a0, b1, out=out[..., 2])
    out[..., 2] -= a1 * b0
    return out


def _frames(P: np.ndarray, last: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Unit tangents and normals ``(B, k, 3)`` along paths ``(B, k, 3)``, parallel-transported.

    ``last`` ``(B,)``: each path's last own point (before its padding), whose tangent is then
    its last segment's direction, as at the end of a path alone (the frames up to it are then
    those of the path alone)."""
    B, k, _ = P.shape
    u, seg_len = _unit(P[:, 1:] - P[:, :-1])  # (B, k-1, 3)
    # Zero-length segments (a path padded with its last point, say) take the direction of the
    # last segment before them that has a length (+y where none has).
    bad = seg_len < 1e-9
    if bad.any():
        steps = np.arange(k - 1)
        last_good = np.maximum.accumulate(np.where(bad, -1, steps), axis=1)
        none = last_good < 0
        u = np.take(u.reshape(-1, 3), (np.arange(B) * (k - 1))[:, None] + np.maximum(last_good, 0), axis=0)
        u[none] = (0.0, 1.0, 0.0)
    t = np.empty_like(P)
    t[:, 0], t[:, -1] = u[:, 0], u[:, -1]
    if k > 2:
        mid, n_mid = _unit(u[:, :-1] + u[:, 1:])
        t[:, 1:-1] = np.where(n_mid[..., None] > 1e-6, mid, u[:, 1:])
    if last is not None:
        rows = np.arange(B)
        t[rows, last] = u[rows, last - 1]
    # Initial normal: perpendicular to t0 and to the axis least aligned with it.
    axis = np.eye(3)[np.argmin(np.abs(t[:, 0]), axis=1)]
    # Each next normal: the previous one made perpendicular to the next tangent (a discrete
    # parallel transport; one small loop along the path, every bundle at once).
    tt = np.ascontiguousarray(t.transpose(1, 0, 2))  # (k, B, 3): rows of one step contiguous
    nn = np.empty_like(tt)
    nn[0] = _unit(_cross(t[:, 0], axis))[0]
    rows_nn = list(nn)  # views: the loop is all numpy calls on (B, 3) rows, few and in place
    for tj, prev, cand in zip(tt[1:], rows_nn, rows_nn[1:]):
        np.multiply(np.einsum("bi,bi->b", prev, tj)[:, None], tj, out=cand)
        np.subtract(prev, cand, out=cand)
        ln = np.sqrt(np.einsum("bi,bi->b", cand, cand))
        if not ln.min() >= 1e-6:  # the tangent turned onto the previous normal: start afresh
            bad = ln < 1e-6
            ln = np.where(bad, 1.0, ln)
            alt = np.eye(3)[np.argmin(np.abs(tj[bad]), axis=1)]
            cand[bad] = _unit(_cross(tj[bad], alt))[0]
        cand /= ln[:, None]
    return t, nn.transpose(1, 0, 2)


def fit_camera(points: np.ndarray, direction, view_up, *, view_angle: float, aspect: float,
               target=(-1.0, 1.0, -1.0, 1.0), parallel: bool = False) -> dict[str, np.ndarray]:
    """A camera that shows every point inside a target rectangle of the picture.

    Parameters
    ----------
    points : (N, 3) ndarray
        Points that must be visible (metres).
    direction : (3,) array_like
        From the scene towards the camera.
    view_up : (3,) array_like
        Roughly "up" on screen (made orthogonal to ``direction``).
    view_angle : float
        Vertical field of view in degrees.
    aspect : float
        Picture width / height.
    target : (x0, x1, y0, y1), default: the whole picture
        Rectangle in normalised device coordinates (-1..1) the points must fill; the
        tighter direction touches its edges, the other is centred.
    parallel : bool, default: False
        Fit for a parallel (orthographic) projection instead of a perspective one.

    Returns
    -------
    dict
        ``position``, ``focal_point`` (metres), ``view_up`` (unit vector) and, for
        ``parallel``, ``parallel_scale`` (half the picture's height, metres).
    """
    P = np.asarray(points, float)
    back = _unit(np.asarray(direction, float))[0]
    right = _unit(np.cross(np.asarray(view_up, float), back))[0]
    up = np.cross(back, right)
    c = 0.5 * (P.min(0) + P.max(0))
    q = P - c
    x, y, z = q @ right, q @ up, q @ back
    ty = np.tan(np.radians(view_angle) / 2)
    tx = ty * aspect
    x0, x1, y0, y1 = target

    def feasible(d: float, coord: np.ndarray, lo: float, hi: float, tan: float):
        depth = d - z
        low = np.max(coord - hi * tan * depth)  # shift must be >= this
        high = np.min(coord - lo * tan * depth)  # and <= this
        return low <= high, 0.5 * (low + high)

    extent = float(np.max(np.abs(q))) + 1e-6
    if parallel:
        scale = max(np.ptp(x) / ((x1 - x0) * aspect), np.ptp(y) / (y1 - y0), 1e-6)
        sx = 0.5 * (x.min() + x.max()) - 0.5 * (x0 + x1) * scale * aspect
        sy = 0.5 * (y.min() + y.max()) - 0.5 * (y0 + y1) * scale
        focal = c + sx * right + sy * up
        return {"position": focal + (float(z.max()) + 4 * extent) * back, "focal_point": focal,
                "view_up": up, "parallel_scale": scale}
    d_lo, d_hi = float(z.max()) + 1e-4, float(z.max()) + 100 * extent / min(tx, ty)
    for _ in range(60):
        d = 0.5 * (d_lo + d_hi)
        if feasible(d, x, x0, x1, tx)[0] and feasible(d, y, y0, y1, ty)[0]:
            d_hi = d
        else:
            d_lo = d
    d = d_hi
    sx = feasible(d, x, x0, x1, tx)[1]
    sy = feasible(d, y, y0, y1, ty)[1]
    focal = c + sx * right + sy * up
    return {"position": focal + d * back, "focal_point": focal, "view_up": up}
