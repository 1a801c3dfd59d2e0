"""Procedural bone meshes for hipviz.

The bones are built as signed distance fields (millimetres, negative inside)
from smooth blends of simple shapes, sampled on a regular grid, meshed with
marching cubes, smoothed and decimated.  Everything is deterministic.

Modules
-------
sdf
    The sampled field and smooth blending.
shapes
    Primitives: ellipsoids, capsules, sphere clouds, tubes, sheets, cuts.
targets
    Landmark design targets (the contract with the muscle data).
mesh
    Field to watertight triangle mesh, mirroring, closest-point queries.
landmarks
    Landmark design targets, snapping onto a mesh and TOML output.
pelvis, femur, tibia, foot
    The bone recipes (the foot: a stylised solid foot on the sole plane).
render
    Off-screen pictures of the result.
"""
