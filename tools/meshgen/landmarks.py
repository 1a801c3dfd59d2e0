"""Landmarks: snap the design targets onto a mesh and write TOML files."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import trimesh

from .mesh import closest_points

INTERIOR = frozenset({
    "hip_center", "hip_center_r", "knee_center", "ankle_center", "lumbosacral_joint",
    "femoral_neck", "shaft_proximal", "obturator_foramen_r",
})
"""Centres of joints, foramina and bone sections: kept at their targets."""


def snap(mesh_mm, targets, *, midline=(), keep=()):
    """Move surface landmarks to the closest point of the mesh.

    Parameters
    ----------
    mesh_mm : trimesh.Trimesh
        Bone surface in millimetres.
    targets : dict of str -> ((3,) tuple, str)
        Design position (mm) and description of each landmark.
    midline : collection of str, optional
        Landmarks that must stay in the plane z = 0 (on a symmetric bone):
        they snap to the closest point of the mesh's midline section.
    keep : collection of str, optional
        Surface landmarks kept at their targets (contact points agreed with the core); the
        mesh is built to pass through them.

    Returns
    -------
    positions : dict of str -> (3,) ndarray
        Final positions (mm); interior landmarks are left unchanged.
    moved : dict of str -> float
        Distance (mm) each landmark moved from its target.
    """
    positions = {n: np.asarray(targets[n][0], float) for n in targets}
    moved = {n: 0.0 for n in targets}
    fixed = INTERIOR | set(keep)
    free = [n for n in targets if n not in fixed and n not in midline]
    if free:
        closest, dist = closest_points(mesh_mm, np.array([positions[n] for n in free]))
        positions.update(zip(free, closest))
        moved.update(zip(free, dist.tolist()))
    mid = [n for n in targets if n not in fixed and n in midline]
    if mid:
        seg = trimesh.intersections.mesh_plane(mesh_mm, [0.0, 0.0, 1.0], [0.0, 0.0, 0.0])
        for name in mid:
            point = _closest_on_segments(seg, positions[name])
            moved[name] = float(np.linalg.norm(point - positions[name]))
            positions[name] = point * [1.0, 1.0, 0.0]
    return positions, moved


def _closest_on_segments(segments, p):
    """Closest point to ``p`` (3,) on line segments (n, 2, 3)."""
    a, b = segments[:, 0], segments[:, 1]
    ab = b - a
    t = np.clip(((p - a) * ab).sum(1) / np.maximum((ab * ab).sum(1), 1e-12), 0.0, 1.0)
    points = a + t[:, None] * ab
    return points[np.argmin(np.linalg.norm(points - p, axis=1))]


def add_left_side(positions, targets):
    """Add the mirror image (z negated) of every ``_r`` landmark as ``_l``.

    Parameters
    ----------
    positions : dict of str -> (3,) ndarray
    targets : dict of str -> ((3,) tuple, str)

    Returns
    -------
    positions, descriptions : dict, dict
        Both sides (right first, then left, midline in between as given).
    """
    out_pos, out_desc = {}, {}
    for name, (_, desc) in targets.items():
        out_pos[name] = positions[name]
        out_desc[name] = desc
    for name, (_, desc) in targets.items():
        if name.endswith("_r"):
            left = name[:-2] + "_l"
            out_pos[left] = positions[name] * [1.0, 1.0, -1.0]
            out_desc[left] = desc.replace("right", "left")
    return out_pos, out_desc


def mirror(positions):
    """Landmark positions mirrored through z = 0 (for a left bone)."""
    return {n: np.asarray(p, float) * [1.0, 1.0, -1.0] for n, p in positions.items()}


def write_toml(path, bone, header, positions, descriptions):
    """Write a landmark file in the hipviz format.

    Parameters
    ----------
    path : path-like
    bone : str
        Bone name, e.g. ``"femur_l"``.
    header : sequence of str
        Comment lines written at the top.
    positions : dict of str -> (3,) array_like
        Positions in millimetres (rounded to 0.1 mm).
    descriptions : dict of str -> str
    """
    lines = [f"# {line}" for line in header]
    lines += [f'bone = "{bone}"', 'units = "mm"', ""]
    for name, pos in positions.items():
        xyz = ", ".join(f"{_clean(v):.1f}" for v in pos)
        desc = descriptions[name].replace('"', '\\"')
        lines += [f"[landmarks.{name}]", f"position = [{xyz}]", f'description = "{desc}"', ""]
    Path(path).write_text("\n".join(lines))


def _clean(value):
    """Round to 0.1 and turn -0.0 into 0.0."""
    value = round(float(value), 1)
    return 0.0 if value == 0 else value
