"""A played lesson or motion as a CSV table: one row per frame and muscle bundle.

Columns, in order:

* ``time`` (s from the first frame), ``frame`` (0-based);
* every coordinate under its OpenSim name, with OpenSim's (Rajagopal's) signs, in the order of an
  inverse-kinematics file: ``pelvis_tilt``, ``pelvis_list``, ``pelvis_rotation``, ``pelvis_tx``,
  ``pelvis_ty``, ``pelvis_tz`` (metres), ``hip_flexion_r``, ``hip_adduction_r``,
  ``hip_rotation_r``, ``knee_angle_r`` (+ flexion), ``ankle_angle_r``, ``subtalar_angle_r``, the
  same ``_l``, ``lumbar_extension``, ``lumbar_bending``, ``lumbar_rotation`` (degrees), as drawn
  (after clamping and placing on the floor);
* ``asis_height_r_m``, ``asis_height_l_m``: height of each ASIS above the floor, metres;
* ``muscle``, ``bundle``, ``side`` (right, left): the bundle of this row (both legs' hip muscles);
* ``length_cm`` and the moment arms ``flexion_cm``, ``adduction_cm``, ``rotation_cm``,
  ``knee_cm`` (+ flexor, adductor, internal rotator, knee flexor);
* ``activation`` (0..1, effort), ``share`` (0..1, part of the moment) and ``role`` (agonist,
  antagonist, stabiliser, inactive); empty where a lesson step sets no movement.

The numbers are formatted a whole block at a time (one ``%`` format over the block, no per-value
Python calls) and written in chunks, through :func:`hipviz.io.atomic.atomic_path`.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

import numpy as np

from ..core.pose import _LINEAR, OPENSIM_NAMES
from .atomic import atomic_path

__all__ = ["CSV_COLUMNS", "COORDINATE_COLUMNS", "write_frames_csv", "frame_columns"]

#: The coordinates in the order of an OpenSim inverse-kinematics file (any other name hipviz adds comes last).
_ORDER = ["pelvis_tilt", "pelvis_list", "pelvis_rotation", "pelvis_tx", "pelvis_ty", "pelvis_tz",
          *(f"{c}_{s}" for s in ("r", "l") for c in ("hip_flexion", "hip_adduction", "hip_rotation", "knee_angle",
                                                      "ankle_angle", "subtalar_angle")),
          "lumbar_extension", "lumbar_bending", "lumbar_rotation"]
COORDINATE_COLUMNS: tuple[str, ...] = tuple([n for n in _ORDER if n in OPENSIM_NAMES]
                                            + [n for n in OPENSIM_NAMES if n not in _ORDER])
_FRAME = ["time", "frame", *COORDINATE_COLUMNS, "asis_height_r_m", "asis_height_l_m"]
_BUNDLE = ["muscle", "bundle", "side", "length_cm", "flexion_cm", "adduction_cm", "rotation_cm", "knee_cm",
           "activation", "share", "role"]
#: The header of the table.
CSV_COLUMNS: tuple[str, ...] = tuple(_FRAME + _BUNDLE)
_FRAME_FMT = ",".join(["%.4f", "%d"] + ["%.5f" if OPENSIM_NAMES[n][0] in _LINEAR else "%.3f" for n in COORDINATE_COLUMNS]
                      + ["%.4f", "%.4f"])
_SIDES = (("r", "right"), ("l", "left"))
_BLOCK_FRAMES = 400  # frames formatted at once (memory stays small for long motions)


def frame_columns(state, rows) -> np.ndarray:
    """Per-frame numbers of ``state`` rows ``rows``: the coordinates (:data:`COORDINATE_COLUMNS`,
    OpenSim's signs, degrees and metres) and the two ASIS heights, ``(m, len(COORDINATE_COLUMNS) + 2)``."""
    p = state.poses
    cols = []
    for name in COORDINATE_COLUMNS:
        col, sign = OPENSIM_NAMES[name]
        v = p[col][rows]
        cols.append(sign * (v if col in _LINEAR else np.degrees(v)))
    asis = state.asis_height()
    cols += [asis["right"][rows], asis["left"][rows]]
    return np.column_stack(cols) + 0.0


def _bundle_block(state, rows):
    """Static words (B,), numbers (m, B, 7) and roles (m, B) of both legs' bundles."""
    words, nums, roles = [], [], []
    m = len(rows)
    for c, side in _SIDES:
        ms = state.muscles[c]
        words += [f"{mid},{bn},{side}" for mid, bn in zip(ms.muscle_ids, ms.bundle_names)]
        b = len(ms.muscle_ids)
        block = np.full((m, b, 7), np.nan)
        block[:, :, 0] = ms.length[rows] * 100
        block[:, :, 1:5] = ms.moment_arm[rows][:, :, :4] * 100
        if ms.activation is not None:
            block[:, :, 5] = ms.activation[rows]
            block[:, :, 6] = ms.share[rows] if ms.share is not None else np.nan
            roles.append(np.asarray(ms.role[rows]).astype(str) if ms.role is not None else np.full((m, b), ""))
        else:
            roles.append(np.full((m, b), ""))
        nums.append(block)
    return np.array(words, object), np.concatenate(nums, axis=1), np.concatenate(roles, axis=1)


def _format_block(time_s, frames, state, rows) -> str:
    prefix_vals = np.column_stack([time_s[frames], frames, frame_columns(state, rows)])
    m = len(frames)
    prefix = ((_FRAME_FMT + "\n") * m % tuple(prefix_vals.ravel().tolist())).split("\n")[:m]
    words, nums, roles = _bundle_block(state, rows)
    b = len(words)
    has_act = not np.isnan(nums[:, :, 5]).all()
    k = 7 if has_act else 5
    table = np.empty((m, b, 3 + k), object)
    table[:, :, 0] = np.array(prefix, object)[:, None]
    table[:, :, 1] = words[None, :]
    table[:, :, 2:2 + k] = nums[:, :, :k]
    table[:, :, 2 + k] = roles
    if has_act:
        row = "%s,%s,%.3f,%.3f,%.3f,%.3f,%.3f,%.4f,%.4f,%s\n"
        if np.isnan(nums[:, :, 6]).any():  # no share computed: an empty cell
            table[:, :, 8] = np.where(np.isnan(nums[:, :, 6]), "", np.char.mod("%.4f", nums[:, :, 6])).astype(object)
            row = "%s,%s,%.3f,%.3f,%.3f,%.3f,%.3f,%.4f,%s,%s\n"
    else:
        row = "%s,%s,%.3f,%.3f,%.3f,%.3f,%.3f,,,%s\n"
    return (row * (m * b)) % tuple(table.reshape(-1).tolist())


def write_frames_csv(chunks: Iterable, path: str | os.PathLike, *, time_s: np.ndarray) -> Path:
    """Write evaluated frames as the CSV table described in this module.

    Parameters
    ----------
    chunks : iterable of hipviz.io.frames.Chunk
        In frame order, e.g. ``source.chunks(model, with_paths=False)``.
    path : str or Path
        The ``.csv`` to write (atomically: nothing is left behind if this fails).
    time_s : (n,) ndarray
        Time of every frame, seconds.

    Returns
    -------
    Path

    Examples
    --------
    >>> import hipviz, tempfile, pathlib
    >>> from hipviz.io.frames import LessonFrames
    >>> from hipviz.io.scenes import load_scene, shipped_scenes
    >>> model = hipviz.load_model()
    >>> src = LessonFrames(load_scene(shipped_scenes()[0]), fps=2)
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "lesson.csv"
    >>> _ = write_frames_csv(src.chunks(model, with_paths=False), out, time_s=src.time_s)
    >>> out.read_text().split("\\n")[0].split(",")[:3]
    ['time', 'frame', 'pelvis_tilt']
    """
    out = Path(path)
    time_s = np.asarray(time_s, float)
    with atomic_path(out, suffix=".csv") as tmp:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            fh.write(",".join(CSV_COLUMNS) + "\n")
            for chunk in chunks:
                frames, rows = np.asarray(chunk.frames), np.asarray(chunk.rows)
                for a in range(0, len(frames), _BLOCK_FRAMES):
                    fh.write(_format_block(time_s, frames[a:a + _BLOCK_FRAMES], chunk.state, rows[a:a + _BLOCK_FRAMES]))
            fh.flush()
            os.fsync(fh.fileno())
    return out
