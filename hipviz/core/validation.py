"""Compare the model's moment arms with published data.

``compare_with_reference``: the neutral pose against ``data/reference_moment_arms.toml``.
``compare_along_curves`` and ``check_signs_along_range``: the flexion range against
``data/reference_moment_arm_curves.toml`` (digitized published curves and sign-only checks).
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources

import numpy as np

__all__ = ["Comparison", "compare_with_reference", "CurveComparison", "compare_along_curves",
           "SignCheck", "check_signs_along_range", "rmse_per_muscle"]

_COORD = {"flexion": 0, "adduction": 1, "rotation": 2}


@dataclass(frozen=True)
class Comparison:
    """One muscle bundle and coordinate: the model's moment arm against the published range (cm)."""

    muscle: str
    bundle: str
    coordinate: str
    model_cm: float
    low_cm: float
    high_cm: float

    @property
    def distance_cm(self) -> float:
        """How far the model's value lies outside the published range (0 inside)."""
        return float(max(self.low_cm - self.model_cm, 0.0, self.model_cm - self.high_cm))

    @property
    def main_action(self) -> bool:
        """The published range lies wholly beyond +-1 cm: a main action whose sign must agree."""
        return self.low_cm >= 1.0 or self.high_cm <= -1.0

    @property
    def sign_agrees(self) -> bool:
        return np.sign(self.model_cm) == np.sign(self.low_cm + self.high_cm)


def compare_with_reference(model) -> list[Comparison]:
    """Model moment arms at the neutral standing pose against every published range.

    Returns
    -------
    list of Comparison
    """
    from .evaluate import evaluate

    raw = tomllib.loads(resources.files("hipviz.data").joinpath("reference_moment_arms.toml").read_text())
    ms = evaluate(model, {}, with_paths=False).muscles["r"]
    index = {(m, b): i for i, (m, b) in enumerate(zip(ms.muscle_ids, ms.bundle_names))}
    out = []
    for e in raw["entry"]:
        i = index[(e["muscle"], e["bundle"])]
        for name, q in _COORD.items():
            if name in e:
                lo, hi = e[name]
                out.append(Comparison(e["muscle"], e["bundle"], name, float(ms.moment_arm[0, i, q] * 100), lo, hi))
    return out


# --- across the flexion range --------------------------------------------------------------

@dataclass(frozen=True)
class CurveComparison:
    """One published curve: the model's moment arms (cm) at the curve's flexion angles against the band."""

    muscle: str
    bundles: tuple[str, ...]
    coordinate: str
    angles: tuple[float, ...]
    model_cm: np.ndarray
    low_cm: np.ndarray
    high_cm: np.ndarray
    source: str

    @property
    def label(self) -> str:
        return f"{self.muscle}/{'+'.join(self.bundles)} {self.coordinate}"

    @property
    def mid_cm(self) -> np.ndarray:
        return (self.low_cm + self.high_cm) / 2

    @property
    def distance_cm(self) -> np.ndarray:
        """Per angle: how far the model lies outside the published band (0 inside)."""
        return np.maximum.reduce([self.low_cm - self.model_cm, np.zeros_like(self.model_cm), self.model_cm - self.high_cm])

    @property
    def rmse_cm(self) -> float:
        """Root-mean-square difference from the band's midpoint over the angles."""
        return float(np.sqrt(np.mean((self.model_cm - self.mid_cm) ** 2)))

    @property
    def main_action(self) -> np.ndarray:
        """Per angle: the band lies wholly beyond +-1 cm, so the sign must agree."""
        return (self.low_cm >= 1.0) | (self.high_cm <= -1.0)

    @property
    def sign_agrees(self) -> np.ndarray:
        return np.sign(self.model_cm) == np.sign(self.mid_cm)


@dataclass(frozen=True)
class SignCheck:
    """A qualitative, sign-only expectation along the range."""

    muscle: str
    bundles: tuple[str, ...]
    coordinate: str
    angles: tuple[float, ...]
    model_cm: np.ndarray
    sign: np.ndarray
    source: str

    @property
    def agrees(self) -> np.ndarray:
        return np.sign(self.model_cm) == self.sign


def _curve_data() -> dict:
    return tomllib.loads(resources.files("hipviz.data").joinpath("reference_moment_arm_curves.toml").read_text())


def _model_values(model, entries) -> list[np.ndarray]:
    """Mean moment arm (cm) of each entry's bundles at its flexion angles."""
    from .evaluate import evaluate

    angles = sorted({float(a) for e in entries for a in e["angles"]})
    ms = evaluate(model, {"flexion": angles}, with_paths=False).muscles["r"]
    index = {(m, b): i for i, (m, b) in enumerate(zip(ms.muscle_ids, ms.bundle_names))}
    row = {a: k for k, a in enumerate(angles)}
    out = []
    for e in entries:
        cols = [index[tuple(b.split("/")) if "/" in b else (e["muscle"], b)] for b in e["bundles"]]
        rows = [row[float(a)] for a in e["angles"]]
        out.append(ms.moment_arm[np.ix_(rows, cols)][..., _COORD[e["coordinate"]]].mean(axis=1) * 100)
    return out


def compare_along_curves(model) -> list[CurveComparison]:
    """Model moment arms along every published curve (hip flexion angles, other coordinates 0).

    Returns
    -------
    list of CurveComparison
        In file order; ``model_cm``, ``low_cm``, ``high_cm`` are arrays over the curve's angles.
    """
    entries = _curve_data()["curve"]
    out = []
    for e, vals in zip(entries, _model_values(model, entries)):
        lo = np.asarray(e.get("low", e.get("mean")), float)
        hi = np.asarray(e.get("high", e.get("mean")), float)
        out.append(CurveComparison(e["muscle"], tuple(e["bundles"]), e["coordinate"], tuple(e["angles"]),
                                   vals, lo, hi, e["source"]))
    return out


def check_signs_along_range(model) -> list[SignCheck]:
    """Model moment arms at the angles of every qualitative (sign-only) expectation."""
    entries = _curve_data()["sign_check"]
    return [SignCheck(e["muscle"], tuple(e["bundles"]), e["coordinate"], tuple(e["angles"]), vals,
                      np.asarray(e["sign"], float), e["source"])
            for e, vals in zip(entries, _model_values(model, entries))]


def rmse_per_muscle(curves: list[CurveComparison]) -> dict[str, float]:
    """RMSE (cm) against the band midpoints, pooled over every curve and angle of each muscle."""
    sq: dict[str, list[float]] = {}
    for c in curves:
        sq.setdefault(c.muscle, []).extend(((c.model_cm - c.mid_cm) ** 2).tolist())
    return {m: float(np.sqrt(np.mean(v))) for m, v in sq.items()}
