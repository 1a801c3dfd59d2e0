"""The window's lessons: loading one (a dialog when it cannot be), the lesson browser, and what
each step shows besides its pose: its camera preset, the muscles it picks out and its colouring.

The decisions are Qt-free (:mod:`hipviz.app.lesson`, :mod:`hipviz.app.colouring`); this module
moves the widgets.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from hipviz.io.scenes import SceneError

from . import actions
from .browser import LessonBrowser
from .lesson import LessonEntry, emphasis, lesson_catalogue, open_lesson

__all__ = ["Lessons"]


class Lessons:
    """Lesson handling for a :class:`~hipviz.app.window.MainWindow`.

    Attributes
    ----------
    browser : LessonBrowser
        The *Lessons* panel.
    path : str or None
        The loaded lesson's file.
    highlight : tuple of str
        The muscles the shown step picks out.
    colour_override : {"effort", "share"} or None
        A colouring chosen while a lesson that sets its own is loaded; forgotten with the lesson.
    """

    def __init__(self, win) -> None:
        self.w = win
        self.browser = LessonBrowser()
        self.path: str | None = None
        self.highlight: tuple[str, ...] = ()
        self.colour_override: str | None = None
        self.entries = []
        self.own: list = []  # lesson files the teacher opened, listed after the shipped ones
        self._side = win.vm.options["side"]
        self.browser.open_requested.connect(self.load)
        self.browser.open_file_requested.connect(self.open_dialog)
        self.browser.refresh_requested.connect(self.refresh)
        win.player.step_shown.connect(self._on_step_shown)
        win.vm.request_changed.connect(self._on_request)

    # -- the list ----------------------------------------------------------------------------
    def read_folder(self) -> list[tuple[str, str]]:
        """Read the shipped lessons now; ``[(path, title)]`` of those that can be opened."""
        self.entries = lesson_catalogue(postures=self.w.model.postures)
        shipped = {str(e.path) for e in self.entries}
        self.own = [e for e in self.own if str(e.path) not in shipped]
        self.browser.set_entries(self.entries + self.own)
        return [(str(e.path), e.title) for e in self.entries if e.error is None]

    def refresh(self) -> None:
        """Read the folder again (lessons written since the start) and refill menu and toolbar."""
        shipped = self.read_folder()
        actions.fill_scene_menu(self.w, shipped)
        combo = self.w.scene_combo
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("No scene", None)
        for path, title in shipped:
            combo.addItem(title, path)
        combo.blockSignals(False)
        self._show_current(self.w.player.scene)

    # -- loading -----------------------------------------------------------------------------
    def load(self, path: str | None, step: int = 0) -> bool:
        """Load a lesson file (None closes the lesson); a dialog says why one cannot be loaded."""
        w = self.w
        if path is None:
            self.path = None
            self.colour_override = None
            w.player.unload()
            w.vm.set_option("contacts", None)  # the lesson's floor contacts go with it
            self._show_current(None)
            w.refresh_caption()
            w.apply_style()  # the user's colouring again, and no lesson scale
            w.sync_pref_actions()
            return True
        try:
            scene = open_lesson(path, postures=w.model.postures)
        except SceneError as exc:
            QMessageBox.warning(w, "hipviz \N{EN DASH} lesson not opened", str(exc))
            return False
        self.path = str(path)
        self.colour_override = None
        if all(str(e.path) != self.path for e in self.entries + self.own):
            self.own.append(LessonEntry(Path(path), scene.title, " ".join(scene.description.split()), len(scene.steps)))
            self.browser.set_entries(self.entries + self.own)
        w.player.load(scene)
        w.apply_style()  # the lesson's colouring and its one colour scale for every step
        w.sync_pref_actions()
        if step:
            w.player.goto(step, animate=False)
        self._show_current(scene)
        w.statusBar().showMessage(f"Lesson: {scene.title} \N{EN DASH} {scene.description}", 10000)
        return True

    def _show_current(self, scene) -> None:
        combo = self.w.scene_combo
        if scene is None or self.path is None:
            combo.setCurrentIndex(0)
            self.browser.set_current_path(None)
            return
        j = combo.findData(self.path)
        if j < 0:
            combo.addItem(scene.title, self.path)
            j = combo.count() - 1
        combo.setCurrentIndex(j)
        self.browser.set_current_path(self.path)

    def open_dialog(self) -> None:
        """*Open lesson file...*: a lesson of the teacher's own."""
        folder = str(Path(self.path).parent) if self.path else ""
        path, _ = QFileDialog.getOpenFileName(self.w, "Open lesson file", folder, "Lessons (*.toml)")
        if path:
            self.load(path)

    # -- each step ---------------------------------------------------------------------------
    def _on_step_shown(self, step) -> None:
        if step is None:
            self.highlight = ()
        else:
            self.highlight = tuple(step.highlight)
            if step.view is not None:
                self.w.show_view(step.view)
            self.w.view.fit_when_still()  # the step's pose fills the picture once it is reached
        self.apply_emphasis()

    def _on_request(self) -> None:
        side = self.w.vm.options["side"]
        if side != self._side:
            self._side = side
            self.apply_emphasis()

    def apply_emphasis(self) -> None:
        """Pick out the step's muscles (the user's selection and solo come first)."""
        w = self.w
        view = w.view
        drawn = {k[1] for k in view.scene.bundle_actors}
        hl, focus = emphasis(w.vm.selected, self.highlight, w.vm.options["side"], drawn, solo=view.solo_id)
        view.highlight(hl)
        view.set_focus(focus, side=w.vm.options["side"])
        w.muscle_list.mark(self.highlight)
