"""The race process's side: load a race, step it on request, answer with numpy rows.

This module runs in the child process started by :class:`~landscape_app.engine.race_process.
RaceProcess` (no Qt here). Its imports are the child's start-up cost (torch, ``torch._dynamo``,
which ``torch.optim`` would otherwise import at the first step, and the optimizers), so the
fork server preloads it once and every race process forked from it starts stepping at once.

The messages are those of :mod:`landscape_app.engine.protocol`; any failure is answered with a
:class:`~landscape_app.engine.protocol.FailureReply` and the process lives on.
"""

from __future__ import annotations

import os
import pickle
from multiprocessing.connection import Connection

import torch
import torch._dynamo  # noqa: F401  (imported here once, not at the first optimizer step)

import landscape_app.core.optim  # noqa: F401  (every optimizer, for the specs it receives)
from landscape_app.engine.protocol import (
    RACE_PROCESS_NICENESS,
    AdvanceReply,
    AdvanceRequest,
    FailureReply,
    LoadReply,
    LoadRequest,
)


def serve(connection: Connection) -> None:
    """Answer requests until ``None`` arrives or the window's end of ``connection`` closes."""
    _settle()
    stepper = None
    while True:
        try:
            request = connection.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        try:
            if isinstance(request, LoadRequest):
                stepper = None
                stepper = pickle.loads(request.payload)()
                chunks = stepper.start()
                reply = LoadReply(tuple(stepper.labels), chunks, stepper.done)
            else:
                reply = _advance(stepper, request)
        except Exception as error:  # noqa: BLE001 - reported to the window, the process lives on
            reply = FailureReply(str(error) or type(error).__name__)
        try:
            connection.send(reply)
        except (EOFError, OSError):
            return


def _advance(stepper, request: AdvanceRequest) -> AdvanceReply:
    if stepper is None:
        raise RuntimeError("no race is loaded in the race process")
    chunks = stepper.advance(request.steps)
    return AdvanceReply(chunks, stepper.done)


def _settle() -> None:
    """One torch thread (the race's tensors have two elements) and a lower priority than the
    window's process, so that painting wins a busy CPU and stepping takes what is left."""
    torch.set_num_threads(1)
    if hasattr(os, "nice"):
        os.nice(RACE_PROCESS_NICENESS)
