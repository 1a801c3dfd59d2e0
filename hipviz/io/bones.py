"""Use your own bone meshes: read, check and register them into hipviz's frames.

Give each bone you have as a surface mesh (STL, OBJ, PLY, GLB/GLTF or VTP) plus a landmark
file (same TOML format as ``meshes/*.landmarks.toml``, in the mesh's own units and
coordinates). Each bone is moved into hipviz's anatomical frame, computed from its
landmarks (ISB, Wu et al. 2002):

- pelvis: origin midway between the hip centres; z along the ASIS line to the right; x in
  the plane of the ASISs and the PSIS midpoint, anterior. Hip centres missing from the file
  are estimated from the ASISs and PSISs (Harrington et al. 2007), with a note.
- femur: origin at the hip centre; y from the epicondyles' midpoint to the hip centre; z
  along the epicondyles, to the right.
- tibia: origin at the knee centre; y from the ankle centre to the knee centre; z along the
  tibial condyles (or the malleoli), to the right.

Landmarks the muscles need but your file lacks are carried over from the default bone,
scaled to yours, with a note. Bones you do not give keep the default meshes. The result is
a folder that :func:`hipviz.load_model` reads.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .._paths import shipped_dir
from ..core.landmarks import LandmarkError, read_landmarks
from ..core.model import BONE_FILES
from .atomic import atomic_folder

__all__ = ["BoneImportError", "import_bones", "anatomical_frame", "read_mesh", "MESH_FORMATS"]

MESH_FORMATS = (".stl", ".obj", ".ply", ".glb", ".gltf", ".vtp")
_PLAUSIBLE = {  # (what, low, high) in metres
    "pelvis": ("inter-ASIS distance", 0.12, 0.40),
    "femur": ("hip-to-knee length", 0.25, 0.60),
    "tibia": ("knee-to-ankle length", 0.20, 0.60),
}


class BoneImportError(ValueError):
    """A bone mesh or landmark file cannot be used; the message says which and why."""


@dataclass
class ImportReport:
    """What :func:`import_bones` did: the folder written and notes for the user."""

    folder: Path
    notes: list[str]


def _read_vtp(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Points ``(n, 3)`` and triangles ``(m, 3)`` of a VTK XML PolyData file, read with VTK alone
    and quietly (VTK's own messages on a bad file would reach the terminal; the caller says what
    went wrong in one line). Raises ValueError when VTK cannot read it."""
    from vtkmodules.util.numpy_support import vtk_to_numpy
    from vtkmodules.vtkCommonCore import vtkLogger, vtkObject
    from vtkmodules.vtkFiltersCore import vtkTriangleFilter
    from vtkmodules.vtkIOXML import vtkXMLPolyDataReader

    reader = vtkXMLPolyDataReader()
    reader.SetFileName(str(path))
    triangles = vtkTriangleFilter()
    triangles.PassLinesOff()
    triangles.PassVertsOff()
    triangles.SetInputConnection(reader.GetOutputPort())
    shown, cutoff = vtkObject.GetGlobalWarningDisplay(), vtkLogger.GetCurrentVerbosityCutoff()
    vtkObject.GlobalWarningDisplayOff()
    vtkLogger.SetStderrVerbosity(vtkLogger.VERBOSITY_OFF)
    try:
        ok = bool(reader.CanReadFile(str(path))) and bool(triangles.Update())
    finally:
        vtkObject.SetGlobalWarningDisplay(shown)
        vtkLogger.SetStderrVerbosity(cutoff)
    poly = triangles.GetOutput()
    if not ok or reader.GetErrorCode() or poly.GetPoints() is None:
        raise ValueError("not a VTK XML PolyData file that VTK can read")
    points = np.array(vtk_to_numpy(poly.GetPoints().GetData()), float)
    faces = np.array(vtk_to_numpy(poly.GetPolys().GetConnectivityArray()), np.int64).reshape(-1, 3)
    return points, faces


def read_mesh(path: str | Path):
    """Read a surface mesh into a :class:`trimesh.Trimesh` (VTP through VTK's own reader).

    Raises
    ------
    BoneImportError
        Unknown format, unreadable file, empty mesh, or non-finite coordinates.
    """
    import trimesh

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in MESH_FORMATS:
        raise BoneImportError(f"{path}: unsupported mesh format {suffix or '(none)'}; expected one of {', '.join(MESH_FORMATS)}")
    if not path.is_file():
        raise BoneImportError(f"{path}: mesh file not found")
    try:
        if suffix == ".vtp":
            points, faces = _read_vtp(path)
            mesh = trimesh.Trimesh(points, faces, process=True)
        else:
            # unprocessed first: trimesh's processing silently drops non-finite vertices
            loaded = trimesh.load(path, force="mesh", process=False)
            mesh = loaded if isinstance(loaded, trimesh.Trimesh) else None
    except Exception as exc:  # the readers raise many kinds of errors on bad files
        text = str(exc).splitlines()[0][:120] if str(exc) else ""
        if type(exc) is not ValueError or not text:  # a reader's own failure: say what it was too
            text = f"the file looks damaged or is not a {suffix} mesh; the reader said {type(exc).__name__}: {text}"
        raise BoneImportError(f"{path}: cannot read the mesh ({text})") from None
    if mesh is None or len(mesh.faces) == 0:
        raise BoneImportError(f"{path}: the file holds no triangles")
    bad = ~np.all(np.isfinite(mesh.vertices), axis=1)
    if bad.any():
        raise BoneImportError(f"{path}: {int(bad.sum())} vertex(es) have coordinates that are not numbers "
                              f"(NaN or infinity), the first is vertex {int(np.flatnonzero(bad)[0]) + 1}; "
                              "repair the mesh and export it again")
    if np.abs(mesh.vertices).max() > 1e7:
        raise BoneImportError(f"{path}: vertex coordinates up to {np.abs(mesh.vertices).max():.3g}: not a bone in "
                              "metres or millimetres (is the file damaged?)")
    if len(mesh.faces) and (mesh.faces.min() < 0 or mesh.faces.max() >= len(mesh.vertices)):
        raise BoneImportError(f"{path}: triangles refer to vertices the file does not have")
    return trimesh.Trimesh(mesh.vertices, mesh.faces, process=True)


def _unit(v, what):
    n = np.linalg.norm(v)
    if n < 1e-9:
        raise BoneImportError(f"cannot build the frame: {what} has zero length (landmarks coincide)")
    return v / n


def _harrington(lm: dict) -> dict:
    """Hip centres from ASISs and PSISs (Harrington et al. 2007), in the file's coordinates."""
    asis_r, asis_l, psis_r, psis_l = (lm[k] for k in ("asis_r", "asis_l", "psis_r", "psis_l"))
    z = _unit(asis_r - asis_l, "ASIS right-left")
    mid_asis = (asis_r + asis_l) / 2
    mid_psis = (psis_r + psis_l) / 2
    x = _unit((mid_asis - mid_psis) - np.dot(mid_asis - mid_psis, z) * z, "ASIS-PSIS")
    y = np.cross(z, x)
    pw = np.linalg.norm(asis_r - asis_l) * 1000
    pd = np.linalg.norm(mid_asis - mid_psis) * 1000
    out = {}
    for name, s in (("hip_center_r", 1), ("hip_center_l", -1)):
        local = np.array([-0.24 * pd - 9.9, -0.30 * pw - 10.9, s * (0.33 * pw + 7.3)]) / 1000
        out[name] = mid_asis + local[0] * x + local[1] * y + local[2] * z
    return out


def anatomical_frame(kind: str, lm: dict[str, np.ndarray], side: str = "r") -> tuple[np.ndarray, np.ndarray]:
    """Origin (3,) and rotation (3, 3) (columns x, y, z) of a bone's hipviz frame.

    Parameters
    ----------
    kind : {"pelvis", "femur", "tibia"}
    lm : dict
        Landmarks in the mesh's coordinates (metres).
    side : {"r", "l"}
        For femur and tibia.
    """
    right = 1.0 if side == "r" else -1.0
    if kind == "pelvis":
        z = _unit(lm["asis_r"] - lm["asis_l"], "ASIS right-left")
        d = (lm["asis_r"] + lm["asis_l"]) / 2 - (lm["psis_r"] + lm["psis_l"]) / 2
        x = _unit(d - np.dot(d, z) * z, "ASIS-PSIS")
        origin = (lm["hip_center_r"] + lm["hip_center_l"]) / 2
    elif kind == "femur":
        mid = (lm["medial_epicondyle"] + lm["lateral_epicondyle"]) / 2
        y = _unit(lm["hip_center"] - mid, "knee centre to hip centre")
        across = right * (lm["lateral_epicondyle"] - lm["medial_epicondyle"])
        z = _unit(across - np.dot(across, y) * y, "epicondyles")
        x = np.cross(y, z)
        return lm["hip_center"], np.column_stack([x, y, z])
    elif kind == "tibia":
        y = _unit(lm["knee_center"] - lm["ankle_center"], "ankle centre to knee centre")
        if "lateral_tibial_condyle" in lm and "medial_tibial_condyle" in lm:
            across = right * (lm["lateral_tibial_condyle"] - lm["medial_tibial_condyle"])
        elif "lateral_malleolus" in lm and "medial_malleolus" in lm:
            across = right * (lm["lateral_malleolus"] - lm["medial_malleolus"])
        else:
            raise BoneImportError("the tibia needs medial/lateral_tibial_condyle or medial/lateral_malleolus landmarks")
        z = _unit(across - np.dot(across, y) * y, "tibial condyles")
        x = np.cross(y, z)
        return lm["knee_center"], np.column_stack([x, y, z])
    else:
        raise ValueError(kind)
    return origin, np.column_stack([x, np.cross(z, x), z])


_FRAME_NEEDS = {
    "pelvis": ("asis_r", "asis_l", "psis_r", "psis_l"),
    "femur": ("hip_center", "medial_epicondyle", "lateral_epicondyle"),
    "tibia": ("knee_center", "ankle_center"),
}


def _size(kind, lm):
    if kind == "pelvis":
        return np.linalg.norm(lm["asis_r"] - lm["asis_l"])
    if kind == "femur":
        return np.linalg.norm(lm["hip_center"] - (lm["medial_epicondyle"] + lm["lateral_epicondyle"]) / 2)
    return np.linalg.norm(lm["knee_center"] - lm["ankle_center"])


def _toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's: quotes, backslashes, control characters)."""
    import json
    return json.dumps(str(text), ensure_ascii=False)


def _write_landmarks(path: Path, bone: str, lm: dict, descriptions: dict) -> None:
    lines = [f"# Landmarks of {bone}, imported by hipviz, in millimetres in hipviz's frame.",
             f"bone = {_toml_string(bone)}", 'units = "mm"', ""]
    for name, p in lm.items():
        q = p * 1000
        lines += [f"[landmarks.{_toml_string(name)}]", f"position = [{q[0]:.3f}, {q[1]:.3f}, {q[2]:.3f}]"]
        if descriptions.get(name):
            lines.append(f"description = {_toml_string(descriptions[name])}")
        lines.append("")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines))


#: Landmarks that lie in front of (+x) or behind (-x) the bone's long axis, and above (+y) the
#: hip centres: a bone given for the wrong side, or with right and left swapped, shows up
#: with them on the wrong side of its frame.
_FRONT = {"femur": ("patella",), "tibia": ("tibial_tuberosity",)}
_BACK = {"femur": ("linea_aspera_mid", "linea_aspera_distal", "medial_condyle_posterior", "lateral_condyle_posterior",
                   "lesser_trochanter", "trochanteric_fossa", "quadrate_tubercle", "gluteal_tuberosity"),
         "tibia": ("fibular_head", "semimembranosus_groove")}
_ABOVE = {"pelvis": ("iliac_crest_top_r", "iliac_crest_top_l", "sacral_promontory")}


def _check_handedness(kind: str, bone: str, lm_local: dict, lm_path) -> None:
    """BoneImportError when the landmarks are mirrored in hipviz's frame (a left bone given as right)."""
    if kind == "pelvis":
        votes = [np.sign(lm_local[k][1]) for k in _ABOVE["pelvis"] if k in lm_local and abs(lm_local[k][1]) > 0.005]
        if votes and sum(votes) < 0:
            raise BoneImportError(f"{lm_path}: placed by its ASIS and PSIS landmarks the pelvis comes out upside down "
                                  "(the iliac crests below the hip centres); are asis_r and asis_l swapped?")
        return
    front = [np.sign(lm_local[k][0]) for k in _FRONT[kind] if k in lm_local and abs(lm_local[k][0]) > 0.003]
    back = [-np.sign(lm_local[k][0]) for k in _BACK[kind] if k in lm_local and abs(lm_local[k][0]) > 0.003]
    if front + back and sum(front + back) < 0:
        side = "right" if bone.endswith("_r") else "left"
        other = "left" if side == "right" else "right"
        what = "the patella would lie behind the knee" if kind == "femur" else "the tibial tuberosity would face backwards"
        raise BoneImportError(f"{lm_path}: this looks like a {other} {kind}: placed as the {side} one, {what}; "
                              f"give it with --{kind}-{other[0]} (or check medial and lateral landmarks are not swapped)")


def import_bones(out_dir: str | Path, bones: dict[str, tuple[str | Path, str | Path]], *,
                 overwrite: bool = False) -> ImportReport:
    """Register your bone meshes into hipviz's frames and write a folder ``load_model`` reads.

    Parameters
    ----------
    out_dir : str or Path
        A new (or empty) folder to write into; an existing non-empty folder is refused
        unless ``overwrite`` (nothing of yours is overwritten silently).
    bones : dict
        ``{bone: (mesh_path, landmarks_path)}`` for any of ``pelvis``, ``femur_r``,
        ``femur_l``, ``tibia_r``, ``tibia_l``. Landmark files follow
        ``meshes/*.landmarks.toml`` (``units = "mm"`` or ``"m"``, in the mesh's coordinates).

    Returns
    -------
    ImportReport
        The folder and notes (estimated landmarks, bones kept from the defaults).

    Raises
    ------
    BoneImportError
        An unreadable or implausible file, named with what was expected and found.
    """
    out = Path(out_dir)
    unknown = set(bones) - set(BONE_FILES)
    if unknown:
        raise BoneImportError(f"unknown bone(s) {', '.join(sorted(unknown))}; expected some of {', '.join(BONE_FILES)}")
    _check_output_folder(out, overwrite)
    defaults = shipped_dir("meshes")
    staged: dict[str, tuple] = {}
    notes: list[str] = []
    for bone, (mesh_path, lm_path) in bones.items():
        kind = BONE_FILES[bone][0]
        side = bone[-1] if kind != "pelvis" else "r"
        try:
            lm = read_landmarks(lm_path)
        except LandmarkError as exc:
            raise BoneImportError(str(exc)) from None
        declared = _declared_bone(lm_path)
        if declared and declared.split("_")[0] != kind:
            raise BoneImportError(f"{lm_path}: the file says bone = {declared!r}, but it was given for the {bone}")
        if declared in BONE_FILES and declared != bone:
            raise BoneImportError(f"{lm_path}: the file says bone = {declared!r}, but it was given for the {bone}; "
                                  f"give it with --{declared.replace('_', '-')}")
        if kind == "pelvis" and not {"hip_center_r", "hip_center_l"} <= set(lm):
            needed = [k for k in ("asis_r", "asis_l", "psis_r", "psis_l") if k not in lm]
            if needed:
                raise BoneImportError(f"{lm_path}: missing {', '.join(needed)} (needed to place the hip centres)")
            lm.update(_harrington(lm))
            notes.append(f"{bone}: hip centres estimated from ASIS and PSIS (Harrington et al. 2007)")
        missing = [k for k in _FRAME_NEEDS[kind] if k not in lm]
        if missing:
            raise BoneImportError(f"{lm_path}: missing landmark(s) {', '.join(missing)}, needed to place the {kind} in hipviz's frame")
        mesh = read_mesh(mesh_path)
        size = _size(kind, lm)
        what, lo, hi = _PLAUSIBLE[kind]
        if not lo <= size <= hi:
            raise BoneImportError(f"{lm_path}: {what} is {size * 1000:.0f} mm; expected {lo * 1000:.0f}-{hi * 1000:.0f} mm "
                                  "(check the file's units)")
        mesh_scale = 1.0
        extent = float(np.max(mesh.extents))
        if extent > 20 * size:  # the mesh is in millimetres while landmarks were in metres
            mesh_scale = 1e-3
            notes.append(f"{bone}: mesh coordinates look like millimetres; scaled by 0.001")
        span = float(np.max(mesh.extents)) * mesh_scale
        if not 0.7 * size <= span <= 3.0 * size:
            raise BoneImportError(f"{mesh_path}: the mesh is {span * 1000:.0f} mm across but its landmarks' {what} is "
                                  f"{size * 1000:.0f} mm; check the mesh's units and that it is the {kind}")
        origin, R = anatomical_frame(kind, lm, side)
        verts = (mesh.vertices * mesh_scale - origin) @ R
        lm_local = {k: (v - origin) @ R for k, v in lm.items()}
        _check_handedness(kind, bone, lm_local, lm_path)
        typical, worst = _surface_distance(verts, mesh.faces, lm_local, kind)
        if typical > 0.015:
            raise BoneImportError(f"{mesh_path}: its surface lies a typical {typical * 1000:.0f} mm from the landmarks in "
                                  f"{lm_path}; the landmarks do not belong to this mesh (or to its coordinates)")
        if worst > 0.02:
            notes.append(f"{bone}: some landmarks lie {worst * 1000:.0f} mm from the mesh surface; check they belong to this mesh")
        staged[bone] = (verts, mesh.faces, lm_local)
    # built in a hidden folder beside ``out``, checked, then renamed: killed or failing half-way
    # (a full disk), nothing appears at ``out``
    with atomic_folder(out, overwrite=overwrite) as tmp:
        _write_folder(tmp, staged, defaults, notes)
        from ..core.model import load_model
        try:
            load_model(tmp)
        except ValueError as exc:
            raise BoneImportError(f"the imported bones do not make a usable model: {exc}".replace(str(tmp), str(out))) from None
    return ImportReport(out, notes)


def _check_output_folder(out: Path, overwrite: bool) -> None:
    """BoneImportError unless ``out`` can become the new folder (nothing written yet)."""
    import os

    if out.exists() and not out.is_dir():
        raise BoneImportError(f"{out}: is a file; -o/--output needs the name of a new folder (nothing was written)")
    if out.is_dir() and any(out.iterdir()) and not overwrite:
        raise BoneImportError(f"{out}: the folder exists and is not empty; choose a new folder (nothing was written)")
    parent = out.parent
    if not parent.is_dir():
        raise BoneImportError(f"{out}: {str(parent)!r} is not an existing folder; create it first (nothing was written)")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise BoneImportError(f"{out}: cannot write in {str(parent)!r} (no permission or a read-only disk); "
                              "choose another place (nothing was written)")


def _write_folder(folder: Path, staged: dict, defaults: Path, notes: list[str]) -> None:
    import trimesh

    for bone, (kind, stem) in BONE_FILES.items():
        default_lm = read_landmarks(defaults / f"{stem}.landmarks.toml")
        desc = _descriptions(defaults / f"{stem}.landmarks.toml")
        if bone not in staged:
            shutil.copy(defaults / f"{stem}.ply", folder / f"{stem}.ply")
            shutil.copy(defaults / f"{stem}.landmarks.toml", folder / f"{stem}.landmarks.toml")
            notes.append(f"{bone}: kept the default bone")
            continue
        verts, faces, lm_local = staged[bone]
        filled = _fill_missing(kind, lm_local, default_lm)
        if filled:
            notes.append(f"{bone}: {len(filled)} landmark(s) carried over from the default bone, scaled: {', '.join(filled)}")
        with open(folder / f"{stem}.ply", "wb") as fh:  # our own handle: a full disk raises here
            fh.write(trimesh.exchange.ply.export_ply(trimesh.Trimesh(verts, faces, process=False)))
        _write_landmarks(folder / f"{stem}.landmarks.toml", bone, lm_local, desc)


def _descriptions(path: Path) -> dict:
    import tomllib
    raw = tomllib.loads(path.read_text()).get("landmarks", {})
    return {k: v.get("description", "") for k, v in raw.items()}


def _fill_missing(kind: str, lm: dict, default: dict) -> list[str]:
    """Add default landmarks the user's file lacks, scaled by the bone's size ratio."""
    missing = [k for k in default if k not in lm]
    if not missing:
        return []
    ratio = _size(kind, lm) / _size(kind, default)
    for k in missing:
        lm[k] = default[k] * ratio
    return missing


def _declared_bone(path) -> str:
    import tomllib
    try:
        return str(tomllib.loads(Path(path).read_text(encoding="utf-8")).get("bone", ""))
    except (OSError, UnicodeDecodeError, RecursionError, tomllib.TOMLDecodeError):
        return ""


def _surface_distance(verts, faces, lm, kind) -> tuple[float, float]:
    """Median and largest distance (m) from the surface landmarks to the nearest mesh vertex."""
    from scipy.spatial import cKDTree
    interior = {"hip_center", "hip_center_r", "hip_center_l", "knee_center", "ankle_center", "lumbosacral_joint",
                "femoral_neck", "shaft_proximal"}
    pts = np.array([p for k, p in lm.items() if k not in interior])
    if not len(pts):
        return 0.0, 0.0
    d, _ = cKDTree(verts).query(pts)
    return float(np.median(d)), float(d.max())
