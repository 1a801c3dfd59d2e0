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
    view = "side"         # camera preset for this step (front, back, left, right, side, top, oblique)
    highlight = ["iliopsoas", "rectus_femoris"]   # muscles the teacher points at in this step

Angles are in degrees, with the names accepted by :func:`hipviz.make_poses` (OpenSim's names,
hipviz's, or the short names for the moving side). A step may say what touches the floor
(``contacts = ["feet"]``, see :mod:`hipviz.core.contacts`); without it the posture's own
contacts apply. Unknown keys anywhere are errors.

How the working muscles are coloured is set for the whole lesson, at the top or in
``[defaults]`` (never in a step)::

    colour = "share"      # "effort" (activation) or "share" (part of the moment); default effort
    colour_scale = 50     # percent drawn darkest, 1..100; default: the lesson's peak, rounded up

Without ``colour_scale`` the scale is the largest value of any step, rounded up to 5, 10, 20,
25, 50 or 100 % (:meth:`Scene.colour_scale`), so the same colour means the same number in
every step of the lesson.
"""
from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .._paths import shipped_dir
from ..core.muscles import HIP_MUSCLES

#: The trunk muscles a step may highlight.
TRUNK_MUSCLE_IDS = ("erector_spinae", "external_oblique", "internal_oblique", "quadratus_lumborum", "rectus_abdominis")
from ..core.pose import PoseError, make_poses, normalise_pose
from ..core.request import RequestError, check_options, did_you_mean
from ..core.state import MUSCLE_MEASURES

__all__ = ["Scene", "Step", "SceneError", "load_scene", "shipped_scenes", "nice_scale", "COLOUR_MODES"]

#: Camera presets a step may ask for (the names of :data:`hipviz.render.VIEWS`; a test keeps them equal).
VIEW_NAMES = ("front", "back", "right", "left", "side", "top", "oblique")
#: The two colourings of working muscles (see :class:`hipviz.render.RenderStyle`).
COLOUR_MODES = MUSCLE_MEASURES
_LESSON_KEYS = ("colour", "colour_scale")
#: Tops of the colour scale a peak is rounded up to (fractions).
_NICE = (0.05, 0.1, 0.2, 0.25, 0.5, 1.0)
_STEP_KEYS = {"caption", "pose", "duration_s", "posture", "side", "lock_pelvis", "compensation", "movement", "load_n",
              "notes", "contacts", "view", "highlight"}
_TOP_KEYS = {"title", "description", "defaults", "steps", *_LESSON_KEYS}
#: The step fields that are options of :func:`hipviz.evaluate` (checked by :func:`hipviz.core.request.check_options`).
_OPTION_KEYS = ("posture", "side", "lock_pelvis", "compensation", "movement", "load_n", "contacts")


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
    contacts: tuple[str, ...] | None = None
    view: str | None = None
    highlight: tuple[str, ...] = ()

    def evaluate_kwargs(self) -> dict:
        """Keyword arguments for :func:`hipviz.evaluate` (besides the pose)."""
        return {"posture": self.posture, "side": self.side, "lock_pelvis": self.lock_pelvis,
                "compensation": self.compensation, "movement": self.movement, "load_n": self.load_n,
                "contacts": self.contacts}


def nice_scale(peak: float) -> float:
    """The next of 5, 10, 20, 25, 50 or 100 % (as a fraction) at or above ``peak`` (0..1)."""
    for top in _NICE:
        if peak <= top + 1e-9:
            return top
    return 1.0


@dataclass(frozen=True)
class Scene:
    """A lesson: a title, a description, its steps and how its muscles are coloured.

    Attributes
    ----------
    colour : {"effort", "share"} or None
        The colouring the lesson asks for (None: not set; the window keeps its own).
    scale_percent : float or None
        ``colour_scale`` as written (percent drawn darkest), or None: computed from the steps.
    """

    title: str
    description: str
    steps: tuple[Step, ...]
    path: Path | None = None
    extra: dict = field(default_factory=dict)
    colour: str | None = None
    scale_percent: float | None = None
    _scales: dict = field(default_factory=dict, compare=False, repr=False)

    def colour_scale(self, model, mode: str | None = None) -> float:
        """The lesson's fixed colour scale (fraction 0..1 drawn darkest), the same for every step.

        Parameters
        ----------
        model : hipviz.Model
            The model the steps are evaluated with.
        mode : {"effort", "share"}, optional
            Default: the scene's ``colour`` (or effort).

        Returns
        -------
        float
            ``colour_scale / 100`` when the scene sets it for this mode; otherwise the largest
            activation (effort) or share of any bundle in any step, rounded up with
            :func:`nice_scale`. Computed once per model and mode.
        """
        mode = mode or self.colour or "effort"
        if mode not in COLOUR_MODES:
            raise ValueError(f"colour mode must be one of {', '.join(COLOUR_MODES)}, found {mode!r}")
        if self.scale_percent is not None and mode == (self.colour or "effort"):
            return self.scale_percent / 100.0
        key = (id(model), mode)
        if key not in self._scales:
            self._scales[key] = nice_scale(self.peak(model, mode))
        return self._scales[key]

    def step_state(self, model, i: int, *, with_paths: bool = True):
        """The evaluated state of step ``i`` (0-based) and the index of the step's pose in it.

        A step whose ``movement`` is ``"auto"`` moves from the step before it: it is evaluated as
        the two poses of that move, so that both legs get their direction of travel (and their
        roles: shortening or braking), and the second pose is the step's. Other steps are
        evaluated alone.

        Returns
        -------
        (State, int)
        """
        from ..core.evaluate import evaluate
        from .timeline import pose_columns

        step = self.steps[i]
        kw = step.evaluate_kwargs()
        auto = isinstance(step.movement, str) and step.movement.strip().lower() == "auto"
        if not auto or i == 0 or (self.steps[i - 1].posture, self.steps[i - 1].side) != (step.posture, step.side):
            return evaluate(model, step.pose, with_paths=with_paths, **kw), 0
        before = pose_columns(self.steps[i - 1].pose, step.side)
        now = pose_columns(step.pose, step.side)
        pose = {c: [before.get(c, now.get(c)), now.get(c, before.get(c))] for c in {**before, **now}}
        return evaluate(model, pose, with_paths=with_paths, **kw), 1

    def peak(self, model, mode: str = "effort") -> float:
        """Largest activation (effort) or share (0..1) of any bundle, side and step."""
        out = 0.0
        for i, step in enumerate(self.steps):
            if step.movement is not None:
                state, _ = self.step_state(model, i, with_paths=False)
                out = max(out, state.peak(mode))
        return out


def _lesson_colour(raw: dict, base: dict, path: Path) -> tuple[str | None, float | None]:
    """``colour`` and ``colour_scale`` from the top level or ``[defaults]`` (not both)."""
    out: dict = {}
    for key in _LESSON_KEYS:
        if key in raw and key in base:
            raise SceneError(f"{path.name}: {key} is set both at the top and in [defaults]; keep one")
        if key in raw or key in base:
            out[key] = raw[key] if key in raw else base[key]
            where = f"{path.name}: {'' if key in raw else '[defaults].'}{key}"
            if key == "colour" and out[key] not in COLOUR_MODES:
                raise SceneError(f"{where}: expected one of {', '.join(repr(m) for m in COLOUR_MODES)}, "
                                 f"found {out[key]!r}")
            if key == "colour_scale":
                v = out[key]
                if isinstance(v, bool) or not isinstance(v, (int, float)) or not 1 <= v <= 100:
                    raise SceneError(f"{where}: expected a percentage from 1 to 100, found {v!r}")
                out[key] = float(v)
    return out.get("colour"), out.get("colour_scale")


def _check_step(raw: dict, base: dict, where: str, postures) -> Step:
    if not isinstance(raw, dict):
        raise SceneError(f"{where}: expected a [[steps]] table (caption, pose ...), found {_short(raw)}")
    lesson = [k for k in _LESSON_KEYS if k in raw]
    if lesson:
        raise SceneError(f"{where}.{lesson[0]}: one colouring for the whole lesson; set it at the top of "
                         "the file or in [defaults], not in a step")
    unknown = sorted(set(raw) - _STEP_KEYS)
    if unknown:
        raise SceneError(f"{where}: unknown field {unknown[0]!r}{did_you_mean(unknown[0], sorted(_STEP_KEYS))}; "
                         f"expected some of {', '.join(sorted(_STEP_KEYS))}")
    merged = {**base, **raw}
    pose = merged.get("pose", {})
    if not isinstance(pose, dict):
        raise SceneError(f"{where}.pose: expected a table such as {{ flexion = 90 }}, found {_short(pose)}")
    side = merged.get("side", "right")
    if side not in ("right", "left"):
        raise SceneError(f"{where}.side: expected 'right' or 'left', found {_short(side)}")
    for key, value in pose.items():  # a step is one pose: one number per coordinate
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise SceneError(f"{where}.pose.{key}: a step is one pose: expected one number of degrees, found {_short(value)}")
    try:
        make_poses(pose, side=side, clamp=False)
    except PoseError as exc:
        raise SceneError(f"{where}.pose: {exc}") from None
    if "movement" in merged and not isinstance(merged["movement"], str):
        raise SceneError(f"{where}.movement: expected a movement name such as \"flexion\", \"flexion+abduction\" "
                         f"or \"circumduction:90\", found {_short(merged['movement'])}")
    try:
        opts = check_options({k: merged[k] for k in _OPTION_KEYS if k in merged}, postures=postures,
                             prefix=f"{where}.")
    except RequestError as exc:
        raise SceneError(str(exc)) from None
    duration = merged.get("duration_s", 1.5)
    if isinstance(duration, bool) or not isinstance(duration, (int, float)) or not 0.0 <= duration <= 600.0:
        raise SceneError(f"{where}.duration_s: expected a number of seconds from 0 to 600, found {_short(duration)}")
    for key in ("caption", "notes"):
        if key in merged and not isinstance(merged[key], str):
            raise SceneError(f"{where}.{key}: expected text in quotes, found {_short(merged[key])}")
    posture, movement, contacts = opts.posture, merged.get("movement"), opts.contacts
    view = merged.get("view")
    if view is not None and view not in VIEW_NAMES:
        raise SceneError(f"{where}.view: expected one of {', '.join(VIEW_NAMES)}, found {view!r}")
    highlight = merged.get("highlight", [])
    if not isinstance(highlight, list) or not all(isinstance(h, str) for h in highlight):
        raise SceneError(f"{where}.highlight: expected a list of muscle names, found {highlight!r}")
    known = HIP_MUSCLES + TRUNK_MUSCLE_IDS
    unknown_muscles = [h for h in highlight if h not in known]
    if unknown_muscles:
        close = difflib.get_close_matches(unknown_muscles[0], known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise SceneError(f"{where}.highlight: unknown muscle {unknown_muscles[0]!r}{hint}; "
                         f"expected one of {', '.join(known)}")
    pose = normalise_pose(pose)
    return Step(caption=str(merged.get("caption", "")), pose=dict(pose), posture=posture, side=side,
                lock_pelvis=opts.lock_pelvis, compensation=opts.compensation,
                movement=movement, load_n=opts.load_n,
                duration_s=float(duration), notes=str(merged.get("notes", "")),
                contacts=contacts, view=view, highlight=tuple(highlight))


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


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
    if path.is_dir():
        raise SceneError(f"{path}: is a folder; expected a lesson file (NAME.toml)")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SceneError(f"{path}: scene file not found") from None
    except UnicodeDecodeError:
        raise SceneError(f"{path}: not a text file (a lesson is TOML text in UTF-8, see scenes/*.toml)") from None
    except OSError as exc:
        raise SceneError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise SceneError(f"{path}: not a valid TOML scene ({exc})") from None
    except RecursionError:
        raise SceneError(f"{path}: not a valid TOML scene (tables nested too deeply)") from None
    unknown = sorted(set(raw) - _TOP_KEYS)
    if unknown:
        close = difflib.get_close_matches(unknown[0], sorted(_TOP_KEYS), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise SceneError(f"{path.name}: unknown key {unknown[0]!r}{hint}; a scene has {', '.join(sorted(_TOP_KEYS))}")
    base = raw.get("defaults", {})
    if not isinstance(base, dict):
        raise SceneError(f"{path}: [defaults] must be a table")
    unknown = sorted(set(base) - _STEP_KEYS - set(_LESSON_KEYS) - {"caption"})
    if unknown:
        close = difflib.get_close_matches(unknown[0], sorted(_STEP_KEYS), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise SceneError(f"{path.name}: [defaults]: unknown key {unknown[0]!r}{hint}; expected some of "
                         f"{', '.join(sorted(_STEP_KEYS | set(_LESSON_KEYS)))}")
    steps_raw = raw.get("steps")
    if not isinstance(steps_raw, list) or not steps_raw:
        raise SceneError(f"{path}: expected at least one [[steps]] table")
    for i, s in enumerate(steps_raw):
        if not isinstance(s, dict):
            raise SceneError(f"{path.name}: steps: expected [[steps]] tables (caption, pose ...), found "
                             f"{_short(s)} as step {i + 1}")
    for key in ("title", "description"):
        if key in raw and not isinstance(raw[key], str):
            raise SceneError(f"{path.name}: {key}: expected text in quotes, found {_short(raw[key])}")
    colour, scale = _lesson_colour(raw, base, path)
    base = {k: v for k, v in base.items() if k not in _LESSON_KEYS}
    steps = tuple(_check_step(s, base, f"{path.name} step {i + 1}", postures) for i, s in enumerate(steps_raw))
    return Scene(title=str(raw.get("title", path.stem)), description=str(raw.get("description", "")),
                 steps=steps, path=path, colour=colour, scale_percent=scale)


def shipped_scenes() -> list[Path]:
    """The scene files shipped with hipviz, sorted by name."""
    return sorted(shipped_dir("scenes").glob("*.toml"))
