"""Finding a screen for the window: the user's display, or a virtual X server (Xvfb) for
``--screenshot`` and tests on machines without one. No Qt import here: this must run before
the QApplication exists."""
from __future__ import annotations

import atexit
import os
import select
import shutil
import subprocess
import sys

__all__ = ["ensure_display", "start_xvfb", "xvfb_available"]

_NO_GL_PLATFORMS = ("offscreen", "minimal", "vnc")


def xvfb_available() -> bool:
    """True when the ``Xvfb`` program is installed."""
    return shutil.which("Xvfb") is not None


def start_xvfb(screen: str = "1920x1080x24", timeout_s: float = 15.0) -> tuple[subprocess.Popen, str]:
    """Start a virtual X server on a free display number.

    The server quits by itself once its last client (this program's Qt) disconnects, so it
    never outlives the program and never vanishes under a running Qt.

    Returns
    -------
    (process, display) : (Popen, str)
        ``display`` like ``":99"``; stop the server with ``process.terminate()``.

    Raises
    ------
    RuntimeError
        Xvfb is missing or did not start within ``timeout_s``.
    """
    exe = shutil.which("Xvfb")
    if exe is None:
        raise RuntimeError("Xvfb is not installed (apt-get install xvfb)")
    r, w = os.pipe()
    proc = subprocess.Popen([exe, "-displayfd", str(w), "-screen", "0", screen, "-nolisten", "tcp", "-terminate"],
                            pass_fds=(w,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(w)
    text = b""
    try:  # Xvfb writes the number, then a newline: read both before closing (else SIGPIPE kills it)
        while not text.endswith(b"\n"):
            ready, _, _ = select.select([r], [], [], timeout_s)
            chunk = os.read(r, 64) if ready else b""
            if not chunk:
                break
            text += chunk
    finally:
        os.close(r)
    number = text.decode().strip()
    if not number.isdigit():
        proc.terminate()
        raise RuntimeError("Xvfb did not start")
    return proc, f":{number}"


def _stop_if_unused(proc: subprocess.Popen) -> None:
    """At exit: stop Xvfb if Qt never connected (otherwise it stops when Qt disconnects)."""
    if "PySide6.QtWidgets" not in sys.modules:
        proc.terminate()


def ensure_display(*, allow_virtual: bool) -> str | None:
    """Make sure Qt can open a window with OpenGL; returns a problem message or None.

    With ``allow_virtual`` (``--screenshot``), a machine without a display gets a private
    Xvfb server that stops when the program exits.
    """
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    headless_qt = platform in _NO_GL_PLATFORMS
    if not sys.platform.startswith("linux"):
        return None
    has_display = bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if has_display and not headless_qt:
        return None
    if has_display and headless_qt and allow_virtual and os.environ.get("DISPLAY"):
        os.environ["QT_QPA_PLATFORM"] = "xcb"  # the 3D view needs OpenGL, which 'offscreen' lacks
        return None
    if not allow_virtual:
        if headless_qt:
            return (f"QT_QPA_PLATFORM={platform} cannot show the 3D view; unset it, or use --screenshot, "
                    "or 'hipviz render' for pictures without a window")
        return ("no display to open the window on (DISPLAY is not set); use 'hipviz --screenshot FILE.png' "
                "(needs Xvfb) or 'hipviz render' for pictures without a display")
    if not xvfb_available():
        return "--screenshot needs a display or Xvfb (apt-get install xvfb), and neither was found"
    try:
        proc, display = start_xvfb()
    except RuntimeError as exc:
        return f"--screenshot: {exc}"
    atexit.register(_stop_if_unused, proc)
    os.environ["DISPLAY"] = display
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    return None
