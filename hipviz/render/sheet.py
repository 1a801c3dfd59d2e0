"""Contact sheets: a lesson's steps (or a motion's frames) side by side in one PNG, for handouts.

Each picture carries its own caption (the step's words, or the time and which foot is down); a
band at the top names the lesson and gives the colour key once, with the lesson's one colour
scale. Pictures are composed with Pillow; the 3D pictures come from
:func:`hipviz.render.movie.sheet_tiles`.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ..io.atomic import atomic_path
from .style import RenderStyle

__all__ = ["write_sheet", "sheet_layout"]

_TARGET_ASPECT = 0.8  # width / height of a tile: a standing body


def sheet_layout(n: int, size: tuple[int, int], *, header: int, columns: int | None = None) -> tuple[int, int, int, int]:
    """``(columns, rows, tile width, tile height)`` for ``n`` pictures in a sheet of ``size`` (w, h).

    Without ``columns``, the grid whose tiles come closest to a standing body's shape (4:5), with
    few empty cells.

    Examples
    --------
    >>> sheet_layout(8, (2400, 640), header=60)[:2]
    (8, 1)
    >>> sheet_layout(6, (1920, 1080), header=80)[:2]
    (3, 2)
    """
    w, h = int(size[0]), int(size[1]) - int(header)
    if n < 1:
        raise ValueError("a contact sheet needs at least one picture")

    def score(c: int) -> float:
        r = math.ceil(n / c)
        return abs(math.log((w / c) / (h / r) / _TARGET_ASPECT)) + 0.15 * (c * r - n)

    c = int(columns) if columns else min(range(1, n + 1), key=score)
    c = max(1, min(c, n))
    r = math.ceil(n / c)
    return c, r, w // c, h // r


def _font(px: int, bold: bool = False):
    from PIL import ImageFont

    try:
        import matplotlib

        name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
        return ImageFont.truetype(str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name), px)
    except (ImportError, OSError):  # pragma: no cover - matplotlib is a dependency
        return ImageFont.load_default(size=px)


def _rgb(c) -> tuple[int, int, int]:
    return tuple(int(round(255 * float(v))) for v in c[:3])


def _header(draw, width: int, height: int, title: str, style: RenderStyle, coloured: bool) -> None:
    """Title at the left; the colour key (ramp with its scale, antagonist and inactive swatches) at the right."""
    from . import colors, colouring

    text = _rgb(style.text_rgb)
    big = _font(max(12, int(height * 0.40)), bold=True)
    small = _font(max(10, int(height * 0.26)))
    draw.text((int(height * 0.3), height // 2), title, fill=text, font=big, anchor="lm")
    if not coloured:
        return
    mode = style.colour
    scale = style.activation_scale or 1.0
    bar_w, bar_h = int(width * 0.16), max(6, int(height * 0.18))
    x1 = width - int(height * 0.3)
    swatches = [("lengthening against the movement", colors.antagonist_colors(0.5)), ("inactive", colors.INACTIVE_GREY)] \
        if mode != "share" else [("no part in the moment", colors.INACTIVE_GREY)]
    # swatches from the right edge leftwards, then the ramp
    x = x1
    sq = bar_h + 2
    y_mid = int(height * 0.62)
    for label, rgb in reversed(swatches):
        tw = draw.textlength(label, font=small)
        x -= int(tw)
        draw.text((x, y_mid), label, fill=text, font=small, anchor="lm")
        x -= sq + 6
        draw.rectangle([x, y_mid - sq // 2, x + sq, y_mid + sq // 2], fill=_rgb(rgb), outline=text)
        x -= int(height * 0.35)
    x0 = x - bar_w
    ramp = (colors.activation_ramp(bar_w) * 255).round().astype(np.uint8)
    for k in range(bar_w):
        draw.line([x0 + k, y_mid - bar_h // 2, x0 + k, y_mid + bar_h // 2], fill=tuple(int(v) for v in ramp[k]))
    draw.rectangle([x0, y_mid - bar_h // 2, x0 + bar_w, y_mid + bar_h // 2], outline=text)
    heading = colouring.legend_title(mode, None).replace("\N{NO-BREAK SPACE}", " ")
    if mode == "share":
        heading = "Share of the moment, %"
    draw.text((x0, int(height * 0.24)), heading, fill=text, font=small, anchor="lm")
    draw.text((x0, y_mid + bar_h // 2 + 2), "0 %", fill=text, font=small, anchor="lt")
    draw.text((x0 + bar_w, y_mid + bar_h // 2 + 2), f"{scale * 100:g} %", fill=text, font=small, anchor="rt")


def write_sheet(model, source, path, *, size: tuple[int, int] = (1920, 1080), columns: int | None = None,
                n: int | None = None, style: RenderStyle | None = None, view: str = "oblique",
                colour: str | None = None, scale: float | None = None, progress=None) -> Path:
    """Write a contact sheet PNG of a lesson (one picture per step) or a motion (``n`` frames, default 8).

    Parameters
    ----------
    model : hipviz.Model
    source : LessonFrames or MotionFrames
    path : str or Path
        ``.png``, written atomically.
    size : (int, int), default: (1920, 1080)
        The whole sheet, pixels.
    columns : int, optional
        Pictures per row (default: chosen for the sheet's shape).
    n : int, optional
        Frames of a motion (a lesson has one per step).
    style, view, colour, scale, progress
        As :func:`hipviz.render.movie.movie_frames`; ``view`` where a step names none.

    Returns
    -------
    Path
    """
    from PIL import Image, ImageDraw

    from .movie import sheet_tiles

    out = Path(path)
    W, H = int(size[0]), int(size[1])
    header = max(44, int(round(H * 0.075)), int(round(W * 0.022)))
    count = len(source.key_frames(n))
    c, r, tw, th = sheet_layout(count, (W, H), header=header, columns=columns)
    if tw < 64 or th < 64:
        raise ValueError(f"{count} pictures in {c} columns leave {tw} x {th} pixels each in a {W} x {H} sheet; "
                         "make the sheet larger or use fewer columns")
    base = style
    tiles, _, used = sheet_tiles(model, source, tile=(tw, th), style=base, view=view, colour=colour, scale=scale,
                                 n=n, progress=progress)
    bg = _rgb(used.background_rgb)
    sheet = Image.new("RGB", (W, H), bg)
    draw = ImageDraw.Draw(sheet)
    coloured = source.kind == "motion" or any(step.movement is not None for step in source.scene.steps)
    _header(draw, W, header, source.title, used, coloured)
    x_pad = (W - c * tw) // 2
    line = tuple(int(0.82 * v + 0.18 * (255 - v)) for v in bg)
    for k, img in enumerate(tiles):
        i, j = divmod(k, c)
        x, y = x_pad + j * tw, header + i * th
        sheet.paste(Image.fromarray(img), (x, y))
        if j:
            draw.line([x, y + th // 10, x, y + th - th // 10], fill=line, width=1)
    with atomic_path(out, suffix=".png") as tmp:
        sheet.save(tmp, format="PNG")
    return out
