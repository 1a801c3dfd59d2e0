"""How the 3D view looks: :class:`RenderStyle` (a plain dataclass, no VTK import)."""
from __future__ import annotations

from dataclasses import dataclass, replace

from ..core.state import MUSCLE_MEASURES

__all__ = ["RenderStyle", "BACKGROUNDS", "COLOUR_MODES"]

#: How working muscles are coloured: ``"effort"`` (activation, how hard each works) or
#: ``"share"`` (each bundle's part of the moment in the movement's direction, who moves it).
COLOUR_MODES: tuple[str, ...] = MUSCLE_MEASURES

#: Background name -> (background RGB, foreground/text RGB).
BACKGROUNDS: dict[str, tuple[tuple[float, float, float], tuple[float, float, float]]] = {
    "white": ((1.0, 1.0, 1.0), (0.08, 0.08, 0.08)),
    "dark": ((0.11, 0.12, 0.14), (0.95, 0.95, 0.95)),
}


@dataclass(frozen=True)
class RenderStyle:
    """Appearance of a :class:`~hipviz.render.HipScene` (all fields keyword-friendly).

    Attributes
    ----------
    background : {"white", "dark"}, default: "white"
        White for print and bright rooms; dark for projectors in dimmed rooms.
    font_size : float, default: 24
        Legend text height in points for a 1000-pixel-high picture; text scales with the
        window height, so it keeps its share of the picture at every size. Caption text is
        1.3 times larger.
    tube_radius_mm : float, default: 1.8
        Radius of the thinnest muscle tube (millimetres) ...
    tube_force_k : float, default: 0.13
        ... plus ``tube_force_k * sqrt(max_force_N)`` millimetres: the tube radius follows
        force capacity, ``r = tube_radius_mm + tube_force_k * sqrt(F)``, times
        ``tube_scale``. Gluteus maximus bundles (680 N) get about 5.2 mm, a gemellus (40 N) 2.6 mm.
    tube_scale : float, default: 1.0
        Overall factor on tube radii (and on line widths in line mode).
    tube_sides : int, default: 12
        Facets around each tube.
    inactive_scale : float, default: 0.6
        Radius factor for inactive muscles when activations are shown.
    highlight_scale : float, default: 1.6
        Radius factor for the highlighted muscle.
    line_mode : {"tubes", "lines"}, default: "tubes"
        ``"lines"`` draws each bundle as a screen-space line (cheaper, flatter).
    line_width : float, default: 5.0
        Line width in pixels in line mode.
    anti_aliasing : {"msaa", "fxaa", "ssaa", None}, default: "msaa"
        Smoothing of edges. Multisampling dominates the cost of a frame in software GL:
        use ``None`` while the user drags a slider, ``"msaa"`` for pictures.
    multi_samples : int, default: 8
        Samples for ``"msaa"``.
    colour : {"effort", "share"}, default: "effort"
        With a movement: ``"effort"`` colours each bundle by its activation (% of maximal
        force; antagonists on the blue ramp), ``"share"`` by its part of the muscles' moment in
        the movement's direction (force x moment arm, % of the total; one ramp for every
        contributing bundle). The legend names the mode.
    activation_scale : float or None, default: None
        Value (0..1] drawn at the dark end of the colour ramp, in either colour mode: an
        activation in effort mode, a share in share mode. None adapts it to each pose's
        largest value (5/10/20/25/50/100 %). Fix it (e.g. 1.0, or a lesson's scale) to compare
        pictures with each other.
    palette : str, default: "okabe_ito"
        Muscle group palette (see :mod:`hipviz.render.colors`).
    presentation : bool, default: False
        Set by :meth:`presentation_style`; informative only.
    show_legend, show_landmarks, show_caption : bool, default: True
        The legend (muscle groups or activation colour bar), the ASIS markers with their
        rings, and the caption.
    bone_color : (3,) tuple, default: ivory
    bone_specular : float, default: 0.25
    muscle_specular : float, default: 0.35
    landmark_radius_mm : float, default: 6.0
        Radius of the ASIS marker spheres; the ring around each is 2.4 times as wide (2.9 when
        the pelvis has moved).
    bone_detail : float, default: 1.0
        Fraction of the bone meshes' triangles drawn (quadric decimation below 1): fewer
        triangles draw faster in software GL.
    show_spine : bool, default: True
        Draw a schematic lumbar spine (L1-L5 bodies) where the psoas attaches.
    show_feet : bool, default: True
        Draw the feet (posed by the ankle angle).
    show_floor : bool, default: True
        Draw a soft floor with a faint 10 cm grid under the body (at the state's floor height,
        else under the lowest bone); never part of the camera fit, never picked.
    show_side_labels : bool, default: True
        Bold "R" and "L" beside the hips (hidden in side views).
    backface_culling : bool, default: True
        Skip the inner faces of bones and tubes (they are closed surfaces): about a third
        of a frame's cost in software GL. Turn off for open or inconsistently wound meshes
        of your own.
    label_count : int, default: 5
        Names, with leader lines, on this many muscles: the highlighted ones (always all of
        them), then the most active (by the colouring's number: effort or share). 0: no names.
    label_scale : float, default: 1.15
        Name text height relative to the legend text.
    show_trunk_outline : bool, default: True
        A translucent rib cage where the trunk muscles end (posed with the trunk).
    """

    background: str = "white"
    font_size: float = 24.0
    tube_radius_mm: float = 1.8
    tube_force_k: float = 0.13
    tube_scale: float = 1.0
    tube_sides: int = 12
    inactive_scale: float = 0.6
    highlight_scale: float = 1.6
    line_mode: str = "tubes"
    line_width: float = 5.0
    anti_aliasing: str | None = "msaa"
    multi_samples: int = 8
    palette: str = "okabe_ito"
    activation_scale: float | None = None
    colour: str = "effort"
    presentation: bool = False
    show_legend: bool = True
    show_landmarks: bool = True
    show_caption: bool = True
    bone_color: tuple[float, float, float] = (0.93, 0.88, 0.78)
    bone_specular: float = 0.25
    muscle_specular: float = 0.35
    landmark_radius_mm: float = 6.0
    bone_detail: float = 1.0
    show_spine: bool = True
    show_feet: bool = True
    show_floor: bool = True
    show_side_labels: bool = True
    backface_culling: bool = True
    label_count: int = 5
    label_scale: float = 1.15
    show_trunk_outline: bool = True

    def __post_init__(self) -> None:
        if self.background not in BACKGROUNDS:
            raise ValueError(f"RenderStyle.background: expected one of {', '.join(BACKGROUNDS)}, found {self.background!r}")
        if self.line_mode not in ("tubes", "lines"):
            raise ValueError(f"RenderStyle.line_mode: expected 'tubes' or 'lines', found {self.line_mode!r}")
        if self.anti_aliasing not in ("msaa", "fxaa", "ssaa", None):
            raise ValueError(f"RenderStyle.anti_aliasing: expected 'msaa', 'fxaa', 'ssaa' or None, found {self.anti_aliasing!r}")
        if self.colour not in COLOUR_MODES:
            raise ValueError(f"RenderStyle.colour: expected one of {', '.join(COLOUR_MODES)}, found {self.colour!r}")
        if self.activation_scale is not None and not 0.0 < self.activation_scale <= 1.0:
            raise ValueError(f"RenderStyle.activation_scale: expected None or a value in (0, 1], found {self.activation_scale!r}")
        if self.font_size <= 0 or self.tube_scale <= 0:
            raise ValueError("RenderStyle.font_size and tube_scale must be positive")
        if not (isinstance(self.label_count, int) and 0 <= self.label_count <= 30):
            raise ValueError(f"RenderStyle.label_count: expected a whole number 0 to 30, found {self.label_count!r}")
        if not self.label_scale > 0:
            raise ValueError(f"RenderStyle.label_scale: expected a positive number, found {self.label_scale!r}")

    @property
    def background_rgb(self) -> tuple[float, float, float]:
        """Background colour, RGB 0..1."""
        return BACKGROUNDS[self.background][0]

    @property
    def text_rgb(self) -> tuple[float, float, float]:
        """Text colour that reads on the background, RGB 0..1."""
        return BACKGROUNDS[self.background][1]

    def tube_radius(self, max_force_n) -> "float | object":
        """Tube radius in metres for a force capacity (N); scalars or arrays."""
        import numpy as np

        f = np.sqrt(np.maximum(np.asarray(max_force_n, float), 0.0))
        return (self.tube_radius_mm + self.tube_force_k * f) * self.tube_scale / 1000.0

    def replace(self, **changes) -> "RenderStyle":
        """A copy with some fields changed, e.g. ``style.replace(anti_aliasing=None)``."""
        return replace(self, **changes)

    @classmethod
    def presentation_style(cls, *, dark: bool = True, **changes) -> "RenderStyle":
        """A style for projecting to a class: larger text, thicker tubes, optionally dark.

        Examples
        --------
        >>> RenderStyle.presentation_style().font_size
        30.0
        """
        base = dict(background="dark" if dark else "white", font_size=30.0, tube_scale=1.35,
                    line_width=8.0, presentation=True, landmark_radius_mm=7.5,
                    palette="okabe_ito_light" if dark else "okabe_ito")
        base.update(changes)
        return cls(**base)

    @classmethod
    def interactive(cls, **changes) -> "RenderStyle":
        """The default look tuned for slider drags in software GL: no anti-aliasing and bone
        meshes decimated to half their triangles."""
        base = dict(anti_aliasing=None, bone_detail=0.5)
        base.update(changes)
        return cls(**base)
