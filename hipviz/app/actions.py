"""The window's actions (menu entries, toolbar buttons, keyboard shortcuts) in one table.

:data:`SHORTCUTS` is the single source for the shortcut list shown in Help and in
``docs/window.md``.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QToolBar

from .view3d import VIEW_KEYS

__all__ = ["SHORTCUTS", "build_actions", "build_menus", "build_toolbar", "SLOW_FACTORS"]

SLOW_FACTORS = (1.0, 2.0, 4.0)

#: (keys, what it does) for the help table.
SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("1 2 3 4 5 6", "Camera: front, back, left, right, top, oblique"),
    ("O", "Orthographic / perspective camera"),
    ("R", "Reset the camera to the current preset"),
    ("L", "Lock / free the pelvis"),
    ("C", "Muscle colours: effort (how hard each works) / share (who moves it)"),
    ("F", "Fixed colour scale on / off (a lesson always keeps one scale)"),
    ("Ctrl+R", "Reset the pose (all angles 0, standing, pelvis locked)"),
    ("F5", "Projector mode on / off"),
    ("Esc", "Leave projector mode (first removes a blank screen)"),
    ("B or .", "Blank the screen / show it again"),
    ("PageDown, Right, Down, Space", "Next step of the scene (projector mode; PageDown always)"),
    ("PageUp, Left, Up", "Previous step of the scene (projector mode; PageUp always)"),
    ("P", "Play / pause the scene"),
    ("S", "Slow motion: 1x, 1/2x, 1/4x"),
    ("M", "Play / pause a recorded motion (File > Open motion file...)"),
    ("Ctrl+L", "Lessons panel: pick a lesson, Enter opens it"),
    ("Ctrl+O", "Open a lesson file of your own"),
    ("Ctrl+S", "Save a picture of the 3D view"),
    ("Ctrl+Shift+C", "Copy a picture of the 3D view"),
    ("F1", "This list"),
    ("Ctrl+Q", "Quit"),
)


def _act(w, text: str, slot=None, keys=(), *, checkable: bool = False, tip: str = "", name: str = "") -> QAction:
    a = QAction(text, w)
    if keys:
        a.setShortcuts([QKeySequence(k) for k in keys])
        a.setShortcutContext(Qt.WindowShortcut)
    a.setCheckable(checkable)
    if tip:
        a.setToolTip(tip)
        a.setStatusTip(tip)
    if slot is not None:
        a.triggered.connect(slot)
    if name:
        a.setObjectName(name)
    w.addAction(a)
    return a


def build_actions(w) -> None:
    """Create every ``w.act_*`` action and connect it to the window's slots."""
    w.act_views = {}
    for n, name in enumerate(VIEW_KEYS, start=1):
        w.act_views[name] = _act(w, name.capitalize(), lambda _=False, v=name: w.set_view(v), [str(n)],
                                 tip=f"Camera from the {name} ({n})", name=f"view_{name}")
    w.act_ortho = _act(w, "Orthographic", w.set_orthographic, ["O"], checkable=True,
                       tip="Orthographic camera: no perspective, sizes comparable across the picture (O)")
    w.act_ortho.setIconText("Ortho")
    w.act_reset_camera = _act(w, "Reset camera", lambda: w.view.reset_camera(), ["R"], tip="Back to the camera preset (R)")
    w.act_lock = _act(w, "Lock pelvis", lambda on: w.vm.set_option("lock_pelvis", bool(on)), ["L"], checkable=True,
                      tip="Lock the pelvis: the hip alone moves (L)", name="act_lock")
    w.act_reset_pose = _act(w, "Reset pose", lambda: w.vm.reset(), ["Ctrl+R"])
    w.act_presentation = _act(w, "Projector mode", lambda: w.presentation.toggle(), ["F5"], checkable=True,
                              tip="Full screen, big text, panels folded away (F5; Esc leaves)", name="act_presentation")
    w.act_presentation_exit = _act(w, "Exit (Esc)", lambda: w.presentation.leave())
    w.act_escape = _act(w, "Escape", lambda: w.escape(), ["Esc"])
    w.act_blank = _act(w, "Blank (B)", lambda: w.presentation.toggle_blank(), ["B", "."], tip="Blank the screen (B)")
    w.act_pres_background = _act(w, "Dark background", w.set_presentation_dark, checkable=True,
                                 tip="Projector mode on a dark (checked) or white background")
    w.act_prev_step = _act(w, "\N{BLACK LEFT-POINTING TRIANGLE} Step", lambda: w.step(-1), ["PgUp"],
                           tip="Previous step (PageUp)")
    w.act_next_step = _act(w, "Step \N{BLACK RIGHT-POINTING TRIANGLE}", lambda: w.step(+1), ["PgDown"],
                           tip="Next step (PageDown)")
    w.act_play = _act(w, "Play", lambda: w.player.toggle_play(), ["P"], tip="Play the scene step by step (P)")
    w.act_slow = _act(w, "Speed 1x", w.cycle_slow, ["S"], tip="Slow motion for moving slowly through the range (S)")
    w.act_open = _act(w, "Open lesson file\N{HORIZONTAL ELLIPSIS}", w.open_scene_dialog, ["Ctrl+O"],
                      tip="Open a lesson of your own (a .toml file) (Ctrl+O)", name="act_open")
    w.act_lessons = _act(w, "Lessons\N{HORIZONTAL ELLIPSIS}", w.show_lessons, ["Ctrl+L"],
                         tip="The lessons shipped with hipviz, with their descriptions (Ctrl+L)", name="act_lessons")
    w.act_close_scene = _act(w, "Close lesson", lambda: w.load_scene(None))
    w.act_save_image = _act(w, "Save picture\N{HORIZONTAL ELLIPSIS}", w.save_picture, ["Ctrl+S"],
                            tip="Save a picture of the 3D view for slides (Ctrl+S)")
    w.act_copy_image = _act(w, "Copy picture", w.copy_picture, ["Ctrl+Shift+C"],
                            tip="Copy a picture of the 3D view to the clipboard (Ctrl+Shift+C)")
    w.act_quit = _act(w, "Quit", w.close, ["Ctrl+Q"])
    w.act_dark = _act(w, "Dark background", lambda on: w.set_pref(background="dark" if on else "white"), checkable=True)
    w.act_force = _act(w, "Tube thickness follows force capacity", lambda on: w.set_pref(force_thickness=bool(on)),
                       checkable=True)
    w.act_smooth = _act(w, "Smooth edges when still", lambda on: w.set_pref(smooth_when_idle=bool(on)), checkable=True)
    w.act_caption = _act(w, "Caption in the 3D view", lambda on: w.set_pref(show_caption=bool(on)), checkable=True)
    w.act_trunk_outline = _act(w, "Rib cage outline", lambda on: w.set_pref(trunk_outline=bool(on)), checkable=True,
                               tip="A translucent rib cage where the trunk muscles end", name="act_trunk_outline")
    w.names_group = QActionGroup(w)
    w.act_names = {}
    for n, text in ((0, "None"), (3, "3 most active"), (5, "5 most active"), (8, "8 most active")):
        a = _act(w, text, lambda _=False, k=n: w.set_pref(muscle_names=k), checkable=True, name=f"act_names_{n}",
                 tip="Names with leader lines on the most active muscles (and the selected ones)")
        w.names_group.addAction(a)
        w.act_names[n] = a
    w.act_restore = _act(w, "Restore defaults", w.restore_defaults,
                         tip="Forget the saved layout, look, scene and pose")
    w.act_shortcuts = _act(w, "Keyboard shortcuts", w.show_shortcuts, ["F1"])
    w.act_about = _act(w, "About hipviz", w.show_about)
    w.colour_group = QActionGroup(w)
    w.act_colour = {}
    for key, text, tip in (("effort", "Effort", "Colour working muscles by how hard each works: activation, % of "
                                                "maximal force (C switches)"),
                           ("share", "Share", "Colour working muscles by who moves it: each one's part of the "
                                              "moment in the movement's direction, % (C switches)")):
        a = _act(w, text, lambda _=False, k=key: w.set_colour(k), checkable=True, tip=tip, name=f"colour_{key}")
        w.colour_group.addAction(a)
        w.act_colour[key] = a
    w.act_colour_toggle = _act(w, "Switch effort / share", w.toggle_colour, ["C"], name="act_colour_toggle")
    w.act_fixed_scale = _act(w, "Fixed colour scale", w.set_fixed_scale, ["F"], checkable=True,
                             tip="Keep the colour scale at 0-100 % while the sliders move (F)", name="act_fixed_scale")
    w.palette_group = QActionGroup(w)
    w.act_palettes = {}
    for key, text in (("okabe_ito", "Okabe\N{EN DASH}Ito (colour-blind safe)"),
                      ("okabe_ito_light", "Okabe\N{EN DASH}Ito, lighter (for dark backgrounds)")):
        a = _act(w, text, lambda _=False, k=key: w.set_pref(palette=k), checkable=True)
        w.palette_group.addAction(a)
        w.act_palettes[key] = a


def build_menus(w) -> None:
    mb = w.menuBar()
    m = mb.addMenu("&File")
    for a in (w.act_save_image, w.act_copy_image):
        m.addAction(a)
    m.addSeparator()
    m.addAction(w.act_quit)
    w.scene_menu = mb.addMenu("&Scene")
    m = mb.addMenu("&View")
    for a in w.act_views.values():
        m.addAction(a)
    m.addAction(w.act_ortho)
    m.addAction(w.act_reset_camera)
    m.addSeparator()
    m.addAction(w.act_dark)
    cm = m.addMenu("Working muscles coloured by")
    for a in w.act_colour.values():
        cm.addAction(a)
    cm.addSeparator()
    cm.addAction(w.act_colour_toggle)
    cm.addAction(w.act_fixed_scale)
    pm = m.addMenu("Muscle group colours")
    for a in w.act_palettes.values():
        pm.addAction(a)
    nm = m.addMenu("Names on the lit muscles")
    for a in w.act_names.values():
        nm.addAction(a)
    for a in (w.act_force, w.act_trunk_outline, w.act_smooth, w.act_caption):
        m.addAction(a)
    m.addSeparator()
    w.panels_menu = m.addMenu("Panels")
    m.addSeparator()
    m.addAction(w.act_presentation)
    m.addAction(w.act_pres_background)
    m.addAction(w.act_blank)
    m.addSeparator()
    m.addAction(w.act_restore)
    m = mb.addMenu("&Pose")
    m.addAction(w.act_lock)
    m.addAction(w.act_reset_pose)
    m = mb.addMenu("&Help")
    m.addAction(w.act_shortcuts)
    m.addAction(w.act_about)


def fill_scene_menu(w, shipped: list[tuple[str, str]]) -> None:
    """Scene menu: shipped scenes by title, open, close, steps and playing."""
    m = w.scene_menu
    m.clear()
    for path, title in shipped:
        m.addAction(title, lambda p=path: w.load_scene(p))
    m.addSeparator()
    for a in (w.act_lessons, w.act_open, w.act_close_scene):
        m.addAction(a)
    m.addSeparator()
    for a in (w.act_prev_step, w.act_next_step, w.act_play, w.act_slow):
        m.addAction(a)


def build_toolbar(w, shipped: list[tuple[str, str]]) -> QToolBar:
    tb = QToolBar("Main toolbar", w)
    tb.setObjectName("main_toolbar")
    tb.setMovable(False)
    tb.setToolButtonStyle(Qt.ToolButtonTextOnly)
    # Most needed first: on a narrow screen the end of the toolbar folds into a menu.
    tb.addAction(w.act_presentation)
    tb.addAction(w.act_lock)
    tb.addSeparator()
    tb.addWidget(QLabel(" Colour "))
    for a in w.act_colour.values():
        tb.addAction(a)
    tb.addSeparator()
    tb.addWidget(QLabel(" Camera "))
    for a in w.act_views.values():
        tb.addAction(a)
    tb.addAction(w.act_ortho)
    tb.addSeparator()
    w.scene_combo = QComboBox()
    w.scene_combo.setObjectName("scene_combo")
    w.scene_combo.setToolTip("A lesson: steps to walk through with the class")
    w.scene_combo.addItem("No scene", None)
    for path, title in shipped:
        w.scene_combo.addItem(title, path)
    w.scene_combo.setMaximumWidth(260)
    w.scene_combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
    w.scene_combo.setMinimumContentsLength(12)
    tb.addWidget(w.scene_combo)
    for a in (w.act_prev_step, w.act_play, w.act_next_step):
        tb.addAction(a)
    w.step_label = QLabel("")
    w.step_label.setContentsMargins(6, 0, 6, 0)
    tb.addWidget(w.step_label)
    tb.addAction(w.act_slow)
    tb.addSeparator()
    tb.addAction(w.act_save_image)
    tb.addAction(w.act_copy_image)
    w.addToolBar(Qt.TopToolBarArea, tb)
    return tb
