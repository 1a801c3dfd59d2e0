"""Movies, contact sheets and data of a lesson or a recorded motion, from the command line.

``hipviz render LESSON.toml|MOTION -o out.mp4|out.gif|out.png`` (:func:`render_source`, reached
from ``cmd_render``) and ``hipviz export LESSON.toml|MOTION --csv|--glb|--plot``
(:func:`cmd_export`). Every file is checked before any work starts (never overwritten without
``--overwrite``) and written atomically; errors in what the user gave are one line, exit status 2.
"""
from __future__ import annotations

import sys
import time

__all__ = ["render_source", "cmd_export", "Progress"]

_MOVIE = (".mp4", ".gif")


class Progress:
    """A progress bar on stderr, drawn only when stderr is a terminal (``progress(done, total)``)."""

    def __init__(self, label: str, *, enabled: bool | None = None, stream=None) -> None:
        self.stream = stream or sys.stderr
        self.label = label
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.shown = False
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        width = 30
        fill = int(width * done / max(total, 1))
        self.stream.write(f"\r{self.label} [{'#' * fill}{'.' * (width - fill)}] {done}/{total} frames")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()
            self.shown = False


def _size(text: str | None, default: str) -> tuple[int, int]:
    from .commands import UserError

    text = text or default
    try:
        w, h = (int(v) for v in text.lower().split("x"))
        if not (64 <= w <= 8000 and 64 <= h <= 8000):
            raise ValueError
    except ValueError:
        raise UserError(f"--size: expected WIDTHxHEIGHT in pixels between 64 and 8000, found {text!r}") from None
    return w, h


def _source(path: str, model, *, fps: float | None, args=None):
    """The lesson or motion of ``path`` (user errors for unreadable files); prints the motion's notes."""
    from ..io.frames import frame_source
    from .commands import UserError

    try:
        src = frame_source(path, model, fps=fps, start=getattr(args, "start", None), end=getattr(args, "end", None))
    except ValueError as exc:  # SceneError, MotionFileError, an unknown kind of file
        raise UserError(str(exc)) from None
    for w in src.warnings:
        print(f"note: {w}", file=sys.stderr)
    return src


def _check_output(path: str, *, overwrite: bool, suffixes: tuple[str, ...], flag: str):
    from ..io.atomic import OutputError, check_new_file
    from .commands import UserError

    try:
        return check_new_file(path, overwrite=overwrite, suffixes=suffixes, flag=flag)
    except OutputError as exc:
        raise UserError(str(exc)) from None


def _fps(value: float | None, flag: str = "--fps") -> float | None:
    from .commands import UserError

    if value is not None and not 1.0 <= value <= 240.0:
        raise UserError(f"{flag}: expected 1 to 240 frames per second, found {value:g}")
    return value


def render_source(args) -> int:
    """``hipviz render SOURCE -o out.mp4|out.gif|out.png`` with the parsed arguments of ``cmd_render``."""
    from ..io.motion import is_motion_file
    from .commands import UserError, _model, _pose
    from ._args import scale_from_args

    if args.source is None:
        raise UserError(f"-o/--output: a movie needs a lesson or a motion to play, e.g. "
                        f"hipviz render scenes/01_hip_joint_location.toml -o {args.output}")
    if _pose(args) or args.movement is not None or args.scene:
        raise UserError(f"{args.source}: the lesson or motion sets every pose and movement; leave out the pose flags, "
                        "--movement and --scene")
    out = _check_output(args.output, overwrite=args.overwrite, suffixes=(".mp4", ".gif", ".png"), flag="-o/--output")
    kind = out.suffix.lower()
    movie = kind in _MOVIE
    size = _size(args.size, "1280x720" if movie else "1920x1080")
    if kind == ".mp4":  # H.264 in yuv420p needs even sides
        size = (size[0] // 2 * 2, size[1] // 2 * 2)
    fps = _fps(args.fps) or (15.0 if kind == ".gif" else 30.0)
    if args.frames is not None and not 1 <= args.frames <= 64:
        raise UserError(f"--frames: expected 1 to 64 pictures, found {args.frames}")
    if args.columns is not None and args.columns < 1:
        raise UserError(f"--columns: expected 1 or more, found {args.columns}")
    model = _model(args)
    motion = is_motion_file(args.source)
    src = _source(args.source, model, fps=fps if movie else None, args=args)
    view = args.view or ("side" if motion else "oblique")
    scale = scale_from_args(args)
    bar = Progress(f"rendering {out.name}")
    try:
        if movie:
            from ..render.movie import write_movie
            write_movie(model, src, out, size=size, fps=fps, view=view, colour=args.colour, scale=scale,
                        progress=bar, muscles=not args.no_muscles)
        else:
            from ..render.sheet import write_sheet
            write_sheet(model, src, out, size=size, columns=args.columns, n=args.frames,
                        view=view, colour=args.colour, scale=scale, progress=bar)
    except OSError as exc:
        raise UserError(f"-o/--output: cannot write {str(out)!r} ({exc.strerror or exc}); nothing was written") from None
    except ValueError as exc:
        raise UserError(str(exc)) from None
    finally:
        bar.close()
    what = f"{src.n_frames} frames at {fps:g} fps" if movie else "a contact sheet"
    print(f"wrote {out} ({what}, {size[0]}x{size[1]})")
    return 0


def cmd_export(argv: list[str]) -> int:
    from .commands import UserError, _common, _model, _Parser
    from ._args import add_colour_flags, scale_from_args

    p = _Parser(prog="hipviz export",
                description="A lesson or a recorded motion, played frame by frame: its numbers as CSV (one row per "
                            "frame and muscle bundle), one posed and coloured frame as a 3D model (GLB), or a plot of "
                            "the hip angles and the muscles' effort over time. No window needed.")
    p.add_argument("source", metavar="LESSON.toml|MOTION", help="a lesson (scene file) or an OpenSim motion "
                   "(.mot, .sto) or a CSV with a time column")
    p.add_argument("--csv", metavar="OUT.csv", help="time, frame, every coordinate (OpenSim names, degrees, metres), "
                   "ASIS heights, and per bundle of both legs its length, moment arms, activation, share and role")
    p.add_argument("--glb", metavar="OUT.glb", help="the posed, coloured body of one frame (--frame) as glTF binary")
    p.add_argument("--frame", type=int, default=None, metavar="N", help="with --glb: the frame (0-based, as in the CSV; "
                   "default 0, the first)")
    p.add_argument("--plot", metavar="OUT.png", help="hip angles and the chosen muscles' effort over time")
    p.add_argument("--muscles", metavar="A,B", help="with --plot: muscle ids such as gluteus_medius,iliopsoas "
                   "(default: the four most active)")
    p.add_argument("--fps", type=float, default=None, metavar="F",
                   help="frames per second (default: a lesson 30, a motion its own rows)")
    p.add_argument("--start", type=float, default=None, metavar="S", help="a motion from S seconds after its start")
    p.add_argument("--end", type=float, default=None, metavar="S", help="a motion up to S seconds after its start")
    p.add_argument("--overwrite", action="store_true", help="replace output files that exist")
    _common(p)
    add_colour_flags(p)
    args = p.parse_args(argv)
    if not (args.csv or args.glb or args.plot):
        raise UserError("nothing to export: give --csv OUT.csv, --glb OUT.glb and/or --plot OUT.png")
    for flag, needs in (("frame", "glb"), ("muscles", "plot")):
        if getattr(args, flag) is not None and not getattr(args, needs):
            raise UserError(f"--{flag} is for --{needs} (it changes nothing without it); add --{needs} OUT or leave it out")
    if args.frame is None:
        args.frame = 0
    outs = {}
    for flag, suffix in (("csv", ".csv"), ("glb", ".glb"), ("plot", ".png")):
        if getattr(args, flag):
            outs[flag] = _check_output(getattr(args, flag), overwrite=args.overwrite, suffixes=(suffix,), flag=f"--{flag}")
    if len({str(o.resolve()) for o in outs.values()}) < len(outs):
        raise UserError("two outputs have the same file name")
    model = _model(args)
    muscles = None
    if args.muscles is not None:
        muscles = [m.strip() for m in args.muscles.split(",") if m.strip()]
        known = [m.id for m in model.muscles]
        bad = [m for m in muscles if m not in known]
        if bad or not muscles:
            raise UserError(f"--muscles: unknown muscle {bad[0] if bad else args.muscles!r}; expected ids such as "
                            f"{', '.join(known)}")
    src = _source(args.source, model, fps=_fps(args.fps), args=args)
    if not 0 <= args.frame < src.n_frames:
        raise UserError(f"--frame: expected 0 to {src.n_frames - 1} for this {src.kind}, found {args.frame}")
    written = []
    try:
        if "csv" in outs or "plot" in outs:
            chunks = list(src.chunks(model, with_paths=False))
            if "csv" in outs:
                from ..io.export_csv import write_frames_csv
                write_frames_csv(chunks, outs["csv"], time_s=src.time_s)
                n_b = sum(len(chunks[0].state.muscles[c].muscle_ids) for c in ("r", "l"))
                written.append(f"{outs['csv']} ({src.n_frames} frames x {n_b} bundles)")
            if "plot" in outs:
                from ..io.time_plot import collect_series, write_time_plot
                series = collect_series(model, src, chunks)
                write_time_plot(series, outs["plot"], muscles=muscles)
                written.append(str(outs["plot"]))
        if "glb" in outs:
            from ..render import RenderStyle
            from ..render.glb import write_glb
            mode = src.colour_mode(args.colour)
            scale = scale_from_args(args) or src.colour_scale(model, mode)
            for chunk in src.chunks(model, with_paths=True):
                hit = (chunk.frames == args.frame).nonzero()[0]
                if hit.size:
                    write_glb(chunk.state, outs["glb"], int(chunk.rows[hit[0]]),
                              style=RenderStyle(colour=mode, activation_scale=scale))
                    break
            written.append(f"{outs['glb']} (frame {args.frame}, {float(src.time_s[args.frame]):.2f} s)")
    except OSError as exc:
        raise UserError(f"cannot write ({exc.strerror or exc}); files not yet written were not started") from None
    for line in written:
        print(f"wrote {line}")
    return 0
