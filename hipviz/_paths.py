"""Where hipviz finds its shipped files (meshes, scenes), installed or in a source checkout."""
from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent


def shipped_dir(name: str) -> Path:
    """Directory ``meshes`` or ``scenes``: inside the installed package, else the checkout root."""
    for candidate in (_PKG / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"hipviz cannot find its '{name}' folder (looked in {_PKG} and {_PKG.parent})")
