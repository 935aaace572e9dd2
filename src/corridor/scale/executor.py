"""Running many independent tasks on Dask distributed: a local cluster by default, a running one by address.

A task is a picklable description and a top-level function of it; each worker process loads the network once
(``worker_network``: the cache folder and data pack of the settings, kept per process) and answers every task it
is given from it, so nothing of the network travels between the client and the workers. Results come back in
the order of the tasks, so a run on a cluster equals the same run done serially (``client=None, workers=0``).

``scheduler``: an address (``tcp://host:8786``) or the ``CORRIDOR_SCHEDULER`` environment variable connects to
a running cluster whose workers can import corridor and reach (or build) the same cache folder; otherwise a
local cluster is started with one worker process per core (``processes=False``: threads in this process, for
small jobs: the numba kernels release the GIL).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from corridor.errors import OptionsError

if TYPE_CHECKING:
    from corridor.engine import Engine

__all__ = [
    "LOCAL_SCHEDULER",
    "SCHEDULER_VARIABLE",
    "cluster_client",
    "run_tasks",
    "scheduler_address",
    "worker_network",
]

#: The environment variable naming a running Dask scheduler.
SCHEDULER_VARIABLE = "CORRIDOR_SCHEDULER"

#: The scheduler "address" that asks for a new local cluster even where ``$CORRIDOR_SCHEDULER`` names one.
LOCAL_SCHEDULER = "local"

#: Dask gives its worker processes ``MALLOC_TRIM_THRESHOLD_=65536``; setting it turns off glibc's dynamic mmap
#: threshold, so every large array a search allocates is mapped and faulted in afresh: skims ran about 40 % slower
#: on such workers than in the calling process. A local cluster's workers keep glibc's defaults (None unsets it).
KEEP_MALLOC_DEFAULTS = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"

T = TypeVar("T")
R = TypeVar("R")


@functools.cache
def worker_network(cache_dir: str | None, data_pack: str | None) -> Engine:
    """The engine of a cache folder and data pack, loaded once per process (every task on this worker uses it)."""
    from corridor.engine import Engine
    from corridor.settings import Settings

    settings = Settings(
        cache_dir=Path(cache_dir) if cache_dir else None, data_pack=Path(data_pack) if data_pack else None
    )
    return Engine.load(settings)


def scheduler_address(scheduler: str | None) -> str | None:
    """The running scheduler a cluster run goes to: ``scheduler``, else ``$CORRIDOR_SCHEDULER``; None for a new
    local cluster (``"local"`` asks for one even where the variable names a scheduler)."""
    if scheduler == LOCAL_SCHEDULER:
        return None
    return scheduler or os.environ.get(SCHEDULER_VARIABLE) or None


@contextmanager
def cluster_client(scheduler: str | None = None, *, workers: int | None = None, processes: bool = True):
    """A Dask client: to ``scheduler`` (or ``$CORRIDOR_SCHEDULER``) if given, else (or for ``"local"``) to a new
    local cluster of ``workers`` (default: the cores) single-threaded worker processes (or threads,
    ``processes=False``)."""
    import dask
    from distributed import Client, LocalCluster

    address = scheduler_address(scheduler)
    if address:
        try:
            client = Client(address, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise OptionsError(f"cannot reach the Dask scheduler at {address} ({exc})", option="scheduler") from None
        try:
            yield client
        finally:
            client.close()
        return
    n = workers or os.cpu_count() or 1
    if n < 1:
        raise OptionsError(f"workers must be at least 1, not {workers}", option="workers")
    with dask.config.set({KEEP_MALLOC_DEFAULTS: None}):
        cluster = LocalCluster(
            n_workers=n if processes else 1,
            threads_per_worker=1 if processes else n,
            processes=processes,
            dashboard_address=":0",  # any free port: two clusters (or another program) may run at once
            silence_logs=40,
        )
    client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def run_tasks(
    fn: Callable[[T], R],
    tasks: Sequence[T],
    *,
    client: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[R]:
    """``[fn(t) for t in tasks]``, on ``client``'s workers when one is given (else here, in order); results in the
    order of ``tasks``. ``progress(done, total)`` after each task completes."""
    total = len(tasks)
    if client is None:
        out = []
        for k, task in enumerate(tasks):
            out.append(fn(task))
            if progress is not None:
                progress(k + 1, total)
        return out
    from distributed import as_completed

    futures = client.map(fn, list(tasks), pure=False)
    index = {f.key: i for i, f in enumerate(futures)}
    results: list[Any] = [None] * total
    for done, future in enumerate(as_completed(futures), start=1):
        results[index[future.key]] = future.result()
        if progress is not None:
            progress(done, total)
    return results


def settings_key(cache_dir: str | Path | None, data_pack: str | Path | None) -> tuple[str | None, str | None]:
    """The (cache folder, data pack) pair a task names its network by, as plain text for pickling."""
    return (str(cache_dir) if cache_dir else None, str(data_pack) if data_pack else None)
