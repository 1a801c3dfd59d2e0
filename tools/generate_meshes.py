"""Generate hipviz's default bone meshes (pelvis, femurs, tibiae, feet), landmark files and pictures.

Run from the repository root::

    python tools/generate_meshes.py            # meshes/*.ply, *.toml, docs/images
    python tools/generate_meshes.py --only tibia --out /tmp/x --no-images

Each bone is a smooth signed-distance-field blend of simple shapes (see
``tools/meshgen``), meshed with marching cubes, Taubin-smoothed and
decimated.  The output is deterministic.  Meshes are binary PLY in metres,
each bone in its own frame; landmark files are TOML in millimetres.  Left
bones are exact mirror images (z -> -z) of the right ones.
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from meshgen import femur, foot, pelvis, targets, tibia  # noqa: E402
from meshgen import landmarks as lm  # noqa: E402
from meshgen.mesh import closest_points, field_to_mesh, mirror_z  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
MM = 0.001
"""Metres per millimetre."""


@dataclass(frozen=True)
class Bone:
    """How to build one bone and where its landmarks come from."""

    name: str
    build: Callable
    target_faces: int
    targets: dict
    header: tuple
    paired: bool
    """True for a right bone that also gets a mirrored left copy; False for a
    bone that spans both sides and is symmetric about z = 0."""
    keep: tuple = ()
    """Surface landmarks kept at their targets (contact points agreed with the
    core) instead of being snapped onto the mesh."""


BONES = {
    "pelvis": Bone("pelvis", pelvis.build, 18000, targets.PELVIS, targets.PELVIS_HEADER, False),
    "femur": Bone("femur", femur.build, 10000, targets.FEMUR, targets.FEMUR_HEADER, True),
    "tibia": Bone("tibia", tibia.build, 7000, targets.TIBIA, targets.TIBIA_HEADER, True),
    "foot": Bone("foot", foot.build, 5000, targets.FOOT, targets.FOOT_HEADER, True,
                 keep=targets.FOOT_CONTACTS),
}


def make_bone(bone, out_dir):
    """Build, mesh and save one bone (and its mirror image if paired).

    Parameters
    ----------
    bone : Bone
    out_dir : Path
        Folder receiving ``<name>.ply`` and ``<name>.landmarks.toml``.

    Returns
    -------
    dict of str -> (trimesh.Trimesh, dict)
        Mesh in mm and landmark positions (mm) for each file written.
    dict of str -> float
        Distance (mm) each landmark moved from its design target; for the kept
        landmarks (``bone.keep``), their distance from the mesh instead.
    """
    mesh = field_to_mesh(bone.build(), target_faces=bone.target_faces,
                         symmetric=not bone.paired)
    midline = () if bone.paired else [n for n in bone.targets if not n.endswith("_r")]
    positions, moved = lm.snap(mesh, bone.targets, midline=midline, keep=bone.keep)
    if bone.keep:
        _, dist = closest_points(mesh, np.array([positions[n] for n in bone.keep]))
        moved.update(zip(bone.keep, dist.tolist()))
    descriptions = {n: d for n, (_, d) in bone.targets.items()}
    if not bone.paired:
        positions, descriptions = lm.add_left_side(positions, bone.targets)
        outputs = {bone.name: (mesh, positions)}
    else:
        outputs = {f"{bone.name}_r": (mesh, positions),
                   f"{bone.name}_l": (mirror_z(mesh), lm.mirror(positions))}
    for name, (m, pos) in outputs.items():
        (m.copy().apply_scale(MM)).export(out_dir / f"{name}.ply", encoding="binary")
        header = [line.replace(f"{bone.name}_r", name) for line in bone.header]
        lm.write_toml(out_dir / f"{name}.landmarks.toml", name, header, pos, descriptions)
    return outputs, moved


def render_pictures(meshes, image_dir):
    """Pictures of the assembled skeleton and a close-up of the hips.

    Writes ``bones_{front,side,back,top}.png`` (pelvis, femurs, tibiae and
    feet in the anatomical position) and ``bones_hip_oblique.png``.

    Parameters
    ----------
    meshes : dict of str -> (trimesh.Trimesh, dict)
        Output of :func:`make_bone` for all bones (meshes in mm).
    image_dir : Path
    """
    from meshgen.render import render_views

    hip = meshes["pelvis"][1]["hip_center_r"]
    knee = meshes["femur_r"][1]["knee_center"]
    parts = [(meshes["pelvis"][0], (0.0, 0.0, 0.0))]
    for side, sign in (("r", 1.0), ("l", -1.0)):
        origin = hip * [1.0, 1.0, sign]
        parts.append((meshes[f"femur_{side}"][0], origin))
        parts.append((meshes[f"tibia_{side}"][0], origin + knee * [1.0, 1.0, sign]))
        ankle = meshes["tibia_r"][1]["ankle_center"]
        parts.append((meshes[f"foot_{side}"][0], origin + (knee + ankle) * [1.0, 1.0, sign]))
    sizes = {"front": (800, 1100), "back": (800, 1100), "side": (520, 1100),
             "top": (900, 800)}
    render_views(parts, image_dir, prefix="bones", views=list(sizes), size=sizes)
    pelvis = meshes["pelvis"][0].vertices
    hips = pelvis[pelvis[:, 1] > -80.0]
    render_views(parts, image_dir, prefix="bones_hip", views=["oblique"], size=(1000, 900),
                 fit=np.vstack([hips, hips - [0.0, 120.0, 0.0]]))


def main(argv=None):
    """Command-line entry point; returns the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "meshes",
                        help="folder for the PLY and landmark files")
    parser.add_argument("--images", type=Path, default=REPO / "docs" / "images",
                        help="folder for the pictures")
    parser.add_argument("--no-images", action="store_true", help="skip the pictures")
    parser.add_argument("--only", nargs="+", choices=sorted(BONES), default=sorted(BONES),
                        help="bones to build (default: all)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    meshes = {}
    for key in args.only:
        outputs, moved = make_bone(BONES[key], args.out)
        meshes.update(outputs)
        far = {n: round(d, 1) for n, d in moved.items() if d > 2.0 and n not in BONES[key].keep}
        off = {n: round(moved[n], 1) for n in BONES[key].keep}
        for name, (m, _) in outputs.items():
            print(f"{name:8s} {len(m.faces):6d} faces  watertight={m.is_watertight}"
                  f"  t={time.perf_counter() - start:5.1f} s")
        if far:
            print(f"         landmarks moved > 2 mm: {far}")
        if off:
            print(f"         contact points from the surface (mm): {off}")
    if not args.no_images and set(args.only) == set(BONES):
        render_pictures(meshes, args.images)
        print(f"pictures in {args.images}  t={time.perf_counter() - start:5.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
