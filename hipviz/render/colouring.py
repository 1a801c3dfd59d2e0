"""What the muscle colours mean: effort (activation) or share (part of the moment), and the legend words.

No VTK here: :class:`~hipviz.render.HipScene` asks this module which number of each bundle to
colour and what the legend says; :mod:`hipviz.render.colors` turns the numbers into colours.

Examples
--------
>>> legend_title("share", "internal_rotation").replace("\N{NO-BREAK SPACE}", " ")
'Share of the internal rotation moment, %'
>>> legend_title("effort", "flexion")
'Effort: activation, % of maximal force'
"""
from __future__ import annotations

import numpy as np

__all__ = ["SHARE_THRESHOLD", "EFFORT_THRESHOLD", "movement_words", "legend_title", "bar_label",
           "colour_values", "peak_value"]

#: A bundle with a smaller share (0..1) of the moment is drawn as not taking part (grey, thin).
SHARE_THRESHOLD = 0.005
#: Activation below which a bundle without a role counts as inactive.
EFFORT_THRESHOLD = 0.02


def movement_words(movement) -> str:
    """A movement as words for a legend: ``"internal_rotation"`` -> ``"internal rotation"``.

    Combinations read ``"flexion + abduction"``; ``"circumduction:90"`` reads
    ``"circumduction (90°)"``; ``"hold"`` reads ``"holding"``; a vector reads ``"movement"``.
    """
    if not isinstance(movement, str) or not movement:
        return "movement"
    name = movement.strip().lower()
    if name == "hold":
        return "holding"
    if name.startswith("circumduction"):
        _, _, phase = name.partition(":")
        return f"circumduction ({phase}\N{DEGREE SIGN})" if phase else "circumduction"
    return " + ".join(part.replace("_", " ") for part in name.split("+"))


def legend_title(mode: str, movement) -> str:
    """The legend title of a colour mode: it always says which of the two colourings is shown."""
    if mode == "share":
        # no-break space: a wrapped title never leaves the "%" alone on its line
        return f"Share of the {movement_words(movement)} moment,\N{NO-BREAK SPACE}%"
    return "Effort: activation, % of maximal force"


def bar_label(mode: str) -> str:
    """The words above the colour bar (what one colour means)."""
    if mode == "share":
        return "who moves it: force \N{MULTIPLICATION SIGN} moment arm"
    return "how hard each muscle works"


def colour_values(state, i: int, mode: str) -> dict[str, tuple[np.ndarray, np.ndarray | None]] | None:
    """The number to colour each bundle by in pose ``i``, per side.

    Parameters
    ----------
    state : hipviz.State
    i : int
    mode : {"effort", "share"}

    Returns
    -------
    dict or None
        ``{side: (values (B,), roles (B,) or None)}`` in the bundle order of
        ``state.muscles[side]`` then ``state.trunk[side]``; None when no movement was
        evaluated (colour by group). In share mode roles are None (one ramp for all).
    """
    out: dict[str, tuple[np.ndarray, np.ndarray | None]] = {}
    trunk = getattr(state, "trunk", {}) or {}
    for side, ms in state.muscles.items():
        if ms.activation is None:
            continue
        sets = [p for p in [ms] + ([trunk[side]] if side in trunk else []) if p.activation is not None]
        if mode == "share":
            vals = [np.asarray(p.share[i] if p.share is not None else np.zeros(len(p.muscle_ids)), float) for p in sets]
            out[side] = (np.concatenate(vals), None)
        else:
            acts = [np.asarray(p.activation[i], float) for p in sets]
            roles = [np.asarray(p.role[i]) for p in sets if p.role is not None]
            out[side] = (np.concatenate(acts), np.concatenate(roles) if len(roles) == len(acts) else None)
    return out or None


def peak_value(state, mode: str) -> float:
    """The largest activation (effort) or share of any bundle, side and pose of ``state`` (0..1)."""
    return state.peak(mode)
