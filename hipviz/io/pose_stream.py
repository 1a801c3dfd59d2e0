"""Reading a long CSV of poses chunk by chunk, so memory stays flat whatever its length.

The header and error messages follow :func:`hipviz.io.pose_table.read_pose_csv` (one pose per
row, degrees, a header of coordinate names; blank lines and ``#`` comments skipped); the body is
parsed with numpy a chunk at a time (:func:`iter_pose_chunks`).
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Iterator

import numpy as np

from .pose_table import PoseFileError, check_header

__all__ = ["iter_pose_chunks", "CHUNK_ROWS"]

#: Poses read, evaluated and written at a time.
CHUNK_ROWS = 5000


def _parse(lines: list[tuple[int, str]], names: list[str], path: Path) -> np.ndarray:
    text = "\n".join(s for _, s in lines)
    try:
        values = np.loadtxt(io.StringIO(text), delimiter=",", ndmin=2, dtype=float)
    except ValueError:
        values = None
    if values is None or values.shape[1] != len(names):
        # find the first bad line and say what is wrong with it
        for lineno, s in lines:
            cells = s.split(",")
            if len(cells) != len(names):
                raise PoseFileError(f"{path}, line {lineno}: expected {len(names)} values ({', '.join(names)}), "
                                    f"found {len(cells)}")
            for col, (name, cell) in enumerate(zip(names, cells), 1):
                try:
                    float(cell)
                except ValueError:
                    raise PoseFileError(f"{path}, line {lineno}, column {col} ({name}): expected a number in degrees, "
                                        f"found {cell.strip()[:40]!r}") from None
        raise PoseFileError(f"{path}: could not read the poses")  # pragma: no cover (caught above)
    bad = ~np.isfinite(values) | (np.abs(values) > 1e4)  # 1e4: make_poses' limit, said here with the line
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise PoseFileError(f"{path}, line {lines[r][0]}, column {c + 1} ({names[c]}): expected a finite number "
                            f"(degrees, at most 10000 in size), found {lines[r][1].split(',')[c].strip()[:40]!r}")
    return values


def iter_pose_chunks(path: str | Path, chunk_rows: int = CHUNK_ROWS) -> Iterator[dict[str, np.ndarray]]:
    """Yield the poses of a CSV file ``chunk_rows`` at a time, as ``{column: (m,) degrees}``.

    Raises
    ------
    PoseFileError
        Naming the file, line and column (raised when the chunk holding the problem is read).
    """
    path = Path(path)
    try:
        fh = open(path, "r", encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise PoseFileError(f"{path}: pose file not found") from None
    except IsADirectoryError:
        raise PoseFileError(f"{path}: is a folder; expected a CSV file of poses") from None
    with fh:
        names = None
        pending: list[tuple[int, str]] = []
        any_rows = False
        try:
            for lineno, raw in enumerate(fh, 1):
                s = raw.strip()
                if not s or s.startswith("#"):
                    continue
                if names is None:
                    names = check_header(s.split(","), lineno, path)
                    continue
                pending.append((lineno, s))
                if len(pending) >= chunk_rows:
                    values = _parse(pending, names, path)
                    any_rows = True
                    pending = []
                    yield {n: values[:, j] for j, n in enumerate(names)}
        except UnicodeDecodeError:
            raise PoseFileError(f"{path}: not a text CSV file (is it a spreadsheet? save it as CSV, UTF-8)") from None
        if names is None:
            raise PoseFileError(f"{path}: the file is empty; expected a header such as 'flexion,adduction,rotation,knee' "
                                "and one pose per line")
        if pending:
            values = _parse(pending, names, path)
            yield {n: values[:, j] for j, n in enumerate(names)}
        elif not any_rows:
            raise PoseFileError(f"{path}: the header has no poses below it")
