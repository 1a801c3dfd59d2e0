"""Moment-arm plot of the selected muscle against the angle being driven (matplotlib in Qt).

The zero line and the shaded halves make a reversal obvious (piriformis: an external rotator
near standing, an internal rotator in deep flexion); the current pose is a dot on the curve.
Clicking the plot sets the driven angle. By default the plot shows the moment arm of the
movement being taught (rotation while a rotation is taught), against the angle moved last.

matplotlib is imported only when there is a curve to draw (a hip muscle selected): until then
the panel shows a line of text, and the window starts ~50 MB lighter.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

import hipviz

__all__ = ["MomentArmPlot", "COMPONENTS", "zero_crossings", "movement_component"]

#: Moment-arm component -> (index, + label, - label, axis title).
COMPONENTS = {
    "flexion": (0, "flexor", "extensor", "Flexion"),
    "adduction": (1, "adductor", "abductor", "Adduction"),
    "rotation": (2, "internal rotator", "external rotator", "Rotation"),
    "knee": (3, "knee flexor", "knee extensor", "Knee flexion"),
}
_X_LABEL = {"flexion": "hip flexion (\N{DEGREE SIGN})", "adduction": "hip adduction (\N{DEGREE SIGN}), \N{MINUS SIGN} = abduction",
            "rotation": "hip rotation (\N{DEGREE SIGN}), + = internal", "knee": "knee flexion (\N{DEGREE SIGN})"}
_RANGE_KEY = {"flexion": "hip_flexion", "adduction": "hip_adduction", "rotation": "hip_rotation", "knee": "knee_flexion"}
_POS_TINT, _NEG_TINT = "#FFF1D6", "#E1EEF8"
_LINE = "#0072B2"


#: Movement (or each part of ``"flexion+abduction"``) -> the moment-arm component it turns about.
_MOVEMENT_COMPONENT = {"flexion": "flexion", "extension": "flexion", "abduction": "adduction",
                       "adduction": "adduction", "internal_rotation": "rotation", "external_rotation": "rotation",
                       "knee_flexion": "knee", "knee_extension": "knee"}
_EMPTY = "Select a hip muscle to plot\nits moment arm through the range"


def movement_component(movement: str | None) -> str | None:
    """The moment-arm component a movement is about (the first named part of a combined one).

    Examples
    --------
    >>> movement_component("external_rotation"), movement_component("flexion+abduction"), movement_component("hold")
    ('rotation', 'flexion', None)
    """
    for part in str(movement or "").split("+"):
        if part.strip() in _MOVEMENT_COMPONENT:
            return _MOVEMENT_COMPONENT[part.strip()]
    return None


def zero_crossings(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """x where ``y`` changes sign (linear interpolation), ``(m,)``."""
    s = np.sign(y)
    j = np.nonzero(s[:-1] * s[1:] < 0)[0]
    return x[j] - y[j] * (x[j + 1] - x[j]) / (y[j + 1] - y[j])


class MomentArmPlot(QWidget):
    """The plot widget. ``pose_clicked(key, degrees)`` asks to set an angle."""

    pose_clicked = Signal(str, float)

    def __init__(self, model, parent=None) -> None:
        super().__init__(parent)
        self.model = model
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        row = QGridLayout()
        self.component = QComboBox()
        self.component.addItem("Same as the movement", None)
        for key, (_, _, _, title) in COMPONENTS.items():
            self.component.addItem(f"{title} moment arm", key)
        self.axis = QComboBox()
        self.axis.addItem("Last moved angle", None)
        for key in COMPONENTS:
            self.axis.addItem(_X_LABEL[key].split(" (")[0].capitalize(), key)
        for combo in (self.component, self.axis):
            combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(6)
        row.addWidget(QLabel("Show"), 0, 0)
        row.addWidget(self.component, 0, 1)
        row.addWidget(QLabel("against"), 1, 0)
        row.addWidget(self.axis, 1, 1)
        row.setColumnStretch(1, 1)
        lay.addLayout(row)
        self.component.setToolTip("Which moment arm: by default that of the movement being taught\n"
                                  "(the rotation moment arm while a rotation is taught)")
        self.message = QLabel(_EMPTY)
        self.message.setAlignment(Qt.AlignCenter)
        self.message.setStyleSheet("color: gray;")
        self.message.setMinimumHeight(160)
        self.message.setWordWrap(True)
        lay.addWidget(self.message, 1)
        self._layout = lay
        self.figure = self.canvas = self.ax = None  # matplotlib, once there is a curve to draw
        self.selection: tuple[str, str] | None = None
        self.state = None
        self.driven = "flexion"
        self.font_scale = 1.0
        self._key = None
        self._curve: tuple | None = None
        self._marker = None
        self._vline = None
        self._background = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(120)
        self._timer.timeout.connect(self._redraw)
        self.component.currentIndexChanged.connect(lambda _: self._timer.start(0))
        self.axis.currentIndexChanged.connect(lambda _: self._timer.start(0))
        self._redraw()

    # -- inputs --------------------------------------------------------------------------
    @property
    def x_key(self) -> str:
        return self.axis.currentData() or self.driven

    @property
    def y_key(self) -> str:
        """The component plotted: the one chosen, else that of the movement taught, else the angle's."""
        movement = getattr(self.state, "movement", None) if self.state is not None else None
        return self.component.currentData() or movement_component(movement) or self.x_key

    def set_selection(self, selection) -> None:
        self.selection = selection
        self._timer.start(0)

    def set_driven(self, key: str) -> None:
        self.driven = key
        self._timer.start(0)

    def update_state(self, state) -> None:
        """Move the marker now; redraw the curve (debounced) if other angles changed."""
        self.state = state
        if self._curve_key() != self._key:
            self._timer.start()
        self._move_marker()

    def flush(self) -> None:
        """Redraw now if a redraw is pending (pictures, tests)."""
        if self._timer.isActive() or self._curve_key() != self._key:
            self._timer.stop()
            self._redraw()
        if self.canvas is not None:
            self.canvas.draw()

    def set_font_scale(self, scale: float) -> None:
        self.font_scale = scale
        self._key = None
        self._timer.start(0)

    # -- curve ---------------------------------------------------------------------------
    def _hip_pose(self) -> dict:
        """The reached hip and knee angles of the current state (degrees)."""
        st, c = self.state, self.state.side
        return {"flexion": float(st.poses.degrees(f"hip_flexion_{c}")[0]),
                "adduction": float(st.poses.degrees(f"hip_adduction_{c}")[0]),
                "rotation": float(st.poses.degrees(f"hip_rotation_{c}")[0]),
                "knee": float(st.poses.degrees(f"knee_flexion_{c}")[0])}

    def _curve_key(self):
        if self.state is None or self.selection is None:
            return (None, self.selection)
        pose = self._hip_pose()
        pose.pop(self.x_key)
        return (self.selection, self.x_key, self.y_key, self.state.side, tuple(round(v) for v in pose.values()),
                self.font_scale)

    def _bundle_rows(self, ms, mid):
        return [b for b, m in enumerate(ms.muscle_ids) if m == mid]

    def _ensure_canvas(self) -> None:
        """Create the matplotlib figure (the first time a curve is drawn)."""
        if self.canvas is not None:
            return
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
        from matplotlib.figure import Figure

        self.figure = Figure(figsize=(4, 3), dpi=100, layout="constrained")
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.canvas.setMinimumHeight(160)
        self.canvas.setToolTip("Click to move the thigh to that angle")
        self._layout.addWidget(self.canvas, 1)
        self.ax = self.figure.add_subplot()
        self.canvas.mpl_connect("button_press_event", self._click)
        self.canvas.mpl_connect("draw_event", self._on_draw)

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        f = self.message.font()
        f.setPointSizeF(9 * self.font_scale)
        self.message.setFont(f)
        self.message.show()
        if self.canvas is not None:
            self.canvas.hide()
        self._background = None

    def _redraw(self) -> None:
        self._key = self._curve_key()
        fs = 9 * self.font_scale
        self._marker = self._vline = None
        self._curve = None
        sel, st = self.selection, self.state
        spec = None
        if sel is not None:
            try:
                spec = self.model.muscle(sel[1])
            except KeyError:
                spec = None
        hip_muscle = spec is not None and spec.id in {m.id for m in self.model.muscles}
        if st is None or not hip_muscle:
            msg = _EMPTY
            if spec is not None and not hip_muscle:
                msg = f"{spec.name} is a trunk muscle:\nits moment arms are about the lower back"
            self._show_message(msg)
            return
        self._ensure_canvas()
        self.message.hide()
        self.canvas.show()
        ax = self.ax
        ax.clear()
        side = sel[0]
        xk, yk = self.x_key, self.y_key
        lo, hi = self.model.ranges[f"{_RANGE_KEY[xk]}_{side}"]
        x = np.linspace(lo, hi, 131)
        pose = self._hip_pose()
        pose[xk] = x
        sweep = hipviz.evaluate(self.model, pose, side="right" if side == "r" else "left",
                                posture=st.posture.name, with_paths=False)
        ms = sweep.muscles[side]
        rows = self._bundle_rows(ms, sel[1])
        j, pos_label, neg_label, title = COMPONENTS[yk]
        y = ms.moment_arm[:, rows, j] * 100  # (n, B) cm
        shares = np.array([bs.force_share for bs in spec.bundles], float)[: len(rows)]
        whole = y @ (shares / shares.sum()) if len(rows) > 1 else y[:, 0]
        lim = max(1.0, float(np.abs(y).max()) * 1.15)
        ax.axhspan(0, lim, color=_POS_TINT, zorder=0)
        ax.axhspan(-lim, 0, color=_NEG_TINT, zorder=0)
        ax.axhline(0, color="black", lw=1.6, zorder=2)
        if len(rows) > 1:
            for k, b in enumerate(rows):
                ax.plot(x, y[:, k], lw=1.0, color="#555555", alpha=0.7, ls=("--", ":", "-.")[k % 3],
                        label=ms.bundle_names[b].replace("_", " "), zorder=3)
            ax.plot(x, whole, lw=2.6, color=_LINE, label="whole muscle", zorder=4)
            ax.legend(fontsize=fs * 0.8, loc="best", framealpha=0.8)
        else:
            ax.plot(x, whole, lw=2.6, color=_LINE, zorder=4)
        for xc in zero_crossings(x, whole):
            ax.axvline(xc, color="#D55E00", lw=1.2, ls="--", zorder=3)
            ax.annotate(f"reverses at {xc:.0f}\N{DEGREE SIGN}", (xc, 0), xytext=(4, 6), textcoords="offset points",
                        fontsize=fs * 0.9, color="#A04000", fontweight="bold", zorder=5)
        ax.text(0.01, 0.98, f"+ {pos_label}", transform=ax.transAxes, va="top", fontsize=fs, fontweight="bold")
        ax.text(0.01, 0.02, f"\N{MINUS SIGN} {neg_label}", transform=ax.transAxes, va="bottom", fontsize=fs,
                fontweight="bold")
        ax.set_xlim(lo, hi)
        ax.set_ylim(-lim, lim)
        ax.set_xlabel(_X_LABEL[xk], fontsize=fs)
        ax.set_ylabel(f"{title.lower()} moment arm (cm)", fontsize=fs)
        ax.set_title(f"{spec.name} ({'right' if side == 'r' else 'left'})", fontsize=fs * 1.1, fontweight="bold")
        ax.tick_params(labelsize=fs * 0.9)
        self._curve = (x, whole, xk)
        self._vline = ax.axvline(x[0], color="black", lw=1.0, alpha=0.6, animated=True)
        (self._marker,) = ax.plot([x[0]], [whole[0]], "o", ms=9 * self.font_scale, color="#D55E00",
                                  markeredgecolor="black", animated=True, zorder=6)
        self.canvas.draw_idle()

    # -- marker (blitted) ----------------------------------------------------------------
    def _current_x(self) -> float | None:
        if self._curve is None or self.state is None:
            return None
        return self._hip_pose()[self._curve[2]]

    def _on_draw(self, _event) -> None:
        # A full draw (possibly inside Qt's paint): keep the picture without the marker, then
        # draw the marker into it; the canvas shows the result when the paint finishes.
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        self._draw_marker()

    def _move_marker(self) -> None:
        if self.canvas is not None and self._background is not None and self._curve is not None:
            self.canvas.restore_region(self._background)
            if self._draw_marker():
                self.canvas.blit(self.figure.bbox)

    def _draw_marker(self) -> bool:
        xv = self._current_x()
        if xv is None or self._marker is None:
            return False
        x, y, _ = self._curve
        self._vline.set_xdata([xv, xv])
        self._marker.set_data([xv], [float(np.interp(xv, x, y))])
        self.ax.draw_artist(self._vline)
        self.ax.draw_artist(self._marker)
        return True

    def current_value(self) -> float | None:
        """The plotted moment arm (cm) at the current pose (for tests)."""
        xv = self._current_x()
        if xv is None:
            return None
        return float(np.interp(xv, self._curve[0], self._curve[1]))

    def _click(self, event) -> None:
        if event.inaxes is self.ax and self._curve is not None and event.xdata is not None:
            self.pose_clicked.emit(self._curve[2], float(round(event.xdata)))
