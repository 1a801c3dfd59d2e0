"""Writes that never leave a half-written file: write beside the target, then rename into place.

Everything hipviz writes (pictures, movies, CSV, JSON, GLB, imported bone folders, settings)
goes through here. The new content is written to a hidden temporary file (or folder) in the
target's own folder and renamed over the target only when it is complete, which is atomic on
one file system. An exception, Ctrl-C, ``SIGTERM`` (see :func:`terminate_as_interrupt`) or a full
disk leaves the old file as it was and removes the temporary one.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> with atomic_path(d / "out.csv") as tmp:
...     _ = tmp.write_text("a,b\\n1,2\\n")
>>> (d / "out.csv").read_text()
'a,b\\n1,2\\n'
"""
from __future__ import annotations

import os
import shutil
import signal
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

__all__ = ["atomic_path", "atomic_folder", "write_bytes", "write_text", "check_new_file",
           "terminate_as_interrupt", "OutputError"]


class OutputError(ValueError):
    """An output path cannot be written (exists without overwrite, no such folder, a folder)."""


def check_new_file(path: str | os.PathLike, *, overwrite: bool, suffixes: tuple[str, ...] | None = None,
                   flag: str = "output") -> Path:
    """The ``Path`` of a file to write, or :class:`OutputError` saying what is wrong.

    Parameters
    ----------
    path : str or path
        What the user gave.
    overwrite : bool
        Whether an existing file may be replaced.
    suffixes : tuple of str, optional
        Accepted file name endings, lower case with the dot (``(".png",)``); compared case-blind.
    flag : str
        The option's name, for the message.
    """
    out = Path(path)
    if suffixes is not None and out.suffix.lower() not in suffixes:
        raise OutputError(f"{flag}: expected a file name ending in {' or '.join(suffixes)}, found {str(path)!r}")
    if out.is_dir():
        raise OutputError(f"{flag}: {str(out)!r} is a folder; give a file name")
    if not out.parent.is_dir():
        raise OutputError(f"{flag}: {str(out.parent)!r} is not an existing folder")
    if out.exists() and not overwrite:
        raise OutputError(f"{flag}: {str(out)!r} already exists; choose another name or add --overwrite")
    if not os.access(out.parent, os.W_OK):
        raise OutputError(f"{flag}: cannot write in {str(out.parent)!r} (no permission)")
    return out


def _temp_beside(target: Path, kind: str) -> Path:
    # hidden, unique, in the same folder (so the rename is atomic), keeping the real suffix
    # because some writers choose the format by it
    return target.with_name(f".{target.stem}.{kind}-{uuid.uuid4().hex[:8]}{target.suffix}")


@contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """A temporary path beside ``target``; renamed onto ``target`` when the block succeeds.

    The caller writes the whole file to the yielded path (with any library). If the block
    raises (or is interrupted), the temporary file is removed and ``target`` is untouched.
    """
    target = Path(target)
    tmp = _temp_beside(target, "part")
    try:
        yield tmp
        if not tmp.exists():
            raise OSError(f"nothing was written for {target}")
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


@contextmanager
def atomic_folder(target: str | os.PathLike, *, overwrite: bool = False) -> Iterator[Path]:
    """A temporary folder beside ``target``; it becomes ``target`` when the block succeeds.

    With ``overwrite`` an existing ``target`` folder is replaced only after the new one is
    complete (the old one is moved aside, then deleted).
    """
    target = Path(target)
    tmp = _temp_beside(target, "building")
    tmp.mkdir()
    try:
        yield tmp
        if target.exists():
            if not overwrite:
                raise OutputError(f"{str(target)!r} already exists; choose another name or add --overwrite")
            old = _temp_beside(target, "old")
            os.replace(target, old)
            try:
                os.replace(tmp, target)
            except BaseException:
                os.replace(old, target)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def write_bytes(target: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically."""
    with atomic_path(target) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    return Path(target)


def write_text(target: str | os.PathLike, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``target`` atomically."""
    return write_bytes(target, text.encode(encoding))


def terminate_as_interrupt() -> None:
    """Make ``SIGTERM`` raise ``KeyboardInterrupt``, so that writes in progress clean up.

    Called by the command-line entry point (main thread only; a no-op elsewhere).
    """
    def _handler(signum, frame):  # noqa: ARG001
        raise KeyboardInterrupt(f"terminated by signal {signum}")

    try:
        signal.signal(signal.SIGTERM, _handler)
    except (ValueError, OSError):  # not the main thread, or no signals here
        pass
