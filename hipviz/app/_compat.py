"""Work-arounds for the Qt bindings installed with hipviz.

PySide6 6.12 on Python 3.11 drops one reference to ``None`` on every call of a Qt method that
returns nothing (``QTimer.start``, ``QWidget.update``, ``processEvents`` ...). Python 3.12+
never frees ``None`` (it is immortal there), but on 3.11 the count reaches zero after some
tens of thousands of calls and the interpreter aborts with "deallocating None". A slider drag
makes about a hundred such calls a frame, so the window would die within minutes.

hipviz therefore requires ``PySide6-Essentials<6.12`` (6.11.3 was checked: no leak over
100,000 calls). For anyone who installs 6.12 by hand anyway, :func:`protect_singletons`
gives ``None`` (and, for safety, ``True``/``False``) a reference count that cannot run out;
it does nothing on other versions.
"""
from __future__ import annotations

import sys

__all__ = ["protect_singletons"]

_RESERVE = 1 << 50


def protect_singletons() -> None:
    """Make ``None``, ``True`` and ``False`` effectively immortal on Python < 3.12 (idempotent)."""
    if sys.version_info >= (3, 12) or not hasattr(sys, "getrefcount"):
        return
    import PySide6

    if not PySide6.__version__.startswith("6.12."):
        return
    import ctypes

    for obj in (None, True, False):
        ref = ctypes.c_ssize_t.from_address(id(obj))  # ob_refcnt is the first field of every object
        if ref.value < _RESERVE // 2:
            ref.value += _RESERVE
