"""The window's views: 2D landscape, 3D surface, optimizer internals and loss curves."""
