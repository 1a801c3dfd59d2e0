"""Pictures of the shipped lessons for docs/lessons.md: one key step of each, as a class sees it.

Run from the repository root: ``python tools/make_lesson_pictures.py``. For each lesson the step
whose working muscles are busiest is drawn with its own camera, caption and the lesson's fixed
colour scale (``hipviz render --scene FILE --step N``), 960 x 600, into docs/images/lessons/.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import hipviz  # noqa: E402
from hipviz.io.scenes import load_scene, shipped_scenes  # noqa: E402

OUT = ROOT / "docs" / "images" / "lessons"


def key_step(model, scene) -> int:
    """1-based index of the step with the highest peak of its colouring (ties: the later)."""
    mode = scene.colour or "effort"
    best, best_i = -1.0, len(scene.steps)
    for i, step in enumerate(scene.steps, start=1):
        if step.movement is None:
            continue
        st = hipviz.evaluate(model, step.pose, with_paths=False, **step.evaluate_kwargs())
        peak = st.peak(mode)
        if peak >= best:
            best, best_i = peak, i
    return best_i


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    model = hipviz.load_model()
    rows = []
    for path in shipped_scenes():
        scene = load_scene(path, postures=model.postures)
        i = key_step(model, scene)
        step = scene.steps[i - 1]
        out = OUT / f"{path.stem}.png"
        cmd = [sys.executable, "-m", "hipviz", "render", "--scene", str(path), "--step", str(i), "-o", str(out),
               "--size", "960x600", "--overwrite"]
        if step.view:
            cmd += ["--view", step.view]
        subprocess.run(cmd, check=True)
        rows.append((path.stem, scene.title, i, step.caption))
        print(f"{out.relative_to(ROOT)}: step {i}, {step.caption}")


if __name__ == "__main__":
    main()
