"""Which muscles the 3D view names, and where on each the leader line ends (numpy only).

:class:`~hipviz.render.HipScene` asks these functions after every recolouring; the names are
drawn by :class:`~hipviz.render.labels.MuscleLabels`.
"""
from __future__ import annotations

import numpy as np

__all__ = ["lit_bundles", "named_muscles", "path_middle", "path_middles"]


def lit_bundles(activation, order, threshold: float, shown=None) -> dict[tuple[str, str, str], float]:
    """The bundles drawn as working, with their number (activation or share).

    Parameters
    ----------
    activation : dict or None
        ``{side: (values (B,), roles (B,) or None)}`` as :func:`~hipviz.render.colouring.colour_values`.
    order : dict
        ``{side: [(muscle_id, bundle_name), ...]}`` in the order of the values.
    threshold : float
        Below it (or with the role ``"inactive"``) a bundle is not working.
    shown : callable, optional
        ``shown(key) -> bool``: only bundles drawn now count.
    """
    out = {}
    for side, (vals, roles) in (activation or {}).items():
        keys = order[side][:len(vals)]
        v = np.asarray(vals, float)[:len(keys)]
        off = (np.asarray(roles).astype(str)[:len(keys)] == "inactive") if roles is not None else v < threshold
        for j in np.nonzero(~(off | (v < threshold)))[0].tolist():
            key = (side, *keys[j])
            if shown is None or shown(key):
                out[key] = float(v[j])
    return out


def named_muscles(lit: dict, highlighted, count: int, shown_muscle=None) -> list[tuple[str, str]]:
    """``[(side, muscle_id)]`` to name: with muscles highlighted, every highlighted one (the most
    active first) and no other (the others are drawn faded); otherwise the most active working
    muscles, up to ``count`` names; none when ``count`` is 0.

    Examples
    --------
    >>> lit = {("r", "iliopsoas", "psoas"): 0.3, ("r", "sartorius", "main"): 0.1, ("l", "gluteus_medius", "main"): 0.5}
    >>> named_muscles(lit, {("r", "sartorius")}, 2)
    [('r', 'sartorius')]
    >>> named_muscles(lit, set(), 2)
    [('l', 'gluteus_medius'), ('r', 'iliopsoas')]
    """
    if count <= 0:
        return []
    best: dict[tuple[str, str], float] = {}
    for (side, mid, _), v in lit.items():
        best[(side, mid)] = max(best.get((side, mid), -1.0), v)
    hl = [m for m in sorted(highlighted, key=lambda m: (-best.get(m, 0.0), m))
          if shown_muscle is None or shown_muscle(m)]
    out = list(hl)
    if out:
        return out
    for m in sorted(best, key=lambda m: -best[m]):
        if len(out) >= count:
            break
        if m not in out:
            out.append(m)
    return out


def path_middles(paths) -> np.ndarray:
    """:func:`path_middle` of several polylines at once, ``(n, 3)``."""
    if not len(paths):
        return np.zeros((0, 3))
    lens = np.array([len(p) for p in paths])
    K = int(lens.max())
    first = np.r_[0, np.cumsum(lens)[:-1]]
    # padded with the last point: zero-length segments
    P = np.concatenate(paths).astype(float, copy=False)[first[:, None] + np.minimum(np.arange(K), lens[:, None] - 1)]
    d = np.diff(P, axis=1)
    seg = np.sqrt(np.einsum("bkc,bkc->bk", d, d))
    s = np.concatenate([np.zeros((len(P), 1)), np.cumsum(seg, axis=1)], axis=1)
    t = 0.5 * s[:, -1]
    # the segment j holding the half-way point, as path_middle finds it (first s >= t, less one)
    j = np.clip((s < t[:, None]).sum(1) - 1, 0, np.maximum(lens - 2, 0))
    r = np.arange(len(P))
    f = (t - s[r, j]) / np.maximum(seg[r, j], 1e-12)
    out = P[r, j] + f[:, None] * (P[r, j + 1] - P[r, j])
    flat = s[:, -1] <= 0
    out[flat] = P[flat, 0]
    return out


def path_middle(path: np.ndarray) -> np.ndarray:
    """The point half way along a polyline ``(k, 3)`` (by length), ``(3,)``."""
    path = np.asarray(path, float)
    seg = np.linalg.norm(np.diff(path, axis=0), axis=1)
    s = np.r_[0.0, np.cumsum(seg)]
    if s[-1] <= 0:
        return path[0]
    t = 0.5 * s[-1]
    j = int(np.clip(np.searchsorted(s, t) - 1, 0, len(seg) - 1))
    f = (t - s[j]) / max(seg[j], 1e-12)
    return path[j] + f * (path[j + 1] - path[j])
