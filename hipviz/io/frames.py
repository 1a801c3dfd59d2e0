"""The frames of a played lesson or a recorded motion, evaluated in batches.

Movies, contact sheets, data export and the window all show a movement frame by frame. This
module says what each frame is (pose, settings, caption, camera preset) and evaluates the frames
with as few :func:`hipviz.evaluate` calls as possible, yielding :class:`Chunk` objects: a batch
state and which of its rows are which frames.

* :class:`LessonFrames` plays a lesson (:func:`~hipviz.io.timeline.lesson_timeline`).
* :class:`MotionFrames` plays a recorded motion (:mod:`hipviz.io.motion`).

How a recorded motion stands on the floor
------------------------------------------
A motion's ``pelvis_tx/ty/tz`` say where the subject's pelvis was in the lab. hipviz's body is not
the subject's (other leg lengths, another pelvis origin), so its vertical translation would leave
the feet floating or sunk into the floor. The body is placed instead, frame by frame, on its lower
foot: ``pelvis_ty`` is chosen so that the lowest of the heel, the metatarsal heads and the big
toe of either foot touches the floor (room ``y = 0``). For the same reason the horizontal travel
comes from the feet, not from ``pelvis_tx/tz``: from one frame to the next the body moves so that
the standing foot's point on the floor stays where it is (the foot rolls from heel to toe and does
not slide), and the body walks on with its own stride, across the room-fixed floor grid. A file
whose pelvis faces away from the room's x axis is turned to walk along +x. The lower foot is the
standing one (it works against the body's weight);
the other leg moves in the direction it travels (``movement="auto"``). The frames are evaluated
with the pelvis angles of the file as they are (pelvis locked: no compensation is added).

Examples
--------
>>> import hipviz
>>> from hipviz.io.scenes import load_scene, shipped_scenes
>>> model = hipviz.load_model()
>>> frames = LessonFrames(load_scene(shipped_scenes()[0]), fps=5)
>>> sum(len(c.frames) for c in frames.chunks(model, with_paths=False)) == frames.n_frames
True
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Iterator

import numpy as np

from ..core.evaluate import evaluate
from ..core.kinematics import segment_transforms
from ..core.pose import _INDEX, PoseBatch, make_poses
from ..core.state import MuscleState, State
from .gait import BOTH_M, SWING_M_S, drop_short_runs, moving_average, planted_travel, stance_by_touchdown, \
    stance_weights
from .scenes import nice_scale
from .timeline import lesson_timeline

__all__ = ["Chunk", "LessonFrames", "MotionFrames", "take_state", "shift_in_room", "frame_source",
           "summarise_warnings", "FOOT_POINTS", "BLOCK_FRAMES"]

#: Foot landmarks that can touch the floor when a motion is placed on its lower foot.
FOOT_POINTS = ("heel", "first_metatarsal_head", "fifth_metatarsal_head", "hallux_tip")
#: Frames of a motion evaluated in one call (twice: either foot standing).
BLOCK_FRAMES = 600
#: A foot is the standing foot for at least this long (a swing toe that brushes the floor is not a step).
_MIN_STANCE_S = 0.1
_TRAVEL = ("pelvis_tx", "pelvis_ty", "pelvis_tz")


@dataclass
class Chunk:
    """Evaluated frames: ``state`` row ``rows[k]`` is frame ``frames[k]``.

    Attributes
    ----------
    frames : (m,) int ndarray
    state : hipviz.State
        May hold extra rows (neighbours evaluated for the direction of travel).
    rows : (m,) int ndarray
    """

    frames: np.ndarray
    state: State
    rows: np.ndarray


def _take(a, rows):
    return None if a is None else a[rows]


def _take_muscles(ms: MuscleState, rows) -> MuscleState:
    return replace(ms, length=ms.length[rows], moment_arm=ms.moment_arm[rows],
                   paths=None if ms.paths is None else [p[rows] for p in ms.paths],
                   capacity=_take(ms.capacity, rows), activation=_take(ms.activation, rows),
                   role=_take(ms.role, rows), share=_take(ms.share, rows))


def take_state(state: State, rows) -> State:
    """A state of only some of ``state``'s poses (``rows``: indices or a slice), in that order.

    Examples
    --------
    >>> import hipviz
    >>> s = hipviz.evaluate(hipviz.load_model(), {"flexion": [0, 45, 90]})
    >>> take_state(s, [2]).poses.degrees("hip_flexion_r").round().tolist()
    [90.0]
    """
    rows = np.arange(state.n)[rows] if isinstance(rows, slice) else np.asarray(rows, int).reshape(-1)
    n = state.n
    extra = {k: (v[rows] if isinstance(v, np.ndarray) and v.ndim >= 1 and v.shape[0] == n else v)
             for k, v in state.extra.items()}
    fh = state.floor_height
    if fh is not None and np.ndim(fh) >= 1:
        fh = np.asarray(fh)[rows]
    return replace(state, poses=PoseBatch(state.poses.q[rows], list(state.poses.warnings)),
                   transforms={k: v[rows] for k, v in state.transforms.items()},
                   muscles={c: _take_muscles(ms, rows) for c, ms in state.muscles.items()},
                   trunk={c: _take_muscles(ms, rows) for c, ms in (state.trunk or {}).items()},
                   thigh={c: v[rows] for c, v in state.thigh.items()},
                   pelvis_moved_deg=_take(state.pelvis_moved_deg, rows),
                   warnings=list(state.warnings), extra=extra, floor_height=fh)


def shift_in_room(state: State, offset: np.ndarray) -> None:
    """Move every pose of ``state`` by ``offset`` (n, 3) metres in the room, in place.

    Bones, muscle paths and the pelvis translation (``pelvis_tx/ty/tz`` of :attr:`State.poses`)
    move together; nothing that depends only on the joint angles changes.
    """
    off = np.asarray(offset, float).reshape(state.n, 3)
    for T in state.transforms.values():
        T[:, :3, 3] += off
    for table in (state.muscles, state.trunk or {}):
        for ms in table.values():
            for p in ms.paths or ():
                p += off[:, None, :]
    local = off @ np.asarray(state.posture.rotation, float)  # room -> posture frame
    for j, name in enumerate(_TRAVEL):
        state.poses.q[:, _INDEX[name]] += local[:, j]


_COUNT = re.compile(r" in \d+ of \d+ poses")


def summarise_warnings(messages) -> list[str]:
    """Distinct warnings of many batches, without their "in 3 of 40 poses" counts, in order."""
    return list(dict.fromkeys(_COUNT.sub(" in some frames", m) for m in messages))


class LessonFrames:
    """A lesson played from its first step to its last.

    Parameters
    ----------
    scene : hipviz.io.scenes.Scene
    fps : float, default: 30
    """

    kind = "lesson"

    def __init__(self, scene, *, fps: float = 30.0) -> None:
        self.scene = scene
        self.timeline = lesson_timeline(scene, fps=fps)
        self.fps = float(fps)
        self.title = scene.title
        self.warnings: list[str] = []

    @property
    def n_frames(self) -> int:
        return self.timeline.n_frames

    @property
    def time_s(self) -> np.ndarray:
        return self.timeline.time_s

    def step_of(self, frame: int):
        return self.scene.steps[int(self.timeline.step[frame])]

    def caption(self, frame: int) -> str:
        """The caption of the step frame ``frame`` moves towards or holds."""
        return self.step_of(frame).caption

    def view(self, frame: int) -> str | None:
        """The camera preset of the frame's step (None: the step names none)."""
        return self.step_of(frame).view

    def key_frames(self, n: int | None = None) -> list[int]:
        """The frame at which each step's pose is reached (one picture per step)."""
        return list(self.timeline.keys)

    def key_caption(self, k: int, frame: int) -> str:
        return f"{k + 1}. {self.caption(frame)}"

    def colour_mode(self, default: str | None = None) -> str:
        return default or self.scene.colour or "effort"

    def colour_scale(self, model, mode: str) -> float:
        """The lesson's one colour scale (:meth:`Scene.colour_scale`)."""
        return self.scene.colour_scale(model, mode)

    def chunks(self, model, *, with_paths: bool = True) -> Iterator[Chunk]:
        """Every frame, evaluated one batch of alike frames at a time."""
        for frames, pose, kwargs in self.timeline.batches():
            state = evaluate(model, pose, with_paths=with_paths, **kwargs)
            # a run whose steps name no coordinate is one pose, held
            rows = np.arange(len(frames)) if state.n == len(frames) else np.zeros(len(frames), int)
            yield Chunk(frames, state, rows)


def _mix(right: State, left: State, rr: np.ndarray, rl: np.ndarray, w: np.ndarray) -> None:
    """Double support: rows ``rr`` of ``right`` (the right foot standing) and rows ``rl`` of
    ``left`` (the same frames, the left foot standing) both get ``w * right + (1 - w) * left``
    activations and shares (and the role of the one weighing more), in place."""
    wc = w[:, None]
    for table in ("muscles", "trunk"):
        r_tab, l_tab = getattr(right, table) or {}, getattr(left, table) or {}
        for c, A in r_tab.items():
            B = l_tab.get(c)
            if B is None or A.activation is None or B.activation is None:
                continue
            act = wc * A.activation[rr] + (1 - wc) * B.activation[rl]
            A.activation[rr], B.activation[rl] = act, act
            if A.share is not None and B.share is not None:
                share = wc * A.share[rr] + (1 - wc) * B.share[rl]
                A.share[rr], B.share[rl] = share, share
            if A.role is not None and B.role is not None:
                role = np.where(wc >= 0.5, A.role[rr], B.role[rl])
                A.role[rr], B.role[rl] = role, role


class MotionFrames:
    """A recorded motion played frame by frame, the body on its lower foot (see the module notes).

    Parameters
    ----------
    motion : hipviz.io.motion.Motion
    model : hipviz.Model
        Needed to place the body on its feet.
    fps : float, optional
        Resample to this rate (default: the file's own frames).
    follow_s : float, default: 1.0
        The camera follows the pelvis averaged over this long (smooth, not every sway).

    Attributes
    ----------
    stance : (n,) ndarray of {"r", "l"}
        The standing (lower) foot of each frame.
    both_down : (n,) bool ndarray
        Both feet on the floor (double support).
    travel : (n, 3) ndarray
        Where the pelvis has gone in the room since the first frame (x, 0, z), metres: the
        standing foot stays planted.
    camera_path : (n, 3) ndarray
        ``travel`` smoothed: what a following camera moves by.
    """

    kind = "motion"

    def __init__(self, motion, model, *, fps: float | None = None, follow_s: float = 1.0) -> None:
        self.source = motion
        self.motion = motion.resample(fps) if fps else motion
        self.fps = float(fps) if fps else motion.rate_hz
        self.title = motion.name
        self.warnings: list[str] = list(motion.warnings)
        self._scales: dict = {}
        self._plan(model, follow_s)

    @property
    def n_frames(self) -> int:
        return self.motion.n_frames

    @property
    def time_s(self) -> np.ndarray:
        return self.motion.time_s - self.motion.time_s[0]

    # -- placing the body ------------------------------------------------------------------
    def _plan(self, model, follow_s: float) -> None:
        m = self.motion
        n = m.n_frames
        post = model.posture("standing")
        pose = {c: np.asarray(v, float) for c, v in m.values.items() if c not in _TRAVEL}
        heading = float(np.mean(pose["pelvis_rotation"])) if "pelvis_rotation" in pose else 0.0
        if abs(heading) > 15.0:  # walking along another room axis: turn the whole walk to go along +x
            pose["pelvis_rotation"] = pose["pelvis_rotation"] - heading
            self.warnings.append(f"{m.name}: the pelvis faces {heading:.0f}\N{DEGREE SIGN} away from the room's x axis; "
                                 "the walk is turned to go along x")
        poses = make_poses(pose, defaults=post.pose, ranges=model.ranges)
        self.warnings += [f"{m.name}: {w}" for w in poses.warnings]
        T = segment_transforms(model.joints, poses, post.rotation)  # the pelvis at the room's origin
        feet = {}
        for c in ("r", "l"):
            marks = model.landmarks.get(f"foot_{c}", {})
            names = [p for p in FOOT_POINTS if p in marks]
            local = np.array([marks[p] - marks.get("ankle_center", np.zeros(3)) for p in names]) if names \
                else np.array([[0.0, -0.078, 0.0]])
            Tf = T[f"foot_{c}"]
            feet[c] = np.einsum("nij,kj->nki", Tf[:, :3, :3], local) + Tf[:, None, :3, 3]  # (n, k, 3)
        low = {c: feet[c][:, :, 1].min(axis=1) for c in feet}
        lowest = np.minimum(low["r"], low["l"])
        pose["pelvis_ty"] = -lowest
        fwd = {c: np.gradient(feet[c].mean(axis=1)[:, 0]) * self.fps if n > 1 else np.zeros(n) for c in feet}
        lead = feet["r"].mean(axis=1)[:, 0] - feet["l"].mean(axis=1)[:, 0]
        code = drop_short_runs(stance_by_touchdown(low["r"] - lowest, low["l"] - lowest, fwd["r"], fwd["l"], lead),
                                int(round(_MIN_STANCE_S * self.fps)))
        self.stance = np.array(["r", "l"])[code]
        travel = planted_travel(feet["r"], feet["l"], self.stance == "r")
        # both feet down (double support): the other foot near the floor and not swinging forward
        other_r = self.stance == "l"
        near = np.where(other_r, low["r"], low["l"]) - lowest < BOTH_M
        near &= np.where(other_r, fwd["r"], fwd["l"]) <= SWING_M_S
        self.both_down = near
        self.own_weight = stance_weights(self.stance, self.both_down)
        #: How much of each frame's effort comes from the right foot standing (0..1).
        self.right_weight = np.where(self.stance == "r", self.own_weight, 1.0 - self.own_weight)
        self.pose = pose
        self.travel = travel
        width = int(round(max(follow_s, 0.0) * self.fps)) if self.fps > 0 else 1
        self.camera_path = moving_average(travel, width)

    # -- what each frame shows -------------------------------------------------------------
    def caption(self, frame: int) -> str:
        t = float(self.time_s[frame])
        if self.both_down[frame]:
            where = "Both feet on the floor"
        else:
            side = "Right" if self.stance[frame] == "r" else "Left"
            other = "left" if self.stance[frame] == "r" else "right"
            where = f"{side} foot on the floor, {other} leg swinging"
        return f"{self.title} \N{MIDDLE DOT} {t:.2f}\N{NO-BREAK SPACE}s\n{where}"

    def view(self, frame: int) -> str | None:
        return None

    def key_frames(self, n: int | None = 8) -> list[int]:
        """``n`` frames spread evenly from the first to the last."""
        n = max(1, min(int(n or 8), self.n_frames))
        return [int(round(v)) for v in np.linspace(0, self.n_frames - 1, n)]

    def key_caption(self, k: int, frame: int) -> str:
        return self.caption(frame).split("\n", 1)[-1].replace(", ", "\n", 1) + \
            f"\n{float(self.time_s[frame]):.2f}\N{NO-BREAK SPACE}s"

    def colour_mode(self, default: str | None = None) -> str:
        return default or "effort"

    def colour_scale(self, model, mode: str) -> float:
        """The largest effort (or share) of any bundle in any frame, rounded up (:func:`nice_scale`)."""
        key = (id(model), mode)
        if key not in self._scales:
            peak = max((c.state.peak(mode) for c in self.chunks(model, with_paths=False)), default=0.0)
            self._scales[key] = nice_scale(peak)
        return self._scales[key]

    def batches(self):
        """``(first, end, parts)`` per block of at most :data:`BLOCK_FRAMES` frames; ``parts`` are
        ``(side, frames, pose)`` to evaluate: ``side`` ``"left"`` for the frames where the right foot
        carries weight (the left leg moving), ``"right"`` for those where the left foot does
        (double-support frames are in both); ``frames`` are the global frames of the rows of
        ``pose``: runs each padded with a neighbour on both sides, so that the direction of travel
        (``movement="auto"``, a central difference) is right for every frame of the run."""
        n = self.n_frames
        for a in range(0, n, BLOCK_FRAMES):
            b = min(a + BLOCK_FRAMES, n)
            wr = self.right_weight[a:b]
            parts = []
            for side, mask in (("left", wr > 0.0), ("right", wr < 1.0)):
                idx = np.flatnonzero(mask) + a
                if idx.size:
                    runs = np.split(idx, np.flatnonzero(np.diff(idx) > 1) + 1)
                    frames = np.concatenate([np.arange(max(r[0] - 1, 0), min(r[-1] + 2, n)) for r in runs])
                    parts.append((side, frames, {c: v[frames] for c, v in self.pose.items()}))
            yield a, b, parts

    def chunks(self, model, *, with_paths: bool = True) -> Iterator[Chunk]:
        """Every frame, placed in the room, one run of frames on the same standing foot at a time.

        A frame is evaluated with its standing foot carrying the body and each leg moving in its
        own direction of travel (``movement="auto"``); in double support also the other way round,
        the two blended by :attr:`own_weight` as the weight moves over. Two evaluations per block
        (:meth:`batches`); a chunk's state holds the rows of other runs too.
        """
        kwargs = {"posture": "standing", "movement": "auto", "lock_pelvis": True, "place": False}
        for a, b, parts in self.batches():
            states, row_of = {}, {}
            for side, frames, pose in parts:
                state = evaluate(model, pose, side=side, with_paths=with_paths, **kwargs)
                shift_in_room(state, self.travel[frames])
                state.floor_height = 0.0
                foot = "r" if side == "left" else "l"
                wr = self.right_weight[a:b]
                want = wr > 0.0 if foot == "r" else wr < 1.0
                pos = np.flatnonzero((frames >= a) & (frames < b))
                inside = frames[pos] - a
                sel = want[inside]  # padding frames are never wanted: each wanted frame is here once
                where = np.full(b - a, -1)
                where[inside[sel]] = pos[sel]
                states[foot], row_of[foot] = state, where
            wr = self.right_weight[a:b]
            mixed = np.flatnonzero((wr > 0.0) & (wr < 1.0))
            if mixed.size:
                _mix(states["r"], states["l"], row_of["r"][mixed], row_of["l"][mixed], wr[mixed])
            stance = self.stance[a:b]
            cut = np.flatnonzero(stance[1:] != stance[:-1]) + 1
            for s0, s1 in zip(np.r_[0, cut], np.r_[cut, b - a]):
                foot = str(stance[s0])
                yield Chunk(np.arange(a + s0, a + s1), states[foot], row_of[foot][s0:s1])


def frame_source(path, model, *, fps: float | None = None, start: float | None = None, end: float | None = None):
    """A :class:`LessonFrames` (``.toml``) or :class:`MotionFrames` (``.mot``, ``.sto``, ``.csv``).

    ``start`` and ``end`` (seconds from a motion's first frame) play a part of a motion.

    Raises
    ------
    SceneError, MotionFileError
        The file cannot be read (both are ``ValueError``).
    """
    from pathlib import Path

    from .motion import is_motion_file, read_motion
    from .scenes import load_scene

    path = Path(path)
    if is_motion_file(path):
        motion = read_motion(path)
        if start is not None or end is not None:
            motion = motion.between(start, end)
        return MotionFrames(motion, model, fps=fps)
    if start is not None or end is not None:
        raise ValueError(f"{path.name}: --start and --end cut a recorded motion, not a lesson")
    if path.suffix.lower() == ".toml":
        return LessonFrames(load_scene(path, postures=model.postures), fps=fps or 30.0)
    raise ValueError(f"{path.name}: expected a lesson (.toml) or a motion (.mot, .sto, .csv)")
