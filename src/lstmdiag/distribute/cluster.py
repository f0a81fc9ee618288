"""Per-file work on a Dask cluster: ``--dask ADDRESS``, ``--dask local`` (a LocalCluster on this
machine's cores), ``LSTMDIAG_DASK``, or ``client=`` in the API.

The client lists the files, plans, and merges; the workers read headers and values and write
outputs. What comes back is what a local run makes, in the same order, so reports and exit
codes do not depend on where the work ran. ``distributed`` is the optional ``dask`` extra;
nothing here imports it until a cluster is asked for.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from ..data import remote
from ..errors import LstmdiagError

if TYPE_CHECKING:
    from ..data.info import ArrayInfo
    from ..judge.check_options import CheckOptions
    from ..judge.findings import Report
    from ..model.spec import ModelSpec
    from ..transform import Mapper

T = TypeVar("T")
R = TypeVar("R")
EXTRA = "pip install 'lstmdiag[dask]'"


@contextlib.contextmanager
def connect(target: Any) -> Iterator[Any]:
    """A ``distributed.Client`` for ``target``: a client already made (kept open), ``"local"``
    (a LocalCluster of one single-threaded worker process per core, closed after) or a
    scheduler address."""
    if not isinstance(target, str):
        yield target
        return
    try:
        import distributed
    except ImportError:
        raise LstmdiagError(f"--dask needs the dask extra: {EXTRA}") from None
    dist: Any = distributed  # its constructors are untyped
    if target.strip().lower() == "local":
        workers = os.cpu_count() or 1
        with (
            dist.LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",
                silence_logs=40,
            ) as cluster,
            dist.Client(cluster) as client,
        ):
            yield client
        return
    _reachable(target)
    try:
        client = dist.Client(target, timeout="20s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise LstmdiagError(f"--dask {target}: cannot reach the scheduler ({exc})") from None
    with client:
        yield client


def _reachable(address: str) -> None:
    """Fail at once when nothing listens at a ``tcp://host:port`` scheduler address (Dask
    itself retries until its timeout)."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme not in ("tcp", "") or parts.hostname is None or parts.port is None:
        return  # tls://, inproc://, ...: left to Dask
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=5).close()
    except OSError as exc:
        raise LstmdiagError(
            f"--dask {address}: cannot reach the scheduler ({exc.strerror or exc})"
        ) from None


def slots(client: Any) -> int:
    """Worker threads in the cluster (at least 1)."""
    workers = client.scheduler_info().get("workers", {})
    return max(1, sum(int(w.get("nthreads", 1)) for w in workers.values()))


def _with_options(
    options: dict[str, Any], staging: list[tuple[str, str]], func: Callable[[T], R], item: T
) -> R:
    """Run ``func(item)`` on a worker with the client's storage options and output URLs."""
    from ..transform.remote_outputs import adopted

    remote.configure(options)
    with adopted(staging):
        return func(item)


def map_ordered(client: Any, func: Callable[[T], R], items: list[T]) -> list[R]:
    """``[func(i) for i in items]`` on the cluster, results in order; the first failure is
    raised here, as it would have been locally."""
    if not items:
        return []
    from ..transform.remote_outputs import mirrors

    count = len(items)
    options, staging = remote.storage_options(), mirrors()
    futures = client.map(
        _with_options, [options] * count, [staging] * count, [func] * count, items, pure=False
    )
    try:
        return list(client.gather(futures))
    except (LstmdiagError, OSError, MemoryError):
        raise  # what a local run would have raised: the command reports it the same way
    except ImportError as exc:
        raise LstmdiagError(
            f"the Dask workers cannot import what lstmdiag needs ({exc}): install lstmdiag "
            "(with its cloud extra for URLs) where the workers run"
        ) from None
    except Exception as exc:  # a worker died, a task was lost, a value would not pickle...
        raise LstmdiagError(
            f"a task failed on the Dask cluster: {type(exc).__name__}: {remote.one_line(exc)}"
        ) from None


def mapper(client: Any) -> Mapper | None:
    """What the transforming stage runs its per-file jobs through: this cluster (None: here)."""
    return None if client is None else partial(map_ordered, client)


def chunks(items: list[T], count: int) -> list[list[T]]:
    """``items`` in at most ``count`` contiguous runs of near-equal size."""
    count = max(1, min(count, len(items)))
    size, extra = divmod(len(items), count)
    out, start = [], 0
    for index in range(count):
        stop = start + size + (1 if index < extra else 0)
        out.append(items[start:stop])
        start = stop
    return [c for c in out if c]


def describe(
    paths: list[str],
    globs: tuple[str, ...],
    client: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[ArrayInfo]:
    """Every array under ``paths`` (listed here): headers read here, or on the cluster."""
    from ..data.discover import describe_files, iter_files

    files = list(iter_files(paths, globs))
    return describe_files(files, progress) if client is None else describe_on(client, files)


def describe_on(client: Any, files: list[tuple[str, Any]]) -> list[ArrayInfo]:
    """Every array of ``files`` ((shown, location) pairs), headers read on the workers."""
    from ..data.discover import describe_files

    runs = map_ordered(client, describe_files, chunks(files, slots(client) * 4))
    return [info for run in runs for info in run]


def _check_shard(args: tuple[tuple[ModelSpec, list[ArrayInfo]], CheckOptions]) -> Report:
    from ..judge.checks import check_arrays

    (spec, infos), options = args
    return check_arrays(spec, infos, options)


def check_on(client: Any, spec: ModelSpec, infos: list[ArrayInfo], options: CheckOptions) -> Report:
    """``check_arrays`` split into shards over the workers and merged back into the report
    one local run makes (the per-array work, ``--deep`` value reads included, is spread)."""
    from .sharding import merge

    count = max(1, min(len(infos), slots(client) * 4))
    [shared] = client.scatter([(spec, infos)], broadcast=True)  # sent once, not per shard
    jobs = [(shared, replace(options, shard=(i, count))) for i in range(count)]
    reports = map_ordered(client, _check_shard, jobs)
    merged = merge([r.to_dict() for r in reports], [f"shard {i}" for i in range(count)])
    return replace(merged, model=spec, inputs=options.inputs)
