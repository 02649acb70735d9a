"""What exists and what it accepts, without torch: optimizer ids and their hyperparameter
declarations, test-function ids, network configurations, grid limits.

The command line checks its arguments against these modules before torch is imported (about
2 s), so a typo is answered at once; the torch-backed registries use the same declarations.
Nothing under this package may import torch (an import-linter contract enforces it).
"""
