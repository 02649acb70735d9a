"""The app's NPZ files, one module per kind, each owning its keys, writer and reader.

- :mod:`~landscape_app.core.files.grid_npz`: a 2D loss grid (window's File ▸ Export,
  ``export --surface``).
- :mod:`~landscape_app.core.files.surface_npz`: a plane's loss surface with its projected paths
  (``surface``, ``surface --model-file``, ``seed-experiment``).
- :mod:`~landscape_app.core.files.map_npz`: an outcome map, with its trajectory field under
  ``map --paths``.

Every file names its kind (``format``) and its ``version``; a file without them (written
before they existed) reads as version 1. :mod:`~landscape_app.core.files.npz` holds what the
three share: the key declarations, the atomic writer and the pickle-free loader.
"""
