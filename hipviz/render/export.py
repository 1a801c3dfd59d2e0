"""``render_png``: one picture of an evaluated state, off-screen, no display needed."""
from __future__ import annotations

from pathlib import Path

from ..core.pose import PELVIS_ANGLES
from ..io.atomic import write_bytes
from .style import RenderStyle

__all__ = ["render_png", "default_caption", "png_bytes"]


def _deg(x: float) -> str:
    return f"{x:.0f}\N{DEGREE SIGN}"


def _kv(name: str, value: float) -> str:
    """``"flexion 90°"`` with a no-break space, so that wrapping never separates name and value."""
    return f"{name}\N{NO-BREAK SPACE}{_deg(value)}"


def default_caption(state, i: int = 0) -> str:
    """Words for pose ``i``: side, hip and knee angles, posture, and the pelvis if it moved.

    Examples
    --------
    Two lines (a third names the pelvis angles when the pelvis has moved)::

        Right hip: flexion 90°, adduction 0°, rotation 0°
        Knee flexion 90° · standing
    """
    c = state.side
    p = state.poses
    side = "Right" if c == "r" else "Left"
    a = {k: float(p.degrees(f"{k}_{c}")[i]) for k in ("hip_flexion", "hip_adduction", "hip_rotation", "knee_flexion")}
    lines = [f"{side} hip: {_kv('flexion', a['hip_flexion'])}, {_kv('adduction', a['hip_adduction'])}, "
             f"{_kv('rotation', a['hip_rotation'])}",
             f"Knee {_kv('flexion', a['knee_flexion'])} \N{MIDDLE DOT} {state.posture.name.replace('_', ' ')}"]
    # Pelvis words with the signs of ranges.toml: + anterior tilt, + right side up, + rotated to the left.
    words = {"tilt": ("anterior tilt", "posterior tilt"), "obliquity": ("right side up", "left side up"),
             "rotation": ("rotated left", "rotated right")}
    moved = []
    for k, (pos, neg) in words.items():
        v = float(p.degrees(PELVIS_ANGLES[k])[i])
        if abs(v) > 0.5:
            moved.append(_kv(pos if v > 0 else neg, abs(v)))
    if moved:
        lines.append("Pelvis: " + ", ".join(moved))
    movement = getattr(state, "movement", None)
    if movement:
        locked = "pelvis locked" if getattr(state, "lock_pelvis", True) else "pelvis free"
        lines.append(f"Movement: {movement.replace('_', ' ').replace('+', ' + ')} \N{MIDDLE DOT} {locked}")
    return "\n".join(lines)


def render_png(state, path, *, view: str = "oblique", size: tuple[int, int] = (1600, 1000), muscles: bool = True,
               i: int = 0, style: RenderStyle | None = None, transparent: bool = False,
               caption: str | None = None, anatomical_view: bool = False) -> Path:
    """Render pose ``i`` of a state to a PNG file, off-screen.

    Parameters
    ----------
    state : hipviz.State
        From :func:`hipviz.evaluate` (with paths, for muscles).
    path : str or Path
        Output ``.png`` file (any case: ``.PNG``); its folder must exist. The picture is written
        beside it and renamed into place when complete, so an existing file is replaced only by
        a whole picture (never a truncated one, even on a full disk or when killed).
    view : str, default: "oblique"
        A camera preset of :data:`hipviz.render.VIEWS` (front, back, left, right, side, top, oblique),
        fixed in the room: gravity points down the picture and a lying body is seen lying on
        the floor.
    size : (int, int), default: (1600, 1000)
        Width and height in pixels.
    muscles : bool, default: True
        Draw the muscle bundles.
    i : int, default: 0
        Pose of the batch to draw.
    style : RenderStyle, optional
        Default: ``RenderStyle()`` (white background, 8x multisampling).
    transparent : bool, default: False
        Write an RGBA picture whose background is transparent.
    caption : str, optional
        Caption at the top left; default :func:`default_caption` (side, angles, posture);
        ``""`` for none.
    anatomical_view : bool, default: False
        Turn the preset with the posture instead ("front" faces the body's front, so a supine
        body is drawn as if it stood).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    OSError
        The file cannot be written (no permission, disk full); nothing is changed.
    hipviz.render.bones.MeshError
        (a ``ValueError``) A bone mesh of the model cannot be read or drawn.

    Examples
    --------
    >>> import hipviz
    >>> from hipviz.render import render_png
    >>> state = hipviz.evaluate(hipviz.load_model(), {"flexion": 90, "knee": 90})
    >>> render_png(state, "/tmp/hip.png", view="side")  # doctest: +SKIP
    PosixPath('/tmp/hip.png')
    """
    import os

    if not os.environ.get("DISPLAY"):
        # off-screen without X: VTK first tries X, warns "bad X server connection", then uses
        # EGL; the warning only alarms users, so keep VTK's log to errors
        from vtkmodules.vtkCommonCore import vtkLogger
        vtkLogger.SetStderrVerbosity(vtkLogger.VERBOSITY_ERROR)

    from .scene import HipScene
    from .vtkplotter import offscreen_plotter

    out = Path(path)
    w, h = (int(v) for v in size)
    if w < 16 or h < 16:
        raise ValueError(f"size must be at least 16 x 16 pixels, found {w} x {h}")
    style = style or RenderStyle()
    # One off-screen window for the whole process, a fresh renderer (and scene) per picture: a
    # new OpenGL context per picture would leak ~15 KB in the driver each time (and cost ~90 ms).
    with offscreen_plotter((w, h)) as plotter:
        scene = HipScene(plotter, state.model, style=style)
        try:
            scene.update(state, i)
            scene.set_muscles_visible(muscles)
            scene.set_caption(default_caption(state, i) if caption is None else caption)
            scene.anatomical_views = bool(anatomical_view)
            scene.set_view(view)
            img = plotter.screenshot(transparent_background=transparent)
        finally:
            scene.close()  # its render observer would otherwise keep the scene alive
    write_bytes(out, png_bytes(img))
    return out


def png_bytes(img) -> bytes:
    """An ``(h, w, 3|4)`` uint8 picture encoded as PNG."""
    import io

    import numpy as np
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(img, dtype=np.uint8)).save(buf, format="PNG")
    return buf.getvalue()
