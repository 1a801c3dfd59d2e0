"""Muscle bundles as tubes (or lines): one logical actor per bundle per side, drawn as one mesh.

Each bundle owns a ``vtkPolyData`` whose topology is fixed by its number of path points; a new
pose rewrites points and normals in place (no new actors, no filters), which keeps a slider
drag cheap. The bundles' point arrays are views into one shared array, drawn by a single actor
(:attr:`MuscleLayer.actor`) with a colour per point: in software OpenGL one mesh of 60 tubes
draws in half the time of 60 actors (one buffer upload instead of sixty). The per-bundle actors
carry each bundle's visibility and colour (and the picking keys) but are not added to a renderer.
Tube radius follows force capacity (see :class:`RenderStyle`).

Where each bundle lies in the shared mesh is :mod:`hipviz.render.muscle_layout`. Highlighted muscles
are drawn thicker with a halo and an x-ray copy over the bones
(:mod:`hipviz.render.highlight`), every other muscle faded towards the background.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from vtkmodules.vtkCommonDataModel import vtkPolyData
from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper

from . import colors
from .geometry import padded_tube_points
from .highlight import HighlightLayer
from .muscle_layout import MuscleLayout
from .style import RenderStyle

__all__ = ["MuscleLayer", "BundleKey", "FADE"]

BundleKey = tuple[str, str, str]  # (side "r"/"l", muscle_id, bundle_name)

#: How far the muscles not highlighted are faded towards the background (0..1).
FADE = 0.55


@dataclass
class _Bundle:
    key: BundleKey
    group: str
    max_force: float
    poly: vtkPolyData
    actor: vtkActor
    k: int = 0
    mode: str = ""
    pts: np.ndarray | None = None  # view of the shared point array
    nrm: np.ndarray | None = None  # view of the shared normal array
    start: int = 0  # first point in the shared arrays
    cells: np.ndarray | None = None  # (n, 3) triangles or (1, k) polyline, local point indices


class MuscleLayer(MuscleLayout):
    """All bundles of both sides, drawn as one mesh (:attr:`actor`) plus the halo of the
    highlighted muscles (:attr:`halo_actor`).

    Parameters
    ----------
    model : hipviz.Model
    style : RenderStyle

    Attributes
    ----------
    highlighted : frozenset of (side, muscle_id)
        Muscles drawn thicker with a halo; while any is highlighted, the others are faded.
    """

    def __init__(self, model, style: RenderStyle) -> None:
        self.model = model
        self.style = style
        self.bundles: dict[BundleKey, _Bundle] = {}
        self.by_actor: dict[vtkActor, BundleKey] = {}
        #: per side, the bundles in the order of ``state.muscles[side]`` then ``state.trunk[side]``
        self.order: dict[str, list[tuple[str, str]]] = {}
        for side in ("r", "l"):
            sets = [model.paths.get(side), getattr(model, "trunk_paths", {}).get(side)]
            self.order[side] = []
            for ps in sets:
                if ps is None:
                    continue
                for mid, bname, force in zip(ps.muscle_ids, ps.bundle_names, ps.max_force):
                    key = (side, mid, bname)
                    self.order[side].append((mid, bname))
                    poly = vtkPolyData()
                    mapper = vtkPolyDataMapper()
                    mapper.SetInputData(poly)
                    mapper.ScalarVisibilityOff()
                    actor = vtkActor()
                    actor.SetMapper(mapper)
                    actor.SetVisibility(False)  # until the first update gives it a path
                    self.bundles[key] = _Bundle(key, model.muscle(mid).group, float(force), poly, actor)
                    self.by_actor[actor] = key
        #: (side, muscle_id) -> that muscle's bundle keys
        self._by_muscle: dict[tuple[str, str], list[BundleKey]] = {}
        for key in self.bundles:
            self._by_muscle.setdefault((key[0], key[1]), []).append(key)
        self._base_radius: dict[BundleKey, float] = {}
        self._gather: tuple | None = None
        self._points_of: tuple = (None, [])
        self.visible_muscles: dict[str, bool] = {m.id: True for m in model.muscles + list(getattr(model, "trunk_muscles", []))}
        self.visible_sides = {"r": True, "l": True}
        self.show_all = True
        self.solo_id: str | None = None
        self.highlighted: frozenset[tuple[str, str]] = frozenset()
        self.activation_mode = False
        self._paths: dict[BundleKey, np.ndarray] = {}
        self._colors: dict[BundleKey, tuple] = {}
        self._scale: dict[BundleKey, float] = {}
        #: every bundle's colour now, in the order of :attr:`bundles` (the drawn one; ``_colors``
        #: the same by key), and the colour its own actor was last given
        self._rgb_now = np.full((len(self.bundles), 3), 0.5)
        self._actor_rgb = np.full((len(self.bundles), 3), np.nan)
        index = {key: j for j, key in enumerate(self.bundles)}
        #: per side, the rows of :attr:`order`'s bundles in :attr:`bundles`
        self._order_rows = {side: np.array([index[(side, mid, bn)] for mid, bn in keys], int)
                            for side, keys in self.order.items()}
        self._group_rgb: tuple[str, np.ndarray] | None = None
        self._hl_rows: tuple[frozenset, np.ndarray] | None = None
        self._laid: tuple | None = None
        # the one drawn mesh: every bundle's points, normals and colours in shared arrays
        self.poly = vtkPolyData()
        self.mapper = vtkPolyDataMapper()
        self.mapper.SetInputData(self.poly)
        self.mapper.SetColorModeToDirectScalars()
        self.mapper.SetScalarModeToUsePointData()
        self.mapper.ScalarVisibilityOn()
        self.actor = vtkActor()
        self.actor.SetMapper(self.mapper)
        self.actor.SetVisibility(False)
        self._layout_key: tuple | None = None
        #: topology key -> a layout made before (:meth:`_layout`), the most recently used last
        self._layouts: dict[tuple, dict] = {}
        self._cells_dirty = True
        self._all_pts = np.zeros((0, 3), np.float32)
        self._all_nrm: np.ndarray | None = None
        self._rgb = np.zeros((0, 3), np.uint8)
        self._ghost_rgb = np.zeros((0, 3), np.uint8)
        # the halo and x-ray copy of the highlighted muscles
        self.highlight = HighlightLayer()
        self.halo_poly, self.halo_actor = self.highlight.halo_poly, self.highlight.halo_actor
        self.ghost_poly, self.ghost_actor = self.highlight.ghost_poly, self.highlight.ghost_actor
        self._pixel_scale = 1.0
        self.set_style(style)

    # -- geometry ------------------------------------------------------------------------
    #: Trunk muscles are drawn thinner: they belong to the story only when they work.
    TRUNK_SCALE = 0.6

    def keys_of(self, side: str, muscle_id: str) -> list[BundleKey]:
        """The bundle keys of one muscle of one side (empty for an unknown muscle)."""
        return self._by_muscle.get((side, muscle_id), [])

    def radius(self, key: BundleKey) -> float:
        """Current tube radius of a bundle (metres), including trunk, inactive and highlight factors."""
        base = self._base_radius.get(key)
        if base is None:
            b = self.bundles[key]
            trunk = self.TRUNK_SCALE if b.group == "trunk" else 1.0
            base = self._base_radius[key] = float(self.style.tube_radius(b.max_force)) * trunk
        return base * self._scale.get(key, 1.0)

    def set_paths(self, side: str, paths) -> None:
        """Store one side's paths for the next :meth:`rebuild_geometry`.

        Parameters
        ----------
        side : {"r", "l"}
        paths : iterable of (muscle_id, bundle_name, (k, 3) ndarray)
            One pose's polyline of each bundle, room frame (metres).
        """
        for mid, bname, path in paths:
            self._paths[(side, mid, bname)] = np.asarray(path, float)

    def clear_paths(self, side: str) -> None:
        """Forget one side's paths (its bundles are hidden until paths come again)."""
        for key in [k for k in self._paths if k[0] == side]:
            del self._paths[key]
        self._cells_dirty = True

    def rebuild_geometry(self) -> None:
        """Rewrite every bundle's points from the stored paths, all tubes in one pass.

        Paths of different lengths are padded by repeating their last point: a zero-length
        segment keeps the previous direction and frame, so the rings along the real path, and
        the end cap, are those :func:`~hipviz.render.geometry.tube_points` gives the path alone
        (to the last digits; :func:`~hipviz.render.geometry.padded_tube_points` leaves the
        padding's rings out).
        """
        self._layout()
        keys = [key for key in self._paths if key in self.bundles and self.bundles[key].pts is not None]
        tubes = self.style.line_mode == "tubes"
        if keys and tubes:
            sides = self.style.tube_sides
            radii = np.array([self.radius(key) for key in keys])
            dst, pad, lens = self._gather_index(keys, sides)
            # every path padded with its last point (see above): one gather from all of them
            P = np.concatenate([self._paths[k] for k in keys])[pad]
            self._all_pts[dst], self._all_nrm[dst] = padded_tube_points(P, radii, sides, lens)
        elif keys:
            for key in keys:
                self.bundles[key].pts[:] = self._paths[key]
        for points in self._bundle_points(keys):
            points.Modified()
        if self._cells_dirty:
            self._rebuild_cells()
        self.poly.GetPoints().Modified()
        if tubes:
            self.poly.GetPointData().GetNormals().Modified()
        self._rebuild_halo()

    def _bundle_points(self, keys) -> list:
        """The ``vtkPoints`` of these bundles' own meshes (kept while the layout stays: asking
        each mesh for them costs a wrapper object per bundle per frame)."""
        pkey = (self._layout_key, tuple(keys))
        if self._points_of[0] != pkey:
            self._points_of = (pkey, [self.bundles[key].poly.GetPoints() for key in keys])
        return self._points_of[1]

    def _rebuild_halo(self) -> None:
        """The halo and x-ray copy of the shown highlighted bundles (tubes only)."""
        keys = [k for k in self.bundles if (k[0], k[1]) in self.highlighted and self.is_shown(k)
                and self.bundles[k].pts is not None] if self.style.line_mode == "tubes" else []
        hl = self.highlight
        hl.update_ghost((tuple(keys), self._layout_key), self.poly if keys else None, self._ghost_rgb,
                        lambda: np.concatenate([self.bundles[k].cells + self.bundles[k].start for k in keys]))
        hl.update_halo([self._paths[k] for k in keys], np.array([self.radius(k) for k in keys]),
                       self.style.tube_sides, tuple(keys))

    # -- colour and visibility -----------------------------------------------------------
    def set_colors(self, activation: dict[str, tuple] | None, scale: float = 1.0, *,
                   threshold: float = 0.02) -> None:
        """Colour bundles by group (``activation`` None) or by ``{side: (value (B,), role (B,) | None)}``.

        ``value`` is an activation or a share (0..1); ``scale`` is the value drawn at the dark
        end of the ramp; without roles, bundles below ``threshold`` are drawn inactive.
        """
        st = self.style
        self.activation_mode = activation is not None
        C = self._group_colors().copy()
        S = np.ones(len(self.bundles))  # radius factors
        if activation is not None:
            for side, rows in self._order_rows.items():
                if side not in activation:  # a side without activations: grey, thin
                    C[rows] = colors.INACTIVE_GREY
                    S[rows] = st.inactive_scale
            for side, (act, role) in activation.items():
                rgb = colors.muscle_colors(act, role, scale=scale, threshold=threshold)
                off = colors.muscle_inactive(act, role, threshold=threshold)
                rows = self._order_rows[side][:len(rgb)]
                C[rows] = rgb[:len(rows)]
                S[rows[off[:len(rows)]]] = st.inactive_scale
        if self.highlighted:
            hl = self._highlighted_rows()
            S[hl] *= st.highlight_scale
            C[~hl] = colors.mix_rows(C[~hl], st.background_rgb, FADE)
        self._rgb_now = C
        keys = list(self.bundles)
        self._colors = dict(zip(keys, map(tuple, C.tolist())))
        self._scale = dict(zip(keys, S.tolist()))
        for j in np.nonzero((C != self._actor_rgb).any(axis=1))[0]:  # the bundle actors' own colour
            self._actor_rgb[j] = C[j]  # (picking, tests)
            self.bundles[keys[j]].actor.GetProperty().SetColor(*C[j].tolist())
        self._write_colors()
        self.highlight.set_halo_colour(st.background)

    def _group_colors(self) -> np.ndarray:
        """Every bundle's group colour in the style's palette, ``(n_bundles, 3)`` (kept per palette)."""
        palette = self.style.palette
        if self._group_rgb is None or self._group_rgb[0] != palette:
            rgb = np.array([colors.group_color(b.group, palette) for b in self.bundles.values()], float)
            self._group_rgb = (palette, rgb.reshape(-1, 3))
        return self._group_rgb[1]

    def _highlighted_rows(self) -> np.ndarray:
        """Which bundles (in the order of :attr:`bundles`) belong to a highlighted muscle, bool
        (kept while :attr:`highlighted` stays: asked twice a frame, by the colours and the x-ray)."""
        if self._hl_rows is None or self._hl_rows[0] != self.highlighted:
            rows = np.array([(key[0], key[1]) in self.highlighted for key in self.bundles], bool)
            rows.flags.writeable = False
            self._hl_rows = (frozenset(self.highlighted), rows)
        return self._hl_rows[1]

    def _write_colors(self) -> None:
        """The drawn mesh's point colours (and its x-ray copy's) from the bundles' colours now."""
        laid, counts, start, end = self._laid_out()
        if len(laid):
            C = self._rgb_now[laid]
            self._rgb[start:end] = np.repeat(np.clip(C * 255 + 0.5, 0, 255), counts, axis=0)
            hl = self._highlighted_rows()[laid]
            if hl.any():  # the x-ray copy of the highlighted ones: darker (lighter on dark)
                G = np.clip((0.5 * C + 0.5 * np.asarray(self.style.text_rgb)) * 255 + 0.5, 0, 255)
                rows = np.repeat(hl, counts)
                self._ghost_rgb[start:end][rows] = np.repeat(G, counts, axis=0)[rows]
        scalars = self.poly.GetPointData().GetScalars()
        if scalars is not None:
            scalars.Modified()
        self.highlight.colours_modified()

    def _laid_out(self) -> tuple[np.ndarray, list[int], int, int]:
        """The bundles with a range of the shared arrays (rows of :attr:`bundles`), their point
        counts, and where their ranges (which follow each other in order) begin and end."""
        if self._laid is None or self._laid[0] != self._layout_key:
            laid = [(j, b) for j, b in enumerate(self.bundles.values()) if b.pts is not None]
            counts = [len(b.pts) for _, b in laid]
            start = laid[0][1].start if laid else 0
            self._laid = (self._layout_key, np.array([j for j, _ in laid], int), counts, start, start + sum(counts))
        return self._laid[1:]

    def color(self, key: BundleKey) -> tuple[float, float, float]:
        """The colour a bundle is drawn in now (RGB 0..1)."""
        return tuple(self._colors.get(key, (0.5, 0.5, 0.5)))  # type: ignore[return-value]

    def is_shown(self, key: BundleKey) -> bool:
        side, mid, _ = key
        return (self.show_all and self.visible_sides.get(side, True) and self.visible_muscles.get(mid, True)
                and (self.solo_id is None or self.solo_id == mid) and key in self._paths)

    def apply_visibility(self) -> None:
        changed = False
        for key, b in self.bundles.items():
            shown = self.is_shown(key)
            if bool(b.actor.GetVisibility()) != shown:
                b.actor.SetVisibility(shown)
                changed = True
        if changed or self._cells_dirty:
            self._layout()
            self._rebuild_cells()
            self._rebuild_halo()

    def set_style(self, style: RenderStyle) -> None:
        self.style = style
        self._base_radius.clear()
        for prop in [b.actor.GetProperty() for b in self.bundles.values()] + [self.actor.GetProperty()]:
            prop.SetInterpolationToGouraud()
            prop.SetAmbient(0.15)
            prop.SetDiffuse(0.85)
            prop.SetSpecular(style.muscle_specular)
            prop.SetSpecularPower(24.0)
            prop.SetRenderLinesAsTubes(style.line_mode == "lines")
            prop.SetBackfaceCulling(style.backface_culling and style.line_mode == "tubes")
            prop.SetLighting(True)
        self._line_width()
        self.highlight.set_style()

    def set_pixel_scale(self, scale: float) -> None:
        """Render pixels per picture pixel (a reduced-resolution drag frame): lines keep their
        width on screen."""
        self._pixel_scale = float(scale)
        self._line_width()

    def _line_width(self) -> None:
        st = self.style
        self.actor.GetProperty().SetLineWidth(max(1.0, st.line_width * st.tube_scale * self._pixel_scale))

    def points(self) -> np.ndarray:
        """Path points of the shown bundles, ``(N, 3)`` metres (for camera fitting)."""
        pts = [p for key, p in self._paths.items() if self.is_shown(key)]
        return np.concatenate(pts) if pts else np.zeros((0, 3))
