"""Pelvis (both hip bones, sacrum and coccyx) as a distance field, mm.

Frame: origin midway between the hip centres, x anterior, y superior, z to
the right.  The ASISs and the PSIS midpoint lie at the same height, so the
ASIS-PSIS line is level.  Only the right hip bone is described; the field is
built for z >= 0 and mirrored.
"""
from __future__ import annotations

import numpy as np

from .sdf import Field, frame_from, unit
from .shapes import CappedSphere, Capsule, Cut, Ellipsoid, RoundCylinder, sheet, tube

HIP_CENTRE = np.array([0.0, 0.0, 87.0])
CUP_RADIUS = 27.5
CUP_WALL = 7.5
INCLINATION = 45.0
ANTEVERSION = 17.0


def cup_axis():
    """Unit vector out of the right acetabulum (lateral, anterior, inferior)."""
    inc, ante = np.radians(INCLINATION), np.radians(ANTEVERSION)
    return np.array([np.sin(ante), -np.cos(ante) * np.cos(inc), np.cos(ante) * np.sin(inc)])


# Iliac crest centre line (about 6 mm inside the crest surface), ASIS -> PSIS.
CREST = np.array([
    [41, 84, 119], [33, 100, 127], [16, 113, 132], [-5, 120, 133], [-25, 122, 131],
    [-45, 121, 124], [-62, 118, 111], [-78, 112, 92], [-92, 101, 71], [-102, 86, 50]], float)
CREST_RADII = np.array([5.5, 5.0, 6.0, 5.5, 5.5, 5.0, 5.0, 5.5, 6.0, 6.5])
# Lower edge of the iliac blade, where it thickens into the body of the ilium.
BLADE_BASE = np.array([
    [36, 50, 103], [22, 42, 101], [3, 38, 96], [-15, 38, 88], [-35, 40, 79],
    [-55, 45, 68], [-75, 53, 60], [-90, 60, 54], [-98, 66, 51], [-103, 70, 49]], float)


def _iliac_blade(field):
    """Thin curved iliac wing with a thick S-shaped crest, ASIS and PSIS."""
    mid = 0.5 * (BLADE_BASE + CREST)
    tangent = np.gradient(CREST, axis=0)
    normal = unit(np.cross(CREST - BLADE_BASE, tangent))
    normal *= np.sign(normal[:, 2:3])                     # lateral
    u = np.linspace(0, 1, len(CREST))
    mid = mid + (7.0 * (1 - u) - 0.5 * u)[:, None] * normal
    base = BLADE_BASE + (5.0 * (1 - u))[:, None] * normal    # flows into the rim
    rows = np.stack([base, mid, CREST])
    thick = np.array([[10.0] * 8 + [9.0, 8.0],
                      [4.5, 3.5, 3.5, 3.5, 3.5, 3.5, 3.5, 4.0, 5.5, 6.5],
                      [4.5] * 10])
    field.union(sheet(rows, thick), k=4.0)
    field.union(tube(CREST, CREST_RADII), k=4.0)
    field.union(Ellipsoid([15, 114, 131], [10, 7, 7]), k=5.0)         # iliac tubercle
    field.union(Ellipsoid([41, 83, 118], [7, 6, 6]), k=4.0)           # ASIS
    field.union(Ellipsoid([35, 46, 100], [6, 7, 6]), k=4.0)           # AIIS
    field.union(tube([[40, 80, 117], [31, 63, 108], [34, 47, 101], [24, 30, 96]], 5.0), k=4.0)
    field.union(Ellipsoid([-102, 83, 47], [7, 7, 6]), k=4.0)          # PSIS
    field.union(Ellipsoid([-106, 54, 49], [6, 7, 6]), k=4.0)          # PIIS
    field.union(Ellipsoid([-96, 68, 53], [13, 22, 8]), k=6.0)         # auricular part


def _notch_direction():
    """Unit vector from the hip centre to the acetabular notch (inferior rim)."""
    a = cup_axis()
    down = np.array([0.15, -1.0, 0.0])
    return unit(down - np.dot(down, a) * a)


def _acetabular_lip():
    """Raised rim of the acetabulum, open at the acetabular notch."""
    a = cup_axis()
    e1 = _notch_direction()
    e2 = np.cross(a, e1)
    ang = np.radians(np.linspace(28.0, 332.0, 40))
    ring = HIP_CENTRE - 1.5 * a + 30.5 * (np.outer(np.cos(ang), e1) + np.outer(np.sin(ang), e2))
    return tube(ring, 4.5)


def _acetabulum_and_body(field):
    """Acetabular shell and rim, body of the ilium, posterior column, spine."""
    a = cup_axis()
    field.union(CappedSphere(HIP_CENTRE, CUP_RADIUS + CUP_WALL, a, offset=-1.0), k=0.0)
    # body of the ilium: from the acetabular roof back to the sacroiliac joint
    field.union(tube([[5, 28, 82], [-20, 32, 74], [-45, 32, 66], [-72, 37, 57], [-94, 50, 52]],
                     [15.0, 14.0, 13.0, 13.0, 14.0]), k=8.0)
    # posterior column behind the acetabulum, down to the ischial spine
    field.union(tube([[-45, 30, 64], [-58, 18, 58], [-58, 0, 57], [-56, -14, 57]],
                     [12.0, 11.0, 10.0, 9.0]), k=6.0)
    field.union(tube([[-57, -10, 59], [-56, -13, 47]], [6.5, 3.0]), k=4.0)   # ischial spine
    field.union(_acetabular_lip(), k=3.0)


def _ischium_and_pubis(field):
    """Ischium, pubis and the rami framing the obturator foramen."""
    # body of the ischium: a plate behind the foramen, down to the tuberosity
    rows = np.array([
        [[-57, -12, 57], [-40, -22, 64], [-24, -26, 68], [-7, -27, 68]],
        [[-56, -38, 57], [-43, -44, 61], [-27, -46, 63], [-11, -46, 60]],
        [[-51, -63, 58], [-40, -66, 56], [-26, -66, 50], [-10, -66, 42]]], float)
    field.union(sheet(rows, [[8.0, 9, 9, 8], [7.0, 7, 7, 7], [8.0, 8, 7, 6]]), k=6.0)
    field.union(Ellipsoid([-47, -58, 60], [12, 15, 10], frame_from([0, 0, 1], up=[0.3, 1, 0])),
                k=6.0)                                                  # tuberosity
    # superior pubic ramus (tall, with the obturator crest underneath)
    top = np.array([[16, 0, 80], [33, -1, 60], [46, -9, 40], [53, -16, 22]], float)
    rows = np.stack([top, top + [-2, -8, 2]])
    field.union(sheet(rows, [[10.0, 9.0, 8.0, 8.0]] * 2), k=6.0)
    # pubic bodies, meeting at the symphysis
    body = frame_from([0, 0, 1], up=[0.3, 0.95, 0])
    for sign in (1.0, -1.0):                  # the left one reaches across z = 0
        field.union(Ellipsoid([52, -27, 11 * sign], [8, 21, 12], body), k=3.0)
    # ischiopubic ramus: symphysis -> tuberosity, a flat bar
    ramus = np.array([[45, -47, 7], [35, -61, 20], [14, -69, 32], [-10, -72, 39],
                      [-30, -67, 50]], float)
    rows = np.stack([ramus + [0, 2.5, 0], ramus - [0, 2.5, 0]])
    field.union(sheet(rows, [[6.0, 6.0, 6.0, 6.5, 7.0]] * 2), k=5.0)


def _carve(field):
    """Acetabular cavity and notch, obturator foramen."""
    a = cup_axis()
    field.subtract(Capsule(HIP_CENTRE, HIP_CENTRE + 60 * a, CUP_RADIUS), k=2.0)
    notch = HIP_CENTRE + 31.0 * _notch_direction() + 2.0 * a
    field.subtract(Ellipsoid(notch, [9, 9, 9]), k=3.0)
    fossa = HIP_CENTRE + 9.0 * _notch_direction() - 16.0 * a      # acetabular fossa
    field.subtract(Ellipsoid(fossa, [13, 13, 13]), k=3.0)
    n = unit([0.65, -0.5, 0.55])
    long_axis = unit(np.array([0.3, 1.0, 0.2]) - np.dot([0.3, 1.0, 0.2], n) * n)
    rot = np.column_stack([np.cross(long_axis, n), long_axis, n])
    field.subtract(Ellipsoid([20, -42, 48], [11, 16, 18], rot), k=5.0)


def _sacrum(field):
    """Curved wedge-shaped sacrum with the S1 body, and the coccyx."""
    centre = np.array([[-82, 80], [-89, 58], [-96, 35], [-96, 12], [-93, -6]], float)
    half_width = np.array([38.0, 35.0, 27.0, 17.0, 9.0])
    zs = np.linspace(-1, 1, 9)
    drop = np.array([8.0, 4.0, 0.0, 0.0, 0.0])     # the alae slope down laterally
    rows = np.array([[[c[0] + 5 * z * z, c[1] - d * z * z, w * z] for z in zs]
                     for c, w, d in zip(centre, half_width, drop)])
    thick = np.array([[19.0, 18.0, 16.0, 12.0, 9.0]]).T * (1 - 0.25 * zs ** 2)
    tilt = np.radians(10.0)
    n = np.array([np.sin(tilt), np.cos(tilt), 0.0])                # S1 endplate normal
    top = np.array([-58.0, 92.0, 0.0]) + 20.0 * np.array([-np.cos(tilt), np.sin(tilt), 0.0])
    field.union(Cut(sheet(rows, thick), top, n, k=4.0), k=6.0)
    field.union(RoundCylinder(top - 16 * n, n, 22.5, 16.0, 6.0), k=10.0)
    field.union(tube([[-100, 82, 0], [-106, 60, 0], [-109, 38, 0], [-105, 15, 0]], 3.0), k=4.0)
    for x, y, z in [(-68, 70, 15), (-76, 47, 14), (-82, 25, 12), (-84, 6, 9)]:
        field.subtract(Ellipsoid([x, y, z], [4.5, 5.0, 6.0]), k=2.0)   # pelvic foramina
    for x, y, z in [(-102, 70, 16), (-108, 47, 15), (-108, 25, 13), (-103, 6, 10)]:
        field.subtract(Ellipsoid([x, y, z], [4.0, 4.0, 4.0]), k=2.0)   # dorsal foramina
    field.union(tube([[-93, -10, 0], [-91, -27, 0], [-87, -39, 0], [-82, -45, 0]],
                     [7.0, 6.0, 4.5, 3.0]), k=4.0)


def build(h=1.6):
    """Distance field of the whole pelvis.

    Parameters
    ----------
    h : float, default: 1.6
        Voxel size (mm).

    Returns
    -------
    sdf.Field
        Field over the full (mirrored) box.
    """
    half = Field([-135.0, -90.0, 0.0], [72.0, 145.0, 152.0], h)
    _acetabulum_and_body(half)
    _ischium_and_pubis(half)
    _iliac_blade(half)
    _sacrum(half)
    _carve(half)
    return half.mirrored_z()
