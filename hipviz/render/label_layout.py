"""Where the names of the lit muscles go on screen: boxes beside the body, never overlapping.

Pure layout in display pixels (numpy only, no VTK): :func:`place_labels` puts each name in a
column left or right of the body, or in a row above or below it, near the point it names, and
leaves out what its column or row has no room for. :class:`~hipviz.render.labels.MuscleLabels`
draws the result.
"""
from __future__ import annotations

import numpy as np

__all__ = ["place_labels"]


def _spread(centres: np.ndarray, sizes: np.ndarray, lo: float, hi: float, gap: float) -> np.ndarray:
    """1-D positions near ``centres`` with no two intervals (``sizes`` long) closer than ``gap``,
    kept inside ``[lo, hi]`` where they fit. Order is kept. All arrays ``(n,)``."""
    n = len(centres)
    if n == 0:
        return centres
    order = np.argsort(-centres, kind="stable")  # first = highest
    c = centres[order].astype(float).copy()
    s = sizes[order].astype(float)
    c[0] = min(c[0], hi - s[0] / 2)
    for k in range(1, n):  # downwards: each below the one before
        c[k] = min(c[k], c[k - 1] - (s[k - 1] + s[k]) / 2 - gap)
    if c[-1] - s[-1] / 2 < lo:  # ran out at the bottom: push back up
        c[-1] = lo + s[-1] / 2
        for k in range(n - 2, -1, -1):
            c[k] = max(c[k], c[k + 1] + (s[k] + s[k + 1]) / 2 + gap)
    out = np.empty(n)
    out[order] = c
    return out


def place_labels(anchors, sizes, body, area, *, gap: float = 6.0, right_area=None) -> tuple[np.ndarray, list[str]]:
    """Boxes for labels beside a body on screen, near their anchors and never overlapping.

    Labels go in a column left and/or right of the body (each on the side of its anchor, while
    that side has room and space for it), or, when the body leaves no room at its sides, in a
    row above and/or below it. Within a column (row) the labels keep the order of their anchors
    and are pushed apart just enough.

    Parameters
    ----------
    anchors : (n, 2) array_like
        The point each label names, display pixels (x right, y up).
    sizes : (n, 2) array_like
        Width and height of each label, pixels.
    body : (x0, y0, x1, y1)
        The body's box on screen, pixels.
    area : (x0, y0, x1, y1)
        Where labels may go (the picture less legend and caption), pixels.
    gap : float, default: 6
        Pixels between labels, and between a label and the body's box.
    right_area : (x0, y0, x1, y1), optional
        Where the right-hand column may go instead of ``area`` (for instance reaching under a
        legend in the top right corner); its left edge is ignored.

    Returns
    -------
    boxes : (n, 4) ndarray
        ``x0, y0, x1, y1`` of each label, pixels.
    sides : list of str
        Where each label went: ``"left"``, ``"right"``, ``"top"`` or ``"bottom"``; or
        ``"hidden"`` (its box all zeros) when its column or row has no room left for it (labels
        are given most important first, so the last are left out).

    Examples
    --------
    >>> boxes, sides = place_labels([[100, 200], [102, 201]], [[80, 20], [80, 20]], (90, 50, 300, 400), (0, 0, 800, 600))
    >>> sides, bool(boxes[0, 1] >= boxes[1, 3] or boxes[1, 1] >= boxes[0, 3])
    (['left', 'left'], True)
    """
    A = np.asarray(anchors, float).reshape(-1, 2)
    S = np.asarray(sizes, float).reshape(-1, 2)
    n = len(A)
    boxes = np.zeros((n, 4))
    if n == 0:
        return boxes, []
    bx0, by0, bx1, by1 = (float(v) for v in body)
    ax0, ay0, ax1, ay1 = (float(v) for v in area)
    rx1, ry0, ry1 = (ax1, ay0, ay1) if right_area is None else (float(right_area[2]), float(right_area[1]), float(right_area[3]))
    w_max, h_max = S[:, 0].max() + gap, S[:, 1].max() + gap
    room = {"left": bx0 - ax0, "right": rx1 - bx1, "bottom": by0 - ay0, "top": ay1 - by1}
    columns = max(room["left"], room["right"]) >= w_max or max(room["top"], room["bottom"]) < h_max
    first, second = ("left", "right") if columns else ("bottom", "top")
    mid = 0.5 * (bx0 + bx1) if columns else 0.5 * (by0 + by1)
    along = A[:, 0] if columns else A[:, 1]
    need = S[:, 0] if columns else S[:, 1]
    fits = {k: room[k] >= (w_max if columns else h_max) for k in (first, second)}
    if not any(fits.values()):  # no side has room: the roomier one, over the body
        fits[max((first, second), key=lambda k: room[k])] = True
    side = np.where(along < mid, first, second).astype(object)
    for k, other in ((first, second), (second, first)):
        if not fits[k]:
            side[side == k] = other
    # a column holds as many labels as its height allows; extras go to the other one
    lengths = {"left": ay1 - ay0, "right": ry1 - ry0, "top": ax1 - ax0, "bottom": ax1 - ax0}
    for k, other in ((first, second), (second, first)):
        idx = np.nonzero(side == k)[0]
        cap_size = S[:, 1] if columns else S[:, 0]
        while len(idx) > 1 and cap_size[idx].sum() + gap * (len(idx) - 1) > lengths[k] and fits[other]:
            j = idx[np.argmin(np.abs(along[idx] - mid))]  # the one nearest the middle changes side
            side[j] = other
            idx = np.nonzero(side == k)[0]
    # what still does not fit its column (row) is not named: the labels come most important
    # first, and a name pushed off the picture would be cut (a few frames into a drag, before
    # the camera fits the body again, the body can fill the whole width)
    cap_size = S[:, 1] if columns else S[:, 0]
    for k in (first, second):
        used = 0.0
        for j in np.nonzero(side == k)[0]:
            extra = cap_size[j] + (gap if used else 0.0)
            if used and used + extra > lengths[k]:
                side[j] = "hidden"
            else:
                used += extra
    for k in (first, second):
        idx = np.nonzero(side == k)[0]
        if not len(idx):
            continue
        w, h = S[idx, 0], S[idx, 1]
        if columns:
            if k == "left":
                x1 = np.clip(bx0 - gap, ax0 + w, ax1)
                x0 = x1 - w
                lo, hi = ay0, ay1
            else:
                x0 = np.clip(bx1 + gap, ax0, rx1 - w)
                x1 = x0 + w
                lo, hi = ry0, ry1
            cy = _spread(A[idx, 1], h, lo, hi, gap)
            boxes[idx] = np.column_stack([x0, cy - h / 2, x1, cy + h / 2])
        else:
            if k == "bottom":
                y1 = np.clip(by0 - gap, ay0 + h, ay1)
                y0 = y1 - h
            else:
                y0 = np.clip(by1 + gap, ay0, ay1 - h)
                y1 = y0 + h
            cx = _spread(A[idx, 0], w, ax0, ax1, gap)
            boxes[idx] = np.column_stack([cx - w / 2, y0, cx + w / 2, y1])
    return boxes, [str(s) for s in side]
