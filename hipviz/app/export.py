"""Pictures of the 3D view for slides: chosen size (16:9, 4:3 ...), transparent background,
saved to a file or copied to the clipboard."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QMessageBox,
                               QVBoxLayout)

__all__ = ["SIZES", "render_view_image", "numpy_to_qimage", "save_qimage", "ExportDialog"]

#: Picture sizes offered for slides: label -> (width, height) or None for the view's own size.
SIZES: dict[str, tuple[int, int] | None] = {
    "16:9, 1920 x 1080 (widescreen slides)": (1920, 1080),
    "16:9, 1280 x 720": (1280, 720),
    "4:3, 1600 x 1200 (classic slides)": (1600, 1200),
    "4:3, 1024 x 768": (1024, 768),
    "Same as the view": None,
}


def numpy_to_qimage(img: np.ndarray) -> QImage:
    """An ``(h, w, 3|4)`` uint8 array as a QImage (copied)."""
    img = np.ascontiguousarray(img, dtype=np.uint8)
    h, w, c = img.shape
    fmt = QImage.Format_RGBA8888 if c == 4 else QImage.Format_RGB888
    return QImage(img.data, w, h, c * w, fmt).copy()


def save_qimage(img: QImage, path) -> None:
    """Write ``img`` as a PNG at ``path``, atomically: an existing file is replaced only by a whole
    picture (never a 0-byte or truncated one when the program is killed or the disk is full).

    Raises
    ------
    OSError
        The picture could not be encoded or written; ``path`` is as it was.
    """
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    from hipviz.io.atomic import write_bytes

    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.WriteOnly)
    ok = img.save(buf, "PNG")
    buf.close()
    if not ok or data.isEmpty():
        raise OSError("the picture could not be encoded as PNG")
    write_bytes(path, bytes(data.data()))


def render_view_image(view, size: tuple[int, int] | None = None, *, transparent: bool = False) -> QImage:
    """Render what the 3D view shows, anti-aliased, off-screen at ``size`` (default: the view's).

    The camera is the view's own; if the user has not turned it away from a preset, the preset
    is fitted anew to the picture's shape.
    """
    from hipviz.render import HipScene
    from hipviz.render.vtkplotter import offscreen_plotter

    if size is None:
        size = (max(view.plotter.width(), 16), max(view.plotter.height(), 16))
    w, h = (int(v) for v in size)
    with offscreen_plotter((w, h)) as pl:
        style = view.base_style.replace(anti_aliasing="msaa", multi_samples=8)
        sc = HipScene(pl, view.model, style=style)
        if view.state is not None:
            sc.update(view.state)
        view.copy_display_to(sc)
        sc.anatomical_views = view.scene.anatomical_views  # room-fixed presets unless turned on
        src = view.plotter.renderer.GetActiveCamera()
        if view.camera_is_preset:  # fit the preset to this picture's shape (parallel or not)
            pl.renderer.GetActiveCamera().SetParallelProjection(src.GetParallelProjection())
            sc.set_view(view.view_name)
        else:
            pl.renderer.GetActiveCamera().DeepCopy(src)
        pl.renderer.ResetCameraClippingRange()
        img = pl.screenshot(transparent_background=transparent)
    return numpy_to_qimage(img)


class ExportDialog(QDialog):
    """Choose size and background, then save or copy."""

    def __init__(self, parent=None, *, copy: bool = False, size_label: str | None = None, transparent: bool = False):
        super().__init__(parent)
        self.setWindowTitle("Copy picture of the 3D view" if copy else "Save picture of the 3D view")
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.size = QComboBox()
        for label in SIZES:
            self.size.addItem(label)
        if size_label in SIZES:
            self.size.setCurrentText(size_label)
        self.transparent = QCheckBox("Transparent background (for slides with their own background)")
        self.transparent.setChecked(transparent)
        form.addRow("Size", self.size)
        form.addRow("", self.transparent)
        lay.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Copy" if copy else "Save\N{HORIZONTAL ELLIPSIS}")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def choice(self) -> tuple[str, tuple[int, int] | None, bool]:
        label = self.size.currentText()
        return label, SIZES[label], self.transparent.isChecked()


def save_image_interactive(parent, view, size, transparent: bool, folder: str = "") -> str | None:
    """Ask for a file name and save; returns the path or None."""
    path, _ = QFileDialog.getSaveFileName(parent, "Save picture", folder or "hip.png", "PNG pictures (*.png)")
    if not path:
        return None
    if not path.lower().endswith(".png"):
        path += ".png"
    QGuiApplication.setOverrideCursor(Qt.WaitCursor)
    try:
        save_qimage(view.image(size, transparent=transparent), path)
    except OSError as exc:
        QMessageBox.warning(parent, "hipviz", f"Could not write {path} ({exc.strerror or exc}); "
                                              "an existing file there is as it was")
        return None
    finally:
        QGuiApplication.restoreOverrideCursor()
    return path


def copy_image(view, size, transparent: bool) -> QImage:
    """Put a picture of the view on the clipboard and return it."""
    QGuiApplication.setOverrideCursor(Qt.WaitCursor)
    try:
        img = view.image(size, transparent=transparent)
    finally:
        QGuiApplication.restoreOverrideCursor()
    QGuiApplication.clipboard().setImage(img)
    return img
