"""``hipviz`` without a subcommand: open the window, or save a screenshot of it and exit.

Examples
--------
``hipviz``                                        the window, as it was left last time
``hipviz --flexion 90 --knee 90 --movement flexion``  the window in that pose
``hipviz --screenshot out.png --presentation``       a picture of projector mode, then exit
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from hipviz.cli._args import (activation_kwargs, add_activation_flags, add_pose_flags, contacts_from_args,
                              pose_from_args)

from .display import ensure_display

__all__ = ["run", "build_parser"]

_VIEWS = ("front", "back", "left", "right", "side", "top", "oblique")


class ArgumentError(Exception):
    """A bad command-line argument (printed as one line, exit status 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise ArgumentError(message)


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT such as 1600x1000, found {text!r}") from None
    if not (640 <= w <= 7680 and 480 <= h <= 4320):
        raise argparse.ArgumentTypeError(f"window size must be between 640x480 and 7680x4320, found {text!r}")
    return w, h


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="hipviz", description="The hip in 3D. Without a subcommand: open the window. "
                "Subcommands: pose, scene, moment-arms, render, export, import-bones (see hipviz SUBCOMMAND --help).")
    g = p.add_argument_group("window")
    g.add_argument("--screenshot", metavar="FILE.png", help="render the window, save a picture of it and exit")
    g.add_argument("--overwrite", action="store_true", help="with --screenshot: replace the file if it exists")
    g.add_argument("--size", type=_size, default=None, metavar="WxH",
                   help="window size in pixels (default: 1600x1000 for --screenshot, else as last time)")
    g.add_argument("--presentation", action="store_true", help="start in projector mode")
    g.add_argument("--background", choices=("white", "dark"), help="3D view background (projector mode: its own)")
    g.add_argument("--scene", metavar="FILE.toml", help="load a scene (a lesson of steps)")
    g.add_argument("--step", type=int, default=1, metavar="N", help="show step N of the scene (default 1)")
    g.add_argument("--motion", metavar="FILE", help="play a recorded motion: an OpenSim .mot / .sto (inverse "
                   "kinematics) or a CSV with a time column and coordinate names")
    g.add_argument("--motion-at", type=float, default=None, metavar="SECONDS",
                   help="with --motion: start at this time (a --screenshot shows it)")
    g.add_argument("--view", choices=_VIEWS, help="camera preset")
    g.add_argument("--select", metavar="MUSCLE", help="select a muscle (id such as piriformis) for the info card and plot")
    g.add_argument("--plot", choices=("flexion", "adduction", "rotation", "knee"),
                   help="moment-arm component shown in the plot (default: that of the angle being moved)")
    g.add_argument("--bones", metavar="DIR", help="folder with your own bone landmark files and meshes")
    g.add_argument("--no-settings", action="store_true", help="neither read nor save settings (implied by --screenshot)")
    add_pose_flags(p)
    add_activation_flags(p)
    return p


def _configure(win, args) -> None:
    """Apply the command line to a fresh window."""
    from PySide6.QtWidgets import QApplication

    from hipviz.cli._args import OPTION_FLAGS
    from hipviz.core.request import check_options

    vm = win.vm
    try:  # the same checks as hipviz pose and evaluate, named by the flags
        check_options({"side": args.side, "posture": args.posture,
                       **{k: v for k, v in activation_kwargs(args).items() if k != "strength"},
                       "contacts": contacts_from_args(args)}, postures=win.model.postures, labels=OPTION_FLAGS)
    except ValueError as exc:
        raise ArgumentError(str(exc)) from None
    if args.background:
        win.set_pref(background=args.background, presentation_background=args.background)
    if args.scene:
        from hipviz.io.scenes import SceneError

        from .lesson import open_lesson
        try:  # check first: a message box would block --screenshot
            scene = open_lesson(args.scene, postures=win.model.postures)
        except SceneError as exc:
            raise ArgumentError(f"--scene: {exc}") from None
        if not 1 <= args.step <= len(scene.steps):
            raise ArgumentError(f"--step: expected 1 to {len(scene.steps)} for this scene, found {args.step}")
        if not win.load_scene(args.scene, args.step - 1):
            raise ArgumentError(f"--scene: cannot load {args.scene}")
    pose = pose_from_args(args)
    if getattr(args, "strength", None):
        raise ArgumentError("--strength: the window does not weaken muscles yet; use hipviz pose or hipviz render")
    given = {k: v for k, v in activation_kwargs(args).items() if k not in ("body_mass_kg", "strength")}
    defaults = {"movement": None, "lock_pelvis": True, "compensation": 0.5, "load_n": 0.0}
    options = {k: v for k, v in given.items() if v != defaults[k]}
    if args.side != "right":
        options["side"] = args.side
    if args.posture != "standing":
        options["posture"] = args.posture
    contacts = contacts_from_args(args)
    if contacts is not None:
        options["contacts"] = contacts
    _apply_pose(win, pose, options)
    if args.view:
        win.set_view(args.view)
    if args.select:
        try:
            win.model.muscle(args.select)
        except KeyError:
            from hipviz.core.request import did_you_mean
            ids = [m.id for m in win.model.muscles]
            raise ArgumentError(f"--select: no muscle {args.select!r}{did_you_mean(args.select, ids)}; "
                                f"expected one of {', '.join(ids)}") from None
        vm.select((vm.options["side"][0], args.select))
    if args.plot:
        win.plot.component.setCurrentIndex(win.plot.component.findData(args.plot))
    if args.presentation:
        win.presentation.enter(full_screen=not args.screenshot)
    vm.evaluate_now()
    if args.motion:
        _load_motion(win, args)
    QApplication.processEvents()


def _load_motion(win, args) -> None:
    """``--motion FILE [--motion-at S]``: play it (a screenshot shows it paused)."""
    if args.scene:
        raise ArgumentError("--motion: a motion and a lesson (--scene) cannot play together; give one")
    try:
        win.motions.load(args.motion, play=False, dialog=False)
    except ValueError as exc:  # MotionFileError: the file and the line
        raise ArgumentError(f"--motion: {exc}") from None
    if args.motion_at is not None:
        clip = win.motions.clip
        if not 0 <= args.motion_at <= clip.duration_s:
            raise ArgumentError(f"--motion-at: expected 0 to {clip.duration_s:.2f} s for this motion, "
                                f"found {args.motion_at:g}")
        win.motions.player.seek_time(args.motion_at)
    if not args.screenshot:
        win.motions.player.play()


def _apply_pose(win, pose: dict, options: dict) -> None:
    """The command line's pose, as ``hipviz pose`` evaluates it: only the flags given are named,
    so every other coordinate takes the posture's starting angle (``--posture tall_kneeling``
    kneels on both legs). On a lesson step the flags replace the step's values of those angles
    (``--side`` shows the step on that leg); otherwise they are added to the pose the window
    remembers, which a new posture or side forgets.
    """
    from dataclasses import replace

    from .lesson import step_request
    from .request import pose_columns

    vm, player = win.vm, win.player
    if not (pose or options):
        return
    try:
        if player.scene is not None and player.index >= 0:
            step = player.scene.steps[player.index]
            request = step_request(replace(step, side=options.get("side", step.side)), pose)
            request.update(options)
            vm.set_request(request.pop("pose"), **request)
        else:
            fresh = "posture" in options or "side" in options
            named = {} if fresh else dict(vm.request.pose)
            named.update(pose_columns(pose, options.get("side", vm.options["side"])))
            vm.set_request(named, **{**({"contacts": None} if fresh else {}), **options})
    except ValueError as exc:  # PoseError, or contacts that do not exist
        raise ArgumentError(str(exc)) from None


def _screenshot(app, win, path: Path, size) -> None:
    win.resize(*size)
    win.show()
    deadline = time.perf_counter() + 30
    while win.view.frames == 0 and time.perf_counter() < deadline:
        app.processEvents()
    win.set_view(win.view.view_name)  # fit the camera to the final view size
    win.update_panels()
    win.plot.flush()
    win.view.render_smooth_now()
    app.processEvents()
    from .export import save_qimage
    try:
        save_qimage(win.grab().toImage(), path)  # whole or not at all, even when killed
    except OSError as exc:
        raise ArgumentError(f"--screenshot: cannot write {str(path)!r} ({exc.strerror or exc}); nothing was changed") from None


def run(argv: list[str] | None = None) -> int:
    """Open the window (or write ``--screenshot``); returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(argv)
        if args.screenshot:
            from hipviz.cli._args import check_png_output
            try:
                check_png_output(args.screenshot, overwrite=args.overwrite, flag="--screenshot")
            except ValueError as exc:
                raise ArgumentError(str(exc)) from None
        if args.scene and not Path(args.scene).is_file():
            raise ArgumentError(f"--scene: no such file {args.scene!r}")
        if args.motion and not Path(args.motion).is_file():
            raise ArgumentError(f"--motion: no such file {args.motion!r}")
        problem = ensure_display(allow_virtual=bool(args.screenshot))
        if problem:
            raise ArgumentError(problem)
        return _run(args)
    except ArgumentError as exc:
        print(f"hipviz: error: {exc}", file=sys.stderr)
        return 2


def _run(args) -> int:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    import hipviz

    from .settings import Store
    from .window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("hipviz")
    app.setOrganizationName("hipviz")
    try:
        model = hipviz.load_model(args.bones)
    except (ValueError, OSError) as exc:
        raise ArgumentError(f"--bones: {exc}" if args.bones else str(exc)) from None
    for note in model.notes:
        print(f"note: {note}", file=sys.stderr)
    keep = not (args.screenshot or args.no_settings)
    size = args.size or ((1600, 1000) if args.screenshot else None)
    compact = None if size is None else size[0] < 1400
    try:
        win = MainWindow(model, store=Store(QSettings("hipviz", "hipviz") if keep else None), compact=compact)
    except ValueError as exc:  # a bone mesh of --bones that cannot be drawn
        raise ArgumentError(str(exc)) from None
    from .errors import install_slot_guard
    guard = install_slot_guard(win, interactive=not args.screenshot)
    try:
        return _show(app, win, args, size, guard)
    finally:
        guard.uninstall()


def _show(app, win, args, size, guard) -> int:
    try:
        _configure(win, args)
    except ValueError as exc:
        raise ArgumentError(str(exc)) from None
    if win.model.notes:
        win.statusBar().showMessage("; ".join(win.model.notes), 15000)
    if args.screenshot:
        if guard.errors:  # a slot refused something while the window was set up: no picture of it
            raise ArgumentError(guard.errors[0])
        _screenshot(app, win, Path(args.screenshot), size)
        win.close()
        print(f"wrote {args.screenshot}")
        return 0
    if args.size:
        win.resize(*args.size)
    if not win.presentation.active:
        win.show()
    return app.exec()

if __name__ == "__main__":  # pragma: no cover
    os._exit(run())
