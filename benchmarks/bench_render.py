"""Render benchmark: what a slider drag costs in the 3D view (software OpenGL, no GPU).

Run by hand: ``python benchmarks/bench_render.py [WIDTH HEIGHT]`` (default 1280 x 800).
Prints, without assertions (other busy processes on the 2 cores inflate the medians; the
10th percentile is closer to an idle machine):

* first frame: plotter + HipScene construction + first render;
* per frame: ``HipScene.update`` alone, and ``update`` + ``plotter.render()``, with
  anti-aliasing off (interactive; the window's look while something moves: bones at 15 % of
  their triangles, 8-sided tubes) and with 8x multisampling (pictures);
* ``render_png`` at 1600 x 1000 end to end.

The target for a smooth slider is <= 16 ms a frame with anti-aliasing off.
Set ``HIPVIZ_BONES`` to a folder of bones to measure other meshes.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import hipviz  # noqa: E402


def frames(scene, states, plotter, *, render: bool) -> np.ndarray:
    """Milliseconds per frame over the given poses."""
    out = []
    for st in states:
        t0 = time.perf_counter()
        scene.update(st)
        if render:
            plotter.render()
        out.append((time.perf_counter() - t0) * 1000)
    return np.array(out)


def main(width: int = 1280, height: int = 800, n: int = 40) -> None:
    t_import = time.perf_counter()
    from hipviz.render import HipScene, RenderStyle, render_png
    from hipviz.render.vtkplotter import OffscreenPlotter

    t_import = time.perf_counter() - t_import
    model = hipviz.load_model(os.environ.get("HIPVIZ_BONES"))
    n_tri = 0
    # One pose per slider step: hip flexion 0..110 deg with the knee following.
    flex = np.linspace(0, 110, n)
    batch = hipviz.evaluate(model, {"flexion": flex, "knee": flex * 0.8})
    states = [hipviz.evaluate(model, {"flexion": f, "knee": 0.8 * f}) for f in flex]

    t0 = time.perf_counter()
    pl = OffscreenPlotter((width, height))
    scene = HipScene(pl, model, style=RenderStyle.interactive())
    scene.update(states[0])
    scene.set_view("oblique")
    pl.render()
    first = (time.perf_counter() - t0) * 1000
    for actor in scene.bone_actors.values():
        n_tri += actor.GetMapper().GetInput().GetNumberOfCells()
    n_muscle_tri = sum(a.GetMapper().GetInput().GetNumberOfCells() for a in scene.bundle_actors.values())

    print(f"import hipviz.render (VTK): {t_import * 1000:.0f} ms")
    print(f"window {width} x {height}; bones {n_tri} triangles (bone_detail 0.5), muscles {n_muscle_tri} triangles "
          f"in {len(scene.bundle_actors)} bundle actors")
    print(f"first frame (plotter + scene + render): {first:.0f} ms")

    # Updating from one batch state (index i), as a slider over a precomputed movement does.
    upd = []
    for i in range(batch.n):
        t = time.perf_counter()
        scene.update(batch, i)
        upd.append((time.perf_counter() - t) * 1000)
    print(f"HipScene.update alone: median {np.median(upd):.2f} ms, max {np.max(upd):.2f} ms")

    styles = {
        "anti-aliasing off, the window while moving (bone_detail 0.15, 8-sided tubes)":
            RenderStyle.interactive(bone_detail=0.15, tube_sides=8),
        "anti-aliasing off (RenderStyle.interactive: bone_detail 0.5, culling)": RenderStyle.interactive(),
        "anti-aliasing off, full bones": RenderStyle.interactive(bone_detail=1.0),
        "anti-aliasing off, no backface culling": RenderStyle.interactive(backface_culling=False),
        "fxaa, full bones": RenderStyle(anti_aliasing="fxaa"),
        "msaa x8, full bones (render_png default)": RenderStyle(anti_aliasing="msaa", multi_samples=8),
    }
    # Interleave the styles over several rounds so that load from other processes hits all alike.
    times: dict[str, list[float]] = {k: [] for k in styles}
    for _ in range(3):
        for label, style in styles.items():
            scene.set_style(style)
            frames(scene, states[:3], pl, render=True)  # warm up (buffers, shaders)
            times[label] += list(frames(scene, states, pl, render=True))
    for label, ms in times.items():
        ms = np.array(ms)
        print(f"update + render, {label}: median {np.median(ms):.1f} ms, 10th percentile "
              f"{np.percentile(ms, 10):.1f} ms ({1000 / np.median(ms):.0f} frames/s)")
    pl.close()

    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        render_png(states[-1], os.path.join(tmp, "x.png"), size=(1600, 1000))
        print(f"render_png 1600 x 1000 (msaa x8): {(time.perf_counter() - t) * 1000:.0f} ms")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    main(*args)
