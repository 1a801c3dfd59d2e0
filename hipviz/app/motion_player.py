"""Playing a recorded motion in the window: the clock (:class:`MotionPlayer`), the timeline bar
(:class:`MotionBar`: play/pause, a slider, the time, speed, loop) and :class:`Motions`, which wires
them to the window, the 3D view, the panels and the *Over time* plot.

The evaluation is done once at load (:class:`hipviz.app.motion.MotionClip`); a frame shown is a
slice of it, handed to the window like an evaluated state. Touching the pose controls, or opening
a lesson, closes the motion: the window then shows what was asked for.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDockWidget, QFileDialog, QLabel, QMessageBox, QSlider,
                               QToolBar, QToolButton)

from .motion import SPEEDS, MotionClip, plot_muscles
from .motion_plot import MotionPlot

__all__ = ["MotionPlayer", "MotionBar", "Motions"]

_TICK_MS = 15


class MotionPlayer(QObject):
    """The clock of a motion being played.

    Signals
    -------
    frame_changed(int)
        A new frame is to be shown.
    playing_changed(bool)
    """

    frame_changed = Signal(int)
    playing_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.clip: MotionClip | None = None
        self.frame = 0
        self.speed = 1.0
        self.loop = True
        self.playing = False
        self._t0 = 0.0
        self._clock = QElapsedTimer()
        self._tick = QTimer(self)
        self._tick.setInterval(_TICK_MS)
        self._tick.setTimerType(Qt.PreciseTimer)
        self._tick.timeout.connect(self._advance)

    def load(self, clip: MotionClip | None) -> None:
        self.pause()
        self.clip = clip
        self.frame = 0
        if clip is not None:
            self.frame_changed.emit(0)

    def time(self) -> float:
        return 0.0 if self.clip is None else self.clip.time(self.frame)

    def play(self) -> None:
        if self.clip is None or self.playing:
            return
        if not self.loop and self.frame >= self.clip.n_frames - 1:
            self.seek(0)
        self._t0 = self.time()
        self._clock.start()
        self.playing = True
        self._tick.start()
        self.playing_changed.emit(True)

    def pause(self) -> None:
        self._tick.stop()
        if self.playing:
            self.playing = False
            self.playing_changed.emit(False)

    def toggle(self) -> None:
        self.pause() if self.playing else self.play()

    def seek(self, frame: int) -> None:
        """Show frame ``frame`` (playing goes on from there)."""
        if self.clip is None:
            return
        frame = max(0, min(int(frame), self.clip.n_frames - 1))
        self._t0 = self.clip.time(frame)
        self._clock.start()
        if frame != self.frame:
            self.frame = frame
            self.frame_changed.emit(frame)

    def seek_time(self, t: float) -> None:
        if self.clip is not None:
            self.seek(self.clip.frame_at(t, loop=False))

    def set_speed(self, speed: float) -> None:
        """1 = as recorded, 0.5 = half speed ..."""
        self._t0 = self.time()
        self._clock.start()
        self.speed = max(float(speed), 0.05)

    def set_loop(self, on: bool) -> None:
        self.loop = bool(on)

    def _advance(self) -> None:
        clip = self.clip
        if clip is None:
            self.pause()
            return
        t = self._t0 + self._clock.elapsed() / 1000.0 * self.speed
        frame = clip.frame_at(t, loop=self.loop)
        if frame != self.frame:
            self.frame = frame
            self.frame_changed.emit(frame)
        if not self.loop and t >= clip.duration_s:
            self.pause()

    def shutdown(self) -> None:
        self._tick.stop()


class MotionBar(QToolBar):
    """Play/pause, the timeline, the time, speed, loop and close, for the motion being played."""

    def __init__(self, player: MotionPlayer, parent=None) -> None:
        super().__init__("Motion", parent)
        self.setObjectName("motion_toolbar")
        self.setMovable(False)
        self.player = player
        self.play_button = QToolButton()
        self.play_button.setText("Play")
        self.play_button.setToolTip("Play / pause the motion (M)")
        self.play_button.clicked.connect(player.toggle)
        self.addWidget(self.play_button)
        self.slider = QSlider(Qt.Horizontal)
        self.slider.setObjectName("motion_slider")
        self.slider.setMinimumWidth(240)
        self.slider.setToolTip("Drag to any moment of the motion")
        self.slider.valueChanged.connect(player.seek)
        self.addWidget(self.slider)
        self.time_label = QLabel("")
        self.time_label.setContentsMargins(8, 0, 8, 0)
        self.addWidget(self.time_label)
        self.addWidget(QLabel("Speed "))
        self.speed = QComboBox()
        for s in SPEEDS:
            self.speed.addItem(f"{s:g}\N{MULTIPLICATION SIGN}", s)
        self.speed.setCurrentIndex(SPEEDS.index(1.0))
        self.speed.currentIndexChanged.connect(lambda _: player.set_speed(self.speed.currentData()))
        self.addWidget(self.speed)
        self.loop = QCheckBox("Loop")
        self.loop.setChecked(player.loop)
        self.loop.toggled.connect(player.set_loop)
        self.addWidget(self.loop)
        self.name_label = QLabel("")
        self.name_label.setContentsMargins(12, 0, 8, 0)
        self.addWidget(self.name_label)
        self.close_button = QToolButton()
        self.close_button.setText("Close motion")
        self.addWidget(self.close_button)
        player.frame_changed.connect(self.show_frame)
        player.playing_changed.connect(lambda on: self.play_button.setText("Pause" if on else "Play"))

    def set_clip(self, clip: MotionClip | None) -> None:
        self.slider.blockSignals(True)
        self.slider.setRange(0, 0 if clip is None else clip.n_frames - 1)
        self.slider.setValue(0)
        self.slider.blockSignals(False)
        self.name_label.setText("" if clip is None else clip.name)
        self.show_frame(0)

    def show_frame(self, frame: int) -> None:
        clip = self.player.clip
        if clip is None:
            self.time_label.setText("")
            return
        if self.slider.value() != frame:
            self.slider.blockSignals(True)
            self.slider.setValue(frame)
            self.slider.blockSignals(False)
        self.time_label.setText(f"{clip.time(frame):5.2f} / {clip.duration_s:.2f} s")


class _OnShow(QObject):
    """Calls ``callback`` once, just after the window it watches is shown."""

    def __init__(self, callback, parent) -> None:
        super().__init__(parent)
        self.callback = callback

    def eventFilter(self, obj, ev) -> bool:  # noqa: N802 - Qt API
        if ev.type() == QEvent.Show:
            obj.removeEventFilter(self)
            QTimer.singleShot(0, self.callback)
        return False


class Motions:
    """The window's recorded motion: loading one (a dialog when it cannot be), playing it and the
    *Over time* panel.

    Parameters
    ----------
    window : MainWindow
    """

    def __init__(self, window) -> None:
        self.w = window
        self.clip: MotionClip | None = None
        self.player = MotionPlayer(window)
        self.bar = MotionBar(self.player, window)
        window.addToolBar(Qt.BottomToolBarArea, self.bar)
        self.bar.hide()
        self.plot = MotionPlot()
        self.dock = QDockWidget("Over time", window)
        self.dock.setObjectName("dock_motion_plot")
        self.dock.setWidget(self.plot)
        window.addDockWidget(Qt.RightDockWidgetArea, self.dock)
        self.dock.hide()
        self._showing = False
        self._camera_frame: int | None = None  # the frame the camera was last moved for
        self._raise_on_show = _OnShow(lambda: self.clip is not None and self._show_dock(force=True), window)
        self.player.frame_changed.connect(self._show_frame)
        self.plot.time_clicked.connect(self.player.seek_time)
        self.bar.close_button.clicked.connect(self.unload)
        window.vm.request_changed.connect(self._on_request)
        window.vm.selection_changed.connect(self._on_selection)
        window.player.step_shown.connect(lambda step: step is not None and self.unload())
        self.act_open = QAction("Open motion file\N{HORIZONTAL ELLIPSIS}", window)
        self.act_open.setObjectName("act_open_motion")
        self.act_open.setToolTip("Play a recorded motion: OpenSim .mot / .sto, or a CSV with a time column")
        self.act_open.triggered.connect(self.open_dialog)
        self.act_play = QAction("Play / pause motion", window)
        self.act_play.setShortcut(QKeySequence("M"))
        self.act_play.setShortcutContext(Qt.WindowShortcut)
        self.act_play.triggered.connect(self.player.toggle)
        window.addAction(self.act_open)
        window.addAction(self.act_play)
        for menu_action in window.menuBar().actions():
            if menu_action.text().replace("&", "") == "File" and menu_action.menu() is not None:
                menu = menu_action.menu()
                first = menu.actions()[0] if menu.actions() else None
                menu.insertAction(first, self.act_open)
                if first is not None:
                    menu.insertSeparator(first)
                break

    @property
    def active(self) -> bool:
        return self.clip is not None

    def scale(self, mode: str) -> float:
        return self.clip.scale(mode) if self.clip is not None else 1.0

    def caption(self) -> str:
        return "" if self.clip is None else self.clip.caption(self.player.frame)

    # -- loading -----------------------------------------------------------------------------
    def load(self, path, *, play: bool = True, dialog: bool = True) -> bool:
        """Read, evaluate and show a motion file; a dialog (or ``ValueError`` without ``dialog``) says
        why one cannot be."""
        w = self.w
        try:
            clip = MotionClip(w.model, path, side=w.vm.options["side"])
        except ValueError as exc:  # MotionFileError
            if not dialog:
                raise
            QMessageBox.warning(w, "hipviz \N{EN DASH} motion not opened", str(exc))
            return False
        if w.player.scene is not None:
            w.load_scene(None)
        self.player.load(None)
        self.clip = clip
        # the camera frames the whole walking body, not only the pelvis and the leg described
        w.view.scene.whole_body = lambda: True
        w.apply_style()  # the motion's one colour scale
        self.player.load(clip)  # shows the first frame
        self.bar.set_clip(clip)
        self.bar.show()
        self.plot.set_series(clip.series, plot_muscles(clip.series, self._selected()))
        self._show_dock()
        if clip.notes:
            w.statusBar().showMessage(" \N{MIDDLE DOT} ".join(clip.notes), 15000)
        w.view.set_view(w.view.view_name)  # fit the camera to the body walking, not the pose before
        if play:
            self.player.play()
        return True

    def _show_dock(self, force: bool = False) -> None:
        """The *Over time* panel in a tab beside the moment-arm plot (where that one is), in front.

        Tabs made before the window is first shown do not take a raise: then it is done again on show.
        """
        w = self.w
        plot_dock = w.panels.docks.get("plot") if hasattr(w, "panels") else None
        if (force or self.dock.isHidden()) and plot_dock is not None and not plot_dock.isHidden() \
                and not plot_dock.isFloating():
            w.tabifyDockWidget(plot_dock, self.dock)
        self.dock.show()
        self.dock.raise_()
        QTimer.singleShot(0, self.dock.raise_)  # again once the tabs are laid out
        if not w.isVisible():  # opened from the command line: bring it to the front when the window shows
            w.installEventFilter(self._raise_on_show)
        if hasattr(w, "panels"):
            w.panels.tidy_later()

    def unload(self) -> None:
        if self.clip is None:
            return
        self.player.load(None)
        self._follow(None)
        w = self.w
        if "whole_body" in vars(w.view.scene):
            del w.view.scene.whole_body  # the scene decides again
        self.clip = None
        self.bar.set_clip(None)
        self.bar.hide()
        self.plot.set_series(None, None)
        self.dock.hide()
        self.w.apply_style()
        self.w.vm.evaluate_now()  # back to what the controls ask for

    def open_dialog(self) -> None:
        """*Open motion file...*: an OpenSim .mot / .sto or a CSV with a time column."""
        folder = str(self.clip.path.parent) if self.clip is not None and self.clip.path is not None else ""
        path, _ = QFileDialog.getOpenFileName(self.w, "Open motion file", folder,
                                              "Motions (*.mot *.sto *.csv);;All files (*)")
        if path:
            self.load(path)

    # -- showing -------------------------------------------------------------------------------
    def _show_frame(self, frame: int) -> None:
        if self.clip is None:
            return
        self._showing = True
        try:
            self.w.show_frame_state(self.clip.state(frame))
        finally:
            self._showing = False
        self._follow(frame)
        self.plot.set_time(self.clip.time(frame))

    def _follow(self, frame: int | None) -> None:
        """The camera travels with the walker (smoothed), keeping the user's angle and zoom;
        ``None`` takes it back to where the motion started."""
        path = self.clip.frames.camera_path if self.clip is not None else None
        prev, self._camera_frame = self._camera_frame, frame
        if path is None or prev is None:
            return
        delta = path[0 if frame is None else frame] - path[prev]
        if not delta.any():
            return
        view = self.w.view
        cam = view.plotter.renderer.GetActiveCamera()
        cam.SetFocalPoint(*(delta + cam.GetFocalPoint()))
        cam.SetPosition(*(delta + cam.GetPosition()))
        view.plotter.renderer.ResetCameraClippingRange()
        view.request_render()

    def _on_request(self) -> None:
        if self.clip is not None and not self._showing:
            self.unload()

    def _selected(self) -> str | None:
        sel = self.w.vm.selected
        return None if sel is None else sel[1]

    def _on_selection(self, _sel) -> None:
        if self.clip is not None:
            self.plot.set_muscles(plot_muscles(self.clip.series, self._selected()))

    def after_restore(self) -> None:
        """Saved layouts may show the motion's bar and panel: hide them while no motion is open."""
        if self.clip is None:
            self.bar.hide()
            self.dock.hide()

    def shutdown(self) -> None:
        self.player.shutdown()

