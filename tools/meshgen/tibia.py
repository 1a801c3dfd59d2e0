"""Right tibia with the fibula as one distance field, tibia frame, mm.

Frame: origin at the knee centre, y from the ankle centre (0, -400, 0) up to
the knee centre, z to the right (lateral for this right tibia), x anterior.
The tibial plateau lies about 25 mm below the origin, where the femoral
condyles rest.
"""
from __future__ import annotations

import numpy as np

from .sdf import Field, frame_from
from .shapes import Cut, Ellipsoid, loft, tube

PLATEAU_Y = -25.0
PLAFOND_Y = -388.0


def _proximal(field):
    """Condyles with a flat plateau, eminence, tuberosity and Gerdy's tubercle."""
    top = loft([-15, -30, -45, -62, -80, -100, -125], [14, 14, 13, 11, 8, 3, 0],
                 [24, 24, 22, 20, 18, 16, 15], [-1, -1, 0, 1, 2, 3, 4])
    field.union(Cut(top, [0, PLATEAU_Y, 0], [0, 1, 0], k=5.0))
    field.subtract(Ellipsoid([-27, PLATEAU_Y - 4, 0], [8, 14, 8]), k=4.0)
    for z in (-5.0, 5.0):                                   # intercondylar eminence
        field.union(Ellipsoid([-2, PLATEAU_Y - 1, z], [7, 6, 3.5]), k=3.0)
    field.union(Ellipsoid([30, -60, 4], [5, 15, 10]), k=12.0)  # tibial tuberosity
    field.union(Ellipsoid([-12, -38, -22], [14, 12, 14]), k=8.0)  # posteromedial condyle
    anteromedial = frame_from([0.5, 0.0, -0.87])
    field.union(Ellipsoid([14.5, -75, -21.9], [14, 25, 7], anteromedial), k=10.0)
    field.union(Ellipsoid([17, -38, 28], [6, 6, 5]), k=6.0)   # Gerdy's tubercle


def _shaft_and_ankle(field):
    """Shaft with anterior crest and borders, distal end, medial malleolus."""
    pts = np.array([[4, -100, -1], [4, -150, -1], [3, -230, -2], [1, -300, -3]], float)
    field.union(tube(pts, [15.0, 12.5, 11.0, 11.5]), k=10.0)
    field.union(tube([[22, -75, 3], [16, -150, 1], [13, -250, -1], [9, -330, -3]],
                     [5.0, 3.5, 3.0, 2.5]), k=9.0)          # anterior border (shin)
    field.union(tube([[-8, -90, -14], [-7, -200, -11], [-5, -320, -11]], 3.0), k=8.0)
    field.union(tube([[-4, -90, 12], [-3, -200, 11], [-2, -320, 10]], 3.0), k=8.0)
    end = loft([-290, -325, -350, -372, -395], [0, 3, 8, 11, 11],
                 [11.5, 13, 15, 17, 17], [1, 1, 0, 0, 0])
    field.union(Cut(end, [0, PLAFOND_Y, 0], [0, -1, 0], k=4.0), k=8.0)
    field.union(Ellipsoid([4, -393, -23], [11, 18, 7]), k=8.0)  # medial malleolus


def _fibula(field):
    """Fibula: head under the lateral condyle, slender shaft, lateral malleolus."""
    field.union(Ellipsoid([-16, -53, 36], [12, 12, 10]), k=4.0)
    field.union(tube([[-16, -60, 37], [-14, -150, 33], [-12, -250, 30], [-10, -340, 27],
                      [-8, -372, 27]], [7.5, 7.0, 7.0, 7.5, 9.0]), k=4.0)
    field.union(Ellipsoid([-9, -398, 28], [12, 22, 8]), k=6.0)  # lateral malleolus


def build(h=1.5):
    """Distance field of the right tibia and fibula.

    Parameters
    ----------
    h : float, default: 1.5
        Voxel size (mm).

    Returns
    -------
    sdf.Field
    """
    field = Field([-42.0, -432.0, -46.0], [50.0, -10.0, 54.0], h)
    _proximal(field)
    _shaft_and_ankle(field)
    _fibula(field)
    return field
