"""A user's model file: import it, call its function, check what it returned.

The contract (what ``landscape-app surface --model-file path/to/model.py[:FUNCTION]`` runs):
``FUNCTION()`` (default :data:`DEFAULT_FUNCTION`) takes no arguments and returns a mapping with

- ``model``: an ``nn.Module`` with its trained weights loaded;
- ``data``: a ``DataLoader``, any iterable of ``(inputs, targets)`` batches, or one
  ``(inputs, targets)`` pair of tensors;
- ``loss`` (optional): a callable ``(outputs, targets) -> mean loss`` (default
  ``torch.nn.functional.cross_entropy``).

Importing the file runs the user's code: that is what the feature is for, and nothing else in
the app does it (opening a session or a surface file never imports a model file). Every
problem is a :class:`~landscape_app.core.errors.LandscapeError` naming the file.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

DEFAULT_FUNCTION = "landscape_model"


@dataclass(frozen=True)
class ModelFile:
    """``path.py[:FUNCTION]`` parsed: the file, the function's name and the file's SHA-256."""

    path: Path
    function: str
    sha256: str

    @property
    def label(self) -> str:
        return f"{self.path}:{self.function}"


@dataclass
class UserModel:
    """What the function returned, checked: the module (on its device, in eval mode), the
    batches (read once, the first ``batches`` only), the loss, and where it came from."""

    source: ModelFile
    model: nn.Module
    batches: list[tuple[torch.Tensor, torch.Tensor]]
    loss: Callable
    loss_name: str

    @property
    def samples(self) -> int:
        return sum(batch_size(targets) for _, targets in self.batches)

    @property
    def parameter_count(self) -> int:
        return sum(p.numel() for p in self.model.parameters())


def batch_size(targets) -> int:
    """How many samples a batch's targets hold (its first dimension)."""
    return int(targets.shape[0]) if getattr(targets, "ndim", 0) else 1


def problem(source: ModelFile | str | Path, text: str):
    """A :class:`LandscapeError` naming the model file."""
    from landscape_app.core.errors import LandscapeError

    name = source.label if isinstance(source, ModelFile) else str(source)
    return LandscapeError(f"model file {name}: {text}")


def parse_model_file(text: str) -> ModelFile:
    """``"path/to/model.py[:FUNCTION]"`` → :class:`ModelFile` (the file must exist)."""
    path_text, function = text, DEFAULT_FUNCTION
    head, sep, tail = text.rpartition(":")
    if sep and tail.isidentifier() and head:
        path_text, function = head, tail
    path = Path(path_text).expanduser()
    if not path.is_file():
        raise problem(path, "no such file" if not path.exists() else "not a file")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise problem(path, f"cannot be read: {error.strerror or error}") from None
    return ModelFile(path.resolve(), function, hashlib.sha256(data).hexdigest())


def _user_frame(error: BaseException, path: Path) -> str:
    """``" (line N)"`` of the deepest frame of the traceback inside the model file."""
    lines = [frame.lineno for frame in traceback.extract_tb(error.__traceback__)
             if Path(frame.filename).resolve() == path]
    return f" (line {lines[-1]})" if lines else ""


def describe_error(error: BaseException, path: Path) -> str:
    """``"ValueError: message (line N)"``."""
    return f"{type(error).__name__}: {error}{_user_frame(error, path)}"


def import_model_file(source: ModelFile):
    """Import the file as a fresh module (its folder first on ``sys.path``) and return it."""
    name = f"landscape_user_model_{source.sha256[:12]}"
    spec = importlib.util.spec_from_file_location(name, source.path)
    if spec is None or spec.loader is None:
        raise problem(source.path, "cannot be imported as Python (use a .py file)")
    module = importlib.util.module_from_spec(spec)
    folder = str(source.path.parent)
    sys.path.insert(0, folder)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as error:
        raise problem(source.path, f"syntax error on line {error.lineno}: {error.msg}") from None
    except Exception as error:  # noqa: BLE001 - the user's code may raise anything
        raise problem(source.path, f"importing it raised {describe_error(error, source.path)}") \
            from None
    finally:
        if sys.path and sys.path[0] == folder:
            sys.path.pop(0)
    return module


def _as_batches(source: ModelFile, data, limit: int | None) -> list:
    """The first ``limit`` ``(inputs, targets)`` batches of ``data``, as a list."""
    if isinstance(data, (tuple, list)) and len(data) == 2 and all(
            isinstance(item, torch.Tensor) for item in data):
        data = [tuple(data)]
    if isinstance(data, torch.Tensor) or not isinstance(data, Iterable):
        raise problem(source, "'data' must be a DataLoader, an iterable of (inputs, targets) "
                      f"batches or one (inputs, targets) pair of tensors, not "
                      f"{type(data).__name__}")
    batches = []
    try:
        for item in data:
            if limit is not None and len(batches) >= limit:
                break
            if not (isinstance(item, (tuple, list)) and len(item) == 2):
                raise problem(source, "each batch of 'data' must be an (inputs, targets) pair, "
                              f"got {type(item).__name__}")
            inputs, targets = item
            if not isinstance(targets, torch.Tensor):
                raise problem(source, "the targets of each batch must be a tensor, got "
                              f"{type(targets).__name__}")
            batches.append((inputs, targets))
    except Exception as error:  # noqa: BLE001 - a user's DataLoader may raise anything
        from landscape_app.core.errors import LandscapeError

        if isinstance(error, LandscapeError):
            raise
        raise problem(source, f"reading 'data' raised {describe_error(error, source.path)}") \
            from None
    if not batches:
        raise problem(source, "'data' holds no batches")
    return batches


def load_user_model(text: str, device: torch.device, batches: int | None = None) -> UserModel:
    """Import ``text`` (``path.py[:FUNCTION]``), call the function and check its result.

    Parameters
    ----------
    text : str
        The model file and, after a colon, the function's name.
    device : torch.device
        Where the model and the batches are moved.
    batches : int, optional
        Use only the first ``batches`` batches of the data.

    Raises
    ------
    LandscapeError
        Missing file, syntax error, no such function, a function that raises or returns the
        wrong thing: one line naming the file and the problem.
    """
    source = parse_model_file(text)
    module = import_model_file(source)
    function = getattr(module, source.function, None)
    if function is None:
        raise problem(source.path, f"has no function {source.function!r} (name another one "
                      "with path.py:FUNCTION)")
    if not callable(function):
        raise problem(source, f"{source.function!r} is not a function")
    try:
        result = function()
    except Exception as error:  # noqa: BLE001 - the user's code may raise anything
        raise problem(source, f"calling it raised {describe_error(error, source.path)}") \
            from None
    if not isinstance(result, Mapping):
        raise problem(source, "must return a mapping with 'model', 'data' and optionally "
                      f"'loss', not {type(result).__name__}")
    missing = [key for key in ("model", "data") if key not in result]
    if missing:
        raise problem(source, f"the returned mapping has no {' or '.join(map(repr, missing))}")
    unknown = sorted(set(result) - {"model", "data", "loss"})
    if unknown:
        raise problem(source, f"the returned mapping has unknown keys {unknown}; expected "
                      "'model', 'data' and optionally 'loss'")
    model = result["model"]
    if not isinstance(model, nn.Module):
        raise problem(source, f"'model' must be a torch.nn.Module, not {type(model).__name__}")
    if not any(True for _ in model.parameters()):
        raise problem(source, "'model' has no parameters")
    loss = result.get("loss")
    if loss is None:
        loss, loss_name = torch.nn.functional.cross_entropy, "cross-entropy"
    elif not callable(loss):
        raise problem(source, f"'loss' must be callable, not {type(loss).__name__}")
    else:
        loss_name = getattr(loss, "__name__", type(loss).__name__)
    if batches is not None and batches < 1:
        from landscape_app.core.errors import LandscapeError

        raise LandscapeError(f"--batches {batches}: must be at least 1")
    data = _as_batches(source, result["data"], batches)
    model = model.to(device).eval()
    moved = [(_to(inputs, device), targets.to(device)) for inputs, targets in data]
    return UserModel(source, model, moved, loss, loss_name)


def _to(inputs, device: torch.device):
    if isinstance(inputs, torch.Tensor):
        return inputs.to(device)
    if isinstance(inputs, (tuple, list)):
        return type(inputs)(_to(item, device) for item in inputs)
    return inputs
