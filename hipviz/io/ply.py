"""A small binary PLY reader (numpy only) for bone meshes.

hipviz's own meshes and the folders ``hipviz import-bones`` writes are binary PLY files of
float vertices and triangle faces. Reading them with numpy alone keeps trimesh (and SciPy,
which trimesh imports: ~90 MB of memory) out of the window and out of ``hipviz render``.
Anything this reader does not handle (ASCII PLY, faces of mixed sizes, lists in other
elements) raises :class:`PlyUnsupported`, and the caller reads the file another way; a
damaged file raises :class:`PlyError` with a message that says what is wrong.
"""
from __future__ import annotations

import numpy as np

__all__ = ["PlyError", "PlyUnsupported", "read_ply_triangles"]

_TYPES = {"char": "i1", "int8": "i1", "uchar": "u1", "uint8": "u1", "short": "i2", "int16": "i2",
          "ushort": "u2", "uint16": "u2", "int": "i4", "int32": "i4", "uint": "u4", "uint32": "u4",
          "float": "f4", "float32": "f4", "double": "f8", "float64": "f8"}
_MAX_HEADER = 1 << 16
_MAX_COUNT = 50_000_000


class PlyError(ValueError):
    """The file is a damaged PLY file (the message says how, without the file name)."""


class PlyUnsupported(Exception):
    """A PLY variant this reader does not handle; read the file another way."""


def _header(data: bytes):
    if not data.startswith(b"ply"):
        raise PlyError("not a PLY file (it does not start with 'ply')")
    end = data.find(b"end_header", 0, _MAX_HEADER)
    if end < 0:
        raise PlyError("no end_header line: the file is damaged or not a PLY mesh")
    nl = data.find(b"\n", end)
    if nl < 0:
        raise PlyError("the file ends after its header: no vertices")
    try:
        lines = data[:end].decode("ascii").splitlines()[1:]
    except UnicodeDecodeError:
        raise PlyError("the header holds bytes that are not text: the file is damaged") from None
    fmt, elements = None, []
    for line in lines:
        words = line.split()
        if not words or words[0] in ("comment", "obj_info"):
            continue
        if words[0] == "format" and len(words) >= 2:
            fmt = words[1]
        elif words[0] == "element" and len(words) == 3:
            try:
                count = int(words[2])
            except ValueError:
                raise PlyError(f"element {words[1]}: the count {words[2]!r} is not a whole number") from None
            if not 0 <= count <= _MAX_COUNT:
                raise PlyError(f"element {words[1]}: a count of {count} is not possible")
            elements.append((words[1], count, []))
        elif words[0] == "property" and elements:
            if len(words) == 5 and words[1] == "list" and words[2] in _TYPES and words[3] in _TYPES:
                elements[-1][2].append((words[4], (_TYPES[words[2]], _TYPES[words[3]])))
            elif len(words) == 3 and words[1] in _TYPES:
                elements[-1][2].append((words[2], _TYPES[words[1]]))
            else:
                raise PlyError(f"a header line cannot be understood: {line.strip()[:60]!r}")
        else:
            raise PlyError(f"a header line cannot be understood: {line.strip()[:60]!r}")
    if fmt not in ("binary_little_endian", "binary_big_endian", "ascii"):
        raise PlyError(f"unknown format {fmt!r}: expected binary_little_endian, binary_big_endian or ascii")
    if fmt == "ascii":
        raise PlyUnsupported("ASCII PLY")
    return ("<" if fmt == "binary_little_endian" else ">"), elements, nl + 1


def read_ply_triangles(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Vertices ``(n, 3)`` float64 and triangles ``(m, 3)`` int64 of a binary PLY file's bytes.

    Faces of k > 3 vertices (all of the same k) are cut into k - 2 triangles (a fan). The
    indices and coordinates are not checked here (the caller checks them).

    Raises
    ------
    PlyError
        The file is damaged: bad header, truncated body, no x, y, z, no faces.
    PlyUnsupported
        ASCII PLY, faces of different sizes, or list properties outside the faces.
    """
    order, elements, pos = _header(data)
    vertices = faces = None
    for name, count, props in elements:
        lists = [p for p in props if isinstance(p[1], tuple)]
        if not lists:
            dt = np.dtype([(pn, order + t) for pn, t in props])
            size = dt.itemsize * count
            if pos + size > len(data):
                raise PlyError(f"the file ends inside its {name} data (truncated?)")
            arr = np.frombuffer(data, dt, count, pos) if count else np.zeros(0, dt)
            pos += size
            if name == "vertex":
                if not {"x", "y", "z"} <= set(dt.names or ()):
                    raise PlyError("the vertices have no x, y, z")
                vertices = np.column_stack([arr["x"], arr["y"], arr["z"]]).astype(float)
            continue
        if name != "face" or len(lists) != 1 or lists[0][0] not in ("vertex_indices", "vertex_index"):
            raise PlyUnsupported(f"list properties in element {name!r}")
        if count == 0:
            faces = np.zeros((0, 3), np.int64)
            continue
        # every face of the same size k (as every mesh hipviz writes): one structured read
        cnt_t = np.dtype(order + lists[0][1][0])
        if pos + cnt_t.itemsize > len(data):
            raise PlyError("the file ends inside its face data (truncated?)")
        k = int(np.frombuffer(data, cnt_t, 1, pos)[0])
        if k < 3:
            raise PlyUnsupported("faces with fewer than 3 vertices")
        fields = []
        for pn, t in props:
            if isinstance(t, tuple):
                fields += [("n", order + t[0]), ("idx", order + t[1], (k,))]
            else:
                fields.append((pn, order + t))
        dt = np.dtype(fields)
        size = dt.itemsize * count
        if pos + size > len(data):
            raise PlyError("the file ends inside its face data (truncated?)")
        arr = np.frombuffer(data, dt, count, pos)
        pos += size
        if not np.all(arr["n"] == k):
            raise PlyUnsupported("faces of different sizes")
        idx = arr["idx"].astype(np.int64)
        if k == 3:
            faces = idx
        else:  # a fan round each face's first vertex
            j = np.arange(1, k - 1)
            faces = np.stack([np.repeat(idx[:, :1], k - 2, 1), idx[:, j], idx[:, j + 1]], -1).reshape(-1, 3)
    if vertices is None:
        raise PlyError("the file has no vertex element")
    if faces is None:
        raise PlyError("the file has no face element: not a surface mesh")
    return vertices, faces
