"""The window never dies of, or hides, an error raised inside a Qt slot.

Qt calls Python slots (a button, a menu action, a timer); an exception there cannot reach any
``try`` of ours, and PySide6 only prints its traceback and carries on, so the user sees nothing
and a half-done change may stay half-done. :func:`install_slot_guard` routes such exceptions
to one message: a dialog in front of the window (a mistake in a lesson file or a value) and
one line on stderr; the window keeps running. With ``HIPVIZ_DEBUG=1`` the traceback is printed
too (faults of hipviz itself).
"""
from __future__ import annotations

import os
import sys
import traceback

__all__ = ["install_slot_guard", "SlotGuard", "describe"]


def describe(exc: BaseException) -> str:
    """One line for the user: the message of a user mistake (``ValueError``), else the fault."""
    if isinstance(exc, ValueError):
        return str(exc)
    return f"internal error: {type(exc).__name__}: {exc} (a fault in hipviz, please report it)"


class SlotGuard:
    """The ``sys.excepthook`` of a running window.

    Parameters
    ----------
    window : QWidget
        Parent of the dialogs.
    interactive : bool
        Show a dialog (False for ``--screenshot``: the messages are only collected).

    Attributes
    ----------
    errors : list of str
        Every message shown so far.
    """

    def __init__(self, window, *, interactive: bool = True) -> None:
        self.window = window
        self.interactive = interactive
        self.errors: list[str] = []
        self.previous = sys.excepthook
        self._showing = False

    def __call__(self, exc_type, exc, tb) -> None:
        if issubclass(exc_type, (KeyboardInterrupt, SystemExit)):
            self.previous(exc_type, exc, tb)
            return
        message = describe(exc)
        self.errors.append(message)
        print(f"hipviz: error: {message}", file=sys.stderr)
        if os.environ.get("HIPVIZ_DEBUG"):
            traceback.print_exception(exc_type, exc, tb)
        if self.interactive and not self._showing:
            from PySide6.QtWidgets import QMessageBox

            self._showing = True  # one dialog at a time (a timer may raise again meanwhile)
            try:
                QMessageBox.warning(self.window, "hipviz", message)
            finally:
                self._showing = False

    def uninstall(self) -> None:
        if sys.excepthook is self:
            sys.excepthook = self.previous


def install_slot_guard(window, *, interactive: bool = True) -> SlotGuard:
    """Show exceptions raised in Qt slots in a dialog (and one stderr line) instead of a traceback."""
    guard = SlotGuard(window, interactive=interactive)
    sys.excepthook = guard
    window.slot_guard = guard
    return guard
