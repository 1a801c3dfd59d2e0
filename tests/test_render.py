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


# -- names on the lit muscles, highlight, rib cage, legends (issue 11) ----------------------------
def _render(scene):
    scene.plotter.render()
    scene.plotter.screenshot(return_img=True)  # runs the layout observers, as any frame does


def _overlaps(boxes) -> bool:
    b = np.asarray(boxes)
    for i in range(len(b)):
        for j in range(i + 1, len(b)):
            if b[i, 0] < b[j, 2] and b[j, 0] < b[i, 2] and b[i, 1] < b[j, 3] and b[j, 1] < b[i, 3]:
                return True
    return False


def test_place_labels_never_overlaps_and_stays_in_the_area():
    from hipviz.render.labels import place_labels

    rng = np.random.default_rng(3)
    area = (0.0, 0.0, 1024.0, 700.0)
    for trial in range(200):
        n = int(rng.integers(1, 9))
        body = np.sort(rng.uniform(100, 900, 2)), np.sort(rng.uniform(50, 650, 2))
        body = (body[0][0], body[1][0], body[0][1], body[1][1])
        anchors = np.column_stack([rng.uniform(body[0], body[2], n), rng.uniform(body[1], body[3], n)])
        sizes = np.column_stack([rng.uniform(60, 260, n), np.full(n, 30.0)])
        boxes, sides = place_labels(anchors, sizes, body, area, gap=6)
        assert not _overlaps(boxes), f"trial {trial}: labels overlap"
        assert (boxes[:, 0] >= area[0] - 1e-6).all() and (boxes[:, 2] <= area[2] + 1e-6).all()
        assert (boxes[:, 1] >= area[1] - 1e-6).all() and (boxes[:, 3] <= area[3] + 1e-6).all()
        assert np.allclose(boxes[:, 2] - boxes[:, 0], sizes[:, 0]) and set(sides) <= {"left", "right", "top", "bottom"}
    # a narrow body with room on both sides: labels beside it, left anchors left, right anchors right
    boxes, sides = place_labels([[480, 300], [560, 320]], [[100, 30], [100, 30]], (450, 50, 590, 650), area)
    assert sides == ["left", "right"] and boxes[0, 2] <= 450 and boxes[1, 0] >= 590


def test_labels_name_the_most_active_muscles_beside_the_body_without_overlap(scene, model):
    state = hipviz.evaluate(model, {"flexion": 60}, movement="flexion")
    scene.update(state)
    scene.set_view("oblique")
    _render(scene)
    # the five most active shown muscles (by the hardest-working bundle of each), the moving
    # (right) leg's first, each group most active first
    best = {}
    for side in ("r", "l"):
        ms, tr = state.muscles[side], state.trunk[side]
        for mid, a in zip(ms.muscle_ids + tr.muscle_ids, np.r_[ms.activation[0], tr.activation[0]]):
            best[(side, mid)] = max(best.get((side, mid), 0.0), float(a))
    lit = [m for m in best if best[m] > 0.0]
    expected = sorted(lit, key=lambda m: (m[0] != "r", -best[m]))[:scene.style.label_count]
    assert scene.labelled_muscles() == expected
    labels = scene.muscle_labels
    names = [t for t, _, _ in labels.placed]
    assert len(names) == 5 and names[0].startswith(model.muscle(expected[0][1]).name)
    assert any("(left)" in n for n in names) == any(s == "l" for s, _ in expected)
    assert labels.boxes.shape == (5, 4) and not _overlaps(labels.boxes)
    w, h = SIZE
    assert (labels.boxes[:, 0] >= 0).all() and (labels.boxes[:, 2] <= w).all()
    assert (labels.boxes[:, 1] >= 0).all() and (labels.boxes[:, 3] <= h).all()
    # names are large: at least the legend's text height
    assert scene.label_font_px(h) >= scene.overlay.font_px(h)
    # the count is a setting; 0 names nothing
    base = scene.style
    try:
        scene.set_style(base.replace(label_count=2))
        _render(scene)
        assert len(scene.muscle_labels.placed) == 2 and len(scene.muscle_labels.boxes) == 2
        scene.set_style(base.replace(label_count=0))
        _render(scene)
        assert scene.muscle_labels.placed == [] and not any(a.GetVisibility() for a in scene.muscle_labels.actors())
    finally:
        scene.set_style(base)


def test_a_selected_muscle_is_thicker_with_a_halo_and_the_others_dim(scene, model):
    state = hipviz.evaluate(model, {"flexion": 30}, movement="flexion")
    scene.update(state)
    key, other = ("r", "piriformis", "main"), ("r", "rectus_femoris", "main")
    r0, c0 = scene.muscles.radius(key), np.array(scene.bundle_color(other))
    bg = np.array(scene.style.background_rgb)
    assert not scene.muscles.halo_actor.GetVisibility()
    scene.highlight("right", "piriformis")
    try:
        assert scene.muscles.radius(key) >= 1.5 * r0
        assert scene.muscles.halo_actor.GetVisibility()
        halo = scene.muscles.halo_poly
        assert halo.GetNumberOfPoints() > 0 and halo.GetNumberOfCells() > 0
        # the halo is a wider tube round the highlighted one, drawn by its back faces only
        assert scene.muscles.halo_actor.GetProperty().GetFrontfaceCulling()
        assert np.linalg.norm(np.array(scene.bundle_color(other)) - bg) < 0.6 * np.linalg.norm(c0 - bg), "not dimmed"
        assert scene.bundle_actors[other].GetVisibility(), "dimmed, not hidden"
        assert ("r", "piriformis") in scene.labelled_muscles()[:1], "the selected muscle is named first"
        assert scene.highlighted == ("piriformis",)
    finally:
        scene.highlight("r", None)
    assert scene.muscles.radius(key) == pytest.approx(r0) and not scene.muscles.halo_actor.GetVisibility()


def test_several_highlighted_muscles_stand_out_and_fade_the_rest(scene, model):
    state = hipviz.evaluate(model, {"flexion": 30}, movement="flexion")
    scene.update(state)
    picked = ["iliopsoas", "rectus_femoris"]
    keys = {"iliopsoas": ("r", "iliopsoas", "psoas"), "rectus_femoris": ("r", "rectus_femoris", "main")}
    radii = {m: scene.muscles.radius(keys[m]) for m in picked}
    shown = {k for k, a in scene.bundle_actors.items() if a.GetVisibility()}
    scene.highlight("right", picked)
    try:
        for m in picked:
            assert scene.muscles.radius(keys[m]) >= 1.5 * radii[m]
        assert set(scene.highlighted) == set(picked)
        assert {k for k, a in scene.bundle_actors.items() if a.GetVisibility()} == shown, "others must stay drawn"
        bg = np.array(scene.style.background_rgb)
        faded = np.array(scene.bundle_color(("r", "sartorius", "main")))
        assert np.linalg.norm(faded - bg) < 0.5, "others are faded towards the background"
        assert {m for _, m in scene.labelled_muscles()[:2]} == set(picked)
    finally:
        scene.highlight("r", [])
    assert scene.highlighted == ()


def test_the_legend_names_only_what_is_drawn(scene, model):
    state = hipviz.evaluate(model, {})
    scene.update(state)
    assert scene.overlay.title == "Muscle groups" and len(scene.overlay.entries) > 3
    scene.set_muscles_visible(False)
    try:
        assert not any(e.label.startswith(("Anterior", "Medial", "lengthening", "inactive")) or e.shape == "bar"
                       for e in scene.overlay.entries)
        assert all(e.label.startswith("ASIS") for e in scene.overlay.entries)
        scene.update(hipviz.evaluate(model, {}, movement="flexion"))
        assert not any(e.shape == "bar" for e in scene.overlay.entries), "no colour bar without muscles"
    finally:
        scene.set_muscles_visible(True)
    scene.update(hipviz.evaluate(model, {}, movement="flexion"))
    assert any(e.shape == "bar" for e in scene.overlay.entries)
    # only the groups of the muscles shown
    scene.update(state)
    scene.solo("piriformis")
    try:
        labels = [e.label for e in scene.overlay.entries if not e.label.startswith("ASIS")]
        assert labels == [colors.GROUP_LABELS["deep_six"]]
    finally:
        scene.solo(None)


def test_render_no_muscles_draws_no_muscle_legend(model, tmp_path):
    from PIL import Image

    from hipviz.cli import main

    out = tmp_path / "bones.png"
    assert main(["render", "--no-muscles", "--movement", "flexion", "--size", "640x400", "-o", str(out)]) == 0
    img = np.asarray(Image.open(out).convert("RGB")) / 255.0
    legend = img[:150, int(0.6 * 640):]
    ramp = colors.activation_colors(np.linspace(0.3, 1.0, 5))
    assert not any(chroma_mask(legend, c, tol=0.05).sum() > 20 for c in ramp), "a colour bar was drawn without muscles"


def test_a_rib_cage_outline_meets_the_trunk_muscles(scene, model):
    state = hipviz.evaluate(model, {"flexion": 20})
    scene.update(state)
    outline = scene.trunk_outline
    assert outline.shell_actor.GetVisibility() and outline.rib_actor is not None
    T = state.transforms["trunk"][0]
    pts = outline.points()
    trunk = model.landmarks["trunk"]
    # the upper attachments of the obliques and rectus abdominis lie on (or just inside) the outline
    for name in ("rib10_lateral_r", "rib10_lateral_l", "rib6_anterior_r", "costal_cartilage_l", "xiphoid"):
        p = T[:3, :3] @ trunk[name] + T[:3, 3]
        assert np.min(np.linalg.norm(pts - p, axis=1)) < 0.03, name
    base = scene.style
    try:
        scene.set_style(base.replace(show_trunk_outline=False))
        assert not any(a.GetVisibility() for a in outline.actors)
    finally:
        scene.set_style(base)


def test_the_camera_fits_the_pelvis_and_moving_leg_or_the_whole_body(scene, model):
    standing = hipviz.evaluate(model, {"flexion": 45}, movement="flexion")
    scene.update(standing)
    assert not scene.whole_body()
    femur_l = scene._bone_points["femur_l"]
    n_focus = len(scene.focus_points())
    kneeling = hipviz.evaluate(model, {}, posture="tall_kneeling")
    scene.update(kneeling)
    assert scene.whole_body()
    assert len(scene.focus_points()) > n_focus + len(femur_l) // 2


def test_a_muscle_outside_the_picture_is_not_named(scene, model):
    # standing flexion from the side: the camera fits the pelvis and the moving leg; a muscle whose
    # point is out of the picture gives its place to the next one
    state = hipviz.evaluate(model, {"flexion": 60}, movement="flexion")
    scene.update(state)
    scene.set_view("oblique")
    _render(scene)
    labels = scene.muscle_labels
    w, h = SIZE
    from hipviz.render.labels import project

    xy = project(scene.renderer, [a for _, a, _ in labels.placed])
    assert ((xy[:, 0] >= 0) & (xy[:, 0] <= w) & (xy[:, 1] >= 0) & (xy[:, 1] <= h)).all()
    cam = scene.renderer.GetActiveCamera()
    cam.Zoom(4.0)  # now much of the body is out of the picture
    try:
        _render(scene)
        xy = project(scene.renderer, [a for _, a, _ in labels.placed])
        assert len(labels.placed) <= scene.style.label_count
        assert ((xy[:, 0] >= 0) & (xy[:, 0] <= w) & (xy[:, 1] >= 0) & (xy[:, 1] <= h)).all()
    finally:
        cam.Zoom(0.25)
