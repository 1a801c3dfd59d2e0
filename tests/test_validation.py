"""The model against published moment arms (reference table 3b) at the neutral pose."""
from __future__ import annotations

from hipviz.core.validation import compare_with_reference


def test_every_main_action_has_the_published_sign(model):
    rows = compare_with_reference(model)
    wrong = [f"{r.muscle}/{r.bundle} {r.coordinate}: {r.model_cm:+.1f} vs [{r.low_cm}, {r.high_cm}]"
             for r in rows if r.main_action and not r.sign_agrees]
    assert not wrong, wrong


def test_most_magnitudes_lie_within_a_centimetre_of_the_published_range(model):
    rows = compare_with_reference(model)
    near = [r for r in rows if r.distance_cm <= 1.0]
    assert len(rows) >= 80
    assert len(near) / len(rows) >= 0.8, [(r.muscle, r.bundle, r.coordinate, round(r.distance_cm, 1)) for r in rows if r.distance_cm > 1]
    assert max(r.distance_cm for r in rows) < 4.0


# --- across the flexion range (data/reference_moment_arm_curves.toml) ---------------------------

import numpy as np
import pytest

import hipviz
from hipviz.core.validation import check_signs_along_range, compare_along_curves, rmse_per_muscle

FLEX, ADD, ROT = range(3)


def _arm_cm(model, muscle, bundle, coord, angles):
    ms = hipviz.evaluate(model, {"flexion": list(angles)}, with_paths=False).muscles["r"]
    i = [k for k, (m, b) in enumerate(zip(ms.muscle_ids, ms.bundle_names)) if m == muscle and b == bundle][0]
    return ms.moment_arm[:, i, coord] * 100


def test_curves_cover_0_30_60_90_and_name_their_source(model):
    curves = compare_along_curves(model)
    assert len(curves) >= 15
    for c in curves:
        assert c.source and ("19" in c.source or "20" in c.source)
        assert np.all(c.low_cm <= c.high_cm)
    assert sum(set((0, 30, 60, 90)) <= set(c.angles) for c in curves) >= 14


def test_main_actions_keep_the_published_sign_along_the_range(model):
    wrong = [f"{c.label} at {a} deg: {m:+.1f} vs [{lo}, {hi}]"
             for c in compare_along_curves(model)
             for a, m, lo, hi, main, ok in zip(c.angles, c.model_cm, c.low_cm, c.high_cm, c.main_action, c.sign_agrees)
             if main and not ok]
    assert not wrong, wrong


def test_qualitative_pose_dependent_signs(model):
    wrong = [f"{s.muscle}/{'+'.join(s.bundles)} {s.coordinate} at {s.angles}: {np.round(s.model_cm, 1)} expected {s.sign}"
             for s in check_signs_along_range(model) if not s.agrees.all()]
    assert not wrong, wrong


def test_rmse_along_the_curves_is_bounded(model):
    # Measured after the path review (docs/validation.md, "Across the range"): the worst curve is
    # gluteus maximus extension against one Blemker & Delp fibre (~2.6 cm), then gluteus maximus
    # against Nemeth & Ohlsen and Delp's middle compartments (~2.1 cm). Every other curve < 1.8 cm.
    curves = compare_along_curves(model)
    worst = {c.label: round(c.rmse_cm, 2) for c in curves if c.rmse_cm > 2.75}
    assert not worst, worst
    assert sum(c.rmse_cm < 2.0 for c in curves) >= len(curves) - 3, {c.label: round(c.rmse_cm, 2) for c in curves}
    dist = np.concatenate([c.distance_cm for c in curves])
    assert np.mean(dist <= 1.5) >= 0.75, np.round(dist, 1)  # measured 47 of 62
    assert max(rmse_per_muscle(curves).values()) < 2.0


# --- the known errors of the issue, fixed ------------------------------------------------------

def test_sartorius_stays_an_external_rotator_in_deep_flexion(model):
    r = _arm_cm(model, "sartorius", "main", ROT, (0, 60, 90))
    assert np.all(r < 0), r


def test_tfl_flexion_arm_stays_large_through_the_range(model):
    r = _arm_cm(model, "tensor_fasciae_latae", "main", FLEX, (0, 30, 60, 90))
    assert np.all(r[:3] > 4.0) and r[3] > 3.0, r


def test_pectineus_and_adductor_brevis_flexion_arms_at_neutral(model):
    assert 2.5 <= _arm_cm(model, "pectineus", "main", FLEX, (0,))[0] <= 4.0
    assert 2.0 <= _arm_cm(model, "adductor_brevis", "main", FLEX, (0,))[0] <= 3.5


def test_adductor_longus_small_internal_rotation_arm_at_neutral(model):
    r = _arm_cm(model, "adductor_longus", "main", ROT, (0,))[0]
    assert 0 < r < 1.5, r


@pytest.mark.xfail(strict=True, reason="measured +2.5 cm: the origin on the obturator foramen lies anterior-inferior "
                   "and the tendon reaches the femur behind the neck, so every anatomical path tried flexes by >1.6 cm "
                   "(a search over neck-cylinder radius 16-24 mm, its position and the origin gave +1.7 cm at best)")
def test_obturator_externus_has_no_flexion_arm_at_neutral(model):
    assert abs(_arm_cm(model, "obturator_externus", "main", FLEX, (0,))[0]) < 1.0


@pytest.mark.xfail(strict=True, reason="measured +4.3 cm (was +5.0): the muscle runs about 5 cm below the hip centre "
                   "on these bones; a smaller adduction arm would need the line through the femoral head (3.0 cm needs "
                   "the origin 40 mm up the tuberosity, above gemellus inferior's, and the insertion above the tubercle)")
def test_quadratus_femoris_is_a_small_adductor_at_neutral(model):
    assert 0.5 <= _arm_cm(model, "quadratus_femoris", "main", ADD, (0,))[0] <= 3.0


def test_biarticular_adduction_arms(model):
    assert _arm_cm(model, "gracilis", "main", ADD, (0,))[0] > 4.0
    for m in ("biceps_femoris_long_head", "semitendinosus", "semimembranosus"):
        r = _arm_cm(model, m, "main", ADD, (0,))[0]
        assert 0 < r < 3.5, (m, r)
