"""Writes that never leave a half-written file: write beside the target, then rename into place.

Everything hipviz writes (pictures, movies, CSV, JSON, GLB, imported bone folders, settings)
goes through here. The new content is written to a hidden temporary file (or folder) in the
target's own folder and renamed over the target only when it is complete, which is atomic on
one file system. An exception, Ctrl-C, ``SIGTERM`` (see :func:`terminate_as_interrupt`) or a full
disk leaves the old file as it was and removes the temporary one.

A program killed outright (``SIGKILL``, a power cut) cannot clean up: the target is still intact
(the old file, or no file), but a hidden ``.NAME.part-PID-XXXXXXXX.SUFFIX`` (or a
``.NAME.building-...`` folder) may remain beside it. The next write of the same target removes
such leftovers of processes that no longer run.

Tests pause a writer half-way (to kill it there) with the environment variable
``HIPVIZ_TEST_PAUSE_WRITES=SECONDS``: :func:`write_bytes` then sleeps after writing half of its
data, and :func:`atomic_path` / :func:`atomic_folder` before the final rename.

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
import re
import shutil
import signal
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

__all__ = ["atomic_path", "atomic_folder", "write_bytes", "write_text", "check_new_file",
           "terminate_as_interrupt", "remove_leftovers", "OutputError"]


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


_PAUSE_ENV = "HIPVIZ_TEST_PAUSE_WRITES"


def _test_pause() -> None:
    """Sleep ``$HIPVIZ_TEST_PAUSE_WRITES`` seconds (tests kill a writer here); no-op otherwise."""
    text = os.environ.get(_PAUSE_ENV)
    if text:
        try:
            time.sleep(min(max(float(text), 0.0), 600.0))
        except ValueError:
            pass


def _temp_beside(target: Path, kind: str, suffix: str | None = None) -> Path:
    # hidden, unique, in the same folder (so the rename is atomic), keeping the real suffix
    # because some writers choose the format by it; the writer's PID lets a later write tell
    # a leftover of a killed process from a write in progress
    suffix = target.suffix if suffix is None else suffix
    return target.with_name(f".{target.stem}.{kind}-{os.getpid()}-{uuid.uuid4().hex[:8]}{suffix}")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists but is not ours (EPERM)
        return True
    return True


def remove_leftovers(target: str | os.PathLike) -> list[Path]:
    """Remove temporary files and folders a killed writer left beside ``target``.

    Only leftovers whose process no longer runs are removed (a write in progress in another
    hipviz is left alone). Returns what was removed.
    """
    target = Path(target)
    pattern = re.compile(rf"^\.{re.escape(target.stem)}\.(part|building|old)-(\d+)-[0-9a-f]{{8}}")
    removed = []
    try:
        entries = list(target.parent.iterdir())
    except OSError:
        return removed
    for entry in entries:
        m = pattern.match(entry.name)
        if m is None or _alive(int(m.group(2))):
            continue
        try:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
            removed.append(entry)
        except OSError:
            pass
    return removed


@contextmanager
def atomic_path(target: str | os.PathLike, *, suffix: str | None = None) -> Iterator[Path]:
    """A temporary path beside ``target``; renamed onto ``target`` when the block succeeds.

    The caller writes the whole file to the yielded path (with any library). If the block
    raises (or is interrupted), the temporary file is removed and ``target`` is untouched.

    Parameters
    ----------
    target : str or path
    suffix : str, optional
        The temporary file's ending (default: the target's), for writers that choose the
        format by it and know only lower-case endings (``out.PNG`` -> ``".png"``).
    """
    target = Path(target)
    remove_leftovers(target)
    tmp = _temp_beside(target, "part", suffix)
    try:
        yield tmp
        if not tmp.exists():
            raise OSError(f"nothing was written for {target}")
        _test_pause()
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


@contextmanager
def atomic_folder(target: str | os.PathLike, *, overwrite: bool = False) -> Iterator[Path]:
    """A temporary folder beside ``target``; it becomes ``target`` when the block succeeds.

    With ``overwrite`` an existing ``target`` folder is replaced only after the new one is
    complete (the old one is moved aside, then deleted). An existing *empty* folder is
    replaced in any case (nothing of the user's is lost).
    """
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise OutputError(f"{str(target)!r} is a file, not a folder; choose a new folder name")
    remove_leftovers(target)
    tmp = _temp_beside(target, "building", "")
    tmp.mkdir()
    try:
        yield tmp
        _test_pause()
        if target.is_dir() and not any(target.iterdir()):
            os.replace(tmp, target)  # rename(2) replaces an empty folder atomically
        elif target.exists():
            if not overwrite:
                raise OutputError(f"{str(target)!r} already exists; choose another name or add --overwrite")
            old = _temp_beside(target, "old", "")
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
    """Write ``data`` to ``target`` atomically (``OSError`` such as a full disk leaves it as it was)."""
    data = bytes(data)
    with atomic_path(target) as tmp:
        with open(tmp, "wb") as fh:
            half = len(data) // 2
            fh.write(data[:half])
            if os.environ.get(_PAUSE_ENV):
                fh.flush()
                _test_pause()
            fh.write(data[half:])
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
