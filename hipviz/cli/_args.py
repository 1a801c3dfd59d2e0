"""Command-line options shared by the subcommands: the pose flags."""
from __future__ import annotations

import argparse

POSE_FLAGS = {
    # flag: (pose key, help)
    "flexion": ("flexion", "hip flexion in degrees (+ flexion, - extension)"),
    "adduction": ("adduction", "hip adduction in degrees (+ adduction, - abduction)"),
    "rotation": ("rotation", "hip rotation in degrees (+ internal, - external)"),
    "knee": ("knee", "knee flexion in degrees"),
    "pelvis-tilt": ("pelvis_tilt", "pelvic tilt in degrees (+ anterior)"),
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
    g.add_argument("--side", choices=("right", "left"), default="right", help="the hip and knee the flags move (default: right)")
    if posture:
        g.add_argument("--posture", default="standing", metavar="NAME",
                       help="standing, supine, prone, side_lying, quadruped, tall_kneeling, half_kneeling (default: standing)")


def pose_from_args(args: argparse.Namespace) -> dict[str, float]:
    """The pose named by the flags that were given (degrees)."""
    out = {}
    for flag, (key, _) in POSE_FLAGS.items():
        value = getattr(args, flag.replace("-", "_"), None)
        if value is not None:
            out[key] = value
    return out
