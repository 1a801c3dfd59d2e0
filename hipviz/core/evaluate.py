"""``evaluate(model, pose) -> State``: everything pose-dependent, for one or many poses."""
from __future__ import annotations

from dataclasses import fields
from typing import Mapping

import numpy as np

from .activation import load_segments, movement_direction
from .compensation import compensate
from .contacts import PLACEMENT_TOLERANCE_M, resolve_contacts
from .placement import place_on_floor
from .force_length import force_length_factor
from .kinematics import SEGMENTS, segment_transforms
from .model import Model, attach_length_ranges, check_model
from .paths import BODY_INDEX, PathSet, path_kinematics
from .pose import _INDEX, PoseBatch, clamp_poses, make_poses, resolve_name
from .request import check_flag, check_number, check_options
from .rotations import LEFT_LUMBAR_SIGNS, MIRROR_POINT, MIRROR_Z, cardan_zxy_angles
from .state import MuscleState, State
from .work import apply_activation

__all__ = ["evaluate", "SIDES"]

SIDES = {"right": "r", "left": "l", "r": "r", "l": "l"}


def _side_code(side: str) -> str:
    try:
        return SIDES[side]
    except KeyError:
        raise ValueError(f"side must be 'right' or 'left', not {side!r}") from None


def _strength_factors(ps: PathSet, c: str, strength) -> np.ndarray:
    """Per-bundle factor on maximal force from ``{muscle: fraction}`` (``_r``/``_l`` for one side)."""
    f = np.ones(len(ps.muscle_ids))
    for key, value in (strength or {}).items():
        side = key[-1] if key[-2:] in ("_r", "_l") and key[:-2] in ps.muscle_ids else None
        name = key[:-2] if side else key
        if side is None or side == c:
            f[np.array([m == name for m in ps.muscle_ids])] = value
    return f


def _check_strength(model: Model, strength) -> dict:
    """``strength`` validated: known muscle ids (optionally ``_r``/``_l``), fractions 0..2."""
    import difflib

    if strength is None:
        return {}
    if not isinstance(strength, Mapping):
        raise ValueError(f"strength: expected {{muscle: fraction}} such as {{'gluteus_medius': 0.3}}, found {strength!r}")
    known = set(model.paths["r"].muscle_ids) | set(model.trunk_paths["r"].muscle_ids)
    out = {}
    for key, value in strength.items():
        name = key[:-2] if isinstance(key, str) and key[-2:] in ("_r", "_l") else key
        if name not in known:
            close = difflib.get_close_matches(str(name), sorted(known), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValueError(f"strength: unknown muscle {key!r}{hint}")
        out[key] = check_number(value, f"strength {key}", 0.0, 2.0, "a fraction of normal strength from 0 to 2")
    return out


#: A pelvis the standing abductors cannot hold level drops on the other side by this many degrees
#: per unit of the abduction moment they cannot supply (as a fraction of the demand), at most the
#: maximum: the Trendelenburg sign (a teaching model: the drop grows with the weakness).
TRENDELENBURG_DEG_PER_UNMET, TRENDELENBURG_MAX_DEG = 20.0, 10.0


def _muscle_state(ps: PathSet, out: dict, c: str, T_pel: np.ndarray, with_paths: bool, trunk: bool,
                  strength=None) -> MuscleState:
    """One side's muscles (or trunk muscles) from their path kinematics ``out`` (:func:`_side_kinematics`)."""
    paths = None
    if with_paths:
        # all bundles' points to the room in one product, then split back into bundles (views)
        local = out["paths"]
        stacked = np.concatenate(local, axis=1)
        if c == "l":
            stacked = stacked * MIRROR_POINT
        R, t = T_pel[:, :3, :3], T_pel[:, :3, 3]
        room = stacked @ np.swapaxes(R, 1, 2) + t[:, None, :]
        ends = np.cumsum([p.shape[1] for p in local]).tolist()
        paths = [room[:, b - p.shape[1]:b] for p, b in zip(local, ends)]
    # lumbar moment arms come in the side's canonical (mirrored) frame: back to real signs
    arms = (out["lumbar_moment_arm"] * (LEFT_LUMBAR_SIGNS if c == "l" else 1.0)) if trunk else out["moment_arm"].copy()
    length = out["length"].copy()
    capacity = ps.max_force * force_length_factor(length, ps.shortest, ps.longest)
    if strength:
        capacity = capacity * _strength_factors(ps, c, strength)
    return MuscleState(ps.muscle_ids, ps.bundle_names, ps.max_force, length, arms, paths, capacity)


_HIP_COLUMNS = {c: np.array([_INDEX[f"{b}_{c}"] for b in ("hip_flexion", "hip_adduction", "hip_rotation")])
                for c in ("r", "l")}
_LUMBAR = np.array([_INDEX[name] for name in ("lumbar_flexion", "lumbar_bending", "lumbar_rotation")])


def _side_inputs(poses: PoseBatch, c: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The hip, knee and lumbar angles one side's path set takes (the lumbar spine in the side's
    canonical, mirrored frame)."""
    q = poses.q
    q_lum = q[:, _LUMBAR]
    if c == "l":
        q_lum = q_lum * LEFT_LUMBAR_SIGNS
    return q[:, _HIP_COLUMNS[c]], q[:, _INDEX[f"knee_flexion_{c}"]], q_lum


def _side_kinematics(model: Model, sets: Mapping[str, PathSet], trunk: bool, poses: PoseBatch,
                     with_paths: bool) -> dict[str, dict]:
    """:func:`hipviz.core.paths.path_kinematics` of both sides' path sets, per side.

    The window evaluates one pose at a time, and much of a request often stays as it was: the
    lumbar spine when a leg moves (the trunk muscles' paths depend on nothing else: none of
    their points or obstacles is on a leg), every angle when only an option changed. So for one
    pose the last answer of each path set is kept in ``model.cache`` with the exact inputs it
    depends on (their bytes), and reused only when they are the same; callers never get the
    cached arrays themselves to change (:func:`_muscle_state` copies what it hands on, and the
    paths are new arrays in the room). Batches are not remembered.

    Where both sides must be computed and their path sets hold the same arrays (the left side is
    mirrored into the right's canonical frame: with symmetric bones, the default ones, the two
    are equal), the two sides go through the kernel as one batch of twice the poses: one pose of
    both legs then costs little more than one leg (the kernel's cost for a few poses is mostly
    per call, not per pose).
    """
    inputs = {c: _side_inputs(poses, c) for c in ("r", "l")}
    out: dict[str, dict] = {}
    keys: dict[str, tuple] = {}
    single = poses.n == 1
    for c in ("r", "l") if single else ():
        ps = sets[c]
        q_hip, q_knee, q_lum = inputs[c]
        key = ("path_kinematics", c, trunk, with_paths)
        depends = q_hip.tobytes() + q_knee.tobytes() + q_lum.tobytes() if _on_legs(model, ps) else q_lum.tobytes()
        keys[c] = (key, depends)
        hit = model.cache.get(key)
        if hit is not None and hit[0] is ps and hit[1] == depends:
            out[c] = hit[2]
    missing = [c for c in ("r", "l") if c not in out]
    if len(missing) == 2 and _same_path_sets(model, sets["r"], sets["l"]):
        n = poses.n
        stacked = [np.concatenate([a, b]) for a, b in zip(inputs["r"], inputs["l"])]
        both = path_kinematics(sets["r"], *stacked, with_paths=with_paths)
        for c, rows in (("r", slice(0, n)), ("l", slice(n, 2 * n))):
            out[c] = {k: ([p[rows] for p in v] if k == "paths" else v[rows]) for k, v in both.items()}
    else:
        for c in missing:
            out[c] = path_kinematics(sets[c], *inputs[c], with_paths=with_paths)
    if single:
        for c in missing:
            model.cache[keys[c][0]] = (sets[c], keys[c][1], out[c])
    return out


def _same_path_sets(model: Model, a: PathSet, b: PathSet) -> bool:
    """Whether two path sets hold equal arrays (``-0.0 == 0.0``), so that one kernel call can
    serve both (compared once per pair)."""
    key = ("same_path_sets", id(a), id(b))
    hit = model.cache.get(key)
    if hit is None or hit[0] is not a or hit[1] is not b:
        hit = (a, b, _equal_fields(a, b))
        model.cache[key] = hit
    return hit[2]


def _equal_fields(a: PathSet, b: PathSet) -> bool:
    """Every public field of ``a`` equal to ``b``'s (arrays by value; its cache left out)."""

    def same(x, y) -> bool:
        if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
            x, y = np.asarray(x), np.asarray(y)
            return x.shape == y.shape and x.dtype == y.dtype and bool(np.array_equal(x, y))
        if isinstance(x, (list, tuple)) and isinstance(y, (list, tuple)):
            return len(x) == len(y) and all(same(u, v) for u, v in zip(x, y))
        return x == y

    return all(same(getattr(a, f.name), getattr(b, f.name)) for f in fields(PathSet) if not f.name.startswith("_"))


def _on_legs(model: Model, ps: PathSet) -> bool:
    """Whether any point or obstacle of ``ps`` is on the femur or the tibia (once per path set)."""
    key = ("path_set_on_legs", id(ps))
    hit = model.cache.get(key)
    if hit is None or hit[0] is not ps:
        legs = (BODY_INDEX["femur"], BODY_INDEX["tibia"])
        hit = (ps, bool(np.isin(ps.point_body, legs).any() or np.isin(ps.wrap_body, legs).any()))
        model.cache[key] = hit
    return hit[1]


def _auto_direction(poses: PoseBatch, c: str) -> np.ndarray:
    """Direction of travel of a pose sequence (central differences), unit rows."""
    q = np.stack([poses[f"hip_flexion_{c}"], poses[f"hip_adduction_{c}"], poses[f"hip_rotation_{c}"],
                  poses[f"knee_flexion_{c}"]], axis=-1)
    if q.shape[0] < 2:
        return np.zeros((q.shape[0], 4))
    d = np.gradient(q, axis=0)
    norm = np.linalg.norm(d, axis=1, keepdims=True)
    return np.where(norm > 1e-9, d / np.maximum(norm, 1e-12), 0.0)


def _place(model: Model, poses: PoseBatch, post, cs, named: set, s: str, lock_pelvis: bool, segs):
    """Place the body on its contacts; returns the placed poses, the contacts' heights and the
    segments' transforms in the placed poses (as one array, :func:`~hipviz.core.kinematics.transform_array`)."""
    placed, info = place_on_floor(model, poses, post, cs, named=named, side=s, lock_pelvis=lock_pelvis,
                                  segments=segs)
    return placed, info["residual_m"], info.get("transforms")


def _report_floor(state: State, heights: np.ndarray) -> None:
    """Warn where a contact could not be brought to the floor (the pose asks too much)."""
    cs = state.contacts
    off = np.abs(heights[:, cs.holds]) > PLACEMENT_TOLERANCE_M
    if not off.any():
        return
    k_hold = np.flatnonzero(cs.holds)
    worst_pose, worst_j = np.unravel_index(np.argmax(np.where(off, np.abs(heights[:, cs.holds]), 0)), off.shape)
    j = k_hold[worst_j]
    h = heights[worst_pose, j]
    where = "" if state.n == 1 else f" in {int(off.any(axis=1).sum())} of {state.n} poses"
    state.warnings.append(
        f"the {cs.labels[cs.contact[j]]} cannot rest on the floor in this pose{where}: it stays {abs(h) * 100:.1f} cm "
        f"{'above' if h > 0 else 'below'} it (free an angle the pose names, or unlock the pelvis)")


def evaluate(model: Model, pose: Mapping[str, object] | PoseBatch | None = None, *,
             side: str = "right", posture: str = "standing", movement=None,
             lock_pelvis: bool = True, compensation: float = 0.5, load_n: float = 0.0,
             load_point: str = "ankle", effort_nm: float = 10.0, body_mass_kg: float | None = None,
             with_paths: bool = True, contacts=None, place: bool | None = None, strength=None,
             criterion: str = "muscles", _trendelenburg: bool = True) -> State:
    """Evaluate the model in one or many poses.

    Parameters
    ----------
    model : Model
        From :func:`hipviz.load_model`.
    pose : mapping or PoseBatch, optional
        Joint angles in degrees, e.g. ``{"flexion": 90, "knee": 45}``; values may be
        1-D arrays to evaluate a whole movement at once (see :func:`hipviz.core.pose.make_poses`).
        The hip angles of ``side`` are the movement the learner asks of the thigh.
    side : {"right", "left"}, default: "right"
        The moving leg, addressed by the short names (``flexion`` ...).
    posture : str, default: "standing"
        A posture from ``model.postures``; its starting angles apply to coordinates the
        pose does not name, and it sets the direction of gravity.
    movement : str or (4,) array_like, optional
        The movement being made (``"flexion"``, ``"abduction"``, ``"flexion+abduction"``,
        ``"circumduction:90"``, ``"auto"`` = the direction the pose sequence travels ...):
        computes every bundle's activation and role. None: no activation.
    lock_pelvis : bool, default: True
        True: the pelvis stays still and the hip is clamped to its range (with a warning).
        False: the pelvis and lumbar spine compensate (see :mod:`hipviz.core.compensation`)
        and the thigh reaches the requested angles.
    compensation : float, default: 0.5
        How stiff the hip is, 0 (supple, the pelvis joins late) to 1 (very stiff).
    load_n : float, default: 0
        An extra weight in newtons hanging at ``load_point`` (``"ankle"`` or ``"knee"``).
    effort_nm : float, default: 10
        The moment (N m) of a deliberate slow movement, added in its direction.
    body_mass_kg : float, optional
        Body mass for the gravity model (default 75 kg).
    with_paths : bool, default: True
        Compute drawable muscle paths (turn off for fast sweeps of numbers only).
    contacts : sequence of str, optional
        What rests on the floor (``["feet"]``, ``["foot_r", "knee_l"]``, ``["back", "feet"]`` ...;
        see :mod:`hipviz.core.contacts`). Default: the posture's (standing: the other foot).
        The body is placed so that they rest on the floor (room y = 0): the pelvis moves in the
        room and the coordinates the pose does not name (ankles, the other leg ...) follow,
        while the named ones hold. Their weight sharing drives the closed-chain activation.
    strength : mapping, optional
        ``{muscle: fraction of normal strength}`` (0 to 2), e.g. ``{"gluteus_medius": 0.2}``
        for both sides or ``{"gluteus_medius_l": 0.2}`` for one. Standing on one leg with the
        pelvis free, abductors too weak to hold the pelvis level let it drop on the other side
        (the Trendelenburg sign), with a warning that says how much they lack.
    criterion : {"muscles", "bundles"}, default: "muscles"
        The static-optimisation cost: the sum of squared activations over muscles, a muscle
        drawn as several bundles counting once (each bundle weighted by its part of the
        muscle's force), or over the drawn bundles as separate actuators (OpenSim's form for a
        model whose muscles are these bundles). See ``docs/activation.md``.
    place : bool, optional
        Place the body on its contacts. Default: when paths or activations are asked for
        (moment arms and lengths do not depend on where the body is in the room).

    Returns
    -------
    State

    Raises
    ------
    hipviz.core.request.RequestError
        (a ``ValueError``) An option of the wrong type (``lock_pelvis="no"``), not finite
        (``effort_nm=nan``), out of range (``load_n=1e300``) or unknown (``posture``,
        ``movement``, ``contacts``); see :func:`hipviz.core.request.check_options`.
    hipviz.PoseError
        (a ``ValueError``) An unknown or repeated coordinate name, or an angle that is not a
        finite, plausible number. Angles outside a joint's range are not errors: they are
        clamped, with a warning in ``state.warnings`` that says so.

    Examples
    --------
    >>> import hipviz
    >>> model = hipviz.load_model()
    >>> state = hipviz.evaluate(model, {"flexion": [0, 90]})
    >>> state.n
    2
    >>> s = hipviz.evaluate(model, {"flexion": 120}, lock_pelvis=False, movement="flexion")
    >>> round(s.to_dict()["thigh"]["flexion"]), s.to_dict()["pelvis"]["tilt"] < 0
    (120, True)
    """
    check_model(model)
    with_paths = check_flag(with_paths, "with_paths")
    place = check_flag(place, "place", allow_none=True)
    opts = check_options({"side": side, "posture": posture, "movement": movement, "lock_pelvis": lock_pelvis,
                          "compensation": compensation, "load_n": load_n, "load_point": load_point,
                          "effort_nm": effort_nm, "body_mass_kg": body_mass_kg, "contacts": contacts,
                          "criterion": criterion},
                         postures=model.postures)
    s = opts.side_code
    post = model.posture(opts.posture)
    movement, lock_pelvis, compensation, load_n = opts.movement, opts.lock_pelvis, opts.compensation, opts.load_n
    effort_nm, body_mass_kg = opts.effort_nm, opts.body_mass_kg
    cs = resolve_contacts(post.contacts if contacts is None else opts.contacts, s)
    if isinstance(pose, PoseBatch):
        poses = pose
        named = {f"{b}_{c}" for c in ("r", "l") for b in ("hip_flexion", "hip_adduction", "hip_rotation", "knee_flexion")}
    else:
        poses = make_poses(pose or {}, side="right" if s == "r" else "left",
                           defaults=post.pose, ranges=model.ranges, clamp=False)
        named = {resolve_name(k, "right" if s == "r" else "left")[0] for k in (pose or {})}
    start_lumbar = np.degrees(poses.q[:, _LUMBAR])
    poses, info = compensate(poses, s, model.ranges, lock_pelvis=lock_pelvis, strength=compensation,
                             habit=post.habit)
    poses = clamp_poses(poses, model.ranges)
    heights = T = None
    if (with_paths or movement is not None) if place is None else place:
        poses, heights, T = _place(model, poses, post, cs, named, s, lock_pelvis, load_segments(body_mass_kg))
    # the placement computed the placed poses' transforms already
    transforms = ({name: T[:, j] for j, name in enumerate(SEGMENTS)} if T is not None
                  else segment_transforms(model.joints, poses, post.rotation))
    T_pel = transforms["pelvis"]
    for c in ("r", "l"):
        attach_length_ranges(model, c)
    strength = _check_strength(model, strength)
    kin = _side_kinematics(model, model.paths, False, poses, with_paths)
    muscles = {c: _muscle_state(model.paths[c], kin[c], c, T_pel, with_paths, False, strength) for c in ("r", "l")}
    kin = _side_kinematics(model, model.trunk_paths, True, poses, with_paths)
    trunk = {c: _muscle_state(model.trunk_paths[c], kin[c], c, T_pel, with_paths, True, strength)
             for c in ("r", "l")}
    thigh = {}
    for c in ("r", "l"):
        R = post.rotation.T @ transforms[f"femur_{c}"][:, :3, :3]
        if c == "l":
            R = MIRROR_Z @ R @ MIRROR_Z
        thigh[c] = cardan_zxy_angles(R)
    state = State(model=model, poses=poses, posture=post, side=s, transforms=transforms,
                  muscles=muscles, thigh=thigh, trunk=trunk, lock_pelvis=lock_pelvis,
                  compensation=compensation, pelvis_moved_deg=info["pelvis_moved_deg"],
                  warnings=list(poses.warnings), contacts=cs, floor_height=0.0 if heights is not None else None)
    if heights is not None:
        state.extra["contact_heights_m"] = heights
        _report_floor(state, heights)
    if movement is not None:
        directions = None
        if isinstance(movement, str) and movement.strip().lower() == "auto":
            directions = {c: _auto_direction(poses, c) for c in ("r", "l")}
            direction = directions[s]
        else:
            direction = np.broadcast_to(movement_direction(movement), (poses.n, 4))
        lumbar_now = np.degrees(poses.q[:, _LUMBAR])
        apply_activation(state, direction, load_segments(body_mass_kg), effort_nm=effort_nm,
                         load_n=load_n, load_point=load_point, lumbar_motion=lumbar_now - start_lumbar,
                         directions=directions, per_muscle=opts.criterion == "muscles")
        state.movement = movement if isinstance(movement, str) else "custom"
        state.extra["trendelenburg_allowed"] = _trendelenburg
        drop = _trendelenburg_drop(state, strength)
        if drop is not None and not isinstance(pose, PoseBatch):
            # the standing abductors cannot hold the pelvis level: it drops on the moving side
            sign = 1.0 if s == "r" else -1.0
            obl = np.asarray((pose or {}).get("pelvis_obliquity", 0.0), float) - sign * drop
            again = dict(pose or {})
            again["pelvis_obliquity"] = obl if obl.ndim else float(obl)
            dropped = evaluate(model, again, side=side, posture=posture, movement=movement, lock_pelvis=lock_pelvis,
                               compensation=compensation, load_n=load_n, load_point=load_point, effort_nm=effort_nm,
                               body_mass_kg=body_mass_kg, with_paths=with_paths, contacts=contacts, place=place,
                               strength=strength, criterion=criterion, _trendelenburg=False)
            c2 = "l" if s == "r" else "r"
            worst = float(np.max(drop))
            dropped.warnings.append(
                f"Trendelenburg sign: the {'left' if c2 == 'l' else 'right'} hip abductors cannot hold the pelvis level, "
                f"so it drops {worst:.0f} deg on the {'right' if s == 'r' else 'left'} side")
            dropped.extra["trendelenburg_drop_deg"] = drop
            return dropped
    return state


def _trendelenburg_drop(state: State, strength: dict):
    """Degrees (n,) the pelvis drops on the moving side, or None: free pelvis, one standing leg
    whose muscles were weakened (``strength``). A healthy body at the corners of its range may
    leave a few N m unbalanced; that is reported as a shortfall, not as a Trendelenburg sign."""
    if state.lock_pelvis or not state.extra.get("trendelenburg_allowed", True) or state.n == 0:
        return None
    standing = "l" if state.side == "r" else "r"
    if not any(v < 1.0 and (k[-2:] not in ("_r", "_l") or k[-1] == standing) for k, v in strength.items()):
        return None
    res = state.extra.get("stance_unbalanced_nm")
    demand = state.extra.get("stance_demand_nm")
    cs = state.contacts
    if res is None or demand is None or cs is None or cs.legs() != {"l" if state.side == "r" else "r"}:
        return None
    need = np.abs(np.minimum(demand[:, 1], 0.0))          # abduction the standing hip must supply
    lack = np.abs(res[:, 1])
    unmet = np.where(need > 1.0, lack / np.maximum(need, 1e-9), 0.0)
    if not np.any(unmet > 0.02):
        return None
    return np.minimum(TRENDELENBURG_MAX_DEG, TRENDELENBURG_DEG_PER_UNMET * unmet)
