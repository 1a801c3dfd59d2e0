"""The desktop window (PySide6 + pyvistaqt): the only package of hipviz that imports Qt.

``hipviz`` without a subcommand calls :func:`hipviz.app.main.run`. The window is a thin shell:
widgets change a :class:`~hipviz.app.viewmodel.ViewModel`, which evaluates the Qt-free core
once per frame; the 3D view (:class:`~hipviz.render.HipScene`) and the panels show the result.
See ``docs/window.md``.
"""
