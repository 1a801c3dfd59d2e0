"""Import every module of the installed hipviz with the test-only packages hidden.

A runtime import of a package that only the ``test`` extra installs (pytest, pytest-qt,
networkx, scikit-image) would work in CI and break for a user who ran ``pip install .``.
This script blocks those packages, imports every ``hipviz`` module and exits 1 naming
any module that needed one. Run it from a venv where hipviz is installed.
"""
from __future__ import annotations

import importlib
import importlib.abc
import pkgutil
import sys

TEST_ONLY = ("pytest", "_pytest", "pytestqt", "networkx", "skimage")


class _Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):  # noqa: D102 - importlib protocol
        if name.split(".")[0] in TEST_ONLY:
            raise ModuleNotFoundError(f"{name} is test-only (blocked by check_runtime_imports)")
        return None


def main() -> int:
    sys.meta_path.insert(0, _Blocker())
    import hipviz

    failures = []
    names = ["hipviz"] + [m.name for m in pkgutil.walk_packages(hipviz.__path__, "hipviz.")
                          if not m.name.endswith("__main__")]  # importing __main__ would run the program
    for name in names:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if any(t in str(exc) for t in TEST_ONLY):
                failures.append(f"{name}: {exc}")
    if failures:
        print("runtime modules that need a test-only package:\n  " + "\n  ".join(failures))
        return 1
    print(f"{len(names)} hipviz modules import without {', '.join(TEST_ONLY)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
