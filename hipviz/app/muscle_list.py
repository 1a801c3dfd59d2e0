"""The muscle list: grouped (anterior, medial, posterior, lateral, deep six, trunk), with
show/hide check boxes, solo, the current activation and its colour."""
from __future__ import annotations

from collections import OrderedDict

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QMenu, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

__all__ = ["MuscleList", "GROUPS"]

#: Group id -> heading, in list order.
GROUPS = {
    "anterior": "Anterior (flexors)",
    "medial": "Medial (adductors)",
    "posterior": "Posterior (extensors, hamstrings)",
    "lateral": "Lateral (abductors)",
    "deep_six": "Deep six (lateral rotators)",
    "trunk": "Trunk",
}
_ID = Qt.UserRole
#: Before the name of a muscle the lesson step points at.
_MARK = "\N{BLACK RIGHT-POINTING SMALL TRIANGLE} "


#: At most this many swatch icons are kept per list (least recently used go first). The colours
#: drawn lie on a few ramps (effort, lengthening, faded by a highlight): some hundreds in all.
SWATCH_CACHE_SIZE = 512


def _rgb8(rgb) -> tuple[int, int, int]:
    """An RGB colour (0..1) as the 8-bit triple a swatch is filled with."""
    return tuple(int(min(max(round(float(v) * 255), 0), 255)) for v in rgb[:3])  # type: ignore[return-value]


class _Swatches:
    """The 12 x 12 swatch icons, one per 8-bit colour, reused (at most ``size``, least recently
    used dropped first).

    Reusing them matters: Qt keeps every new pixmap an item view paints in its pixmap cache
    (up to ~10 MB), so a new icon for each muscle on each update grew the window's memory by
    ~15 MB over a long slider drag.
    """

    def __init__(self, size: int = SWATCH_CACHE_SIZE) -> None:
        self.size = size
        self._icons: OrderedDict[tuple[int, int, int], QIcon] = OrderedDict()

    def __len__(self) -> int:
        return len(self._icons)

    def icon(self, rgb8: tuple[int, int, int]) -> QIcon:
        icon = self._icons.get(rgb8)
        if icon is not None:
            self._icons.move_to_end(rgb8)
            return icon
        pm = QPixmap(12, 12)
        pm.fill(QColor(*rgb8))
        icon = self._icons[rgb8] = QIcon(pm)
        while len(self._icons) > self.size:
            self._icons.popitem(last=False)
        return icon


class MuscleList(QWidget):
    """Tree of muscles.

    Signals
    -------
    visibility_changed(str, bool)
        A hip muscle was shown or hidden.
    solo_changed(object)
        Muscle id shown alone, or None.
    selected(object)
        Muscle id picked in the list, or None.
    """

    visibility_changed = Signal(str, bool)
    solo_changed = Signal(object)
    selected = Signal(object)

    def __init__(self, model, drawn=None, parent=None) -> None:
        super().__init__(parent)
        self.model = model
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        self.tree = QTreeWidget()
        self.tree.setObjectName("muscle_tree")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Muscle", "Working"])
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeToContents)
        self.tree.header().setStretchLastSection(False)
        self.tree.setContextMenuPolicy(Qt.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._menu)
        self.items: dict[str, QTreeWidgetItem] = {}
        self.names: dict[str, str] = {}
        self.swatches = _Swatches()
        self._swatch_rgb: dict[str, tuple[int, int, int]] = {}  # the 8-bit colour each row's swatch shows
        self._number_text: dict[str, str] = {}  # the text each row's number shows (set only when it changes)
        self._groups: dict[tuple, tuple] = {}  # bundles' muscle ids -> (unique ids, first index, inverse)
        self.groups: dict[str, QTreeWidgetItem] = {}
        #: Muscles the 3D view draws (others are listed with their numbers only).
        self.drawn = set(drawn) if drawn is not None else {m.id for m in model.muscles}
        trunk_ids = {m.id for m in model.trunk_muscles}
        for gid, heading in GROUPS.items():
            members = [m for m in model.muscles + model.trunk_muscles
                       if ("trunk" if m.id in trunk_ids else m.group) == gid]
            if not members:
                continue
            g = QTreeWidgetItem(self.tree, [heading])
            g.setData(0, _ID, None)
            g.setFlags(g.flags() | Qt.ItemIsAutoTristate | Qt.ItemIsUserCheckable)
            f = g.font(0)
            f.setBold(True)
            g.setFont(0, f)
            self.groups[gid] = g
            for m in members:
                it = QTreeWidgetItem(g, [m.name, ""])
                it.setData(0, _ID, m.id)
                it.setTextAlignment(1, Qt.AlignRight | Qt.AlignVCenter)
                if m.id in self.drawn:
                    it.setFlags(it.flags() | Qt.ItemIsUserCheckable)
                    it.setCheckState(0, Qt.Checked)
                    it.setToolTip(0, f"{m.name}: tick to show, untick to hide; right-click to show it alone")
                else:
                    it.setToolTip(0, f"{m.name}: a trunk muscle (not drawn in the 3D view; activation and "
                                     "details are listed)")
                self.items[m.id] = it
                self.names[m.id] = m.name
            if not any(m.id in self.drawn for m in members):
                g.setFlags(g.flags() & ~Qt.ItemIsUserCheckable & ~Qt.ItemIsAutoTristate)
        self.tree.expandAll()
        lay.addWidget(self.tree)
        row = QHBoxLayout()
        self.show_all = QPushButton("Show all")
        self.hide_all = QPushButton("Hide all")
        self.solo_button = QPushButton("Solo")
        self.solo_button.setCheckable(True)
        self.solo_button.setToolTip("Show only the selected muscle")
        for b in (self.show_all, self.hide_all, self.solo_button):
            row.addWidget(b)
        lay.addLayout(row)
        self.solo_id: str | None = None
        self.marked: tuple[str, ...] = ()
        self.tree.itemChanged.connect(self._item_changed)
        self.tree.currentItemChanged.connect(self._current_changed)
        self.show_all.clicked.connect(lambda: self.set_all_visible(True))
        self.hide_all.clicked.connect(lambda: self.set_all_visible(False))
        self.solo_button.toggled.connect(self._solo_toggled)

    # -- visibility ----------------------------------------------------------------------
    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        mid = item.data(0, _ID)
        if column == 0 and mid in self.drawn:
            self.visibility_changed.emit(mid, item.checkState(0) == Qt.Checked)

    def set_visible(self, mid: str, visible: bool) -> None:
        it = self.items.get(mid)
        if it is not None and mid in self.drawn:
            it.setCheckState(0, Qt.Checked if visible else Qt.Unchecked)

    def is_visible(self, mid: str) -> bool:
        return self.items[mid].checkState(0) == Qt.Checked

    def set_all_visible(self, visible: bool) -> None:
        for mid in self.drawn:
            self.set_visible(mid, visible)

    def solo(self, mid: str | None) -> None:
        """Show ``mid`` alone (None: back to the ticked muscles)."""
        if mid is not None and mid not in self.drawn:
            mid = None
        self.solo_id = mid
        self.solo_button.blockSignals(True)
        self.solo_button.setChecked(mid is not None)
        self.solo_button.blockSignals(False)
        for m, it in self.items.items():
            f = it.font(0)
            f.setItalic(mid is not None and m != mid)
            it.setFont(0, f)
        self.solo_changed.emit(mid)

    def mark(self, muscle_ids) -> None:
        """Pick out the muscles a lesson step points at: bold, with a marker (empty: none)."""
        ids = tuple(m for m in dict.fromkeys(muscle_ids) if m in self.items)
        if ids == self.marked:
            return
        self.tree.blockSignals(True)
        for mid, it in self.items.items():
            on = mid in ids
            f = it.font(0)
            f.setBold(on)
            it.setFont(0, f)
            name = self.names[mid]
            it.setText(0, (_MARK + name) if on else name)
        self.tree.blockSignals(False)
        self.marked = ids
        if ids:
            self.tree.scrollToItem(self.items[ids[0]])

    def _solo_toggled(self, on: bool) -> None:
        cur = self.tree.currentItem()
        mid = cur.data(0, _ID) if cur is not None else None
        self.solo(mid if on else None)

    def _menu(self, pos) -> None:
        item = self.tree.itemAt(pos)
        mid = item.data(0, _ID) if item is not None else None
        menu = QMenu(self)
        if mid in self.drawn:
            menu.addAction(f"Show {self.names[mid]} alone", lambda: self.solo(mid))
        if self.solo_id is not None:
            menu.addAction("Show all ticked muscles again", lambda: self.solo(None))
        menu.addAction("Show all", lambda: self.set_all_visible(True))
        menu.addAction("Hide all", lambda: self.set_all_visible(False))
        menu.exec(self.tree.viewport().mapToGlobal(pos))

    # -- selection -----------------------------------------------------------------------
    def _current_changed(self, cur, _prev) -> None:
        mid = cur.data(0, _ID) if cur is not None else None
        if self.solo_id is not None and mid in self.drawn:
            self.solo(mid)
        self.selected.emit(mid)

    def set_current(self, mid: str | None) -> None:
        """Select a row without emitting ``selected``."""
        self.tree.blockSignals(True)
        if mid in self.items:
            self.tree.setCurrentItem(self.items[mid])
            self.tree.scrollToItem(self.items[mid])
        else:
            self.tree.setCurrentItem(None)
        self.tree.blockSignals(False)

    # -- numbers -------------------------------------------------------------------------
    def _grouping(self, ids: tuple[str, ...]) -> tuple[list[str], np.ndarray]:
        """The muscles of a bundle list in order of first appearance, and each bundle's muscle."""
        got = self._groups.get(ids)
        if got is None:
            uniq = list(dict.fromkeys(ids))
            where = {m: j for j, m in enumerate(uniq)}
            got = self._groups[ids] = (uniq, np.array([where[m] for m in ids], dtype=np.intp))
        return got

    def update_state(self, state, colors: dict | None = None, *, mode: str = "effort") -> None:
        """Show each muscle's number (the moving side) and colour.

        ``mode="effort"``: the activation of its hardest-working bundle; ``"share"``: its part
        of the moment (sum of its bundles' shares).
        """
        c = state.side
        share = mode == "share"
        header = "Share" if share else "Effort"
        if self.tree.headerItem().text(1) != header:
            self.tree.headerItem().setText(1, header)
        self.tree.blockSignals(True)
        for ms in (state.muscles[c], state.trunk.get(c)):
            if ms is None:
                continue
            uniq, inverse = self._grouping(tuple(ms.muscle_ids))
            if ms.activation is None:
                texts = [""] * len(uniq)
            else:
                if share and ms.share is not None:  # a muscle's share: the sum of its bundles'
                    per = np.zeros(len(uniq))
                    np.add.at(per, inverse, ms.share[0])
                else:  # its effort: its hardest-working bundle's
                    per = np.full(len(uniq), -np.inf)
                    np.maximum.at(per, inverse, ms.activation[0])
                texts = [f"{a * 100:.0f} %" if a >= 0.005 else ("<1 %" if a > 0 else "\N{EN DASH}")
                         for a in per.tolist()]
            for mid, text in zip(uniq, texts):
                it = self.items.get(mid)
                if it is not None and self._number_text.get(mid) != text:  # only a changed number
                    self._number_text[mid] = text
                    it.setText(1, text)
        if colors:
            for mid, rgb in colors.items():
                rgb8 = _rgb8(rgb)
                if mid in self.items and self._swatch_rgb.get(mid) != rgb8:  # only a changed colour
                    self._swatch_rgb[mid] = rgb8
                    self.items[mid].setIcon(0, self.swatches.icon(rgb8))
        self.tree.blockSignals(False)
