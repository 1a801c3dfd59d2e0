"""Right foot as one distance field, foot frame, mm.

Frame: origin at the ankle joint centre (the centre of the talar dome, where
the tibia's ``ankle_center`` lies), x anterior, y up (along the tibia with
the ankle at 0), z to the right (lateral for this right foot).

A stylised skeletal foot, solid enough to read as a foot from across a room:
talus and calcaneus (heel), the midfoot with the medial longitudinal arch
raised off the floor, five metatarsals, and the toes (a big toe and a block
of four lesser toes).  The sole rests on the plane ``y = SOLE_Y``: heel,
metatarsal heads and toe pads touch it; the arch does not.  The contact
points are the contract with the core, which puts feet on the floor with
them (see :data:`meshgen.targets.FOOT`).
"""
from __future__ import annotations

import numpy as np

from .sdf import Field, smax
from .shapes import Ellipsoid, sphere, tube

SOLE_Y = -78.0
"""Height (mm) of the floor below the ankle centre, foot flat, ankle at 0."""

#: Metatarsal heads (centres, mm) and radii, first (medial) to fifth (lateral).
_HEADS = np.array([[136.0, -65.5, -25.0], [141.0, -68.0, -9.5], [136.0, -68.5, 4.0],
                   [130.0, -68.5, 17.0], [123.0, -68.0, 30.0]])
_HEAD_R = np.array([13.5, 10.5, 10.0, 9.5, 10.0])
#: Lesser toes (second to fifth): tip centres (mm) and radii at the tip.
_TOE_TIPS = np.array([[184.0, -70.5, -7.0], [175.0, -71.0, 5.5], [165.0, -71.0, 17.0],
                      [152.0, -71.0, 28.0]])
_TOE_R = np.array([7.5, 7.2, 6.9, 6.7])


def _hindfoot(field):
    """Talus under the tibia and the heel (calcaneal tuberosity) behind and below it."""
    field.union(Ellipsoid([-2.0, -8.0, 1.0], [28.0, 21.0, 20.0]))            # talar body and dome
    field.union(Ellipsoid([-44.0, -55.0, 3.0], [25.0, 25.0, 22.0]), k=14.0)   # heel
    field.union(Ellipsoid([-14.0, -40.0, 6.0], [30.0, 24.0, 22.0]), k=14.0)   # calcaneal body
    field.union(Ellipsoid([-6.0, -34.0, -19.0], [14.0, 7.0, 7.0]), k=8.0)    # sustentaculum tali


def _midfoot(field):
    """The instep: high on the medial side (the arch), low on the lateral border."""
    field.union(Ellipsoid([48.0, -40.0, 0.0], [50.0, 26.0, 33.0]), k=16.0)    # tarsals
    field.union(tube([[-34.0, -61.0, 13.0], [20.0, -64.0, 24.0], [70.0, -65.0, 30.0],
                      [118.0, -66.0, 31.0]], [15.0, 12.0, 11.0, 10.5]), k=12.0)  # lateral column
    field.union(Ellipsoid([56.0, -57.0, 33.0], [11.0, 9.0, 8.0]), k=6.0)     # fifth metatarsal tuberosity
    field.union(Ellipsoid([42.0, -26.0, -13.0], [14.0, 14.0, 12.0]), k=10.0)  # navicular


def _forefoot(field):
    """Metatarsals under one dorsal surface, their heads resting on the floor."""
    field.union(Ellipsoid([112.0, -58.0, 2.0], [40.0, 17.0, 33.0]), k=14.0)
    for head, rh in zip(_HEADS, _HEAD_R):
        field.union(sphere(head - [0.0, 1.5, 0.0], rh), k=8.0)
    for base, head in zip([[70.0, -38.0, -18.0], [68.0, -36.0, -6.0], [66.0, -38.0, 5.0], [63.0, -43.0, 15.0]],
                          _HEADS[:4]):
        field.union(tube([base, head + [0.0, 3.0, 0.0]], [9.0, 8.0]), k=8.0)  # dorsal ridges


def _toes(field):
    """Big toe and the four lesser toes, curled a little onto the floor."""
    h1 = _HEADS[0]
    field.union(tube([h1 + [6.0, 1.0, 0.0], [165.0, -65.5, -22.0], [190.0, -69.5, -18.5]],
                     [12.5, 11.0, 10.0]), k=6.0)                               # hallux
    field.union(sphere([190.0, -70.0, -18.0], 10.0), k=2.0)                  # tip at x = 200
    for head, tip, r in zip(_HEADS[1:], _TOE_TIPS, _TOE_R):
        knuckle = head + 0.5 * (tip - head) + [0.0, 4.0, 0.0]                # slight claw
        field.union(tube([head + [4.0, 1.0, 0.0], knuckle, tip], [r + 1.5, r + 0.5, r]), k=2.5)
        field.union(sphere(tip, r), k=1.5)


def _sole(field, k=4.0):
    """Cut everything below the floor: the heel, the balls and the toe pads become flat."""
    y = field.axes[1][None, :, None]
    field.values = smax(field.values, (SOLE_Y - y).astype(np.float32), k).astype(np.float32)


def build(h=1.5):
    """Distance field of the right foot.

    Parameters
    ----------
    h : float, default: 1.5
        Voxel size (mm).

    Returns
    -------
    sdf.Field
    """
    field = Field([-74.0, -84.0, -48.0], [208.0, 20.0, 50.0], h)
    _hindfoot(field)
    _midfoot(field)
    _forefoot(field)
    _toes(field)
    _sole(field)
    return field
