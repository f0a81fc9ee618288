"""What ``window`` will do, decided before anything is written: keras's window arithmetic
(timeseries_dataset_from_array), the options, T from the model, the tables and their dtype."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ..data import discover, table_values
from ..data.info import ArrayInfo
from ..data.tables import Table
from ..errors import LstmdiagError
from ..judge.roles import time_axis
from ..model.spec import ModelSpec


# -- pure semantics -------------------------------------------------------------------------
def window_starts(
    rows: int, timesteps: int, stride: int = 1, rate: int = 1, horizon: int | None = None
) -> np.ndarray:
    """Start rows of every window, as timeseries_dataset_from_array computes them."""
    span = (timesteps - 1) * rate
    count = rows - span
    if horizon is not None:
        count = min(count, rows - span - horizon)
    if count <= 0:
        return np.zeros(0, dtype=np.int64)
    return np.arange(0, count, stride, dtype=np.int64)


def windows(data: np.ndarray, timesteps: int, stride: int = 1, rate: int = 1) -> np.ndarray:
    """All windows of ``data`` (rows first) in memory: ``(windows, T, *data.shape[1:])``."""
    data = np.asarray(data)
    starts = window_starts(len(data), timesteps, stride, rate)
    return data[starts[:, None] + np.arange(timesteps) * rate]


def window_targets(
    column: np.ndarray, timesteps: int, horizon: int, stride: int = 1, rate: int = 1
) -> np.ndarray:
    """``y[i]``: ``column`` at the row ``horizon`` steps after window ``i``'s last row."""
    starts = window_starts(len(column), timesteps, stride, rate, horizon)
    return np.asarray(np.asarray(column)[starts + (timesteps - 1) * rate + horizon])


# -- planning -------------------------------------------------------------------------------
@dataclass(frozen=True)
class WindowOptions:
    timesteps: int | None = None
    stride: int = 1
    rate: int = 1
    columns: tuple[str, ...] | None = None
    target: str | None = None
    horizon: int | None = None
    out: Path | None = None
    stack: Path | None = None
    force: bool = False
    exclude: tuple[str, ...] = ()
    dtype: str | None = None  # None: the data's own (CSV/Parquet with --model: the model's)


@dataclass(frozen=True)
class WindowOutput:
    path: str
    key: str | None
    shape: tuple[int, ...]
    dtype: str
    source: str


@dataclass(frozen=True)
class WindowResult:
    outputs: tuple[WindowOutput, ...]
    timesteps: int
    timesteps_reason: str
    windows: int
    rows: int
    dropped_for_target: int
    input_bytes: int
    output_bytes: int
    notes: tuple[str, ...] = ()


@dataclass
class WindowJob:
    table: Table
    target: Path | None  # per-input output container (--out)
    key: str | None  # member / dataset name in that container


def timesteps_for(options: WindowOptions, model: ModelSpec | None) -> tuple[int, str]:
    if options.timesteps is not None:
        if options.timesteps < 1:
            raise LstmdiagError("--timesteps must be at least 1")
        return options.timesteps, "given"
    if model is None:
        raise LstmdiagError("give --timesteps T or --model MODEL")
    timed = [i for i in model.inputs if time_axis(model, i) is not None]
    if len(timed) != 1 or len(timed[0].shape) < 2 or timed[0].shape[1] is None:
        raise LstmdiagError(
            f"{model.path}: the model has no single fixed time axis to window for; give "
            "--timesteps T"
        )
    return int(timed[0].shape[1]), f"the model's fixed time axis ({model.path})"


def read_tables(
    infos: list[ArrayInfo], options: WindowOptions, model: ModelSpec | None, exact: bool = False
) -> list[Table]:
    """The inputs as tables. A CSV or Parquet table is read as its windows are written, on
    the row count describing it found; ``exact``: first copied whole (see arrow_table)."""
    out: list[Table] = []
    for info in infos:
        if info.problem is not None:
            raise LstmdiagError(f"{info.label}: {info.problem}")
        if info.format in ("csv", "parquet"):
            dtype = text_dtype(options, model)
            rows = None if exact or info.shape is None else info.shape[0]
            out.append(
                table_values.arrow_table(
                    info.label, info.file, options.columns, options.target, dtype, rows
                )
            )
        else:
            out.append(
                table_values.array_table(info, options.columns, options.target, discover.read_rows)
            )
    return out


def text_dtype(options: WindowOptions, model: ModelSpec | None) -> np.dtype | None:
    """The dtype of windows cut from a text table (CSV, Parquet): --dtype, else the model's
    input dtype (so they pass `check`), else what the columns hold."""
    if options.dtype is not None:
        return np.dtype(options.dtype)
    if model is None:
        return None
    timed = [i for i in model.inputs if time_axis(model, i) is not None]
    return np.dtype(timed[0].dtype) if len(timed) == 1 else None


def check_features(tabs: list[Table], model: ModelSpec | None) -> None:
    if model is None:
        return
    timed = [i for i in model.inputs if time_axis(model, i) is not None]
    if len(timed) == 1 and len(timed[0].shape) == 3 and timed[0].shape[2] is not None:
        want = timed[0].shape[2]
        for t in tabs:
            if len(t.columns) != want:
                dropped = "".join(f"; {n.removeprefix(t.label + ': ')}" for n in t.notes)
                named = f" ({', '.join(t.columns)})" if dropped else ""  # what was kept
                raise LstmdiagError(
                    f"{t.label}: {len(t.columns)} feature columns{named}, the model takes "
                    f"{want}{dropped} (choose them with --columns a,b,c)"
                )


def laid_out(tabs: list[Table], model: ModelSpec | None) -> list[Table]:
    """One rule for the windows' axes: 1-D series give (windows, T), as
    keras.utils.timeseries_dataset_from_array and lstmdiag.windows() do, unless the model's
    input takes a feature axis (batch, T, 1); tables give (windows, T, features)."""
    timed = [] if model is None else [i for i in model.inputs if time_axis(model, i) is not None]
    wants_features = any(len(i.shape) >= 3 for i in timed)
    flat = all(t.flat for t in tabs) and not wants_features
    return [t if t.flat == flat else replace(t, flat=flat) for t in tabs]


def cast(tabs: list[Table], options: WindowOptions) -> list[Table]:
    """``--dtype`` for array inputs (text tables are read in it directly). Without it arrays
    keep their dtype, as Keras keeps it."""
    if options.dtype is None:
        return tabs
    dtype = np.dtype(options.dtype)
    return [
        t
        if t.dtype == dtype
        else replace(t, dtype=dtype, read=functools.partial(read_as, t.read, dtype))
        for t in tabs
    ]


def read_as(
    read: Callable[[int, int], np.ndarray], dtype: np.dtype, start: int, stop: int
) -> np.ndarray:
    return np.asarray(read(start, stop), dtype=dtype)


def target_of(info: ArrayInfo, out: Path, given: list[str]) -> Path:
    """Output path per input: same relative name under ``out``; tables become .npy."""
    rel = discover.relative_name(info.file, given)
    path = out / rel
    return path.with_suffix(".npy") if info.format in ("csv", "parquet") else path
