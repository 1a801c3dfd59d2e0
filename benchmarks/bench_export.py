"""Export benchmark: a 10 s recorded walk at 100 Hz to CSV, and to an MP4 movie.

Run by hand: ``python benchmarks/bench_export.py [--mp4-seconds S] [--size WxH]``. Prints, without
assertions (other work on the 2 cores slows it):

* the CSV export of every frame (1,001 rows of the motion) and every bundle of both legs: reading
  the ``.mot``, placing the body on its feet, evaluating, formatting and writing, end to end,
  against its target of 1 s, and each part;
* the MP4 at 1280 x 720 (30 frames a second of the walk, FXAA): frames rendered and encoded a
  second, end to end (one plotter for all frames).

The walk is the synthetic gait cycle of ``tests/data/make_motions.py``, repeated for 10 s.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from _timing import best_of  # noqa: F401  (puts the checkout on sys.path)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "data"))

import numpy as np  # noqa: E402

import hipviz  # noqa: E402
from hipviz.io.export_csv import write_frames_csv  # noqa: E402
from hipviz.io.frames import MotionFrames  # noqa: E402
from hipviz.io.motion import read_motion  # noqa: E402

CSV_TARGET_S = 1.0


def write_walk(path: Path, seconds: float = 10.0) -> None:
    import make_motions as mm

    t, clin = mm.walk(n_strides=int(np.ceil(seconds / mm.STRIDE_S)) + 1)
    keep = t <= seconds + 1e-9
    cols = {k: v[keep] for k, v in mm._osim(clin, knee_negative=True).items()}
    head = (f"Coordinates\nversion=1\nnRows={keep.sum()}\nnColumns={len(cols) + 1}\ninDegrees=yes\n"
            "endheader\n")
    path.write_text(head + mm._table(t[keep], cols), encoding="utf-8")


def bench_csv(model, mot: Path, out: Path) -> float:
    t0 = time.perf_counter()
    motion = read_motion(mot)
    t1 = time.perf_counter()
    src = MotionFrames(motion, model)
    t2 = time.perf_counter()
    chunks = list(src.chunks(model, with_paths=False))
    t3 = time.perf_counter()
    write_frames_csv(chunks, out, time_s=src.time_s)
    t4 = time.perf_counter()
    n_b = sum(len(chunks[0].state.muscles[c].muscle_ids) for c in ("r", "l"))
    total = t4 - t0
    print(f"CSV: {motion.n_frames} frames x {n_b} bundles = {motion.n_frames * n_b:,} rows, "
          f"{out.stat().st_size / 1e6:.1f} MB")
    print(f"  read {1000 * (t1 - t0):.0f} ms, place {1000 * (t2 - t1):.0f} ms, evaluate {1000 * (t3 - t2):.0f} ms "
          f"({len(chunks)} batches), format + write {1000 * (t4 - t3):.0f} ms")
    print(f"  total {total:.2f} s (target < {CSV_TARGET_S:.0f} s): {'OK' if total < CSV_TARGET_S else 'SLOW'}")
    return total


def bench_mp4(model, mot: Path, out: Path, size: tuple[int, int], seconds: float | None) -> float:
    from hipviz.render.movie import write_movie

    motion = read_motion(mot)
    if seconds is not None:
        keep = motion.time_s <= motion.time_s[0] + seconds
        from dataclasses import replace
        motion = replace(motion, time_s=motion.time_s[keep], values={k: v[keep] for k, v in motion.values.items()})
    src = MotionFrames(motion, model, fps=30)
    t0 = time.perf_counter()
    write_movie(model, src, out, size=size, fps=30, view="side")
    took = time.perf_counter() - t0
    print(f"MP4: {src.n_frames} frames at {size[0]}x{size[1]}, {out.stat().st_size / 1e6:.1f} MB, {took:.1f} s: "
          f"{src.n_frames / took:.1f} frames a second rendered and encoded")
    return src.n_frames / took


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--mp4-seconds", type=float, default=None, help="film only this much of the walk (default all 10 s)")
    p.add_argument("--size", default="1280x720")
    p.add_argument("--no-mp4", action="store_true")
    args = p.parse_args()
    model = hipviz.load_model()
    with tempfile.TemporaryDirectory() as d:
        mot = Path(d) / "walk_10s.mot"
        write_walk(mot)
        hipviz.evaluate(model, {"flexion": [0, 1]}, movement="auto", place=False)  # warm the caches
        bench_csv(model, mot, Path(d) / "walk.csv")
        bench_csv(model, mot, Path(d) / "walk2.csv")  # again, warm
        if not args.no_mp4:
            w, h = (int(v) for v in args.size.split("x"))
            bench_mp4(model, mot, Path(d) / "walk.mp4", (w, h), args.mp4_seconds)


if __name__ == "__main__":
    os.environ.setdefault("PYVISTA_OFF_SCREEN", "true")
    main()
