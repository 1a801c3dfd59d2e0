"""Lessons in the window, without Qt: the shipped lessons, a step as a request, the glide
between steps, and which muscles a step picks out.

The Qt parts (:class:`~hipviz.app.player.ScenePlayer`, the lesson browser, the window) call
these functions and only move widgets.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from hipviz.core.pose import PoseError
from hipviz.io.scenes import SceneError, load_scene, shipped_scenes

from .request import pose_columns, start_angles

__all__ = ["LessonEntry", "open_lesson", "lesson_catalogue", "step_request", "glide_columns", "glide_start", "glide_pose",
           "emphasis"]

_LEGS = ("_r", "_l")


@dataclass(frozen=True)
class LessonEntry:
    """One lesson file for the browser.

    Attributes
    ----------
    path : Path
    title, description : str
        From the file (the file name and the error message when it cannot be read).
    n_steps : int
        0 when the file cannot be read.
    error : str or None
        The :class:`~hipviz.io.scenes.SceneError` message, if any.
    """

    path: Path
    title: str
    description: str
    n_steps: int = 0
    error: str | None = None


def open_lesson(path: str | Path, *, postures=None):
    """Read a lesson file for the window: :func:`~hipviz.io.scenes.load_scene`, and every step
    must be one pose the window can show (no lists of values).

    Raises
    ------
    SceneError
        Naming the file, the step and the field.
    """
    scene = load_scene(path, postures=postures)
    for i, step in enumerate(scene.steps):
        try:
            step_request(step)
        except PoseError as exc:
            raise SceneError(f"{Path(path).name} step {i + 1}.pose: {exc}") from None
    return scene


def lesson_catalogue(paths: Iterable[str | Path] | None = None, *, postures=None) -> list[LessonEntry]:
    """Read the lessons' titles and descriptions (default: the shipped ``scenes/*.toml``, read now).

    A file that cannot be read is listed with its error instead of its title, so a lesson being
    written shows up and says what is wrong.
    """
    out = []
    for path in (shipped_scenes() if paths is None else paths):
        path = Path(path)
        try:
            scene = open_lesson(path, postures=postures)
        except SceneError as exc:
            out.append(LessonEntry(path, path.stem.replace("_", " "), str(exc), 0, str(exc)))
            continue
        out.append(LessonEntry(path, scene.title, " ".join(scene.description.split()), len(scene.steps)))
    return out


def step_request(step, overrides: Mapping[str, float] | None = None) -> dict:
    """A scene step (and slider values the user set on top) as the window's request.

    Parameters
    ----------
    step : hipviz.io.scenes.Step
    overrides : mapping, optional
        ``{name: degrees}`` set on top: slider keys (``flexion``, ``knee``,
        ``pelvis_anterior_tilt`` ..., the short ones for the step's moving side) or any other
        pose name; each replaces whatever name the step used for that coordinate.

    Returns
    -------
    dict
        ``{"pose": {column: value}, **options}``: ``pose`` holds exactly the coordinates the
        step (or an override) names, whatever names it used; the options are
        :meth:`Step.evaluate_kwargs` (side, posture, movement, pelvis, contacts ...).

    Examples
    --------
    >>> from hipviz.io.scenes import Step
    >>> step = Step("", {"hip_flexion_l": 30, "knee_flexion_l": 60}, side="left")
    >>> r = step_request(step, {"flexion": 45})
    >>> r["pose"], r["side"]
    ({'hip_flexion_l': 45.0, 'knee_flexion_l': 60.0}, 'left')
    """
    pose = pose_columns(step.pose, step.side)
    pose.update(pose_columns(overrides or {}, step.side))
    return {"pose": pose, **step.evaluate_kwargs()}


def glide_columns(current: Mapping[str, float], target: Mapping[str, float], postures) -> list[str]:
    """Columns that move in a glide: named before or after, or set by either posture's start.

    Parameters
    ----------
    current, target : mapping
        ``{column: value}`` named now and by the step.
    postures : (Posture, Posture)
        The posture shown now and the step's.
    """
    cols = dict.fromkeys([*current, *target])
    for post in postures:
        cols.update(dict.fromkeys(start_angles(post)))
    return list(cols)


def glide_start(columns: Iterable[str], value, state, *, side: str, lock_pelvis: bool) -> dict[str, float]:
    """Where a glide starts: what is shown now, in the terms of the step's request.

    Leg angles start from the state drawn (clamped, placed); the moving hip from the thigh in
    the room when the step frees the pelvis (its request is the thigh's), so a step that only
    frees the pelvis glides too. Pelvis and lumbar values start from the request
    (``value(column)``), since compensation adds to them.
    """
    out = {}
    c = side[0]
    thigh = None if state is None else state.thigh[c][0]
    for col in columns:
        if state is None or col[-2:] not in _LEGS:
            out[col] = float(value(col))
            continue
        hip = ("hip_flexion", "hip_adduction", "hip_rotation")
        if not lock_pelvis and col[-1] == c and col[:-2] in hip:
            out[col] = math.degrees(float(thigh[hip.index(col[:-2])]))
        else:
            out[col] = float(state.poses.degrees(col)[0])
    return out


def glide_pose(start: Mapping[str, float], end: Mapping[str, float], f: float) -> dict[str, float]:
    """Linear interpolation between two ``{column: value}`` poses (the union of their columns).

    A column missing on one end takes the other end's value there.
    """
    f = min(max(float(f), 0.0), 1.0)
    return {k: (1 - f) * start.get(k, end.get(k, 0.0)) + f * end.get(k, start.get(k, 0.0))
            for k in dict.fromkeys([*start, *end])}


def emphasis(selection: tuple[str, str] | None, lesson: Iterable[str], side: str, drawn: Iterable[str], *,
             solo: str | None = None):
    """How the 3D view picks muscles out.

    Parameters
    ----------
    selection : (side, muscle_id) or None
        The muscle the user selected: it wins (it is the one being asked about).
    lesson : iterable of str
        The step's ``highlight``.
    side : {"right", "left"}
        The moving side (the lesson's muscles are those of the moving leg).
    drawn : iterable of str
        Muscles the view draws (trunk muscles are listed but not drawn).
    solo : str, optional
        A muscle the user shows alone: then a step's several muscles are not picked out.

    Returns
    -------
    highlight : (side letter, muscle_id), (side letter, (muscle_id, ...)) or None
        The muscle, or the step's several muscles, drawn thicker with a halo and named, every
        other muscle faded but still drawn.
    focus : None
        Kept for callers that hid the other muscles: nothing is hidden any more.

    Examples
    --------
    >>> emphasis(None, ["iliopsoas"], "right", {"iliopsoas", "sartorius"})
    (('r', 'iliopsoas'), None)
    >>> emphasis(None, ["iliopsoas", "sartorius"], "right", {"iliopsoas", "sartorius"})
    (('r', ('iliopsoas', 'sartorius')), None)
    """
    if selection is not None:
        return selection, None
    drawn = set(drawn)
    ids = [m for m in dict.fromkeys(lesson) if m in drawn]
    if not ids:
        return None, None
    if len(ids) == 1:
        return (side[0], ids[0]), None
    return (None if solo is not None else (side[0], tuple(ids))), None
