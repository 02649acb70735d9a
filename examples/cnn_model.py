"""A worked model file for ``landscape-app surface --model-file``: a small CNN with BatchNorm.

The contract: a function (here ``landscape_model``, the default name) that takes no arguments
and returns a mapping with

- ``model``: a ``torch.nn.Module`` with its trained weights loaded;
- ``data``: a ``DataLoader``, any iterable of ``(inputs, targets)`` batches, or one
  ``(inputs, targets)`` pair of tensors;
- ``loss`` (optional): ``(outputs, targets) -> mean loss`` (default cross-entropy).

The surface is the loss averaged over every sample of ``data`` with the model in eval mode
(BatchNorm's running statistics, dropout off). Every process that computes part of the grid
imports this file and calls the function; the weights and buffers of the process that decides
(the one you started, or torchrun's rank 0) are handed to the others, so only the data must come
out the same in every process (a worker whose data differ is refused): seed what is random. Nothing is downloaded: the data are 8 × 8 images of four kinds of
stripes and blobs, generated from a fixed seed.

Train it (a few seconds on a CPU) to have trained weights and a trajectory of checkpoints::

    python examples/cnn_model.py            # writes examples/cnn_model.pt, cnn_checkpoints/
    landscape-app surface --model-file examples/cnn_model.py --grid 31 --out cnn.npz
    landscape-app surface --model-file examples/cnn_model.py --directions pca \\
        --trajectory examples/cnn_checkpoints/ckpt_*.pt --grid 31 --out cnn_pca.npz

Without ``cnn_model.pt`` the model keeps its seeded initial weights.
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

HERE = Path(__file__).resolve().parent
WEIGHTS = HERE / "cnn_model.pt"
CHECKPOINTS = HERE / "cnn_checkpoints"
SAMPLES, SIDE, CLASSES = 512, 8, 4


def make_data(samples: int = SAMPLES, seed: int = 0) -> TensorDataset:
    """Noisy 8 × 8 images: horizontal stripes, vertical stripes, a blob, a checkerboard."""
    generator = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, CLASSES, (samples,), generator=generator)
    rows = torch.arange(SIDE).view(SIDE, 1).expand(SIDE, SIDE).float()
    cols = rows.t()
    patterns = torch.stack([
        torch.sin(rows * 1.6), torch.sin(cols * 1.6),
        torch.exp(-((rows - 3.5) ** 2 + (cols - 3.5) ** 2) / 6.0) * 2 - 0.5,
        ((rows + cols) % 2) * 2 - 1.0,
    ])
    images = patterns[labels] + 0.8 * torch.randn(samples, SIDE, SIDE, generator=generator)
    return TensorDataset(images.unsqueeze(1), labels)


class SmallCNN(nn.Module):
    """conv(1→8) · BN · ReLU · conv(8→16, stride 2) · BN · ReLU · mean pool · linear(16→4)."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
            nn.Conv2d(8, 16, 3, padding=1, stride=2), nn.BatchNorm2d(16), nn.ReLU(),
        )
        self.head = nn.Linear(16, CLASSES)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x).mean(dim=(2, 3)))


def build_model() -> SmallCNN:
    torch.manual_seed(0)
    return SmallCNN()


def landscape_model() -> dict:
    """What ``landscape-app surface --model-file examples/cnn_model.py`` calls."""
    model = build_model()
    if WEIGHTS.exists():
        model.load_state_dict(torch.load(WEIGHTS, weights_only=True))
    data = DataLoader(make_data(), batch_size=128, shuffle=False)
    return {"model": model, "data": data, "loss": nn.functional.cross_entropy}


def train(epochs: int = 8, every: int = 1) -> None:
    """Train with SGD, saving a checkpoint after every ``every`` epochs and the final weights."""
    model = build_model()
    loader = DataLoader(make_data(), batch_size=32, shuffle=True,
                        generator=torch.Generator().manual_seed(1))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    CHECKPOINTS.mkdir(exist_ok=True)
    torch.save(model.state_dict(), CHECKPOINTS / "ckpt_000.pt")
    for epoch in range(1, epochs + 1):
        model.train()
        for inputs, targets in loader:
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(inputs), targets).backward()
            optimizer.step()
        if epoch % every == 0:
            torch.save(model.state_dict(), CHECKPOINTS / f"ckpt_{epoch:03d}.pt")
    torch.save(model.state_dict(), WEIGHTS)
    print(f"wrote {WEIGHTS} and {len(list(CHECKPOINTS.glob('ckpt_*.pt')))} checkpoints in "
          f"{CHECKPOINTS}")


if __name__ == "__main__":
    train()
