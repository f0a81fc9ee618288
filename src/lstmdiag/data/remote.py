"""Paths that are URLs (``s3://``, ``gs://``, ``az://``, ``https://`` ...), read through fsspec.

fsspec and its backends are the optional ``cloud`` extra: nothing here imports them until a URL
shows up. Credentials and endpoints come from each backend's own configuration (environment,
profiles); ``--storage-option KEY=VALUE`` adds the rest (see :func:`configure`).

Reading is header-first over the network too: a ``.npy`` costs one small range read (done for
many objects at once, with bounded concurrency); zip archives and HDF5 files are read through a
file object with a block cache, so only the central directory / metadata blocks travel.
"""

from __future__ import annotations

import contextlib
import fnmatch
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import IO, Any, TypeVar

from ..errors import LstmdiagError

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_GLOB = re.compile(r"[*?\[]")
HEAD_BYTES = 4096  # one range read covers any .npy header numpy writes for plain dtypes
RANDOM_BLOCK = 64 << 10  # block cache for zip directories and HDF5 metadata
STREAM_BLOCK = 8 << 20  # read-ahead for values read front to back
DEFAULT_CONCURRENCY = 32

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class _State:
    options: dict[str, Any] = field(default_factory=dict)
    concurrency: int = DEFAULT_CONCURRENCY


_STATE = _State()


def is_url(path: object) -> bool:
    """True for ``scheme://...`` (``file://`` included: it goes through fsspec like the rest)."""
    return isinstance(path, str) and bool(_URL.match(path))


def configure(options: dict[str, Any] | None = None, concurrency: int | None = None) -> None:
    """Storage options for every URL of this run, and how many objects are read at once."""
    _STATE.options = dict(options or {})
    if concurrency is not None:
        _STATE.concurrency = checked_concurrency(concurrency)


def checked_concurrency(count: int) -> int:
    """``count`` objects at once, refused below 1."""
    if count < 1:
        raise LstmdiagError(f"--concurrency must be at least 1, not {count}")
    return count


def concurrency() -> int:
    return _STATE.concurrency


def storage_options() -> dict[str, Any]:
    return dict(_STATE.options)


def parse_option(text: str) -> tuple[str, Any]:
    """``KEY=VALUE`` from ``--storage-option``; VALUE is read as JSON when it parses
    (``anon=true``, ``client_kwargs={"region_name": "eu-west-1"}``), else kept as text."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise LstmdiagError(f"--storage-option takes KEY=VALUE, not {text!r}")
    try:
        parsed: Any = json.loads(value)
    except ValueError:
        parsed = value
    return key.strip(), parsed


def filesystem(url: str) -> tuple[Any, str]:
    """(fsspec filesystem, path inside it) for ``url``; a one-line error when the extra or
    the scheme's backend is missing."""
    try:
        import fsspec.core
    except ImportError:
        raise LstmdiagError(
            f"{url}: reading URLs needs the cloud extra: pip install 'lstmdiag[cloud]'"
        ) from None
    options = dict(_STATE.options)
    if url.startswith(("s3://", "s3a://")) and "config_kwargs" not in options:
        # botocore keeps 10 connections by default: --concurrency would wait on them
        options["config_kwargs"] = {"max_pool_connections": _STATE.concurrency}
    try:
        return fsspec.core.url_to_fs(url, **options)  # type: ignore[no-any-return]
    except ImportError as exc:
        raise LstmdiagError(
            f"{url}: no backend for this scheme ({exc}); pip install 'lstmdiag[cloud]'"
        ) from None
    except (ValueError, TypeError) as exc:
        raise LstmdiagError(f"{url}: {exc}") from None


@dataclass(frozen=True)
class RemoteFile:
    """One object behind a URL: what the readers need of a ``Path`` (``open``, ``name``)."""

    url: str
    size: int | None = None

    def __str__(self) -> str:
        return self.url

    @property
    def name(self) -> str:
        return self.url.rstrip("/").rsplit("/", 1)[-1]

    @property
    def suffix(self) -> str:
        dot = self.name.rfind(".")
        return self.name[dot:] if dot > 0 else ""

    def open(self, mode: str = "rb", *, stream: bool = False) -> IO[bytes]:
        """A seekable binary file. ``stream``: values read front to back (big read-ahead);
        otherwise a block cache for the scattered reads of zip and HDF5 metadata."""
        if mode != "rb":
            raise ValueError("remote files are opened for reading only")
        fs, path = filesystem(self.url)
        return fs.open(  # type: ignore[no-any-return]
            path,
            "rb",
            block_size=STREAM_BLOCK if stream else RANDOM_BLOCK,
            cache_type="readahead" if stream else "blockcache",
            size=self.size,
        )


@contextlib.contextmanager
def local_copy(path: str) -> Iterator[str]:
    """``path`` itself, or for a URL a temporary copy (a file, or a SavedModel folder) with
    the same name, removed after: for tools that only open local files (Keras)."""
    if not is_url(path):
        yield path
        return
    import tempfile

    fs, inner = filesystem(path)
    with tempfile.TemporaryDirectory(prefix="lstmdiag-copy-") as tmp:
        target = os.path.join(tmp, path.rstrip("/").rsplit("/", 1)[-1] or "model")
        try:
            fs.get(inner, target, recursive=bool(fs.isdir(inner)))
        except Exception as exc:  # backends raise their own types
            raise LstmdiagError(f"{path}: cannot fetch a copy ({one_line(exc)})") from None
        yield target


def _matcher(globs: Iterable[str]) -> Callable[[str], Any]:
    return re.compile("|".join(fnmatch.translate(g) for g in globs)).match


def _with_scheme(url: str, fs: Any, path: str) -> str:
    """The URL of ``path`` (as the filesystem lists it), in the user's own spelling."""
    protocol = url.split("://", 1)[0]
    stripped = fs._strip_protocol(path)
    return stripped if _URL.match(stripped) else f"{protocol}://{stripped.lstrip('/')}"


def list_files(url: str, globs: tuple[str, ...]) -> list[tuple[str, RemoteFile]]:
    """(shown URL, object) for ``url``: a glob pattern, a prefix ("folder", walked recursively
    and filtered by ``globs`` like a local folder) or one object. Sorted like a local walk."""
    fs, path = filesystem(url)
    try:
        if _GLOB.search(path):
            found = fs.glob(path, detail=True)
            entries = {p: i for p, i in found.items() if i.get("type") != "directory"}
        elif fs.isdir(path):
            match = _matcher(globs)
            entries = {
                p: i for p, i in fs.find(path, detail=True).items() if match(p.rsplit("/", 1)[-1])
            }
        else:
            info = fs.info(path)
            return [(url, RemoteFile(url, _size(info)))]
    except FileNotFoundError:
        return [(url, RemoteFile(url))]  # the reader reports "no such file" per file
    except Exception as exc:  # backends raise their own types (botocore, aiohttp, ...)
        raise LstmdiagError(f"{url}: cannot list ({one_line(exc)})") from None
    return [
        (_with_scheme(url, fs, p), RemoteFile(_with_scheme(url, fs, p), _size(entries[p])))
        for p in sorted(entries)
    ]


def one_line(exc: BaseException) -> str:
    """An exception from a storage backend as one line of text."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "..."


def _size(info: dict[str, Any]) -> int | None:
    size = info.get("size")
    return int(size) if isinstance(size, int) else None


def heads(files: list[RemoteFile], nbytes: int = HEAD_BYTES) -> list[bytes | BaseException]:
    """The first ``nbytes`` of every object, read concurrently (at most ``concurrency()`` at
    a time): one ranged GET per object. Failures come back in place, as exceptions."""
    out: list[bytes | BaseException] = [b""] * len(files)
    todo = [i for i, f in enumerate(files) if f.size != 0]
    by_fs: dict[int, tuple[Any, list[int], list[str]]] = {}
    for i in todo:
        fs, path = filesystem(files[i].url)
        entry = by_fs.setdefault(id(fs), (fs, [], []))
        entry[1].append(i)
        entry[2].append(path)
    for fs, indices, paths in by_fs.values():
        ends = [min(nbytes, files[i].size or nbytes) for i in indices]
        if getattr(fs, "async_impl", False):
            try:
                got = fs.cat_ranges(
                    paths, [0] * len(paths), ends, batch_size=_STATE.concurrency, on_error="return"
                )
            except Exception as exc:  # the whole batch failed (no connection): each says so
                got = [exc] * len(paths)
        else:
            got = bounded_map(partial(_head, fs), list(zip(paths, ends, strict=True)))
        for i, data in zip(indices, got, strict=True):
            out[i] = data
    return out


def _head(fs: Any, path_end: tuple[str, int]) -> bytes | BaseException:
    try:
        return fs.cat_file(path_end[0], start=0, end=path_end[1])  # type: ignore[no-any-return]
    except Exception as exc:  # handed back per object, like fsspec's on_error="return"
        return exc


def bounded_map(func: Callable[[T], R], items: list[T]) -> Iterator[R]:
    """``map`` over a thread pool of ``concurrency()`` workers, results in order."""
    if len(items) <= 1:
        return iter([func(i) for i in items])
    with ThreadPoolExecutor(max_workers=min(_STATE.concurrency, len(items))) as pool:
        return iter(list(pool.map(func, items)))
