"""Projector mode: full screen, panels folded away into a slim strip, big text and thick
tubes, a caption naming the movement and whether the pelvis is locked, presenter-clicker keys
(PageDown/PageUp, arrows, space), B to blank the screen, Esc to leave.

The strip is two tool bars side by side: the lesson controls, and the screen controls (dark
background, blank, exit). When the screen is too narrow for both in one row (a 1024 x 768
projector), the screen controls move to a second row, so no button ever hides behind "»".
"""
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
        self.strip, self.strip2 = self._make_strip()
        self.strip.hide()
        self.strip2.hide()
        self.two_rows = False
        window.installEventFilter(self)
        self.keys: list[QAction] = []
        for keys, slot, name in ((NEXT_KEYS, self.next_step, "Next step"), (PREVIOUS_KEYS, self.previous_step, "Previous step")):
            act = QAction(name, window)
            act.setShortcuts([QKeySequence(k) for k in keys])
            act.setShortcutContext(Qt.WindowShortcut)
            act.triggered.connect(slot)
            act.setEnabled(False)
            window.addAction(act)
            self.keys.append(act)

    def _make_strip(self) -> tuple[QToolBar, QToolBar]:
        w = self.w
        f = QFont(w.font())
        f.setPointSizeF(_FONT_PT)
        bars = []
        for name, title in (("presentation_strip", "Presentation strip"), ("presentation_strip_screen", "Presentation screen")):
            bar = QToolBar(title, w)
            bar.setObjectName(name)
            bar.setMovable(False)
            bar.setIconSize(QSize(32, 32))
            bar.setToolButtonStyle(Qt.ToolButtonTextOnly)
            bar.setFont(f)
            bars.append(bar)
        bar, screen = bars
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
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        bar.addWidget(spacer)
        screen.addAction(w.act_pres_background)
        screen.addAction(w.act_blank)
        screen.addAction(w.act_presentation_exit)
        for b in bars:
            w.addToolBar(Qt.BottomToolBarArea, b)
            for child in b.findChildren(QWidget):
                child.setFont(f)
        return bar, screen

    def strips(self) -> list[QToolBar]:
        """Both tool bars of the strip."""
        return [self.strip, self.strip2]

    def fit_strip(self) -> None:
        """One row when both bars fit the window's width, else the screen controls on a second row."""
        if not self.active:
            return
        need = self._needed_width()
        two = need > self.w.width()
        if two != self.two_rows:
            self.two_rows = two
            if two:
                self.w.insertToolBarBreak(self.strip2)
            else:
                self.w.removeToolBarBreak(self.strip2)

    def _needed_width(self) -> int:
        """Pixels both bars need side by side (every button, no spacer)."""
        total = 0
        for bar in self.strips():
            lay = bar.layout()
            m = lay.contentsMargins()
            total += m.left() + m.right() + 12
            for act in bar.actions():
                wid = bar.widgetForAction(act)
                if wid is None or isinstance(wid, QWidget) and wid.sizePolicy().horizontalPolicy() == QSizePolicy.Expanding:
                    continue
                total += wid.sizeHint().width() + lay.spacing()
        return total

    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:  # noqa: N802 - Qt API
        if obj is self.w and ev.type() == QEvent.Resize and self.active:
            self.fit_strip()
        return False

    def style_strip(self) -> None:
        """Strip colours to match the projector background (dark or white), high contrast."""
        dark = self.w.prefs.presentation_background == "dark"
        bg, fg, on = ("#1C1E22", "#F2F2F2", "#3A4350") if dark else ("#FFFFFF", "#141414", "#D8DEE6")
        for bar in self.strips():
            bar.setStyleSheet(
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
        for bar in self.strips():
            bar.show()
        for act in self.keys:
            act.setEnabled(True)
        self.blank.set_dark(w.prefs.presentation_background == "dark")
        w.apply_style()
        w.plot.set_font_scale(1.6)
        if full_screen:
            w.showFullScreen()
        self.fit_strip()
        w.act_presentation.setChecked(True)
        w.refresh_caption()

    def leave(self) -> None:
        """Back to the normal window."""
        if not self.active:
            return
        w = self.w
        self.active = False
        self.blank.hide()
        for bar in self.strips():
            bar.hide()
        if self.two_rows:
            w.removeToolBarBreak(self.strip2)
            self.two_rows = False
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
