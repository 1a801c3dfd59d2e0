"""The ``hipviz`` command.

``hipviz`` alone opens the window. Subcommands work headlessly:

- ``hipviz pose [pose flags] --json``: the evaluated state as JSON.
- ``hipviz moment-arms [pose flags | --poses FILE.csv] --format csv|json``: per-bundle numbers.
- ``hipviz render [pose flags] -o out.png --view front|side|back|top|oblique``: a picture.
- ``hipviz render LESSON.toml|MOTION.mot -o out.mp4|out.gif|out.png``: a movie or a contact sheet.
- ``hipviz export LESSON.toml|MOTION.mot --csv out.csv --glb out.glb --plot out.png``: a movement's data.

Errors in what the user gave (flags, files) print one clear line and exit with status 2.
"""
from __future__ import annotations

import sys

from .commands import SUBCOMMANDS, UserError, run_window

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``hipviz`` console script; returns the exit status.

    0: done; 2: something the user gave is wrong (one line on stderr says what and where);
    130: interrupted (Ctrl-C or ``SIGTERM``; files being written are left as they were);
    1: a fault in hipviz itself (one line; ``HIPVIZ_DEBUG=1`` shows the traceback).
    """
    import os

    from ..io.atomic import terminate_as_interrupt

    argv = list(sys.argv[1:] if argv is None else argv)
    terminate_as_interrupt()  # SIGTERM cleans up half-written files like Ctrl-C does
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
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # a bug: one line, not a traceback, unless asked for
        if os.environ.get("HIPVIZ_DEBUG"):
            raise
        print(f"hipviz: internal error: {type(exc).__name__}: {exc} (a fault in hipviz, please report it; "
              "HIPVIZ_DEBUG=1 shows where)", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
