"""The hip scene: bones and feet, muscle bundles, ASIS markers, the floor, legend and caption.

:class:`HipScene` turns an evaluated :class:`~hipviz.State` into actors once and then only moves
them: bones through their user matrices, muscles by rewriting the points of their meshes.
It never computes anatomy; the caller evaluates the model and passes the state in.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import colors, colouring
from .bones import load_bone_mesh, make_bone_actor, set_matrix, style_bone
from .floor import Floor, floor_height
from .spine import lumbar_spine_mesh
from .labels import MuscleLabels, SideLabels
from .markers import PELVIS_THRESHOLD_DEG, AsisMarkers, neutral_ring_color, pelvis_moved
from .muscles import BundleKey, MuscleLayer
from .overlay import LegendEntry, Overlay
from .scene_camera import SceneCamera
from .scene_names import MuscleNaming
from .polydata import points_of
from .style import RenderStyle
from .trunk_outline import TrunkOutline

if TYPE_CHECKING:  # pragma: no cover
    import pyvista

__all__ = ["HipScene"]

_SIDES = {"r": "r", "l": "l", "right": "r", "left": "l"}
_BONES = ("pelvis", "femur_r", "femur_l", "tibia_r", "tibia_l", "foot_r", "foot_l")
_FEET = ("foot_r", "foot_l")
#: Actor name -> segment whose transform poses it.
_SEGMENT = {"pelvis": "pelvis", "femur_r": "femur_r", "femur_l": "femur_l", "tibia_r": "tibia_r",
            "tibia_l": "tibia_l", "foot_r": "foot_r", "foot_l": "foot_l", "spine": "trunk"}
#: Every n-th bone vertex is enough to size the floor and find the lowest point.
_FLOOR_SAMPLE = 7
#: Width of the floor's grid lines, picture pixels.
_FLOOR_LINE_PX = 1.5


def _side(side: str) -> str:
    try:
        return _SIDES[side]
    except KeyError:
        raise ValueError(f"side must be 'right'/'r' or 'left'/'l', not {side!r}") from None


class HipScene(SceneCamera, MuscleNaming):
    """Bones, feet, muscles, landmarks and the floor of one model, drawn on a pyvista plotter.

    Parameters
    ----------
    plotter : OffscreenPlotter, RasterInteractor or pyvista.Plotter
        A :class:`hipviz.render.vtkplotter.OffscreenPlotter` (pictures), the window's
        :class:`hipviz.app.vtkwidget.RasterInteractor`, or a pyvista plotter; the scene adds its
        actors to ``plotter.renderer``.
    model : hipviz.Model
        Bones without a mesh file are skipped (the muscles are still drawn).
    style : RenderStyle, optional
        Default: ``RenderStyle()`` (white background, anti-aliased).

    Attributes
    ----------
    bundle_actors : dict
        ``{(side, muscle_id, bundle_name): vtkActor}``, side ``"r"`` or ``"l"``: each bundle's
        visibility, colour and mesh (``GetMapper().GetInput()``). The same actor objects live for
        the life of the scene. They are drawn together as one mesh, ``muscles.actor`` (much
        cheaper in software OpenGL), so they are not themselves in the renderer.
    bone_actors : dict
        ``{bone: vtkActor}`` for ``pelvis``, ``femur_r``, ``femur_l``, ``tibia_r``, ``tibia_l``,
        ``foot_r``, ``foot_l`` (those with meshes) and ``spine``, a schematic lumbar spine posed
        with the trunk.
    floor : Floor
        The floor under the body (``floor.actor``; ``style.show_floor``).
    anatomical_views : bool
        False (default): camera presets are fixed in the room, so a lying body is seen lying,
        gravity down the picture. True: presets turn with the posture ("front" faces the body's
        front, lying or standing).

    Notes
    -----
    Methods change actors but do not render: call ``plotter.render()`` afterwards.

    Examples
    --------
    >>> import pyvista as pv, hipviz
    >>> from hipviz.render import HipScene
    >>> model = hipviz.load_model()
    >>> pl = pv.Plotter(off_screen=True, window_size=(1280, 800))
    >>> scene = HipScene(pl, model)
    >>> scene.update(hipviz.evaluate(model, {"flexion": 45}))
    >>> scene.set_view("front")
    >>> pl.render()
    """

    def __init__(self, plotter: "pyvista.Plotter", model, *, style: RenderStyle | None = None) -> None:
        self.plotter = plotter
        self.model = model
        self.style = style or RenderStyle()
        self.renderer = plotter.renderer
        self.bone_actors: dict[str, object] = {}
        self._bone_matrix: dict[str, object] = {}
        self._bone_points: dict[str, np.ndarray] = {}
        self._bone_detail: float | None = None
        meshes = {b: load_bone_mesh(model, b, self.style.bone_detail) for b in _BONES if b in model.mesh_files}
        spine = lumbar_spine_mesh(model.landmarks.get("trunk", {}))
        if spine is not None:
            meshes["spine"] = spine
        for bone, mesh in meshes.items():
            actor, matrix = make_bone_actor(mesh, self.style)
            # Bones are not pickable: a click picks the muscle under the pointer even behind bone.
            plotter.add_actor(actor, reset_camera=False, name=f"bone_{bone}", pickable=False, render=False)
            self.bone_actors[bone] = actor
            self._bone_matrix[bone] = matrix
            self._bone_points[bone] = points_of(mesh)
        self._bone_detail = self.style.bone_detail
        #: (bone, detail) -> its mapper and points: each level of detail keeps its own mapper, so
        #: that switching between the moving and the still look (every drag) uploads no mesh again
        self._bone_mappers = {(b, self._bone_detail): (a.GetMapper(), self._bone_points[b])
                              for b, a in self.bone_actors.items()}
        self._bone_T: dict[str, np.ndarray] = {b: np.eye(4) for b in self.bone_actors}
        self.side_labels = SideLabels(self.renderer, model)
        self.muscles = MuscleLayer(model, self.style)
        self.bundle_actors: dict[BundleKey, object] = {k: b.actor for k, b in self.muscles.bundles.items()}
        plotter.add_actor(self.muscles.actor, reset_camera=False, name="muscles", render=False)
        plotter.add_actor(self.muscles.halo_actor, reset_camera=False, name="muscle_halo", pickable=False, render=False)
        self.xray = self._xray_renderer()
        # Translucent actors (the floor) are blended in one pass, not with order-independent
        # transparency: one layer needs no sorting, and OIT costs ~4 ms a frame in software GL.
        self.renderer.SetUseOIT(False)
        self.markers = AsisMarkers(model, self.style)
        for j, actor in enumerate(self.markers.actors):
            plotter.add_actor(actor, reset_camera=False, name=f"asis_marker_{j}", pickable=False, render=False)
        self.floor = Floor(self.style)
        plotter.add_actor(self.floor.actor, reset_camera=False, name="floor", pickable=False, render=False)
        self.trunk_outline = TrunkOutline(model.landmarks.get("trunk", {}), self.style)
        for j, actor in enumerate(self.trunk_outline.actors):
            plotter.add_actor(actor, reset_camera=False, name=f"trunk_outline_{j}", pickable=False, render=False)
        self.overlay = Overlay(self.renderer, self.style)
        self.muscle_labels = MuscleLabels(self.renderer)
        self._names = {m.id: m.name for m in model.muscles + list(getattr(model, "trunk_muscles", []))}
        self.view = "oblique"
        self._state = None
        self._i = 0
        self._activation: dict | None = None
        self._scale = 1.0
        self._pixel_scale = 1.0
        #: False: presets fixed in the room, so a lying body is seen lying (gravity down the
        #: picture); True: presets turn with the posture ("front" faces the body's front).
        self.anatomical_views = False
        self._observer = self.renderer.AddObserver("StartEvent", self._before_render)
        self._install_lights()
        self.set_style(self.style)

    # -- posing --------------------------------------------------------------------------
    def update(self, state, i: int = 0) -> None:
        """Show pose ``i`` of ``state``: move bones, muscles and markers in place, recolour.

        Parameters
        ----------
        state : hipviz.State
            An evaluated state (``with_paths=True`` for muscles to be drawn).
        i : int, default: 0
            Which pose of the batch, ``0 <= i < state.n``.

        Notes
        -----
        With a movement evaluated, muscles are coloured by activation and role
        (``style.colour == "effort"``) or by their share of the moment (``"share"``), else by
        muscle group. No actor is created or removed.
        """
        self._changed()
        if not 0 <= i < state.n:
            raise IndexError(f"pose index {i} is outside 0..{state.n - 1}")
        self._state, self._i = state, i
        for bone, matrix in self._bone_matrix.items():
            T = state.transforms[_SEGMENT[bone]][i]
            self._bone_T[bone] = T
            set_matrix(matrix, T)
        self._place_floor()
        if "trunk" in state.transforms:
            self.trunk_outline.update(state.transforms["trunk"][i])
        self.side_labels.update(state.transforms["pelvis"][i])
        self.markers.update(state.transforms["pelvis"][i], pelvis_moved(state, i, PELVIS_THRESHOLD_DEG))
        trunk = getattr(state, "trunk", {}) or {}
        for side, ms in state.muscles.items():
            sets = [ms] + ([trunk[side]] if side in trunk else [])
            if ms.paths is None:
                self.muscles.clear_paths(side)
            else:
                for part in sets:
                    if part.paths is not None:
                        self.muscles.set_paths(side, ((mid, bn, p[i]) for mid, bn, p in
                                                      zip(part.muscle_ids, part.bundle_names, part.paths)))
        self._recolour()
        self._refresh()

    def _changed(self) -> None:
        """Something drawn changed (pose, style, muscles shown): cached layout inputs go."""
        self.__dict__.pop("_focus_cache", None)

    def _place_floor(self) -> None:
        """The floor at the state's floor height (else under the lowest bone), under the body."""
        pts = [local[::_FLOOR_SAMPLE] @ self._bone_T[b][:3, :3].T + self._bone_T[b][:3, 3]
               for b, local in self._bone_points.items() if b != "spine"]
        if not pts:
            return
        P = np.concatenate(pts)
        self.floor.place(floor_height(self._state, self._i, float(P[:, 1].min())), P)

    def _recolour(self) -> None:
        """Colour values, scale and legend from the state shown and the style's colour mode."""
        if self._state is None:
            return
        mode = self.style.colour
        self._activation = colouring.colour_values(self._state, self._i, mode)
        peak = max((float(np.max(a)) for a, _ in self._activation.values() if len(a)), default=0.0) \
            if self._activation else 0.0
        fixed = self.style.activation_scale
        self._scale = float(fixed) if fixed else colors.activation_scale(peak)
        self._update_legend()

    @property
    def colour_scale(self) -> float:
        """The value (0..1) drawn at the dark end of the colour ramp now."""
        return self._scale

    def _refresh(self) -> None:
        """Re-apply colours, radii and visibility after a display option changed."""
        threshold = colouring.SHARE_THRESHOLD if self.style.colour == "share" else colouring.EFFORT_THRESHOLD
        self.muscles.set_colors(self._activation, self._scale, threshold=threshold)
        self.muscles.rebuild_geometry()
        self.muscles.apply_visibility()
        self._update_labels()

    # -- muscles -------------------------------------------------------------------------
    def _check_muscle(self, muscle_id: str) -> None:
        if muscle_id not in self.muscles.visible_muscles:
            raise KeyError(f"no muscle {muscle_id!r}; known: {', '.join(self.muscles.visible_muscles)}")

    def set_muscle_visible(self, muscle_id: str, visible: bool) -> None:
        """Show or hide every bundle of a muscle on both sides."""
        self._changed()
        self._check_muscle(muscle_id)
        self.muscles.visible_muscles[muscle_id] = bool(visible)
        self.muscles.apply_visibility()
        self._update_labels()
        self._update_legend()

    def set_side_visible(self, side: str, visible: bool) -> None:
        """Show or hide all muscles of one side (``"r"``/``"right"`` or ``"l"``/``"left"``)."""
        self._changed()
        self.muscles.visible_sides[_side(side)] = bool(visible)
        self.muscles.apply_visibility()
        self._update_labels()
        self._update_legend()

    def set_muscles_visible(self, visible: bool) -> None:
        """Show or hide all muscles at once (individual choices are kept)."""
        self._changed()
        self.muscles.show_all = bool(visible)
        self.muscles.apply_visibility()
        self._update_labels()
        self._update_legend()

    def solo(self, muscle_id: str | None) -> None:
        """Show only ``muscle_id`` (both sides); ``None`` shows all visible muscles again."""
        self._changed()
        if muscle_id is not None:
            self._check_muscle(muscle_id)
        self.muscles.solo_id = muscle_id
        self.muscles.apply_visibility()
        self._update_labels()
        self._update_legend()

    def highlight(self, side: str, muscle_ids) -> None:
        """Emphasise muscles of one side: thicker tubes with a halo, every other muscle faded.

        Parameters
        ----------
        side : {"r", "right", "l", "left"}
        muscle_ids : str, iterable of str, or None
            One muscle (a selection), several (a lesson step's ``highlight = [...]``: all of them
            stand out, the rest stay drawn but faded), or None / empty to clear the highlight.

        Examples
        --------
        >>> scene.highlight("right", ["piriformis", "obturator_internus"])  # doctest: +SKIP
        >>> scene.highlight("right", None)  # doctest: +SKIP
        """
        self._changed()
        ids = [] if muscle_ids is None else [muscle_ids] if isinstance(muscle_ids, str) else list(muscle_ids)
        for mid in ids:
            self._check_muscle(mid)
        c = _side(side)
        self.muscles.highlighted = frozenset((c, mid) for mid in ids)
        self._refresh()

    @property
    def highlighted(self) -> tuple[str, ...]:
        """The ids of the highlighted muscles (in no particular order)."""
        return tuple(sorted({mid for _, mid in self.muscles.highlighted}))

    def bundle_of_actor(self, actor) -> tuple[str, str, str] | None:
        """``(side, muscle_id, bundle_name)`` of a picked actor, or None if it is not a bundle."""
        if actor is None:
            return None
        return self.muscles.by_actor.get(actor)

    def bundle_color(self, key: BundleKey) -> tuple[float, float, float]:
        """The RGB colour (0..1) a bundle is currently drawn in."""
        return self.muscles.color(key)

    # -- overlay -------------------------------------------------------------------------
    def set_caption(self, text: str) -> None:
        """Caption at the top left of the view ("" for none)."""
        self.overlay.set_caption(text or "")
        self._layout()

    def _update_legend(self) -> None:
        """The legend names only what is drawn: the groups of the muscles shown, no muscle rows
        at all when no muscle is drawn (``render --no-muscles``), the ASIS rows with the markers."""
        st = self.style
        shown = [b for key, b in self.muscles.bundles.items() if self.muscles.is_shown(key)]
        if not shown:
            entries, title = [], "Front hip bones (ASIS)"
        elif self._activation is None:
            present = {b.group for b in shown}
            groups = [g for g in colors.GROUP_COLORS if g in present]
            entries = [LegendEntry(colors.GROUP_LABELS[g], colors.group_color(g, st.palette)) for g in groups]
            title = "Muscle groups"
        else:
            mode = st.colour
            entries = [LegendEntry(colouring.bar_label(mode), shape="bar", scale=self._scale)]
            both = set(self._activation) >= {"r", "l"}
            if mode == "share":
                entries.append(LegendEntry("no part in this moment" if both else "no part, or not computed",
                                           colors.INACTIVE_GREY))
            else:
                entries += [LegendEntry("lengthening against the movement", tuple(colors.antagonist_colors(0.5))),
                            LegendEntry("inactive" if both else "inactive or not computed", colors.INACTIVE_GREY)]
            title = colouring.legend_title(mode, getattr(self._state, "movement", None))
        if st.show_landmarks and self.markers.actors:
            entries += [LegendEntry("ASIS, pelvis neutral", neutral_ring_color(st), "ring"),
                        LegendEntry(f"ASIS, pelvis moved > {PELVIS_THRESHOLD_DEG:g}\N{DEGREE SIGN}", colors.WARNING_COLOR, "ring")]
        if not entries:
            title = ""
        self.overlay.set_legend(title, entries)
        self._layout()

    def pixel_scale(self) -> float:
        """Render pixels per picture pixel: 1, or less while the window draws a drag frame at a
        reduced resolution (``plotter.render_scale``; the frame is then scaled up on screen)."""
        return float(getattr(self.plotter, "render_scale", 1.0) or 1.0)

    def _window_size(self) -> tuple[int, int]:
        """The picture's size in picture pixels, the unit of every layout (legend, names, camera
        fit): the render window's size, divided by :meth:`pixel_scale`."""
        w, h = self.plotter.window_size
        s = self.pixel_scale()
        if s != 1.0:
            w, h = round(w / s), round(h / s)
        return max(int(w), 1), max(int(h), 1)

    def _apply_pixel_scale(self, s: float) -> None:
        """Sizes VTK takes in render pixels (line widths) and the 2D layers' scale, for ``s``."""
        if s == self._pixel_scale:
            return
        self._pixel_scale = s
        self.overlay.set_pixel_scale(s)
        self.muscles.set_pixel_scale(s)
        self.floor.actor.GetProperty().SetLineWidth(_FLOOR_LINE_PX * s)

    def _layout(self) -> tuple[float, float, float, float]:
        self._apply_pixel_scale(self.pixel_scale())
        return self.overlay.layout(*self._window_size())

    def _labels_shown(self, direction) -> bool:
        return self.style.show_side_labels and self.side_labels.useful_from(direction)

    def _before_render(self, *_args) -> None:
        rw = self.renderer.GetRenderWindow()
        if rw is None:
            return
        rw_w, rw_h = rw.GetSize()
        if rw_w <= 0 or rw_h <= 0:
            return
        self._apply_pixel_scale(self.pixel_scale())
        w, h = self._window_size()
        x0, x1, y0, y1 = self.overlay.layout(w, h)
        if self.xray is not None:  # the x-ray layer costs nothing while nothing is highlighted
            self.xray.SetDraw(bool(self.muscles.ghost_actor.GetVisibility()))
        cam = self.renderer.GetActiveCamera()
        show = self._labels_shown(np.subtract(cam.GetPosition(), cam.GetFocalPoint()))
        self.side_labels.place(visible=show, font_px=int(round(1.5 * self.overlay.font_px(h))),
                               color=self.style.text_rgb)
        self.place_muscle_labels((w, h), (x0, x1, y0, y1))

    # -- the x-ray layer -------------------------------------------------------------------
    def _xray_renderer(self):
        """A renderer over the scene's (layer 1, same camera) holding the faint copy of the
        highlighted muscles: where bone hides them, they still show through."""
        from vtkmodules.vtkRenderingCore import vtkRenderer

        rw = self.renderer.GetRenderWindow()
        if rw is None:  # pragma: no cover - a renderer without a window
            return None
        ren = vtkRenderer()
        ren.SetLayer(max(1, rw.GetNumberOfLayers()))
        rw.SetNumberOfLayers(ren.GetLayer() + 1)
        ren.SetActiveCamera(self.renderer.GetActiveCamera())
        ren.InteractiveOff()
        ren.SetPreserveColorBuffer(True)
        ren.AddActor(self.muscles.ghost_actor)
        rw.AddRenderer(ren)
        return ren

    # -- style ---------------------------------------------------------------------------
    def _install_lights(self) -> None:
        """Replace the plotter's lights with two that move with the camera.

        A key light from the upper left and a weak headlight read the bones' shape equally well
        from every preset and every user rotation; two lights cost ~5 ms a frame less than
        VTK's four-light kit in software GL at 1280 x 800.
        """
        from vtkmodules.vtkRenderingCore import vtkLight

        self.renderer.RemoveAllLights()
        key = vtkLight()
        key.SetLightTypeToCameraLight()
        key.SetPosition(-0.7, 0.9, 0.8)
        key.SetFocalPoint(0.0, 0.0, 0.0)
        key.SetIntensity(0.8)
        head = vtkLight()
        head.SetLightTypeToHeadlight()
        head.SetIntensity(0.3)
        self.lights = [key, head]
        for light in self.lights:
            self.renderer.AddLight(light)
        if self.xray is not None:
            self.xray.RemoveAllLights()
            for light in self.lights:
                self.xray.AddLight(light)

    def set_style(self, style: RenderStyle, *, refresh: bool = True) -> None:
        """Switch the whole look (background, fonts, tube thickness, line mode, anti-aliasing ...).

        ``refresh=False`` leaves the colours, tubes and names to the :meth:`update` that the
        caller makes next (a slider drag's first step switches to the moving look and shows a
        new pose: the tubes are then laid out once, not twice)."""
        self._changed()
        self.style = style
        self.plotter.set_background(style.background_rgb)
        if style.bone_detail != self._bone_detail:
            for bone in _BONES:
                if bone in self.bone_actors:
                    kept = self._bone_mappers.get((bone, style.bone_detail))
                    if kept is None:
                        mesh = load_bone_mesh(self.model, bone, style.bone_detail)
                        kept = self._bone_mappers[(bone, style.bone_detail)] = (
                            make_bone_actor(mesh, style)[0].GetMapper(), points_of(mesh))
                    self.bone_actors[bone].SetMapper(kept[0])
                    self._bone_points[bone] = kept[1]
            self._bone_detail = style.bone_detail
        for bone, actor in self.bone_actors.items():
            style_bone(actor, style)
            if bone == "spine":
                actor.SetVisibility(style.show_spine)
            elif bone in _FEET:
                actor.SetVisibility(style.show_feet)
        self.floor.set_style(style)
        self.trunk_outline.set_style(style)
        self.muscles.set_style(style)
        self.markers.set_style(style)
        self.overlay.set_style(style)
        self._apply_anti_aliasing()
        if refresh:
            self._recolour()
            self._refresh()
            self._update_legend()

    def _apply_anti_aliasing(self) -> None:
        aa, pl = self.style.anti_aliasing, self.plotter
        try:
            pl.disable_anti_aliasing()
            if aa == "msaa":
                pl.enable_anti_aliasing("msaa", multi_samples=self.style.multi_samples)
            elif aa == "fxaa":
                # Directly: pyvista swaps FXAA for the far costlier SSAA on EGL/OSMesa builds,
                # yet FXAA works there (measured: 41 ms vs 18 ms without, 82 ms with MSAA).
                self.renderer.SetUseFXAA(True)
            elif aa == "ssaa":
                pl.enable_anti_aliasing("ssaa")
        except (AttributeError, RuntimeError):  # pragma: no cover - a bare render window
            pass

    def close(self) -> None:
        """Remove every actor and observer of the scene from the plotter."""
        self.renderer.RemoveObserver(self._observer)
        if self.xray is not None:
            self.xray.RemoveAllViewProps()
            rw = self.xray.GetRenderWindow()
            if rw is not None:
                rw.RemoveRenderer(self.xray)
        for actor in [*self.bone_actors.values(), self.muscles.actor, self.muscles.halo_actor, *self.markers.actors, self.floor.actor,
                      *self.trunk_outline.actors, *self.overlay.actors(), *self.muscle_labels.actors(),
                      *self.side_labels.actors.values()]:
            self.renderer.RemoveActor(actor)
