"""The window's view model: what the user asked for (pose + options), and the evaluated state.

Widgets write into :class:`ViewModel`; it calls :func:`hipviz.evaluate` at most once per
event-loop turn (slider drags are coalesced by a zero-delay timer) and emits
``state_changed(state)``. Views read the state; none of them computes anatomy.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QTimer, Signal

import hipviz
from hipviz.core.pose import normalise_pose

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
#: Pose keys the moment-arm plot can put on its horizontal axis.
HIP_KEYS = ("flexion", "adduction", "rotation", "knee")

MOVEMENT_LABELS: dict[str | None, str] = {
    None: "None (colour by muscle group)",
    "flexion": "Flexion", "extension": "Extension", "abduction": "Abduction", "adduction": "Adduction",
    "internal_rotation": "Internal rotation", "external_rotation": "External rotation",
    "knee_flexion": "Knee flexion", "knee_extension": "Knee extension", "hold": "Hold still (against gravity)",
}

DEFAULT_OPTIONS = {"side": "right", "posture": "standing", "movement": "flexion", "lock_pelvis": True,
                   "compensation": 0.5, "load_n": 0.0}


class ViewModel(QObject):
    """The user's request and its evaluation.

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
        self.pose: dict[str, float] = {a.key: 0.0 for a in ANGLES}
        self.options: dict = dict(DEFAULT_OPTIONS)
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

    # -- input ---------------------------------------------------------------------------
    def set_angle(self, key: str, value: float) -> None:
        """Set one pose angle (degrees) and schedule an evaluation."""
        value = float(value)
        if key not in self.pose:
            raise KeyError(f"unknown pose angle {key!r}; expected one of {', '.join(self.pose)}")
        if math.isclose(self.pose[key], value, abs_tol=1e-9):
            return
        self.pose[key] = value
        if key in HIP_KEYS and key != self.driven:
            self.driven = key
            self.driven_changed.emit(key)
        self._changed()

    def set_option(self, name: str, value) -> None:
        """Set ``side``, ``posture``, ``movement``, ``lock_pelvis``, ``compensation`` or ``load_n``."""
        if name not in self.options:
            raise KeyError(f"unknown option {name!r}")
        if self.options[name] == value:
            return
        self.options[name] = value
        if name == "side" and self.selected is not None:
            self.select((value[0], self.selected[1]))
        self._changed()

    def set_request(self, pose: dict | None = None, caption: str | None = None, **options) -> None:
        """Replace several inputs at once (scene steps, reset, restored settings)."""
        if pose is not None:
            pose = normalise_pose(pose)
            for key in self.pose:
                self.pose[key] = float(pose.get(key, 0.0))
        for name, value in options.items():
            if name in self.options:
                self.options[name] = value
        if caption is not None:
            self.caption = caption
        self._changed()

    def reset(self) -> None:
        """Every angle to zero; side, posture, movement and pelvis options to their defaults."""
        self.set_request({}, caption="", **DEFAULT_OPTIONS)

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
        o = self.options
        return {"side": o["side"], "posture": o["posture"], "movement": o["movement"],
                "lock_pelvis": bool(o["lock_pelvis"]), "compensation": float(o["compensation"]),
                "load_n": float(o["load_n"])}

    def evaluate_now(self):
        """Evaluate the current request right away and emit ``state_changed``; returns the state."""
        self._timer.stop()
        t = time.perf_counter()
        try:
            state = hipviz.evaluate(self.model, dict(self.pose), **self.evaluate_kwargs())
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
        return {"pose": dict(self.pose), "options": dict(self.options), "driven": self.driven}

    def from_dict(self, data: dict) -> None:
        """Restore from :meth:`to_dict` output, ignoring anything unknown or malformed."""
        pose = {k: float(v) for k, v in (data.get("pose") or {}).items()
                if k in self.pose and isinstance(v, (int, float))}
        opts = {}
        for k, v in (data.get("options") or {}).items():
            if k in DEFAULT_OPTIONS and (v is None or isinstance(v, type(DEFAULT_OPTIONS[k])) or
                                         (k == "movement" and isinstance(v, str))):
                opts[k] = v
        if opts.get("posture") not in (None, *self.model.postures):
            opts.pop("posture")
        if "movement" in opts and opts["movement"] not in MOVEMENT_LABELS:
            opts.pop("movement")
        if data.get("driven") in HIP_KEYS:
            self.driven = data["driven"]
        self.set_request(pose, **opts)
