"""Moment-arm sweep benchmark: 10,000 random poses x every bundle of one side.

Run by hand: ``python benchmarks/bench_moment_arms.py [N] [--cli-rows M]``. Prints microseconds
per bundle-pose for the sweep, the time for one pose (what a slider drag costs), and the command
line ``hipviz moment-arms --poses`` on a 20,000-pose file (and, with ``--cli-rows``, on a file of
M rows, e.g. 1000000) with its time and peak memory.
Targets (issues 3 and 11): at most 1 us per bundle-pose on one core through the public
``hipviz.moment_arms``; one pose well under 1 ms; the CLI's 20,000 poses x 30 bundles in under
2 s, and under 500 MB whatever the file's length.
For comparison, a general-purpose musculoskeletal engine takes about 250 us per bundle-pose.
"""
from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from _timing import best_of  # noqa: E402  (also puts the checkout on sys.path)

import hipviz  # noqa: E402
from hipviz.core.paths import path_kinematics  # noqa: E402

REFERENCE_ENGINE_US = 250.0




def main(n_poses: int = 10_000) -> None:
    model = hipviz.load_model(os.environ.get("HIPVIZ_BONES"))
    ps = model.paths["r"]
    rng = np.random.default_rng(0)
    q = np.column_stack([
        rng.uniform(np.radians(-20), np.radians(110), n_poses),
        rng.uniform(np.radians(-30), np.radians(20), n_poses),
        rng.uniform(np.radians(-30), np.radians(30), n_poses),
    ])
    knee = rng.uniform(0, np.radians(120), n_poses)
    path_kinematics(ps, q[:10], knee[:10])  # warm caches
    sweep = best_of(lambda: path_kinematics(ps, q, knee), 5)
    per = sweep / (n_poses * ps.n_bundles) * 1e6
    one = best_of(lambda: path_kinematics(ps, q[:1], knee[:1]), 50)
    one_paths = best_of(lambda: path_kinematics(ps, q[:1], knee[:1], with_paths=True), 50)
    full = best_of(lambda: hipviz.evaluate(model, {"flexion": 45, "knee": 30}), 20)
    deg = {"flexion": np.degrees(q[:, 0]), "adduction": np.degrees(q[:, 1]), "rotation": np.degrees(q[:, 2]),
           "knee": np.degrees(knee)}
    api = best_of(lambda: hipviz.moment_arms(model, deg), 5)
    api_per = api / (n_poses * ps.n_bundles) * 1e6
    print(f"bundles per side:                 {ps.n_bundles}")
    print(f"sweep {n_poses} poses x {ps.n_bundles} bundles:  {sweep * 1e3:8.1f} ms")
    print(f"per bundle-pose:                  {per:8.3f} us  (target <= 1 us; "
          f"{REFERENCE_ENGINE_US / per:,.0f}x faster than a {REFERENCE_ENGINE_US:.0f} us/bundle-pose engine)")
    print(f"public hipviz.moment_arms():      {api_per:8.3f} us per bundle-pose  (target <= 1 us; "
          f"{api * 1e3:.1f} ms for the sweep)")
    print(f"one pose, all bundles, numbers:   {one * 1e3:8.3f} ms  (target well under 1 ms)")
    print(f"one pose, all bundles, with paths:{one_paths * 1e3:8.3f} ms")
    print(f"evaluate(): one pose, both sides, paths, landmarks-free: {full * 1e3:8.3f} ms")
    # what one slider step in the window asks for: a movement (activation) and the body placed on the floor
    window = best_of(lambda: hipviz.evaluate(model, {"hip_flexion_r": 45}, movement="flexion"), 20)
    print(f"evaluate() as the window asks (movement, on the floor): {window * 1e3:8.3f} ms  "
          f"(target well under 5 ms: the window's whole slider-to-frame budget is 16 ms)")
    # the same request again is partly remembered (placement, paths): a slider drag changes the pose
    # every step, as the window does (its request: hipviz.app.request.Request.evaluate_args)
    ask = dict(side="right", posture="standing", movement="flexion", lock_pelvis=True, compensation=0.5, load_n=0.0,
               contacts=None)
    angles = iter(np.concatenate([np.arange(20.0, 70.0, 0.5), np.arange(70.0, 20.0, -0.5)] * 3))
    drag = [best_of(lambda: hipviz.evaluate(model, {"hip_flexion_r": float(next(angles))}, **ask), 1)
            for _ in range(200)]
    print(f"evaluate() in a slider drag (the window's request, a new angle each step): "
          f"best {min(drag) * 1e3:.3f} ms, median {np.median(drag) * 1e3:.3f} ms")


def cli_run(n_rows: int) -> tuple[float, float, int]:
    """``hipviz moment-arms --poses`` on a file of ``n_rows`` random poses, written to a file:
    seconds, the child's peak memory (MB) and the output's rows."""
    rng = np.random.default_rng(1)
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = os.path.join(tmp, "poses.csv"), os.path.join(tmp, "arms.csv")
        with open(src, "w") as f:
            f.write("flexion,adduction,rotation,knee\n")
            for start in range(0, n_rows, 100_000):
                m = min(100_000, n_rows - start)
                block = np.column_stack([rng.uniform(-20, 110, m), rng.uniform(-30, 20, m),
                                         rng.uniform(-30, 30, m), rng.uniform(0, 120, m)])
                np.savetxt(f, block, fmt="%.2f", delimiter=",")
        cmd = [sys.executable, "-c", "import sys; from hipviz.cli import main; sys.exit(main())",
               "moment-arms", "--poses", src]
        env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        t0 = time.perf_counter()
        with open(dst, "w") as out:
            done = subprocess.run(cmd, stdout=out, stderr=subprocess.PIPE, text=True, env=env)
        seconds = time.perf_counter() - t0
        if done.returncode != 0:
            sys.exit(f"hipviz moment-arms failed ({done.returncode}): {done.stderr[-500:]}")
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        with open(dst) as f:
            rows = sum(1 for _ in f) - 1
    return seconds, peak, rows


def cli(n_rows: int) -> None:
    seconds, peak, rows = cli_run(n_rows)
    print(f"CLI moment-arms --poses, {n_rows:,} poses -> {rows:,} rows (pose x bundle): {seconds:6.2f} s, "
          f"peak memory {peak:.0f} MB  (targets: 20,000 poses x 30 bundles under 2 s; under 500 MB at any length)")


if __name__ == "__main__":
    args = sys.argv[1:]
    extra = None
    if "--cli-rows" in args:
        k = args.index("--cli-rows")
        extra = int(args[k + 1])
        del args[k:k + 2]
    main(int(args[0]) if args else 10_000)
    cli(20_000)
    if extra:
        cli(extra)
