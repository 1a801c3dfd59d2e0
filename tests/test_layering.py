"""The core stays GUI-free and light: importing hipviz pulls in neither Qt nor VTK."""
from __future__ import annotations

import subprocess
import sys

CHECK = """
import sys, hipviz
model = hipviz.load_model()
hipviz.evaluate(model, {"flexion": 45}, movement="flexion")
heavy = sorted(m for m in sys.modules if m.split('.')[0] in {"PySide6", "pyvista", "pyvistaqt", "vtk", "vtkmodules", "matplotlib", "trimesh"})
print(",".join(heavy))
"""


def test_core_imports_neither_qt_nor_vtk():
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"the core imported: {out.stdout.strip()}"
