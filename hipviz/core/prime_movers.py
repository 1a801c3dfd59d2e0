"""Who moves the thigh: the muscles with the largest share of each movement, against the textbook.

For each cardinal movement, posture and hip position the muscles are ranked by their share of
the moment in the movement's direction (:func:`hipviz.core.activation.moment_share`, summed
over a muscle's bundles). The movement is made against a partner's hand, as the textbook
actions are defined (a manual muscle test): ``TABLE_EFFORT_NM`` in the movement's direction
on top of holding the leg against gravity, so that "extension" means the extensors pushing
and not the flexors lowering the leg. The textbook lists (``data/textbook_movers.toml``,
Neumann 2010) say which muscles are primary and secondary movers in that position.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

__all__ = ["MoverRow", "prime_mover_table", "textbook_movers", "TABLE_EFFORT_NM", "TABLE_MOVEMENTS",
           "muscle_shares"]

#: The push against a partner's hand (N m along the movement; rotation gets a quarter of it,
#: as every movement effort in hipviz): about a third of an adult's maximal hip moment.
TABLE_EFFORT_NM = 60.0
TABLE_MOVEMENTS = ("flexion", "extension", "abduction", "adduction", "internal_rotation", "external_rotation")


@dataclass(frozen=True)
class MoverRow:
    """One movement in one posture and hip position: the leading muscles and the textbook's."""

    posture: str
    flexion_deg: float
    movement: str
    leaders: tuple[tuple[str, float], ...]   # (muscle id, share 0..1), largest first
    primary: frozenset[str]
    secondary: frozenset[str]
    source: str

    def top(self, k: int = 3) -> list[str]:
        """The ``k`` muscles with the largest share."""
        return [m for m, _ in self.leaders[:k]]

    @property
    def agrees(self) -> bool:
        """Each of the three leading muscles is a textbook (primary or secondary) mover."""
        return all(m in self.primary | self.secondary for m in self.top(3))

    @property
    def primary_count(self) -> int:
        """How many of the three leaders are textbook primary movers."""
        return sum(m in self.primary for m in self.top(3))


@lru_cache(maxsize=1)
def textbook_movers() -> dict:
    """``{movement: {"source": str, position_deg: {"primary": [...], "secondary": [...]}}}``."""
    raw = tomllib.loads(resources.files("hipviz.data").joinpath("textbook_movers.toml").read_text())
    out = {}
    for movement, entry in raw.items():
        out[movement] = {"source": entry["source"]}
        for key, value in entry.items():
            if key != "source":
                out[movement][float(key)] = {"primary": frozenset(value["primary"]),
                                             "secondary": frozenset(value.get("secondary", []))}
    return out


def muscle_shares(ms, i: int) -> dict[str, float]:
    """Share of each muscle (its bundles summed) in pose ``i`` of a :class:`MuscleState`."""
    out: dict[str, float] = {}
    for mid, s in zip(ms.muscle_ids, ms.share[i]):
        out[mid] = out.get(mid, 0.0) + float(s)
    return out


def prime_mover_table(model, *, postures=("standing", "supine"), flexions=(0.0, 45.0, 90.0),
                      movements=TABLE_MOVEMENTS, knee_deg: float = 0.0,
                      effort_nm: float = TABLE_EFFORT_NM, criterion: str = "muscles") -> list[MoverRow]:
    """Rank the muscles of every movement, posture and hip position by their share.

    Parameters
    ----------
    model : Model
    postures, flexions, movements : sequences
        What to tabulate; ``flexions`` in degrees must be positions listed in the textbook
        data (0, 45, 90).
    knee_deg : float, default: 0
        Knee flexion of the moving leg.
    effort_nm : float
        The push in the movement's direction (see :data:`TABLE_EFFORT_NM`).
    criterion : {"muscles", "bundles"}
        The static-optimisation cost (see :func:`hipviz.evaluate`).

    Returns
    -------
    list of MoverRow
    """
    from .evaluate import evaluate

    book = textbook_movers()
    rows = []
    f = np.asarray(flexions, float)
    for posture in postures:
        for movement in movements:
            st = evaluate(model, {"flexion": f, "knee": knee_deg}, posture=posture, movement=movement,
                          effort_nm=effort_nm, with_paths=False, criterion=criterion)
            for i, fl in enumerate(f):
                shares = muscle_shares(st.muscles[st.side], i)
                leaders = tuple(sorted(((m, s) for m, s in shares.items() if s > 0), key=lambda t: -t[1]))
                ref = book[movement][float(fl)]
                rows.append(MoverRow(posture, float(fl), movement, leaders, ref["primary"], ref["secondary"],
                                     book[movement]["source"]))
    return rows
