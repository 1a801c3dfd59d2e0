"""Palettes and colour mapping for the 3D view (numpy and matplotlib colormaps only).

Colours are RGB tuples of floats in 0..1. Everything here is colour-blind safe:

* muscle **groups** use the Okabe–Ito palette (Okabe & Ito 2008), one colour per group;
* **activation** uses a sequential, perceptually ordered map from light yellow through
  orange to dark red (matplotlib ``YlOrRd`` without its near-white end), so that even a
  low activation reads as "on" and never as the light grey of an inactive muscle;
* **antagonists** (muscles lengthening against the movement) use Okabe–Ito blue, from sky
  blue at low activation to dark blue at full activation;
* **inactive** muscles are light grey.

Examples
--------
>>> import numpy as np
>>> rgb = muscle_colors(np.array([0.0, 0.5, 0.8]), np.array(["inactive", "agonist", "antagonist"]))
>>> rgb.shape
(3, 3)
"""
from __future__ import annotations

import numpy as np

__all__ = [
    "OKABE_ITO", "GROUP_COLORS", "GROUP_LABELS", "PALETTES", "INACTIVE_GREY", "BONE_IVORY",
    "WARNING_COLOR", "hex_to_rgb", "activation_colors", "antagonist_colors", "muscle_colors",
    "group_color", "activation_ramp", "mix", "mix_rows", "muscle_inactive",
]


def hex_to_rgb(code: str) -> tuple[float, float, float]:
    """``"#RRGGBB"`` -> ``(r, g, b)`` floats in 0..1."""
    code = code.lstrip("#")
    return tuple(int(code[i:i + 2], 16) / 255.0 for i in (0, 2, 4))  # type: ignore[return-value]


#: The eight Okabe–Ito colours.
OKABE_ITO: dict[str, tuple[float, float, float]] = {
    name: hex_to_rgb(code) for name, code in {
        "black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73",
        "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7",
    }.items()
}

#: Muscle group -> colour. Vermillion is kept free for the ASIS warning ring.
GROUP_COLORS: dict[str, tuple[float, float, float]] = {
    "anterior": OKABE_ITO["orange"],
    "medial": OKABE_ITO["reddish_purple"],
    "posterior": OKABE_ITO["blue"],
    "lateral": OKABE_ITO["bluish_green"],
    "deep_six": OKABE_ITO["sky_blue"],
    "trunk": OKABE_ITO["yellow"],
}

#: Muscle group -> words for the legend (what a teacher would say).
GROUP_LABELS: dict[str, str] = {
    "anterior": "Anterior: hip flexors",
    "medial": "Medial: adductors",
    "posterior": "Posterior: extensors, hamstrings",
    "lateral": "Lateral: abductors",
    "deep_six": "Deep six: lateral rotators",
    "trunk": "Trunk",
}

#: Named group palettes; ``"okabe_ito"`` is the default. ``"okabe_ito_light"`` lightens each
#: colour a little for dark backgrounds.
PALETTES: dict[str, dict[str, tuple[float, float, float]]] = {"okabe_ito": GROUP_COLORS}

INACTIVE_GREY: tuple[float, float, float] = (0.70, 0.70, 0.70)
BONE_IVORY: tuple[float, float, float] = (0.93, 0.88, 0.78)
WARNING_COLOR: tuple[float, float, float] = OKABE_ITO["vermillion"]

# Sequential ramp for activation 0..1: YlOrRd from 0.22 (light yellow-orange, clearly not grey) to 1.
_ACT_LO, _ACT_HI = 0.22, 1.0
# Antagonist ramp: sky blue -> Okabe-Ito blue -> dark blue.
_ANTAG_STOPS = np.array([hex_to_rgb("#8CCBF0"), OKABE_ITO["blue"], hex_to_rgb("#00345A")])


def mix(a, b, t: float) -> tuple[float, float, float]:
    """Linear blend ``(1 - t) * a + t * b`` of two RGB colours."""
    return tuple(float(v) for v in mix_rows(a, b, t))  # type: ignore[return-value]


def mix_rows(a, b, t: float) -> np.ndarray:
    """:func:`mix` of many colours at once: ``a`` ``(..., 3)`` towards ``b`` (broadcast)."""
    return (1.0 - t) * np.asarray(a, float) + t * np.asarray(b, float)


def _palette(name: str) -> dict[str, tuple[float, float, float]]:
    if name == "okabe_ito_light":
        return {g: mix(c, (1, 1, 1), 0.18) for g, c in GROUP_COLORS.items()}
    try:
        return PALETTES[name]
    except KeyError:
        raise ValueError(f"unknown palette {name!r}; expected one of: okabe_ito, okabe_ito_light") from None


def group_color(group: str, palette: str = "okabe_ito") -> tuple[float, float, float]:
    """Colour of a muscle group (``anterior``, ``medial`` ...); grey for an unknown group."""
    return _palette(palette).get(group, INACTIVE_GREY)


def activation_colors(activation) -> np.ndarray:
    """Activation 0..1 -> RGB on the light-yellow -> dark-red ramp.

    Parameters
    ----------
    activation : (...,) array_like
        Values in 0..1 (clipped).

    Returns
    -------
    (..., 3) ndarray
    """
    a = np.clip(np.asarray(activation, float), 0.0, 1.0)
    x = _ACT_LO + (_ACT_HI - _ACT_LO) * a.ravel()
    # looked up as matplotlib looks up its 256-entry colormaps
    idx = np.clip((x * _YLORRD_LUT_N).astype(int), 0, _YLORRD_LUT_N - 1)
    return _ylorrd_lut()[idx].reshape(a.shape + (3,))


#: ColorBrewer's YlOrRd (9 classes), the stops of matplotlib's ``YlOrRd`` colormap: the same
#: colours without importing matplotlib (~40 MB) in the window.
_YLORRD = ((255, 255, 204), (255, 237, 160), (254, 217, 118), (254, 178, 76), (253, 141, 60),
           (252, 78, 42), (227, 26, 28), (189, 0, 38), (128, 0, 38))
_YLORRD_LUT_N = 256
_LUT: list = []


def _ylorrd_lut() -> np.ndarray:
    """matplotlib's ``colormaps["YlOrRd"]`` table: 256 colours interpolated between the stops."""
    if not _LUT:
        stops = np.asarray(_YLORRD, float) / 255.0
        at = np.linspace(0.0, 1.0, len(stops))
        x = np.linspace(0.0, 1.0, _YLORRD_LUT_N)
        _LUT.append(np.column_stack([np.interp(x, at, stops[:, c]) for c in range(3)]))
    return _LUT[0]


def antagonist_colors(activation) -> np.ndarray:
    """Activation 0..1 of a lengthening (antagonist) muscle -> RGB, sky blue to dark blue.

    Parameters
    ----------
    activation : (...,) array_like

    Returns
    -------
    (..., 3) ndarray
    """
    a = np.clip(np.asarray(activation, float), 0.0, 1.0)[..., None]
    lo, mid, hi = _ANTAG_STOPS
    first = lo + (mid - lo) * np.clip(a * 2, 0, 1)
    second = mid + (hi - mid) * np.clip(a * 2 - 1, 0, 1)
    return np.where(a <= 0.5, first, second)


def activation_ramp(n: int = 256) -> np.ndarray:
    """The activation ramp sampled at ``n`` equal steps, ``(n, 3)`` RGB (for a colour bar)."""
    return activation_colors(np.linspace(0.0, 1.0, n))


def activation_scale(peak: float) -> float:
    """The top of the colour scale for a pose whose most active bundle is at ``peak`` (0..1).

    The scale is the next of 5, 10, 20, 25, 50 or 100 % at or above the peak, so that the
    hardest-working muscle is always near the dark end and light work still shows contrast;
    the legend states the scale in real percentages.
    """
    for top in (0.05, 0.1, 0.2, 0.25, 0.5, 1.0):
        if peak <= top + 1e-9:
            return top
    return 1.0


def muscle_colors(activation, role=None, *, threshold: float = 0.02, scale: float = 1.0) -> np.ndarray:
    """Colour of each bundle from its activation and role.

    Parameters
    ----------
    activation : (B,) array_like
        Activation 0..1 of each bundle.
    role : (B,) array_like of str, optional
        ``"agonist"``, ``"antagonist"``, ``"stabiliser"`` or ``"inactive"``. Without roles,
        bundles below ``threshold`` are inactive and the rest use the activation ramp.
    threshold : float, default: 0.02
        Activation below which a bundle without a role counts as inactive.
    scale : float, default: 1.0
        Activation drawn at the dark end of the ramp (see :func:`activation_scale`).

    Returns
    -------
    (B, 3) ndarray
        Agonists and stabilisers on the activation ramp, antagonists on the blue ramp,
        inactive bundles light grey.
    """
    raw = np.clip(np.asarray(activation, float), 0.0, 1.0)
    a = np.clip(raw / max(scale, 1e-6), 0.0, 1.0)
    out = activation_colors(a)
    inactive = muscle_inactive(raw, role, threshold=threshold)
    if role is not None:
        r = np.asarray(role).astype(str)
        antag = r == "antagonist"
        out[antag] = antagonist_colors(a[antag])
    out[inactive] = INACTIVE_GREY
    return out


def muscle_inactive(activation, role=None, *, threshold: float = 0.02) -> np.ndarray:
    """Boolean ``(B,)``: which bundles are drawn as inactive (grey, thinner)."""
    a = np.asarray(activation, float)
    if role is None:
        return a < threshold
    return np.asarray(role).astype(str) == "inactive"
