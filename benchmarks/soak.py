"""Soak test: a long lesson's worth of work in one process, watching memory and the slowest update.

Run by hand: ``python benchmarks/soak.py [--evals 100000] [--window 10000] [--renders 2000]
[--budget-s 300] [--only evals|window|renders]`` (``--only window --window 2000``: just a short
window soak; a count of 0 skips that part). Three parts, each in its own fresh process (so one
part's memory does not hide another's):

1. **evaluations**: single-pose ``hipviz.evaluate`` calls as a slider drag makes them (a new pose
   every call, flexion sweeping with the knee and the other angles drifting, activation on),
   with paths as the window needs them;
2. **window updates** (needs a display; without one a private Xvfb is started, with
   ``QT_QPA_PLATFORM=xcb``): the flexion slider moved one step, evaluated, drawn and painted,
   the panels refreshed every tenth step, as in a drag;
3. **off-screen renders**: ``render_png`` of a changing pose to a small PNG, each with a new
   scene and renderer (as ``hipviz render`` makes it) in the process's one off-screen window
   (a new OpenGL context per picture used to leave ~15 KB behind in the driver each time).

Each part prints the resident memory after a warm-up and at the end (target: growth under
10 MB), the rate and the slowest single update. A part that cannot finish its count within
``--budget-s`` seconds stops there and says how many it ran. No assertions.
"""
from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import tempfile
import time

from _timing import rss_mb  # also puts the checkout on sys.path

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)




def _pose(i: int) -> dict:
    """A slider drag: flexion sweeps 0..110..0 one degree a step; the rest drifts slowly."""
    import math
    f = i % 220
    return {"flexion": float(f if f <= 110 else 220 - f) + 0.37 * (i % 3), "knee": 45 + 40 * math.sin(i / 97),
            "adduction": 10 * math.sin(i / 311), "rotation": 15 * math.sin(i / 173)}


class Trace:
    """Memory every tenth of the run, to tell a leak (steady growth) from caches filling once."""

    def __init__(self, n: int) -> None:
        self.every = max(n // 10, 1)
        self.points: list[tuple[int, float]] = []

    def __call__(self, i: int) -> None:
        if i % self.every == 0:
            self.points.append((i, rss_mb()))


def _report(name: str, n_done: int, n_asked: int, t0: float, mem0: float, times, unit: str,
            trace: Trace | None = None) -> None:
    gc.collect()
    mem1 = rss_mb()
    wall = time.perf_counter() - t0
    import numpy as np
    t = np.array(times) * 1000
    cut = "" if n_done == n_asked else f" (of {n_asked} asked: stopped at the time budget)"
    print(f"{name}: {n_done} {unit}{cut} in {wall:.0f} s, {n_done / wall:.0f}/s")
    print(f"  memory: {mem0:.1f} MB after warm-up -> {mem1:.1f} MB at the end, growth {mem1 - mem0:+.1f} MB "
          f"(target < 10 MB)")
    print(f"  per update: median {np.median(t):.2f} ms, 99th percentile {np.percentile(t, 99):.2f} ms, "
          f"slowest {t.max():.1f} ms (update {int(np.argmax(t))})")
    if trace is not None and trace.points:
        print("  memory along the run (update: MB): " + ", ".join(f"{i}: {m:.1f}" for i, m in trace.points))
    sys.stdout.flush()


def _soak(name: str, unit: str, n: int, budget: float, update, prepare=None) -> None:
    """Time ``n`` calls of ``update`` (its argument: ``prepare(i)``, untimed, else ``i``), watching
    memory from here on, and print the report; stop early at ``budget`` seconds."""
    import numpy as np

    gc.collect()
    mem0 = rss_mb()
    times = np.empty(n)  # preallocated: a growing list of floats would itself add ~3 MB per 100,000
    trace = Trace(n)
    t0 = time.perf_counter()
    done = 0
    for i in range(n):
        arg = prepare(i) if prepare is not None else i
        t = time.perf_counter()
        update(arg)
        times[done] = time.perf_counter() - t
        done += 1
        trace(done)
        if time.perf_counter() - t0 > budget:
            break
    _report(name, done, n, t0, mem0, times[:done], unit, trace)


def part_evals(n: int, budget: float) -> None:
    sys.path.insert(0, ROOT)
    import hipviz
    model = hipviz.load_model()
    for i in range(200):  # warm-up: caches, force-length ranges, first-call costs
        hipviz.evaluate(model, _pose(i), movement="flexion")
    _soak("evaluations (one pose each, paths and activation)", "evaluations", n, budget,
          lambda i: hipviz.evaluate(model, _pose(200 + i), movement="flexion"))


def part_window(n: int, budget: float) -> None:
    sys.path.insert(0, ROOT)
    from PySide6.QtWidgets import QApplication

    app = QApplication([sys.argv[0]])
    from hipviz.app.window import MainWindow

    win = MainWindow()
    win.resize(1280, 800)
    win.show()
    while win.view.frames == 0:
        app.processEvents()
    slider = win.controls.angles["flexion"].slider
    view = win.view

    def step(i: int) -> None:
        f = i % 220
        before = view.frames
        slider.setValue(int(f if f <= 110 else 220 - f) + (1 if slider.value() == 0 and i % 220 == 0 else 0))
        deadline = time.perf_counter() + 5
        while view.frames == before and time.perf_counter() < deadline:
            app.processEvents()
        if i % 10 == 0:
            win.update_panels()

    for i in range(1, 201):
        step(i)
    _soak("window updates (slider step -> evaluate -> draw -> paint; panels every 10th)", "updates", n, budget,
          lambda i: step(201 + i))
    win.close()


def part_renders(n: int, budget: float) -> None:
    sys.path.insert(0, ROOT)
    import hipviz
    from hipviz.render import render_png
    model = hipviz.load_model()
    out = os.path.join(tempfile.mkdtemp(prefix="hipviz-soak-"), "soak.png")
    for i in range(10):
        render_png(hipviz.evaluate(model, _pose(i)), out, size=(320, 200))
    _soak("off-screen renders (render_png, 320 x 200, a new scene each)", "renders", n, budget,
          lambda state: render_png(state, out, size=(320, 200)),
          prepare=lambda i: hipviz.evaluate(model, _pose(10 + 7 * i), movement="flexion" if i % 2 else None))
    os.remove(out)


_PARTS = ("evals", "window", "renders")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--evals", type=int, default=100_000)
    p.add_argument("--window", type=int, default=10_000)
    p.add_argument("--renders", type=int, default=2_000)
    p.add_argument("--budget-s", type=float, default=300.0, help="time limit of each part (default 300 s)")
    p.add_argument("--only", choices=_PARTS, help="run only this part (each part's count still applies)")
    p.add_argument("--part", choices=_PARTS, help=argparse.SUPPRESS)  # one part, in this process
    args = p.parse_args()
    if args.part == "evals":
        return part_evals(args.evals, args.budget_s)
    if args.part == "window":
        return part_window(args.window, args.budget_s)
    if args.part == "renders":
        return part_renders(args.renders, args.budget_s)
    common = ["--evals", str(args.evals), "--window", str(args.window), "--renders", str(args.renders),
              "--budget-s", str(args.budget_s)]
    counts = {"evals": args.evals, "window": args.window, "renders": args.renders}
    for part in _PARTS:
        if (args.only is not None and part != args.only) or counts[part] <= 0:
            continue
        env = dict(os.environ)
        xvfb = None
        if part == "window":
            env["QT_QPA_PLATFORM"] = "xcb"
            if not env.get("DISPLAY"):
                sys.path.insert(0, ROOT)
                from hipviz.app.display import start_xvfb
                xvfb, env["DISPLAY"] = start_xvfb("1920x1080x24")
        try:
            subprocess.run([sys.executable, os.path.abspath(__file__), "--part", part, *common], env=env, check=False)
        finally:
            if xvfb is not None and xvfb.poll() is None:
                xvfb.terminate()


if __name__ == "__main__":
    main()
