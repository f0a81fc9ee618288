"""Tables of rows x columns — the input of ``lstmdiag window`` — from ``.npy``/``.npz``/``.h5``
arrays (2-D ``(rows, features)``, or 1-D: one feature) and from CSV and Parquet files.

CSV headers are read with the standard library (so ``check`` needs no extra); reading CSV
values and anything Parquet uses pyarrow (``pip install 'lstmdiag[tables]'``).
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Callable, Iterator
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
    # Called once every window is written: a streamed table reads what is left, and
    # raises Reread when it was not what was planned on
    done: Callable[[], None] | None = field(default=None, compare=False)


class Reread(Exception):
    """A table read in one pass was not what the plan assumed (a CSV's row count from its
    newlines, a column's type from its first block): plan again, reading it exactly."""


def pyarrow_module() -> Any:
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


# The cells pyarrow's CSV reader reads as missing (ConvertOptions.null_values' default): a
# column with them is numeric with gaps, as window reads it, not a text column.
NULLS = frozenset(
    [
        "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND",
        "1.#QNAN", "N/A", "NA", "NULL", "NaN", "n/a", "nan", "null",
    ]
)  # fmt: skip


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _missing(text: str) -> bool:
    return text in NULLS or not text.strip()


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
        all(_number(r[i]) or _missing(r[i]) for r in body if i < len(r)) and bool(body)
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


def text_columns(file: Location) -> list[str]:
    """The columns a table's features leave out as not numeric (its first rows for a CSV,
    the schema for Parquet); [] when it cannot be read."""
    try:
        if is_parquet(file):
            pa = pyarrow_module()
            with open_file(file) as fh:
                schema = pa.parquet.ParquetFile(fh).schema_arrow
            number = pa.types.is_integer, pa.types.is_floating
            return [f.name for f in schema if not any(t(f.type) for t in number)]
        names, numeric, _, _ = sniff_csv(file, count=False)
    except Exception:  # a message's detail only: what cannot be read is said elsewhere
        return []
    return [n for n, ok in zip(names, numeric, strict=False) if not ok]


def describe_parquet(shown: str, file: Location) -> ArrayInfo:
    try:
        pa = pyarrow_module()
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


BATCH_BYTES = 1 << 20  # CSV text per record batch: pyarrow holds several in flight


BATCH_ROWS = 1 << 16  # Parquet rows per record batch


@dataclass(frozen=True)
class Source:
    """A table's file, with its CSV layout (column names, a header row) sniffed once."""

    file: Location
    names: tuple[str, ...] = ()
    header: bool = False

    @classmethod
    def of(cls, file: Location) -> Source:
        if is_parquet(file):
            return cls(file)
        names, _, _, header = sniff_csv(file, count=False)
        return cls(file, tuple(names), header)


def _csv_options(src: Source) -> tuple[Any, Any]:
    pa = pyarrow_module()
    read = pa.csv.ReadOptions(
        column_names=None if src.header else list(src.names),
        autogenerate_column_names=False,
        block_size=BATCH_BYTES,
    )
    return read, pa.csv.ParseOptions(delimiter=_delimiter(src.file))


def is_parquet(file: Location) -> bool:
    return file.suffix.lower() in (".parquet", ".pq")


def read_schema(src: Source) -> Any:
    """The table's columns and types: Parquet's metadata, or what pyarrow infers from a
    CSV's first block (its streaming reader decides there)."""
    pa = pyarrow_module()
    with open_file(src.file, stream=True) as fh:
        if is_parquet(src.file):
            return pa.parquet.ParquetFile(fh).schema_arrow
        read, parse = _csv_options(src)
        return pa.csv.open_csv(fh, read_options=read, parse_options=parse).schema


def record_batches(src: Source, columns: list[str], types: dict[str, Any]) -> Iterator[Any]:
    """The table's ``columns`` in record batches, never the whole table: Parquet by row
    groups, CSV through pyarrow's streaming reader (``types`` for the columns it must not
    infer from its first block)."""
    pa = pyarrow_module()
    file = src.file
    with contextlib.ExitStack() as stack:  # a local file by name: read by pyarrow's own I/O
        source = str(file) if isinstance(file, Path) else stack.enter_context(open_file(file))
        if is_parquet(file):
            yield from pa.parquet.ParquetFile(source).iter_batches(BATCH_ROWS, columns=columns)
            return
        read, parse = _csv_options(src)
        convert = pa.csv.ConvertOptions(include_columns=columns, column_types=types)
        yield from pa.csv.open_csv(
            source, read_options=read, parse_options=parse, convert_options=convert
        )


CHUNK_BYTES = 4 << 20  # CSV text parsed at once when a table is windowed in one pass


def csv_chunks(src: Source, columns: list[str], names: list[str]) -> Iterator[Any]:
    """A CSV's ``columns`` in record batches, parsed CHUNK_BYTES at a time with pyarrow's
    own multithreaded reader (faster than its streaming one, which parses on one core):
    the text is cut at newlines, so a quote in the data (a field may then hold a newline)
    raises Reread, as does a header on more than one line. ``names``: every column's name,
    as pyarrow reads the header (spaces kept)."""
    pa = pyarrow_module()
    read = pa.csv.ReadOptions(column_names=names, autogenerate_column_names=False)
    parse = pa.csv.ParseOptions(delimiter=_delimiter(src.file))
    convert = pa.csv.ConvertOptions(include_columns=columns)
    with open_file(src.file, stream=True) as fh:
        first = fh.readline() if src.header else b""
        if first.count(b'"') % 2:
            raise Reread("a header on more than one line")
        carry = b""
        while chunk := fh.read(CHUNK_BYTES):
            text = carry + chunk
            cut = text.rfind(b"\n") + 1
            text, carry = (text[:cut], text[cut:]) if cut else (b"", text)
            yield from _parsed(text, read, parse, convert)
        yield from _parsed(carry, read, parse, convert)


def _parsed(text: bytes, read: Any, parse: Any, convert: Any) -> Iterator[Any]:
    if not text.strip():
        return
    if b'"' in text:
        raise Reread("a quoted field")
    pa = pyarrow_module()
    yield from pa.csv.read_csv(
        pa.py_buffer(text), read_options=read, parse_options=parse, convert_options=convert
    ).to_batches()
