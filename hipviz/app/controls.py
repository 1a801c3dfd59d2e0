"""The controls panel: pose sliders with numeric boxes, pelvis lock, side, posture, movement."""
from __future__ import annotations

import math

from PySide6.QtCore import QPoint, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout,
                               QLabel, QPushButton, QSlider, QToolTip, QVBoxLayout, QWidget)

from .viewmodel import ANGLES, MOVEMENT_LABELS, AngleSpec, ViewModel

__all__ = ["AngleControl", "AngleBox", "ControlsPanel"]

_G = 9.81
#: How long an out-of-range number box stays tinted and its message shows (milliseconds).
_CLAMP_MS = 2500


class AngleBox(QDoubleSpinBox):
    """A number box that accepts any number typed, so that the control can clamp it *visibly*.

    A plain ``QDoubleSpinBox`` refuses the keystroke that leaves its range: typing 200 in a
    box that stops at 140 silently gives 20. This box takes 200; :class:`AngleControl` then
    shows 140 and says why. The arrows and the wheel stop at the range's ends.
    """

    def __init__(self, lo: float, hi: float, parent=None) -> None:
        super().__init__(parent)
        self.lo, self.hi = float(lo), float(hi)
        self.setRange(-9999.0, 9999.0)

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt API
        self.setValue(min(max(self.value() + steps * self.singleStep(), self.lo), self.hi))

    def stepEnabled(self):  # noqa: N802 - Qt API
        flags = QDoubleSpinBox.StepEnabledFlag.StepNone
        if self.value() < self.hi:
            flags |= QDoubleSpinBox.StepEnabledFlag.StepUpEnabled
        if self.value() > self.lo:
            flags |= QDoubleSpinBox.StepEnabledFlag.StepDownEnabled
        return flags


def pretty(name: str) -> str:
    """``"half_kneeling"`` -> ``"Half kneeling"``."""
    return name.replace("_", " ").capitalize()


class AngleControl(QWidget):
    """A label, a slider and a numeric box for one angle (degrees), kept in step."""

    value_changed = Signal(str, float)
    #: ``(message)``: a value typed beyond the range was clamped (also shown at the box).
    clamped = Signal(str)

    def __init__(self, spec: AngleSpec, joint_range: tuple[float, float] | None, parent=None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.label = QLabel(spec.label)
        self.slider = QSlider(Qt.Horizontal)
        self.slider.setRange(int(spec.lo), int(spec.hi))
        self.slider.setPageStep(10)
        self.slider.setSingleStep(1)
        self.slider.setObjectName(f"slider_{spec.key}")
        self.box = AngleBox(spec.lo, spec.hi)
        self.box.setDecimals(1)
        self.box.setSingleStep(1.0)
        self.box.setSuffix("\N{DEGREE SIGN}")
        self.box.setKeyboardTracking(False)
        self.box.setObjectName(f"box_{spec.key}")
        self.box.setAlignment(Qt.AlignRight)
        self.box.setFixedWidth(self.box.fontMetrics().horizontalAdvance("-140.0\N{DEGREE SIGN}") + 34)
        self.slider.setMinimumWidth(70)
        tip = spec.help
        if joint_range is not None:
            tip += f"\nJoint range {joint_range[0]:g}\N{DEGREE SIGN} to {joint_range[1]:g}\N{DEGREE SIGN}"
        for w in (self.label, self.slider, self.box):
            w.setToolTip(tip)
        self.clamp_message = ""
        self._untint = QTimer(self)
        self._untint.setSingleShot(True)
        self._untint.timeout.connect(lambda: self.box.setStyleSheet(""))
        self.slider.valueChanged.connect(self._from_slider)
        self.box.valueChanged.connect(self._from_box)

    def _from_slider(self, v: int) -> None:
        with QSignalBlocker(self.box):
            self.box.setValue(float(v))
        self.value_changed.emit(self.spec.key, float(v))

    def _from_box(self, v: float) -> None:
        lo, hi = self.spec.lo, self.spec.hi
        if not lo <= v <= hi:
            v = self._clamp(v)
        with QSignalBlocker(self.slider):
            self.slider.setValue(int(round(v)))
        self.value_changed.emit(self.spec.key, float(v))

    def _clamp(self, typed: float) -> float:
        """Show the nearest value in range in the box and say so (tooltip, tint, ``clamped``)."""
        lo, hi = self.spec.lo, self.spec.hi
        v = min(max(typed, lo), hi)
        with QSignalBlocker(self.box):
            self.box.setValue(v)
        deg = "\N{DEGREE SIGN}"
        self.clamp_message = (f"{self.spec.label}: {typed:g}{deg} is beyond {lo:g}{deg} to {hi:g}{deg}, "
                              f"so it is set to {v:g}{deg}")
        self.box.setStyleSheet("QDoubleSpinBox { background: #FFE0A3; color: black; }")
        self._untint.start(_CLAMP_MS)
        if self.box.isVisible():
            QToolTip.showText(self.box.mapToGlobal(QPoint(0, self.box.height())), self.clamp_message, self.box,
                              self.box.rect(), _CLAMP_MS)
        self.clamped.emit(self.clamp_message)
        return v

    def set_value(self, v: float) -> None:
        """Show ``v`` without emitting ``value_changed`` (values beyond the slider show at its end).

        The signals are blocked only inside ``with`` blocks, so even a failure here never
        leaves the slider deaf.
        """
        v = float(v)
        if not math.isfinite(v):
            return
        v = min(max(v, self.spec.lo), self.spec.hi)
        if abs(self.box.value() - v) < 0.05:
            return
        with QSignalBlocker(self.slider), QSignalBlocker(self.box):
            self.box.setValue(v)
            self.slider.setValue(int(round(v)))

    def value(self) -> float:
        return self.box.value()


class ControlsPanel(QWidget):
    """Everything that changes the request: angles, pelvis, side, posture, movement, reset."""

    def __init__(self, vm: ViewModel, parent=None) -> None:
        super().__init__(parent)
        self.vm = vm
        model = vm.model
        self.angles: dict[str, AngleControl] = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)

        what = QGroupBox("Movement being taught")
        form = QFormLayout(what)
        form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        self.side = QComboBox()
        self.side.addItem("Right leg", "right")
        self.side.addItem("Left leg", "left")
        self.posture = QComboBox()
        for name in model.postures:
            self.posture.addItem(pretty(name), name)
        self.movement = QComboBox()
        for key, text in MOVEMENT_LABELS.items():
            self.movement.addItem(text, key)
        self.movement.setToolTip("Which way the leg is moving: muscles are coloured by how hard they work for it")
        for combo in (self.side, self.posture, self.movement):
            combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        form.addRow("Side", self.side)
        form.addRow("Posture", self.posture)
        form.addRow("Movement", self.movement)
        outer.addWidget(what)

        hip = self.hip_box = QGroupBox("Hip and knee (thigh asked to move)")
        self._grid(hip, [a for a in ANGLES if not a.key.startswith("pelvis")], model)
        outer.addWidget(hip)

        pel = QGroupBox("Pelvis (starting position)")
        lay = self._grid(pel, [a for a in ANGLES if a.key.startswith("pelvis")], model)
        self.lock = QCheckBox("Lock pelvis  (L)")
        self.lock.setObjectName("lock_pelvis")
        self.lock.setToolTip("Locked: the hip alone moves and stops at its range.\n"
                             "Free: the pelvis and lower back join in (compensation).")
        f = self.lock.font()
        f.setBold(True)
        self.lock.setFont(f)
        row = lay.rowCount()
        lay.addWidget(self.lock, row, 0, 1, 3)
        self.comp_label = QLabel("Compensation")
        self.comp = QSlider(Qt.Horizontal)
        self.comp.setRange(0, 100)
        self.comp.setObjectName("compensation")
        self.comp_value = QLabel()
        self.comp_value.setMinimumWidth(self.fontMetrics().horizontalAdvance("stiff 100 %"))
        tip = ("How stiff the hip is when the pelvis is free: 0 = supple (the pelvis joins late), "
               "100 = stiff (the pelvis joins early)")
        for w in (self.comp_label, self.comp, self.comp_value):
            w.setToolTip(tip)
        lay.addWidget(self.comp_label, row + 1, 0)
        lay.addWidget(self.comp, row + 1, 1)
        lay.addWidget(self.comp_value, row + 1, 2)
        outer.addWidget(pel)

        load_row = QHBoxLayout()
        self.load = QDoubleSpinBox()
        self.load.setRange(0.0, 20.0)
        self.load.setSingleStep(0.5)
        self.load.setDecimals(1)
        self.load.setSuffix(" kg")
        self.load.setToolTip("An ankle weight: more load, more activation")
        load_row.addWidget(QLabel("Ankle weight"))
        load_row.addWidget(self.load)
        load_row.addStretch(1)
        self.load.setMinimumWidth(self.load.fontMetrics().horizontalAdvance("20.0 kg") + 34)
        self.reset_button = QPushButton("Reset pose")
        self.reset_button.setToolTip("Standing, right leg, pelvis locked, every angle at zero (Ctrl+R)")
        load_row.addWidget(self.reset_button)
        outer.addLayout(load_row)
        outer.addStretch(1)

        self.side.currentIndexChanged.connect(lambda _: vm.set_option("side", self.side.currentData()))
        self.posture.currentIndexChanged.connect(lambda _: vm.set_option("posture", self.posture.currentData()))
        self.movement.currentIndexChanged.connect(lambda _: vm.set_option("movement", self.movement.currentData()))
        self.lock.toggled.connect(lambda on: vm.set_option("lock_pelvis", bool(on)))
        self.comp.valueChanged.connect(lambda v: vm.set_option("compensation", v / 100.0))
        self.load.valueChanged.connect(lambda kg: vm.set_option("load_n", round(kg * _G, 3)))
        self.reset_button.clicked.connect(vm.reset)
        vm.request_changed.connect(self.sync)
        self.sync()

    def _grid(self, box: QGroupBox, specs, model) -> QGridLayout:
        lay = QGridLayout(box)
        lay.setColumnStretch(1, 1)
        side = "r"
        for r, spec in enumerate(specs):
            rk = spec.range_key
            jr = model.ranges.get(rk if rk.startswith("pelvis") else f"{rk}_{side}") if rk else None
            ctl = AngleControl(spec, jr, self)
            ctl.value_changed.connect(self.vm.set_angle)
            ctl.clamped.connect(self.vm.error.emit)  # also in the status bar
            self.angles[spec.key] = ctl
            lay.addWidget(ctl.label, r, 0)
            lay.addWidget(ctl.slider, r, 1)
            lay.addWidget(ctl.box, r, 2)
        return lay

    def sync(self) -> None:
        """Show the view model's request (without feeding it back)."""
        vm = self.vm
        pose = vm.pose
        for key, ctl in self.angles.items():
            ctl.set_value(pose[key])
        o = vm.options
        if self.movement.findData(o["movement"]) < 0:  # e.g. "flexion+abduction" from a scene
            self.movement.addItem(str(o["movement"]).replace("_", " ").capitalize(), o["movement"])
        for combo, value in ((self.side, o["side"]), (self.posture, o["posture"]), (self.movement, o["movement"])):
            j = combo.findData(value)
            if j >= 0 and j != combo.currentIndex():
                combo.blockSignals(True)
                combo.setCurrentIndex(j)
                combo.blockSignals(False)
        for w, value in ((self.lock, bool(o["lock_pelvis"])),):
            if w.isChecked() != value:
                w.blockSignals(True)
                w.setChecked(value)
                w.blockSignals(False)
        c = int(round(o["compensation"] * 100))
        if self.comp.value() != c:
            self.comp.blockSignals(True)
            self.comp.setValue(c)
            self.comp.blockSignals(False)
        self.comp_value.setText(f"{c} %")
        free = not o["lock_pelvis"]
        for w in (self.comp_label, self.comp, self.comp_value):
            w.setEnabled(free)
        kg = o["load_n"] / _G
        if abs(self.load.value() - kg) > 0.05:
            self.load.blockSignals(True)
            self.load.setValue(kg)
            self.load.blockSignals(False)
        hip_side = "Right" if o["side"] == "right" else "Left"
        self.hip_box.setTitle(f"{hip_side} hip and knee (thigh asked to move)")
