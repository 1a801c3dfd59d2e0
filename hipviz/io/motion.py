"""Recorded motion: OpenSim storage files (``.mot``, ``.sto``) and CSV tables, read onto the pose.

An OpenSim storage file is a header, a line ``endheader``, a line of column names and a table of
numbers, one row per time::

    Coordinates
    version=1
    nRows=101
    nColumns=24
    inDegrees=yes

    Units are S.I. units (second, meters, Newtons, ...)
    endheader
    time    pelvis_tilt   pelvis_list   ...   hip_flexion_r   knee_angle_r   ...
    0.000   -4.1          1.2           ...   31.5            -4.0           ...

Columns are separated by tabs or spaces (a CSV: commas, no header, degrees). The ``time`` column
is in seconds and must increase. ``inDegrees=yes|no`` says whether angles are degrees or radians
(pelvis_tx/ty/tz are metres either way).

Columns are matched by OpenSim's coordinate names (pelvis_tilt, pelvis_list, pelvis_rotation,
pelvis_tx/ty/tz, hip_flexion_r, hip_adduction_r, hip_rotation_r, knee_angle_r, ankle_angle_r,
subtalar_angle_r, lumbar_extension, lumbar_bending, lumbar_rotation, and ``_l``), with OpenSim's
signs, or by hipviz's column names (:mod:`hipviz.core.pose`); OpenSim 4 state paths such as
``/jointset/hip_r/hip_flexion_r/value`` are read as the coordinate they end in. Anything else
(``mtp_angle_r``, arm coordinates, speeds) is listed once in :attr:`Motion.warnings` and ignored;
coordinates the file does not have stay neutral (also listed once).

The knee: gait2392-style models count ``knee_angle`` negative in flexion, Rajagopal's model
positive. A file whose knee values are mostly negative is read with the knee sign turned, and
:attr:`Motion.warnings` says so.

Examples
--------
>>> from pathlib import Path
>>> import tempfile
>>> f = Path(tempfile.mkdtemp()) / "lift.mot"
>>> _ = f.write_text("lift\\nversion=1\\ninDegrees=yes\\nendheader\\n"
...                  "time\\thip_flexion_r\\tknee_angle_r\\n0\\t0\\t0\\n1\\t90\\t90\\n")
>>> m = read_motion(f)
>>> m.n_frames, m.values["hip_flexion_r"].tolist(), m.values["knee_flexion_r"].tolist()
(2, [0.0, 90.0], [0.0, 90.0])
"""
from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from ..core.pose import _LINEAR, OPENSIM_NAMES, POSE_NAMES

__all__ = ["Motion", "MotionFileError", "read_motion", "MOTION_SUFFIXES", "is_motion_file"]

#: File name endings read as motions.
MOTION_SUFFIXES = (".mot", ".sto", ".csv")
_TRUE = {"yes", "true", "1", "y"}
_FALSE = {"no", "false", "0", "n"}
_KNEES = ("knee_angle_r", "knee_angle_l")


class MotionFileError(ValueError):
    """A motion file cannot be read; the message names the file and the line."""


def is_motion_file(path) -> bool:
    """Whether ``path`` ends in one of :data:`MOTION_SUFFIXES`."""
    return Path(path).suffix.lower() in MOTION_SUFFIXES


@dataclass(frozen=True)
class Motion:
    """A recorded movement, frame by frame, on hipviz's coordinates.

    Attributes
    ----------
    time_s : (n,) ndarray
        Time of each frame, seconds, increasing.
    values : dict
        ``{column: (n,) ndarray}`` by hipviz column (:data:`hipviz.core.pose.COORDINATES`),
        degrees (metres for ``pelvis_tx/ty/tz``), hipviz's signs. Only the coordinates in the file.
    name : str
        The file name (or the header's first line).
    path : Path or None
    header : dict
        ``{key: value}`` of the header's ``key=value`` lines (``version``, ``nRows`` ...), and
        ``"text"``: its other lines joined.
    in_degrees : bool
        What the file's angles were in (they are converted to degrees).
    ignored : tuple of str
        File columns not used.
    missing : tuple of str
        OpenSim coordinates the file does not have (kept neutral).
    knee_flipped : bool
        The knee columns were read with their sign turned (gait2392 convention).
    warnings : tuple of str
        One message per thing to know: knee sign, ignored columns, missing coordinates.
    """

    time_s: np.ndarray
    values: dict
    name: str = "motion"
    path: Path | None = None
    header: dict = field(default_factory=dict)
    in_degrees: bool = True
    ignored: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    knee_flipped: bool = False
    warnings: tuple[str, ...] = ()

    @property
    def n_frames(self) -> int:
        return int(self.time_s.size)

    @property
    def duration_s(self) -> float:
        """Time from the first frame to the last, seconds."""
        return float(self.time_s[-1] - self.time_s[0]) if self.n_frames else 0.0

    @property
    def rate_hz(self) -> float:
        """Frames per second (from the median time step)."""
        if self.n_frames < 2:
            return 0.0
        return float(1.0 / np.median(np.diff(self.time_s)))

    def resample(self, fps: float) -> "Motion":
        """The same motion at ``fps`` frames a second from its first time (linear interpolation).

        Examples
        --------
        >>> m = Motion(np.array([0.0, 1.0]), {"hip_flexion_r": np.array([0.0, 90.0])})
        >>> m.resample(4).values["hip_flexion_r"].tolist()
        [0.0, 22.5, 45.0, 67.5, 90.0]
        """
        if not (math.isfinite(fps) and fps > 0):
            raise ValueError(f"fps must be a positive number, found {fps!r}")
        n = int(math.floor(self.duration_s * fps + 1e-9)) + 1
        t = self.time_s[0] + np.arange(n) / fps
        vals = {k: np.interp(t, self.time_s, v) for k, v in self.values.items()}
        return replace(self, time_s=t, values=vals)

    def between(self, start: float | None = None, end: float | None = None) -> "Motion":
        """The frames from ``start`` to ``end`` seconds after the first (None: from the first, to the last).

        Examples
        --------
        >>> m = Motion(np.arange(5.0), {"hip_flexion_r": np.arange(5.0) * 10})
        >>> m.between(1, 3).values["hip_flexion_r"].tolist()
        [10.0, 20.0, 30.0]
        """
        t = self.time_s - self.time_s[0]
        lo = -np.inf if start is None else float(start) - 1e-9
        hi = np.inf if end is None else float(end) + 1e-9
        keep = (t >= lo) & (t <= hi)
        if keep.sum() < 2:
            raise ValueError(f"{self.name}: fewer than two frames between {start} and {end} s "
                             f"(the motion lasts {self.duration_s:.2f} s)")
        return replace(self, time_s=self.time_s[keep], values={k: v[keep] for k, v in self.values.items()})

    def opensim_values(self) -> dict[str, np.ndarray]:
        """``{OpenSim name: (n,)}`` with OpenSim's (Rajagopal's) signs, degrees and metres."""
        out = {}
        for name, (col, sign) in OPENSIM_NAMES.items():
            if col in self.values:
                out[name] = sign * self.values[col]
        return out


# -- reading ------------------------------------------------------------------------------
def _column_name(label: str) -> str:
    """An OpenSim 4 state path ``/jointset/hip_r/hip_flexion_r/value`` -> ``hip_flexion_r``."""
    label = label.strip().strip('"')
    if "/" in label:
        parts = [p for p in label.split("/") if p]
        if len(parts) >= 2 and parts[-1] == "value":
            return parts[-2]
        return label  # a speed or another state: not a coordinate value
    return label


def _split(line: str, csv: bool) -> list[str]:
    if csv:
        return [c.strip() for c in line.split(",")]
    return line.split("\t") if "\t" in line.strip() else line.split()


def _header(lines: list[str], where: str) -> tuple[dict, int]:
    """``({key: value, "text": ...}, index of the line after endheader)``."""
    meta: dict[str, str] = {}
    text = []
    for i, line in enumerate(lines):
        s = line.strip()
        if s.lower() == "endheader":
            meta["text"] = "\n".join(text)
            return meta, i + 1
        key, eq, value = s.partition("=")
        if eq and key.strip() and " " not in key.strip():
            meta[key.strip()] = value.strip()
        elif s:
            text.append(s)
    raise MotionFileError(f"{where}: no 'endheader' line (read {len(lines)} lines): an OpenSim storage file "
                          "(.mot, .sto) has a header that ends with a line 'endheader', then the column names")


def _meta(meta: dict, key: str) -> str | None:
    for k, v in meta.items():
        if k.lower() == key.lower():
            return v
    return None


def _diagnose(lines: list[str], first: int, labels: list[str], csv: bool, where: str) -> MotionFileError:
    """The first line of the table that is ragged or not numeric (slow; only after a failure)."""
    n = len(labels)
    for k in range(first, len(lines)):
        line = lines[k]
        if not line.strip():
            continue
        cells = _split(line, csv)
        if len(cells) != n:
            return MotionFileError(f"{where} line {k + 1}: {len(cells)} values, but the column names (line {first}) "
                                   f"give {n} columns; every row needs one value per column")
        for j, cell in enumerate(cells):
            try:
                float(cell)
            except ValueError:
                shown = cell if cell else "an empty cell"
                return MotionFileError(f"{where} line {k + 1}, column {labels[j]!r}: {shown!r} is not a number")
    return MotionFileError(f"{where}: the table cannot be read as numbers")


def _line_of_row(lines: list[str], first: int, row: int) -> int:
    """1-based line number of table row ``row`` (blank lines skipped)."""
    seen = -1
    for k in range(first, len(lines)):
        if lines[k].strip():
            seen += 1
            if seen == row:
                return k + 1
    return len(lines)


def read_motion(path, *, knee: str = "auto") -> Motion:
    """Read an OpenSim ``.mot`` / ``.sto`` file, or a CSV with a ``time`` column.

    Parameters
    ----------
    path : str or Path
    knee : {"auto", "opensim", "flip"}, default: "auto"
        ``knee_angle`` sign: ``"auto"`` turns it when the values are mostly negative
        (gait2392-style models), ``"opensim"`` keeps Rajagopal's (+ flexion), ``"flip"`` turns it.

    Returns
    -------
    Motion

    Raises
    ------
    MotionFileError
        Naming the file and the line: no ``endheader``, ragged rows, cells that are not
        numbers, NaN, a time that does not increase, no ``time`` column, a column named twice,
        fewer than two rows.
    """
    path = Path(path)
    where = path.name
    if knee not in ("auto", "opensim", "flip"):
        raise ValueError(f"knee must be 'auto', 'opensim' or 'flip', found {knee!r}")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise MotionFileError(f"{path}: motion file not found") from None
    except OSError as exc:
        raise MotionFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MotionFileError(f"{where}: not a text file (an OpenSim .mot/.sto or a .csv)") from None
    lines = text.splitlines()
    csv = path.suffix.lower() == ".csv"
    if csv:
        meta, start = {}, 0
    else:
        meta, start = _header(lines, where)
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start >= len(lines):
        raise MotionFileError(f"{where}: no column names after {'endheader' if not csv else 'the start'} "
                              f"(line {start}); expected a line such as 'time  hip_flexion_r ...'")
    labels = [c.strip() for c in _split(lines[start], csv)]
    label_line = start + 1
    lower = [c.lower() for c in labels]
    if "time" not in lower:
        raise MotionFileError(f"{where} line {label_line}: no 'time' column among the column names "
                              f"({', '.join(labels[:6])}{' ...' if len(labels) > 6 else ''})")
    body = "\n".join(lines[start + 1:])
    try:
        with warnings.catch_warnings():  # "input contained no data": said below, in the file's terms
            warnings.simplefilter("ignore", UserWarning)
            table = np.loadtxt(io.StringIO(body), delimiter="," if csv else None, ndmin=2, dtype=float)
    except ValueError:
        raise _diagnose(lines, start + 1, labels, csv, where) from None
    if table.size == 0:
        table = np.zeros((0, len(labels)))
    if table.shape[1] != len(labels):
        raise _diagnose(lines, start + 1, labels, csv, where)
    if table.shape[0] < 2:
        raise MotionFileError(f"{where}: {table.shape[0]} row(s) of numbers; a motion needs at least two times")
    bad = ~np.isfinite(table)
    if bad.any():
        r, c = np.argwhere(bad)[0]
        what = "NaN (a missing value)" if np.isnan(table[r, c]) else f"{table[r, c]} (not a finite number)"
        raise MotionFileError(f"{where} line {_line_of_row(lines, start + 1, int(r))}, column {labels[c]!r}: {what}; "
                              "fill the gap or cut those rows")
    t = table[:, lower.index("time")]
    step = np.diff(t)
    if (step <= 0).any():
        r = int(np.flatnonzero(step <= 0)[0]) + 1
        raise MotionFileError(f"{where} line {_line_of_row(lines, start + 1, r)}: time {t[r]:g} s does not increase "
                              f"(the row before is at {t[r - 1]:g} s)")
    return _to_motion(path, meta, labels, table, lower.index("time"), csv, knee)


def _to_motion(path: Path, meta: dict, labels: list[str], table: np.ndarray, time_col: int, csv: bool,
               knee: str) -> Motion:
    where = path.name
    warnings: list[str] = []
    deg_text = _meta(meta, "inDegrees")
    angle_cols = []  # (file column, name) of angles, for the unit guess
    used: dict[str, int] = {}
    ignored = []
    for j, label in enumerate(labels):
        if j == time_col:
            continue
        name = _column_name(label)
        if name in POSE_NAMES:
            col = POSE_NAMES[name][0]
            if col in {POSE_NAMES[u][0] for u in used}:
                other = next(u for u in used if POSE_NAMES[u][0] == col)
                raise MotionFileError(f"{where}: columns {other!r} and {label!r} both give {col}; keep one")
            used[name] = j
            if col not in _LINEAR:
                angle_cols.append(j)
        else:
            ignored.append(label)
    if not used:
        found = ", ".join(repr(x) for x in ignored[:8]) + (" ..." if len(ignored) > 8 else "")
        raise MotionFileError(f"{where}: no column names a joint coordinate hipviz knows (found "
                              f"{found or 'only the time'}); expected OpenSim coordinate names such as "
                              "hip_flexion_r, hip_adduction_r, hip_rotation_r, knee_angle_r, pelvis_tilt")
    if deg_text is None:
        in_degrees = True
        if not csv:
            big = float(np.abs(table[:, angle_cols]).max()) if angle_cols else 0.0
            in_degrees = big > 2 * math.pi
            warnings.append(f"{where}: the header has no inDegrees line; the angles look like "
                            f"{'degrees' if in_degrees else 'radians'} and are read so")
    elif deg_text.strip().lower() in _TRUE:
        in_degrees = True
    elif deg_text.strip().lower() in _FALSE:
        in_degrees = False
    else:
        raise MotionFileError(f"{where}: inDegrees={deg_text!r} in the header; expected yes or no")
    values: dict[str, np.ndarray] = {}
    for name, j in used.items():
        col, sign = POSE_NAMES[name]
        v = table[:, j].copy()
        if not in_degrees and col not in _LINEAR:
            v = np.degrees(v)
        values[col] = sign * v + 0.0
    knees = [k for k in _KNEES if k in used]
    flipped = False
    if knees and knee != "opensim":
        data = np.concatenate([values[POSE_NAMES[k][0]] for k in knees])
        flipped = knee == "flip" or (np.mean(data < 0) > 0.5 and float(np.median(data)) < 0)
        if flipped:
            for k in knees:
                col = POSE_NAMES[k][0]
                values[col] = -values[col] + 0.0
            if knee == "auto":
                warnings.append(f"{where}: {' and '.join(knees)} are mostly negative (a gait2392-style model counts "
                                "knee flexion negative): read with the sign turned, as knee flexion")
    if ignored:
        warnings.append(f"{where}: columns not used (hipviz has no such coordinate): {', '.join(ignored)}")
    have = set(values)
    missing = tuple(n for n, (col, _) in OPENSIM_NAMES.items() if col not in have)
    if missing:
        warnings.append(f"{where}: not in the file, kept neutral: {', '.join(missing)}")
    n_rows = _meta(meta, "nRows")
    if n_rows is not None and n_rows.strip().isdigit() and int(n_rows) != table.shape[0]:
        warnings.append(f"{where}: the header says nRows={n_rows} but the table has {table.shape[0]} rows; "
                        "the rows are read")
    name = path.name
    return Motion(time_s=table[:, time_col].copy(), values=values, name=name, path=path, header=meta,
                  in_degrees=in_degrees, ignored=tuple(ignored), missing=missing, knee_flipped=flipped,
                  warnings=tuple(warnings))
