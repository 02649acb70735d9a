"""A ResNet-20-sized model file (He et al. 2016's CIFAR ResNet: 3 stages of 3 basic blocks,
16/32/64 channels, 0.27 M parameters) on generated 32 × 32 images, for ``bench/your_model.py``
on a GPU. Nothing is downloaded; the weights are the seeded initial ones."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

SAMPLES = 2048


class Block(nn.Module):
    def __init__(self, inputs: int, outputs: int, stride: int):
        super().__init__()
        self.conv1 = nn.Conv2d(inputs, outputs, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(outputs)
        self.conv2 = nn.Conv2d(outputs, outputs, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(outputs)
        self.shortcut = nn.Sequential()
        if stride != 1 or inputs != outputs:
            self.shortcut = nn.Sequential(nn.Conv2d(inputs, outputs, 1, stride, bias=False),
                                          nn.BatchNorm2d(outputs))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(out)) + self.shortcut(x))


class ResNet20(nn.Module):
    def __init__(self, classes: int = 10):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn = nn.BatchNorm2d(16)
        layers, inputs = [], 16
        for outputs, stride in ((16, 1), (32, 2), (64, 2)):
            for index in range(3):
                layers.append(Block(inputs, outputs, stride if index == 0 else 1))
                inputs = outputs
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(64, classes)

    def forward(self, x):
        out = self.layers(F.relu(self.bn(self.conv(x))))
        return self.fc(out.mean(dim=(2, 3)))


def landscape_model() -> dict:
    torch.manual_seed(0)
    generator = torch.Generator().manual_seed(1)
    images = torch.randn(SAMPLES, 3, 32, 32, generator=generator)
    labels = torch.randint(0, 10, (SAMPLES,), generator=generator)
    batches = [(images[i:i + 256], labels[i:i + 256]) for i in range(0, SAMPLES, 256)]
    return {"model": ResNet20(), "data": batches}
