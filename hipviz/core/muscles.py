"""Muscle definitions: reading and validating ``hipviz/data/muscles/*.toml``.

Each file describes one muscle: names, anatomy text, force capacity with its source, and
its bundles. A bundle's path is a list of points, each fixed to a bone and placed relative
to that bone's landmarks, plus optional wrapping obstacles between consecutive points. Because
points hang on landmarks, the muscles follow a user's own bones once their landmarks are given.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

__all__ = ["MuscleSpec", "BundleSpec", "PointSpec", "WrapSpec", "MuscleDataError",
           "load_muscle_specs", "HIP_MUSCLES", "GROUPS", "BONES"]

#: The 21 hip muscles, in the order the program lists them.
HIP_MUSCLES = (
    "gluteus_maximus", "gluteus_medius", "gluteus_minimus", "tensor_fasciae_latae",
    "piriformis", "gemellus_superior", "obturator_internus", "gemellus_inferior",
    "quadratus_femoris", "obturator_externus", "iliopsoas", "sartorius", "rectus_femoris",
    "pectineus", "adductor_longus", "adductor_brevis", "adductor_magnus", "gracilis",
    "biceps_femoris_long_head", "semitendinosus", "semimembranosus",
)
GROUPS = ("anterior", "medial", "posterior", "lateral", "deep_six", "trunk")
BONES = ("pelvis", "femur", "tibia", "trunk")


#: The fields of a wrapping obstacle (``wraps = [{ ... }]``).
_WRAP_FIELDS = {"segment", "shape", "bone", "at", "offset_mm", "radius_mm", "axis", "side"}


class MuscleDataError(ValueError):
    """A muscle file is malformed: the message names the file and the field."""


@dataclass(frozen=True)
class PointSpec:
    """A path point: ``bone`` plus a landmark (or a blend of two) plus an offset in mm."""

    bone: str
    at: tuple  # (name,) or (name_a, name_b, t)
    offset_mm: tuple[float, float, float] = (0.0, 0.0, 0.0)


@dataclass(frozen=True)
class WrapSpec:
    """A wrapping obstacle between path points ``segment`` and ``segment + 1``.

    A segment may have several: the file lists them in the order the path meets them, from
    point ``segment`` to point ``segment + 1``.
    """

    segment: int
    shape: str  # "sphere" | "cylinder"
    centre: PointSpec
    radius_mm: float
    axis: tuple[float, float, float] = (0.0, 0.0, 1.0)
    side: tuple[float, float, float] | None = None


@dataclass(frozen=True)
class BundleSpec:
    name: str
    force_share: float
    points: tuple[PointSpec, ...]
    wraps: tuple[WrapSpec, ...] = ()


@dataclass(frozen=True)
class MuscleSpec:
    """Everything known about one muscle (see the data files for field meanings)."""

    id: str
    name: str
    group: str
    origin: str
    insertion: str
    innervation: str
    actions: tuple[str, ...]
    crosses: tuple[str, ...]
    max_force_n: float
    force_source: str
    bundles: tuple[BundleSpec, ...]
    pcsa_cm2: float | None = None
    fibre_length_cm: float | None = None
    notes: str = ""
    extra: dict = field(default_factory=dict)


def _vec3(value, where: str) -> tuple[float, float, float]:
    try:
        out = tuple(float(v) for v in value)
    except (TypeError, ValueError):
        out = ()
    if len(out) != 3:
        raise MuscleDataError(f"{where}: expected three numbers [x, y, z], found {value!r}")
    return out  # type: ignore[return-value]


def _point(raw, where: str) -> PointSpec:
    if not isinstance(raw, dict):
        raise MuscleDataError(f"{where}: expected a table {{ bone = ..., at = ... }}, found {raw!r}")
    bone = raw.get("bone")
    if bone not in BONES:
        raise MuscleDataError(f"{where}.bone: expected one of {', '.join(BONES)}, found {bone!r}")
    at = raw.get("at")
    if isinstance(at, str):
        at_t: tuple = (at,)
    elif isinstance(at, list) and len(at) == 3 and all(isinstance(a, str) for a in at[:2]):
        at_t = (at[0], at[1], float(at[2]))
    else:
        raise MuscleDataError(f"{where}.at: expected a landmark name or [landmark_a, landmark_b, fraction], found {at!r}")
    return PointSpec(bone, at_t, _vec3(raw.get("offset_mm", (0, 0, 0)), f"{where}.offset_mm"))


def _require(raw: dict, key: str, where: str, kind=str):
    if key not in raw:
        raise MuscleDataError(f"{where}: missing field '{key}'")
    val = raw[key]
    if kind is float:
        try:
            return float(val)
        except (TypeError, ValueError):
            raise MuscleDataError(f"{where}.{key}: expected a number, found {val!r}") from None
    if not isinstance(val, kind):
        raise MuscleDataError(f"{where}.{key}: expected {kind.__name__}, found {val!r}")
    return val


def parse_muscle(raw: dict, where: str) -> MuscleSpec:
    """Validate one muscle's parsed TOML table; ``where`` names the file in messages."""
    group = _require(raw, "group", where)
    if group not in GROUPS:
        raise MuscleDataError(f"{where}.group: expected one of {', '.join(GROUPS)}, found {group!r}")
    bundles = []
    for i, b in enumerate(_require(raw, "bundles", where, list)):
        bw = f"{where} bundles[{i}]"
        pts = tuple(_point(p, f"{bw}.path[{j}]") for j, p in enumerate(_require(b, "path", bw, list)))
        if len(pts) < 2:
            raise MuscleDataError(f"{bw}.path: a path needs at least an origin and an insertion")
        wraps = []
        raw_wraps = b.get("wraps", [])
        if not isinstance(raw_wraps, list):
            raise MuscleDataError(f"{bw}.wraps: expected a list of tables [{{ segment = ..., shape = ... }}, ...], "
                                  f"found {raw_wraps!r}")
        for k, w in enumerate(raw_wraps):
            ww = f"{bw}.wraps[{k}]"
            if not isinstance(w, dict):
                raise MuscleDataError(f"{ww}: expected a table {{ segment = ..., shape = ..., bone = ..., at = ... }}, found {w!r}")
            unknown = sorted(set(w) - _WRAP_FIELDS)
            if unknown:
                raise MuscleDataError(f"{ww}: unknown field(s) {', '.join(unknown)}; "
                                      f"expected {', '.join(sorted(_WRAP_FIELDS))}")
            seg = _require(w, "segment", ww, int)
            if isinstance(seg, bool):
                raise MuscleDataError(f"{ww}.segment: expected int, found {seg!r}")
            if wraps and seg < wraps[-1].segment:
                raise MuscleDataError(f"{ww}.segment: wraps are listed in path order, segment {seg} "
                                      f"after segment {wraps[-1].segment}")
            if not 0 <= seg < len(pts) - 1:
                raise MuscleDataError(f"{ww}.segment: expected 0..{len(pts) - 2}, found {seg}")
            shape = _require(w, "shape", ww)
            if shape not in ("sphere", "cylinder"):
                raise MuscleDataError(f"{ww}.shape: expected 'sphere' or 'cylinder', found {shape!r}")
            centre = _point({"bone": w.get("bone"), "at": w.get("at"), "offset_mm": w.get("offset_mm", (0, 0, 0))}, ww)
            side = _vec3(w["side"], f"{ww}.side") if "side" in w else None
            if shape == "cylinder" and side is None:
                raise MuscleDataError(f"{ww}: a cylinder needs 'side', the direction (bone frame) of the side the path passes")
            radius = _require(w, "radius_mm", ww, float)
            if not radius > 0:
                raise MuscleDataError(f"{ww}.radius_mm: expected a positive number, found {w['radius_mm']!r}")
            axis = _vec3(w.get("axis", (0, 0, 1)), f"{ww}.axis")
            if not any(axis):
                raise MuscleDataError(f"{ww}.axis: expected a non-zero direction, found {w['axis']!r}")
            wraps.append(WrapSpec(seg, shape, centre, radius, axis, side))
        bundles.append(BundleSpec(_require(b, "name", bw), float(b.get("force_share", 1.0)), pts, tuple(wraps)))
    if not bundles:
        raise MuscleDataError(f"{where}: a muscle needs at least one bundle")
    known = {"id", "name", "group", "origin", "insertion", "innervation", "actions", "crosses",
             "max_force_n", "force_source", "bundles", "pcsa_cm2", "fibre_length_cm", "notes"}
    return MuscleSpec(
        id=_require(raw, "id", where), name=_require(raw, "name", where), group=group,
        origin=_require(raw, "origin", where), insertion=_require(raw, "insertion", where),
        innervation=_require(raw, "innervation", where),
        actions=tuple(_require(raw, "actions", where, list)),
        crosses=tuple(raw.get("crosses", ["hip"])),
        max_force_n=_require(raw, "max_force_n", where, float),
        force_source=_require(raw, "force_source", where),
        bundles=tuple(bundles), pcsa_cm2=raw.get("pcsa_cm2"),
        fibre_length_cm=raw.get("fibre_length_cm"), notes=raw.get("notes", ""),
        extra={k: v for k, v in raw.items() if k not in known},
    )


def load_muscle_specs(folder: str | Path | None = None, *, package: str = "hipviz.data.muscles",
                      order: tuple[str, ...] | None = HIP_MUSCLES) -> list[MuscleSpec]:
    """Read every ``*.toml`` muscle file of a folder.

    Parameters
    ----------
    folder : str or Path, optional
        Folder of muscle files; default: the shipped hip muscles.
    package : str
        Package holding the shipped files when ``folder`` is None.
    order : tuple of str, optional
        Expected identifiers, in display order; every one must be present.

    Returns
    -------
    list of MuscleSpec

    Raises
    ------
    MuscleDataError
        A malformed file (named in the message) or a missing muscle.
    """
    base = Path(folder) if folder is not None else resources.files(package)
    specs = {}
    for path in sorted(base.iterdir(), key=lambda p: p.name):
        if not path.name.endswith(".toml"):
            continue
        try:
            raw = tomllib.loads(path.read_text())
        except tomllib.TOMLDecodeError as exc:
            raise MuscleDataError(f"{path.name}: not valid TOML ({exc})") from None
        spec = parse_muscle(raw, path.name)
        specs[spec.id] = spec
    if order is None:
        return list(specs.values())
    missing = [m for m in order if m not in specs]
    if missing:
        raise MuscleDataError(f"muscle data in {base}: missing {', '.join(missing)}")
    return [specs[m] for m in order] + [s for k, s in specs.items() if k not in order]
