"""The lesson browser: the shipped lessons by title, with their descriptions, to open with a
double-click or Enter, and a button for the teacher's own lesson files.

The list is read from ``scenes/`` when the window starts (:func:`~hipviz.app.lesson.lesson_catalogue`)
and again with *Refresh*; a file that cannot be read is listed in grey with its error.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from .lesson import LessonEntry

__all__ = ["LessonBrowser"]

_PATH = Qt.UserRole
_CURRENT = "\N{BLACK RIGHT-POINTING SMALL TRIANGLE} "


class LessonBrowser(QWidget):
    """A list of lessons.

    Signals
    -------
    open_requested(str)
        The path of the lesson to open (double-click, Enter or *Open*).
    open_file_requested()
        *Open lesson file...* was clicked.
    refresh_requested()
        *Refresh* was clicked (read the folder again).
    """

    open_requested = Signal(str)
    open_file_requested = Signal()
    refresh_requested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        self.list = QListWidget()
        self.list.setObjectName("lesson_list")
        self.list.setWordWrap(True)
        self.list.setToolTip("Double-click or press Enter to open a lesson")
        self.description = QLabel()
        self.description.setObjectName("lesson_description")
        self.description.setWordWrap(True)
        self.description.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.description.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        self.description.setMinimumHeight(self.fontMetrics().lineSpacing() * 3)
        lay.addWidget(self.list, 3)
        lay.addWidget(self.description, 1)
        row = QHBoxLayout()
        self.open_button = QPushButton("Open")
        self.open_button.setToolTip("Open the lesson chosen in the list (Enter)")
        self.file_button = QPushButton("Open lesson file\N{HORIZONTAL ELLIPSIS}")
        self.file_button.setToolTip("Open a lesson of your own (a .toml file, see docs/scenes.md) (Ctrl+O)")
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setToolTip("Read the lessons folder again (new or edited lessons)")
        for b in (self.open_button, self.file_button, self.refresh_button):
            row.addWidget(b)
        lay.addLayout(row)
        self.entries: list[LessonEntry] = []
        self.current_path: str | None = None
        self.list.itemActivated.connect(self._activated)
        self.list.currentItemChanged.connect(self._show_description)
        self.open_button.clicked.connect(lambda: self._activated(self.list.currentItem()))
        self.file_button.clicked.connect(self.open_file_requested)
        self.refresh_button.clicked.connect(self.refresh_requested)

    def set_entries(self, entries: list[LessonEntry]) -> None:
        """Show these lessons (in this order), keeping the chosen row where it still exists."""
        chosen = self.chosen_path()
        self.entries = list(entries)
        self.list.clear()
        for e in self.entries:
            it = QListWidgetItem(e.title)
            it.setData(_PATH, str(e.path))
            it.setToolTip(e.description if e.error is None else f"Cannot be opened: {e.error}")
            if e.error is not None:
                it.setForeground(QBrush(QColor(128, 128, 128)))
            self.list.addItem(it)
        self.set_current_path(self.current_path)
        rows = [i for i, e in enumerate(self.entries) if str(e.path) == chosen]
        if rows:
            self.list.setCurrentRow(rows[0])
        elif self.list.count() and self.list.currentRow() < 0:
            self.list.setCurrentRow(0)

    def chosen_path(self) -> str | None:
        it = self.list.currentItem()
        return None if it is None else it.data(_PATH)

    def set_current_path(self, path: str | None) -> None:
        """Mark the lesson that is loaded (None: none)."""
        self.current_path = None if path is None else str(Path(path))
        for i in range(self.list.count()):
            it = self.list.item(i)
            e = self.entries[i]
            loaded = self.current_path is not None and str(Path(e.path)) == self.current_path
            it.setText((_CURRENT if loaded else "") + e.title)
            f = it.font()
            f.setBold(loaded)
            it.setFont(f)
            if loaded:
                self.list.setCurrentItem(it)

    def _activated(self, item) -> None:
        if item is not None:
            self.open_requested.emit(item.data(_PATH))

    def _show_description(self, item, _prev=None) -> None:
        if item is None:
            self.description.setText("")
            return
        e = self.entries[self.list.row(item)]
        if e.error is not None:
            self.description.setText(f"This lesson cannot be opened: {e.error}")
        else:
            steps = f"{e.n_steps} step{'s' if e.n_steps != 1 else ''}"
            self.description.setText(f"{e.description} ({steps})")
