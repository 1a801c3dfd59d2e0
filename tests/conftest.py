"""Shared fixtures (the model is loaded once per session) and helpers of the tests."""
from __future__ import annotations

import functools
import os

import pytest

import hipviz


@pytest.fixture(scope="session")
def model():
    """The default model (or landmark-only bones from $HIPVIZ_TEST_BONES while developing)."""
    return hipviz.load_model(os.environ.get("HIPVIZ_TEST_BONES"))


@functools.lru_cache(maxsize=1)
def offscreen_render_problem() -> str | None:
    """Why pictures cannot be rendered off-screen here, or None when they can (checked once)."""
    import pyvista as pv

    try:
        pl = pv.Plotter(off_screen=True, window_size=(32, 32))
        pl.add_mesh(pv.Sphere())
        img = pl.screenshot(return_img=True)
        pl.close()
        return None if img is not None and img.shape[:2] == (32, 32) else "off-screen screenshot came back empty"
    except Exception as exc:  # noqa: BLE001 - any failure means: no off-screen GL here
        return f"pyvista cannot render off-screen here: {exc}"
