"""One posed, coloured frame as a glTF binary (``.glb``), for 3D viewers, slides and web pages.

Bones (and the schematic lumbar spine) are their meshes posed in the room; every muscle bundle is a
capped tube along its path, coloured as in the pictures (effort or share on the lesson's scale,
antagonists blue, inactive grey and thinner) or by muscle group when no movement is evaluated.
Metres, room frame: y up, x forward, z to the right. Written with trimesh, atomically.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..io.atomic import atomic_path
from . import colors, colouring
from .geometry import tube_faces, tube_points
from .style import RenderStyle

__all__ = ["write_glb", "glb_scene"]

_SEGMENT = {"pelvis": "pelvis", "femur_r": "femur_r", "femur_l": "femur_l", "tibia_r": "tibia_r",
            "tibia_l": "tibia_l", "foot_r": "foot_r", "foot_l": "foot_l"}
_TRUNK_SCALE = 0.6
_SIDES = 10


def _material(rgb, name: str):
    from trimesh.visual.material import PBRMaterial

    r, g, b = (float(v) for v in rgb[:3])
    return PBRMaterial(name=name, baseColorFactor=[r, g, b, 1.0], metallicFactor=0.0, roughnessFactor=0.65)


def _posed(vertices: np.ndarray, T: np.ndarray) -> np.ndarray:
    return vertices @ T[:3, :3].T + T[:3, 3]


def _bundle_colours(state, i: int, style: RenderStyle) -> dict:
    """``{(side, muscle, bundle): (rgb, radius factor)}`` as a picture of pose ``i`` draws them."""
    mode = style.colour
    values = colouring.colour_values(state, i, mode)
    peak = max((float(np.max(a)) for a, _ in values.values() if len(a)), default=0.0) if values else 0.0
    scale = style.activation_scale or colors.activation_scale(peak)
    threshold = colouring.SHARE_THRESHOLD if mode == "share" else colouring.EFFORT_THRESHOLD
    out = {}
    trunk = getattr(state, "trunk", {}) or {}
    for side, ms in state.muscles.items():
        sets = [ms] + ([trunk[side]] if side in trunk else [])
        keys = [(side, mid, bn) for part in sets for mid, bn in zip(part.muscle_ids, part.bundle_names)]
        if values is None or side not in values:
            groups = {m.id: m.group for m in list(state.model.muscles) + list(getattr(state.model, "trunk_muscles", []))}
            for key in keys:
                out[key] = (colors.group_color(groups.get(key[1], ""), style.palette) if values is None
                            else colors.INACTIVE_GREY, 1.0 if values is None else style.inactive_scale)
            continue
        act, role = values[side]
        rgb = colors.muscle_colors(act, role, scale=scale, threshold=threshold)
        off = colors.muscle_inactive(act, role, threshold=threshold)
        for j, key in enumerate(keys[:len(act)]):
            out[key] = (tuple(rgb[j]), style.inactive_scale if off[j] else 1.0)
    return out


def glb_scene(state, i: int = 0, *, style: RenderStyle | None = None, muscles: bool = True):
    """A ``trimesh.Scene`` of pose ``i`` of ``state`` (bones and muscle tubes, coloured).

    Parameters
    ----------
    state : hipviz.State
        Evaluated with paths.
    i : int, default: 0
    style : RenderStyle, optional
        Colouring (``colour``, ``activation_scale``, ``palette``) and tube thickness.
    muscles : bool, default: True
    """
    import trimesh

    from .bones import bone_origin
    from .spine import lumbar_spine_mesh

    style = style or RenderStyle()
    model = state.model
    scene = trimesh.Scene()
    bone_mat = _material(style.bone_color, "bone")
    for bone, seg in _SEGMENT.items():
        if bone not in model.mesh_files:
            continue
        mesh = trimesh.load(str(model.mesh_files[bone]), force="mesh", process=False)
        v = np.asarray(mesh.vertices, float) - bone_origin(model, bone)
        posed = trimesh.Trimesh(_posed(v, state.transforms[seg][i]), np.asarray(mesh.faces), process=False)
        posed.visual = trimesh.visual.TextureVisuals(material=bone_mat)
        scene.add_geometry(posed, node_name=f"bone_{bone}", geom_name=f"bone_{bone}")
    spine = lumbar_spine_mesh(model.landmarks.get("trunk", {})) if style.show_spine else None
    if spine is not None:
        from .polydata import points_of, triangles_of

        faces = triangles_of(spine)
        mesh = trimesh.Trimesh(_posed(points_of(spine), state.transforms["trunk"][i]), faces,
                               process=False)
        mesh.visual = trimesh.visual.TextureVisuals(material=bone_mat)
        scene.add_geometry(mesh, node_name="bone_spine", geom_name="bone_spine")
    if not muscles:
        return scene
    look = _bundle_colours(state, i, style)
    trunk = getattr(state, "trunk", {}) or {}
    for side, ms in state.muscles.items():
        for part, factor in ((ms, 1.0), (trunk.get(side), _TRUNK_SCALE)):
            if part is None or part.paths is None:
                continue
            for b, (mid, bn) in enumerate(zip(part.muscle_ids, part.bundle_names)):
                path = np.asarray(part.paths[b][i], float)
                if len(path) < 2:
                    continue
                rgb, k = look.get((side, mid, bn), (colors.INACTIVE_GREY, 1.0))
                r = float(style.tube_radius(part.max_force[b])) * k * factor
                pts, _ = tube_points(path[None], np.array([r]), _SIDES)
                faces = tube_faces(len(path), _SIDES).reshape(-1, 4)[:, 1:]
                tube = trimesh.Trimesh(pts[0], faces, process=False)
                name = f"muscle_{side}_{mid}_{bn}"
                tube.visual = trimesh.visual.TextureVisuals(material=_material(rgb, name))
                scene.add_geometry(tube, node_name=name, geom_name=name)
    return scene


def write_glb(state, path, i: int = 0, *, style: RenderStyle | None = None, muscles: bool = True) -> Path:
    """Write pose ``i`` of ``state`` as a ``.glb`` file (atomically); see :func:`glb_scene`.

    Examples
    --------
    >>> import hipviz
    >>> state = hipviz.evaluate(hipviz.load_model(), {"flexion": 90}, movement="flexion")
    >>> write_glb(state, "/tmp/hip.glb")  # doctest: +SKIP
    PosixPath('/tmp/hip.glb')
    """
    out = Path(path)
    data = glb_scene(state, i, style=style, muscles=muscles).export(file_type="glb")
    with atomic_path(out, suffix=".glb") as tmp:
        tmp.write_bytes(data)
    return out
