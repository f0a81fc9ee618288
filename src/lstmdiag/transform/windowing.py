"""Sliding windows over a series or a table: exactly what
``keras.utils.timeseries_dataset_from_array(data, targets, sequence_length=T,
sequence_stride=S, sampling_rate=R)`` yields, all batches concatenated in order — streamed to
disk block by block, never built in memory.

Keras's rule (keras/src/utils/timeseries_dataset_utils.py): window starts are
``range(0, rows - (T - 1) * R, S)`` (capped by the number of targets), and window ``i`` is
``data[s_i], data[s_i + R], ..., data[s_i + (T - 1) * R]``. With ``--target C --horizon H``,
``y[i]`` is column C at row ``s_i + (T - 1) * R + H``: H steps after the window's last row
(for R = 1 that is ``targets=data[T + H - 1:]``); windows without such a row are dropped.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..data import discover, tables
from ..data.info import ArrayInfo
from ..data.tables import Table
from ..errors import LstmdiagError
from ..model.spec import ModelSpec
from . import Mapper, remote_outputs
from .window_plan import (
    WindowOptions,
    WindowOutput,
    WindowResult,
    cast,
    check_features,
    laid_out,
    read_tables,
    target_of,
    timesteps_for,
    window_starts,
    window_targets,
)
from .write import ArraySink, Container, ensure_room

BLOCK_BYTES = 4 * 1024 * 1024


ABSURD = 8  # an output this many times the input gets a suggestion


# -- running --------------------------------------------------------------------------------
@dataclass
class _Counter:
    total: int
    report: Callable[[int, int], None] | None
    done: int = 0

    def add(self, count: int) -> None:
        self.done += count
        if self.report is not None:
            self.report(self.done, self.total)


def _write_table(
    table: Table,
    sink: ArraySink,
    timesteps: int,
    options: WindowOptions,
    starts: np.ndarray,
    counter: _Counter | None = None,
) -> None:
    """Windows of one table into ``sink``, in blocks of at most BLOCK_BYTES, reading only the
    rows each block needs."""
    per_window = max(1, timesteps * len(table.columns) * table.dtype.itemsize)
    block = max(1, BLOCK_BYTES // per_window)
    offsets = np.arange(timesteps) * options.rate
    for first in range(0, len(starts), block):
        chunk = starts[first : first + block]
        lo, hi = int(chunk[0]), int(chunk[-1] + offsets[-1] + 1)
        rows = np.asarray(table.read(lo, hi), dtype=sink.dtype)
        windows = rows[(chunk - lo)[:, None] + offsets]
        sink.write(windows[..., 0] if table.flat else windows)
        if counter is not None:
            counter.add(len(chunk))
    if table.done is not None:
        table.done()


def plan_and_run(
    paths: list[str],
    infos: list[ArrayInfo],
    options: WindowOptions,
    model: ModelSpec | None,
    progress: Callable[[int, int], None] | None = None,
    mapper: Mapper | None = None,
) -> WindowResult:
    """Validate everything, then write every output atomically. ``mapper`` (a Dask cluster's):
    the per-input outputs are written by the cluster's workers."""
    if (options.out is None) == (options.stack is None):
        raise LstmdiagError("give exactly one of --out DIR or --stack FILE.npy|FILE.h5")
    if options.stride < 1 or options.rate < 1:
        raise LstmdiagError("--stride and --rate must be at least 1")
    if (options.target is None) != (options.horizon is None):
        raise LstmdiagError("--target COLUMN and --horizon H go together")
    if options.horizon is not None and options.horizon < 0:
        raise LstmdiagError("--horizon must be 0 or more")
    model = None if model is None else model.batch_major()  # windows are (batch, time, ...)
    timesteps, reason = timesteps_for(options, model)
    _refuse_input_tree(options, paths)
    infos = discover.drop_excluded([i for i in infos if not i.skipped], options.exclude)
    skipped = [i for i in infos if i.shape is not None and len(i.shape) > 2]
    infos = [i for i in infos if i not in skipped]
    planned = (timesteps, reason, skipped)
    # Tables are read in one pass as their windows are written only where one output file
    # takes them all: a Reread then comes before anything is linked into place.
    one_output = options.stack is not None or (
        options.out is not None and len(_by_target(paths, infos, options.out)) == 1
    )
    exact = mapper is not None or not one_output
    try:
        return _plan_and_write(paths, infos, options, model, planned, progress, mapper, exact)
    except tables.Reread:  # a table was not what one pass assumed: nothing was written
        return _plan_and_write(paths, infos, options, model, planned, progress, mapper, True)


def _plan_and_write(
    paths: list[str],
    infos: list[ArrayInfo],
    options: WindowOptions,
    model: ModelSpec | None,
    planned: tuple[int, str, list[ArrayInfo]],
    progress: Callable[[int, int], None] | None,
    mapper: Mapper | None,
    exact: bool,
) -> WindowResult:
    timesteps, reason, skipped = planned
    tabs = read_tables(infos, options, model, exact)
    if not tabs:
        raise LstmdiagError("no tables to window")
    check_features(tabs, model)
    tabs = cast(laid_out(tabs, model), options)
    horizon = options.horizon
    starts = _starts(tabs, timesteps, options)
    plain = [window_starts(t.rows, timesteps, options.stride, options.rate) for t in tabs]
    dropped = sum(len(p) - len(s) for p, s in zip(plain, starts, strict=True))
    need = sum(
        len(s) * timesteps * len(t.columns) * t.dtype.itemsize
        for t, s in zip(tabs, starts, strict=True)
    )
    _check_room(options, need, paths)
    outputs: list[WindowOutput] = []
    counter = _Counter(sum(len(s) for s in starts), progress)
    if options.stack is not None:
        _run_stack(tabs, starts, timesteps, options, outputs, counter)
    else:
        setup = (timesteps, options, model)
        _run_per_input(paths, infos, (tabs, starts), setup, mapper, outputs, counter)
    input_bytes = sum(t.rows * len(t.columns) * t.dtype.itemsize for t in tabs)
    notes = [n for t in tabs for n in t.notes]
    notes += [f"skipped {i.label} {i.shape}: not a (rows, features) table" for i in skipped]
    notes += [
        f"{t.label}: {t.rows} rows are fewer than one window spans "
        f"({(timesteps - 1) * options.rate + 1}{' plus the horizon' if horizon else ''}): "
        "no windows"
        for t, s in zip(tabs, starts, strict=True)
        if not len(s)
    ]
    if need > ABSURD * max(1, input_bytes):
        notes.append(
            f"the windows are {need / max(1, input_bytes):.1f}x the input: each row is copied "
            f"into ~{timesteps // options.stride} windows. Use --stride, or feed "
            "keras.utils.timeseries_dataset_from_array lazily instead of storing windows"
        )
    return WindowResult(
        tuple(outputs),
        timesteps,
        reason,
        sum(len(s) for s in starts),
        sum(t.rows for t in tabs),
        dropped,
        input_bytes,
        need,
        tuple(notes),
    )


def _refuse_input_tree(options: WindowOptions, paths: list[str]) -> None:
    root = (options.out or options.stack or Path(".")).resolve()
    if remote_outputs.refuse_remote_inside(root, paths):
        return
    for given in paths:
        resolved = Path(given).resolve()
        if resolved.is_dir() and (root == resolved or resolved in root.parents):
            raise LstmdiagError(
                f"the output {root} is inside the input folder {given}; lstmdiag never writes "
                "into the input tree"
            )


def _check_room(options: WindowOptions, need: int, paths: list[str]) -> None:
    ensure_room((options.out or options.stack or Path(".")).resolve(), need, "the windows")


def _refuse_existing(path: Path, force: bool) -> None:
    url = remote_outputs.remote_url(path)
    if url is not None:
        if not force and remote_outputs.remote_exists(url):
            raise LstmdiagError(f"{url} exists; use --force to overwrite it")
        return
    if path.exists() and not force:
        raise LstmdiagError(f"{path} exists; use --force to overwrite it")


def _y_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.y{path.suffix}")


def _run_stack(
    tabs: list[Table],
    starts: list[np.ndarray],
    timesteps: int,
    options: WindowOptions,
    outputs: list[WindowOutput],
    counter: _Counter,
) -> None:
    stack = options.stack
    assert stack is not None
    if stack.suffix not in (".npy", ".h5", ".hdf5"):
        raise LstmdiagError("--stack takes a .npy or .h5 file name")
    widths = {len(t.columns) for t in tabs}
    if len(widths) > 1:
        raise LstmdiagError(
            f"the tables have different numbers of columns {sorted(widths)}; they cannot be "
            "stacked into one array"
        )
    h5 = stack.suffix != ".npy"
    for path in [stack] + ([] if h5 or options.target is None else [_y_path(stack)]):
        _refuse_existing(path, options.force)
    dtype = np.result_type(*[t.dtype for t in tabs])
    count = sum(len(s) for s in starts)
    width = widths.pop()
    shape = (count, timesteps) if all(t.flat for t in tabs) else (count, timesteps, width)
    ys = (
        np.concatenate([_ys(t, timesteps, options) for t in tabs])
        if options.target is not None
        else None
    )
    with contextlib.ExitStack() as ctx:
        box = ctx.enter_context(Container(stack, "h5" if h5 else "npy"))
        sink = box.array("windows" if h5 else None, shape, np.dtype(dtype))
        for table, s in zip(tabs, starts, strict=True):
            _write_table(table, sink, timesteps, options, s, counter)
        sink.close()
        if ys is not None and h5:
            box.copy("y", ys)
        elif ys is not None:
            ctx.enter_context(Container(_y_path(stack), "npy")).copy("y", ys)
    outputs.append(
        WindowOutput(
            remote_outputs.shown(stack),
            "windows" if h5 else None,
            shape,
            np.dtype(dtype).name,
            "stack",
        )
    )
    if ys is not None:
        where = remote_outputs.shown(stack) if h5 else remote_outputs.shown(_y_path(stack))
        outputs.append(WindowOutput(where, "y" if h5 else None, ys.shape, ys.dtype.name, "stack"))


def _ys(table: Table, timesteps: int, options: WindowOptions) -> np.ndarray:
    assert table.target is not None and options.horizon is not None
    return window_targets(table.target, timesteps, options.horizon, options.stride, options.rate)


_Setup = tuple[int, WindowOptions, ModelSpec | None]


def _by_target(paths: list[str], infos: list[ArrayInfo], out: Path) -> dict[Path, list[int]]:
    """Which inputs (by position) go into each per-input output, in order."""
    groups: dict[Path, list[int]] = {}
    for index, info in enumerate(infos):
        groups.setdefault(target_of(info, out, paths), []).append(index)
    return groups


def _run_per_input(
    paths: list[str],
    infos: list[ArrayInfo],
    planned: tuple[list[Table], list[np.ndarray]],
    setup: _Setup,
    mapper: Mapper | None,
    outputs: list[WindowOutput],
    counter: _Counter,
) -> None:
    """One output per input file: refused first if any exists, then written here, or by
    the cluster's workers (one job per output)."""
    options = setup[1]
    assert options.out is not None
    groups = _by_target(paths, infos, options.out)
    for path in groups:
        _refuse_existing(path, options.force)
    if mapper is not None:
        _run_on_cluster(mapper, groups, infos, setup, outputs, counter)
        return
    tabs, starts = planned
    for path, members in groups.items():
        chosen = [(infos[i], tabs[i], starts[i]) for i in members]
        _write_output(path, chosen, setup[0], options, outputs, counter)


def _run_on_cluster(
    mapper: Mapper,
    groups: dict[Path, list[int]],
    infos: list[ArrayInfo],
    setup: _Setup,
    outputs: list[WindowOutput],
    counter: _Counter,
) -> None:
    """One job per output file; each worker reads its tables and writes their windows."""
    jobs = [(path, [infos[i] for i in members], setup) for path, members in groups.items()]
    for outs, done in mapper(_window_job, jobs):
        outputs.extend(outs)
        counter.add(done)


def _window_job(
    job: tuple[Path, list[ArrayInfo], _Setup],
) -> tuple[list[WindowOutput], int]:
    path, infos, (timesteps, options, model) = job
    tabs = cast(read_tables(infos, options, model, exact=True), options)
    starts = _starts(tabs, timesteps, options)
    outputs: list[WindowOutput] = []
    counter = _Counter(sum(len(s) for s in starts), None)
    members = list(zip(infos, tabs, starts, strict=True))
    _write_output(path, members, timesteps, options, outputs, counter)
    return outputs, counter.done


def _starts(tabs: list[Table], timesteps: int, options: WindowOptions) -> list[np.ndarray]:
    """Each table's window start rows (a window whose target would run past the end: none)."""
    return [
        window_starts(t.rows, timesteps, options.stride, options.rate, options.horizon)
        for t in tabs
    ]


def _write_output(
    path: Path,
    members: list[tuple[ArrayInfo, Table, np.ndarray]],
    timesteps: int,
    options: WindowOptions,
    outputs: list[WindowOutput],
    counter: _Counter,
) -> None:
    """The windows of ``members`` (inputs of one file: an npz/h5 has several) into ``path``."""
    fmt = members[0][0].format
    fmt = "npy" if fmt in ("csv", "parquet") else fmt
    with contextlib.ExitStack() as ctx:
        box = ctx.enter_context(Container(path, fmt))
        for info, table, s in members:
            shape = (len(s), timesteps, *(() if table.flat else (len(table.columns),)))
            sink = box.array(info.key, shape, table.dtype)
            _write_table(table, sink, timesteps, options, s, counter)
            sink.close()
            outputs.append(
                WindowOutput(
                    remote_outputs.shown(path), info.key, shape, table.dtype.name, info.label
                )
            )
            if options.target is not None:
                ys = _ys(table, timesteps, options)
                if fmt == "npy":
                    ctx.enter_context(Container(_y_path(path), "npy")).copy("y", ys)
                    outputs.append(
                        WindowOutput(
                            remote_outputs.shown(_y_path(path)),
                            None,
                            ys.shape,
                            ys.dtype.name,
                            info.label,
                        )
                    )
                else:
                    box.copy(f"{info.key}_y", ys)
                    outputs.append(
                        WindowOutput(
                            remote_outputs.shown(path),
                            f"{info.key}_y",
                            ys.shape,
                            ys.dtype.name,
                            info.label,
                        )
                    )
