"""Activation benchmark: one pose (a slider step) and a 1,000-pose movement.

Run by hand: ``python benchmarks/bench_activation.py``. Target (issue 4): one pose well
under 5 ms so a slider drag stays smooth.
"""
from __future__ import annotations

import numpy as np

from _timing import best_of  # also puts the checkout on sys.path

import hipviz  # noqa: E402


def main() -> None:
    model = hipviz.load_model()
    pose = {"flexion": 60, "adduction": -10, "knee": 45}
    hipviz.evaluate(model, pose, movement="flexion")
    bare = best_of(lambda: hipviz.evaluate(model, pose), 30)
    one = best_of(lambda: hipviz.evaluate(model, pose, movement="flexion"), 30)
    free = best_of(lambda: hipviz.evaluate(model, {**pose, "flexion": 120}, movement="flexion", lock_pelvis=False), 30)
    import time
    drag = np.linspace(0, 100, 200)
    t = time.perf_counter()
    for f in drag:  # a slider drag: every pose new, the body re-placed on its standing foot
        hipviz.evaluate(model, {**pose, "flexion": f}, movement="flexion")
    slider = (time.perf_counter() - t) / drag.size
    squat = {"hip_flexion_r": 60.0, "hip_flexion_l": 60.0, "knee": 70.0, "knee_flexion_l": 70.0}
    hipviz.evaluate(model, squat, contacts=["feet"], movement="auto")
    t = time.perf_counter()
    for f in drag:  # a whole-body drag: both legs on the floor, the pelvis tilting with them
        hipviz.evaluate(model, {**squat, "hip_flexion_r": f, "hip_flexion_l": f}, contacts=["feet"], movement="auto")
    closed = (time.perf_counter() - t) / drag.size
    movie = {"flexion": np.linspace(0, 120, 1000), "knee": np.linspace(0, 90, 1000)}
    many = best_of(lambda: hipviz.evaluate(model, movie, movement="auto", lock_pelvis=False), 3)
    numbers = best_of(lambda: hipviz.evaluate(model, movie, movement="auto", lock_pelvis=False, with_paths=False), 3)
    print(f"one pose, no activation (paths, both legs, trunk): {bare * 1e3:7.2f} ms")
    print(f"one pose with activation:                          {one * 1e3:7.2f} ms  (target well under 5 ms; "
          f"activation itself {max(one - bare, 0) * 1e3:.2f} ms)")
    print(f"one pose, pelvis free, with activation:            {free * 1e3:7.2f} ms")
    print(f"slider drag, standing (a new pose each time):      {slider * 1e3:7.2f} ms a pose")
    print(f"slider drag, squat on both feet:                   {closed * 1e3:7.2f} ms a pose")
    print(f"1,000-pose movement with activation and paths:     {many * 1e3:7.1f} ms  ({many / 1000 * 1e3:.3f} ms a pose)")
    print(f"1,000-pose movement, numbers only:                 {numbers * 1e3:7.1f} ms")


if __name__ == "__main__":
    main()
