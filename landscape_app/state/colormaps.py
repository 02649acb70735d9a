"""The colour maps the views offer (standard library only, so the window can list them
before torch is loaded): perceptually uniform maps that pyqtgraph ships."""

COLORMAPS = ("viridis", "inferno", "magma", "plasma", "cividis", "turbo")
