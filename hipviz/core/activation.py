"""Which muscles work: activation (0..1) and role of every bundle in a movement.

The model, in plain words (see ``docs/activation.md``):

1. Moving a limb slowly, the muscles must hold it against gravity (body segment masses and
   centres of mass from de Leva 1996, in the chosen posture) and any external load, and
   add a modest moment in the direction of the movement (the effort of moving it,
   ``effort_nm``). These are the moments the muscles must supply.
2. The moments are shared among the muscles by static optimisation: the smallest sum of
   squared activations that produces them, each activation between 0 and 1, using each
   bundle's moment arms in this very pose and its maximal force. Knee muscles that are not
   among the 21 hip muscles (vasti, gastrocnemius, biceps short head) are ideal reserves.
3. Each active bundle gets a role from the direction it moves in: ``agonist`` when it
   shortens as the limb moves (it produces the movement), ``antagonist`` when it lengthens
   while active (it brakes or holds against the movement), ``stabiliser`` when it is active
   but barely changes length (it holds the joint against gravity or load in another plane).
4. The trunk muscles hold the pelvis against the hip muscles' pull (half of it; the other
   leg takes the rest), hold the upper body against gravity, and, when the pelvis is free to
   compensate, produce the pelvic and lumbar movement.
"""
from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from .optimize import SolveInfo, solve_activations
from .rotations import cross

__all__ = ["MOVEMENTS", "movement_direction", "SegmentParameters", "load_segments",
           "hip_demand", "roles", "share_moments", "muscle_weights", "muscle_activation", "moment_share", "ACTIVE_THRESHOLD", "ACTIVE_RELATIVE"]

#: Directions in (hip flexion, hip adduction, hip internal rotation, knee flexion).
MOVEMENTS: dict[str, tuple[float, float, float, float]] = {
    "flexion": (1, 0, 0, 0), "extension": (-1, 0, 0, 0),
    "abduction": (0, -1, 0, 0), "adduction": (0, 1, 0, 0),
    "internal_rotation": (0, 0, 1, 0), "external_rotation": (0, 0, -1, 0),
    "knee_flexion": (0, 0, 0, 1), "knee_extension": (0, 0, 0, -1),
    "hold": (0, 0, 0, 0),
}
#: A bundle counts as active when its activation is at least this fraction of the most
#: active muscle's in the same pose (so light tasks still show who does them; a muscle's
#: activation is its bundles' weighted by force, :func:`muscle_activation`) ...
ACTIVE_RELATIVE = 0.05
#: ... and at least this absolute activation.
ACTIVE_THRESHOLD = 0.002
#: The effort of moving, per coordinate, relative to flexion: the leg's moment of inertia
#: about its long axis is about 20 times smaller than about the hip's flexion axis, and the
#: knee moves only the shank and foot.
EFFORT_SCALE = np.array([1.0, 1.0, 0.25, 0.5])
_STABLE_SPEED = 0.004  # m of shortening per radian of movement: below this a muscle "holds"


def movement_direction(movement) -> np.ndarray:
    """A unit direction in (flexion, adduction, rotation, knee) from a name or a vector.

    Parameters
    ----------
    movement : str or sequence of 4 floats
        A name from :data:`MOVEMENTS`, several joined by ``+`` (``"flexion+abduction"``),
        ``"circumduction:PHASE"`` (degrees; 0 = flexion, 90 = abduction, 180 = extension,
        270 = adduction: the thigh's direction of travel around the circle), or a vector.

    Returns
    -------
    (4,) ndarray
        Unit vector (zero for ``"hold"``).
    """
    if isinstance(movement, str):
        return _named_movement(movement).copy()
    try:
        vec = np.asarray(movement, float).reshape(-1)
    except (TypeError, ValueError):
        vec = np.zeros(0)
    if vec.shape != (4,) or not np.all(np.isfinite(vec)) or np.abs(vec).max() > 1e6:
        raise ValueError(f"a movement vector needs 4 finite numbers (flexion, adduction, rotation, knee), found {movement!r}")
    norm = np.linalg.norm(vec)
    return vec / norm if norm > 0 else vec


@lru_cache(maxsize=256)
def _named_movement(movement: str) -> np.ndarray:
    """:func:`movement_direction` of a name, parsed once per name (read-only; callers copy)."""
    out = _parse_movement(movement)
    out.setflags(write=False)
    return out


def _parse_movement(movement: str) -> np.ndarray:
    """A movement name as a unit direction (see :func:`movement_direction`)."""
    name = movement.strip().lower().replace("-", "_").replace(" ", "_")
    if name.startswith("circumduction"):
        try:
            phase = float(name.split(":", 1)[1]) if ":" in name else 0.0
        except ValueError:
            phase = math.nan
        if not (math.isfinite(phase) and abs(phase) <= 3600):
            raise ValueError(f"circumduction phase must be a finite number of degrees (-3600 to 3600), "
                             f"found {movement!r}")
        phase = np.radians(phase)
        return np.array([np.cos(phase), -np.sin(phase), 0.0, 0.0])
    vec = np.zeros(4)
    parts = [part.strip("_") for part in name.split("+")]  # "flexion + abduction" as "flexion+abduction"
    for part in parts:
        if part not in MOVEMENTS:
            raise ValueError(f"unknown movement {part!r}; expected one of: {', '.join(MOVEMENTS)}, "
                             "combinations with '+', or circumduction:DEGREES")
        vec += MOVEMENTS[part]
    norm = np.linalg.norm(vec)
    if norm == 0 and len(parts) > 1 and any(np.any(MOVEMENTS[part]) for part in parts):
        raise ValueError(f"{movement!r}: these movements cancel out (opposite directions); "
                         "give one of them, or 'hold' for no movement")
    return vec / norm if norm > 0 else vec


@dataclass(frozen=True)
class SegmentParameters:
    """Masses (kg) and centre-of-mass placement of the segments used by the gravity model."""

    body_mass: float
    g: float
    thigh: tuple[float, float]          # mass, com fraction hip->knee
    shank: tuple[float, float]          # mass, com fraction knee->ankle
    foot: tuple[float, np.ndarray]      # mass, offset from ankle (tibia frame)
    upper_body: tuple[float, np.ndarray]
    pelvis: tuple[float, np.ndarray]
    knee_reserves: tuple[float, float]  # extension, flexion N m


@lru_cache(maxsize=8)
def load_segments(body_mass_kg: float | None = None) -> SegmentParameters:
    """Segment parameters from ``hipviz/data/segments.toml``, scaled to ``body_mass_kg``."""
    raw = tomllib.loads(resources.files("hipviz.data").joinpath("segments.toml").read_text())
    m = float(body_mass_kg if body_mass_kg is not None else raw["body_mass_kg"])
    if not 20.0 <= m <= 250.0:
        raise ValueError(f"body mass must be between 20 and 250 kg, found {m:g}")
    return SegmentParameters(
        body_mass=m, g=float(raw["gravity_m_s2"]),
        thigh=(m * raw["thigh"]["mass_fraction"], raw["thigh"]["com_fraction"]),
        shank=(m * raw["shank"]["mass_fraction"], raw["shank"]["com_fraction"]),
        foot=(m * raw["foot"]["mass_fraction"], np.array(raw["foot"]["com_offset_m"])),
        upper_body=(m * raw["upper_body"]["mass_fraction"], np.array(raw["upper_body"]["com_in_trunk_m"])),
        pelvis=(m * raw["pelvis"]["mass_fraction"], np.array(raw["pelvis"]["com_in_pelvis_m"])),
        knee_reserves=(raw["reserves"]["knee_extension_nm"], raw["reserves"]["knee_flexion_nm"]),
    )


def _generalised_gravity(points, masses, centre, axes, g_vec):
    """Sum over point masses of m * (k x (x - c)) . g for each axis: (n, m_axes).

    By the scalar triple product ``(k x l) . g = k . (l x g)``, and the levers enter linearly:
    one cross product of the mass-weighted lever ``sum m (x - c)`` serves every mass and axis.
    """
    lever = 0.0
    for x, m in zip(points, masses):
        lever = lever + m * (x - centre)
    return (axes @ cross(lever, g_vec)[..., None])[..., 0]


def hip_demand(geom: dict, seg: SegmentParameters, g_pelvis: np.ndarray, direction: np.ndarray, *,
               effort_nm: float, load_n: float, load_point: str, resting: np.ndarray | None = None) -> np.ndarray:
    """Moments (N m) the muscles must supply about hip flexion, adduction, rotation and knee.

    Parameters
    ----------
    geom : dict
        Canonical-frame geometry of the moving leg for ``n`` poses: ``hip`` (3,), ``knee``
        (n, 3), ``ankle`` (n, 3), ``foot`` (n, 3) points and ``axes`` (n, 4, 3) joint axes.
    g_pelvis : (n, 3) ndarray
        Unit gravity direction in the canonical pelvis frame.
    direction : (n, 4) ndarray
        Movement direction.
    resting : (n,) bool ndarray, optional
        Poses in which the floor carries the leg (and any load on it): no gravity moments.
    """
    g_vec = g_pelvis * seg.g
    if resting is not None:
        g_vec = np.where(np.asarray(resting)[:, None], 0.0, g_vec)
    hip, knee, ankle, foot = geom["hip"], geom["knee"], geom["ankle"], geom["foot"]
    thigh_com = hip + seg.thigh[1] * (knee - hip)
    shank_com = knee + seg.shank[1] * (ankle - knee)
    axes = geom["axes"]
    load_at = {"ankle": ankle, "knee": knee}[load_point]
    G = _generalised_gravity([thigh_com, shank_com, foot, load_at],
                             [seg.thigh[0], seg.shank[0], seg.foot[0], load_n / seg.g],
                             hip, axes[:, :3], g_vec)
    Gk = _generalised_gravity([shank_com, foot, load_at], [seg.shank[0], seg.foot[0], load_n / seg.g],
                              knee, axes[:, 3:], g_vec)
    return -np.concatenate([G, Gk], axis=1) + effort_nm * EFFORT_SCALE * direction


def muscle_weights(muscle_ids, max_force) -> np.ndarray:
    """Each bundle's weight in the cost: its part of its muscle's maximal force (sums to 1 per muscle).

    The criterion is the sum of squared activations over *muscles* (Crowninshield & Brand
    1981). A muscle drawn as several bundles counts once: each bundle's squared activation is
    weighted by its share of the muscle, so drawing gluteus medius as three bundles or
    iliopsoas as two changes neither what they cost nor what they do. Counted per bundle,
    every extra bundle would make its muscle dearer (three bundles of a third each cost three
    times as much for the same moment). With one activation per muscle the two forms agree.

    Parameters
    ----------
    muscle_ids : sequence of str
        The muscle of every bundle.
    max_force : (B,) ndarray
        Each bundle's maximal force, newtons.

    Examples
    --------
    >>> muscle_weights(["a", "a", "b"], [300.0, 100.0, 50.0]).tolist()
    [0.75, 0.25, 1.0]
    """
    force = np.asarray(max_force, float)
    return _weights(tuple(muscle_ids), force.tobytes(), force.shape).copy()


@lru_cache(maxsize=64)
def _weights(muscle_ids: tuple[str, ...], force_bytes: bytes, shape: tuple) -> np.ndarray:
    """:func:`muscle_weights`, once per muscles and forces (a model's never change; read-only)."""
    force = np.frombuffer(force_bytes, float).reshape(shape)
    group, _ = _groups(muscle_ids)
    total = np.bincount(group, weights=force)
    out = force / np.maximum(total[group], 1e-12)
    out.setflags(write=False)
    return out


@lru_cache(maxsize=64)
def _groups(muscle_ids: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Muscle index of every bundle, and the (B, M) one-hot matrix of bundles to muscles."""
    names = list(dict.fromkeys(muscle_ids))
    group = np.array([names.index(m) for m in muscle_ids], dtype=int)
    onehot = np.zeros((len(muscle_ids), len(names)))
    onehot[np.arange(len(muscle_ids)), group] = 1.0
    return group, onehot


def muscle_activation(muscle_ids, max_force, activation: np.ndarray) -> np.ndarray:
    """How hard each *muscle* works (..., B): its bundles' activations weighted by their force.

    Every bundle gets its muscle's value. Gluteus minimus with only its anterior third at 30 %
    works at about 10 %. Counted this way a muscle drawn as several bundles compares fairly
    with one drawn as a single bundle.

    Examples
    --------
    >>> import numpy as np
    >>> muscle_activation(["a", "a", "b"], [300.0, 100.0, 50.0], np.array([[0.4, 0.0, 0.2]])).tolist()
    [[0.30000000000000004, 0.30000000000000004, 0.2]]
    """
    ids = tuple(muscle_ids)
    group, onehot = _groups(ids)
    force = np.asarray(max_force, float)
    w = _weights(ids, force.tobytes(), force.shape)
    per = (np.asarray(activation, float) * w) @ onehot
    return per[..., group]


def share_moments(moment_arm: np.ndarray, force: np.ndarray, demand: np.ndarray,
                  reserves: np.ndarray | None = None, *, weights: np.ndarray | None = None,
                  start: np.ndarray | None = None) -> tuple[np.ndarray, SolveInfo]:
    """Static optimisation: activations (n, B) of muscles with moment arms (n, B, m).

    Minimises the sum of squared activations (Crowninshield & Brand 1981; OpenSim's static
    optimisation) subject to every moment equation balancing, each activation in [0, 1].
    With ``weights`` (see :func:`muscle_weights`) the sum runs over muscles rather than drawn
    bundles.

    Parameters
    ----------
    moment_arm : (n, B, m) ndarray
        Moment arms, metres (or metres per radian of a coordinate).
    force : (B,) or (n, B) ndarray
        Each bundle's force at full activation, newtons.
    demand : (n, m) ndarray
        Moments the muscles must supply, N m.
    reserves : (m, R) ndarray, optional
        Moments of ideal actuators that are not among the drawn muscles (the vasti,
        gastrocnemius and biceps short head at the knee); they cost like a muscle.
    weights : (B,) ndarray, optional
        Weight of each bundle's squared activation (default 1 each: the criterion per bundle).
    start : (n, m) ndarray, optional
        A warm start for the optimiser (``info.dual`` of a similar problem; see
        :func:`~hipviz.core.optimize.solve_activations`): the same answer, sooner.

    Returns
    -------
    activation : (n, B) ndarray
    info : SolveInfo
        The moments left unbalanced (``info.residual``) and poses re-solved by the fallback.
    """
    n, B, m = moment_arm.shape
    F = np.asarray(force, float)
    R = 0 if reserves is None else reserves.shape[1]
    A = np.empty((n, m, B + R))                         # (n, m, B + R): moments at full activation
    A[:, :, :B] = np.swapaxes(moment_arm * (F[:, :, None] if F.ndim == 2 else F[:, None]), 1, 2)
    if R:
        A[:, :, B:] = reserves
    cost = None
    if weights is not None:
        cost = np.ones(B + R)
        cost[:B] = weights
    a, info = solve_activations(A, demand, cost=cost, return_info=True, start=start)
    return a[:, :B], info


def moment_share(moment_arm: np.ndarray, force: np.ndarray, activation: np.ndarray,
                 direction: np.ndarray) -> np.ndarray:
    """Each bundle's part (0..1) of the muscles' moment along ``direction``.

    A bundle's contribution is its force (activation x force capacity) times its moment arm
    along the direction, ``F a (r . d)``. The share is that contribution as a fraction of the
    sum of all contributions with the sign of the total: in a movement the muscles drive, the
    agonists share 100 %; while gravity lowers the limb and the muscles brake, the braking
    muscles do. Bundles pulling the other way, and poses with no moment, get 0.

    Parameters
    ----------
    moment_arm : (n, B, m) ndarray
    force : (n, B) ndarray
    activation : (n, B) ndarray
    direction : (n, m) ndarray
        Unit direction in the moment-arm coordinates.
    """
    c = np.asarray(force, float) * activation * (moment_arm @ np.asarray(direction, float)[..., None])[..., 0]
    total = c.sum(axis=1, keepdims=True)
    sign = np.where(total >= 0, 1.0, -1.0)
    pos = np.maximum(sign * c, 0.0)
    denom = pos.sum(axis=1, keepdims=True)
    return np.where(denom > 1e-9, pos / np.maximum(denom, 1e-12), 0.0)


def roles(activation: np.ndarray, shortening_speed: np.ndarray, peak: np.ndarray | None = None) -> np.ndarray:
    """Role of each bundle from its activation and shortening speed (m per radian of movement).

    Parameters
    ----------
    activation, shortening_speed : (n, B) ndarray
    peak : (n,) ndarray, optional
        The highest activation of the pose (default: the row maximum of ``activation``).
    """
    out = np.full(activation.shape, "inactive", dtype=object)
    if peak is None:
        peak = activation.max(axis=1) if activation.size else np.zeros(activation.shape[0])
    threshold = np.maximum(ACTIVE_THRESHOLD, ACTIVE_RELATIVE * peak)[:, None]
    on = activation >= threshold
    out[on & (shortening_speed > _STABLE_SPEED)] = "agonist"
    out[on & (shortening_speed < -_STABLE_SPEED)] = "antagonist"
    out[on & (np.abs(shortening_speed) <= _STABLE_SPEED)] = "stabiliser"
    return out.astype(str)
