"""Movies (MP4, GIF) and contact sheets (PNG) of a lesson or a recorded motion, off-screen.

One off-screen plotter and one :class:`~hipviz.render.HipScene` draw every frame: the actors are
moved in place, never rebuilt. The colour scale is fixed for the whole movie (a lesson's
:meth:`~hipviz.io.scenes.Scene.colour_scale`, a motion's peak rounded up), so one colour means
one number from start to end. A lesson's frames show the caption of the step they move towards
and its camera preset; the camera is fitted once per preset to the whole stretch it films, so it
does not zoom with the body. A motion's camera follows the pelvis, smoothed (the body walks
across the room-fixed floor grid).

Files are written through :mod:`hipviz.io.atomic`: an interrupted or failed export leaves no
partial file.

Examples
--------
>>> import hipviz
>>> from hipviz.io.frames import frame_source
>>> model = hipviz.load_model()
>>> src = frame_source("tests/data/walk_gait2392.mot", model, fps=10)  # doctest: +SKIP
>>> write_movie(model, src, "walk.mp4", size=(640, 360))                 # doctest: +SKIP
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from ..io.atomic import atomic_path
from .scene import HipScene
from .style import RenderStyle

__all__ = ["MOVIE_SUFFIXES", "write_movie", "movie_frames", "open_plotter", "movie_style", "sheet_tiles"]

MOVIE_SUFFIXES = (".mp4", ".gif")
_SAMPLES = 12          # frames of a camera stretch whose bones the camera fit covers
_FLOOR_SAMPLE = 7      # every n-th bone vertex is enough to fit the camera

Progress = Callable[[int, int], None]


class _FilmScene(HipScene):
    """A HipScene whose camera fit can cover more than the pose shown (a whole stretch of frames)."""

    fit_points: np.ndarray | None = None

    def focus_points(self, *, sample: int = 1) -> np.ndarray:
        """What the camera fits: the scene's own choice, and the whole body over the stretch filmed."""
        own = super().focus_points(sample=sample)
        return own if self.fit_points is None else np.concatenate([own, self.fit_points])

    def bone_points(self, transforms: dict, frames, offset: np.ndarray | None = None) -> np.ndarray:
        """Sampled bone vertices (room, metres) of ``frames`` posed by ``transforms`` ({segment: (n, 4, 4)})."""
        from .scene import _SEGMENT

        pts = []
        for bone, local in self._bone_points.items():
            if not self.bone_actors[bone].GetVisibility():
                continue
            T = transforms[_SEGMENT[bone]][frames]
            p = np.einsum("fij,kj->fki", T[:, :3, :3], local[::_FLOOR_SAMPLE]) + T[:, None, :3, 3]
            if offset is not None:
                p = p - offset[frames][:, None, :]
            pts.append(p.reshape(-1, 3))
        return np.concatenate(pts) if pts else np.zeros((0, 3))


def _quiet_vtk() -> None:
    if not os.environ.get("DISPLAY"):
        from vtkmodules.vtkCommonCore import vtkLogger
        vtkLogger.SetStderrVerbosity(vtkLogger.VERBOSITY_ERROR)


def movie_style(style: RenderStyle | None = None, *, colour: str = "effort", scale: float | None = None,
                height: int = 720) -> RenderStyle:
    """The look of movie frames: ``style`` (default: FXAA, a third of MSAA's cost in software GL,
    names on the three most active muscles, none in pictures under 400 pixels high) with the
    movie's colouring and one fixed scale."""
    base = style or RenderStyle(anti_aliasing="fxaa", label_count=3 if height >= 400 else 0)
    return base.replace(colour=colour, activation_scale=scale)


def open_plotter(model, size: tuple[int, int], style: RenderStyle):
    """An off-screen plotter of ``size`` (w, h) with a scene for ``model``: ``(plotter, scene)``."""
    from .vtkplotter import OffscreenPlotter

    _quiet_vtk()
    w, h = (int(v) for v in size)
    if w < 16 or h < 16:
        raise ValueError(f"size must be at least 16 x 16 pixels, found {w} x {h}")
    plotter = OffscreenPlotter((w, h))
    return plotter, _FilmScene(plotter, model, style=style)


def _grab(plotter) -> np.ndarray:
    return np.ascontiguousarray(plotter.screenshot()[..., :3])


def _geometry(model, source) -> dict:
    """Every frame's segment transforms ({segment: (n, 4, 4)}), from a quick pass without paths."""
    out: dict[str, np.ndarray] = {}
    for chunk in source.chunks(model, with_paths=False):
        for seg, T in chunk.state.transforms.items():
            if seg not in out:
                out[seg] = np.zeros((source.n_frames, 4, 4))
            out[seg][chunk.frames] = T[chunk.rows]
    return out


def _stretches(source, default_view: str) -> list[tuple[int, int, str]]:
    """``(first, end, view)``: runs of frames filmed from one preset (a lesson step's view, else
    the default; a new posture also re-fits)."""
    views = []
    current = default_view
    for f in range(source.n_frames):
        v = source.view(f)
        current = v or (current if v is None and source.kind == "lesson" else default_view)
        posture = source.step_of(f).posture if source.kind == "lesson" else ""
        views.append((current, posture))
    out = []
    start = 0
    for f in range(1, source.n_frames + 1):
        if f == source.n_frames or views[f] != views[start]:
            out.append((start, f, views[start][0]))
            start = f
    return out


def _follow(scene, base: tuple[np.ndarray, np.ndarray], offset: np.ndarray) -> None:
    """Put the camera fitted at ``base`` (focal point, position) ``offset`` (3,) metres further on."""
    cam = scene.renderer.GetActiveCamera()
    cam.SetFocalPoint(*(base[0] + offset))
    cam.SetPosition(*(base[1] + offset))
    scene.renderer.ResetCameraClippingRange()


def movie_frames(model, source, *, size: tuple[int, int] = (1280, 720), style: RenderStyle | None = None,
                 view: str = "oblique", colour: str | None = None, scale: float | None = None,
                 progress: Progress | None = None, muscles: bool = True) -> Iterator[np.ndarray]:
    """Every frame of ``source`` as an RGB picture ``(h, w, 3) uint8``, in order.

    Parameters
    ----------
    model : hipviz.Model
    source : LessonFrames or MotionFrames
        From :mod:`hipviz.io.frames`.
    size : (int, int), default: (1280, 720)
    style : RenderStyle, optional
        The look (default FXAA); its colouring and scale are replaced by the movie's.
    view : str, default: "oblique"
        The camera preset where a lesson step names none (a motion: the whole motion).
    colour : {"effort", "share"}, optional
        Default: the lesson's colouring, else effort.
    scale : float, optional
        The value (0..1] drawn darkest, for the whole movie (default: the source's one scale).
    progress : callable, optional
        ``progress(done, total)`` after each frame.
    """
    mode = source.colour_mode(colour)
    style = movie_style(style, colour=mode, scale=scale or source.colour_scale(model, mode), height=int(size[1]))
    geometry = _geometry(model, source)
    stretches = _stretches(source, view)
    follow = getattr(source, "camera_path", None)
    plotter, scene = open_plotter(model, size, style)
    try:
        scene.set_muscles_visible(muscles)
        starts = {a: (a, b, v) for a, b, v in stretches}
        total, done = source.n_frames, 0
        for chunk in source.chunks(model, with_paths=muscles):
            for frame, row in zip(chunk.frames.tolist(), chunk.rows.tolist()):
                scene.update(chunk.state, row)
                scene.set_caption(source.caption(frame))
                if frame in starts:
                    a, b, v = starts[frame]
                    picks = np.unique(np.linspace(a, b - 1, min(_SAMPLES, b - a)).round().astype(int))
                    scene.fit_points = scene.bone_points(geometry, picks, follow)
                    if follow is not None:  # fit around the pelvis where it is now, then follow it
                        scene.fit_points = scene.fit_points + follow[frame]
                    scene.set_view(v)
                    scene.fit_points = None
                    if follow is not None:
                        cam = scene.renderer.GetActiveCamera()
                        fitted = (np.array(cam.GetFocalPoint()) - follow[frame], np.array(cam.GetPosition()) - follow[frame])
                if follow is not None:
                    _follow(scene, fitted, follow[frame])
                yield _grab(plotter)
                done += 1
                if progress is not None:
                    progress(done, total)
    finally:
        plotter.close()


def _even(size: tuple[int, int]) -> tuple[int, int]:
    """Video encoders (yuv420p) need even widths and heights."""
    return int(size[0]) // 2 * 2, int(size[1]) // 2 * 2


def write_movie(model, source, path, *, size: tuple[int, int] = (1280, 720), fps: float | None = None,
                style: RenderStyle | None = None, view: str = "oblique", colour: str | None = None,
                scale: float | None = None, progress: Progress | None = None, muscles: bool = True) -> Path:
    """Write ``source`` as an MP4 (H.264, imageio-ffmpeg) or an animated GIF (Pillow).

    Parameters
    ----------
    path : str or Path
        ``.mp4`` or ``.gif``; written atomically (nothing is left behind if this fails).
    fps : float, optional
        Frames per second of the file (default: the source's).
    Other parameters
        As :func:`movie_frames`.

    Returns
    -------
    Path
    """
    out = Path(path)
    kind = out.suffix.lower()
    if kind not in MOVIE_SUFFIXES:
        raise ValueError(f"expected a .mp4 or .gif file name, found {str(path)!r}")
    fps = float(fps or source.fps)
    size = _even(size) if kind == ".mp4" else tuple(int(v) for v in size)
    frames = movie_frames(model, source, size=size, style=style, view=view, colour=colour, scale=scale,
                          progress=progress, muscles=muscles)
    with atomic_path(out, suffix=kind) as tmp:
        if kind == ".mp4":
            _write_mp4(tmp, frames, fps)
        else:
            _write_gif(tmp, frames, fps)
    return out


def _write_mp4(tmp: Path, frames: Iterator[np.ndarray], fps: float) -> None:
    import imageio.v2 as iio

    writer = iio.get_writer(str(tmp), format="FFMPEG", fps=fps, codec="libx264", quality=7, macro_block_size=2,
                            pixelformat="yuv420p", ffmpeg_log_level="error")
    try:
        for img in frames:
            writer.append_data(img)
    finally:
        frames.close()
        writer.close()


def _write_gif(tmp: Path, frames: Iterator[np.ndarray], fps: float) -> None:
    from PIL import Image

    def paletted():
        for img in frames:
            yield Image.fromarray(img).quantize(colors=255, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)

    it = paletted()
    try:
        first = next(it)
    except StopIteration:
        raise ValueError("no frames to write") from None
    try:
        first.save(tmp, format="GIF", save_all=True, append_images=it, duration=max(20, int(round(1000 / fps))),
                   loop=0, optimize=False, disposal=1)
    finally:
        frames.close()


def sheet_tiles(model, source, *, tile: tuple[int, int], style: RenderStyle | None = None, view: str = "oblique",
                colour: str | None = None, scale: float | None = None, n: int | None = None,
                progress: Progress | None = None):
    """The pictures of a contact sheet: one per lesson step (at its key pose) or ``n`` frames of a motion.

    Returns
    -------
    tiles : list of (h, w, 3) uint8 ndarray
    captions : list of str
        Also drawn in each tile.
    style : RenderStyle
        With the colouring and scale used (for the sheet's colour key).
    """
    mode = source.colour_mode(colour)
    base = style or RenderStyle(label_count=3 if tile[1] >= 400 and tile[0] >= 420 else 0)
    style = movie_style(base, colour=mode, scale=scale or source.colour_scale(model, mode))
    keys = source.key_frames(n)
    want = {f: k for k, f in enumerate(keys)}
    follow = getattr(source, "camera_path", None)
    geometry = _geometry(model, source)
    plotter, scene = open_plotter(model, tile, style.replace(show_legend=False))
    tiles: list = [None] * len(keys)
    captions = [source.key_caption(k, f) for k, f in enumerate(keys)]
    try:
        groups: dict = {}
        for k, f in enumerate(keys):
            v = source.view(f) or view
            posture = source.step_of(f).posture if source.kind == "lesson" else ""
            groups.setdefault((v, posture), []).append(f)
        done = 0
        for chunk in source.chunks(model, with_paths=True):
            for frame, row in zip(chunk.frames.tolist(), chunk.rows.tolist()):
                if frame not in want or tiles[want[frame]] is not None:
                    continue
                k = want[frame]
                scene.update(chunk.state, row)
                scene.set_caption(captions[k])
                v = source.view(frame) or view
                group = groups[(v, source.step_of(frame).posture if source.kind == "lesson" else "")]
                pts = scene.bone_points(geometry, np.array(group), follow)
                scene.fit_points = pts + (follow[frame] if follow is not None else 0)
                scene.set_view(v)
                scene.fit_points = None
                tiles[k] = _grab(plotter)
                done += 1
                if progress is not None:
                    progress(done, len(keys))
    finally:
        plotter.close()
    return tiles, captions, style
