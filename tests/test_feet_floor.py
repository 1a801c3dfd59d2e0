"""Feet, the floor, and bodies seen as they lie (room-fixed camera presets).

The foot meshes and landmark files are checked against the contact points the core puts on
the floor; the scene is rendered off-screen and checked in pixels.
"""
from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import numpy as np
import pytest
import trimesh
from scipy.spatial import cKDTree

import hipviz
from hipviz.core.landmarks import LandmarkError

REPO = Path(__file__).resolve().parents[1]
MESHES = REPO / "meshes"
#: The contract with the core (mm, right foot frame).
CONTACTS_MM = {
    "ankle_center": (0.0, 0.0, 0.0),
    "heel": (-50.0, -78.0, 2.0),
    "first_metatarsal_head": (140.0, -78.0, -25.0),
    "fifth_metatarsal_head": (125.0, -78.0, 32.0),
    "hallux_tip": (200.0, -70.0, -18.0),
}
FLIP = np.array([1.0, 1.0, -1.0])


def foot_mesh_mm(side: str) -> trimesh.Trimesh:
    mesh = trimesh.load(MESHES / f"foot_{side}.ply", process=False)
    return trimesh.Trimesh(mesh.vertices * 1000.0, mesh.faces, process=False)


# -- files ------------------------------------------------------------------------------
@pytest.mark.parametrize("side", ["r", "l"])
def test_foot_landmarks_are_the_contact_points(side):
    raw = tomllib.loads((MESHES / f"foot_{side}.landmarks.toml").read_text())
    assert raw["bone"] == f"foot_{side}" and raw["units"] == "mm"
    flip = FLIP if side == "l" else np.ones(3)
    for name, expected in CONTACTS_MM.items():
        got = np.array(raw["landmarks"][name]["position"], float)
        np.testing.assert_allclose(got, np.array(expected) * flip, atol=1.0, err_msg=name)
        assert raw["landmarks"][name]["description"]


@pytest.mark.parametrize("side", ["r", "l"])
def test_foot_mesh_rests_on_the_sole_plane_and_has_an_adult_size(side):
    mesh = foot_mesh_mm(side)
    assert mesh.is_watertight and mesh.is_winding_consistent and mesh.volume > 0
    assert 2000 <= len(mesh.faces) <= 8000
    v = mesh.vertices
    assert abs(v[:, 1].min() - -78.0) <= 3.0, f"sole at {v[:, 1].min():.1f} mm"
    length = np.ptp(v[:, 0])
    assert 240.0 <= length <= 280.0, f"foot {length:.0f} mm long"
    assert 70.0 <= np.ptp(v[:, 2]) <= 115.0, "width at the ball of the foot"
    # the sole touches the floor at the heel and the balls of the foot, the toe ends at its tip ...
    flip = FLIP if side == "l" else np.ones(3)
    surface, _ = trimesh.sample.sample_surface(mesh, 100_000, seed=0)
    points = [CONTACTS_MM[n] for n in ("heel", "first_metatarsal_head", "fifth_metatarsal_head", "hallux_tip")]
    dist, _ = cKDTree(np.vstack([surface, v])).query(np.array(points) * flip)
    assert np.all(dist < 2.5), f"contact points {np.round(dist, 1)} mm from the surface"
    # ... and the medial arch stays off it
    medial_midfoot = v[(v[:, 0] > 20) & (v[:, 0] < 80) & (v[:, 2] * flip[2] < -15)]
    assert medial_midfoot[:, 1].min() > -72.0, "no medial arch"


def test_left_foot_mirrors_the_right():
    r, lf = foot_mesh_mm("r"), foot_mesh_mm("l")
    np.testing.assert_allclose(lf.vertices, r.vertices * FLIP, atol=1e-6)


# -- loading ----------------------------------------------------------------------------
def test_load_model_loads_the_feet(model):
    assert {"foot_r", "foot_l"} <= set(model.mesh_files)
    for side, flip in (("r", np.ones(3)), ("l", FLIP)):
        lm = model.landmarks[f"foot_{side}"]
        for name, expected in CONTACTS_MM.items():
            np.testing.assert_allclose(lm[name], np.array(expected) / 1000 * flip, atol=1e-3)


def test_a_bones_folder_without_feet_uses_the_default_feet(tmp_path):
    for p in MESHES.glob("*.landmarks.toml"):
        if not p.name.startswith("foot"):
            shutil.copy(p, tmp_path / p.name)
    model = hipviz.load_model(tmp_path)
    assert model.mesh_files["foot_r"] == MESHES / "foot_r.ply"
    assert "pelvis" not in model.mesh_files  # landmark-only bones still load
    np.testing.assert_allclose(model.landmarks["foot_l"]["heel"], [-0.05, -0.078, -0.002])


def test_a_foot_file_without_its_contact_points_is_refused(tmp_path):
    for p in MESHES.glob("*.landmarks.toml"):
        shutil.copy(p, tmp_path / p.name)
    text = (tmp_path / "foot_r.landmarks.toml").read_text()
    (tmp_path / "foot_r.landmarks.toml").write_text(text.replace("[landmarks.heel]", "[landmarks.heel_pad]"))
    with pytest.raises(LandmarkError, match=r"foot_r\.landmarks\.toml.*heel"):
        hipviz.load_model(tmp_path)


# -- rendering --------------------------------------------------------------------------
pv = pytest.importorskip("pyvista", reason="pyvista is not installed")

from hipviz.render import HipScene, RenderStyle, VIEWS, render_png  # noqa: E402

SIZE = (800, 500)
#: A look for pixel tests: no text, no muscles drawn over the bones, no anti-aliasing.
PLAIN = RenderStyle.interactive(show_legend=False, show_caption=False, show_landmarks=False,
                                show_side_labels=False)


@pytest.fixture(scope="module")
def scene(model):
    pl = pv.Plotter(off_screen=True, window_size=SIZE, lighting="light_kit")
    sc = HipScene(pl, model, style=PLAIN)
    sc.set_muscles_visible(False)
    yield sc
    pl.close()


def shot(scene, state, view, *, style=None) -> np.ndarray:
    if style is not None:
        scene.set_style(style)
    scene.update(state)
    scene.set_view(view)
    scene.plotter.render()
    return scene.plotter.screenshot(return_img=True)[..., :3] / 255.0


def to_screen(scene, points) -> np.ndarray:
    """Pixel (column, row from the top) of room points in the last view."""
    ren = scene.renderer
    out = []
    for p in np.atleast_2d(points):
        ren.SetWorldPoint(*p, 1.0)
        ren.WorldToDisplay()
        x, y, _ = ren.GetDisplayPoint()
        out.append((x, SIZE[1] - y))
    return np.array(out)


def drawn(img) -> np.ndarray:
    """Pixels that are not the white background."""
    return img.min(-1) < 0.97


def test_feet_are_bone_actors_posed_by_the_ankle(scene, model):
    state = hipviz.evaluate(model, {"ankle": 20})
    scene.update(state)
    for side in ("r", "l"):
        actor = scene.bone_actors[f"foot_{side}"]
        M = actor.GetUserMatrix()
        got = np.array([[M.GetElement(i, j) for j in range(4)] for i in range(4)])
        np.testing.assert_allclose(got, state.transforms[f"foot_{side}"][0], atol=1e-9)
        assert not actor.GetPickable()
    assert state.poses.degrees("ankle_angle_r")[0] == pytest.approx(20)


def test_feet_move_with_the_ankle_angle(scene, model):
    flat = hipviz.evaluate(model, {})
    up = hipviz.evaluate(model, {"ankle": 20})  # + dorsiflexion of the right ankle: the toes rise
    toe = np.array([0.2, -0.07, -0.018])  # right hallux tip, foot frame
    tips = []
    imgs = []
    for state in (flat, up):
        imgs.append(shot(scene, state, "right"))
        T = state.transforms["foot_r"][0]
        tips.append(T[:3, :3] @ toe + T[:3, 3])
    assert tips[1][1] - tips[0][1] > 0.03, "the toe did not rise with dorsiflexion"
    # the picture changes where the right foot is, and the foot is drawn where its toe is
    px = to_screen(scene, tips).astype(int)
    c0, r0 = px[0]
    r1 = px[1][1]
    assert r1 < r0 - 15, "the toe is not higher on the picture"
    box = (slice(max(r1 - 30, 0), r0 + 30), slice(max(c0 - 150, 0), c0 + 20))
    assert (np.abs(imgs[0] - imgs[1]).max(-1)[box] > 0.15).mean() > 0.02
    for img, (c, r) in zip(imgs, px):
        win = drawn(img)[max(r - 6, 0): r + 6, max(c - 14, 0): c + 4]
        assert win.mean() > 0.15, "no foot drawn at the toe"


def test_feet_can_be_hidden(scene, model):
    state = hipviz.evaluate(model, {})
    try:
        shot(scene, state, "front", style=PLAIN.replace(show_feet=False))
        assert not scene.bone_actors["foot_r"].GetVisibility()
        hidden = scene.scene_points()
        shot(scene, state, "front", style=PLAIN)
        assert scene.bone_actors["foot_r"].GetVisibility()
        assert scene.scene_points()[:, 1].min() < hidden[:, 1].min() - 0.03  # the feet reach lower
    finally:
        scene.set_style(PLAIN)


def _floor_pixels(scene, state, view) -> tuple[np.ndarray, np.ndarray]:
    """(image with floor, mask of background pixels the floor covers)."""
    try:
        without = shot(scene, state, view, style=PLAIN.replace(show_floor=False))
        with_floor = shot(scene, state, view, style=PLAIN)
    finally:
        scene.set_style(PLAIN)
    return with_floor, (np.abs(with_floor - without).max(-1) > 0.02) & ~drawn(without)


def test_the_floor_is_drawn_under_the_feet_when_standing(scene, model):
    state = hipviz.evaluate(model, {})
    img, floor = _floor_pixels(scene, state, "oblique")
    assert floor.mean() > 0.02, "no floor drawn"
    # subtle: light grey, never dark, on the white background
    assert img[floor].min() > 0.6 and np.median(img[floor]) > 0.8
    # the floor: at the state's floor height (placed on its contacts), else under the lowest bone
    lowest = min(p[:, 1].min() for p in scene_bones(scene))
    placed = getattr(state, "floor_height", None)
    assert scene.floor.height == pytest.approx(lowest if placed is None else placed, abs=1e-9)
    for side in ("r", "l"):
        T = state.transforms[f"foot_{side}"][0]
        heel = T[:3, :3] @ model.landmarks[f"foot_{side}"]["heel"] + T[:3, 3]
        assert abs(heel[1] - scene.floor.height) < 0.02, f"the {side} heel is not on the floor"
    # in the picture from behind, floor shows right below each heel
    _, floor = _floor_pixels(scene, state, "back")
    for side in ("r", "l"):
        T = state.transforms[f"foot_{side}"][0]
        heel = T[:3, :3] @ model.landmarks[f"foot_{side}"]["heel"] + T[:3, 3]
        c, r = to_screen(scene, heel)[0].astype(int)
        below = floor[r + 2: r + 40, c - 10: c + 10]
        assert below.mean() > 0.3, f"no floor under the {side} heel"


def scene_bones(scene):
    return [local @ scene._bone_T[b][:3, :3].T + scene._bone_T[b][:3, 3]
            for b, local in scene._bone_points.items() if b != "spine"]


def test_the_floor_is_under_the_back_when_supine(scene, model):
    state = hipviz.evaluate(model, {}, posture="supine")
    img, floor = _floor_pixels(scene, state, "right")
    assert floor.mean() > 0.003
    pelvis = [p for b, p in zip(scene._bone_points, scene_bones(scene)) if b == "pelvis"][0]
    sacrum = pelvis[np.argmin(pelvis[:, 1])]
    assert scene.floor.height < sacrum[1]
    c, r = to_screen(scene, sacrum)[0].astype(int)
    rows = np.flatnonzero(floor[:, c - 3: c + 3].any(axis=1))
    assert len(rows) and rows.min() >= r - 2, "floor drawn above the back"
    assert rows.max() - r < 80
    # the floor follows the state's floor height when it has one
    state.floor_height = 0.25
    scene.update(state)
    assert scene.floor.height == pytest.approx(0.25)


def test_the_floor_is_not_pickable_nor_fitted_and_can_be_turned_off(scene, model):
    state = hipviz.evaluate(model, {}, posture="supine")
    shot(scene, state, "oblique")
    assert not scene.floor.actor.GetPickable()
    assert scene.floor.actor.GetVisibility()
    pts = scene.scene_points()
    lo, hi = scene.floor.centre - scene.floor.radii, scene.floor.centre + scene.floor.radii
    assert lo[0] < pts[:, 0].min() and hi[0] > pts[:, 0].max(), "the floor is smaller than the body"
    assert np.ptp(pts[:, 0]) < 1.6, "the floor (or something else) is in the camera fit"
    try:
        scene.set_style(PLAIN.replace(show_floor=False))
        assert not scene.floor.actor.GetVisibility()
    finally:
        scene.set_style(PLAIN)
    assert scene.floor.actor.GetVisibility()


def test_the_floor_reads_on_the_dark_background(scene, model):
    dark = RenderStyle.presentation_style(dark=True, anti_aliasing=None, show_legend=False, show_caption=False)
    state = hipviz.evaluate(model, {})
    try:
        without = shot(scene, state, "oblique", style=dark.replace(show_floor=False))
        img = shot(scene, state, "oblique", style=dark)
    finally:
        scene.set_style(PLAIN)
    floor = np.abs(img - without).max(-1) > 0.02
    assert floor.mean() > 0.02
    assert 0.15 < np.median(img[floor]) < 0.45, "floor too bright or invisible on the dark background"


# -- room views -------------------------------------------------------------------------
def bone_box(img) -> tuple[int, int]:
    """Width and height (pixels) of everything drawn except the floor."""
    rows = np.flatnonzero(drawn(img).any(axis=1))
    cols = np.flatnonzero(drawn(img).any(axis=0))
    return cols.max() - cols.min(), rows.max() - rows.min()


def test_supine_is_seen_lying_and_the_anatomical_view_stands_it_up(model, tmp_path):
    from PIL import Image

    state = hipviz.evaluate(model, {}, posture="supine")
    style = PLAIN.replace(show_floor=False)
    room = render_png(state, tmp_path / "room.png", view="side", size=SIZE, muscles=False, style=style, caption="")
    anat = render_png(state, tmp_path / "anat.png", view="side", size=SIZE, muscles=False, style=style, caption="",
                      anatomical_view=True)
    w, h = bone_box(np.asarray(Image.open(room).convert("RGB")) / 255.0)
    assert w > 2.5 * h, f"supine drawn {w} x {h} px in the room view"
    w, h = bone_box(np.asarray(Image.open(anat).convert("RGB")) / 255.0)
    assert h > 2.5 * w, f"supine drawn {w} x {h} px in the anatomical view"


def test_cli_render_anatomical_view_flag(model, tmp_path, capsys):
    from PIL import Image

    from hipviz.cli import main

    sizes = {}
    for flag in ((), ("--anatomical-view",)):
        out = tmp_path / f"cli{len(flag)}.png"
        assert main(["render", "--posture", "supine", "--view", "side", "--no-muscles", "--size", "640x400",
                     "-o", str(out), *flag]) == 0
        img = np.asarray(Image.open(out).convert("RGB"))[:, :400] / 255.0  # left of the legend
        sizes[flag] = bone_box(img)
    # the old flag asked for what is now the default, and still works
    assert main(["render", "--posture", "supine", "--no-muscles", "--size", "64x64", "-o", str(tmp_path / "old.png"),
                 "--room-view"]) == 0
    capsys.readouterr()
    (w0, h0), (w1, h1) = sizes[()], sizes[("--anatomical-view",)]
    assert w0 > h0 and h1 > w1


def test_scenes_start_in_room_views(scene):
    assert scene.anatomical_views is False


@pytest.mark.parametrize("posture", ["standing", "supine", "side_lying", "quadruped", "tall_kneeling", "half_kneeling"])
def test_room_views_frame_the_whole_body_with_a_small_margin(scene, model, posture):
    # what the camera fits: the pelvis and the moving leg, the whole body when both legs rest or a
    # leg that holds the body bends (on hands and one knee, a single-leg squat)
    state = hipviz.evaluate(model, {}, posture=posture)
    scene.update(state)
    held = state.contacts.legs()
    bent = any(abs(np.degrees(state.poses[f"{j}_{c}"][0])) > 15 for c in held for j in ("hip_flexion", "knee_flexion"))
    assert scene.whole_body() == (held >= {"r", "l"} or bent)
    w, h = SIZE
    for view in VIEWS:
        scene.set_view(view)
        xy = to_screen(scene, scene.focus_points()[::11])
        inside = (xy[:, 0] >= 0) & (xy[:, 0] <= w) & (xy[:, 1] >= 0) & (xy[:, 1] <= h)
        assert inside.all(), f"{posture}, {view}: body clipped"
        assert xy[:, 0].min() > 0.01 * w and xy[:, 1].min() > 0.01 * h and xy[:, 1].max() < 0.99 * h, \
            f"{posture}, {view}: no margin"
        assert np.ptp(xy[:, 1]) > 0.6 * h or np.ptp(xy[:, 0]) > 0.6 * w, f"{posture}, {view}: body drawn too small"


def test_the_order_contacts_are_named_in_does_not_move_the_body(model):
    pose = {"hip_flexion_r": 90, "knee_flexion_r": 90, "knee_flexion_l": 90}
    a = hipviz.evaluate(model, pose, posture="supine", contacts=["shoulders", "foot_l"], movement="hold")
    b = hipviz.evaluate(model, pose, posture="supine", contacts=["foot_l", "shoulders"], movement="hold")
    assert a.contacts.names == b.contacts.names
    for seg in a.transforms:
        assert np.allclose(a.transforms[seg], b.transforms[seg])


def test_the_floor_stays_put_while_a_leg_swings_and_follows_the_body_when_it_moves(scene, model, monkeypatch):
    """A drag of the hip from 0 to 110 deg rebuilds the floor only when the foot reaches towards
    its rim (measured: 4 times in 56 steps; 22 when it followed every 2 cm), always under the
    whole body; lying down takes a new one that is larger than the lying body."""
    builds = []
    build = type(scene.floor)._build
    monkeypatch.setattr(type(scene.floor), "_build", lambda self: (builds.append(1), build(self)))
    scene.update(hipviz.evaluate(model, {"flexion": 0}, movement="flexion"))
    first = (scene.floor.centre.copy(), scene.floor.radii.copy())
    builds.clear()
    def under_the_oval(pts):  # every point of the body over the floor's oval
        return (np.square((pts[:, [0, 2]] - scene.floor.centre) / scene.floor.radii).sum(axis=1) < 1.0).all()

    for angle in range(0, 112, 2):
        scene.update(hipviz.evaluate(model, {"flexion": angle}, movement="flexion"))
        assert under_the_oval(scene.scene_points()), angle
    assert len(builds) <= 8
    # the floor only grows and shifts forward with the foot: it never shrinks back mid-drag
    assert (scene.floor.radii >= first[1]).all()
    state = hipviz.evaluate(model, {}, posture="supine")
    scene.update(state)
    assert builds
    assert under_the_oval(scene.scene_points()), "the floor is smaller than the lying body"
