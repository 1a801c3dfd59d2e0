"""Compare the model's moment arms with published ranges (``data/reference_moment_arms.toml``)."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources

import numpy as np

__all__ = ["Comparison", "compare_with_reference"]

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
