"""The window's panels (dock widgets) and their default arrangement.

Wide screens get the pose controls and readouts on the left (the lesson browser in a tab beside
the readouts) and the muscle list, info card and moment-arm plot on the right; narrow screens
(1024 x 768) get the same panels in tabs so the 3D view keeps most of the width.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow, QScrollArea, QTabBar

__all__ = ["Panels", "COMPACT_BELOW"]

#: Screens narrower than this get tabbed panels.
COMPACT_BELOW = 1400
_TITLES = {"pose": "Pose", "readouts": "Readouts", "muscles": "Muscles", "info": "Muscle info", "plot": "Moment arm",
           "lessons": "Lessons"}


class Panels:
    """Creates the docks of ``window`` around its widgets and lays them out.

    Parameters
    ----------
    window : QMainWindow
    widgets : dict
        ``{"pose", "readouts", "muscles", "info", "plot", "lessons"}`` -> widget.
    """

    def __init__(self, window: QMainWindow, widgets: dict) -> None:
        self.w = window
        self.compact = False
        self.docks: dict[str, QDockWidget] = {}
        for key, widget in widgets.items():
            if key == "pose":
                scroll = QScrollArea()
                scroll.setWidget(widget)
                scroll.setWidgetResizable(True)
                scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
                scroll.setMinimumWidth(min(widget.minimumSizeHint().width(), 300) + 16)
                widget = scroll
            d = QDockWidget(_TITLES[key], window)
            d.setObjectName(f"dock_{key}")
            d.setWidget(widget)
            d.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetClosable
                          | QDockWidget.DockWidgetFloatable)
            self.docks[key] = d

    def arrange(self, *, compact: bool) -> None:
        """The default layout: side by side on wide screens; tabbed when space is short."""
        w, d = self.w, self.docks
        for dock in d.values():
            if w.dockWidgetArea(dock) != Qt.NoDockWidgetArea:
                w.removeDockWidget(dock)
            dock.setFloating(False)
        w.addDockWidget(Qt.LeftDockWidgetArea, d["pose"])
        w.addDockWidget(Qt.RightDockWidgetArea, d["muscles"])
        for dock in d.values():
            dock.show()
        if compact:
            w.tabifyDockWidget(d["pose"], d["readouts"])
            w.tabifyDockWidget(d["pose"], d["lessons"])
            w.tabifyDockWidget(d["muscles"], d["info"])
            w.tabifyDockWidget(d["muscles"], d["plot"])
            d["pose"].raise_()
            d["muscles"].raise_()
        else:
            w.splitDockWidget(d["pose"], d["readouts"], Qt.Vertical)
            w.tabifyDockWidget(d["readouts"], d["lessons"])
            d["readouts"].raise_()
            w.splitDockWidget(d["muscles"], d["info"], Qt.Vertical)
            w.splitDockWidget(d["info"], d["plot"], Qt.Vertical)
        self.compact = compact
        self.resize()
        QTimer.singleShot(0, self.resize)  # again once the window has its real size
        self.tidy_later()

    def resize(self) -> None:
        w, d = self.w, self.docks
        if self.compact:
            w.resizeDocks([d["pose"], d["muscles"]], [280, 290], Qt.Horizontal)
        else:
            w.resizeDocks([d["pose"], d["muscles"]], [330, 400], Qt.Horizontal)
            w.resizeDocks([d["pose"], d["readouts"]], [560, 320], Qt.Vertical)
            w.resizeDocks([d["muscles"], d["info"], d["plot"]], [300, 280, 330], Qt.Vertical)

    def tidy_later(self) -> None:
        """Hide leftover tab bars after the next layout pass (call after ``restoreState``)."""
        QTimer.singleShot(0, self.hide_stale_tab_bars)

    def hide_stale_tab_bars(self) -> None:
        """Qt can leave a tab bar of an intermediate tabbing step on screen: hide such leftovers."""
        bars = [b for b in self.w.findChildren(QTabBar) if b.parent() is self.w and b.isVisible()]
        tabs = {b: {b.tabText(i) for i in range(b.count())} for b in bars}
        for b in bars:
            if any(tabs[b] < tabs[o] for o in bars if o is not b):
                b.hide()
