"""Shared helpers of the benchmark scripts (run by hand; no assertions)."""
from __future__ import annotations

import os
import sys
import time

# the scripts run from a checkout without installing: make `import hipviz` find it
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def best_of(fn, repeat: int) -> float:
    """The fastest of ``repeat`` runs of ``fn()``, seconds (least disturbed by other work)."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def rss_mb() -> float:
    """Resident set size of this process now, MB (Linux ``/proc``; NaN elsewhere)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")
