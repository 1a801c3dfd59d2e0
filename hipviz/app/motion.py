"""A recorded motion in the window, without Qt: every frame evaluated once, the frame shown at a
time, its caption, its colour scale and the plot's series.

The Qt parts (:mod:`hipviz.app.motion_player`) only run the clock and move widgets. Frames are
evaluated at load (:class:`hipviz.io.frames.MotionFrames`: the body on its lower foot, the pelvis
following the file, muscles coloured along the movement) at the window's rate, at most
:data:`MAX_FRAMES` of them; playing then costs one small slice of a state per frame.

Examples
--------
>>> import hipviz
>>> clip = MotionClip(hipviz.load_model(), "tests/data/walk_gait2392.mot", fps=10)  # doctest: +SKIP
>>> clip.frame_at(0.5), clip.state(5).n                                             # doctest: +SKIP
(5, 1)
"""
from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np

from hipviz.core.contacts import resolve_contacts
from hipviz.io.frames import MotionFrames, take_state
from hipviz.io.motion import Motion, read_motion
from hipviz.io.scenes import nice_scale
from hipviz.io.time_plot import collect_series, most_active

__all__ = ["MotionClip", "MAX_FRAMES", "SPEEDS", "plot_muscles"]

#: Frames kept for playing (a longer motion is played at a lower frame rate).
MAX_FRAMES = 1800
#: Playing speeds offered (1 = as recorded).
SPEEDS = (0.25, 0.5, 1.0, 2.0)


class MotionClip:
    """A motion file evaluated for playing.

    Parameters
    ----------
    model : hipviz.Model
    motion : str, Path or Motion
        A file (read with :func:`~hipviz.io.motion.read_motion`; ``MotionFileError`` if it cannot
        be) or a motion already read.
    fps : float, default: 30
        Frames a second to evaluate (the file is resampled).
    side : {"right", "left"}, default: "right"
        The leg the window's readouts and moment-arm plot describe.

    Attributes
    ----------
    frames : MotionFrames
    series : hipviz.io.time_plot.Series
    notes : list of str
        What to tell the user once (knee sign, columns not used, a lowered frame rate).
    """

    def __init__(self, model, motion, *, fps: float = 30.0, side: str = "right") -> None:
        self.model = model
        self.path = None if isinstance(motion, Motion) else Path(motion)
        motion = motion if isinstance(motion, Motion) else read_motion(motion)
        self.motion = motion
        self.notes: list[str] = []
        rate = float(fps)
        if motion.duration_s * rate + 1 > MAX_FRAMES:
            rate = (MAX_FRAMES - 1) / motion.duration_s
            self.notes.append(f"{motion.name}: {motion.duration_s:.0f} s long, played at {rate:.1f} frames a second")
        self.frames = MotionFrames(motion, model, fps=rate)
        self.notes = list(self.frames.warnings) + self.notes
        self.chunks = list(self.frames.chunks(model, with_paths=True))
        self._where = np.zeros((self.n_frames, 2), int)
        for k, chunk in enumerate(self.chunks):
            self._where[chunk.frames, 0] = k
            self._where[chunk.frames, 1] = chunk.rows
        self.side = side[0]
        self.series = collect_series(model, self.frames, self.chunks)
        self._scales: dict[str, float] = {}
        self._contact_sets: dict = {}

    @property
    def name(self) -> str:
        return self.motion.name

    @property
    def n_frames(self) -> int:
        return self.frames.n_frames

    @property
    def fps(self) -> float:
        return self.frames.fps

    @property
    def duration_s(self) -> float:
        return float(self.frames.time_s[-1])

    def time(self, frame: int) -> float:
        """Seconds from the start to frame ``frame``."""
        return float(self.frames.time_s[frame])

    def frame_at(self, t: float, *, loop: bool = True) -> int:
        """The frame shown ``t`` seconds after the start: wrapped round (``loop``) or held at the end."""
        if self.n_frames < 2 or self.duration_s <= 0:
            return 0
        period = self.duration_s + 1.0 / self.fps  # the last frame lasts one frame, then the first again
        if loop:
            t = math.fmod(t, period)
            t = t + period if t < 0 else t
        i = int(math.floor(t * self.fps + 1e-9))
        return min(max(i, 0), self.n_frames - 1)

    def state(self, frame: int):
        """The one-pose state of frame ``frame``, described from :attr:`side`: its ``movement`` names
        where that hip is going then (``"flexion+abduction"``, ``"hold"`` ...; evaluated with each
        leg's own direction of travel)."""
        k, row = self._where[int(frame)]
        st = take_state(self.chunks[k].state, [row])
        return replace(st, side=self.side, movement=self.movement(frame), contacts=self._contacts(frame))

    def _contacts(self, frame: int):
        """What is on the floor at ``frame``: the standing foot, or both in double support."""
        f = self.frames
        key = "feet" if f.both_down[frame] else f"foot_{f.stance[frame]}"
        if key not in self._contact_sets:
            self._contact_sets[key] = resolve_contacts([key], self.side)
        return self._contact_sets[key]

    def movement(self, frame: int) -> str:
        """Where the described hip is going at ``frame``, in the words of :func:`hipviz.evaluate`."""
        hip = self.series.hip[self.side]
        d = np.gradient(hip, axis=0)[int(frame)] if self.n_frames > 1 else np.zeros(3)
        size = float(np.linalg.norm(d))
        if not np.isfinite(size) or size * self.fps < 2.0:  # slower than 2 degrees a second: holding
            return "hold"
        words = (("flexion", "extension"), ("adduction", "abduction"), ("internal_rotation", "external_rotation"))
        parts = [pos if v > 0 else neg for (pos, neg), v in zip(words, d) if abs(v) >= 0.35 * size]
        return "+".join(parts)

    def caption(self, frame: int) -> str:
        return self.frames.caption(int(frame))

    def scale(self, mode: str = "effort") -> float:
        """The motion's one colour scale for ``mode``: its peak, rounded up (:func:`nice_scale`)."""
        if mode not in self._scales:
            self._scales[mode] = nice_scale(max((c.state.peak(mode) for c in self.chunks), default=0.0))
        return self._scales[mode]


def plot_muscles(series, selected: str | None = None, k: int = 3) -> list[str]:
    """The muscles the window plots: the selected one first, then the most active."""
    out = [selected] if selected else []
    for mid in most_active(series, k + 1):
        if mid not in out:
            out.append(mid)
    return out[:k + (1 if selected else 0)]
