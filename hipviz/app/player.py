"""Stepping through and playing a scene (a lesson): each step's pose is reached by linear
interpolation from what is shown now, over the step's ``duration_s`` times the slow-motion
factor. Steps with the same pose but other options (pelvis locked -> free) glide as well,
because the interpolation starts from the angles actually shown.

A step's whole pose reaches :func:`hipviz.evaluate`, whatever coordinates and names it uses
(:func:`~hipviz.app.lesson.step_request`); its camera preset and the muscles it picks out are
announced with ``step_shown`` for the window to apply.
"""
from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QObject, QTimer, Signal

from .lesson import glide_columns, glide_pose, glide_start, step_request
from .request import start_angles
from .viewmodel import ViewModel

__all__ = ["ScenePlayer"]

_TICK_MS = 15
_HOLD_S = 1.5  # pause on each step while playing the whole scene


class ScenePlayer(QObject):
    """Drives the view model through a :class:`hipviz.io.scenes.Scene`.

    Signals
    -------
    step_changed(int, int)
        Current step index (0-based) and the number of steps.
    step_shown(object)
        The :class:`~hipviz.io.scenes.Step` now shown (its request already set), or None when
        the scene is closed.
    playing_changed(bool)
    """

    step_changed = Signal(int, int)
    step_shown = Signal(object)
    playing_changed = Signal(bool)

    def __init__(self, vm: ViewModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.vm = vm
        self.scene = None
        self.index = -1
        self.slow = 1.0
        self.playing = False
        self._start: dict[str, float] = {}
        self._target: dict[str, float] = {}  # every gliding column's value at the end
        self._final: dict[str, float] = {}   # the step's own named pose
        self._options: dict = {}
        self._duration = 0.0
        self._clock = QElapsedTimer()
        self._tick = QTimer(self)
        self._tick.setInterval(_TICK_MS)
        self._tick.timeout.connect(self._advance)
        self._hold = QTimer(self)
        self._hold.setSingleShot(True)
        self._hold.timeout.connect(self._next_while_playing)

    @property
    def n_steps(self) -> int:
        return len(self.scene.steps) if self.scene is not None else 0

    @property
    def animating(self) -> bool:
        return self._tick.isActive()

    def load(self, scene) -> None:
        """Take a scene and show its first step (no animation)."""
        self.stop()
        self._tick.stop()
        self.scene = scene
        self.index = -1
        if scene is not None and scene.steps:
            self.goto(0, animate=False)
        else:
            self.step_changed.emit(-1, 0)

    def unload(self) -> None:
        self.stop()
        self._tick.stop()
        self.scene = None
        self.index = -1
        self.vm.caption = ""
        self.step_changed.emit(-1, 0)
        self.step_shown.emit(None)

    def caption(self) -> str:
        if self.scene is None or self.index < 0:
            return ""
        return self.scene.steps[self.index].caption

    # -- stepping ------------------------------------------------------------------------
    def goto(self, index: int, *, animate: bool = True) -> None:
        """Show step ``index`` (clamped), gliding there unless ``animate`` is False."""
        if self.scene is None:
            return
        index = max(0, min(index, self.n_steps - 1))
        step = self.scene.steps[index]
        self.index = index
        request = step_request(step)
        target = request.pop("pose")
        self._options = request
        self._final = target
        self.step_changed.emit(index, self.n_steps)
        if not animate or step.duration_s <= 0:
            self._tick.stop()
            self.vm.set_request(target, caption=step.caption, **request)
            self.step_shown.emit(step)
            return
        vm = self.vm
        if vm.pending:
            vm.evaluate_now()
        postures = vm.model.postures
        cols = glide_columns(vm.request.pose, target, (postures[vm.options["posture"]], postures[step.posture]))
        self._start = glide_start(cols, vm.request.value, vm.state, side=step.side, lock_pelvis=step.lock_pelvis)
        end_start = start_angles(postures[step.posture])
        self._target = {c: target.get(c, end_start.get(c, 0.0)) for c in cols}
        self._duration = step.duration_s * self.slow
        self._clock.start()
        vm.set_request(self._start, caption=step.caption, **request)
        self.step_shown.emit(step)
        self._tick.start()

    def next(self) -> bool:
        """Next step; returns False at the end."""
        if self.scene is None or self.index >= self.n_steps - 1:
            return False
        self.goto(self.index + 1)
        return True

    def previous(self) -> bool:
        if self.scene is None or self.index <= 0:
            return False
        self.goto(self.index - 1)
        return True

    def replay(self) -> None:
        """Glide into the current step again (e.g. after changing the slow-motion factor)."""
        if self.scene is None or self.index < 0:
            return
        if self.index > 0:
            prev = step_request(self.scene.steps[self.index - 1])
            self.vm.set_request(prev.pop("pose"), **prev)
            self.vm.evaluate_now()
        self.goto(self.index)

    def _advance(self) -> None:
        t = self._clock.elapsed() / 1000.0
        f = 1.0 if self._duration <= 0 else min(t / self._duration, 1.0)
        if f >= 1.0:  # exactly the step's pose: what it does not name follows the posture again
            self.vm.set_request(self._final, **self._options)
            self._tick.stop()
            if self.playing:
                self._hold.start(int(_HOLD_S * 1000 * max(self.slow, 1.0)))
            return
        self.vm.set_request(glide_pose(self._start, self._target, f), **self._options)

    # -- playing -------------------------------------------------------------------------
    def play(self) -> None:
        """Play the scene from the current step to the end (from the start if at the end)."""
        if self.scene is None:
            return
        self.playing = True
        self.playing_changed.emit(True)
        if self.index >= self.n_steps - 1:
            self.goto(0, animate=False)
            self._hold.start(int(_HOLD_S * 1000))
        elif not self.animating:
            self._next_while_playing()

    def _next_while_playing(self) -> None:
        if not self.playing:
            return
        if not self.next():
            self.stop()

    def stop(self) -> None:
        """Stop playing (a glide in progress finishes)."""
        self._hold.stop()
        if self.playing:
            self.playing = False
            self.playing_changed.emit(False)

    def shutdown(self) -> None:
        """Stop every timer (the window is closing)."""
        self.stop()
        self._tick.stop()

    def toggle_play(self) -> None:
        self.stop() if self.playing else self.play()

    def set_slow(self, factor: float) -> None:
        """Slow-motion factor: 1 = as written, 2 = half speed, 4 = quarter speed."""
        self.slow = max(float(factor), 0.1)
