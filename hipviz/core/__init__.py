"""The GUI-free core of hipviz: anatomy data, the rig, muscle paths, moment arms, activation.

Everything here is numpy (and scipy) only: no Qt, no VTK. A test enforces it.
"""
