"""Device choice: CUDA present / MPS present / neither, for each dtype, by patching the checks."""

import numpy as np
import pytest
import torch

from landscape_app.core import device as device_module
from landscape_app.core.device import DeviceChoice, choose_device, describe_device, pick_device
from landscape_app.core.errors import LandscapeError
from landscape_app.core.nn import NetworkConfig, build_network, build_network_landscape
from landscape_app.core.optim.registry import parse_optimizer_spec
from landscape_app.core.runner import Race, Racer


@pytest.fixture
def machine(monkeypatch):
    """``machine(cuda=..., mps=..., broken=...)`` fakes which GPUs are present and which of
    them fail to start (their first allocation raises)."""

    def fake(cuda: bool = False, mps: bool = False, broken: tuple[str, ...] = ()):
        monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
        monkeypatch.setattr(device_module, "mps_available", lambda: mps)
        monkeypatch.setattr(device_module, "device_failure",
                            lambda kind: "RuntimeError: CUDA error: all CUDA-capable devices "
                            "are busy or unavailable" if kind in broken else None)

    return fake


CASES = [
    # cuda, mps, dtype, expected device, expected note
    (True, True, torch.float32, "cuda", ""),
    (True, True, torch.float64, "cuda", ""),
    (True, False, torch.float32, "cuda", ""),
    (True, False, torch.float64, "cuda", ""),
    (False, True, torch.float32, "mps", ""),
    (False, True, torch.float64, "cpu", "MPS has no float64"),
    (False, True, None, "mps", ""),
    (False, False, torch.float32, "cpu", ""),
    (False, False, torch.float64, "cpu", ""),
]


@pytest.mark.parametrize("cuda, mps, dtype, expected, note", CASES)
def test_auto_chooses_a_device_that_computes_in_the_dtype(machine, cuda, mps, dtype, expected,
                                                          note):
    machine(cuda=cuda, mps=mps)
    choice = pick_device("auto", dtype)
    assert choice == DeviceChoice(torch.device(expected), note)
    assert choose_device("auto", dtype) == torch.device(expected)


def test_auto_says_which_device_it_chose_and_why(machine):
    machine()
    assert pick_device("auto").description == "CPU (no CUDA or MPS available)"
    assert pick_device("auto").note == ""  # no notice: nothing was passed over
    assert pick_device("cpu").description == "CPU"  # asked for by name: no reason needed
    machine(mps=True)
    assert pick_device("auto", torch.float64).description == "CPU (MPS has no float64)"
    assert pick_device("auto", torch.float32).description == "MPS"
    machine(cuda=True, mps=True, broken=("cuda",))
    choice = pick_device("auto", torch.float64)
    assert choice.device == torch.device("cpu")
    assert choice.note == ("CUDA could not start: RuntimeError: CUDA error: all CUDA-capable "
                           "devices are busy or unavailable; MPS has no float64")
    assert pick_device("auto", torch.float32).device == torch.device("mps")


def test_a_broken_gpu_is_detected_by_its_first_allocation(broken_gpu):
    """On this CPU build the first CUDA allocation really fails: ``auto`` takes the CPU."""
    choice = pick_device("auto", torch.float32)
    assert choice.device == torch.device("cpu")
    assert choice.note.startswith("CUDA could not start: ")
    with pytest.raises(LandscapeError, match="CUDA was asked for but could not start"):
        pick_device("cuda")


@pytest.mark.parametrize("cuda, mps, name, dtype, message", [
    (False, False, "cuda", torch.float32, "CUDA was asked for but is not available"),
    (False, False, "mps", torch.float32, "MPS was asked for but is not available"),
    (False, True, "mps", torch.float64, "MPS has no float64"),
    (True, False, "gpu", torch.float32, "unknown device 'gpu'"),
])
def test_a_device_asked_for_by_name_is_used_or_refused_never_replaced(machine, cuda, mps, name,
                                                                     dtype, message):
    machine(cuda=cuda, mps=mps)
    with pytest.raises(LandscapeError, match=message):
        pick_device(name, dtype)


@pytest.mark.parametrize("cuda, mps", [(True, True), (False, True), (False, False)])
def test_cpu_by_name_is_always_the_cpu(machine, cuda, mps):
    machine(cuda=cuda, mps=mps)
    assert pick_device("cpu", torch.float64) == DeviceChoice(torch.device("cpu"))
    machine(cuda=cuda, mps=mps, broken=("cuda", "mps"))
    assert pick_device("auto", torch.float32) == DeviceChoice(
        torch.device("cpu"), "; ".join(f"{kind} could not start: RuntimeError: CUDA error: all "
                                       "CUDA-capable devices are busy or unavailable"
                                       for kind, present in (("CUDA", cuda), ("MPS", mps))
                                       if present))


def test_on_a_mac_the_float64_seed_network_runs_on_the_cpu_and_says_so(machine):
    """The seed scene on Apple silicon: ``auto`` must not pick MPS for float64."""
    machine(mps=True)
    config = NetworkConfig(model="seed", dtype="float64")
    objective = build_network(config, "auto")
    assert objective.device == torch.device("cpu") and objective.inputs.device.type == "cpu"
    assert objective.device_name == "CPU (MPS has no float64)"
    land = build_network_landscape(config, ["adam:lr=0.1"], steps=5, resolution=5,
                                   device="auto")
    assert land.device == land.surface.device == "CPU (MPS has no float64)"
    reference = build_network_landscape(config, ["adam:lr=0.1"], steps=5, resolution=5,
                                        device="cpu")
    assert reference.device == "CPU"
    assert np.array_equal(land.surface.values, reference.surface.values)


def test_describe_device_never_fails(monkeypatch):
    def broken(device=None):
        raise RuntimeError("CUDA error: unknown error")

    monkeypatch.setattr(torch.cuda, "get_device_name", broken)
    monkeypatch.setattr(torch.cuda, "current_device", lambda: 0)
    assert describe_device(torch.device("cuda")) == "CUDA"
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda index: f"Fake GPU {index}")
    assert describe_device(torch.device("cuda")) == "CUDA (Fake GPU 0)"
    assert describe_device(torch.device("cuda", 1)) == "CUDA (Fake GPU 1)"
    assert describe_device(torch.device("cpu")) == "CPU"
    assert describe_device(torch.device("mps")) == "MPS"


def test_the_race_warms_up_the_device_it_races_on_before_any_lane_starts(monkeypatch):
    """On a GPU the first matrix product sets up cuBLAS: that must not land in lane 0's time."""
    calls = []
    monkeypatch.setattr("landscape_app.core.runner.warm_up",
                        lambda device, dtype: calls.append(("race", device, dtype)))
    monkeypatch.setattr("landscape_app.core.optim.torch_based.warm_up",
                        lambda device, dtype, optim: calls.append(("lane", device, dtype)))
    objective = build_network(NetworkConfig(hidden=(3,), samples=8, dtype="float32"),
                              torch.device("cpu", 0))  # a device other than the plain CPU
    racers = [Racer(text, parse_optimizer_spec(text)) for text in ("adam", "sgd", "cmaes")]
    race = Race(objective, racers, objective.initial_parameters(), max_steps=2)
    race.start()
    device = torch.device("cpu", 0)
    assert calls[0] == ("race", device, torch.float32)
    assert calls[1:] == [("lane", device, torch.float32)] * 2  # the torch.optim lanes


def test_warm_up_runs_once_per_device_and_dtype(monkeypatch):
    monkeypatch.setattr(device_module, "_warmed", set())
    steps = []
    original = torch.optim.SGD.step
    monkeypatch.setattr(torch.optim.SGD, "step",
                        lambda self, *a, **k: (steps.append(self.param_groups[0]["params"][0]
                                                            .device), original(self, *a, **k)))
    device_module.warm_up("cpu", torch.float32, optim=True)
    device_module.warm_up(torch.device("cpu"), torch.float32, optim=True)
    device_module.warm_up("cpu", torch.float64, optim=True)
    device_module.warm_up("cpu", torch.float64)  # the device alone: no optimizer step
    assert len(steps) == 2 and all(device.type == "cpu" for device in steps)
    assert device_module._warmed == {("cpu", torch.float32, True), ("cpu", torch.float64, True),
                                     ("cpu", torch.float64, False)}
