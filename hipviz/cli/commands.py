"""The subcommands of ``hipviz`` (each takes its own argv and returns an exit status)."""
from __future__ import annotations

import argparse
import csv
import json
import sys

from ._args import (OPTION_FLAGS, activation_kwargs, add_activation_flags, add_colour_flags, add_pose_flags,
                    check_png_output, contacts_from_args, pose_from_args, scale_from_args)

__all__ = ["SUBCOMMANDS", "UserError", "run_window"]

CSV_COLUMNS = ("muscle", "bundle", "max_force_n", "flexion_cm", "adduction_cm", "rotation_cm", "length_cm")


class UserError(Exception):
    """Something the user gave is wrong; the message says what and where."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        """One line, as for every other mistake (argparse would print its whole usage block
        first); the exit status stays 2."""
        raise UserError(f"{message} (see {self.prog} --help)")


def _model(args):
    """Load the model, turning data errors into user errors; notes about the bones go to stderr."""
    import hipviz
    bones = getattr(args, "bones", None)
    try:
        model = hipviz.load_model(bones)
    except (ValueError, OSError) as exc:
        raise UserError(f"--bones: {exc}" if bones is not None else str(exc)) from None
    for note in getattr(model, "notes", ()):
        print(f"note: {note}", file=sys.stderr)
    return model


def _evaluate(model, pose, args, **kw):
    import hipviz
    from ..core.request import check_options
    try:
        if "contacts" not in kw and hasattr(args, "contacts"):
            kw["contacts"] = contacts_from_args(args)
        options = {k: v for k, v in kw.items() if k not in ("with_paths", "place", "strength")}  # strength: evaluate checks it
        check_options({"side": args.side, "posture": args.posture, **options}, postures=model.postures,
                      labels=OPTION_FLAGS)  # the same checks as evaluate's, with the flags' names
        return hipviz.evaluate(model, pose, side=args.side, posture=args.posture, **kw)
    except ValueError as exc:
        raise UserError(str(exc)) from None


def _json(data) -> None:
    """One line of JSON on stdout; never NaN or Infinity (which JSON does not have)."""
    try:
        text = json.dumps(data, indent=None, separators=(",", ":"), allow_nan=False)
    except ValueError:
        raise RuntimeError("a number in the JSON output is not finite (NaN or infinity)") from None
    sys.stdout.write(text + "\n")


def _pose(args) -> dict:
    try:
        return pose_from_args(args)
    except ValueError as exc:
        raise UserError(str(exc)) from None


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--bones", metavar="DIR", help="folder with your own bone landmark files and meshes (default: the shipped bones)")


def cmd_pose(argv: list[str]) -> int:
    p = _Parser(prog="hipviz pose", description="Evaluate the model in one pose and print the state.")
    add_pose_flags(p)
    add_activation_flags(p)
    _common(p)
    p.add_argument("--json", action="store_true", help="print one JSON object (default: a short text summary)")
    p.add_argument("--no-paths", action="store_true", help="leave muscle path points out of the JSON")
    args = p.parse_args(argv)
    state = _evaluate(_model(args), _pose(args), args, **activation_kwargs(args))
    data = state.to_dict(paths=not args.no_paths)
    if args.json:
        _json(data)
        return 0
    for key in ("hip", "knee", "pelvis", "lumbar", "thigh"):
        vals = ", ".join(f"{k} {v:+.1f}" for k, v in data[key].items())
        print(f"{key:7s} {vals}  (deg)")
    a = data["asis_height_m"]
    print(f"ASIS    right {a['right'] * 100:.1f} cm, left {a['left'] * 100:.1f} cm, difference {(a['right'] - a['left']) * 100:+.1f} cm")
    print(f"pelvis  {'locked' if data['lock_pelvis'] else 'free'}, moved {data['pelvis_moved_deg']:.1f} deg")
    if data["movement"]:
        active = sorted((e for e in data["muscles"] + data["trunk_muscles"] if e["role"] != "inactive"),
                        key=lambda e: -e["activation"])
        print(f"muscles working in {data['movement']} (effort = activation; share = part of the moment):")
        for e in active:
            side = "" if e["side"] == data["side"] else f" ({e['side']})"
            share = f"share {e['share'] * 100:5.1f} %" if e.get("share") is not None else " " * 13
            print(f"  effort {e['activation'] * 100:5.1f} %  {share}  {e['role']:10s} {e['muscle']} {e['bundle']}{side}")
    for w in data["warnings"]:
        print(f"warning: {w}", file=sys.stderr)
    return 0


def cmd_scene(argv: list[str]) -> int:
    p = _Parser(prog="hipviz scene",
                description="Evaluate every step of a lesson (scene file) headlessly and print what each step shows.")
    p.add_argument("scene", metavar="FILE.toml", help="a lesson file (see scenes/ for the shipped ones)")
    _common(p)
    p.add_argument("--json", action="store_true",
                   help="print a JSON list, one object per step, with the fields of `hipviz pose --json` plus step and caption")
    p.add_argument("--no-paths", action="store_true", help="leave muscle path points out of the JSON")
    args = p.parse_args(argv)
    from ..io.scenes import SceneError, load_scene
    import hipviz

    model = _model(args)
    try:
        scene = load_scene(args.scene, postures=model.postures)
    except SceneError as exc:
        raise UserError(str(exc)) from None
    out = []
    for i, step in enumerate(scene.steps, start=1):
        try:
            state, j = scene.step_state(model, i - 1)
        except ValueError as exc:
            raise UserError(f"{args.scene} step {i}: {exc}") from None
        entry = {"step": i, "caption": step.caption, "contacts_asked": list(step.contacts or []),
                 "view": step.view, "highlight": list(step.highlight), **state.to_dict(j, paths=not args.no_paths)}
        out.append(entry)
    if args.json:
        _json(out)
        return 0
    print(f"{scene.title}: {len(out)} steps")
    for e in out:
        lead = sorted((m for m in e["muscles"] + e["trunk_muscles"] if m.get("role", "inactive") != "inactive"),
                      key=lambda m: -m["activation"])[:4]
        names = ", ".join(f"{m['muscle']} ({m['side']}) {m['activation'] * 100:.0f} %" for m in lead) or "none working"
        print(f"{e['step']:3d}. {e['caption']}\n     on the floor: {', '.join(e['contacts'])}; most active: {names}")
        for w in e["warnings"]:
            print(f"     warning: {w}", file=sys.stderr)
    return 0


def cmd_moment_arms(argv: list[str]) -> int:
    p = _Parser(prog="hipviz moment-arms",
                description="Moment arms (cm) and lengths of every muscle bundle, for one pose or a file of poses.")
    add_pose_flags(p)
    _common(p)
    p.add_argument("--poses", metavar="FILE.csv",
                   help="CSV of poses: header flexion,adduction,rotation,knee (degrees) or any coordinate names, one pose "
                        "per row; read, computed and written a few thousand poses at a time, whatever the file's length")
    p.add_argument("--format", choices=("csv", "json"), default="csv", help="output format (default: csv)")
    args = p.parse_args(argv)
    import hipviz
    import numpy as np
    from ..core.pose import resolve_name
    from ..io.pose_table import PoseFileError
    from ..io.pose_stream import iter_pose_chunks

    model = _model(args)
    flags = _pose(args)
    side = args.side
    try:
        model.posture(args.posture)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    ps = model.paths[side[0]]
    B = ps.n_bundles
    forces = [f"{f:.1f}" for f in ps.max_force]
    warnings: list[str] = []

    def sweep(pose: dict):
        try:
            ma = hipviz.moment_arms(model, pose, side=side, posture=args.posture)
        except ValueError as exc:
            raise UserError(str(exc)) from None
        warnings.extend(w for w in ma.warnings if w not in warnings)
        return ma

    def chunks():
        if not args.poses:
            yield 0, sweep(flags)
            return
        first = 0
        try:
            for block in iter_pose_chunks(args.poses):
                if first == 0:  # a flag for a coordinate the file also gives: which one is meant?
                    given = {resolve_name(k, side)[0]: k for k in block}
                    for k in flags:
                        if resolve_name(k, side)[0] in given:
                            raise UserError(f"--{k.replace('_', '-')} and the column {given[resolve_name(k, side)[0]]!r} "
                                            f"of {args.poses} both set {resolve_name(k, side)[0]}; give it once")
                n = next(iter(block.values())).size
                pose = {**block, **{k: np.full(n, v) for k, v in flags.items()}}
                yield first, sweep(pose)
                first += n
        except PoseFileError as exc:
            raise UserError(str(exc)) from None

    out = sys.stdout
    if args.format == "json":
        rows = []
        for first, ma in chunks():
            for i in range(ma.n):
                for b in range(B):
                    a_cm = ma.moment_arm[i, b] * 100
                    row = {"muscle": ma.muscle_ids[b], "bundle": ma.bundle_names[b], "max_force_n": float(forces[b]),
                           "flexion_cm": round(float(a_cm[0]), 4), "adduction_cm": round(float(a_cm[1]), 4),
                           "rotation_cm": round(float(a_cm[2]), 4), "length_cm": round(float(ma.length[i, b] * 100), 4),
                           "knee_cm": round(float(a_cm[3]), 4)}
                    rows.append({"pose": first + i, **row} if args.poses else row)
        for w in warnings:
            print(f"warning: {w}", file=sys.stderr)
        json.dump({"side": side, "rows": rows, "warnings": warnings}, out)
        out.write("\n")
        return 0
    cols = (("pose",) if args.poses else ()) + CSV_COLUMNS
    blocks = chunks()
    head = next(blocks)  # the first chunk is read (and checked) before anything is written
    out.write(",".join(cols) + "\n")
    # one format string per pose: every bundle's row, its names and force already in place
    lead = "%d," if args.poses else ""
    row_fmt = "".join(f"{lead}{m},{bn},{f},%.4f,%.4f,%.4f,%.4f\n"
                      for m, bn, f in zip(ps.muscle_ids, ps.bundle_names, forces))
    import itertools
    for first, ma in itertools.chain([head], blocks):
        numbers = np.concatenate([ma.moment_arm[:, :, :3] * 100, ma.length[:, :, None] * 100], axis=2)  # (n, B, 4)
        if args.poses:
            idx = np.broadcast_to((first + np.arange(ma.n))[:, None, None], (ma.n, B, 1)).astype(float)
            numbers = np.concatenate([idx, numbers], axis=2)
        flat = numbers.reshape(ma.n, -1)
        out.write("".join(row_fmt % tuple(r) for r in flat.tolist()))
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    return 0


def cmd_render(argv: list[str]) -> int:
    p = _Parser(prog="hipviz render", description="Render the model off-screen to a PNG (no window or display needed); "
                "with a lesson or a motion file: a movie (.mp4, .gif) or a contact sheet (.png).")
    p.add_argument("source", nargs="?", metavar="LESSON.toml|MOTION",
                   help="a lesson (scene file) or a recorded motion (.mot, .sto, .csv) to render as a movie "
                        "(-o out.mp4 or out.gif) or a contact sheet of its steps or frames (-o out.png)")
    add_pose_flags(p)
    _common(p)
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="where to write: .png (a picture, or with a "
                   "lesson or motion a contact sheet), .mp4 or .gif (a movie of a lesson or motion)")
    p.add_argument("--view", choices=("front", "back", "left", "right", "side", "top", "oblique"), default=None,
                   help="camera preset in the room (side = right; default: oblique; a motion: side); "
                        "a lesson step's own view wins")
    p.add_argument("--size", default=None, metavar="WxH",
                   help="picture size in pixels (default: 1600x1000; a movie 1280x720; a contact sheet 1920x1080)")
    g = p.add_argument_group("movies and contact sheets (with LESSON.toml or MOTION)")
    g.add_argument("--fps", type=float, default=None, metavar="F",
                   help="frames per second of a movie (default 30; a GIF 15)")
    g.add_argument("--frames", type=int, default=None, metavar="N", help="pictures of a motion on a contact sheet (default 8)")
    g.add_argument("--columns", type=int, default=None, metavar="N", help="pictures per row of a contact sheet (default: "
                   "chosen for the sheet's shape)")
    g.add_argument("--start", type=float, default=None, metavar="S", help="a motion from S seconds after its start")
    g.add_argument("--end", type=float, default=None, metavar="S", help="a motion up to S seconds after its start")
    p.add_argument("--no-muscles", action="store_true", help="bones only")
    p.add_argument("--overwrite", action="store_true", help="replace the output file if it exists")
    add_colour_flags(p)
    p.add_argument("--scene", metavar="FILE.toml",
                   help="draw a step of a lesson (its pose, movement, caption, colouring and the lesson's fixed scale)")
    p.add_argument("--step", type=int, default=None, metavar="N", help="with --scene: the step to draw (default 1)")
    p.add_argument("--anatomical-view", action="store_true",
                   help="turn the camera preset with the posture (front faces the body's front, so a lying body "
                        "is drawn upright); default: presets fixed in the room, a lying body is seen lying")
    p.add_argument("--room-view", action="store_true", help=argparse.SUPPRESS)  # the default now; kept for old scripts
    add_activation_flags(p)
    args = p.parse_args(argv)
    if args.source is not None or args.output.lower().endswith((".mp4", ".gif")):
        from .media import render_source  # a movie or a contact sheet of a lesson or motion
        return render_source(args)
    args.size = args.size or "1600x1000"
    args.view = args.view or "oblique"
    try:
        w, h = (int(v) for v in args.size.lower().split("x"))
        if not (64 <= w <= 8000 and 64 <= h <= 8000):
            raise ValueError
    except ValueError:
        raise UserError(f"--size: expected WIDTHxHEIGHT in pixels between 64 and 8000, found {args.size!r}") from None
    try:
        out = check_png_output(args.output, overwrite=args.overwrite, flag="-o/--output")
    except ValueError as exc:
        raise UserError(str(exc)) from None
    if args.step is not None and not args.scene:
        raise UserError("--step is for --scene (the step of a lesson to draw); add --scene LESSON.toml or leave it out")
    args.step = 1 if args.step is None else args.step
    model = _model(args)
    from ..render import RenderStyle, render_png
    caption = None
    if args.scene:
        state, caption, colour, scale = _scene_step(model, args)
    else:
        state = _evaluate(model, _pose(args), args, **activation_kwargs(args))
        colour, scale = args.colour or "effort", scale_from_args(args)
    style = RenderStyle(colour=colour, activation_scale=scale)
    try:
        render_png(state, out, view=args.view, size=(w, h), muscles=not args.no_muscles,
                   anatomical_view=args.anatomical_view and not args.room_view,
                   style=style, caption=caption)
    except OSError as exc:
        raise UserError(f"-o/--output: cannot write {str(out)!r} ({exc.strerror or exc}); the folder is as it was") from None
    except ValueError as exc:  # a bone mesh of --bones that cannot be drawn
        raise UserError(str(exc)) from None
    for warning in state.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"wrote {out}")
    return 0


def _scene_step(model, args):
    """State, caption, colour mode and colour scale of ``--scene FILE --step N``.

    The colour is the lesson's unless ``--colour`` is given; the scale is ``--scale`` /
    ``--fixed-scale`` if given, else the lesson's fixed scale (the same for all its steps).
    """
    import hipviz
    from ..io.scenes import SceneError, load_scene
    if _pose(args) or args.movement is not None:
        raise UserError("--scene: the step sets the pose and movement; leave out the pose and --movement flags")
    try:
        scene = load_scene(args.scene, postures=model.postures)
    except SceneError as exc:
        raise UserError(f"--scene: {exc}") from None
    if not 1 <= args.step <= len(scene.steps):
        raise UserError(f"--step: expected 1 to {len(scene.steps)} for this scene, found {args.step}")
    step = scene.steps[args.step - 1]
    colour = args.colour or scene.colour or "effort"
    scale = scale_from_args(args)
    try:
        state = hipviz.evaluate(model, step.pose, **step.evaluate_kwargs())
        if scale is None and step.movement is not None:
            scale = scene.colour_scale(model, colour)
    except ValueError as exc:
        raise UserError(f"--scene: {exc}") from None
    return state, None if not step.caption else step.caption, colour, scale


def cmd_import_bones(argv: list[str]) -> int:
    p = _Parser(prog="hipviz import-bones",
                description="Register your own bone meshes (STL, OBJ, PLY, GLB, VTP) and landmark files into "
                            "hipviz's frames; writes a folder to use with --bones.")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="new folder to write (never overwritten)")
    for bone in ("pelvis", "femur-r", "femur-l", "tibia-r", "tibia-l"):
        p.add_argument(f"--{bone}", nargs=2, metavar=("MESH", "LANDMARKS.toml"),
                       help=f"the {bone.replace('-', ' ')} mesh and its landmark file")
    args = p.parse_args(argv)
    bones = {b.replace("-", "_"): tuple(getattr(args, b.replace("-", "_")))
             for b in ("pelvis", "femur-r", "femur-l", "tibia-r", "tibia-l") if getattr(args, b.replace("-", "_"))}
    if not bones:
        raise UserError("give at least one bone, e.g. --pelvis pelvis.stl pelvis.landmarks.toml")
    from ..io.bones import BoneImportError, import_bones
    try:
        report = import_bones(args.output, bones)  # checked with load_model before it appears
    except (BoneImportError, ValueError) as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:
        raise UserError(f"-o/--output: cannot write {args.output!r} ({exc.strerror or exc}); nothing was written") from None
    for note in report.notes:
        print(f"note: {note}")
    print(f"wrote {report.folder}; use it with: hipviz --bones {report.folder}  (or any subcommand's --bones)")
    return 0


def run_window(argv: list[str]) -> int:
    """Open the desktop window (or take a screenshot of it with ``--screenshot``)."""
    try:
        from ..app.main import run
    except ImportError as exc:
        raise UserError(f"the window is not available ({exc}); headless commands still work: hipviz pose|moment-arms|render --help") from None
    return run(argv)


def cmd_export(argv: list[str]) -> int:
    """``hipviz export LESSON|MOTION --csv|--glb|--plot``: a movement's numbers, one posed frame, a plot."""
    from .media import cmd_export as export
    return export(argv)


SUBCOMMANDS = {"pose": cmd_pose, "scene": cmd_scene, "moment-arms": cmd_moment_arms, "render": cmd_render,
               "import-bones": cmd_import_bones, "export": cmd_export}
