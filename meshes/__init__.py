"""Default bone meshes (binary PLY, metres, each bone in its own frame) and landmark files.

Made by ``tools/generate_meshes.py``; the program only loads them.
"""
