"""The window's side panels: landscape, optimizers, run controls."""
