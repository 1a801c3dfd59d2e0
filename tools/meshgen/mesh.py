"""From a distance field to a clean, watertight, decimated triangle mesh."""
from __future__ import annotations

import warnings

import numpy as np
import pyvista as pv
import trimesh
from skimage.measure import marching_cubes

from .sdf import FAR


def field_to_mesh(field, *, target_faces, symmetric=False, smooth_iterations=12,
                  min_volume=500.0):
    """Mesh the zero level set of a field, smooth it and decimate it.

    Parameters
    ----------
    field : sdf.Field
        Signed distances in mm, negative inside.
    target_faces : int
        Approximate number of triangles wanted.
    symmetric : bool, default: False
        The field is mirror-symmetric about z = 0: decimate one half and
        mirror it, so that the result is exactly symmetric.
    smooth_iterations : int, default: 12
        Taubin (volume-preserving) smoothing passes before decimation.
    min_volume : float, default: 500.0
        Closed shells smaller than this (mm^3) are dropped as debris.

    Returns
    -------
    trimesh.Trimesh
        Watertight mesh in mm, normals pointing outward.
    """
    mesh = _marching_cubes(field, min_volume)
    trimesh.smoothing.filter_taubin(mesh, lamb=0.5, nu=-0.53, iterations=smooth_iterations)
    mesh = decimate_symmetric(mesh, target_faces) if symmetric else decimate(mesh, target_faces)
    trimesh.smoothing.filter_taubin(mesh, lamb=0.5, nu=-0.53, iterations=4)
    return orient_outward(mesh)


def _marching_cubes(field, min_volume):
    """Raw marching-cubes surface of a field, cleaned of debris."""
    vals = field.values.copy()
    for axis in range(3):
        idx = [slice(None)] * 3
        for end in (0, -1):
            idx[axis] = end
            vals[tuple(idx)] = FAR
    vals[np.abs(vals) < 1e-3] = 1e-3          # no vertices exactly on grid nodes
    verts, faces, _, _ = marching_cubes(vals, level=0.0, spacing=(field.h,) * 3)
    mesh = trimesh.Trimesh(verts + field.lo, faces, process=True)
    mesh.update_faces(mesh.nondegenerate_faces())
    mesh.remove_unreferenced_vertices()
    return _keep_large_shells(mesh, min_volume)


def _keep_large_shells(mesh, min_volume):
    """Drop closed shells with volume below ``min_volume`` (mm^3)."""
    parts = mesh.split(only_watertight=False)
    keep = [p for p in parts if abs(p.volume) >= min_volume]
    return trimesh.util.concatenate(keep) if len(keep) > 1 else keep[0]


def orient_outward(mesh):
    """Flip the face winding if the enclosed volume is negative."""
    if mesh.volume < 0:
        mesh.invert()
    return mesh


def _to_poly(mesh):
    """pyvista PolyData of a trimesh mesh."""
    faces = np.hstack([np.full((len(mesh.faces), 1), 3), mesh.faces]).ravel()
    return pv.PolyData(np.asarray(mesh.vertices, float), faces)


def _from_poly(poly):
    """Clean triangle trimesh mesh from pyvista PolyData."""
    poly = poly.triangulate().clean()
    mesh = trimesh.Trimesh(np.asarray(poly.points, float), poly.faces.reshape(-1, 4)[:, 1:],
                           process=True)
    mesh.update_faces(mesh.nondegenerate_faces())
    mesh.remove_unreferenced_vertices()
    return mesh


def _candidates(poly, target_faces, *, keep_boundary=False):
    """Decimated versions of ``poly``, best-looking first.

    Quadric decimation (volume preserving) gives the smoothest result but can
    occasionally pinch a thin part into a non-manifold edge, so slightly
    different targets, a two-stage reduction and finally topology-preserving
    progressive decimation are offered as alternatives.

    Yields
    ------
    trimesh.Trimesh
    """
    n = poly.n_cells
    extra = {"boundary_constraints": True, "boundary_weight": 10.0} if keep_boundary else {}
    for factor in (1.0, 0.96, 1.04, 0.92, 1.08):
        yield _from_poly(poly.decimate(1.0 - factor * target_faces / n,
                                       volume_preservation=True, **extra))
    half_way = poly.decimate(1.0 - 2.0 * target_faces / n, volume_preservation=True, **extra)
    yield _from_poly(half_way.decimate(1.0 - target_faces / half_way.n_cells,
                                       volume_preservation=True, **extra))
    yield _from_poly(poly.decimate_pro(1.0 - target_faces / n, preserve_topology=True,
                                       feature_angle=60, splitting=False,
                                       boundary_vertex_deletion=False))


def _is_clean(mesh, *, open_ok=False):
    """True if every edge has two faces (one or two if ``open_ok``), winding agrees."""
    _, counts = np.unique(mesh.edges_sorted, axis=0, return_counts=True)
    if counts.max() > 2 or (not open_ok and counts.min() < 2):
        return False
    return mesh.is_winding_consistent


def decimate(mesh, target_faces):
    """Reduce ``mesh`` to about ``target_faces`` triangles, keeping it closed.

    Parameters
    ----------
    mesh : trimesh.Trimesh
    target_faces : int

    Returns
    -------
    trimesh.Trimesh
        The first watertight result among :func:`_candidates`.
    """
    if len(mesh.faces) <= target_faces:
        return mesh
    for out in _candidates(_to_poly(mesh), target_faces):
        if _is_clean(out):
            return out
    raise RuntimeError("decimation broke the mesh")


def decimate_symmetric(mesh, target_faces):
    """Decimate the z >= 0 half of a symmetric mesh and mirror it.

    Parameters
    ----------
    mesh : trimesh.Trimesh
        Closed mesh, (nearly) symmetric about the plane z = 0.
    target_faces : int
        Approximate number of triangles of the whole result.

    Returns
    -------
    trimesh.Trimesh
        Closed mesh, exactly symmetric about z = 0 (only nearly so, with a
        warning, if no decimated half closes up cleanly).
    """
    half = _from_poly(_to_poly(mesh).clip(normal=(0, 0, -1), origin=(0, 0, 0)))
    for out in _candidates(_to_poly(half), target_faces // 2, keep_boundary=True):
        if not _is_clean(out, open_ok=True):
            continue
        edges, counts = np.unique(out.edges_sorted, axis=0, return_counts=True)
        verts = out.vertices.copy()
        verts[np.unique(edges[counts == 1]), 2] = 0.0        # the cut stays on z = 0
        verts[:, 2] = np.maximum(verts[:, 2], 0.0)
        whole = trimesh.Trimesh(np.vstack([verts, verts * [1.0, 1.0, -1.0]]),
                                np.vstack([out.faces, out.faces[:, ::-1] + len(verts)]),
                                process=True)
        if whole.is_watertight and _is_clean(whole):
            return whole
    warnings.warn("symmetric decimation failed; decimating the whole mesh", stacklevel=2)
    return decimate(mesh, target_faces)


def mirror_z(mesh):
    """Mirror image through the plane z = 0, with outward normals kept.

    Parameters
    ----------
    mesh : trimesh.Trimesh

    Returns
    -------
    trimesh.Trimesh
        Vertices with z negated and faces with reversed winding.
    """
    return trimesh.Trimesh(mesh.vertices * [1.0, 1.0, -1.0], mesh.faces[:, ::-1], process=False)


def closest_points(mesh, points):
    """Closest points on a triangle mesh (exact, brute force over faces).

    Parameters
    ----------
    mesh : trimesh.Trimesh
    points : (m, 3) array_like
        Query points, same units as the mesh.

    Returns
    -------
    closest : (m, 3) ndarray
    distance : (m,) ndarray
    """
    tri = mesh.triangles
    out = np.array([_closest_on_triangles(tri, p) for p in np.asarray(points, float)])
    return out, np.linalg.norm(out - points, axis=1)


def _closest_on_triangles(tri, p):
    """Closest point to ``p`` (3,) over triangles ``tri`` (n, 3, 3) (Ericson)."""
    a, b, c = tri[:, 0], tri[:, 1], tri[:, 2]
    ab, ac, ap = b - a, c - a, p - a
    d1, d2 = (ab * ap).sum(1), (ac * ap).sum(1)
    bp, cp = p - b, p - c
    d3, d4 = (ab * bp).sum(1), (ac * bp).sum(1)
    d5, d6 = (ab * cp).sum(1), (ac * cp).sum(1)
    va = d3 * d6 - d5 * d4
    vb = d5 * d2 - d1 * d6
    vc = d1 * d4 - d3 * d2
    denom = np.where(va + vb + vc == 0, 1e-30, va + vb + vc)
    v = vb / denom
    w = vc / denom
    res = a + ab * v[:, None] + ac * w[:, None]
    # Edge and vertex regions, checked in reverse priority.
    with np.errstate(divide="ignore", invalid="ignore"):
        t_bc = (d4 - d3) / ((d4 - d3) + (d5 - d6))
        on_bc = (va <= 0) & (d4 - d3 >= 0) & (d5 - d6 >= 0)
        res[on_bc] = (b + (c - b) * t_bc[:, None])[on_bc]
        t_ac = d2 / (d2 - d6)
        on_ac = (vb <= 0) & (d2 >= 0) & (d6 <= 0)
        res[on_ac] = (a + ac * t_ac[:, None])[on_ac]
        t_ab = d1 / (d1 - d3)
        on_ab = (vc <= 0) & (d1 >= 0) & (d3 <= 0)
        res[on_ab] = (a + ab * t_ab[:, None])[on_ab]
    res[(d6 >= 0) & (d5 <= d6)] = c[(d6 >= 0) & (d5 <= d6)]
    res[(d3 >= 0) & (d4 <= d3)] = b[(d3 >= 0) & (d4 <= d3)]
    res[(d1 <= 0) & (d2 <= 0)] = a[(d1 <= 0) & (d2 <= 0)]
    dist = np.linalg.norm(res - p, axis=1)
    return res[np.argmin(dist)]
