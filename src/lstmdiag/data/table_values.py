"""A table's values as a (rows, features) array for windowing: one forward pass over
pyarrow's record batches (or CSV chunks) with the next batch read ahead, spilled to an unnamed
temporary file when the size is not known up front; missing cells refused, counted."""

from __future__ import annotations

import contextlib
import os
import queue
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, NoReturn

import numpy as np

from ..errors import LstmdiagError
from ..text import plural
from .info import ArrayInfo, Location
from .tables import (
    Reread,
    Source,
    Table,
    csv_chunks,
    is_parquet,
    pyarrow_module,
    read_schema,
    record_batches,
)


def arrow_table(
    shown: str,
    file: Location,
    columns: tuple[str, ...] | None,
    target: str | None,
    dtype: np.dtype | None = None,
    rows: int | None = None,
) -> Table:
    """A CSV/Parquet file as a numeric table (numeric columns only, named ones with
    ``columns``); what was dropped, and why, is in ``notes``. It is read in record batches,
    never whole. With ``rows`` (what describing it counted) and no target, in one pass as
    the windows are written (its ``done`` raises Reread if that count or a column's type
    was wrong); else first into a binary copy in the temp folder (deleted when done), which
    windows are then read from."""
    pa = pyarrow_module()
    try:
        src = Source.of(file)
        schema = read_schema(src)
    except LstmdiagError:
        raise
    except Exception as exc:
        raise LstmdiagError(f"{shown}: not a readable table ({exc})") from None
    chosen, notes = _chosen(shown, schema, columns)
    if target is not None and target not in _numeric(schema):
        raise LstmdiagError(f"{shown}: --target {target!r} is not a numeric column")
    kinds = [schema.field(n).type for n in chosen]
    floats = any(pa.types.is_floating(k) for k in kinds)
    if rows is not None and target is None:
        out = dtype or np.dtype(np.float64 if floats else np.int64)
        stream = _Stream(shown, src, schema, chosen, out, rows)
        return Table(shown, rows, tuple(chosen), out, stream.read, tuple(notes), done=stream.done)
    try:
        return _spilled(shown, src, chosen, target, dtype, floats, tuple(notes))
    except pa.ArrowInvalid as exc:
        if "conversion error" not in str(exc):
            raise LstmdiagError(f"{shown}: not a readable table ({exc})") from None
    # An integer column by the first block holds other numbers further on: as read_csv
    # does, read every column as float64 (a text cell is refused there).
    try:
        return _spilled(shown, src, chosen, target, dtype, True, tuple(notes), promote=True)
    except pa.ArrowInvalid as exc:
        raise LstmdiagError(f"{shown}: a column is not numeric all through ({exc})") from None


def iter_blocks(shown: str, file: Location, width: int | None) -> Iterator[np.ndarray]:
    """A table's numeric columns in (rows, columns) blocks, one record batch at a time (for
    ``check --deep``): what ``describe`` counted as its features, or a clear error."""
    src = Source.of(file)
    chosen = _numeric(read_schema(src))
    if width is not None and len(chosen) != width:
        raise LstmdiagError(
            f"{shown}: {len(chosen)} numeric columns by pyarrow's reading, {width} by the "
            "first rows: a column holds text further down"
        )
    for block, _ in _numeric_batches(src, chosen):
        yield block


def _numeric_batches(src: Source, chosen: list[str]) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """``chosen`` columns of a table, batch by batch, as numbers (a CSV's read as float64,
    so a missing cell is a gap, not a type change), with their missing, NaN or Inf cells."""
    types = {n: pyarrow_module().float64() for n in chosen if not is_parquet(src.file)}
    for batch in record_batches(src, chosen, types):
        yield _numeric_block(batch, chosen, None)


def _numeric(schema: Any) -> list[str]:
    pa = pyarrow_module()
    return [f.name for f in schema if pa.types.is_integer(f.type) or pa.types.is_floating(f.type)]


def _chosen(
    shown: str, schema: Any, columns: tuple[str, ...] | None
) -> tuple[list[str], list[str]]:
    """The columns to window, and notes on what was dropped."""
    numeric = _numeric(schema)
    notes: list[str] = []
    if columns:
        missing = [c for c in columns if c not in schema.names]
        if missing:
            raise LstmdiagError(
                f"{shown}: no column {', '.join(map(repr, missing))} (columns: "
                f"{', '.join(schema.names)})"
            )
        text = [c for c in columns if c not in numeric]
        if text:
            raise LstmdiagError(f"{shown}: column {', '.join(map(repr, text))} is not numeric")
        chosen = list(columns)
    else:
        chosen = numeric
        dropped = [n for n in schema.names if n not in numeric]
        if dropped:
            notes.append(f"{shown}: dropped non-numeric column(s) {', '.join(dropped)}")
    if not chosen:
        raise LstmdiagError(f"{shown}: no numeric columns to window")
    return chosen, notes


def _ahead(batches: Iterator[Any], depth: int = 2) -> Iterator[Any]:
    """``batches``, parsed by a thread while the caller converts the last one (pyarrow
    parses without the GIL): up to ``depth`` batches wait, so memory stays flat."""
    done = object()
    waiting: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for batch in batches:
                if stop.is_set():
                    return
                waiting.put(batch)
            waiting.put(done)
        except BaseException as exc:  # handed to the caller, raised there
            waiting.put(exc)

    worker = threading.Thread(target=produce, daemon=True)
    worker.start()
    try:
        while (item := waiting.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while worker.is_alive():  # unblock a producer waiting on a full queue
            with contextlib.suppress(queue.Empty):
                waiting.get(timeout=0.05)
        worker.join()


@dataclass
class _Gaps:
    """Rows with a missing, NaN or Inf cell, counted over the whole table, and the columns
    they are in."""

    names: list[str]
    count: int = 0
    first: list[int] = field(default_factory=list)
    per_column: dict[str, int] = field(default_factory=dict)

    def add(self, bad: np.ndarray, offset: int, names: list[str] | None = None) -> None:
        """``bad``: (rows, columns) of ``names`` (default: the table's chosen columns)."""
        rows = np.flatnonzero(bad.any(axis=1))
        self.count += len(rows)
        self.first.extend(int(r) + offset for r in rows[: 10 - len(self.first)])
        for name, n in zip(names or self.names, bad.sum(axis=0).tolist(), strict=True):
            if n:
                self.per_column[name] = self.per_column.get(name, 0) + int(n)

    def where(self) -> str:
        """``1 row has a missing, NaN or Inf value in column s1 (data row 6)``."""
        listed = ", ".join(str(r + 1) for r in self.first) + (" …" if self.count > 10 else "")
        columns = [n for n in self.names if n in self.per_column]
        if len(columns) == 1:
            at = f"column {columns[0]}"
        else:
            at = "columns " + ", ".join(
                f"{n} ({plural(self.per_column[n], 'row')})" for n in columns
            )
        rows = "1 row has a" if self.count == 1 else f"{self.count} rows have"
        value = "value" if self.count == 1 else "values"
        data_rows = "data row" if self.count == 1 else "data rows"
        return f"{rows} missing, NaN or Inf {value} in {at} ({data_rows} {listed})"


def _gaps_message(shown: str, gaps: _Gaps) -> str:
    return f"{shown}: {gaps.where()}; fill or drop {'it' if gaps.count == 1 else 'them'} first"


def table_gaps(file: Location) -> str | None:
    """Where a table's numeric columns (what ``window`` takes by default) have missing, NaN
    or Inf cells, read in record batches; None when they have none (for ``check --deep``)."""
    src = Source.of(file)
    chosen = _numeric(read_schema(src))
    gaps, rows = _Gaps(chosen), 0
    for _, bad in _numeric_batches(src, chosen):
        gaps.add(bad, rows)
        rows += len(bad)
    return gaps.where() if gaps.count else None


def _spilled(
    shown: str,
    src: Source,
    chosen: list[str],
    target: str | None,
    dtype: np.dtype | None,
    floats: bool,
    notes: tuple[str, ...],
    promote: bool = False,
) -> Table:
    pa = pyarrow_module()
    out = dtype or np.dtype(np.float64 if floats else np.int64)
    wanted = chosen + ([target] if target is not None and target not in chosen else [])
    types = dict.fromkeys(wanted, pa.float64()) if promote else {}
    values, targets = _Spill(out, len(chosen)), _Spill(None, 0)
    gaps, rows = _Gaps(wanted), 0
    for batch in _ahead(record_batches(src, wanted, types)):
        block, bad = _numeric_block(batch, chosen, out)
        if target is not None:
            column, column_bad = _numeric_block(batch, [target], None)
            targets.append(column[:, 0])
            if target not in chosen:
                bad = np.concatenate([bad, column_bad], axis=1)  # as ``wanted`` orders them
        gaps.add(bad, rows)
        values.append(block)
        rows += len(block)
    if gaps.count:
        raise LstmdiagError(_gaps_message(shown, gaps))
    return Table(
        shown,
        rows,
        tuple(chosen),
        out,
        values.reader(),
        notes,
        None if target is None else targets.whole(),  # held whole: 8 bytes a row
    )


def _numeric_block(
    batch: Any, chosen: list[str], out: np.dtype | None
) -> tuple[np.ndarray, np.ndarray]:
    """The chosen columns of one record batch as a (rows, columns) array in ``out`` (None:
    the first column's own dtype, float64 where cells are missing), and which of its cells
    are missing, NaN or Inf (rows, columns)."""
    columns = [batch.column(batch.schema.get_field_index(name)) for name in chosen]
    arrays = [np.asarray(c.to_numpy(zero_copy_only=False)) for c in columns]
    block = np.empty((batch.num_rows, len(chosen)), dtype=out or arrays[0].dtype)
    bad = np.zeros((batch.num_rows, len(chosen)), dtype=bool)
    for index, (column, values) in enumerate(zip(columns, arrays, strict=True)):
        if column.null_count:
            bad[:, index] |= np.asarray(column.is_null().to_numpy(zero_copy_only=False))
        if values.dtype.kind == "f":
            bad[:, index] |= ~np.isfinite(values)
        with np.errstate(invalid="ignore"):
            block[:, index] = values
    return block, bad


class _Stream:
    """A table read front to back in record batches while its windows are written: rows
    ``[a, b)`` for ``a`` that never goes back, holding only the rows still ahead. Gaps are
    refused (counted to the end first), and a table that ends before or after the rows
    planned on, or whose column types change on the way, raises Reread."""

    def __init__(
        self, shown: str, src: Source, schema: Any, chosen: list[str], out: np.dtype, rows: int
    ):
        self.shown, self.chosen, self.out, self.rows = shown, chosen, out, rows
        source = (
            record_batches(src, chosen, {})
            if is_parquet(src.file)
            else csv_chunks(src, chosen, list(schema.names))
        )
        self.batches = _ahead(source)
        self.blocks: list[np.ndarray] = []
        self.start = self.end = 0  # rows held: [start, end)

    def _pull(self) -> np.ndarray | None:
        pa = pyarrow_module()
        try:
            batch = next(self.batches, None)
        except pa.ArrowInvalid as exc:
            if "conversion error" in str(exc):
                raise Reread(str(exc)) from None
            raise LstmdiagError(f"{self.shown}: not a readable table ({exc})") from None
        except pa.ArrowException as exc:  # pyarrow's other errors on a table it cannot read
            raise LstmdiagError(f"{self.shown}: not a readable table ({exc})") from None
        if batch is None:
            return None
        pa = pyarrow_module()
        for name in self.chosen:
            kind = batch.schema.field(name).type
            if not (pa.types.is_integer(kind) or pa.types.is_floating(kind)) or (
                self.out.kind in "iu" and pa.types.is_floating(kind)
            ):
                raise Reread(f"column {name} is {kind} further on")
        block, bad = _numeric_block(batch, self.chosen, self.out)
        if bad.any():
            self._refuse(bad)
        return block

    def _refuse(self, bad: np.ndarray) -> NoReturn:
        """Every row with a gap, counted to the end of the table, then the refusal."""
        gaps = _Gaps(self.chosen)
        gaps.add(bad, self.end)
        offset = self.end + len(bad)
        for batch in self.batches:
            more = _numeric_block(batch, self.chosen, self.out)[1]
            gaps.add(more, offset)
            offset += len(more)
        raise LstmdiagError(_gaps_message(self.shown, gaps))

    def read(self, a: int, b: int) -> np.ndarray:
        if a < self.start:
            raise Reread("rows asked for again")
        while self.blocks and self.start + len(self.blocks[0]) <= a:
            self.start += len(self.blocks.pop(0))
        while self.end < b:
            block = self._pull()
            if block is None:
                raise Reread(f"{self.end} rows, {self.rows} counted")
            self.blocks.append(block)
            self.end += len(block)
        held = self.blocks[0] if len(self.blocks) == 1 else np.concatenate(self.blocks)
        return held[a - self.start : b - self.start]

    def done(self) -> None:
        while (block := self._pull()) is not None:
            self.end += len(block)
        if self.end != self.rows:
            raise Reread(f"{self.end} rows, {self.rows} counted")


class _Spill:
    """A binary copy of a table's values in an unnamed temp file (nothing is left behind,
    even by a killed run), read back by row ranges with plain reads (no memory map, so the
    pages read do not count against the process). ``dtype`` None: the first block's."""

    def __init__(self, dtype: np.dtype | None, width: int) -> None:
        self.dtype, self.width, self.rows = dtype, width, 0
        self.file = tempfile.TemporaryFile(prefix=".lstmdiag-table-")  # noqa: SIM115 (lives with the table)

    @property
    def row_bytes(self) -> int:
        return (self.dtype or np.dtype(np.float64)).itemsize * max(1, self.width)

    def append(self, block: np.ndarray) -> None:
        self.dtype = self.dtype or block.dtype
        self.file.write(np.ascontiguousarray(block, dtype=self.dtype).tobytes())
        self.rows += len(block)

    def read(self, start: int, stop: int) -> np.ndarray:
        start, stop = max(0, start), min(stop, self.rows)
        count = max(0, stop - start)
        raw = os.pread(self.file.fileno(), count * self.row_bytes, start * self.row_bytes)
        shape = (count, self.width) if self.width else (count,)
        return np.frombuffer(raw, dtype=self.dtype or np.float64).reshape(shape)

    def reader(self) -> Callable[[int, int], np.ndarray]:
        self.file.flush()
        return self.read

    def whole(self) -> np.ndarray:
        self.file.flush()
        return np.array(self.read(0, self.rows))


def array_table(
    info: ArrayInfo,
    columns: tuple[str, ...] | None,
    target: str | None,
    read_rows: Callable[[ArrayInfo, int, int], np.ndarray],
) -> Table:
    """A 1-D or 2-D array as a table; columns are named by index ("0", "1", ...).
    ``read_rows``: the readers' own (discover.read_rows), which sit above this module."""
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
        rows = read_rows(info, a, b)
        rows = rows.reshape(len(rows), -1)
        return rows[:, picked] if picked != list(range(width)) else rows

    target_values = None
    if target_index is not None:
        target_values = read_rows(info, 0, int(info.shape[0] or 0)).reshape(
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
