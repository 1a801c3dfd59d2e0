"""Rendering: an evaluated :class:`~hipviz.State` as a 3D picture (pyvista, off-screen or in a window).

This package imports pyvista/VTK; ``import hipviz`` does not import it.

* :class:`HipScene` - bones and feet, muscle tubes, ASIS markers, the floor, legend and caption on
  a pyvista plotter, updated in place for interactive use.
* :func:`render_png` - one picture of a state, off-screen.
* :class:`RenderStyle` - the look (background, fonts, tube thickness, anti-aliasing ...).
* :data:`VIEWS` - the camera presets, fixed in the room (gravity down the picture: a lying body is
  seen lying); ``HipScene.anatomical_views`` / ``render_png(anatomical_view=True)`` turn them
  with the posture.

Examples
--------
>>> import hipviz
>>> from hipviz.render import render_png
>>> state = hipviz.evaluate(hipviz.load_model(), {"flexion": 90, "knee": 90})
>>> render_png(state, "/tmp/hip.png", view="front")  # doctest: +SKIP
"""
from .export import default_caption, render_png
from .scene import HipScene
from .style import RenderStyle
from .views import VIEWS

__all__ = ["render_png", "HipScene", "RenderStyle", "VIEWS", "default_caption"]
