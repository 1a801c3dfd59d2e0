"""The window's view model: what the user asked for (pose + options), and the evaluated state.

Widgets write into :class:`ViewModel`; it keeps the request in a Qt-free
:class:`~hipviz.app.request.Request` (the named pose and the options), calls
:func:`hipviz.evaluate` with it at most once per event-loop turn (slider drags are coalesced by
a zero-delay timer) and emits ``state_changed(state)``. Views read the state; none of them
computes anatomy.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QTimer, Signal

import hipviz

from .request import DEFAULT_OPTIONS, HIP_KEYS, SLIDER_KEYS, Request

__all__ = ["ANGLES", "HIP_KEYS", "AngleSpec", "ViewModel", "DEFAULT_OPTIONS", "MOVEMENT_LABELS"]


@dataclass(frozen=True)
class AngleSpec:
    """One pose slider: pose key, label, slider range (degrees), range key in ``model.ranges``."""

    key: str
    label: str
    lo: float
    hi: float
    range_key: str | None
    help: str


#: The pose sliders, in panel order. Hip sliders go past the hip's own range: with the pelvis
#: free those requests are reachable (the pelvis helps); locked, they are clamped with a warning.
ANGLES: tuple[AngleSpec, ...] = (
    AngleSpec("flexion", "Flexion", -30, 140, "hip_flexion", "Hip flexion (+) / extension (-) asked of the thigh"),
    AngleSpec("adduction", "Adduction", -60, 40, "hip_adduction", "Hip adduction (+) / abduction (-) asked of the thigh"),
    AngleSpec("rotation", "Rotation", -60, 55, "hip_rotation", "Hip internal (+) / external (-) rotation asked of the thigh"),
    AngleSpec("knee", "Knee", 0, 140, "knee_flexion", "Knee flexion"),
    AngleSpec("pelvis_anterior_tilt", "Tilt", -30, 40, "pelvis_anterior_tilt", "Pelvic tilt: + anterior (ASIS forward and down)"),
    AngleSpec("pelvis_obliquity", "Obliquity", -25, 25, "pelvis_obliquity", "Pelvic obliquity: + right side up (right hike)"),
    AngleSpec("pelvis_rotation", "Rotation", -45, 45, "pelvis_rotation", "Pelvic rotation: + to the left (right ASIS forward)"),
)
MOVEMENT_LABELS: dict[str | None, str] = {
    None: "None (colour by muscle group)",
    "flexion": "Flexion", "extension": "Extension", "abduction": "Abduction", "adduction": "Adduction",
    "internal_rotation": "Internal rotation", "external_rotation": "External rotation",
    "knee_flexion": "Knee flexion", "knee_extension": "Knee extension", "hold": "Hold still (against gravity)",
}


class ViewModel(QObject):
    """The user's request and its evaluation.

    The request (:attr:`request`, a Qt-free :class:`~hipviz.app.request.Request`) holds the
    pose as named (any coordinate a lesson step or the user named) and the options; only the
    named coordinates go to :func:`hipviz.evaluate`, the others take the posture's starting
    angles there. :attr:`pose` is what the sliders show.

    Signals
    -------
    request_changed()
        Any input (pose or option) changed; widgets re-sync from :attr:`pose` / :attr:`options`.
    state_changed(object)
        A new :class:`hipviz.State` is ready (emitted after evaluation).
    selection_changed(object)
        ``(side, muscle_id)`` of the selected muscle or None.
    error(str)
        The core refused the request (message for the status bar).
    """

    request_changed = Signal()
    state_changed = Signal(object)
    selection_changed = Signal(object)
    driven_changed = Signal(str)
    error = Signal(str)

    def __init__(self, model, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.request = Request(model.postures)
        self.driven = "flexion"
        self.selected: tuple[str, str] | None = None
        self.caption = ""
        self.state = None
        self.n_evaluations = 0
        self.last_evaluate_ms = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.setTimerType(Qt.PreciseTimer)
        self._timer.timeout.connect(self.evaluate_now)

    @property
    def pose(self) -> dict[str, float]:
        """``{slider key: degrees}`` the sliders show: named values, else the posture's starting angles."""
        return self.request.slider_values()

    @property
    def options(self) -> dict:
        """The evaluation options (read them here; change them with :meth:`set_option`)."""
        return self.request.options

    # -- input ---------------------------------------------------------------------------
    def set_angle(self, key: str, value: float) -> None:
        """Set one slider's angle (degrees) and schedule an evaluation."""
        if key not in SLIDER_KEYS:
            raise KeyError(f"unknown pose angle {key!r}; expected one of {', '.join(SLIDER_KEYS)}")
        if not self.request.set_slider(key, value):
            return
        if key in HIP_KEYS and key != self.driven:
            self.driven = key
            self.driven_changed.emit(key)
        self._changed()

    def set_option(self, name: str, value) -> None:
        """Set ``side``, ``posture``, ``movement``, ``lock_pelvis``, ``compensation``, ``load_n`` or ``contacts``.

        A new posture shows its starting angles (the named pose is forgotten); a new side takes
        the named leg angles to the other leg.
        """
        if name not in self.options:
            raise KeyError(f"unknown option {name!r}")
        if not self.request.set_option(name, value):
            return
        if name == "side" and self.selected is not None:
            self.select((value[0], self.selected[1]))
        self._changed()

    def set_request(self, pose: dict | None = None, caption: str | None = None, **options) -> None:
        """Replace several inputs at once (scene steps, reset, restored settings).

        ``pose`` (any names :func:`hipviz.make_poses` accepts, resolved on the new side) replaces
        the whole named pose; None keeps it. Raises ``PoseError`` / ``ValueError`` (and changes
        nothing) when the pose or an option is not valid.
        """
        self.request.replace(pose, **options)
        if caption is not None:
            self.caption = caption
        self._changed()

    def reset(self) -> None:
        """Nothing named (the posture's angles); side, posture, movement and pelvis options at their defaults."""
        self.request.reset()
        self.caption = ""
        self._changed()

    def toggle_lock(self) -> None:
        self.set_option("lock_pelvis", not self.options["lock_pelvis"])

    def select(self, selection: tuple[str, str] | None) -> None:
        """Select a muscle ``(side "r"/"l", muscle_id)`` or nothing."""
        if selection != self.selected:
            self.selected = selection
            self.selection_changed.emit(selection)

    def _changed(self) -> None:
        self.request_changed.emit()
        self._timer.start()

    # -- evaluation ----------------------------------------------------------------------
    def evaluate_kwargs(self) -> dict:
        """Keyword arguments of :func:`hipviz.evaluate` besides the pose."""
        return self.request.evaluate_args()[1]

    def evaluate_now(self):
        """Evaluate the current request right away and emit ``state_changed``; returns the state."""
        self._timer.stop()
        t = time.perf_counter()
        pose, kwargs = self.request.evaluate_args()
        try:
            state = hipviz.evaluate(self.model, pose, **kwargs)
        except (ValueError, KeyError) as exc:
            self.error.emit(str(exc))
            return self.state
        self.last_evaluate_ms = (time.perf_counter() - t) * 1000
        self.state = state
        self.n_evaluations += 1
        self.state_changed.emit(state)
        return state

    def shutdown(self) -> None:
        """Stop evaluating (the window is closing)."""
        self._timer.stop()
        self._timer.timeout.disconnect(self.evaluate_now)

    @property
    def pending(self) -> bool:
        """True while an evaluation is scheduled but not done."""
        return self._timer.isActive()

    # -- persistence ---------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {**self.request.to_dict(), "driven": self.driven}

    def from_dict(self, data: dict) -> None:
        """Restore from :meth:`to_dict` output, ignoring anything unknown or malformed."""
        if data.get("driven") in HIP_KEYS:
            self.driven = data["driven"]
        self.request.from_dict(data)
        self._changed()
