"""Restoring and saving the window's session (layout, look, scene, pose) through :class:`Store`."""
from __future__ import annotations

from pathlib import Path

from .settings import Preferences

__all__ = ["restore", "save", "restore_defaults"]


def restore(win) -> None:
    """Apply what the store remembers to a freshly built window."""
    geometry, state = win.store.layout()
    if geometry is not None:
        win.restoreGeometry(geometry)
    if state is not None:
        win.restoreState(state)
        win.panels.tidy_later()
    win.player.set_slow(win.prefs.slow)
    win.view.view_name = win.prefs.view
    win.view.set_orthographic(win.prefs.orthographic)
    path, step = win.store.scene()
    if path and Path(path).is_file():
        win.load_scene(path, step)
    request = win.store.request()
    if request:
        win.vm.from_dict(request)
    win.sync_pref_actions()
    win.apply_style()


def save(win) -> None:
    """Remember layout, preferences, scene and pose (the layout not while in projector mode)."""
    store = win.store
    if not store.enabled:
        return
    store.save_preferences(win.prefs)
    if not win.presentation.active:
        store.save_layout(win.saveGeometry(), win.saveState())
    store.save_scene(win.vm.to_dict(), win.scene_path, max(win.player.index, 0))
    store.sync()


def restore_defaults(win) -> None:
    """Forget saved settings: default layout, look, camera, pose; no scene."""
    win.store.clear()
    win.prefs = Preferences()
    if win.presentation.active:
        win.presentation.leave()
    win.restoreState(win.default_layout)
    win.panels.tidy_later()
    win.load_scene(None)
    win.muscle_list.solo(None)
    win.muscle_list.set_all_visible(True)
    win.vm.select(None)
    win.vm.reset()
    win.view.set_orthographic(False)
    win.set_view("oblique")
    win.player.set_slow(1.0)
    win.sync_pref_actions()
    win.apply_style()
