"""The ``hipviz`` command.

``hipviz`` alone opens the window. Subcommands work headlessly:

- ``hipviz pose [pose flags] --json``: the evaluated state as JSON.
- ``hipviz moment-arms [pose flags | --poses FILE.csv] --format csv|json``: per-bundle numbers.
- ``hipviz render [pose flags] -o out.png --view front|side|back|top|oblique``: a picture.

Errors in what the user gave (flags, files) print one clear line and exit with status 2.
"""
from __future__ import annotations

import sys

from .commands import SUBCOMMANDS, UserError, run_window

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``hipviz`` console script; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in SUBCOMMANDS:
            return SUBCOMMANDS[argv[0]](argv[1:])
        return run_window(argv)
    except UserError as exc:
        print(f"hipviz: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `hipviz moment-arms | head`
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
