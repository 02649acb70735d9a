"""Model files the user-model tests write into a temporary folder, and a plain evaluator."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import torch
from torch.nn.utils import parameters_to_vector, vector_to_parameters

REPO = Path(__file__).resolve().parents[3]
CNN_EXAMPLE = REPO / "examples" / "cnn_model.py"

MLP_DROPOUT = '''
import os, time
import torch
from torch import nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(3, 12), nn.Tanh(), nn.Dropout(0.5), nn.Linear(12, 3))

    def forward(self, x):
        if os.environ.get("SLOW_TEST_MODEL"):
            time.sleep(0.05)  # the behaviour: a slow model, so a run can be killed midway
        return self.body(x)

def landscape_model():
    torch.manual_seed(3)
    model = Net()
    final = os.path.join(os.path.dirname(__file__), "final.pt")
    if os.path.exists(final):
        model.load_state_dict(torch.load(final, weights_only=True))
    g = torch.Generator().manual_seed(4)
    x = torch.randn(70, 3, generator=g)
    y = torch.randint(0, 3, (70,), generator=g)
    # uneven batches: the average must weight them by size
    return {"model": model, "data": [(x[:32], y[:32]), (x[32:64], y[32:64]), (x[64:], y[64:])]}
'''

BRANCHY = '''
import torch
from torch import nn

class Branchy(nn.Module):
    """Data-dependent control flow: vmap cannot run it, so points go one at a time."""
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(2, 4)
        self.b = nn.Linear(4, 2)

    def forward(self, x):
        h = self.a(x)
        if h.sum() > 0:
            h = torch.relu(h)
        return self.b(h)

def landscape_model():
    torch.manual_seed(0)
    x = torch.randn(20, 2, generator=torch.Generator().manual_seed(1))
    return {"model": Branchy(), "data": (x, (x[:, 0] > 0).long())}
'''

HOLES = '''
import torch
from torch import nn

def landscape_model():
    model = nn.Linear(1, 1, bias=False)
    with torch.no_grad():
        model.weight.fill_(1.0)
    x = torch.ones(4, 1)
    return {"model": model, "data": (x, torch.zeros(4)),
            "loss": lambda out, y: torch.sqrt(out.mean())}
'''


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


def plain_loss(model_file: Path, vector: np.ndarray, function: str = "landscape_model") -> float:
    """Import the file afresh, set the weights, run the data set, average by batch size."""
    spec = importlib.util.spec_from_file_location(f"plain_{model_file.stem}", model_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    made = getattr(module, function)()
    model, data = made["model"].eval(), made["data"]
    loss = made.get("loss", torch.nn.functional.cross_entropy)
    if isinstance(data, tuple):
        data = [data]
    first = next(model.parameters())
    vector_to_parameters(torch.as_tensor(vector, dtype=first.dtype), model.parameters())
    total, count = 0.0, 0
    with torch.no_grad():
        for inputs, targets in data:
            total += float(loss(model(inputs), targets)) * len(targets)
            count += len(targets)
    return total / count


def initial_vector(model_file: Path) -> np.ndarray:
    spec = importlib.util.spec_from_file_location(f"initial_{model_file.stem}", model_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = module.landscape_model()["model"]
    return parameters_to_vector(model.parameters()).detach().double().numpy()


def metadata(data) -> dict:
    return json.loads(str(data["metadata"]))

#: A notebook turned script, as an outsider writes it: the weights come from a few Adam steps
#: when the file runs, with however many threads the process has. Parallel reductions (the
#: BatchNorm statistics and means over 2048 × 64 activations) split by thread count, so the
#: weights and running statistics differ in their last bits between thread counts.
SELF_TRAINING = '''
import torch
from torch import nn

torch.manual_seed(0)
X = torch.randn(2048, 16)
Y = (X[:, :4].sum(1) > 0).long() + (X[:, 4] > 1).long()
model = nn.Sequential(nn.Linear(16, 64), nn.BatchNorm1d(64), nn.Tanh(), nn.Linear(64, 3))
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
for _ in range(5):
    optimizer.zero_grad()
    nn.functional.cross_entropy(model(X), Y).backward()
    optimizer.step()


def landscape_model():
    return {"model": model, "data": [(X[i:i + 512], Y[i:i + 512]) for i in range(0, 2048, 512)]}
'''

#: The same, but its initial weights are not seeded (the process id stands in for the clock):
#: every process that calls it gets other weights, on any CPU.
UNSEEDED = SELF_TRAINING.replace("torch.manual_seed(0)\nX = torch.randn(2048, 16)",
                                 "import os\nX = torch.randn(2048, 16, generator=torch."
                                 "Generator().manual_seed(0))\ntorch.manual_seed(os.getpid())")

#: Data that depend on the process: seeded by the torchrun rank, and six samples fewer off
#: rank 0.
RANK_DATA = '''
import os
import torch
from torch import nn

RANK = int(os.environ.get("RANK", "0"))


def landscape_model():
    torch.manual_seed(0)
    x = torch.randn(256 if RANK == 0 else 250, 4, generator=torch.Generator().manual_seed(RANK))
    return {"model": nn.Linear(4, 2), "data": (x, (x[:, 0] > 0).long())}
'''
