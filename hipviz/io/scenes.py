"""Scenes: a lesson as a list of steps a teacher walks through (``scenes/*.toml``).

A scene file looks like::

    title = "Standing knee lift"
    description = "Fingers on both ASIS; lift the knee; the ASIS should not move."

    [defaults]            # every step starts from these (all optional)
    posture = "standing"
    side = "right"
    lock_pelvis = true
    compensation = 0.5
    movement = "flexion"

    [[steps]]
    caption = "Stand tall, fingers on both ASIS"
    pose = { flexion = 0, knee = 0 }

    [[steps]]
    caption = "Lift the knee to hip height"
    pose = { flexion = 90, knee = 90 }
    duration_s = 2.0      # time to move here from the previous step when playing

Angles are in degrees, with the names accepted by :func:`hipviz.make_poses`.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .._paths import shipped_dir
from ..core.activation import movement_direction
from ..core.pose import PoseError, make_poses, normalise_pose

__all__ = ["Scene", "Step", "SceneError", "load_scene", "shipped_scenes"]

_STEP_KEYS = {"caption", "pose", "duration_s", "posture", "side", "lock_pelvis", "compensation", "movement", "load_n", "notes"}


class SceneError(ValueError):
    """A scene file is malformed; the message names the file, the step and the field."""


@dataclass(frozen=True)
class Step:
    """One step of a scene: a pose and the settings to show it with."""

    caption: str
    pose: dict
    posture: str = "standing"
    side: str = "right"
    lock_pelvis: bool = True
    compensation: float = 0.5
    movement: str | None = None
    load_n: float = 0.0
    duration_s: float = 1.5
    notes: str = ""

    def evaluate_kwargs(self) -> dict:
        """Keyword arguments for :func:`hipviz.evaluate` (besides the pose)."""
        return {"posture": self.posture, "side": self.side, "lock_pelvis": self.lock_pelvis,
                "compensation": self.compensation, "movement": self.movement, "load_n": self.load_n}


@dataclass(frozen=True)
class Scene:
    """A lesson: a title, a description and its steps."""

    title: str
    description: str
    steps: tuple[Step, ...]
    path: Path | None = None
    extra: dict = field(default_factory=dict)


def _check_step(raw: dict, base: dict, where: str, postures) -> Step:
    unknown = set(raw) - _STEP_KEYS
    if unknown:
        raise SceneError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}; expected some of {', '.join(sorted(_STEP_KEYS))}")
    merged = {**base, **raw}
    pose = merged.get("pose", {})
    if not isinstance(pose, dict):
        raise SceneError(f"{where}.pose: expected a table such as {{ flexion = 90 }}, found {pose!r}")
    try:
        make_poses(pose, side=merged.get("side", "right"), clamp=False)
    except PoseError as exc:
        raise SceneError(f"{where}.pose: {exc}") from None
    posture = merged.get("posture", "standing")
    if postures is not None and posture not in postures:
        raise SceneError(f"{where}.posture: expected one of {', '.join(postures)}, found {posture!r}")
    side = merged.get("side", "right")
    if side not in ("right", "left"):
        raise SceneError(f"{where}.side: expected 'right' or 'left', found {side!r}")
    movement = merged.get("movement")
    if movement is not None:
        try:
            movement_direction(movement)
        except ValueError as exc:
            raise SceneError(f"{where}.movement: {exc}") from None
    for key, lo, hi in (("compensation", 0.0, 1.0), ("duration_s", 0.0, 600.0), ("load_n", 0.0, 5000.0)):
        if key in merged:
            try:
                v = float(merged[key])
            except (TypeError, ValueError):
                raise SceneError(f"{where}.{key}: expected a number, found {merged[key]!r}") from None
            if not lo <= v <= hi:
                raise SceneError(f"{where}.{key}: expected {lo:g} to {hi:g}, found {v:g}")
    if "lock_pelvis" in merged and not isinstance(merged["lock_pelvis"], bool):
        raise SceneError(f"{where}.lock_pelvis: expected true or false, found {merged['lock_pelvis']!r}")
    pose = normalise_pose(pose)
    return Step(caption=str(merged.get("caption", "")), pose=dict(pose), posture=posture, side=side,
                lock_pelvis=merged.get("lock_pelvis", True), compensation=float(merged.get("compensation", 0.5)),
                movement=movement, load_n=float(merged.get("load_n", 0.0)),
                duration_s=float(merged.get("duration_s", 1.5)), notes=str(merged.get("notes", "")))


def load_scene(path: str | Path, *, postures=None) -> Scene:
    """Read and validate a scene file.

    Parameters
    ----------
    path : str or Path
    postures : iterable of str, optional
        Known posture names to check steps against (e.g. ``model.postures``).

    Returns
    -------
    Scene

    Raises
    ------
    SceneError
        Naming the file, the step (1-based) and the field.
    """
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SceneError(f"{path}: scene file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SceneError(f"{path}: not a valid TOML scene ({exc})") from None
    base = raw.get("defaults", {})
    if not isinstance(base, dict):
        raise SceneError(f"{path}: [defaults] must be a table")
    steps_raw = raw.get("steps")
    if not isinstance(steps_raw, list) or not steps_raw:
        raise SceneError(f"{path}: expected at least one [[steps]] table")
    steps = tuple(_check_step(s, base, f"{path.name} step {i + 1}", postures) for i, s in enumerate(steps_raw))
    return Scene(title=str(raw.get("title", path.stem)), description=str(raw.get("description", "")),
                 steps=steps, path=path)


def shipped_scenes() -> list[Path]:
    """The scene files shipped with hipviz, sorted by name."""
    return sorted(shipped_dir("scenes").glob("*.toml"))
