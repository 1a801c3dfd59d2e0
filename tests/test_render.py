"""Off-screen render tests: what a user sees, checked in pixels.

Skipped (with the reason) when pyvista cannot render off-screen on this machine.
"""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from conftest import offscreen_render_problem
import hipviz

pv = pytest.importorskip("pyvista", reason="pyvista is not installed")

from hipviz.render import HipScene, RenderStyle, VIEWS, render_png  # noqa: E402
from hipviz.render import colors  # noqa: E402

SIZE = (800, 500)


_REASON = offscreen_render_problem()
pytestmark = pytest.mark.skipif(_REASON is not None, reason=_REASON or "")


@pytest.fixture(scope="module")
def model():
    """The model, built once for this module (landmark-only bones from $HIPVIZ_TEST_BONES if set)."""
    return hipviz.load_model(os.environ.get("HIPVIZ_TEST_BONES"))


@pytest.fixture(scope="module")
def scene(model):
    """One off-screen plotter with a HipScene, without anti-aliasing (fast), reused by the tests."""
    pl = pv.Plotter(off_screen=True, window_size=SIZE, lighting="light_kit")
    sc = HipScene(pl, model, style=RenderStyle.interactive())
    sc.update(hipviz.evaluate(model, {}))
    sc.set_view("front")
    yield sc
    pl.close()


def needs_bones(model):
    if not model.mesh_files:
        pytest.skip("the model has no bone meshes (meshes/*.ply not generated yet)")


def shot(scene, state, view="front", i=0) -> np.ndarray:
    """Float RGB image (h, w, 3) in 0..1 of ``state`` from ``view``."""
    scene.update(state, i)
    scene.set_view(view)
    scene.plotter.render()
    return scene.plotter.screenshot(return_img=True)[..., :3] / 255.0


def chroma_mask(img: np.ndarray, rgb, tol: float = 0.09, min_value: float = 0.25) -> np.ndarray:
    """Pixels whose colour, normalised by its brightest channel, is near that of ``rgb`` (shading-proof)."""
    v = img.max(-1, keepdims=True)
    target = np.asarray(rgb, float) / max(rgb)
    return (v[..., 0] > min_value) & (np.abs(img / np.maximum(v, 1e-6) - target).max(-1) < tol)


def grey_mask(img: np.ndarray) -> np.ndarray:
    """Neutral grey pixels darker than the white background."""
    v = img.max(-1)
    return (v > 0.35) & (v < 0.93) & (img.max(-1) - img.min(-1) < 0.035)


# -- render_png -------------------------------------------------------------------------
def test_render_png_writes_png_of_requested_size_with_bone_pixels(model, tmp_path):
    needs_bones(model)
    from PIL import Image

    out = render_png(hipviz.evaluate(model, {}), tmp_path / "bones.png", view="front", size=(640, 400),
                     muscles=False, style=RenderStyle.interactive())
    img = np.asarray(Image.open(out).convert("RGB")) / 255.0
    assert img.shape == (400, 640, 3)
    assert chroma_mask(img, colors.BONE_IVORY, tol=0.07, min_value=0.45).mean() > 0.01, "no bone-coloured pixels"


def test_render_png_transparent_background_has_alpha(model, tmp_path):
    from PIL import Image

    out = render_png(hipviz.evaluate(model, {}), tmp_path / "t.png", size=(320, 200), transparent=True,
                     style=RenderStyle.interactive(), caption="")
    img = np.asarray(Image.open(out))
    assert img.shape == (200, 320, 4)
    alpha = img[..., 3]
    assert alpha[0, 0] == 0 and alpha[-1, -1] == 0, "background is not transparent"
    assert (alpha == 255).mean() > 0.01, "nothing opaque was drawn"


def test_render_png_rejects_an_unknown_view(model, tmp_path):
    with pytest.raises(ValueError, match="unknown view"):
        render_png(hipviz.evaluate(model, {}), tmp_path / "x.png", view="diagonal", size=(64, 64))


# -- HipScene: pixels -------------------------------------------------------------------
def test_changing_the_pose_changes_the_pixels(scene, model):
    a = shot(scene, hipviz.evaluate(model, {"flexion": 0}), "side")
    b = shot(scene, hipviz.evaluate(model, {"flexion": 90}), "side")
    changed = np.abs(a - b).max(-1) > 0.1
    assert changed.mean() > 0.01


def test_front_view_shows_each_muscle_group_colour(scene, model, capfd):
    img = shot(scene, hipviz.evaluate(model, {}), "front")
    assert "Traceback" not in capfd.readouterr().err, "an error was raised while rendering"
    # The body's right is on the picture's left in a front view.
    labels = scene.side_labels.actors
    assert labels["r"].GetVisibility() and labels["r"].GetPosition()[0] < labels["l"].GetPosition()[0]
    # Mask out the legend (right-hand column) so that only the 3D view is counted.
    body = img[:, : int(0.6 * img.shape[1])]
    for group in ("anterior", "medial", "lateral"):
        frac = chroma_mask(body, colors.GROUP_COLORS[group]).mean()
        assert frac > 0.001, f"no {group} colour in the front view ({frac:.5f})"


def test_activation_colours_and_grey_inactive(scene, model):
    state = hipviz.evaluate(model, {"flexion": 30})
    ms = state.muscles["r"]
    B = len(ms.muscle_ids)
    on = np.array([m in ("iliopsoas", "rectus_femoris", "sartorius", "tensor_fasciae_latae") for m in ms.muscle_ids])
    ms.activation = np.where(on, 0.8, 0.0)[None, :].repeat(state.n, 0)
    assert ms.activation.shape == (state.n, B)
    img = shot(scene, state, "front")[:, : int(0.6 * SIZE[0])]
    hot = chroma_mask(img, colors.activation_colors(0.8), tol=0.12).mean()
    grey = grey_mask(img).mean()
    assert hot > 0.002, "activation colour missing"
    assert grey > 0.005, "inactive muscles are not grey"
    assert scene.overlay.title == "Effort: activation, % of maximal force"
    key = ("r", "iliopsoas", ms.bundle_names[ms.muscle_ids.index("iliopsoas")])
    assert scene.muscles.radius(("r", "gracilis", "main")) < scene.muscles.radius(key)
    # Back to group colours without activation: the legend follows.
    shot(scene, hipviz.evaluate(model, {}), "front")
    assert scene.overlay.title == "Muscle groups"


def test_antagonists_are_blue(scene, model):
    state = hipviz.evaluate(model, {})
    ms = state.muscles["r"]
    ms.activation = np.full((state.n, len(ms.muscle_ids)), 0.5)
    ms.role = np.full((state.n, len(ms.muscle_ids)), "antagonist", dtype=object)
    scene.update(state)
    expected = colors.antagonist_colors(0.5 / colors.activation_scale(0.5))
    assert np.allclose(scene.bundle_color(("r", "gracilis", "main")), expected)


def test_a_fixed_colour_scale_keeps_pictures_comparable(scene, model):
    adaptive = scene.style
    scene.set_style(adaptive.replace(activation_scale=1.0))
    try:
        state = hipviz.evaluate(model, {}, movement="external_rotation")
        scene.update(state)
        ms = state.muscles["r"]
        b = int(np.argmax(ms.activation[0]))
        got = np.asarray(scene.bundle_color(("r", ms.muscle_ids[b], ms.bundle_names[b])))
        expected = np.asarray(colors.activation_colors(np.array([ms.activation[0, b]])))[0]
        assert np.allclose(got, expected, atol=1e-6)
    finally:
        scene.set_style(adaptive)


def test_light_work_still_spans_the_colour_scale(scene, model):
    # a gentle movement (peak activation ~5 %) must not draw every working muscle the same pale yellow
    # (supine: no standing leg working hard sets the scale)
    state = hipviz.evaluate(model, {}, posture="supine", movement="external_rotation")
    scene.update(state)
    ms = state.muscles["r"]
    b = int(np.argmax(ms.activation[0]))
    key = ("r", ms.muscle_ids[b], ms.bundle_names[b])
    peak = float(ms.activation[0, b])
    assert peak < 0.2
    assert colors.activation_scale(peak) < 0.25
    darkest = np.asarray(colors.activation_colors(np.array([1.0])))[0]
    got = np.asarray(scene.bundle_color(key))
    pale = np.asarray(colors.activation_colors(np.array([peak])))[0]
    assert np.linalg.norm(got - darkest) < np.linalg.norm(pale - darkest)


def test_share_and_effort_colour_differently_and_the_legend_names_the_mode(scene, model):
    from hipviz.render import colouring

    state = hipviz.evaluate(model, {"flexion": 90}, posture="supine", movement="internal_rotation")
    ms = state.muscles["r"]
    assert ms.share is not None and ms.share[0].sum() == pytest.approx(1.0)
    keys = [("r", m, b) for m, b in zip(ms.muscle_ids, ms.bundle_names)]
    base = scene.style
    try:
        scene.set_style(base.replace(colour="effort"))
        scene.update(state)
        effort = np.array([scene.bundle_color(k) for k in keys])
        assert scene.overlay.title.startswith("Effort")
        assert scene.colour_scale == colors.activation_scale(colouring.peak_value(state, "effort"))
        scene.set_style(base.replace(colour="share"))  # recolours the pose shown, no update needed
        share = np.array([scene.bundle_color(k) for k in keys])
        assert scene.overlay.title.replace("\N{NO-BREAK SPACE}", " ") == "Share of the internal rotation moment, %"
        assert np.abs(share - effort).max() > 0.1, "share and effort must not colour alike"
        b = int(np.argmax(ms.share[0]))
        scale = colors.activation_scale(float(ms.share[0, b]))
        assert scene.colour_scale == scale
        assert np.allclose(share[b], colors.activation_colors(ms.share[0, b] / scale), atol=1e-6)
        assert not any(e.label.startswith("lengthening") for e in scene.overlay.entries)  # one ramp for all
        # a fixed scale applies to share as well
        scene.set_style(base.replace(colour="share", activation_scale=1.0))
        assert scene.colour_scale == 1.0
        assert np.allclose(scene.bundle_color(keys[b]), colors.activation_colors(ms.share[0, b]), atol=1e-6)
    finally:
        scene.set_style(base)


def test_render_style_rejects_an_unknown_colour_mode():
    with pytest.raises(ValueError, match="colour"):
        hipviz.render.RenderStyle(colour="rainbow")
    with pytest.raises(ValueError, match="activation_scale"):
        hipviz.render.RenderStyle(activation_scale=2.0)


def test_asis_ring_turns_to_the_warning_colour_when_the_pelvis_moves(scene, model):
    shot(scene, hipviz.evaluate(model, {}), "front")
    assert not scene.markers.moved
    img = shot(scene, hipviz.evaluate(model, {"pelvis_anterior_tilt": 12}), "front")[:, : int(0.6 * SIZE[0])]
    assert scene.markers.moved
    assert chroma_mask(img, colors.WARNING_COLOR, tol=0.1).mean() > 0.0003


# -- HipScene: behaviour ----------------------------------------------------------------
def test_update_moves_geometry_in_place_without_new_actors(scene, model):
    scene.update(hipviz.evaluate(model, {}))
    actors = dict(scene.bundle_actors)
    bones = dict(scene.bone_actors)
    n_props = scene.renderer.GetActors().GetNumberOfItems()
    key = ("r", "rectus_femoris", "main")
    poly = actors[key].GetMapper().GetInput()
    before = np.array(poly.GetPoints().GetPoint(0))
    scene.update(hipviz.evaluate(model, {"flexion": 80, "knee": 60}))
    assert all(scene.bundle_actors[k] is a for k, a in actors.items())
    assert all(scene.bone_actors[k] is a for k, a in bones.items())
    assert scene.renderer.GetActors().GetNumberOfItems() == n_props
    assert actors[key].GetMapper().GetInput() is poly
    assert not np.allclose(before, poly.GetPoints().GetPoint(0)), "points did not move"


@pytest.mark.parametrize("parallel", [False, True], ids=["perspective", "parallel"])
def test_every_view_fits_the_pelvis_and_the_moving_leg(scene, model, parallel):
    state = hipviz.evaluate(model, {"flexion": 90, "knee": 90})
    scene.update(state)
    scene.renderer.GetActiveCamera().SetParallelProjection(parallel)
    w, h = SIZE
    for view in VIEWS:
        scene.set_view(view)
        pts = scene.focus_points()[::7]
        ren = scene.renderer
        xy = []
        for p in pts:
            ren.SetWorldPoint(*p, 1.0)
            ren.WorldToDisplay()
            xy.append(ren.GetDisplayPoint()[:2])
        xy = np.array(xy)
        assert (xy[:, 0] >= 0).all() and (xy[:, 0] <= w).all(), f"{view}: body clipped left/right"
        assert (xy[:, 1] >= 0).all() and (xy[:, 1] <= h).all(), f"{view}: body clipped top/bottom"
        assert np.ptp(xy[:, 1]) > 0.5 * h or np.ptp(xy[:, 0]) > 0.35 * w, f"{view}: body drawn too small"
    scene.renderer.GetActiveCamera().SetParallelProjection(False)


def test_visibility_solo_highlight_and_picking(scene, model):
    scene.update(hipviz.evaluate(model, {}))
    key = ("r", "gluteus_medius", "anterior")
    actor = scene.bundle_actors[key]
    assert scene.bundle_of_actor(actor) == key
    assert scene.bundle_of_actor(next(iter(scene.bone_actors.values()), None)) is None
    scene.solo("sartorius")
    assert not actor.GetVisibility() and scene.bundle_actors[("l", "sartorius", "main")].GetVisibility()
    scene.solo(None)
    assert actor.GetVisibility()
    scene.set_muscle_visible("gluteus_medius", False)
    assert not actor.GetVisibility()
    scene.set_muscle_visible("gluteus_medius", True)
    r0 = scene.muscles.radius(key)
    scene.highlight("right", "gluteus_medius")
    assert scene.muscles.radius(key) > 1.4 * r0
    assert scene.muscles.radius(("l", "gluteus_medius", "anterior")) == pytest.approx(r0)
    scene.highlight("r", None)
    assert scene.muscles.radius(key) == pytest.approx(r0)
    with pytest.raises(KeyError, match="known"):
        scene.solo("biceps")


def test_set_style_switches_look_in_place(scene, model):
    scene.update(hipviz.evaluate(model, {}))
    actors = dict(scene.bundle_actors)
    key = ("r", "gracilis", "main")
    r0 = scene.muscles.radius(key)
    scene.set_style(RenderStyle.presentation_style(dark=True, anti_aliasing=None))
    img = shot(scene, hipviz.evaluate(model, {}), "front")
    assert img[2, 2].max() < 0.2, "dark background expected"
    assert scene.muscles.radius(key) > r0
    scene.set_style(RenderStyle.interactive(line_mode="lines"))
    shot(scene, hipviz.evaluate(model, {}), "front")
    assert actors[key].GetMapper().GetInput().GetNumberOfLines() == 1
    scene.set_style(RenderStyle.interactive())
    assert all(scene.bundle_actors[k] is a for k, a in actors.items())


def test_import_hipviz_does_not_import_vtk():
    code = "import sys, hipviz; print(any(m.split('.')[0] in ('pyvista', 'vtk', 'vtkmodules') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_the_caption_reads_over_the_trunk_that_passes_behind_it(model, tmp_path):
    """The camera keeps the pelvis and the moving leg clear of the caption, not the trunk above
    them: seen from behind with the thigh flexed 90 deg the trunk's outline and muscles pass
    behind the caption, which therefore sits on a plate of the background colour. Under the
    caption's box every pixel is background, text or a faint trace of what is behind."""
    from PIL import Image

    needs_bones(model)
    state = hipviz.evaluate(model, {"hip_flexion_r": 90}, with_paths=True)
    out = render_png(state, tmp_path / "back.png", view="back", size=(1200, 900))
    img = np.asarray(Image.open(out).convert("RGB"), float) / 255.0
    style = RenderStyle()
    bg, fg = np.asarray(style.background_rgb), np.asarray(style.text_rgb)
    # the caption's box: from the top left, as far as its two lines reach (measured at this size)
    box = img[10:70, 10:650]
    # distance of each pixel from the segment between background and text colour (antialiased
    # text lies on it); a body part behind the plate shows faintly (a fifth of its colour)
    t = np.clip(((box - bg) @ (fg - bg)) / ((fg - bg) @ (fg - bg)), 0, 1)
    off = np.linalg.norm(box - (bg + t[..., None] * (fg - bg)), axis=-1)
    assert np.percentile(off, 99) < 0.3
    # ... and the trunk is really behind it: just below the caption, body colours show
    below = img[80:140, 150:650]
    t2 = np.clip(((below - bg) @ (fg - bg)) / ((fg - bg) @ (fg - bg)), 0, 1)
    assert (np.linalg.norm(below - (bg + t2[..., None] * (fg - bg)), axis=-1) > 0.3).mean() > 0.02


def _muscle_mesh(scene) -> tuple[np.ndarray, ...]:
    from vtkmodules.util.numpy_support import vtk_to_numpy

    def arrays(poly):
        pd = poly.GetPointData()
        out = [vtk_to_numpy(poly.GetPoints().GetData()).copy(), vtk_to_numpy(poly.GetPolys().GetConnectivityArray()).copy()]
        for a in (pd.GetNormals(), pd.GetScalars()):
            out.append(vtk_to_numpy(a).copy() if a is not None else np.zeros(0))
        return out

    m = scene.muscles
    bundle = m.bundles[("r", "gracilis", "main")].poly
    return (*arrays(m.poly), *arrays(m.ghost_poly), vtk_to_numpy(bundle.GetPoints().GetData()).copy())


def test_switching_tube_sides_back_and_forth_draws_what_a_new_scene_draws(model):
    """The moving look (fewer tube sides) and the still one alternate at every drag: their
    layouts are kept and put back, and what is drawn is what a scene made in that look draws."""
    moving, still = RenderStyle.interactive(tube_sides=6), RenderStyle.interactive(tube_sides=12)
    state = hipviz.evaluate(model, {"flexion": 40, "rotation": 20})
    pl = pv.Plotter(off_screen=True, window_size=SIZE)
    sc = HipScene(pl, model, style=moving)
    sc.highlight("right", "gluteus_medius")
    sc.update(hipviz.evaluate(model, {}))
    for style, pose in ((still, {"flexion": 90}), (moving, {"knee": 60}), (still, {}), (moving, None)):
        # the window leaves the refresh to the update that follows (a drag's first step)
        sc.set_style(style, refresh=pose is not None and "knee" in pose)
        sc.update(state if pose is None else hipviz.evaluate(model, pose))
    fresh_pl = pv.Plotter(off_screen=True, window_size=SIZE)
    fresh = HipScene(fresh_pl, model, style=moving)
    fresh.highlight("right", "gluteus_medius")
    fresh.update(state)
    for a, b in zip(_muscle_mesh(sc), _muscle_mesh(fresh)):
        assert a.shape == b.shape and a.size
        np.testing.assert_array_equal(a, b)
    sc.set_style(still)
    sc.update(state)
    assert len(_muscle_mesh(sc)[0]) > len(_muscle_mesh(fresh)[0])  # more sides, more points
    pl.close()
    fresh_pl.close()
