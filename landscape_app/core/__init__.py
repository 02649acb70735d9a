"""The computation ring: objectives, optimizers, races, grids. Never imports Qt."""
