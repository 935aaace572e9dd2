"""The local cluster the skims and sweeps run on."""

import os

import corridor
from corridor.scale.executor import run_tasks


def _malloc_setting(_task: int) -> str | None:
    return os.environ.get("MALLOC_TRIM_THRESHOLD_")


def test_local_worker_processes_keep_the_malloc_defaults(monkeypatch):
    """Dask's MALLOC_TRIM_THRESHOLD_ (which slows the searches' large allocations) is not given to our workers."""
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    monkeypatch.delenv(corridor.SCHEDULER_VARIABLE, raising=False)
    with corridor.cluster_client(workers=1, processes=True) as client:
        assert run_tasks(_malloc_setting, [0, 1], client=client) == [None, None]
        threads = client.run(lambda: os.environ.get("OMP_NUM_THREADS"))
        assert set(threads.values()) == {"1"}  # dask's other settings still apply
