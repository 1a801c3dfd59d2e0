"""Render the pictures in docs/images from the current model (off-screen, no display needed).

Run from the repository root: ``python tools/make_pictures.py``.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import hipviz  # noqa: E402
from hipviz.render import render_png  # noqa: E402

OUT = ROOT / "docs" / "images"


def side_by_side(left: Path, right: Path, out: Path, titles: tuple[str, str]) -> None:
    """Join two renders into one picture with a large title above each half."""
    from PIL import Image, ImageDraw, ImageFont
    a, b = Image.open(left), Image.open(right)
    pad = 90
    img = Image.new("RGB", (a.width + b.width, a.height + pad), "white")
    img.paste(a, (0, pad))
    img.paste(b, (a.width, pad))
    draw = ImageDraw.Draw(img)
    try:
        font = ImageFont.truetype("DejaVuSans-Bold.ttf", 46)
    except OSError:
        font = ImageFont.load_default()
    for x0, text in ((0, titles[0]), (a.width, titles[1])):
        draw.text((x0 + 40, 22), text, fill=(20, 20, 20), font=font)
    draw.line([(a.width, pad), (a.width, img.height)], fill=(160, 160, 160), width=3)
    img.save(out)


def main() -> None:
    model = hipviz.load_model()
    # Issues 2-3: bones and muscles from the standard views
    neutral = hipviz.evaluate(model, {})
    for view in ("front", "side", "back", "top", "oblique"):
        render_png(neutral, OUT / f"render_{view}.png", view=view, size=(1600, 1000))
    render_png(hipviz.evaluate(model, {"flexion": 90, "knee": 90}), OUT / "render_flexion90_knee90.png",
               view="oblique", size=(1600, 1000))
    tmp = OUT / "_tmp"
    tmp.mkdir(exist_ok=True)
    # Issue 4: the same request, pelvis locked and free
    request = {"flexion": 125, "knee": 110}
    for lock, name in ((True, "locked"), (False, "free")):
        st = hipviz.evaluate(model, request, lock_pelvis=lock, movement="flexion")
        render_png(st, tmp / f"knee_lift_{name}.png", view="right", size=(1100, 1000))
    side_by_side(tmp / "knee_lift_locked.png", tmp / "knee_lift_free.png", OUT / "lock_pelvis_knee_lift.png",
                 ("Pelvis locked: the hip stops at 110°", "Pelvis free: it tilts back, the ASIS rise"))
    request = {"abduction": 60}
    for lock, name in ((True, "locked"), (False, "free")):
        st = hipviz.evaluate(model, request, lock_pelvis=lock, movement="abduction")
        render_png(st, tmp / f"abduction_{name}.png", view="front", size=(1100, 1000))
    side_by_side(tmp / "abduction_locked.png", tmp / "abduction_free.png", OUT / "lock_pelvis_abduction.png",
                 ("Pelvis locked: abduction stops at 45°", "Pelvis free: the right side hikes"))
    # activation examples
    st = hipviz.evaluate(model, {}, movement="external_rotation")
    render_png(st, OUT / "activation_external_rotation.png", view="back", size=(1600, 1000))
    st = hipviz.evaluate(model, {"abduction": 20}, posture="side_lying", movement="abduction")
    render_png(st, OUT / "activation_side_lying_abduction.png", view="front", size=(1600, 1000))
    for f in tmp.iterdir():
        f.unlink()
    tmp.rmdir()
    print("wrote docs/images/render_*.png, lock_pelvis_*.png and activation_*.png")


if __name__ == "__main__":
    main()
