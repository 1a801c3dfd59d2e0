"""Projector mode: full screen, panels folded away into a slim strip, big text and thick
tubes, a caption naming the movement and whether the pelvis is locked, presenter-clicker keys
(PageDown/PageUp, arrows, space), B to blank the screen, Esc to leave."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QAction, QColor, QFont, QKeySequence, QPalette
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolBar, QWidget

__all__ = ["Presentation", "BlankOverlay", "NEXT_KEYS", "PREVIOUS_KEYS", "BLANK_KEYS"]

#: Keys a presenter clicker (or a keyboard) sends for the next / previous step, besides
#: PageDown / PageUp, which step in every mode (the window's step actions).
NEXT_KEYS = ("Right", "Down", "Space")
PREVIOUS_KEYS = ("Left", "Up")
BLANK_KEYS = ("B", ".")
_FONT_PT = 16


class BlankOverlay(QWidget):
    """A plain black (or white) cover over the whole window; any click or B takes it away."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("blank_overlay")
        self.setAutoFillBackground(True)
        self.set_dark(True)
        self.hide()
        parent.installEventFilter(self)

    def set_dark(self, dark: bool) -> None:
        pal = self.palette()
        pal.setColor(QPalette.Window, QColor("black" if dark else "white"))
        self.setPalette(pal)

    def cover(self) -> None:
        self.setGeometry(self.parentWidget().rect())
        self.show()
        self.raise_()
        self.setFocus()

    def showEvent(self, ev) -> None:  # noqa: N802 - Qt API
        # The 3D view is drawn by OpenGL beneath the window's other widgets: hide it too, so
        # nothing of it can show through while blanked.
        self._gl(False)
        super().showEvent(ev)

    def hideEvent(self, ev) -> None:  # noqa: N802 - Qt API
        self._gl(True)
        super().hideEvent(ev)

    def _gl(self, visible: bool) -> None:
        view = getattr(self.parentWidget(), "view", None)
        if view is not None and not view.closed:
            view.plotter.setVisible(visible)

    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:  # noqa: N802 - Qt API
        if ev.type() == QEvent.Resize and self.isVisible():
            self.setGeometry(self.parentWidget().rect())
        return False

    def mousePressEvent(self, ev) -> None:  # noqa: N802 - Qt API
        self.hide()


class Presentation(QObject):
    """Switches a :class:`~hipviz.app.window.MainWindow` in and out of projector mode."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.w = window
        self.active = False
        self._saved: dict = {}
        self.blank = BlankOverlay(window)
        self.strip = self._make_strip()
        self.strip.hide()
        self.keys: list[QAction] = []
        for keys, slot, name in ((NEXT_KEYS, self.next_step, "Next step"), (PREVIOUS_KEYS, self.previous_step, "Previous step")):
            act = QAction(name, window)
            act.setShortcuts([QKeySequence(k) for k in keys])
            act.setShortcutContext(Qt.WindowShortcut)
            act.triggered.connect(slot)
            act.setEnabled(False)
            window.addAction(act)
            self.keys.append(act)

    def _make_strip(self) -> QToolBar:
        w = self.w
        bar = QToolBar("Presentation strip", w)
        bar.setObjectName("presentation_strip")
        bar.setMovable(False)
        bar.setIconSize(QSize(32, 32))
        bar.setToolButtonStyle(Qt.ToolButtonTextOnly)
        f = QFont(bar.font())
        f.setPointSizeF(_FONT_PT)
        bar.setFont(f)
        bar.addAction(w.act_prev_step)
        bar.addAction(w.act_play)
        bar.addAction(w.act_next_step)
        self.step_label = QLabel("")
        self.step_label.setFont(f)
        self.step_label.setContentsMargins(12, 0, 12, 0)
        bar.addWidget(self.step_label)
        bar.addSeparator()
        bar.addAction(w.act_slow)
        bar.addAction(w.act_lock)
        bar.addAction(w.act_pres_background)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        bar.addWidget(spacer)
        bar.addAction(w.act_blank)
        bar.addAction(w.act_presentation_exit)
        w.addToolBar(Qt.BottomToolBarArea, bar)
        for child in bar.findChildren(QWidget):
            child.setFont(f)
        return bar

    def style_strip(self) -> None:
        """Strip colours to match the projector background (dark or white), high contrast."""
        dark = self.w.prefs.presentation_background == "dark"
        bg, fg, on = ("#1C1E22", "#F2F2F2", "#3A4350") if dark else ("#FFFFFF", "#141414", "#D8DEE6")
        self.strip.setStyleSheet(
            f"QToolBar {{ background:{bg}; border:0; border-top:1px solid {on}; spacing:6px; padding:4px; }}"
            f"QToolButton, QLabel {{ color:{fg}; font-size:{_FONT_PT}pt; padding:6px 14px; }}"
            f"QToolButton:checked {{ background:{on}; border-radius:4px; }}"
            f"QToolButton:hover {{ background:{on}; border-radius:4px; }}")

    # -- mode ----------------------------------------------------------------------------
    def toggle(self) -> None:
        self.leave() if self.active else self.enter()

    def enter(self, *, full_screen: bool = True) -> None:
        """Projector mode on: panels hidden, strip shown, big look, full screen."""
        if self.active:
            return
        w = self.w
        self.active = True
        self._saved = {"state": w.saveState(), "maximized": w.isMaximized(), "full": w.isFullScreen(),
                       "menubar": w.menuBar().isVisible(), "statusbar": w.statusBar().isVisible()}
        for dock in w.docks():
            dock.hide()
        w.main_toolbar.hide()
        w.menuBar().hide()
        w.statusBar().hide()
        self.style_strip()
        self.strip.show()
        for act in self.keys:
            act.setEnabled(True)
        self.blank.set_dark(w.prefs.presentation_background == "dark")
        w.apply_style()
        w.plot.set_font_scale(1.6)
        if full_screen:
            w.showFullScreen()
        w.act_presentation.setChecked(True)
        w.refresh_caption()

    def leave(self) -> None:
        """Back to the normal window."""
        if not self.active:
            return
        w = self.w
        self.active = False
        self.blank.hide()
        self.strip.hide()
        for act in self.keys:
            act.setEnabled(False)
        w.menuBar().setVisible(self._saved.get("menubar", True))
        w.statusBar().setVisible(self._saved.get("statusbar", True))
        w.main_toolbar.show()
        if "state" in self._saved:
            w.restoreState(self._saved["state"])
            w.panels.tidy_later()
        if not self._saved.get("full", False):
            w.showMaximized() if self._saved.get("maximized") else w.showNormal()
        w.apply_style()
        w.plot.set_font_scale(1.0)
        w.act_presentation.setChecked(False)
        w.refresh_caption()

    def escape(self) -> None:
        """Esc: first take the blank away, then leave projector mode."""
        if self.blank.isVisible():
            self.blank.hide()
        elif self.active:
            self.leave()

    def toggle_blank(self) -> None:
        if self.blank.isVisible():
            self.blank.hide()
        else:
            self.blank.set_dark(not self.active or self.w.prefs.presentation_background == "dark")
            self.blank.cover()

    # -- steps ---------------------------------------------------------------------------
    def next_step(self) -> None:
        if self.blank.isVisible():
            self.blank.hide()
            return
        self.w.step(+1)

    def previous_step(self) -> None:
        if self.blank.isVisible():
            self.blank.hide()
            return
        self.w.step(-1)

    def set_step_text(self, text: str) -> None:
        self.step_label.setText(text)
