"""Surfaces and trainability maps of a user's own PyTorch model (``surface``/``map --model-file``).

Qt-free. The pieces, in the order a run uses them:

- :mod:`~landscape_app.core.usermodel.contract`: import ``model.py[:FUNCTION]``, call it, check
  the mapping it returns (``model``, ``data``, optional ``loss``);
- :mod:`~landscape_app.core.usermodel.user_planes`: the plane (``random``, ``pca`` from
  checkpoints, ``hessian``), flat in ``parameters_to_vector`` order;
- :mod:`~landscape_app.core.usermodel.evaluate`: the data-set loss at grid points, batched with
  ``vmap`` where the model allows, one point at a time where not;
- :mod:`~landscape_app.core.usermodel.chunked_job`: a run as a job of chunks in a work
  directory (:mod:`~landscape_app.core.usermodel.workdir`: resume, refuse a changed run,
  merge), of a kind: :mod:`~landscape_app.core.usermodel.job` (a surface's grid) or
  :mod:`~landscape_app.core.usermodel.mapjob` (a trainability map's cells, trained by
  :mod:`~landscape_app.core.usermodel.training`);
- :mod:`~landscape_app.core.usermodel.decision`: what one process decides for the run (the
  origin's weights and buffers, the plane, the data's digest) and the others take over;
- :mod:`~landscape_app.core.usermodel.distributed`: one process, ``--workers K`` local ones,
  or every process torchrun started.
"""

from landscape_app.core.usermodel.contract import DEFAULT_FUNCTION, UserModel, load_user_model
from landscape_app.core.usermodel.distributed import (
    RankFailed,
    die_with_parent,
    run_distributed,
    run_job,
    run_single,
    torchrun_rank,
)
from landscape_app.core.usermodel.job import (
    SurfaceJob,
    SurfaceRequest,
    follow_job,
    open_job,
    surface_arrays,
)
from landscape_app.core.usermodel.workdir import WorkDir, default_work_dir

__all__ = [
    "DEFAULT_FUNCTION",
    "RankFailed",
    "SurfaceJob",
    "SurfaceRequest",
    "UserModel",
    "WorkDir",
    "default_work_dir",
    "die_with_parent",
    "follow_job",
    "load_user_model",
    "open_job",
    "run_distributed",
    "run_job",
    "run_single",
    "surface_arrays",
    "torchrun_rank",
]
