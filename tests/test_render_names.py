"""Names on the lit muscles, highlight and fading, the rib cage outline and the legends (issue 11).

Split from ``test_render.py``; its fixtures and picture helpers are shared.
"""
from __future__ import annotations

import numpy as np
import pytest

import hipviz
from hipviz.render import colors
from test_render import SIZE, _REASON, chroma_mask, model, scene, shot  # noqa: F401  (model, scene: shared fixtures)

pytestmark = pytest.mark.skipif(_REASON is not None, reason=_REASON or "")


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
    from hipviz.render.label_layout import place_labels

    rng = np.random.default_rng(3)
    area = (0.0, 0.0, 1024.0, 700.0)
    for trial in range(200):
        n = int(rng.integers(1, 9))
        body = np.sort(rng.uniform(100, 900, 2)), np.sort(rng.uniform(50, 650, 2))
        body = (body[0][0], body[1][0], body[0][1], body[1][1])
        anchors = np.column_stack([rng.uniform(body[0], body[2], n), rng.uniform(body[1], body[3], n)])
        sizes = np.column_stack([rng.uniform(60, 260, n), np.full(n, 30.0)])
        boxes, sides = place_labels(anchors, sizes, body, area, gap=6)
        shown = np.array([side != "hidden" for side in sides])
        assert shown[0], f"trial {trial}: the most important name is always placed"
        boxes, sizes = boxes[shown], sizes[shown]
        assert not _overlaps(boxes), f"trial {trial}: labels overlap"
        assert (boxes[:, 0] >= area[0] - 1e-6).all() and (boxes[:, 2] <= area[2] + 1e-6).all()
        assert (boxes[:, 1] >= area[1] - 1e-6).all() and (boxes[:, 3] <= area[3] + 1e-6).all()
        assert np.allclose(boxes[:, 2] - boxes[:, 0], sizes[:, 0])
        assert set(sides) <= {"left", "right", "top", "bottom", "hidden"}
    # a body filling the width (a drag before the camera fits it again): five wide names in a
    # row below it; what does not fit is left out, last first, and nothing runs off the picture
    body = (10.0, 200.0, 1014.0, 690.0)
    anchors = np.column_stack([np.linspace(100, 900, 5), np.full(5, 400.0)])
    sizes = np.array([[260.0, 30.0]] * 5)
    boxes, sides = place_labels(anchors, sizes, body, area, gap=6)
    assert sides[:3] == ["bottom"] * 3 and sides[3:] == ["hidden", "hidden"]
    assert (boxes[:3, 0] >= 0).all() and (boxes[:3, 2] <= 1024).all() and not _overlaps(boxes[:3])
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


def test_lit_bundles_and_path_middles_follow_the_rules():
    """The pure naming rules (numpy only): which bundles count as working, and the point half
    way along each path, padded or not."""
    from hipviz.render import naming

    order = {"r": [("a", "1"), ("a", "2"), ("b", "1"), ("c", "1")], "l": [("a", "1"), ("b", "1")]}
    activation = {"r": (np.array([0.5, 0.01, 0.3], np.float32), np.array(["agonist", "agonist", "inactive"])),
                  "l": (np.array([0.04, 0.2]), None)}
    lit = naming.lit_bundles(activation, order, 0.05)
    assert lit == {("r", "a", "1"): float(np.float32(0.5)), ("l", "b", "1"): 0.2}
    assert all(type(v) is float for v in lit.values())
    assert naming.lit_bundles(activation, order, -1.0, lambda key: key[0] == "l") == {("l", "a", "1"): 0.04,
                                                                                     ("l", "b", "1"): 0.2}
    assert naming.lit_bundles(None, order, 0.0) == {}
    paths = [np.array([[0, 0, 0], [1, 0, 0], [1, 2, 0]], float), np.array([[0, 0, 0], [0, 0, 4]], float),
             np.zeros((5, 3))]
    mids = naming.path_middles(paths)
    np.testing.assert_array_equal(mids, [naming.path_middle(p) for p in paths])
    np.testing.assert_allclose(mids[:2], [[1, 0.5, 0], [0, 0, 2]])
