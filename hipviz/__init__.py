"""hipviz: the human hip in 3D, with its muscles, moment arms and the pelvis that compensates.

The package root is the GUI-free core (numpy only). Quick start::

    >>> import hipviz
    >>> model = hipviz.load_model()
    >>> state = hipviz.evaluate(model, {"flexion": 90, "knee": 90})
    >>> round(state.to_dict()["hip"]["flexion"])
    90

Rendering lives in :mod:`hipviz.render` (pyvista, no Qt) and the window in :mod:`hipviz.app`.
"""
from .core.evaluate import evaluate
from .core.model import Model, load_model
from .core.pose import PoseBatch, PoseError, make_poses
from .core.state import State
from .core.sweep import MomentArms, moment_arms

__version__ = "0.1.0"
__all__ = ["load_model", "evaluate", "moment_arms", "MomentArms", "make_poses", "Model", "State", "PoseBatch", "PoseError", "__version__"]
