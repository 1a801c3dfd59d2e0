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
