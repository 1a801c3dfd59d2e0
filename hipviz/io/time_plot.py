"""Hip angles and muscles' effort over a played movement, as a matplotlib figure.

:func:`collect_series` gathers, from evaluated frames (:mod:`hipviz.io.frames`), both hips'
flexion, adduction and rotation and each hip muscle's effort on both sides: the share of the
muscle's whole maximal force it uses, ``sum(activation * max force) / sum(max force)`` over its
bundles. :func:`draw_time_plot` draws them on two stacked axes (right leg solid, left dashed),
with the stance of the right foot shaded for a motion and the steps marked for a lesson;
the command line writes it with :func:`write_time_plot`, the window draws it into its own canvas.
matplotlib is imported only when drawing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .atomic import atomic_path

__all__ = ["Series", "collect_series", "most_active", "draw_time_plot", "write_time_plot", "ANGLE_NAMES"]

ANGLE_NAMES = ("flexion", "adduction", "rotation")
_ANGLE_COLOURS = ("#0072B2", "#E69F00", "#009E73")
_MUSCLE_COLOURS = ("#D55E00", "#CC79A7", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#999999", "#E69F00")
_SIDE_STYLE = {"r": "-", "l": "--"}


@dataclass
class Series:
    """What the plot shows, frame by frame.

    Attributes
    ----------
    time_s : (n,) ndarray
    hip : dict
        ``{"r": (n, 3), "l": (n, 3)}`` flexion, adduction, internal rotation, degrees.
    effort : dict
        ``{(muscle_id, side): (n,)}`` 0..1, for each hip muscle and side (NaN where no movement
        was evaluated).
    names : dict
        ``{muscle_id: readable name}``.
    stance : (n,) ndarray of str, optional
        For a motion, ``"r"`` where the right foot is on the floor (standing, or both feet down),
        else ``"l"``.
    keys : list of int
        A lesson's key frames (one per step).
    title : str
    """

    time_s: np.ndarray
    hip: dict
    effort: dict
    names: dict
    stance: np.ndarray | None = None
    keys: list = field(default_factory=list)
    title: str = ""


def collect_series(model, source, chunks=None) -> Series:
    """The :class:`Series` of a :class:`~hipviz.io.frames.LessonFrames` or ``MotionFrames``.

    Parameters
    ----------
    model : hipviz.Model
    source : LessonFrames or MotionFrames
    chunks : iterable of Chunk, optional
        Already evaluated frames (default: evaluated now, without paths).
    """
    n = source.n_frames
    hip = {c: np.full((n, 3), np.nan) for c in ("r", "l")}
    effort: dict = {}
    chunks = source.chunks(model, with_paths=False) if chunks is None else chunks
    for chunk in chunks:
        st, f, r = chunk.state, chunk.frames, chunk.rows
        for c in ("r", "l"):
            hip[c][f] = np.column_stack([st.poses.degrees(f"hip_{a}_{c}")[r] for a in ANGLE_NAMES])
            ms = st.muscles[c]
            ids = np.array(ms.muscle_ids)
            for mid in dict.fromkeys(ms.muscle_ids):
                key = (mid, c)
                if key not in effort:
                    effort[key] = np.full(n, np.nan)
                if ms.activation is None:
                    continue
                sel = ids == mid
                w = ms.max_force[sel]
                effort[key][f] = ms.activation[r][:, sel] @ w / w.sum()
    names = {m.id: m.name for m in model.muscles}
    keys = list(source.key_frames()) if source.kind == "lesson" else []
    stance = getattr(source, "stance", None)
    if stance is not None:  # the right foot is down when it stands, and in double support
        stance = np.where(getattr(source, "both_down", np.zeros(n, bool)), "r", stance)
    return Series(time_s=np.asarray(source.time_s, float), hip=hip, effort=effort, names=names,
                  stance=stance, keys=keys, title=source.title)


def most_active(series: Series, k: int = 4) -> list[str]:
    """The ``k`` muscles whose effort (either side) peaks highest over the movement."""
    peak: dict[str, float] = {}
    for (mid, _), v in series.effort.items():
        if np.isfinite(v).any():
            peak[mid] = max(peak.get(mid, 0.0), float(np.nanmax(v)))
    return [m for m, p in sorted(peak.items(), key=lambda kv: -kv[1]) if p > 0][:k]


def _stance_spans(t: np.ndarray, stance: np.ndarray, side: str = "r"):
    on = np.asarray(stance) == side
    edges = np.flatnonzero(np.diff(np.r_[0, on.astype(int), 0]))
    for a, b in zip(edges[::2], edges[1::2]):
        yield t[a], t[min(b, len(t) - 1)]


def draw_time_plot(fig, series: Series, *, muscles=None, font_scale: float = 1.0):
    """Draw ``series`` on ``fig`` (cleared): hip angles above, muscles' effort below.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    series : Series
    muscles : sequence of str, optional
        Muscle ids for the effort axes (default: :func:`most_active`, four).
    font_scale : float, default: 1

    Returns
    -------
    (Axes, Axes)
        The angle and effort axes.
    """
    fig.clear()
    fs = 9 * font_scale
    muscles = list(most_active(series) if muscles is None else muscles)
    ax1, ax2 = fig.subplots(2, 1, sharex=True)
    t = series.time_s
    for ax in (ax1, ax2):
        if series.stance is not None:
            for k, (a, b) in enumerate(_stance_spans(t, series.stance)):
                ax.axvspan(a, b, color="#E8E8E8", zorder=0, lw=0, label="right foot on the floor" if k == 0 else None)
        for f in series.keys[1:]:
            ax.axvline(t[f], color="#BBBBBB", lw=0.8, zorder=1)
        ax.tick_params(labelsize=fs * 0.9)
        ax.grid(True, axis="y", color="#EEEEEE", zorder=0)
    for j, (name, colour) in enumerate(zip(ANGLE_NAMES, _ANGLE_COLOURS)):
        for c in ("r", "l"):
            label = f"{name} ({'right' if c == 'r' else 'left'})"
            ax1.plot(t, series.hip[c][:, j], _SIDE_STYLE[c], color=colour, lw=1.8 if c == "r" else 1.3, label=label,
                     zorder=3)
    ax1.axhline(0, color="black", lw=0.8, zorder=2)
    ax1.set_ylabel("hip angle (\N{DEGREE SIGN})", fontsize=fs)
    for k, f in enumerate(series.keys):
        ax1.annotate(str(k + 1), (t[f], 1.0), xycoords=("data", "axes fraction"), xytext=(0, 2),
                     textcoords="offset points", ha="center", va="bottom", fontsize=fs * 0.85, color="#666666")
    title = series.title + ("" if not series.keys else "  (numbers: the steps)")
    ax1.set_title(title, fontsize=fs * 1.1, fontweight="bold", pad=14 if series.keys else 6)
    ax1.legend(fontsize=fs * 0.75, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    for k, mid in enumerate(muscles):
        colour = _MUSCLE_COLOURS[k % len(_MUSCLE_COLOURS)]
        for c in ("r", "l"):
            v = series.effort.get((mid, c))
            if v is None:
                continue
            ax2.plot(t, 100 * v, _SIDE_STYLE[c], color=colour, lw=1.8 if c == "r" else 1.3,
                     label=f"{series.names.get(mid, mid)} ({'right' if c == 'r' else 'left'})", zorder=3)
    if not muscles:
        ax2.text(0.5, 0.5, "no movement evaluated: no effort to show", transform=ax2.transAxes, ha="center",
                 va="center", fontsize=fs, color="gray")
    ax2.set_ylim(bottom=0)
    ax2.set_ylabel("effort (% of maximal force)", fontsize=fs)
    ax2.set_xlabel("time (s)", fontsize=fs)
    if muscles:
        ax2.legend(fontsize=fs * 0.75, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    ax2.set_xlim(t[0], t[-1] if len(t) > 1 else t[0] + 1)
    return ax1, ax2


def write_time_plot(series: Series, path, *, muscles=None, size: tuple[int, int] = (1600, 1000), dpi: int = 150) -> Path:
    """Write the plot of ``series`` as a PNG (atomically); see :func:`draw_time_plot`."""
    from matplotlib.figure import Figure

    out = Path(path)
    fig = Figure(figsize=(size[0] / dpi, size[1] / dpi), dpi=dpi, layout="constrained")
    draw_time_plot(fig, series, muscles=muscles, font_scale=1.2)
    with atomic_path(out, suffix=".png") as tmp:
        fig.savefig(tmp, format="png", dpi=dpi)
    return out
