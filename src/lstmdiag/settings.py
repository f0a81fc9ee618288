"""What each command runs with: its options over ``[tool.lstmdiag]`` (pyproject.py) over the
defaults, validated, as one frozen object per command. Every one-line error about an option
is raised here (as LstmdiagError); the command line shows it and exits 2.

``resolve_check``, ``resolve_pad``, ``resolve_window`` and ``resolve_stats`` are the only
places where a command's options are merged with the configuration. What they return holds
the core's own options (CheckOptions, PadOptions, WindowOptions), the ones the Python API
builds too.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .data import remote
from .errors import LstmdiagError

if TYPE_CHECKING:
    from .judge.check_options import CheckOptions
    from .pyproject import Settings
    from .transform.pad_plan import PadOptions
    from .transform.window_plan import WindowOptions

_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
LOG_TAIL = 1 << 20  # the part of an error log explain reads: its end, where the error is


@dataclass(frozen=True)
class Remote:
    """Storage options and concurrency for every URL of the run."""

    options: dict[str, Any] = field(default_factory=dict)
    concurrency: int | None = None

    def apply(self) -> None:
        remote.configure(self.options, self.concurrency)


def resolve_remote(
    settings: Settings, options: Sequence[str] | None, concurrency: int | None
) -> Remote:
    """``--storage-option KEY=VALUE`` over the configuration's ``storage-options``;
    ``--concurrency`` over ``concurrency``."""
    merged = dict(settings.storage_options)
    for text in options or []:
        key, value = remote.parse_option(text)
        merged[key] = value
    count = concurrency if concurrency is not None else settings.concurrency
    return Remote(merged, None if count is None else remote.checked_concurrency(count))


def dask_address(settings: Settings, given: str | None) -> str | None:
    """Where per-file work runs: ``--dask``, else ``LSTMDIAG_DASK``, else ``dask`` in the
    configuration; None runs it here. ``none`` (any of them) turns a configured cluster off."""
    value = given or os.environ.get("LSTMDIAG_DASK") or settings.dask
    return None if value is None or value.strip().lower() in ("", "none", "off") else value


def parse_mapping(items: Sequence[str]) -> dict[str, str]:
    """``--input NAME=PATH`` options as {path: name}."""
    mapping: dict[str, str] = {}
    for item in items:
        name, sep, path = item.partition("=")
        if not sep or not name or not path:
            raise LstmdiagError(f"--input takes NAME=PATH, got {item!r}")
        mapping[path] = name
    return mapping


def with_mapped(paths: list[str], mapping: dict[str, str]) -> list[str]:
    """The data of a run: the paths given, and the file of each ``--input NAME=PATH``."""
    from .data.discover import file_part

    out = list(paths)
    for target in mapping:
        base = file_part(target)
        if base not in out:
            out.append(base)
    return out


def _globs(given: Sequence[str] | None) -> tuple[str, ...]:
    """``--glob`` patterns for folders, else the default ones."""
    from .data.discover import DEFAULT_GLOBS

    return tuple(given or ()) or DEFAULT_GLOBS


def _dtype(dtype: str | None) -> None:
    if dtype is not None:
        import numpy as np

        try:
            np.dtype(dtype)
        except TypeError:
            raise LstmdiagError(f"--dtype: {dtype!r} is not a numpy dtype") from None


def parse_shard(text: str) -> tuple[int, int]:
    """``"I/N"`` (0 <= I < N, I counted from 0 as Kubernetes indexed Jobs and
    ``$SLURM_ARRAY_TASK_ID`` with ``--array=0-N-1`` give it) as ``(I, N)``."""
    match = _SHARD.match(text)
    if match is None:
        raise LstmdiagError(f"--shard {text!r}: expected I/N, e.g. 0/4 (I from 0 to N-1)")
    index, count = int(match.group(1)), int(match.group(2))
    if count < 1 or index >= count:
        raise LstmdiagError(f"--shard {text!r}: I must be 0 to N-1 and N at least 1")
    return index, count


@dataclass(frozen=True)
class CheckRun:
    """``lstmdiag check``, resolved."""

    model: str
    paths: tuple[str, ...]
    globs: tuple[str, ...]
    format: str
    fail_on: str
    address: str | None
    remote: Remote
    options: CheckOptions


@dataclass(frozen=True)
class CheckArgs:
    """``lstmdiag check``'s options as given (None: not given)."""

    model: str | None = None
    inputs: Sequence[str] | None = None
    format: str | None = None
    input_map: Sequence[str] | None = None
    glob: Sequence[str] | None = None
    exclude: Sequence[str] | None = None
    deep: bool | None = None
    fail_on: str | None = None
    ignore: Sequence[str] | None = None
    shard: str | None = None
    storage_option: Sequence[str] | None = None
    concurrency: int | None = None
    dask: str | None = None


def resolve_check(settings: Settings, given: CheckArgs) -> CheckRun:
    """The command line over [tool.lstmdiag] over the defaults, for ``check``."""
    from .judge.check_options import CheckOptions

    reach = resolve_remote(settings, given.storage_option, given.concurrency)
    model = given.model or settings.model
    if model is None:
        raise LstmdiagError(
            "no model given: lstmdiag check MODEL INPUTS... (or set model in [tool.lstmdiag])"
        )
    mapping = {path: name for name, path in settings.input_map.items()}
    mapping.update(parse_mapping(given.input_map or []))
    paths = with_mapped(list(given.inputs or settings.inputs), mapping)
    if not paths:
        raise LstmdiagError("no data given: lstmdiag check MODEL INPUTS...")
    ignore = _known_kinds(list(given.ignore or settings.ignore))
    sliced = None if given.shard is None else parse_shard(given.shard)
    address = dask_address(settings, given.dask)
    if address is not None and sliced is not None:
        raise LstmdiagError("--shard and --dask: give one (a cluster already splits the work)")
    deep = settings.deep if given.deep is None else given.deep
    options = CheckOptions(
        deep=bool(deep),
        mapping=mapping,
        model_arg=model,
        ignore=frozenset(ignore),
        exclude=tuple(given.exclude or settings.exclude),
        inputs=tuple(paths),
        shard=sliced,
    )
    globs = _globs(given.glob or settings.glob)
    fmt = given.format or settings.format or "table"
    fail_on = given.fail_on or settings.fail_on or "error"
    return CheckRun(model, tuple(paths), globs, fmt, fail_on, address, reach, options)


def _known_kinds(ignore: list[str]) -> list[str]:
    from .judge.findings import ALIASES, Kind

    known = {k.value for k in Kind} | set(ALIASES)
    for kind in ignore:
        if kind not in known:
            raise LstmdiagError(
                f"--ignore: unknown finding kind {kind!r} (kinds: {', '.join(sorted(known))})"
            )
    return ignore


def _paths(
    settings: Settings,
    inputs: Sequence[str] | None,
    out: str | None,
    stack: str | None,
    command: str,
    mapping: dict[str, str] | None = None,
) -> tuple[list[str], str | None, str | None]:
    """Inputs and outputs for ``pad`` or ``window``: the command line's, else the
    configuration's ([tool.lstmdiag] inputs, [tool.lstmdiag.COMMAND] out / stack)."""
    paths = with_mapped(list(inputs or settings.inputs), mapping or {})
    if not paths:
        raise LstmdiagError(
            f"no inputs: lstmdiag {command} INPUTS... (or set inputs in [tool.lstmdiag])"
        )
    table = settings.pad if command == "pad" else settings.window
    if out is None and stack is None:
        out, stack = table.get("out"), table.get("stack")
        if out is None and stack is None:
            raise LstmdiagError(
                f"give --out DIR or --stack FILE (or set out or stack in [tool.lstmdiag.{command}])"
            )
    return paths, out, stack


@dataclass(frozen=True)
class _WriteRun:
    """``lstmdiag pad`` or ``window``, resolved: where from and to (the options' own out and
    stack are set once the outputs are staged)."""

    model: str | None
    inputs: tuple[str, ...]
    out: str | None
    stack: str | None
    globs: tuple[str, ...]
    address: str | None
    remote: Remote


@dataclass(frozen=True)
class PadRun(_WriteRun):
    options: PadOptions


@dataclass(frozen=True)
class WindowRun(_WriteRun):
    options: WindowOptions


@dataclass(frozen=True)
class PadArgs:
    """``lstmdiag pad``'s options as given (None: not given)."""

    inputs: Sequence[str] | None = None
    maxlen: str | None = None
    model: str | None = None
    out: str | None = None
    stack: str | None = None
    padding: str | None = None
    truncating: str | None = None
    value: str | None = None
    dtype: str | None = None
    mask: bool | None = None
    sequence_files: bool | None = None
    time_axis: int | None = None
    input_map: Sequence[str] | None = None
    force: bool = False
    glob: Sequence[str] | None = None
    exclude: Sequence[str] | None = None
    storage_option: Sequence[str] | None = None
    concurrency: int | None = None
    dask: str | None = None


def resolve_pad(settings: Settings, given: PadArgs) -> PadRun:
    """The command line over [tool.lstmdiag.pad] over the defaults, for ``pad``."""
    from .transform.pad_plan import PadOptions

    reach = resolve_remote(settings, given.storage_option, given.concurrency)
    address = dask_address(settings, given.dask)
    conf = settings.pad
    model = given.model
    if model is None and given.inputs is None:  # a bare `lstmdiag pad`: the configured run
        model = settings.model
    mapping = parse_mapping(given.input_map or [])
    inputs, out, stack = _paths(settings, given.inputs, given.out, given.stack, "pad", mapping)
    maxlen = given.maxlen
    if maxlen is None and "maxlen" in conf:
        maxlen = str(conf["maxlen"])
    value = given.value if given.value is not None else str(conf.get("value", "0.0"))
    sequence_files = given.sequence_files
    if sequence_files is None:
        sequence_files = bool(conf.get("sequence-files", False))
    options = PadOptions(
        maxlen=_maxlen(maxlen),
        maxlen_auto=maxlen == "auto",
        maxlen_longest=maxlen == "longest",
        padding=given.padding or conf.get("padding", "pre"),
        padding_set=given.padding is not None or "padding" in conf,
        truncating=given.truncating or conf.get("truncating", "pre"),
        value=_pad_value(value),
        value_set=given.value is not None or "value" in conf,
        dtype=given.dtype or conf.get("dtype"),
        mask=bool(conf.get("mask", False)) if given.mask is None else given.mask,
        sequence_files=sequence_files,
        force=given.force,
        time_axis=given.time_axis,
        exclude=tuple(given.exclude or settings.exclude),
        mapping=mapping,
    )
    _dtype(options.dtype)
    globs = _globs(given.glob)
    return PadRun(model, tuple(inputs), out, stack, globs, address, reach, options)


def _maxlen(maxlen: str | None) -> int | None:
    if maxlen is None or maxlen in ("auto", "longest"):
        return None
    try:
        return int(maxlen)
    except ValueError:
        raise LstmdiagError(
            f"--maxlen takes a whole number, 'auto' or 'longest', not {maxlen!r}"
        ) from None


def _pad_value(value: str) -> float | None:
    if value == "auto":
        return None
    try:
        return float(value)
    except ValueError:
        raise LstmdiagError(f"--value takes a number or 'auto', not {value!r}") from None


@dataclass(frozen=True)
class WindowArgs:
    """``lstmdiag window``'s options as given (None: not given)."""

    inputs: Sequence[str] | None = None
    timesteps: int | None = None
    model: str | None = None
    stride: int | None = None
    rate: int | None = None
    columns: str | None = None
    target: str | None = None
    horizon: int | None = None
    out: str | None = None
    stack: str | None = None
    dtype: str | None = None
    force: bool = False
    glob: Sequence[str] | None = None
    exclude: Sequence[str] | None = None
    storage_option: Sequence[str] | None = None
    concurrency: int | None = None
    dask: str | None = None


def resolve_window(settings: Settings, given: WindowArgs) -> WindowRun:
    """The command line over [tool.lstmdiag.window] over the defaults, for ``window``."""
    from .transform.window_plan import WindowOptions

    inputs, out, stack = _paths(settings, given.inputs, given.out, given.stack, "window")
    reach = resolve_remote(settings, given.storage_option, given.concurrency)
    address = dask_address(settings, given.dask)
    conf = settings.window
    columns = given.columns
    options = WindowOptions(
        timesteps=given.timesteps if given.timesteps is not None else conf.get("timesteps"),
        stride=given.stride if given.stride is not None else conf.get("stride", 1),
        rate=given.rate if given.rate is not None else conf.get("rate", 1),
        columns=tuple(c.strip() for c in columns.split(",")) if columns else None,
        target=given.target,
        horizon=given.horizon,
        force=given.force,
        exclude=tuple(given.exclude or ()),
        dtype=given.dtype,
    )
    _dtype(given.dtype)
    globs = _globs(given.glob)
    return WindowRun(given.model, tuple(inputs), out, stack, globs, address, reach, options)


@dataclass(frozen=True)
class StatsRun:
    """``lstmdiag stats``, resolved."""

    globs: tuple[str, ...]
    buckets: tuple[int, ...]
    address: str | None
    remote: Remote


def resolve_stats(
    settings: Settings,
    glob: Sequence[str] | None,
    buckets: Sequence[int] | None,
    storage_option: Sequence[str] | None,
    concurrency: int | None,
    dask: str | None,
) -> StatsRun:
    """The command line over [tool.lstmdiag] (storage, cluster) over the defaults."""

    reach = resolve_remote(settings, storage_option, concurrency)
    return StatsRun(
        _globs(glob),
        tuple(buckets or (2, 4, 8)),
        dask_address(settings, dask),
        reach,
    )


def check_buckets(buckets: tuple[int, ...]) -> None:
    if any(b < 1 for b in buckets):
        raise LstmdiagError("--buckets takes whole numbers >= 1")


def explain_text(given: str) -> str:
    """``lstmdiag explain TEXT``: the text itself, or, when TEXT is the path of an existing
    file (error.log, a saved traceback), that file's text: its last MiB, where the error is,
    decoded as UTF-8 with undecodable bytes replaced."""
    if "\n" in given or len(given) > 4096:
        return given
    try:
        path = Path(given)
        if not path.is_file():
            return given
    except (OSError, ValueError):  # not a path this system can hold: a message
        return given
    try:
        with path.open("rb") as f:
            size = f.seek(0, os.SEEK_END)
            f.seek(max(0, size - LOG_TAIL))
            data = f.read()
    except OSError as exc:
        raise LstmdiagError(f"{given}: cannot read it: {exc.strerror or exc}") from None
    return data.decode("utf-8", errors="replace")
