"""Reading tables of poses (CSV, degrees) with errors that name the line and column."""
from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np

from ..core.pose import PoseError, resolve_name

__all__ = ["PoseFileError", "read_pose_csv", "SHORT_COLUMNS"]

#: Short column names accepted for the hip and knee of the chosen side.
SHORT_COLUMNS = ("flexion", "adduction", "rotation", "knee")


class PoseFileError(ValueError):
    """A pose file could not be read; the message names file, line and column."""


def check_header(cells: list[str], line: int, path) -> list[str]:
    """The column names of a pose file's header, each a known coordinate named once.

    Raises
    ------
    PoseFileError
        An unknown name (with did-you-mean) or a coordinate given twice, naming line and column.
    """
    names = [h.strip() for h in cells]
    seen: dict[str, str] = {}
    for col, name in enumerate(names, 1):
        try:
            target = resolve_name(name)[0]
        except PoseError as exc:
            raise PoseFileError(f"{path}, line {line}, column {col}: {exc}") from None
        if name in seen.values():
            raise PoseFileError(f"{path}, line {line}: column {name!r} appears twice")
        if target in seen:
            raise PoseFileError(f"{path}, line {line}: columns {seen[target]!r} and {name!r} both set {target}; keep one")
        seen[target] = name
    return names


def read_pose_csv(path: str | Path) -> dict[str, np.ndarray]:
    """Read poses from a CSV file, one pose per row.

    Parameters
    ----------
    path : str or Path
        A CSV whose header names columns such as ``flexion,adduction,rotation,knee``
        (degrees, for the chosen side) or any full coordinate name (``pelvis_anterior_tilt``, OpenSim's ``pelvis_tilt``,
        ``hip_flexion_l`` ...). Blank lines and lines starting with ``#`` are skipped.

    Returns
    -------
    dict
        ``{column: (n,) ndarray}`` in degrees, ready for :func:`hipviz.evaluate`.

    Raises
    ------
    PoseFileError
        Missing file, empty file, unknown or repeated column, wrong number of fields,
        a value that is not a finite number.
    """
    path = Path(path)
    if path.is_dir():
        raise PoseFileError(f"{path}: is a folder; expected a CSV file of poses")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PoseFileError(f"{path}: file not found") from None
    except OSError as exc:
        raise PoseFileError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")) or b"\x00" in data[:4096]:
        raise PoseFileError(f"{path}: not a text CSV file (is it a spreadsheet? save it as CSV, UTF-8)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise PoseFileError(f"{path}, line {line}: not UTF-8 text (save the file as CSV, UTF-8)") from None
    try:
        rows = [(i + 1, r) for i, r in enumerate(csv.reader(text.splitlines()))
                if r and any(c.strip() for c in r) and not r[0].lstrip().startswith("#")]
    except csv.Error as exc:
        raise PoseFileError(f"{path}: not a CSV file of poses ({exc})") from None
    if not rows:
        raise PoseFileError(f"{path}: the file is empty; expected a header such as 'flexion,adduction,rotation,knee' and one pose per line")
    line, header = rows[0]
    names = check_header(header, line, path)
    if len(rows) == 1:
        raise PoseFileError(f"{path}: the header has no poses below it")
    values = np.empty((len(rows) - 1, len(names)))
    for r, (line, row) in enumerate(rows[1:]):
        if len(row) != len(names):
            raise PoseFileError(f"{path}, line {line}: expected {len(names)} values ({', '.join(names)}), found {len(row)}")
        for col, (name, cell) in enumerate(zip(names, row)):
            try:
                v = float(cell)
            except ValueError:
                shown = cell.strip() if len(cell.strip()) <= 40 else cell.strip()[:37] + "..."
                raise PoseFileError(f"{path}, line {line}, column {col + 1} ({name}): expected a number in degrees, "
                                    f"found {shown!r}") from None
            if not math.isfinite(v) or abs(v) > 1e4:
                raise PoseFileError(f"{path}, line {line}, column {col + 1} ({name}): expected a finite number of "
                                    f"degrees (at most 10000 in size), found {cell.strip()[:40]!r}")
            values[r, col] = v
    return {name: values[:, j] for j, name in enumerate(names)}
