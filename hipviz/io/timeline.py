"""A lesson played as a movement: its steps joined by smooth curves, frame by frame.

A scene (:mod:`hipviz.io.scenes`) is a list of key poses. Played, the body moves from one to the
next over each step's ``duration_s``, along a centripetal Catmull-Rom spline through the key
poses (Yuksel, Schaefer & Keyser 2011), so that a circle of the femur given as eight or twelve
points on the circle is drawn as a circle, not a polygon, and no movement overshoots between
close keys. Steps that change what the body is doing (another posture, side or contacts) start
a new run: the body cuts to them rather than gliding through the floor.

Everything here is plain numpy: the window's player, movies and data export share it.

Examples
--------
>>> from hipviz.io.scenes import load_scene, shipped_scenes
>>> tl = lesson_timeline(load_scene(shipped_scenes()[0]), fps=10)
>>> tl.n_frames > len(tl.keys)
True
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..core.pose import resolve_name

__all__ = ["Timeline", "lesson_timeline", "catmull_rom", "pose_columns"]


def pose_columns(pose: dict, side: str) -> dict[str, float]:
    """A step's pose by column name (hipviz's clinical names), degrees, signs applied."""
    out = {}
    for key, value in pose.items():
        col, sign = resolve_name(key, side)
        out[col] = sign * float(value)
    return out


def catmull_rom(points: np.ndarray, t: np.ndarray, alpha: float = 0.5) -> np.ndarray:
    """Points on the Catmull-Rom spline through ``points`` (k, d) at parameters ``t`` in [0, k-1].

    ``alpha`` 0.5 is the centripetal spline (no cusps or self-intersections within a segment).
    The ends use mirrored phantom points, or, when the last key equals the first (a loop such
    as a hip circle), the keys on the other side of the loop, so the circle closes smoothly.

    Examples
    --------
    >>> import numpy as np
    >>> ring = np.array([[np.cos(a), np.sin(a)] for a in np.linspace(0, 2 * np.pi, 9)])
    >>> mid = catmull_rom(ring, np.array([0.5]))[0]
    >>> round(float(np.hypot(*mid)), 2)  # half-way between keys 45 deg apart; a straight line: 0.92
    0.99
    """
    P = np.asarray(points, float)
    k = P.shape[0]
    if k == 1:
        return np.repeat(P, len(t), axis=0)
    if k > 2 and np.allclose(P[0], P[-1]):  # a closed loop (a circle that ends where it began)
        ext = np.vstack([P[-2], P, P[1]])
    else:
        ext = np.vstack([2 * P[0] - P[1], P, 2 * P[-1] - P[-2]])
    i = np.clip(np.floor(t).astype(int), 0, k - 2)
    u = (t - i)[:, None]
    p0, p1, p2, p3 = ext[i], ext[i + 1], ext[i + 2], ext[i + 3]

    def knot(a, b):
        return np.maximum(np.linalg.norm(b - a, axis=1, keepdims=True) ** alpha, 1e-9)

    t1 = knot(p0, p1)
    t2 = t1 + knot(p1, p2)
    t3 = t2 + knot(p2, p3)
    s = t1 + u * (t2 - t1)
    a1 = ((t1 - s) * p0 + s * p1) / t1
    a2 = ((t2 - s) * p1 + (s - t1) * p2) / (t2 - t1)
    a3 = ((t3 - s) * p2 + (s - t2) * p3) / (t3 - t2)
    b1 = ((t2 - s) * a1 + s * a2) / t2
    b2 = ((t3 - s) * a2 + (s - t1) * a3) / (t3 - t1)
    return ((t2 - s) * b1 + (s - t1) * b2) / (t2 - t1)


@dataclass
class Timeline:
    """The frames of a played lesson.

    Attributes
    ----------
    fps : float
    time_s : (n,) ndarray
        Time of each frame from the start, seconds.
    step : (n,) int ndarray
        The step (0-based) each frame moves towards or holds; its settings (movement, lock
        pelvis ...) apply to the frame.
    poses : list of dict
        Per run of steps that glide into each other (same posture, side and contacts),
        ``{column: (m,) degrees}`` for the frames of that run.
    runs : list of (int, int)
        ``(first frame, end frame)`` of each run.
    keys : list of int
        The frame at which each step's key pose is reached.
    step_kwargs : list of dict
        :meth:`Step.evaluate_kwargs` of every step.
    """

    fps: float
    time_s: np.ndarray
    step: np.ndarray
    poses: list = field(default_factory=list)
    runs: list = field(default_factory=list)
    keys: list = field(default_factory=list)
    step_kwargs: list = field(default_factory=list)

    @property
    def n_frames(self) -> int:
        return int(self.time_s.size)

    def frame_pose(self, i: int) -> tuple[dict, dict]:
        """Pose ``{column: degrees}`` and evaluate keyword arguments of frame ``i``."""
        for r, (a, b) in enumerate(self.runs):
            if a <= i < b:
                return ({k: float(v[i - a]) for k, v in self.poses[r].items()},
                        dict(self.step_kwargs[int(self.step[i])]))
        raise IndexError(f"frame {i} is outside the timeline's {self.n_frames} frames")

    def batches(self):
        """``(frames, pose, kwargs)`` groups to evaluate in one call each: consecutive frames of
        one run moving towards steps with the same settings."""
        for r, (a, b) in enumerate(self.runs):
            start = a
            for i in range(a + 1, b + 1):
                if i == b or self.step_kwargs[int(self.step[i])] != self.step_kwargs[int(self.step[start])]:
                    frames = np.arange(start, i)
                    yield frames, {k: v[start - a:i - a] for k, v in self.poses[r].items()}, \
                        dict(self.step_kwargs[int(self.step[start])])
                    start = i


def _run_key(step) -> tuple:
    return (step.posture, step.side, step.contacts)


def _fill(table: np.ndarray) -> np.ndarray:
    """A coordinate a step does not name keeps the value it had (or takes the next step's)."""
    for j in range(table.shape[1]):
        col = table[:, j]
        known = np.flatnonzero(~np.isnan(col))
        col[:known[0]] = col[known[0]]
        for r in range(known[0] + 1, len(col)):
            if np.isnan(col[r]):
                col[r] = col[r - 1]
    return table


def lesson_timeline(scene, *, fps: float = 30.0, hold_s: float = 0.0, slow: float = 1.0) -> Timeline:
    """Frames of ``scene`` played from its first step to its last.

    Parameters
    ----------
    scene : Scene
    fps : float, default: 30
    hold_s : float, default: 0
        Pause on each key pose (seconds).
    slow : float, default: 1
        Slow-motion factor on every ``duration_s``.

    Returns
    -------
    Timeline
        The first step is shown at time 0; each later step is reached ``duration_s`` after the
        one before it (a step that starts a new run is cut to, then held for its duration).
    """
    if not (np.isfinite(fps) and fps > 0):
        raise ValueError(f"fps must be a positive number, found {fps!r}")
    steps = scene.steps
    runs: list[list[int]] = []
    for i, st in enumerate(steps):
        if runs and _run_key(steps[runs[-1][-1]]) == _run_key(st):
            runs[-1].append(i)
        else:
            runs.append([i])
    hold = int(round(max(hold_s, 0.0) * fps))
    poses, frames, keys, step_of = [], [], [], []
    n = 0
    for run in runs:
        side = steps[run[0]].side
        cols = [pose_columns(steps[i].pose, side) for i in run]
        names = sorted({c for p in cols for c in p})
        table = _fill(np.array([[p.get(c, np.nan) for c in names] for p in cols]).reshape(len(run), len(names)))
        param, owner = [], []
        for r, i in enumerate(run):
            m = max(int(round(steps[i].duration_s * slow * fps)), 1)
            if r == 0:  # the run's first key pose: shown for one frame (the lesson's start) or held after a cut
                s = np.zeros(1 if n == 0 else m)
            else:
                s = (r - 1) + np.arange(1, m + 1) / m
            param.append(s)
            owner.append(np.full(s.size, i))
            keys.append(n + sum(x.size for x in param) - 1)
            if hold:
                param.append(np.full(hold, float(r)))
                owner.append(np.full(hold, i))
        param = np.concatenate(param)
        curve = catmull_rom(table, param) if names else np.zeros((param.size, 0))
        poses.append({c: curve[:, j] for j, c in enumerate(names)})
        frames.append((n, n + param.size))
        step_of.append(np.concatenate(owner))
        n += param.size
    return Timeline(fps=float(fps), time_s=np.arange(n) / fps, step=np.concatenate(step_of).astype(int),
                    poses=poses, runs=frames, keys=keys, step_kwargs=[st.evaluate_kwargs() for st in steps])
