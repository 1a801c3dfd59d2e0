"""The main window: a thin shell that wires widgets to the view model.

Widgets change the request in :class:`~hipviz.app.viewmodel.ViewModel`; it evaluates the core
once per frame; the 3D view updates at once and the panels (readouts, muscle list, info card,
plot) in the same frame at most every ~100 ms while something is being dragged (ten times a
second: numbers a class can read, and a lighter frame), and once
more when it stops.
"""
from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QEvent, QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMessageBox

import hipviz
from hipviz.core.pose import PELVIS_ANGLES
from hipviz.render import RenderStyle

from . import actions, colouring, session
from ._compat import protect_singletons
from .controls import ControlsPanel
from .info_card import InfoCard
from .lessons import Lessons
from .motion_player import Motions
from .muscle_list import MuscleList
from .panels import COMPACT_BELOW, Panels
from .player import ScenePlayer
from .plot import MomentArmPlot
from .presentation import Presentation
from .readouts import Readouts
from .settings import Store
from .viewmodel import MOVEMENT_LABELS, ViewModel
from .view3d import View3D

__all__ = ["MainWindow"]

protect_singletons()

_PANEL_MS = 100
_PANEL_TRAILING_MS = 120
#: Legend text height of the 3D view in the normal window (per 1000 px of view height); the
#: view shares the window with panels, so it is smaller than in pictures or projector mode.
_NORMAL_FONT = 17.0


class MainWindow(QMainWindow):
    """The hipviz window.

    Parameters
    ----------
    model : hipviz.Model, optional
        Default: :func:`hipviz.load_model`.
    store : Store, optional
        Where settings persist; default ``Store(None)`` keeps nothing.
    compact : bool, optional
        Tabbed panels for small screens; default: when the screen is narrower than 1400 pixels.
    """

    def __init__(self, model=None, *, store: Store | None = None, compact: bool | None = None) -> None:
        super().__init__()
        self.setWindowTitle("hipviz \N{EN DASH} the hip in 3D")
        self.model = model or hipviz.load_model()
        self.store = store or Store(None)
        self.prefs = self.store.preferences()
        self.vm = ViewModel(self.model, self)
        self.player = ScenePlayer(self.vm, self)
        self.view = View3D(self.model, style=self.render_style(), parent=self)
        self.setCentralWidget(self.view)
        self.setDockOptions(QMainWindow.AllowTabbedDocks | QMainWindow.AllowNestedDocks)
        self.controls = ControlsPanel(self.vm)
        self.readouts = Readouts()
        self.muscle_list = MuscleList(self.model, drawn={k[1] for k in self.view.scene.bundle_actors})
        self.info = InfoCard(self.model)
        self.plot = MomentArmPlot(self.model)
        self.lessons = Lessons(self)
        self.panels = Panels(self, {"pose": self.controls, "readouts": self.readouts, "muscles": self.muscle_list,
                                    "info": self.info, "plot": self.plot, "lessons": self.lessons.browser})
        shipped = self.lessons.read_folder()
        actions.build_actions(self)
        actions.build_menus(self)
        actions.fill_scene_menu(self, shipped)
        self.main_toolbar = actions.build_toolbar(self, shipped)
        for dock in self.docks():
            self.panels_menu.addAction(dock.toggleViewAction())
        self.presentation = Presentation(self)
        self._panel_clock = QElapsedTimer()
        self._panel_clock.start()
        self._panel_timer = QTimer(self)
        self._panel_timer.setSingleShot(True)
        self._panel_timer.timeout.connect(self.update_panels)
        self.statusBar().showMessage("Drag in the 3D view to turn it; click a muscle for its card", 8000)
        self._wire()
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        width = screen.width() if screen is not None else 1600
        self.resize(min(1600, width), min(1000, screen.height() if screen is not None else 1000))
        self.panels.arrange(compact=width < COMPACT_BELOW if compact is None else compact)
        self.motions = Motions(self)  # a recorded motion: its timeline bar and the "Over time" panel
        self.default_layout = self.saveState()
        self._sync_actions()
        session.restore(self)
        self.motions.after_restore()
        self.vm.evaluate_now()

    # -- construction ----------------------------------------------------------------------
    def arrange_docks(self, *, compact: bool) -> None:
        """The default panel layout (see :class:`~hipviz.app.panels.Panels`)."""
        self.panels.arrange(compact=compact)

    def docks(self) -> list[QDockWidget]:
        return list(self.panels.docks.values())

    def _wire(self) -> None:
        vm = self.vm
        vm.state_changed.connect(self._on_state)
        vm.selection_changed.connect(self._on_selection)
        vm.driven_changed.connect(self.plot.set_driven)
        vm.request_changed.connect(self._sync_actions)
        vm.error.connect(lambda msg: self.statusBar().showMessage(msg, 8000))
        self.view.clicked.connect(self._on_view_click)
        self.view.hovered.connect(self._on_hover)
        self.muscle_list.visibility_changed.connect(self.view.set_muscle_visible)
        self.muscle_list.solo_changed.connect(self._on_solo)
        self.muscle_list.selected.connect(lambda mid: vm.select(None if mid is None else (vm.options["side"][0], mid)))
        self.plot.pose_clicked.connect(vm.set_angle)
        self.player.step_changed.connect(self._on_step)
        self.player.playing_changed.connect(lambda on: self.act_play.setText("Pause" if on else "Play"))
        self.scene_combo.activated.connect(lambda _: self.load_scene(self.scene_combo.currentData()))

    # -- state flow ----------------------------------------------------------------------
    def showEvent(self, ev) -> None:  # noqa: N802 - Qt API
        super().showEvent(ev)
        handle = self.windowHandle()
        if handle is not None and not getattr(self, "_paint_hook", False):
            handle.installEventFilter(self)
            self._paint_hook = True

    def eventFilter(self, obj, ev) -> bool:  # noqa: N802 - Qt API
        # Just before Qt paints the window (the slider that moved, say), evaluate a pending
        # request so the 3D view is part of the same frame: in software GL every window
        # frame is composed and copied whole, so one frame per change instead of two.
        if ev.type() == QEvent.UpdateRequest and self.vm.pending:
            self.vm.evaluate_now()
        return False

    def event(self, ev) -> bool:  # noqa: D401 - Qt API
        if ev.type() == QEvent.UpdateRequest and self.vm.pending:
            self.vm.evaluate_now()
        return super().event(ev)

    def _on_state(self, state) -> None:
        self.view.set_state(state)
        self.refresh_caption()
        # Panels change in the same frame as the 3D view (one window composition per frame):
        # at most every _PANEL_MS while dragging, and once more when the drag pauses.
        if self._panel_clock.elapsed() >= _PANEL_MS:
            self._panel_timer.stop()
            self.update_panels()
        else:
            self._panel_timer.start(_PANEL_TRAILING_MS)

    def update_panels(self) -> None:
        """Readouts, muscle list, info card and plot from the current state."""
        state = self.vm.state
        if state is None:
            return
        self._panel_clock.restart()
        self.readouts.update_state(state)
        c = state.side
        colors = {}
        drawn = self.view.scene.bundle_actors
        for ms in (state.muscles[c], state.trunk.get(c)):
            for mid, bn in zip(ms.muscle_ids, ms.bundle_names) if ms is not None else ():
                if (c, mid, bn) in drawn:
                    colors.setdefault(mid, self.view.scene.bundle_color((c, mid, bn)))
        self.muscle_list.update_state(state, colors, mode=self.colour_mode())
        self.info.show_muscle(state, self.vm.selected)
        self.plot.update_state(state)

    def refresh_caption(self) -> None:
        """Caption in the 3D view: the scene step or movement, and pelvis locked / free."""
        vm, st = self.vm, self.vm.state
        show = self.presentation.active or self.prefs.show_caption
        if not show:
            self.view.set_caption("")
            return
        motions = getattr(self, "motions", None)
        if motions is not None and motions.active:  # a recorded motion says its time and which foot is down
            self.view.set_caption(motions.caption())
            return
        first = self.player.caption() or vm.caption
        if not first:
            mv = vm.options["movement"]
            side = "Right" if vm.options["side"] == "right" else "Left"
            first = f"{side} hip" + ("" if mv is None else f": {MOVEMENT_LABELS.get(mv, mv).lower()}")
        locked = vm.options["lock_pelvis"]
        second = "Pelvis locked" if locked else "Pelvis free"
        if st is not None and summary_moved(st) > 1.0:
            second += " \N{EN DASH} the pelvis moves"
        self.view.set_caption(f"{first}\n{second}")

    def _on_solo(self, mid) -> None:
        self.view.solo(mid)
        self.lessons.apply_emphasis()  # a muscle shown alone lifts a lesson step's focus

    def _on_selection(self, sel) -> None:
        self.lessons.apply_emphasis()
        self.info.show_muscle(self.vm.state, sel)
        self.plot.set_selection(sel)
        self.muscle_list.set_current(sel[1] if sel else None)
        if sel is not None and self.panels.docks["info"].isHidden() and not self.presentation.active:
            self.panels.docks["info"].show()

    def _on_view_click(self, sel) -> None:
        self.vm.select(sel)

    def _on_hover(self, sel) -> None:
        if sel is None:
            self.statusBar().clearMessage()
            return
        side = "right" if sel[0] == "r" else "left"
        self.statusBar().showMessage(f"{self.model.muscle(sel[1]).name} ({side}) \N{EN DASH} click for details")

    def _sync_actions(self) -> None:
        self.act_lock.setChecked(bool(self.vm.options["lock_pelvis"]))

    # -- camera and look -----------------------------------------------------------------
    def set_view(self, name: str) -> None:
        self.prefs.view = name
        if self.vm.pending:  # fit the camera to the pose that is about to be shown
            self.vm.evaluate_now()
        self.view.set_view(name)

    def show_view(self, name: str) -> None:
        """Move the camera to a preset for a lesson step (the user's saved preset is kept)."""
        if self.vm.pending:
            self.vm.evaluate_now()
        self.view.set_view(name)

    def show_lessons(self) -> None:
        """Bring the *Lessons* panel to the front."""
        dock = self.panels.docks["lessons"]
        dock.show()
        dock.raise_()
        self.lessons.browser.list.setFocus()

    def set_orthographic(self, on: bool) -> None:
        self.prefs.orthographic = bool(on)
        self.view.set_orthographic(bool(on))

    def render_style(self) -> RenderStyle:
        """The 3D look from the preferences (and projector mode)."""
        p = self.prefs
        thick = {} if p.force_thickness else {"tube_force_k": 0.0, "tube_radius_mm": 3.2}
        extras = {"label_count": int(p.muscle_names), "show_trunk_outline": bool(p.trunk_outline)}
        scene = getattr(getattr(self, "player", None), "scene", None)
        colour = colouring.style_colour(p, scene, self.model, mode=self.colour_mode())
        motions = getattr(self, "motions", None)
        if motions is not None and motions.active:  # one colour scale for the whole motion
            colour["activation_scale"] = motions.scale(colour["colour"])
        if getattr(self, "presentation", None) is not None and self.presentation.active:
            dark = p.presentation_background == "dark"
            return RenderStyle.presentation_style(dark=dark, show_caption=True, **thick, **colour, **extras)
        palette = p.palette if p.palette != "okabe_ito" or p.background == "white" else "okabe_ito_light"
        return RenderStyle(background=p.background, palette=palette, show_caption=p.show_caption,
                           font_size=_NORMAL_FONT, **thick, **colour, **extras)

    def apply_style(self) -> None:
        self.view.smooth_when_idle = self.prefs.smooth_when_idle
        self.view.set_style(self.render_style())

    def set_pref(self, **changes) -> None:
        for k, v in changes.items():
            setattr(self.prefs, k, v)
        self.apply_style()
        self.refresh_caption()
        self.sync_pref_actions()

    def colour_mode(self) -> str:
        """The colouring drawn now: a loaded lesson's (or what was chosen during it), else the user's."""
        lessons = getattr(self, "lessons", None)
        return colouring.shown_mode(self.prefs, getattr(getattr(self, "player", None), "scene", None),
                                    None if lessons is None else lessons.colour_override)

    def set_colour(self, mode: str) -> None:
        """Colour working muscles by ``"effort"`` (activation) or ``"share"`` (part of the moment).

        While a lesson that sets its own colouring is loaded, the choice lasts as long as the
        lesson; otherwise it is the user's preference.
        """
        if mode not in colouring.COLOUR_MODES:
            raise ValueError(f"colour must be one of {', '.join(colouring.COLOUR_MODES)}, not {mode!r}")
        if colouring.lesson_owns_colour(self.player.scene):
            self.lessons.colour_override = mode
            self.apply_style()
            self.sync_pref_actions()
        else:
            self.set_pref(colour=mode)
        self.update_panels()
        self._colour_status()

    def toggle_colour(self) -> None:
        """Effort <-> share (``C``)."""
        self.set_colour(colouring.other_mode(self.colour_mode()))

    def set_fixed_scale(self, on: bool) -> None:
        """Fix the colour scale (``F``; 100 % outside a lesson) or let it follow each pose."""
        self.set_pref(fixed_scale=bool(on))
        self._colour_status()

    def _colour_status(self) -> None:
        scene = self.player.scene
        self.statusBar().showMessage(colouring.status_text(self.prefs, scene, self.view.base_style.activation_scale,
                                                           mode=self.colour_mode()), 6000)

    def set_presentation_dark(self, on: bool) -> None:
        self.set_pref(presentation_background="dark" if on else "white")
        self.presentation.blank.set_dark(on)
        self.presentation.style_strip()

    def sync_pref_actions(self) -> None:
        p = self.prefs
        mode = self.colour_mode()
        for act, value in ((self.act_dark, p.background == "dark"), (self.act_force, p.force_thickness),
                           (self.act_smooth, p.smooth_when_idle), (self.act_caption, p.show_caption),
                           (self.act_pres_background, p.presentation_background == "dark"),
                           (self.act_trunk_outline, p.trunk_outline),
                           (self.act_ortho, p.orthographic),
                           (self.act_colour["effort"], mode != "share"), (self.act_colour["share"], mode == "share"),
                           (self.act_fixed_scale, colouring.scale_is_fixed(p, self.player.scene))):
            act.blockSignals(True)
            act.setChecked(value)
            act.blockSignals(False)
        lesson = self.player.scene is not None
        self.act_fixed_scale.setEnabled(not lesson)
        self.act_fixed_scale.setToolTip("A lesson keeps one colour scale for all its steps" if lesson else
                                        "Keep the colour scale at 0-100 % while the sliders move (F)")
        if p.palette in self.act_palettes:
            self.act_palettes[p.palette].setChecked(True)
        if p.muscle_names in self.act_names:
            self.act_names[p.muscle_names].setChecked(True)
        self.act_slow.setText("Speed 1x" if p.slow <= 1 else f"Speed 1/{p.slow:g}x")

    def escape(self) -> None:
        if self.presentation.active or self.presentation.blank.isVisible():
            self.presentation.escape()
        else:
            self.vm.select(None)

    # -- scenes ------------------------------------------------------------------------
    @property
    def scene_path(self) -> str | None:
        """The loaded lesson's file, or None."""
        return self.lessons.path

    def load_motion(self, path: str | None, *, play: bool = True) -> bool:
        """Play a recorded motion (OpenSim .mot/.sto or CSV; None closes it); a dialog says why one
        cannot be opened."""
        if path is None:
            self.motions.unload()
            return True
        return self.motions.load(path, play=play)

    def show_frame_state(self, state) -> None:
        """Show a state evaluated elsewhere (a frame of a recorded motion) as if just evaluated:
        the 3D view, the caption and the panels."""
        self.vm.state = state
        self._on_state(state)

    def load_scene(self, path: str | None, step: int = 0) -> bool:
        """Load a lesson file (None closes it); a dialog says why one cannot be loaded."""
        return self.lessons.load(path, step)

    def open_scene_dialog(self) -> None:
        """*Open lesson file...*"""
        self.lessons.open_dialog()

    def step(self, delta: int) -> None:
        """Next (+1) or previous (-1) step of the loaded scene."""
        if self.player.scene is None:
            self.statusBar().showMessage("Load a scene (Scene menu) to step through it", 5000)
            return
        self.player.stop()
        self.player.next() if delta > 0 else self.player.previous()

    def _on_step(self, index: int, n: int) -> None:
        text = "" if index < 0 else f"{index + 1} / {n}"
        self.step_label.setText(text)
        self.presentation.set_step_text(text)
        self.refresh_caption()

    def cycle_slow(self) -> None:
        j = actions.SLOW_FACTORS.index(self.prefs.slow) if self.prefs.slow in actions.SLOW_FACTORS else 0
        self.prefs.slow = actions.SLOW_FACTORS[(j + 1) % len(actions.SLOW_FACTORS)]
        self.player.set_slow(self.prefs.slow)
        self.sync_pref_actions()

    # -- pictures --------------------------------------------------------------------------
    def _ask_export(self, copy: bool):
        from .export import ExportDialog  # the dialog's module (and its Qt classes) only when asked

        d = ExportDialog(self, copy=copy, size_label=self.prefs.export_size, transparent=self.prefs.export_transparent)
        if not d.exec():
            return None
        label, size, transparent = d.choice()
        self.prefs.export_size, self.prefs.export_transparent = label, transparent
        return size, transparent

    def save_picture(self) -> None:
        choice = self._ask_export(copy=False)
        if choice is not None:
            from .export import save_image_interactive

            path = save_image_interactive(self, self.view, *choice)
            if path:
                self.statusBar().showMessage(f"Saved {path}", 6000)

    def copy_picture(self) -> None:
        choice = self._ask_export(copy=True)
        if choice is not None:
            from .export import copy_image

            img = copy_image(self.view, *choice)
            self.statusBar().showMessage(f"Copied a {img.width()} x {img.height()} picture", 6000)

    # -- help ----------------------------------------------------------------------------
    def show_shortcuts(self) -> None:
        rows = "".join(f"<tr><td><b>{k}</b>&nbsp;&nbsp;</td><td>{t}</td></tr>" for k, t in actions.SHORTCUTS)
        QMessageBox.information(self, "Keyboard shortcuts", f"<table>{rows}</table>")

    def show_about(self) -> None:
        QMessageBox.about(self, "About hipviz", f"<b>hipviz {hipviz.__version__}</b><br>The human hip in 3D: "
                          "bones, muscles, moment arms, activation and the pelvis that compensates.")

    # -- settings ------------------------------------------------------------------------
    def save_settings(self) -> None:
        session.save(self)

    def restore_defaults(self) -> None:
        """Forget saved settings: default layout, look, camera, pose; no scene."""
        session.restore_defaults(self)

    def closeEvent(self, ev) -> None:  # noqa: N802 - Qt API
        self.save_settings()
        self.player.shutdown()
        self.motions.shutdown()
        self.vm.shutdown()
        self._panel_timer.stop()
        self.view.close_scene()
        super().closeEvent(ev)


def summary_moved(state) -> float:
    """Degrees the pelvis has moved away from neutral (largest of tilt, obliquity, rotation)."""
    moved = float(state.pelvis_moved_deg[0]) if state.pelvis_moved_deg is not None else 0.0
    return max(moved, *(abs(float(state.poses.degrees(n)[0])) for n in PELVIS_ANGLES.values()))
