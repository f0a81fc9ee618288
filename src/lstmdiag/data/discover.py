"""From the paths a user gave to ArrayInfos: folders walked, formats sniffed by magic bytes."""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ..errors import LstmdiagError
from . import npy, npz, tables
from .info import ArrayInfo

DEFAULT_GLOBS = ("*.npy", "*.npz", "*.h5", "*.hdf5", "*.csv", "*.tsv", "*.parquet")
ZIP_MAGIC = b"PK\x03\x04"
HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"


def printable(path: str) -> str:
    """A file name fit to print and to put in JSON: bytes that are not UTF-8 (kept by Python
    as lone surrogates) become U+FFFD. The real path stays in ArrayInfo.file."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def iter_files(
    paths: list[str], globs: tuple[str, ...] = DEFAULT_GLOBS
) -> Iterator[tuple[str, Path]]:
    """(shown path, real path) for every data file: given files as they are, folders walked
    recursively in sorted order, never following symlinked folders (no loops)."""
    matches = re.compile("|".join(fnmatch.translate(g) for g in globs)).match
    for given in paths:
        p = Path(given)
        if p.is_dir():
            for root, dirs, files in os.walk(p, followlinks=False):
                dirs.sort()
                rel_root = root[len(str(p)) :].lstrip(os.sep)
                for name in sorted(files):
                    if matches(name):
                        rel = os.path.join(rel_root, name) if rel_root else name
                        yield printable(os.path.join(given, rel)), Path(root, name)
        else:
            yield printable(given), p


def special_file(file: Path) -> str | None:
    """What ``file`` is when it is not a regular file (a FIFO, socket or device, also behind a
    symlink): such files are never opened, since reading one can block forever or never end."""
    try:
        mode = os.stat(file).st_mode
    except OSError:
        return None  # missing or unreadable: open() reports it
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    for test, name in (
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def describe_file(shown: str, file: Path) -> list[ArrayInfo]:
    """Every array in one file; problems become ArrayInfo.problem, never exceptions."""
    special = special_file(file)
    if special is not None:
        return [ArrayInfo.unusable(shown, file, "?", f"not a regular file: {special}; not read")]
    try:
        with file.open("rb") as fh:
            head = fh.read(8)
            if head.startswith(npy.MAGIC):  # the common case: one open per file
                fh.seek(0)
                size = os.fstat(fh.fileno()).st_size
                return [npy.describe_stream(fh, size, path=shown, file=file, fmt="npy", key=None)]
    except FileNotFoundError:
        return [ArrayInfo.unusable(shown, file, "?", "no such file")]
    except OSError as exc:
        return [ArrayInfo.unusable(shown, file, "?", f"cannot read ({exc.strerror or exc})")]
    try:
        if head.startswith(ZIP_MAGIC):
            return npz.describe(shown, file)
        if head.startswith(tables.PARQUET_MAGIC):
            return [tables.describe_parquet(shown, file)]
        if tables.is_csv(file):
            return [tables.describe_csv(shown, file)]
        if head.startswith(HDF5_MAGIC):
            from . import hdf5  # h5py is imported only when an HDF5 file shows up

            return hdf5.describe(shown, file)
    except OSError as exc:
        return [ArrayInfo.unusable(shown, file, "?", f"cannot read ({exc})")]
    what = "an empty file" if not head else "not a .npy, .npz, HDF5, CSV or Parquet file"
    return [ArrayInfo.unusable(shown, file, "?", what)]


def drop_excluded(infos: list[ArrayInfo], patterns: tuple[str, ...]) -> list[ArrayInfo]:
    """Arrays that match no ``--exclude`` glob. A pattern is tried against the path, the
    ``path:key`` label, and the bare file name / member name."""
    if not patterns:
        return infos
    regex = re.compile("|".join(fnmatch.translate(p) for p in patterns))

    def hit(info: ArrayInfo) -> bool:
        names = [info.path, info.label, info.path.rsplit("/", 1)[-1]]
        if info.key:
            names.append(info.key)
        return any(regex.match(n) for n in names)

    return [i for i in infos if not hit(i)]


def describe_paths(paths: list[str], globs: tuple[str, ...] = DEFAULT_GLOBS) -> list[ArrayInfo]:
    infos: list[ArrayInfo] = []
    for shown, file in iter_files(paths, globs):
        infos.extend(describe_file(shown, file))
    return infos


def iter_blocks(info: ArrayInfo, rows: int = 256) -> Iterator[np.ndarray]:
    """The values of a (non-ragged) array in blocks along axis 0."""
    if info.format == "memory":
        from . import memory

        return memory.iter_blocks(info, rows)
    if info.format == "npy":
        return npy.iter_blocks(info.file, rows)
    if info.format == "npz" and info.key is not None:
        return npz.iter_blocks(info.file, info.key, rows)
    if info.format == "h5" and info.key is not None:
        from . import hdf5

        return hdf5.iter_blocks(info.file, info.key, rows)
    raise LstmdiagError(f"{info.label}: no values to read")


def read_rows(info: ArrayInfo, start: int, stop: int) -> np.ndarray:
    """Rows ``start:stop`` along axis 0, reading no more than the format requires."""
    if info.format == "memory":
        return np.asarray(info.values[start:stop])
    if info.format == "npy":
        return npy.read_rows(info.file, start, stop)
    if info.format == "h5" and info.key is not None:
        import h5py

        with h5py.File(info.file, "r") as f:
            return np.asarray(f[info.key][start:stop])
    parts = []
    seen = 0
    for block in iter_blocks(info, max(1, stop - start)):
        lo, hi = max(start - seen, 0), min(stop - seen, len(block))
        if lo < hi:
            parts.append(block[lo:hi])
        seen += len(block)
        if seen >= stop:
            break
    if parts:
        return np.concatenate(parts)
    rest = tuple(int(d or 0) for d in (info.shape or (0,))[1:])
    return np.zeros((0, *rest), dtype=info.dtype or "float32")


def read_span(info: ArrayInfo, row: int, start: int, stop: int) -> np.ndarray:
    """Timesteps ``start:stop`` of sequence ``row`` of a batch array, reading no more of the
    row than the format requires (npy and h5: only the span; npz members: the row)."""
    if info.format == "memory":
        return np.asarray(info.values[row, start:stop])
    if info.format == "npy":
        return npy.read_span(info.file, row, start, stop)
    if info.format == "h5" and info.key is not None:
        import h5py

        with h5py.File(info.file, "r") as f:
            return np.asarray(f[info.key][row, start:stop])
    for index, block in enumerate(iter_blocks(info, 1)):
        if index == row:
            return np.asarray(block[0, start:stop])
    raise LstmdiagError(f"{info.label}: no row {row}")


def read_small(info: ArrayInfo) -> np.ndarray:
    """A whole (small) array: labels and other members copied unchanged by ``pad``."""
    if info.format == "memory":
        return np.asarray(info.values)
    if info.format == "npy":
        return npy.read_array(info.file)
    if info.format == "npz" and info.key is not None:
        with np.load(info.file, allow_pickle=False) as data:
            return np.asarray(data[info.key])
    if info.format == "h5" and info.key is not None:
        import h5py

        with h5py.File(info.file, "r") as f:
            return np.asarray(f[info.key][()])
    raise LstmdiagError(f"{info.label}: no values to read")


def iter_sequences(info: ArrayInfo, rows: int = 256) -> Iterator[np.ndarray]:
    """Every sequence: axis-0 items of a batch array, or the members of a ragged collection."""
    if info.single:
        yield read_small(info)
        return
    if info.format == "memory" and info.ragged:
        from . import memory

        yield from memory.iter_sequences(info)
        return
    if info.ragged:
        from . import hdf5

        yield from hdf5.iter_sequences(info.file, info.key or "")
        return
    for block in iter_blocks(info, rows):
        yield from block
