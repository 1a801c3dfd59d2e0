"""Readouts: hip, thigh, knee and pelvis angles, ASIS heights and the "pelvis moved" cue."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from ..core.pose import PELVIS_ANGLES

__all__ = ["Readouts", "summary", "WARN_CSS", "OK_CSS"]

#: Okabe-Ito vermillion (the ASIS warning ring's colour) and a calm neutral.
WARN_CSS = "background:#D55E00; color:white; border-radius:4px; padding:3px 6px; font-weight:bold;"
OK_CSS = "background:palette(midlight); color:palette(text); border-radius:4px; padding:3px 6px;"
_DEG = "\N{DEGREE SIGN}"


def _fmt(v: float) -> str:
    return f"{v:+.1f}{_DEG}" if abs(v) >= 0.05 else f"0.0{_DEG}"


def summary(state, i: int = 0) -> dict:
    """The readout numbers of pose ``i``: the keys of ``State.to_dict`` that the panel shows.

    Reads the state's arrays directly (``to_dict`` also builds every muscle's entry, which
    costs ~2 ms a frame).
    """
    import numpy as np

    c = state.side
    deg = lambda name: float(state.poses.degrees(name)[i])  # noqa: E731
    thigh = np.degrees(state.thigh[c][i])
    asis = state.asis_height()
    right, left = float(asis["right"][i]), float(asis["left"][i])
    moved = state.pelvis_moved_deg
    return {
        "hip": {k: deg(f"hip_{k}_{c}") for k in ("flexion", "adduction", "rotation")},
        "knee": {"flexion": deg(f"knee_flexion_{c}")},
        "pelvis": {k: deg(n) for k, n in PELVIS_ANGLES.items()},
        "thigh": {"flexion": float(thigh[0]), "adduction": float(thigh[1]), "rotation": float(thigh[2])},
        "asis_height_m": {"right": right, "left": left},
        # posture-relative: lying on the side the two ASIS differ by the pelvis' width anyway
        "asis_difference_cm": float(state.asis_shift()[i]) * 100.0,
        "pelvis_moved_deg": float(moved[i]) if moved is not None else 0.0,
        "lock_pelvis": state.lock_pelvis,
        "movement": state.movement,
        "on_floor": list(dict.fromkeys(state.contacts.labels)) if getattr(state, "contacts", None) is not None else [],
        "warnings": list(state.warnings),
    }


class Readouts(QWidget):
    """Numbers of the current state, updated on every evaluation."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        self.status = QLabel("Pelvis still")
        self.status.setObjectName("pelvis_status")
        self.status.setStyleSheet(OK_CSS)
        self.status.setWordWrap(True)
        lay.addWidget(self.status)
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        self.values: dict[str, QLabel] = {}
        heads = ("", "flex", "add", "rot")
        for c, h in enumerate(heads):
            lab = QLabel(h)
            lab.setStyleSheet("color: palette(mid);" if c else "")
            lab.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
            grid.addWidget(lab, 0, c)
        rows = (("hip", "Hip", "Hip angles: thigh relative to the pelvis"),
                ("thigh", "Thigh", "Thigh angles in the room (hip + pelvis together)"))
        for r, (key, text, tip) in enumerate(rows, start=1):
            lab = QLabel(text)
            lab.setToolTip(tip)
            grid.addWidget(lab, r, 0)
            for c, comp in enumerate(("flexion", "adduction", "rotation"), start=1):
                grid.addWidget(self._value(f"{key}.{comp}"), r, c)
        grid.addWidget(QLabel("Knee"), 3, 0)
        grid.addWidget(self._value("knee.flexion"), 3, 1)
        for c, h in enumerate(("tilt", "obliq", "rot"), start=1):
            lab = QLabel(h)
            lab.setStyleSheet("color: palette(mid);")
            lab.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
            grid.addWidget(lab, 4, c)
        grid.addWidget(QLabel("Pelvis"), 5, 0)
        for c, comp in enumerate(("tilt", "obliquity", "rotation"), start=1):
            grid.addWidget(self._value(f"pelvis.{comp}"), 5, c)
        lay.addLayout(grid)
        line = QFrame()
        line.setFrameShape(QFrame.HLine)
        line.setFrameShadow(QFrame.Sunken)
        lay.addWidget(line)
        asis = QGridLayout()
        asis.setHorizontalSpacing(10)
        asis.addWidget(QLabel("ASIS height R / L"), 0, 0)
        asis.addWidget(self._value("asis.right"), 0, 1)
        asis.addWidget(self._value("asis.left"), 0, 2)
        asis.addWidget(QLabel("Difference R \N{MINUS SIGN} L"), 1, 0, 1, 2)
        asis.addWidget(self._value("asis.difference"), 1, 2)
        asis.setColumnStretch(0, 1)
        lay.addLayout(asis)
        note = QLabel("Heights above the hip centres, in cm")
        note.setStyleSheet("color: palette(mid);")
        lay.addWidget(note)
        self.floor = QLabel()
        self.floor.setObjectName("on_floor")
        self.floor.setWordWrap(True)
        self.floor.setToolTip("What rests on the floor and carries the body (the posture's, or the lesson step's)")
        lay.addWidget(self.floor)
        self.warnings = QLabel()
        self.warnings.setObjectName("warnings")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet("color:#A04000;")
        lay.addWidget(self.warnings)
        lay.addStretch(1)
        self.data: dict | None = None

    def _value(self, key: str) -> QLabel:
        lab = QLabel("-")
        lab.setObjectName(f"readout_{key}")
        lab.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        lab.setTextInteractionFlags(Qt.TextSelectableByMouse)
        lab.setMinimumWidth(lab.fontMetrics().horizontalAdvance("+100.0\N{DEGREE SIGN}") + 2)
        self.values[key] = lab
        return lab

    def text(self, key: str) -> str:
        """The shown text of a readout, e.g. ``text("hip.flexion")`` (for tests)."""
        return self.values[key].text()

    def update_state(self, state) -> None:
        """Show the numbers of ``state`` (pose 0)."""
        d = summary(state)
        self.data = d
        for group in ("hip", "thigh", "pelvis"):
            for comp, v in d[group].items():
                if f"{group}.{comp}" in self.values:
                    self.values[f"{group}.{comp}"].setText(_fmt(v))
        self.values["knee.flexion"].setText(_fmt(d["knee"]["flexion"]))
        a = d["asis_height_m"]
        self.values["asis.right"].setText(f"{a['right'] * 100:.1f}")
        self.values["asis.left"].setText(f"{a['left'] * 100:.1f}")
        diff = d["asis_difference_cm"]
        self.values["asis.difference"].setText(f"{diff:+.1f} cm" if abs(diff) >= 0.05 else "0.0 cm")
        moved = d["pelvis_moved_deg"]
        pel = d["pelvis"]
        any_pelvis = max(abs(v) for v in pel.values())
        locked = "locked" if d["lock_pelvis"] else "free"
        if moved > 1.0 or any_pelvis > 1.0:
            what = []
            if abs(pel["tilt"]) > 1.0:
                what.append("tilts " + ("forward" if pel["tilt"] > 0 else "back"))
            if abs(pel["obliquity"]) > 1.0:
                what.append(("right" if pel["obliquity"] > 0 else "left") + " side up")
            if abs(pel["rotation"]) > 1.0:
                what.append("turns " + ("left" if pel["rotation"] > 0 else "right"))
            text = f"\N{WARNING SIGN} Pelvis moves ({locked}): " + ", ".join(what)
            if moved > 1.0:
                text += f"; compensation {moved:.0f}{_DEG}"
            if abs(diff) >= 0.5:
                text += f"; {'right' if diff > 0 else 'left'} ASIS {abs(diff):.1f} cm higher"
            self.status.setText(text)
            css = WARN_CSS
        else:
            self.status.setText(f"Pelvis still ({locked}): ASIS level")
            css = OK_CSS
        if self.status.styleSheet() != css:  # a new style sheet re-styles the widget: only on change
            self.status.setStyleSheet(css)
        self.floor.setText("On the floor: " + (", ".join(d["on_floor"]) or "nothing"))
        self.warnings.setText("\n".join(d["warnings"]))
        self.warnings.setVisible(bool(d["warnings"]))
