"""Readable data files of hipviz (ranges, postures, muscles, segment parameters)."""
