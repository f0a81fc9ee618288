"""From the paths a user gave to ArrayInfos: folders walked, formats sniffed by magic bytes."""

from __future__ import annotations

import fnmatch
import functools
import io
import os
import pathlib
import re
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import DAMAGED, READING, LstmdiagError, UnreadableValues, one_line
from . import npy, npz, remote, table_values, tables
from .info import ArrayInfo, Location, h5_file, open_file, read_start

DEFAULT_GLOBS = ("*.npy", "*.npz", "*.h5", "*.hdf5", "*.csv", "*.tsv", "*.parquet")
ZIP_MAGIC = b"PK\x03\x04"
HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
HEAD_BATCH = 1024  # objects whose first bytes are held at once (4 MiB)


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
) -> Iterator[tuple[str, Location]]:
    """(shown path, real path) for every data file: given files as they are, folders walked
    recursively in sorted order, never following symlinked folders (no loops). A URL prefix
    is listed like a folder; a URL with ``*``/``?``/``[`` is a glob."""
    matches = re.compile("|".join(fnmatch.translate(g) for g in globs)).match
    for given in paths:
        if remote.is_url(given):
            yield from remote.list_files(given, globs)
            continue
        p = Path(given)
        if p.is_dir():
            yield from _walk(given, p, matches)
        else:
            yield printable(given), p


if sys.platform == "win32":
    _NativePath = pathlib.WindowsPath
else:
    _NativePath = pathlib.PosixPath


# pathlib formats a path's string on its first use and keeps it in the ``_str`` slot (3.10
# to 3.13); the walk gives each child the string it would make, its folder's string joined
# with one name. Where the slot is gone, pathlib formats it as before.
_CACHED_STR = "_str" in getattr(pathlib.PurePath, "__slots__", ())


class ListedFile(_NativePath):
    """A file the folder walk saw as a regular file (from its directory entry, no stat), so
    reading its header needs no stat of its own: one open, one fstat, one read."""


def _walk(shown: str, folder: Path, matches: Callable[[str], Any]) -> Iterator[tuple[str, Path]]:
    """``os.walk`` top-down in sorted order, never into symlinked folders (no loops); a
    folder that cannot be listed is skipped, as os.walk does."""
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except OSError:
        return
    shown += "" if shown.endswith(os.sep) else os.sep
    dirs: list[os.DirEntry[str]] = []
    files: list[os.DirEntry[str]] = []
    for entry in entries:
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        (dirs if is_dir else files).append(entry)
    # Children made from their folder's path (parsing one name, not the whole path again)
    listed, other = ListedFile(folder), Path(folder)
    base = str(listed)
    prefix = base if base.endswith(os.sep) else base + os.sep
    for entry in sorted(files, key=lambda e: e.name):
        if matches(entry.name):
            regular = entry.is_file(follow_symlinks=False)
            child = (listed if regular else other) / entry.name
            if _CACHED_STR:  # the string pathlib would format on first use: 3 µs a file
                child._str = prefix + entry.name  # type: ignore[attr-defined]
            yield printable(shown + entry.name), child
    for entry in sorted(dirs, key=lambda e: e.name):
        if not entry.is_symlink():
            yield from _walk(shown + entry.name, Path(entry.path), matches)


def special_file(file: Location) -> str | None:
    """What ``file`` is when it is not a regular file (a FIFO, socket or device, also behind a
    symlink): such files are never opened, since reading one can block forever or never end."""
    if isinstance(file, remote.RemoteFile):
        return None
    try:
        mode = os.stat(file).st_mode
    except OSError:
        return None  # missing or unreadable: open() reports it
    return _special(mode)


def _special(mode: int) -> str | None:
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


def describe_file(
    shown: str, file: Location, head: bytes | BaseException | None = None
) -> list[ArrayInfo]:
    """Every array in one file; problems become ArrayInfo.problem, never exceptions. ``head``:
    the object's first bytes when already fetched (URLs: one range read answers most files)."""
    READING.set(shown)
    if isinstance(file, remote.RemoteFile):
        return _describe_remote(shown, file, head)
    found = _describe_local(shown, file)
    if isinstance(found, list):
        return found
    head = found
    try:
        return _describe_by_magic(shown, file, head)
    except DAMAGED as exc:
        return [ArrayInfo.unusable(shown, file, "?", f"not readable ({one_line(exc)})")]


def read_head(file: Path, size: int = npy.HEAD_BYTES) -> tuple[bytes, int] | str:
    """A local file's first ``size`` bytes and its size: one open and one read. What the
    file is instead when it is not a regular file (then it is never read)."""
    if type(file) is not ListedFile:  # not seen by a folder walk: stat before opening
        special = _special(os.stat(file).st_mode)
        if special is not None:
            return special
    head, st = read_start(file, size)
    special = _special(st.st_mode)
    return special if special is not None else (head, st.st_size)


def _describe_local(shown: str, file: Path) -> list[ArrayInfo] | bytes:
    """A local file's arrays when its first bytes are a plain .npy header (one stat, one
    open, one read: the common case); else its first 8 bytes, to sniff the format by."""
    try:
        got = read_head(file)
        if isinstance(got, str):
            return [ArrayInfo.unusable(shown, file, "?", f"not a regular file: {got}; not read")]
        head, size = got
        if not head.startswith(npy.MAGIC):
            return head[:8]
        info = npy.describe_head(head, size, path=shown, file=file, fmt="npy", key=None)
        if info is not None:
            return [info]
        with file.open("rb") as fh:  # a header numpy did not write, or a long one
            return [npy.describe_stream(fh, size, path=shown, file=file, fmt="npy", key=None)]
    except FileNotFoundError:
        return [ArrayInfo.unusable(shown, file, "?", "no such file")]
    except OSError as exc:
        return [ArrayInfo.unusable(shown, file, "?", f"cannot read ({exc.strerror or exc})")]
    except DAMAGED as exc:  # the readers' own library errors on damaged bytes
        return [ArrayInfo.unusable(shown, file, "npy", f"not readable ({one_line(exc)})")]


def _describe_remote(
    shown: str, file: remote.RemoteFile, head: bytes | BaseException | None
) -> list[ArrayInfo]:
    if head is None:
        head = remote.heads([file])[0]
    if isinstance(head, FileNotFoundError):
        return [ArrayInfo.unusable(shown, file, "?", "no such file")]
    if isinstance(head, BaseException):
        return [ArrayInfo.unusable(shown, file, "?", f"cannot read ({remote.one_line(head)})")]
    if head.startswith(npy.MAGIC) and _header_end(head) <= len(head):
        stream = io.BytesIO(head)
        return [npy.describe_stream(stream, file.size, path=shown, file=file, fmt="npy", key=None)]
    try:
        if head.startswith(npy.MAGIC):
            with open_file(file) as fh:
                return [
                    npy.describe_stream(fh, file.size, path=shown, file=file, fmt="npy", key=None)
                ]
        return _describe_by_magic(shown, file, head[:8])
    except Exception as exc:  # a network failure after the first bytes (botocore, aiohttp...)
        return [ArrayInfo.unusable(shown, file, "?", f"cannot read ({remote.one_line(exc)})")]


def _header_end(head: bytes) -> int:
    """Where a .npy header ends, from its version and length fields (past the end: unknown)."""
    if len(head) >= 10 and head[6] == 1:
        return 10 + int.from_bytes(head[8:10], "little")
    if len(head) >= 12:
        return 12 + int.from_bytes(head[8:12], "little")
    return len(head) + 1


def _describe_by_magic(shown: str, file: Location, head: bytes) -> list[ArrayInfo]:
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


def file_part(target: str) -> str:
    """The file (or folder) of ``PATH`` or ``PATH:KEY`` as ``--input NAME=TARGET`` gives it;
    a URL's own ``scheme://`` is not a key separator."""
    if not remote.is_url(target) and os.path.exists(target):
        return target
    start = 0
    if remote.is_url(target):  # a key comes after the path starts (not a host:port)
        start = target.find("/", target.index("://") + 3)
        if start < 0:
            return target
    head, sep, _ = target[start:].rpartition(":")
    return target[:start] + head if sep else target


def relative_name(file: Location, given: list[str]) -> str:
    """``file``'s name below the given folder (or URL prefix) it was found in; its bare name
    when it was given itself. Outputs keep this name under ``--out``."""
    real = str(file)
    for path in given:
        if isinstance(file, remote.RemoteFile):
            base = path.rstrip("/") + "/"
            if remote.is_url(path) and real.startswith(base):
                return real[len(base) :]
        elif not remote.is_url(path) and Path(path).is_dir():
            base = str(Path(path)) + os.sep
            if real.startswith(base):
                return real[len(base) :]
    return file.name


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
    """Every array under ``paths``, in order (see :func:`describe_files`)."""
    return describe_files(list(iter_files(paths, globs)))


def describe_files(
    files: list[tuple[str, Location]], progress: Callable[[int, int], None] | None = None
) -> list[ArrayInfo]:
    """Every array of ``files`` ((shown, location) pairs), in order. Objects behind URLs are
    read concurrently: the first bytes of all of them at once (one ranged read each), then
    the few that need more (zip, HDF5, long headers) in a bounded pool."""
    if not any(isinstance(f, remote.RemoteFile) for _, f in files):
        return [info for shown, file in files for info in describe_file(shown, file)]
    infos: list[ArrayInfo] = []
    for start in range(0, len(files), HEAD_BATCH):  # bounded memory for millions of objects
        batch = files[start : start + HEAD_BATCH]
        urls = [i for i, (_, f) in enumerate(batch) if isinstance(f, remote.RemoteFile)]
        got = remote.heads([batch[i][1] for i in urls])  # type: ignore[misc]
        heads: dict[int, bytes | BaseException] = dict(zip(urls, got, strict=True))
        jobs = [(shown, file, heads.get(i)) for i, (shown, file) in enumerate(batch)]
        for found in remote.bounded_map(_describe_job, jobs):
            infos.extend(found)
        if progress is not None:
            progress(start + len(batch), len(files))
    return infos


def _describe_job(job: tuple[str, Location, bytes | BaseException | None]) -> list[ArrayInfo]:
    return describe_file(*job)


def _guarded(info: ArrayInfo, make: Callable[[], Iterable[np.ndarray]]) -> Iterator[np.ndarray]:
    """``make()``'s values, with damaged bytes turned into one UnreadableValues naming the
    array (zipfile's CRC, zlib's stream, h5py's B-tree errors are not ours to show)."""
    try:
        yield from make()
    except LstmdiagError:
        raise
    except DAMAGED as exc:
        raise UnreadableValues(f"{info.label}: values unreadable ({one_line(exc)})") from None


def _read_guard(fn: Callable[..., np.ndarray]) -> Callable[..., np.ndarray]:
    @functools.wraps(fn)
    def read(info: ArrayInfo, *args: Any) -> np.ndarray:
        try:
            return fn(info, *args)
        except LstmdiagError:
            raise
        except DAMAGED as exc:
            raise UnreadableValues(f"{info.label}: values unreadable ({one_line(exc)})") from None

    return read


def iter_blocks(info: ArrayInfo, rows: int = 256, reuse: bool = False) -> Iterator[np.ndarray]:
    """The values of a (non-ragged) array in blocks along axis 0 (``reuse``: .npy blocks
    share one read-only buffer; each is valid until the next is asked for)."""
    return _guarded(info, lambda: _iter_blocks(info, rows, reuse))


def _iter_blocks(info: ArrayInfo, rows: int, reuse: bool) -> Iterable[np.ndarray]:
    if info.format == "memory":
        from . import memory

        return memory.iter_blocks(info, rows)
    if info.format == "npy":
        return npy.iter_blocks(info.file, rows, reuse)
    if info.format == "npz" and info.key is not None:
        return npz.iter_blocks(info.file, info.key, rows)
    if info.format == "h5" and info.key is not None:
        from . import hdf5

        return hdf5.iter_blocks(info.file, info.key, rows)
    if info.format in ("csv", "parquet"):
        width = int(info.shape[1] or 0) if info.shape and len(info.shape) == 2 else None
        return table_values.iter_blocks(info.label, info.file, width)
    raise LstmdiagError(f"{info.label}: no values to read")


@_read_guard
def read_rows(info: ArrayInfo, start: int, stop: int) -> np.ndarray:
    """Rows ``start:stop`` along axis 0, reading no more than the format requires."""
    if info.format == "memory":
        return np.asarray(info.values[start:stop])
    if info.format == "npy":
        return npy.read_rows(info.file, start, stop)
    if info.format == "h5" and info.key is not None:
        with h5_file(info.file) as f:
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


@_read_guard
def read_span(info: ArrayInfo, row: int, start: int, stop: int) -> np.ndarray:
    """Timesteps ``start:stop`` of sequence ``row`` of a batch array, reading no more of the
    row than the format requires (npy and h5: only the span; npz members: the row)."""
    if info.format == "memory":
        return np.asarray(info.values[row, start:stop])
    if info.format == "npy":
        return npy.read_span(info.file, row, start, stop)
    if info.format == "h5" and info.key is not None:
        with h5_file(info.file) as f:
            return np.asarray(f[info.key][row, start:stop])
    for index, block in enumerate(iter_blocks(info, 1)):
        if index == row:
            return np.asarray(block[0, start:stop])
    raise LstmdiagError(f"{info.label}: no row {row}")


@_read_guard
def read_small(info: ArrayInfo) -> np.ndarray:
    """A whole (small) array: labels and other members copied unchanged by ``pad``."""
    if info.format == "memory":
        return np.asarray(info.values)
    if info.format == "npy":
        return npy.read_array(info.file)
    if info.format == "npz" and info.key is not None:
        with open_file(info.file, stream=True) as raw, np.load(raw, allow_pickle=False) as data:
            return np.asarray(data[info.key])
    if info.format == "h5" and info.key is not None:
        with h5_file(info.file) as f:
            return np.asarray(f[info.key][()])
    raise LstmdiagError(f"{info.label}: no values to read")


def iter_sequences(info: ArrayInfo, rows: int = 256) -> Iterator[np.ndarray]:
    """Every sequence: axis-0 items of a batch array, or the members of a ragged collection."""
    return _guarded(info, lambda: _iter_sequences(info, rows))


def _iter_sequences(info: ArrayInfo, rows: int) -> Iterator[np.ndarray]:
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
