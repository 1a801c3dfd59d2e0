"""Stepping through and playing a scene (a lesson): each step's pose is reached by linear
interpolation from where the thigh is now, over the step's ``duration_s`` times the slow-motion
factor. Steps with the same pose but other options (pelvis locked -> free) glide as well,
because the interpolation starts from the thigh angles actually shown."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QElapsedTimer, QObject, QTimer, Signal

from .viewmodel import ANGLES, ViewModel

__all__ = ["ScenePlayer"]

_TICK_MS = 15
_HOLD_S = 1.5  # pause on each step while playing the whole scene


class ScenePlayer(QObject):
    """Drives the view model through a :class:`hipviz.io.scenes.Scene`.

    Signals
    -------
    step_changed(int, int)
        Current step index (0-based) and the number of steps.
    playing_changed(bool)
    """

    step_changed = Signal(int, int)
    playing_changed = Signal(bool)

    def __init__(self, vm: ViewModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.vm = vm
        self.scene = None
        self.index = -1
        self.slow = 1.0
        self.playing = False
        self._start: dict[str, float] = {}
        self._target: dict[str, float] = {}
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
        options = step.evaluate_kwargs()
        target = {a.key: float(step.pose.get(a.key, 0.0)) for a in ANGLES}
        self._options = options
        self._target = target
        self.step_changed.emit(index, self.n_steps)
        if not animate or step.duration_s <= 0:
            self._tick.stop()
            self.vm.set_request(target, caption=step.caption, **options)
            return
        start = dict(self.vm.pose)
        st = self.vm.state
        if st is not None:  # start from where the thigh is shown, so option changes glide too
            thigh = np.degrees(st.thigh[st.side][0])
            start.update(flexion=float(thigh[0]), adduction=float(thigh[1]), rotation=float(thigh[2]))
        self._start = start
        self._duration = step.duration_s * self.slow
        self._clock.start()
        self.vm.set_request(start, caption=step.caption, **options)
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
            prev = self.scene.steps[self.index - 1]
            self.vm.set_request({a.key: float(prev.pose.get(a.key, 0.0)) for a in ANGLES}, **prev.evaluate_kwargs())
            self.vm.evaluate_now()
        self.goto(self.index)

    def _advance(self) -> None:
        t = self._clock.elapsed() / 1000.0
        f = 1.0 if self._duration <= 0 else min(t / self._duration, 1.0)
        pose = {k: (1 - f) * self._start.get(k, 0.0) + f * v for k, v in self._target.items()}
        self.vm.set_request(pose, **self._options)
        if f >= 1.0:
            self._tick.stop()
            if self.playing:
                self._hold.start(int(_HOLD_S * 1000 * max(self.slow, 1.0)))

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
