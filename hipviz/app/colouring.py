"""Which colouring the 3D view uses and on which scale (no Qt: the window asks, widgets stay thin).

Two colourings of the working muscles: *effort* (activation) and *share* (each muscle's part
of the moment in the movement's direction). The colour scale adapts to each pose, unless the
user fixes it (*Fixed colour scale*, default 100 %) or a lesson is loaded: a lesson keeps one
scale for all its steps (:meth:`hipviz.io.scenes.Scene.colour_scale`).

A lesson that sets ``colour`` is shown in that colouring while it is loaded; the user's own
preference (``Preferences.colour``) is left alone and applies again once the lesson is closed
or replaced. Choosing a colouring while such a lesson is loaded changes only the lesson's.

Examples
--------
>>> from hipviz.app.settings import Preferences  # doctest: +SKIP
>>> style_colour(Preferences(colour="share", fixed_scale=True))  # doctest: +SKIP
{'colour': 'share', 'activation_scale': 1.0}
"""
from __future__ import annotations

from hipviz.core.state import MUSCLE_MEASURES

__all__ = ["COLOUR_MODES", "COLOUR_TEXT", "other_mode", "scale_is_fixed", "shown_mode", "lesson_owns_colour", "style_colour", "status_text"]

#: The two modes: the one list, defined with the state's per-bundle measures.
COLOUR_MODES = MUSCLE_MEASURES
#: Menu and toolbar words of each mode.
COLOUR_TEXT = {"effort": "Effort", "share": "Share"}


def other_mode(mode: str) -> str:
    """Effort <-> share (the ``C`` key)."""
    return "share" if mode == "effort" else "effort"


def scale_is_fixed(prefs, scene=None) -> bool:
    """True when the colour scale does not follow the pose: the user fixed it, or a lesson is shown."""
    return scene is not None or bool(prefs.fixed_scale)


def shown_mode(prefs, scene=None, override: str | None = None) -> str:
    """The colouring drawn now: ``override`` (chosen during the lesson), the lesson's, or the user's.

    Parameters
    ----------
    prefs : Preferences
    scene : hipviz.io.scenes.Scene, optional
        The loaded lesson.
    override : {"effort", "share"}, optional
        What the user chose while a lesson with its own colouring is loaded (forgotten with it).

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> shown_mode(NS(colour="effort"), NS(colour="share")), shown_mode(NS(colour="effort"))
    ('share', 'effort')
    """
    if scene is not None and override in COLOUR_MODES:
        return override
    if scene is not None and getattr(scene, "colour", None) in COLOUR_MODES:
        return scene.colour
    return prefs.colour if prefs.colour in COLOUR_MODES else "effort"


def lesson_owns_colour(scene) -> bool:
    """True when a loaded lesson sets the colouring (choices then last only as long as the lesson)."""
    return scene is not None and getattr(scene, "colour", None) in COLOUR_MODES


def style_colour(prefs, scene=None, model=None, *, mode: str | None = None) -> dict:
    """``RenderStyle`` fields for the colouring: ``colour`` and ``activation_scale``.

    Parameters
    ----------
    prefs : Preferences
        ``colour``, ``fixed_scale`` and ``fixed_scale_percent`` are read.
    scene : hipviz.io.scenes.Scene, optional
        The lesson being shown: its fixed scale for the current mode wins.
    model : hipviz.Model, optional
        Needed with ``scene`` (to evaluate its steps once).
    mode : {"effort", "share"}, optional
        The colouring drawn (:func:`shown_mode`); default: the lesson's, else the preference.
    """
    mode = mode if mode in COLOUR_MODES else shown_mode(prefs, scene)
    scale = None
    if scene is not None and model is not None:
        scale = scene.colour_scale(model, mode)
    elif prefs.fixed_scale:
        scale = min(max(float(prefs.fixed_scale_percent), 1.0), 100.0) / 100.0
    return {"colour": mode, "activation_scale": scale}


def status_text(prefs, scene=None, scale: float | None = None, *, mode: str | None = None) -> str:
    """A status-bar line saying what the colours mean now (``mode``: the colouring drawn)."""
    mode = mode if mode in COLOUR_MODES else shown_mode(prefs, scene)
    what = ("Effort: how hard each muscle works (activation)" if mode != "share"
            else "Share: each muscle's part of the moment in the movement's direction")
    if scene is not None:
        how = f"the lesson's fixed scale, 0-{(scale or 1.0) * 100:g} %"
    elif prefs.fixed_scale:
        how = f"fixed scale, 0-{(scale or 1.0) * 100:g} %"
    else:
        how = "scale follows each pose"
    return f"Colours: {what}; {how}"
