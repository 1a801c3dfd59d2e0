"""What touches the floor: the contacts a pose rests on, their points, and what they imply.

A pose names joint angles; a posture says how the body lies in the room; **contacts** say what
rests on the floor (``hipviz/data/contacts.toml``): ``foot_r`` (flat: heel and both
metatarsal heads), ``heel_l``, ``toes_r``, ``knee_l``, ``shin_r``, ``side_leg_l``, ``back``,
``shoulders``, ``front``, ``hand_r`` ..., or groups such as ``feet``, ``knees``, ``hands``,
``side_l``. Each posture has its own (``contacts`` in ``postures.toml``), so standing on the
other leg, lying on the back or kneeling need no extra words.

:func:`hipviz.core.placement.place_on_floor` is a closed-chain solver: it moves the pelvis in the room, and the
coordinates the pose leaves free, so that every contact point rests on the floor (room
``y = 0``) and the first contact stays where it is in the posture's starting pose. Angles the
pose names are held (a stiff prior), the others follow (a soft prior towards the posture's
starting angles), so a squat lowers the pelvis as hips and knees bend with the ankles finding
the angle that keeps the feet flat, and a bridge lifts the pelvis on the feet and shoulders.
It is damped Gauss-Newton (Levenberg-Marquardt) on all poses at once, with the Jacobian by
finite differences evaluated as one batch of forward kinematics.

:func:`hipviz.core.support.support_forces` shares the body's weight between the contact points: the vertical
forces of least squared size that balance the weight with the centre of mass where it is
(the body does not tip), none pulling. In double stance a leg carries more the nearer the
centre of mass is to its foot.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from typing import Iterable, Sequence

import numpy as np


__all__ = ["ContactSet", "ContactError", "resolve_contacts", "contact_names", "contact_points", "contact_points_array",
           "closes_chain",
           "stands_on_feet", "pelvis_rests", "floor_grip", "several_supports", "PLACEMENT_TOLERANCE_M"]

#: A contact point further than this from the floor after placement is reported (metres).
PLACEMENT_TOLERANCE_M = 0.01

_LEG_SEGMENTS = ("femur", "tibia", "foot")

class ContactError(ValueError):
    """An unknown contact name, or contacts that cannot be used together."""


@dataclass(frozen=True)
class ContactSet:
    """Resolved contacts: their names and every point that rests on the floor.

    Attributes
    ----------
    names : tuple of str
        Contact names, e.g. ``("foot_r", "knee_l")``, in the order given.
    labels : tuple of str
        Readable names, e.g. ``("right foot", "left knee")``.
    segments : tuple of str
        For each point, the segment it belongs to (``"foot_r"``, ``"pelvis"``, ``"trunk"`` ...).
    local : (k, 3) ndarray
        Each point in its segment's frame, metres.
    contact : (k,) int ndarray
        Index into ``names`` of each point's contact.
    holds : (k,) bool ndarray
        False for points that carry weight without holding the body's position (hands).
    leg : tuple of str or None
        ``"r"``/``"l"`` for points on a leg, None for the trunk and pelvis.
    """

    names: tuple[str, ...]
    labels: tuple[str, ...]
    segments: tuple[str, ...]
    local: np.ndarray
    contact: np.ndarray
    holds: np.ndarray
    leg: tuple[str | None, ...]

    @property
    def k(self) -> int:
        """Number of points."""
        return len(self.segments)

    def legs(self) -> set[str]:
        """The legs (``"r"``, ``"l"``) with a contact."""
        return {c for c in self.leg if c is not None}

    @property
    def trunk_rests(self) -> bool:
        """A contact on the pelvis or trunk holds the body (lying, side-lying)."""
        return any(h and c is None for h, c in zip(self.holds, self.leg))

    # Derived once per contact set (resolve_contacts hands out one set per request, so these
    # serve every later pose; cached_property writes the instance dict, which a frozen
    # dataclass allows): the forms the per-pose code gathers with.
    @cached_property
    def segment_index(self) -> np.ndarray:
        """Each point's segment as an index into :data:`hipviz.core.kinematics.SEGMENTS`, (k,)."""
        from .kinematics import SEGMENTS

        return _read_only(np.array([SEGMENTS.index(seg) for seg in self.segments], int))

    @cached_property
    def local_columns(self) -> np.ndarray:
        """Each point as a column (k, 3, 1), for ``R @ local_columns`` (rotations (..., k, 3, 3))."""
        return _read_only(self.local[:, :, None].copy())

    @cached_property
    def equal_groups(self) -> tuple[int, int] | None:
        """``(contacts, points each)`` when every contact has the same number of points, listed
        contact by contact (so the points reshape to (contacts, points)); else None."""
        j = len(self.names)
        if not self.k or self.k % j:
            return None
        per = self.k // j
        return (j, per) if np.array_equal(self.contact, np.repeat(np.arange(j), per)) else None


@lru_cache(maxsize=1)
def _table() -> dict:
    raw = tomllib.loads(resources.files("hipviz.data").joinpath("contacts.toml").read_text())
    return raw


def contact_names() -> list[str]:
    """Every contact and group name accepted, sorted."""
    t = _table()
    out = set(t["groups"])
    for name, spec in t["contacts"].items():
        if spec["kind"] == "body":
            out.add(name)
        else:
            out |= {f"{name}_r", f"{name}_l"}
    return sorted(out)


def _expand(names: Iterable[str], side: str) -> list[str]:
    t = _table()
    other = "l" if side == "r" else "r"
    out: list[str] = []
    for raw in names:
        if not isinstance(raw, str):
            raise ContactError(f"contact names must be text, found {raw!r}")
        name = raw.replace("{moving}", side).replace("{other}", other)
        members = t["groups"].get(name, [name])
        for m in members:
            if m not in out:
                out.append(m)
    # one order whatever order they were named in (contacts.toml's, right before left), so that
    # the same contacts always place the body the same way (the first one keeps its place)
    order = {base: i for i, base in enumerate(t["contacts"])}

    def rank(m: str) -> tuple[int, int]:
        base, c = (m[:-2], m[-1]) if m[-2:] in ("_r", "_l") and m[:-2] in order else (m, "")
        return (order.get(base, len(order)), {"": 0, "r": 0, "l": 1}[c])

    return sorted(out, key=rank)


def _side_label(c: str) -> str:
    return {"r": "right", "l": "left"}[c]


def _read_only(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def resolve_contacts(names: Sequence[str], side: str = "r") -> ContactSet:
    """Turn contact names into points.

    Parameters
    ----------
    names : sequence of str
        Contact or group names; ``{other}`` and ``{moving}`` stand for the side that does not
        move and the one that does (as in ``postures.toml``).
    side : {"r", "l"}
        The moving side.

    Raises
    ------
    ContactError
        An unknown name (the message lists the valid ones).

    Examples
    --------
    >>> cs = resolve_contacts(["feet"])
    >>> cs.names, cs.k
    (('foot_r', 'foot_l'), 6)
    """
    try:
        key = (tuple(names), side)
        hash(key)
    except TypeError:  # not all names: let _resolve say so
        return _resolve(names, side)
    return _resolve_cached(*key)


@lru_cache(maxsize=64)
def _resolve_cached(names: tuple, side: str) -> ContactSet:
    """:func:`_resolve`, once per names and side: the table never changes and the set's arrays
    are read-only, so one set serves every request that names the same contacts."""
    return _resolve(names, side)


def _resolve(names, side: str) -> ContactSet:
    import difflib

    t = _table()
    segs, local, contact, holds, leg, labels = [], [], [], [], [], []
    resolved = _expand(names, side)
    for j, name in enumerate(resolved):
        base, c = name, None
        if name[-2:] in ("_r", "_l") and name[:-2] in t["contacts"] and t["contacts"][name[:-2]]["kind"] != "body":
            base, c = name[:-2], name[-1]
        spec = t["contacts"].get(base)
        if spec is None or (spec["kind"] != "body") != (c is not None):
            valid = contact_names()
            close = difflib.get_close_matches(name, valid, n=2)
            hint = f"did you mean {' or '.join(repr(x) for x in close)}? " if close else ""
            raise ContactError(f"unknown contact {name!r}; {hint}expected some of: {', '.join(valid)}")
        labels.append(f"{_side_label(c)} {spec['label']}" if c else spec["label"])
        for pname in spec["points"]:
            p = t["points"][pname]
            xyz = np.asarray(p["at_mm"], float) * 1e-3
            seg = p["segment"]
            if c == "l":
                xyz = xyz * np.array([1.0, 1.0, -1.0])
            segs.append(f"{seg}_{c}" if seg in _LEG_SEGMENTS else seg)
            local.append(xyz)
            contact.append(j)
            holds.append(not spec.get("carries_only", False))
            leg.append(c if spec["kind"] == "leg" else None)
    return ContactSet(tuple(resolved), tuple(labels), tuple(segs), _read_only(np.array(local).reshape(-1, 3)),
                      _read_only(np.array(contact, int)), _read_only(np.array(holds, bool)), tuple(leg))


def contact_points(transforms: dict, cs: ContactSet) -> np.ndarray:
    """Room positions (n, k, 3) of the contact points."""
    if not cs.k:
        return np.zeros((next(iter(transforms.values())).shape[0], 0, 3))
    return _points(np.stack([transforms[seg] for seg in cs.segments], axis=1), cs)


def contact_points_array(T: np.ndarray, cs: ContactSet) -> np.ndarray:
    """:func:`contact_points` from the transforms as one array (n, segments, 4, 4)
    (:func:`hipviz.core.kinematics.transform_array`)."""
    return _points(T[:, cs.segment_index], cs)


def _points(T: np.ndarray, cs: ContactSet) -> np.ndarray:
    """Room positions (n, k, 3) from each point's own transform (n, k, 4, 4): ``R x + t``."""
    # (C order: a stacked matmul lays its result out as it likes, and einsum sums differently
    # over other layouts)
    return np.add((T[:, :, :3, :3] @ cs.local_columns)[..., 0], T[:, :, :3, 3], order="C")


def closes_chain(cs: ContactSet, side: str) -> bool:
    """The moving leg rests on the floor together with the other leg or the trunk.

    Then the body moves on its contacts (a squat, a bridge, a lunge) and the pelvis goes where
    the contacts and the balance put it, whether or not it is locked: *lock pelvis* is about a
    free leg moving on a still pelvis. Pelvis angles the pose names still hold.
    """
    holding = {c for c, h in zip(cs.leg, cs.holds) if h}
    return side in holding and len(holding) >= 2


def floor_grip() -> tuple[float, float]:
    """The floor's grip about a held hip's rotation and adduction axes (N m), ``contacts.toml``."""
    f = _table()["friction"]
    return float(f["hip_rotation_nm"]), float(f["hip_adduction_nm"])


def several_supports(cs: ContactSet) -> bool:
    """More than one part of the body holds it up (two legs, or a leg and the trunk)."""
    holding = {c for c, h in zip(cs.leg, cs.holds) if h}
    return len(holding) >= 2


def pelvis_rests(cs: ContactSet) -> bool:
    """The pelvis itself lies on the floor (on the back, the front or the side)."""
    return any(h and (seg == "pelvis" or seg.startswith("femur")) for seg, h in zip(cs.segments, cs.holds))


def stands_on_feet(cs: ContactSet) -> bool:
    """Only feet (flat, heels or toes) carry the body: it must balance over them."""
    t = _table()["contacts"]
    return all(name[:-2] in ("foot", "heel", "toes") and t[name[:-2]]["kind"] == "leg" for name in cs.names)
