"""What persists between runs (QSettings): window layout, look, last scene and pose."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields

from PySide6.QtCore import QByteArray, QSettings

from .colouring import COLOUR_MODES

__all__ = ["Preferences", "Store"]


@dataclass
class Preferences:
    """The user's display choices (all plain values, easy to save)."""

    background: str = "white"            # normal window: "white" or "dark"
    palette: str = "okabe_ito"           # muscle-group palette
    force_thickness: bool = True         # tube thickness follows force capacity
    smooth_when_idle: bool = True        # anti-aliased frame once the view is still
    show_caption: bool = True            # caption in the 3D view (movement, pelvis locked/free)
    presentation_background: str = "dark"  # projector mode: "dark" or "white"
    view: str = "oblique"
    orthographic: bool = False
    slow: float = 1.0                    # slow-motion factor for playing scenes
    export_size: str = "16:9, 1920 x 1080 (widescreen slides)"
    export_transparent: bool = False
    colour: str = "effort"               # working muscles coloured by "effort" or "share"
    fixed_scale: bool = False            # colour scale fixed instead of following each pose
    fixed_scale_percent: float = 100.0   # the fixed scale's top (outside lessons)
    muscle_names: int = 5                # names with leader lines on this many lit muscles (0: none)
    trunk_outline: bool = True           # a translucent rib cage where the trunk muscles end


class Store:
    """Reads and writes :class:`Preferences`, the window layout, the request and the scene.

    Parameters
    ----------
    settings : QSettings or None
        None keeps nothing (used by ``--screenshot`` so pictures do not depend on past runs).
    """

    def __init__(self, settings: QSettings | None) -> None:
        self.q = settings

    @property
    def enabled(self) -> bool:
        return self.q is not None

    def preferences(self) -> Preferences:
        p = Preferences()
        if self.q is None:
            return p
        for f in fields(Preferences):
            raw = self.q.value(f"prefs/{f.name}")
            if raw is None:
                continue
            default = getattr(p, f.name)
            try:
                if isinstance(default, bool):
                    value = raw if isinstance(raw, bool) else str(raw).lower() in ("true", "1", "yes")
                else:
                    value = type(default)(raw)
            except (TypeError, ValueError):
                continue
            setattr(p, f.name, value)
        if p.background not in ("white", "dark"):
            p.background = "white"
        if p.presentation_background not in ("white", "dark"):
            p.presentation_background = "dark"
        if p.colour not in COLOUR_MODES:
            p.colour = "effort"
        if not 1.0 <= p.fixed_scale_percent <= 100.0:
            p.fixed_scale_percent = 100.0
        if not 0 <= p.muscle_names <= 30:
            p.muscle_names = 5
        return p

    def save_preferences(self, p: Preferences) -> None:
        if self.q is None:
            return
        for k, v in asdict(p).items():
            self.q.setValue(f"prefs/{k}", v)

    def layout(self) -> tuple[QByteArray | None, QByteArray | None]:
        if self.q is None:
            return None, None
        return self.q.value("window/geometry"), self.q.value("window/state")

    def save_layout(self, geometry: QByteArray, state: QByteArray) -> None:
        if self.q is not None:
            self.q.setValue("window/geometry", geometry)
            self.q.setValue("window/state", state)

    def request(self) -> dict | None:
        if self.q is None:
            return None
        try:
            data = json.loads(str(self.q.value("scene/request", "")))
        except (TypeError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def scene(self) -> tuple[str | None, int]:
        if self.q is None:
            return None, 0
        path = self.q.value("scene/path")
        try:
            step = int(self.q.value("scene/step", 0))
        except (TypeError, ValueError):
            step = 0
        return (str(path) if path else None), step

    def save_scene(self, request: dict, path: str | None, step: int) -> None:
        if self.q is None:
            return
        self.q.setValue("scene/request", json.dumps(request))
        self.q.setValue("scene/path", path or "")
        self.q.setValue("scene/step", int(step))

    def clear(self) -> None:
        if self.q is not None:
            self.q.clear()
            self.q.sync()

    def sync(self) -> None:
        if self.q is not None:
            self.q.sync()
