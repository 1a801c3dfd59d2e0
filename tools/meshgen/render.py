"""Off-screen pictures of the generated bones (pyvista)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pyvista as pv

BONE_COLOUR = (0.93, 0.89, 0.80)

VIEWS = {
    # name: (camera direction from the focal point, view-up), pelvis frame
    "front": ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0)),
    "side": ((0.0, 0.0, 1.0), (0.0, 1.0, 0.0)),
    "back": ((-1.0, 0.0, 0.0), (0.0, 1.0, 0.0)),
    "top": ((0.0, 1.0, 0.0), (-1.0, 0.0, 0.0)),
    "oblique": ((1.0, 0.35, 0.9), (0.0, 1.0, 0.0)),
}


def _polydata(mesh, offset=(0.0, 0.0, 0.0)):
    """pyvista PolyData of a trimesh mesh translated by ``offset``."""
    faces = np.hstack([np.full((len(mesh.faces), 1), 3), mesh.faces]).ravel()
    return pv.PolyData(np.asarray(mesh.vertices) + offset, faces)


def _add_lights(plotter):
    """A soft headlight plus a key light from above, so that cups read as cups."""
    plotter.add_light(pv.Light(light_type="headlight", intensity=0.45))
    plotter.add_light(pv.Light(position=(-0.3, 1.0, 0.5), light_type="camera light",
                               intensity=0.75))


def _frame(plotter, pts, direction, up, size, parallel):
    """Point the camera along ``-direction`` and fit ``pts`` (n, 3) in the window."""
    d = np.asarray(direction, float) / np.linalg.norm(direction)
    u = np.asarray(up, float) - np.dot(up, d) * d
    u /= np.linalg.norm(u)
    r = np.cross(u, d)
    pr, pu = pts @ r, pts @ u
    centre = ((pr.max() + pr.min()) / 2) * r + ((pu.max() + pu.min()) / 2) * u
    centre = centre + (pts @ d).mean() * d
    span = np.ptp(pts, axis=0).max()
    plotter.camera_position = [tuple(centre + 3 * span * d), tuple(centre), tuple(u)]
    if parallel:
        plotter.enable_parallel_projection()
        half_h = max(np.ptp(pu), np.ptp(pr) * size[1] / size[0]) / 2
        plotter.camera.parallel_scale = 1.06 * half_h
    else:
        plotter.reset_camera()
    plotter.reset_camera_clipping_range()


def render_views(parts, out_dir, *, prefix="bones", views=None, size=(800, 1100),
                 parallel=True, fit=None):
    """Write one PNG per view of the given meshes.

    Parameters
    ----------
    parts : list of (trimesh.Trimesh, (3,) offset)
        Meshes (metres or mm, consistently) and where to place their origin.
    out_dir : path-like
        Folder for ``{prefix}_{view}.png``.
    prefix : str, default: "bones"
    views : list of str, optional
        Names from :data:`VIEWS`; all of them by default.
    size : (int, int) or dict of str -> (int, int), default: (800, 1100)
        Window size in pixels, or one per view.
    parallel : bool, default: True
        Use a parallel (orthographic) projection, like an anatomy atlas.
    fit : (n, 3) array_like, optional
        Points to fit in the picture (placed like the meshes); all the
        vertices by default.

    Returns
    -------
    list of Path
        The files written.
    """
    pv.OFF_SCREEN = True
    if fit is None:
        fit = np.vstack([np.asarray(m.vertices) + off for m, off in parts])
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in views or list(VIEWS):
        direction, up = VIEWS[name]
        wsize = size[name] if isinstance(size, dict) else size
        plotter = pv.Plotter(off_screen=True, window_size=wsize, lighting="none")
        plotter.set_background("white")
        _add_lights(plotter)
        for mesh, offset in parts:
            plotter.add_mesh(_polydata(mesh, offset), color=BONE_COLOUR, smooth_shading=True,
                             specular=0.2, ambient=0.15)
        _frame(plotter, np.asarray(fit, float), direction, up, wsize, parallel)
        path = out_dir / f"{prefix}_{name}.png"
        plotter.screenshot(str(path))
        plotter.close()
        written.append(path)
    return written
