"""Lessons a teacher steps through (TOML files; see :mod:`hipviz.io.scenes` for the format)."""
