"""Tables of rows x columns — the input of ``lstmdiag window`` — from ``.npy``/``.npz``/``.h5``
arrays (2-D ``(rows, features)``, or 1-D: one feature) and from CSV and Parquet files.

CSV headers are read with the standard library (so ``check`` needs no extra); reading CSV
values and anything Parquet uses pyarrow (``pip install 'lstmdiag[tables]'``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import LstmdiagError
from .info import ArrayInfo, Location, open_file

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
PARQUET_MAGIC = b"PAR1"
SNIFF_ROWS = 200
EXTRA = "pip install 'lstmdiag[tables]'"


@dataclass(frozen=True)
class Table:
    """One table: ``rows`` x ``columns``, read by row ranges."""

    label: str
    rows: int
    columns: tuple[str, ...]
    dtype: np.dtype
    read: Callable[[int, int], np.ndarray]  # rows [a, b) of the chosen columns: (b - a, F)
    notes: tuple[str, ...] = ()
    target: np.ndarray | None = field(default=None, compare=False)  # the --target column
    flat: bool = False  # a 1-D series: its windows are (windows, T), as Keras makes them


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.csv
        import pyarrow.parquet
    except ImportError:
        raise LstmdiagError(f"CSV values and Parquet files need pyarrow: {EXTRA}") from None
    return pyarrow


def is_csv(path: Location) -> bool:
    return path.suffix.lower() in CSV_SUFFIXES


def _delimiter(path: Location) -> str:
    return "\t" if path.suffix.lower() == ".tsv" else ","


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def sniff_csv(path: Location, count: bool = True) -> tuple[list[str], list[bool], int, bool]:
    """(column names, numeric per column, data rows, has a header row), from the first rows
    and (``count``) a newline count: no values are parsed beyond SNIFF_ROWS."""
    with open_file(path, stream=True) as fh:
        head = fh.read(1 << 16)
        newlines = head.count(b"\n")
        while count and (chunk := fh.read(1 << 24)):
            newlines += chunk.count(b"\n")
        last_newline = head.endswith(b"\n") if len(head) < (1 << 16) else True
    text = head.decode("utf-8", errors="replace")
    rows = list(csv.reader(io.StringIO(text), delimiter=_delimiter(path)))[: SNIFF_ROWS + 1]
    rows = [r for r in rows if r]
    if not rows:
        raise LstmdiagError(f"{path}: an empty table")
    first = rows[0]
    header = not all(_number(c) for c in first if c.strip())
    names = [c.strip() for c in first] if header else [str(i) for i in range(len(first))]
    body = rows[1:] if header else rows
    numeric = [
        all(_number(r[i]) or not r[i].strip() for r in body if i < len(r)) and bool(body)
        for i in range(len(names))
    ]
    total = newlines + (0 if last_newline else 1) - (1 if header else 0)
    return names, numeric, max(0, total), header


def describe_csv(shown: str, file: Location) -> ArrayInfo:
    """A CSV table as an ArrayInfo (rows, numeric columns), for `check`."""
    try:
        _, numeric, rows, _ = sniff_csv(file)
    except (OSError, UnicodeError, csv.Error, LstmdiagError) as exc:
        return ArrayInfo.unusable(shown, file, "csv", f"not a readable table ({exc})")
    features = sum(numeric)
    if not features:
        return ArrayInfo.unusable(shown, file, "csv", "a table without numeric columns")
    return ArrayInfo(shown, file, "csv", None, (rows, features), "float32")


def describe_parquet(shown: str, file: Location) -> ArrayInfo:
    try:
        pa = _pyarrow()
        with open_file(file) as fh:
            meta = pa.parquet.ParquetFile(fh)
            schema = meta.schema_arrow
            numeric = [
                f for f in schema if pa.types.is_integer(f.type) or pa.types.is_floating(f.type)
            ]
            rows = meta.metadata.num_rows
    except LstmdiagError as exc:
        return ArrayInfo.unusable(shown, file, "parquet", str(exc))
    except Exception as exc:  # pyarrow raises its own error types for broken files
        return ArrayInfo.unusable(shown, file, "parquet", f"not a readable Parquet file ({exc})")
    if not numeric:
        return ArrayInfo.unusable(shown, file, "parquet", "a table without numeric columns")
    return ArrayInfo(shown, file, "parquet", None, (rows, len(numeric)), "float32")


def _read_arrow(file: Location) -> Any:
    pa = _pyarrow()
    if file.suffix.lower() in (".parquet", ".pq"):
        if isinstance(file, Path):
            return pa.parquet.read_table(file)
        with open_file(file, stream=True) as fh:
            return pa.parquet.read_table(fh)
    names, _, _, header = sniff_csv(file, count=False)
    read = pa.csv.ReadOptions(
        column_names=None if header else names, autogenerate_column_names=False
    )
    parse = pa.csv.ParseOptions(delimiter=_delimiter(file))
    if isinstance(file, Path):
        return pa.csv.read_csv(file, read_options=read, parse_options=parse)
    with open_file(file, stream=True) as fh:
        return pa.csv.read_csv(fh, read_options=read, parse_options=parse)


def arrow_table(
    shown: str,
    file: Location,
    columns: tuple[str, ...] | None,
    target: str | None,
    dtype: np.dtype | None = None,
) -> Table:
    """A CSV/Parquet file in memory as a numeric table (numeric columns only, named ones with
    ``columns``); what was dropped, and why, is in ``notes``."""
    pa = _pyarrow()
    try:
        table = _read_arrow(file)
    except LstmdiagError:
        raise
    except Exception as exc:
        raise LstmdiagError(f"{shown}: not a readable table ({exc})") from None
    numeric = [
        f.name for f in table.schema if pa.types.is_integer(f.type) or pa.types.is_floating(f.type)
    ]
    notes: list[str] = []
    if columns:
        missing = [c for c in columns if c not in table.schema.names]
        if missing:
            raise LstmdiagError(
                f"{shown}: no column {', '.join(map(repr, missing))} (columns: "
                f"{', '.join(table.schema.names)})"
            )
        text = [c for c in columns if c not in numeric]
        if text:
            raise LstmdiagError(f"{shown}: column {', '.join(map(repr, text))} is not numeric")
        chosen = list(columns)
    else:
        chosen = numeric
        dropped = [n for n in table.schema.names if n not in numeric]
        if dropped:
            notes.append(f"{shown}: dropped non-numeric column(s) {', '.join(dropped)}")
    if not chosen:
        raise LstmdiagError(f"{shown}: no numeric columns to window")
    nulls = any(table.column(n).null_count for n in chosen)
    kinds = [table.schema.field(n).type for n in chosen]
    out = dtype or (
        np.dtype(np.float64)
        if nulls or any(pa.types.is_floating(k) for k in kinds)
        else np.dtype(np.int64)
    )
    data = np.empty((table.num_rows, len(chosen)), dtype=out)
    for index, name in enumerate(chosen):  # one copy, chunk by chunk, into the final array
        start = 0
        for chunk in table.column(name).chunks:
            values = chunk.to_numpy(zero_copy_only=False)
            data[start : start + len(values), index] = values
            start += len(values)
    _refuse_gaps(shown, data, chosen)
    target_values = None
    if target is not None:
        if target not in numeric:
            raise LstmdiagError(f"{shown}: --target {target!r} is not a numeric column")
        target_values = _column(table, target)
    return Table(
        shown,
        len(data),
        tuple(chosen),
        data.dtype,
        lambda a, b: data[a:b],
        tuple(notes),
        target_values,
    )


def _column(table: Any, name: str) -> np.ndarray:
    column = table.column(name)
    if column.null_count:
        return np.asarray(column.to_numpy(zero_copy_only=False), dtype=np.float64)
    return np.asarray(column.to_numpy())


def _refuse_gaps(shown: str, data: np.ndarray, names: list[str]) -> None:
    """Missing cells and NaN/Inf rows make NaN windows: refused, with their row numbers."""
    if data.dtype.kind != "f":
        return
    bad = np.flatnonzero(~np.isfinite(data).all(axis=1))
    if bad.size:
        rows = ", ".join(str(int(r) + 1) for r in bad[:10]) + (" …" if bad.size > 10 else "")
        raise LstmdiagError(
            f"{shown}: {bad.size} row(s) have missing, NaN or Inf values in "
            f"{', '.join(names)} (data rows {rows}); fill or drop them first"
        )


def array_table(info: ArrayInfo, columns: tuple[str, ...] | None, target: str | None) -> Table:
    """A 1-D or 2-D array as a table; columns are named by index ("0", "1", ...)."""
    from . import discover

    assert info.shape is not None
    if len(info.shape) not in (1, 2):
        raise LstmdiagError(
            f"{info.label} {info.shape}: window takes (rows, features) or (rows,) arrays"
        )
    width = 1 if len(info.shape) == 1 else int(info.shape[1] or 0)
    names = tuple(str(i) for i in range(width))
    picked = _pick(info.label, names, columns)
    target_index = None if target is None else _pick(info.label, names, (target,))[0]

    def read(a: int, b: int) -> np.ndarray:
        rows = discover.read_rows(info, a, b)
        rows = rows.reshape(len(rows), -1)
        return rows[:, picked] if picked != list(range(width)) else rows

    target_values = None
    if target_index is not None:
        target_values = discover.read_rows(info, 0, int(info.shape[0] or 0)).reshape(
            int(info.shape[0] or 0), -1
        )[:, target_index]
    return Table(
        info.label,
        int(info.shape[0] or 0),
        tuple(names[i] for i in picked),
        np.dtype(info.dtype or "float32"),
        read,
        (),
        target_values,
        flat=len(info.shape) == 1,
    )


def _pick(label: str, names: tuple[str, ...], wanted: tuple[str, ...] | None) -> list[int]:
    if not wanted:
        return list(range(len(names)))
    out = []
    for w in wanted:
        if w not in names:
            raise LstmdiagError(f"{label}: no column {w!r} (columns: 0..{len(names) - 1})")
        out.append(names.index(w))
    return out
