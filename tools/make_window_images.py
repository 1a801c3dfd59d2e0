"""Pictures of the window for docs/window.md (issue 11): two screen sizes, normal and projector
mode, light and dark, three subjects. Run: ``python tools/make_window_images.py [--only WORD]``.

Each picture is ``hipviz --screenshot`` of the real window (a private Xvfb when there is no
display), named ``docs/images/window_<width>_<mode>_<background>_<subject>.png``.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUBJECTS = {
    "standing_flexion": ["--flexion", "60", "--movement", "flexion"],
    "supine_er90": ["--posture", "supine", "--flexion", "90", "--knee", "90", "--movement", "external_rotation"],
    "lesson_deep_six": ["--scene", str(ROOT / "scenes" / "02_deep_six.toml"), "--step", "2"],
}
SIZES = {"1024": "1024x768", "1920": "1920x1080"}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", default="", help="only pictures whose name contains this")
    p.add_argument("--out", default=str(ROOT / "docs" / "images"))
    a = p.parse_args()
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "xcb"
    private = not env.get("DISPLAY")  # a private Xvfb per picture: it quits with its one client
    sys.path.insert(0, str(ROOT))
    from hipviz.app.display import start_xvfb

    for width, size in SIZES.items():
        for mode in ("normal", "projector"):
            for bg, flag in (("light", "white"), ("dark", "dark")):
                for subject, args in SUBJECTS.items():
                    name = f"window_{width}_{mode}_{bg}_{subject}.png"
                    if a.only not in name:
                        continue
                    cmd = [sys.executable, "-m", "hipviz", "--screenshot", str(Path(a.out) / name), "--overwrite",
                           "--size", size, "--background", flag, *args]
                    if mode == "projector":
                        cmd.append("--presentation")
                    proc = None
                    if private:
                        proc, env["DISPLAY"] = start_xvfb("1920x1080x24")
                    try:
                        subprocess.run(cmd, env=env, check=True, cwd=ROOT)
                    finally:
                        if proc is not None:
                            proc.terminate()


if __name__ == "__main__":
    main()
