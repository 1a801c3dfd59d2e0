"""Muscle tubes (``hipviz.render.geometry.tube_points``, numpy only): round, untwisted, padding-proof."""
from __future__ import annotations

import numpy as np

from hipviz.render.geometry import pad_index, tube_point_count, tube_points

SIDES = 6


def _bent_path(k: int = 12) -> np.ndarray:
    """A path bending 120 deg round a circle, as a wrapped muscle does round bone."""
    a = np.linspace(0.0, np.radians(120), k)
    return np.stack([0.05 * np.cos(a), 0.05 * np.sin(a), 0.01 * a], axis=-1)


def _rings(points: np.ndarray, k: int) -> np.ndarray:
    return points[: k * SIDES].reshape(k, SIDES, 3)


def test_every_ring_is_round_at_the_radius_and_square_to_the_path():
    P = _bent_path()
    pts, nrm = tube_points(P[None], np.array([0.004]), SIDES)
    assert pts.shape == (1, tube_point_count(len(P), SIDES), 3)
    rings = _rings(pts[0], len(P))
    np.testing.assert_allclose(np.linalg.norm(rings - P[:, None], axis=-1), 0.004, rtol=1e-9)
    np.testing.assert_allclose(np.linalg.norm(nrm[0], axis=-1), 1.0, rtol=1e-9)
    along = np.gradient(P, axis=0)
    along /= np.linalg.norm(along, axis=-1, keepdims=True)
    offsets = rings - P[:, None]
    assert np.abs(np.einsum("kpi,ki->kp", offsets, along)).max() < 0.004 * 0.1


def test_facets_do_not_twist_along_a_bent_path():
    """Parallel transport: a facet's corner moves to the same corner of the next ring, never by a
    quarter turn (a twisted tube shows as a barber-pole pattern)."""
    P = _bent_path(30)
    pts, _ = tube_points(P[None], np.array([0.004]), SIDES)
    rings = _rings(pts[0], len(P)) - P[:, None]
    rings /= np.linalg.norm(rings, axis=-1, keepdims=True)
    same_corner = np.einsum("kpi,kpi->kp", rings[1:], rings[:-1])
    assert same_corner.min() > np.cos(np.radians(10))


def test_a_path_padded_with_its_last_point_keeps_its_rings():
    """Bundles of different point counts are drawn in one pass, each padded with its last point:
    the rings along the real path must be those of the path alone."""
    P = _bent_path(9)
    alone, _ = tube_points(P[None], np.array([0.003]), SIDES)
    padded = np.concatenate([P, np.repeat(P[-1:], 5, axis=0)])
    both, _ = tube_points(np.stack([padded, _bent_path(14)]), np.array([0.003, 0.005]), SIDES)
    np.testing.assert_allclose(both[0, : 9 * SIDES], alone[0, : 9 * SIDES], atol=1e-12)


def test_degenerate_paths_give_finite_tubes():
    """A path with no length, or one that doubles back on itself, still draws (no NaN)."""
    still = np.zeros((4, 3))
    back = np.array([[0, 0, 0], [0.1, 0, 0], [0.0, 0, 0], [0.1, 0, 0]], float)
    pts, nrm = tube_points(np.stack([still, back]), np.array([0.004, 0.004]), SIDES)
    assert np.isfinite(pts).all() and np.isfinite(nrm).all()


def test_padded_tubes_are_the_padded_paths_tubes_less_the_padding_rings():
    """The muscle layer frames every bundle padded to the longest and makes rings only at its own
    points (and its end cap): the values must be exactly those of ``tube_points`` on the
    padded paths, with the padding's rings left out."""
    from hipviz.render.geometry import padded_tube_points

    rng = np.random.default_rng(5)
    lens = np.array([2, 9, 14, 3, 14])
    K = int(lens.max())
    P = np.stack([np.concatenate([_bent_path(k), np.repeat(_bent_path(k)[-1:], K - k, axis=0)]) for k in lens])
    P[3, 1] = P[3, 0]  # a zero-length segment inside a path, too
    radii = rng.uniform(0.002, 0.006, len(lens))
    full_p, full_n = tube_points(P, radii, SIDES)
    per = tube_point_count(K, SIDES)
    keep = np.concatenate([j * per + np.r_[np.arange(k * SIDES), K * SIDES + np.arange(2 * (SIDES + 1))]
                           for j, k in enumerate(lens)])
    pts, nrm = padded_tube_points(P, radii, SIDES, lens)
    assert len(pts) == sum(tube_point_count(k, SIDES) for k in lens)
    np.testing.assert_array_equal(pts, full_p.reshape(-1, 3)[keep])
    np.testing.assert_array_equal(nrm, full_n.reshape(-1, 3)[keep])


def test_padded_tubes_alone_are_each_path_alone():
    """``alone=True`` (the halo's tubes, drawn in one call): each tube is exactly that of its
    path alone, the end framed by its own last segment, whatever the padding after it."""
    from hipviz.render.geometry import padded_tube_points

    lens = np.array([9, 2, 14, 5])
    K = int(lens.max())
    paths = [_bent_path(k) * (1 + 0.1 * j) for j, k in enumerate(lens)]
    paths[3][-1] = paths[3][-2]  # a path ending in a zero-length segment
    P = np.stack([np.concatenate([p, np.repeat(p[-1:], K - len(p), axis=0)]) for p in paths])
    radii = np.array([0.003, 0.004, 0.005, 0.006])
    pts, nrm = padded_tube_points(P, radii, SIDES, lens, alone=True)
    alone = [tube_points(p[None], radii[j:j + 1], SIDES) for j, p in enumerate(paths)]
    np.testing.assert_array_equal(pts, np.concatenate([a[0][0] for a in alone]))
    np.testing.assert_array_equal(nrm, np.concatenate([a[1][0] for a in alone]))


def test_pad_index_pads_each_path_with_its_last_point():
    paths = [np.arange(3), np.arange(1) + 10, np.arange(5) + 20]
    flat = np.concatenate(paths)
    padded = flat[pad_index([len(p) for p in paths])]
    assert padded.shape == (3, 5)
    assert padded.tolist() == [[0, 1, 2, 2, 2], [10] * 5, [20, 21, 22, 23, 24]]
