"""Loss Landscape Lab: watch optimizers race across loss landscapes, live."""

__version__ = "0.1.0"
