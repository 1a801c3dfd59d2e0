"""The *Over time* panel: a recorded motion's hip angles and muscles' effort, with the time shown.

The drawing is :func:`hipviz.io.time_plot.draw_time_plot` (the same as ``hipviz export --plot``);
this widget adds a time cursor that moves with playing (blitted) and seeks where it is clicked.
matplotlib is imported when the first motion is plotted, not when the window opens (it costs
about 35 MB and a few tenths of a second).
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from hipviz.io.time_plot import draw_time_plot

__all__ = ["MotionPlot"]


class MotionPlot(QWidget):
    """Angles and effort over time. ``time_clicked(seconds)`` asks to show that time."""

    time_clicked = Signal(float)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        self.hint = QLabel("Open a motion file (File menu) to plot it over time")
        self.hint.setWordWrap(True)
        lay.addWidget(self.hint)
        self._layout = lay
        self.figure = None
        self.canvas = None
        self.series = None
        self.muscles: list[str] = []
        self.axes = ()
        self._lines = []
        self._background = None
        self._t = 0.0
        self.font_scale = 1.0

    def _ensure_canvas(self) -> None:
        if self.canvas is not None:
            return
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
        from matplotlib.figure import Figure

        self.figure = Figure(figsize=(4, 3.2), dpi=100, layout="constrained")
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.canvas.setMinimumHeight(200)
        self.canvas.setToolTip("Click to show that moment of the motion")
        self._layout.addWidget(self.canvas, 1)
        self.canvas.mpl_connect("draw_event", self._on_draw)
        self.canvas.mpl_connect("button_press_event", self._click)

    def set_series(self, series, muscles) -> None:
        """Draw a motion's series with these muscles (None clears the plot)."""
        self.series, self.muscles = series, list(muscles or [])
        self._redraw()

    def set_muscles(self, muscles) -> None:
        if list(muscles) != self.muscles:
            self.muscles = list(muscles)
            self._redraw()

    def _redraw(self) -> None:
        self._lines, self._background = [], None
        if self.series is None:
            self.axes = ()
            self.hint.show()
            if self.canvas is not None:
                self.figure.clear()
                self.canvas.draw_idle()
            return
        self._ensure_canvas()
        self.hint.hide()
        self.axes = draw_time_plot(self.figure, self.series, muscles=self.muscles, font_scale=0.85 * self.font_scale)
        self._lines = [ax.axvline(self._t, color="black", lw=1.2, alpha=0.8, animated=True) for ax in self.axes]
        self.canvas.draw_idle()

    def set_time(self, t: float) -> None:
        """Move the cursor to ``t`` seconds."""
        self._t = float(t)
        if self.canvas is None or self._background is None or not self._lines:
            return
        self.canvas.restore_region(self._background)
        self._draw_cursor()
        self.canvas.blit(self.figure.bbox)

    def _draw_cursor(self) -> None:
        for ax, line in zip(self.axes, self._lines):
            line.set_xdata([self._t, self._t])
            ax.draw_artist(line)

    def _on_draw(self, _event) -> None:
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        if self._lines:
            self._draw_cursor()

    def _click(self, event) -> None:
        if event.inaxes in self.axes and event.xdata is not None:
            self.time_clicked.emit(float(event.xdata))

    @property
    def cursor_time(self) -> float:
        return self._t
