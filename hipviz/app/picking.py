"""Which muscle is under the pointer: the 3D view's paths projected to the screen (numpy only).

The view's hover names and clicks pick the bundle drawn nearest the pointer, within a few
pixels, and of bundles about as near, the one in front. The paths come from the evaluated state
(the same the scene draws), projected with the renderer's camera: no VTK picking pass, so a pick
costs no frame.
"""
from __future__ import annotations

import numpy as np

__all__ = ["PICK_PX", "nearest_bundle", "screen_lines"]

#: How far (widget pixels) from a drawn path the pointer still picks it.
PICK_PX = 9.0


def nearest_bundle(lines: dict, xy: tuple[float, float], tol: float = PICK_PX):
    """The key of the polyline closest to a screen point, within ``tol`` pixels, or None.

    Parameters
    ----------
    lines : dict
        ``{key: (k, 3) array}`` of screen x, y (pixels) and depth (0 near .. 1 far).
    xy : (float, float)
        The pointer, pixels.
    """
    p = np.asarray(xy, float)
    found = []
    for key, pts in lines.items():
        a, b = pts[:-1, :2], pts[1:, :2]
        ab = b - a
        t = np.clip(np.einsum("ij,ij->i", p - a, ab) / np.maximum(np.einsum("ij,ij->i", ab, ab), 1e-9), 0, 1)
        d = np.linalg.norm(a + t[:, None] * ab - p, axis=1)
        j = int(np.argmin(d))
        if d[j] <= tol:
            found.append((float(d[j]), float(pts[j, 2] + t[j] * (pts[j + 1, 2] - pts[j, 2])), key))
    if not found:
        return None
    # The closest on screen wins; of lines within 2 px of that, the one in front.
    d_min = min(f[0] for f in found)
    return min((f for f in found if f[0] <= d_min + 2.0), key=lambda f: f[1])[2]


def screen_lines(state, bundle_actors: dict, renderer, width: int, height: int) -> dict:
    """Every shown bundle's path in widget pixels.

    Parameters
    ----------
    state : hipviz.State
        The state drawn (pose 0), evaluated with paths.
    bundle_actors : dict
        ``{(side, muscle_id, bundle): actor}`` of the scene; hidden actors are left out.
    renderer : vtkRenderer
        Whose active camera projects the paths.
    width, height : int
        The widget's size in pixels.

    Returns
    -------
    dict
        ``{(side, muscle_id, bundle): (k, 3) array}`` of x, y (pixels from the top left) and depth
        (0 near .. 1 far).
    """
    w, h = width, height
    M = renderer.GetActiveCamera().GetCompositeProjectionTransformMatrix(w / max(h, 1), -1, 1)
    M = np.array([[M.GetElement(i, j) for j in range(4)] for i in range(4)])
    out = {}
    sets = [*state.muscles.items(), *(getattr(state, "trunk", {}) or {}).items()]
    for side, ms in sets:
        if ms.paths is None:
            continue
        for b, (mid, bn) in enumerate(zip(ms.muscle_ids, ms.bundle_names)):
            key = (side, mid, bn)
            actor = bundle_actors.get(key)
            if actor is None or not actor.GetVisibility():
                continue
            p = ms.paths[b][0]
            hp = np.c_[p, np.ones(len(p))] @ M.T
            ndc = hp[:, :3] / hp[:, 3:]
            out[key] = np.c_[(ndc[:, 0] + 1) / 2 * w, (1 - ndc[:, 1]) / 2 * h, (ndc[:, 2] + 1) / 2]
    return out
