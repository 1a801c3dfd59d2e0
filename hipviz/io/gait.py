"""Where the feet are in a recorded walk: the standing foot, double support, and a body that walks.

Plain numpy over per-frame arrays, used by :class:`hipviz.io.frames.MotionFrames`:

* :func:`stance_by_touchdown` - which foot stands in each frame (a foot that swung takes over at
  heel strike; a toe brushing the floor in mid-swing is not a step);
* :func:`stance_weights` - how the body's weight moves from one foot to the other in double support;
* :func:`planted_travel` - where the pelvis goes so that the standing foot does not slide;
* :func:`moving_average` - the smoothed path a following camera takes.
"""
from __future__ import annotations

import numpy as np

__all__ = ["stance_by_touchdown", "drop_short_runs", "planted_travel", "stance_weights", "moving_average",
           "SWING_M_S", "BOTH_M"]

#: A foot moving forward against the pelvis faster than this swings (m/s; a standing one goes backwards).
SWING_M_S = 0.5
#: Both feet count as on the floor when the higher one is this close to it (metres).
BOTH_M = 0.025


def stance_by_touchdown(h_r: np.ndarray, h_l: np.ndarray, u_r: np.ndarray, u_l: np.ndarray,
                         lead: np.ndarray | None = None) -> np.ndarray:
    """The standing foot of each frame, 0 right or 1 left.

    ``h_r``, ``h_l`` (n,): each foot's height above the floor; ``u_r``, ``u_l`` (n,): how fast
    each foot moves forward against the pelvis (m/s; a standing foot goes backwards under the
    walking body, a swinging one forwards). A standing foot gives way when it swings forward;
    a foot that has swung takes over when it touches down (near the floor and going backwards
    again: heel strike), so a swinging toe that brushes the floor is not a step, and in double
    support the leading foot stands (it stays planted while the trailing one rolls off its toes).
    ``lead`` (n,): how far the right foot is ahead of the left (metres), for a start in double support.
    """
    n = h_r.size
    h, u = (h_r, h_l), (u_r, u_l)
    cur = 0 if h_r[0] <= h_l[0] else 1
    if max(h_r[0], h_l[0]) < BOTH_M and lead is not None:  # both feet down at the start: the leading one stands
        cur = 0 if lead[0] >= 0 else 1
    swung = [False, False]
    out = np.empty(n, int)
    for t in range(n):
        other = 1 - cur
        if u[other][t] > SWING_M_S:
            swung[other] = True
        if u[cur][t] > SWING_M_S or (swung[other] and h[other][t] < BOTH_M and u[other][t] < 0.0):
            cur, swung[other] = other, False
        out[t] = cur
    return out


def drop_short_runs(code: np.ndarray, min_len: int) -> np.ndarray:
    """``code`` (n,) with runs shorter than ``min_len`` between two runs of another value merged
    into their neighbours."""
    code = code.copy()
    if min_len <= 1 or code.size == 0:
        return code
    cut = np.flatnonzero(code[1:] != code[:-1]) + 1
    starts, ends = np.r_[0, cut], np.r_[cut, code.size]
    for a, b in zip(starts[1:-1], ends[1:-1]):  # inner runs only: the ends may be short
        if b - a < min_len:
            code[a:b] = code[a - 1]
    return code


def planted_travel(foot_r: np.ndarray, foot_l: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Where the pelvis goes in the room (n, 3) so that the standing foot does not slide.

    ``foot_r``, ``foot_l`` (n, k, 3): the feet's floor points with the pelvis at the origin;
    ``right`` (n,): the right foot stands. From each frame to the next the body moves by what the
    standing foot's lowest point moved, backwards: the foot rolls over that point and stays put,
    heel to toe, and the body walks on with its own stride.
    """
    n = right.size
    travel = np.zeros((n, 3))
    if n < 2:
        return travel
    mask = right[:-1, None, None]
    before = np.where(mask, foot_r[:-1], foot_l[:-1])
    after = np.where(mask, foot_r[1:], foot_l[1:])
    k = np.argmin(before[:, :, 1], axis=1)
    step = after[np.arange(n - 1), k] - before[np.arange(n - 1), k]
    travel[1:, [0, 2]] = -np.cumsum(step[:, [0, 2]], axis=0)
    return travel


def stance_weights(stance: np.ndarray, both: np.ndarray) -> np.ndarray:
    """How much of each frame's effort comes from its own standing leg (1 = all), (n,).

    In double support the body's weight moves from the trailing to the leading foot: across each
    run of frames with both feet down that contains one change of standing foot, the weight of
    the new standing leg ramps from 0 to 1 (the frames are evaluated with either leg standing and
    blended). Both feet down without one clear change (a squat): half and half.
    """
    n = stance.size
    own = np.ones(n)
    edges = np.flatnonzero(np.diff(np.r_[0, both.astype(int), 0]))
    whole = [q - p for p, q in zip(edges[::2], edges[1::2]) if p > 0 and q < n]
    typical = int(np.median(whole)) if whole else 0  # a window cut by the file's start or end ramps as long
    for p, q in zip(edges[::2], edges[1::2]):
        if q - p < 2:
            continue
        switches = [f for f in range(max(p, 1), min(q + 1, n)) if stance[f] != stance[f - 1]]
        if p == 0 and not switches:  # the file starts in double support: the leading foot has just landed
            switches = [0]
        if q == n and not switches:  # it ends before the landing foot takes over: the standing one carries on
            continue
        if len(switches) == 1:
            new = stance[switches[0]]
            span = max(q - p, typical if (p == 0 or q == n) else 0)
            f = np.arange(p, q)
            w_new = (f - p + 0.5) / span if p > 0 else 1.0 - (q - f - 0.5) / span
            own[p:q] = np.where(stance[p:q] == new, w_new, 1.0 - w_new)
        else:
            own[p:q] = 0.5
    return own


def moving_average(x: np.ndarray, width: int) -> np.ndarray:
    """Centred running mean of the rows of ``x`` (n, d), the ends padded with the end values."""
    width = max(1, min(int(width) | 1, 2 * (x.shape[0] // 2) + 1))
    if width == 1:
        return x.copy()
    half = width // 2
    pad = np.concatenate([np.repeat(x[:1], half, 0), x, np.repeat(x[-1:], half, 0)])
    c = np.cumsum(np.vstack([np.zeros((1, x.shape[1])), pad]), axis=0)
    return (c[width:] - c[:-width]) / width
