"""A schematic lumbar spine (vertebral bodies L1-L5) in the trunk frame.

The model has no trunk mesh, yet the psoas runs up to the lumbar vertebrae; five rounded
vertebral bodies placed on the trunk landmarks give those lines something to attach to.
"""
from __future__ import annotations

import numpy as np

__all__ = ["lumbar_spine_mesh"]

# Vertebral body half-sizes (metres): half depth (x), half height (along the spine), half width (z).
_HALF = {"L5": (0.017, 0.012, 0.026), "L4": (0.017, 0.012, 0.025), "L3": (0.016, 0.0125, 0.024),
         "L2": (0.0155, 0.012, 0.023), "L1": (0.015, 0.0115, 0.022)}


def lumbar_spine_mesh(trunk: dict[str, np.ndarray]):
    """Five rounded vertebral bodies through ``l5_body``, ``l3_body`` and ``l1_body``.

    Parameters
    ----------
    trunk : dict
        Trunk landmarks ``{name: (3,) ndarray}`` in metres, trunk frame.

    Returns
    -------
    vtkPolyData or None
        Triangles with point normals, trunk frame (metres); None if the landmarks are missing.
    """
    from .geometry import tube_faces
    from .polydata import polydata

    try:
        l5, l3, l1 = (np.asarray(trunk[k], float) for k in ("l5_body", "l3_body", "l1_body"))
    except KeyError:
        return None
    centres = {"L5": l5, "L4": 0.5 * (l5 + l3), "L3": l3, "L2": 0.5 * (l3 + l1), "L1": l1}
    order = ["L5", "L4", "L3", "L2", "L1"]
    m = 40
    theta = 2 * np.pi * np.arange(m) / m
    cos, sin = np.cos(theta)[:, None], np.sin(theta)[:, None]
    faces = tube_faces(2, m).reshape(-1, 4)[:, 1:]
    all_pts, all_nrm, all_faces = [], [], []
    for j, name in enumerate(order):
        lo = centres[order[max(j - 1, 0)]]
        hi = centres[order[min(j + 1, len(order) - 1)]]
        axis = (hi - lo) / np.linalg.norm(hi - lo)
        hx, hy, hz = _HALF[name]
        x = np.array([1.0, 0.0, 0.0]) - axis * axis[0]
        x /= np.linalg.norm(x)
        z = np.cross(axis, x)  # lateral; (axis, x, z) right-handed like the tube frames (t, n, b)
        c = centres[name]
        ring = hx * cos * x + hz * sin * z
        normal = cos / hx * x + sin / hz * z
        normal /= np.linalg.norm(normal, axis=1, keepdims=True)
        bottom, top = c - hy * axis + ring, c + hy * axis + ring
        pts = np.concatenate([bottom, top, bottom, [c - hy * axis], top, [c + hy * axis]])
        nrm = np.concatenate([normal, normal, np.repeat([-axis], m + 1, 0), np.repeat([axis], m + 1, 0)])
        all_faces.append(faces + len(all_pts) * len(pts))
        all_pts.append(pts)
        all_nrm.append(nrm)
    tris = np.concatenate(all_faces)
    return polydata(np.concatenate(all_pts), tris, normals=np.concatenate(all_nrm))
