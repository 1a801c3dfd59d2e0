"""Reading and validating landmark files (``*.landmarks.toml``)."""
from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np

__all__ = ["LandmarkError", "read_landmarks", "REQUIRED_LANDMARKS"]

#: Landmarks every bone must have (pelvis names carry ``_r``/``_l`` where paired).
REQUIRED_LANDMARKS: dict[str, tuple[str, ...]] = {
    "pelvis": ("asis_r", "asis_l", "psis_r", "psis_l", "aiis_r", "aiis_l", "pubic_tubercle_r",
               "pubic_tubercle_l", "pubic_symphysis", "ischial_tuberosity_r", "ischial_tuberosity_l",
               "iliac_crest_top_r", "iliac_crest_top_l", "sacral_promontory", "hip_center_r",
               "hip_center_l", "lumbosacral_joint"),
    "femur": ("hip_center", "femoral_neck", "greater_trochanter", "lesser_trochanter",
              "shaft_proximal", "medial_epicondyle", "lateral_epicondyle", "knee_center"),
    "tibia": ("knee_center", "tibial_tuberosity", "ankle_center"),
}


class LandmarkError(ValueError):
    """A landmark file is missing, malformed or incomplete."""


def read_landmarks(path: str | Path, kind: str | None = None) -> dict[str, np.ndarray]:
    """Read a landmark file.

    Parameters
    ----------
    path : str or Path
        A TOML file with ``units = "mm"`` or ``"m"`` and tables
        ``[landmarks.NAME]`` holding ``position = [x, y, z]``.
    kind : {"pelvis", "femur", "tibia"}, optional
        Check that the landmarks this kind of bone needs are present.

    Returns
    -------
    dict
        ``{name: (3,) ndarray}`` in metres, in the bone's frame.

    Raises
    ------
    LandmarkError
        With the file, the landmark and what was wrong.
    """
    path = Path(path)
    if path.is_dir():
        raise LandmarkError(f"{path}: is a folder; expected a landmark file (NAME.landmarks.toml)")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LandmarkError(f"{path}: landmark file not found") from None
    except UnicodeDecodeError:
        raise LandmarkError(f"{path}: not a text file (expected TOML in UTF-8, such as meshes/pelvis.landmarks.toml)") from None
    except OSError as exc:
        raise LandmarkError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise LandmarkError(f"{path}: not valid TOML ({exc})") from None
    except RecursionError:
        raise LandmarkError(f"{path}: not valid TOML (tables nested too deeply)") from None
    units = raw.get("units", "mm")
    scale = {"mm": 1e-3, "m": 1.0, "cm": 1e-2}.get(units) if isinstance(units, str) else None
    if scale is None:
        shown = repr(units) if len(repr(units)) <= 40 else repr(units)[:37] + "..."
        raise LandmarkError(f"{path}: units: expected 'mm', 'cm' or 'm', found {shown}")
    table = raw.get("landmarks")
    if not isinstance(table, dict) or not table:
        raise LandmarkError(f"{path}: expected [landmarks.NAME] tables with a 'position', found none")
    out = {}
    for name, entry in table.items():
        pos = entry.get("position") if isinstance(entry, dict) else None
        try:
            arr = np.asarray(pos, dtype=float)
        except (TypeError, ValueError):
            arr = np.empty(0)
        if arr.shape != (3,) or not np.all(np.isfinite(arr)) or np.abs(arr).max() * scale > 1000.0:
            shown = repr(pos) if len(repr(pos)) <= 60 else repr(pos)[:57] + "..."
            raise LandmarkError(f"{path}: landmark '{name}': expected position = [x, y, z] (three finite numbers, "
                                f"within 1 km), found {shown}")
        out[name] = arr * scale
    if kind is not None:
        missing = [n for n in REQUIRED_LANDMARKS[kind] if n not in out]
        if missing:
            raise LandmarkError(f"{path}: missing required {kind} landmark(s): {', '.join(missing)}")
    return out
