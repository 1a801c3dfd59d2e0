"""Command-line options shared by the subcommands: the pose flags."""
from __future__ import annotations

import argparse

from ..core.state import MUSCLE_MEASURES

POSE_FLAGS = {
    # flag: (pose key, help)
    "flexion": ("flexion", "hip flexion in degrees (+ flexion, - extension)"),
    "adduction": ("adduction", "hip adduction in degrees (+ adduction, - abduction)"),
    "abduction": ("abduction", "hip abduction in degrees (the same as --adduction with the sign turned)"),
    "rotation": ("rotation", "hip rotation in degrees (+ internal, - external)"),
    "knee": ("knee", "knee flexion in degrees"),
    "pelvis-anterior-tilt": ("pelvis_anterior_tilt", "anterior pelvic tilt in degrees (- posterior)"),
    "pelvis-obliquity": ("pelvis_obliquity", "pelvic obliquity in degrees (+ right side up)"),
    "pelvis-rotation": ("pelvis_rotation", "pelvic rotation in degrees (+ to the left)"),
    "lumbar-flexion": ("lumbar_flexion", "lumbar flexion in degrees (+ flexion, - extension)"),
    "lumbar-bending": ("lumbar_bending", "lumbar side-bend in degrees (+ to the right)"),
    "lumbar-rotation": ("lumbar_rotation", "lumbar rotation in degrees (+ to the left)"),
}


def add_pose_flags(parser: argparse.ArgumentParser, *, posture: bool = True) -> None:
    """Add ``--flexion`` ... ``--side`` (and ``--posture``) to ``parser``."""
    g = parser.add_argument_group("pose (degrees; signs as in OpenSim: + flexion, adduction, internal rotation)")
    for flag, (_, text) in POSE_FLAGS.items():
        g.add_argument(f"--{flag}", type=float, metavar="D", help=text)
    g.add_argument("--set", dest="set_values", action="append", default=[], metavar="NAME=DEG",
                   help="any coordinate by name, repeatable: OpenSim's names and signs (pelvis_tilt, pelvis_list, "
                        "hip_flexion_l, knee_angle_r, ankle_angle_l, lumbar_extension ...) or hipviz's "
                        "(pelvis_anterior_tilt, knee_flexion_l ...); metres for pelvis_tx/ty/tz")
    g.add_argument("--side", choices=("right", "left"), default="right", help="the hip and knee the flags move (default: right)")
    if posture:
        g.add_argument("--posture", default="standing", metavar="NAME",
                       help="standing, supine, prone, side_lying, quadruped, tall_kneeling, half_kneeling (default: standing)")
        g.add_argument("--contacts", metavar="LIST",
                       help="what rests on the floor, comma-separated: feet, foot_r, heel_l, toes_r, knee_l, knees, shins, "
                            "back, shoulders, front, side_l, hands ... (default: the posture's, standing: the other foot)")


def add_activation_flags(parser: argparse.ArgumentParser) -> None:
    """Add ``--movement``, ``--lock-pelvis/--no-lock-pelvis``, ``--compensation``, ``--load``."""
    g = parser.add_argument_group("which muscles work")
    g.add_argument("--movement", metavar="NAME",
                   help="movement being made: flexion, extension, abduction, adduction, internal_rotation, "
                        "external_rotation, knee_flexion, knee_extension, hold, combinations such as "
                        "flexion+abduction, or circumduction:DEG (computes activation and role of every muscle)")
    g.add_argument("--lock-pelvis", dest="lock_pelvis", action="store_true", default=True,
                   help="the pelvis stays still; the hip alone moves, up to its range (default)")
    g.add_argument("--no-lock-pelvis", dest="lock_pelvis", action="store_false",
                   help="the pelvis and lumbar spine compensate; the pose flags ask for the thigh's position in the room")
    g.add_argument("--compensation", type=float, default=0.5, metavar="X",
                   help="how stiff the hip is when the pelvis is free: 0 (supple) to 1 (very stiff); default 0.5")
    g.add_argument("--load", type=float, default=0.0, metavar="N", help="extra weight at the ankle in newtons (default 0)")
    g.add_argument("--body-mass", type=float, default=None, metavar="KG", help="body mass for gravity (default 75 kg)")
    g.add_argument("--strength", dest="strength", action=_AppendOnce, type=_strength_item, default=[], metavar="MUSCLE=PCT",
                   help="a muscle's strength in %% of normal, repeatable (gluteus_medius_l=20: a weak left gluteus "
                        "medius; without _r/_l both sides); standing on one leg with the pelvis free, weak abductors "
                        "let it drop (the Trendelenburg sign)")


class _AppendOnce(argparse.Action):
    """``--strength`` repeated for other muscles; the same muscle twice is a mistake (which one?)."""

    def __call__(self, parser, namespace, values, option_string=None):
        items = list(getattr(namespace, self.dest, None) or [])
        if any(name == values[0] for name, _ in items):
            parser.error(f"argument {option_string}: {values[0]} given more than once; give each muscle once")
        items.append(values)
        setattr(namespace, self.dest, items)


def _strength_item(text: str) -> tuple[str, float]:
    name, eq, pct = text.partition("=")
    try:
        value = float(pct)
    except ValueError:
        value = None
    if not eq or not name.strip() or value is None:
        raise argparse.ArgumentTypeError(f"expected MUSCLE=PERCENT such as gluteus_medius_l=20, found {text!r}")
    if not 0.0 <= value <= 200.0:  # NaN fails too
        raise argparse.ArgumentTypeError(f"{name.strip()}: expected 0 to 200 % of normal strength, found {pct.strip()}")
    return name.strip(), value / 100.0


def activation_kwargs(args: argparse.Namespace) -> dict:
    """Keyword arguments of :func:`hipviz.evaluate` from the activation flags."""
    out = {"movement": args.movement, "lock_pelvis": args.lock_pelvis, "compensation": args.compensation,
           "load_n": args.load, "body_mass_kg": args.body_mass}
    if getattr(args, "strength", None):
        out["strength"] = dict(args.strength)
    return out


def _percent(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a percentage from 1 to 100, found {text!r}") from None
    if not 1.0 <= v <= 100.0:
        raise argparse.ArgumentTypeError(f"expected a percentage from 1 to 100, found {text!r}")
    return v


def add_colour_flags(parser: argparse.ArgumentParser) -> None:
    """Add ``--colour effort|share``, ``--fixed-scale`` and ``--scale PERCENT``."""
    g = parser.add_argument_group("muscle colours (with --movement)")
    g.add_argument("--colour", "--color", dest="colour", choices=MUSCLE_MEASURES, default=None,
                   help="effort: how hard each muscle works (activation, %% of maximal force); share: who moves "
                        "it (each muscle's part of the moment in the movement's direction, %%); default: effort, or a scene's")
    g.add_argument("--fixed-scale", action="store_true",
                   help="colours on a fixed 0-100 %% scale (compare pictures); default: scaled to each pose")
    g.add_argument("--scale", type=_percent, default=None, metavar="PERCENT",
                   help="the percentage drawn darkest, 1 to 100 (a fixed scale, e.g. a lesson's)")


def scale_from_args(args: argparse.Namespace) -> float | None:
    """``RenderStyle.activation_scale`` from ``--scale`` / ``--fixed-scale`` (None: adapt to the pose)."""
    if getattr(args, "scale", None) is not None:
        return args.scale / 100.0
    return 1.0 if getattr(args, "fixed_scale", False) else None


def check_png_output(path: str, *, overwrite: bool, flag: str):
    """The ``Path`` of a new PNG to write, or ValueError saying what is wrong (never overwrites).

    Parameters
    ----------
    path : str
        What the user gave.
    overwrite : bool
        Whether an existing file may be replaced.
    flag : str
        The option's name, for the message (``"-o/--output"``, ``"--screenshot"``).
    """
    from ..io.atomic import check_new_file

    return check_new_file(path, overwrite=overwrite, suffixes=(".png",), flag=flag)


#: How the command line spells each option of :func:`hipviz.evaluate`, for messages.
OPTION_FLAGS = {"side": "--side", "posture": "--posture", "movement": "--movement", "lock_pelvis": "--lock-pelvis",
                "compensation": "--compensation", "load_n": "--load", "body_mass_kg": "--body-mass",
                "contacts": "--contacts"}


def pose_from_args(args: argparse.Namespace) -> dict[str, float]:
    """The pose named by the flags that were given (degrees).

    ValueError for a bad ``--set``, or two flags for one coordinate (``--abduction 20
    --adduction 10``, ``--flexion 30 --set hip_flexion_r=40``): which one was meant?
    """
    from ..core.pose import PoseError, resolve_name

    side = getattr(args, "side", "right") or "right"
    out: dict[str, float] = {}
    given: dict[str, str] = {}  # column -> the flag that set it

    def add(key: str, value: float, spelled: str) -> None:
        try:
            column = resolve_name(key, side)[0]
        except PoseError as exc:
            raise ValueError(f"--set: {exc}") from None
        if column in given:
            raise ValueError(f"{given[column]} and {spelled} both set {column}; give one of them")
        given[column] = spelled
        out[key] = value

    for flag, (key, _) in POSE_FLAGS.items():
        value = getattr(args, flag.replace("-", "_"), None)
        if value is not None:
            add(key, value, f"--{flag} {value:g}")
    for item in getattr(args, "set_values", []) or []:
        name, eq, text = item.partition("=")
        name = name.strip()
        if not eq or not name:
            raise ValueError(f"--set: expected NAME=DEGREES such as hip_flexion_l=30, found {item!r}")
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"--set {name}: expected a number of degrees, found {text.strip()!r}") from None
        if name in out:
            raise ValueError(f"--set: {name} is given twice")
        add(name, value, f"--set {name}={text.strip()}")
    return out


def contacts_from_args(args: argparse.Namespace) -> list[str] | None:
    """``--contacts a,b`` as a list (None: the posture's own)."""
    text = getattr(args, "contacts", None)
    if text is None:
        return None
    items = [c.strip() for c in text.split(",") if c.strip()]
    if not items:
        raise ValueError("--contacts: expected names such as feet or foot_r,knee_l")
    return items
