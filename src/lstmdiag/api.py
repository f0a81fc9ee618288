"""The Python API: the same objects the command line renders."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from .data import memory, remote
from .data.discover import DEFAULT_GLOBS
from .data.info import ArrayInfo
from .data.live import fit_parts
from .distribute.cluster import mapper
from .errors import LstmdiagError
from .judge.check_options import CheckOptions
from .judge.checks import check_arrays
from .judge.findings import Kind, Report, Severity
from .model import read_model
from .model.spec import ModelSpec
from .transform.pad_plan import LENS, PadOptions, PadResult, plan_pad, sidecar
from .transform.padding import run_pad
from .transform.remote_outputs import staged
from .transform.window_plan import WindowOptions
from .transform.windowing import plan_and_run

# a path, an array, a list of arrays (one per model input, as fit reads it; for a one-input
# model, ragged sequences), a mapping input name -> those, a tf.data.Dataset or a PyDataset
Data = Any
Model = Any  # a saved model's path, a live keras.Model (Keras 3 or tf.keras), or a ModelSpec


def inspect_model(model: Model) -> ModelSpec:
    """Read a model statically: a saved file (no TensorFlow), or a live keras.Model through
    its own config (never called): inputs, recurrent layers, masking."""
    return _model(model)


def _model(model: Model) -> ModelSpec:
    from .model.live import is_live_model, read_live

    if isinstance(model, ModelSpec):
        return model
    if isinstance(model, str | Path):
        return read_model(model)
    if is_live_model(model):
        return read_live(model)
    raise LstmdiagError(
        f"model: a {type(model).__module__}.{type(model).__name__} is not a model lstmdiag "
        "reads; give a keras.Model, a ModelSpec, or the path of a saved model (.keras, .h5, "
        ".json or a SavedModel folder)"
    )


def _model_arg(model: Model) -> str | None:
    """The model as fix commands name it: a path; None for an object (fixes say MODEL)."""
    return str(model) if isinstance(model, str | Path) else None


def _storage(options: Mapping[str, Any] | None) -> None:
    """fsspec storage options for URL paths from now on (None keeps the current ones)."""
    if options is not None:
        remote.configure(dict(options))


@contextlib.contextmanager
def _client(client: Any) -> Iterator[Any]:
    """A live Dask client for ``client`` (a Client, an address, "local"), else
    ``$LSTMDIAG_DASK``'s; None when neither is set (the work runs here)."""
    from .pyproject import Settings
    from .settings import dask_address

    live_client = client is not None and not isinstance(client, str)
    target = client if live_client else dask_address(Settings(), client)
    if target is None:
        yield None
        return
    from .distribute.cluster import connect

    with connect(target) as live:
        yield live


def _text(path: str | Path | None) -> str | None:
    return None if path is None else str(path)


def _is_path(item: Any) -> bool:
    return isinstance(item, str | Path)


def _paths(paths: list[str], client: Any = None) -> list[ArrayInfo]:
    from .distribute.cluster import describe

    return describe(paths, DEFAULT_GLOBS, client)


def _describe(
    data: Data, spec: ModelSpec, client: Any = None
) -> tuple[list[ArrayInfo], dict[str, str]]:
    """ArrayInfos and an input mapping for paths, arrays, lists of arrays or mappings, and
    Keras's data objects (a Dataset's element_spec, a PyDataset's first batch: their x)."""
    if not _is_path(data):
        data = fit_parts(data)[0]
    if isinstance(data, Mapping):
        return _by_name(data, spec, client)
    if _is_path(data):
        return _paths([str(data)], client), {}
    if isinstance(data, Sequence) and data and all(_is_path(p) for p in data):
        return _paths([str(p) for p in data], client), {}
    per_input = _per_input(data, spec)
    if per_input is not None:
        return _by_name(per_input, spec, client)
    name = spec.inputs[0].name if len(spec.inputs) == 1 else "data"
    return [memory.describe(f"<{name}>", data)], {}


def _per_input(data: Data, spec: ModelSpec) -> dict[str, Any] | None:
    """A list or tuple read as fit reads it: one array per model input, in input order,
    when the model has that many inputs (for one input, a list of one array is that array;
    a longer list is ragged sequences)."""
    if not isinstance(data, list | tuple) or not data:
        return None
    arrays = all(isinstance(d, np.ndarray) and d.dtype != object for d in data)
    if len(spec.inputs) > 1 and len(data) == len(spec.inputs):
        return {inp.name: item for inp, item in zip(spec.inputs, data, strict=True)}
    if len(spec.inputs) == 1 and len(data) == 1 and arrays:
        return {spec.inputs[0].name: data[0]}
    return None


def _by_name(
    data: Mapping[str, Any], spec: ModelSpec, client: Any
) -> tuple[list[ArrayInfo], dict[str, str]]:
    mapping: dict[str, str] = {}
    infos: list[ArrayInfo] = []
    for name, item in data.items():
        if _is_path(item) or (
            isinstance(item, Sequence) and item and all(_is_path(p) for p in item)
        ):
            found, _ = _describe(item, spec, client)
        else:
            found = [memory.describe(f"<{name}>", item)]
        for info in found:
            mapping[info.path] = str(name)
        infos.extend(found)
    return infos, mapping


def check(
    model: Model,
    data: Data,
    *,
    deep: bool = False,
    mapping: dict[str, str] | None = None,
    ignore: Sequence[str] = (),
    fail_on: str = "error",
    shard: tuple[int, int] | None = None,
    client: Any = None,
    storage_options: Mapping[str, Any] | None = None,
) -> Report:
    """Check data against a model and return the Report the CLI would render.

    ``data``: a path or a list of paths (files, folders); a numpy array (axis 0 = batch) or a
    tensor; a list of arrays, read as ``fit`` reads it (one per model input, in input order;
    for a one-input model, ragged sequences); a mapping from model input names to any of
    those; a ``tf.data.Dataset`` (its element_spec) or a ``keras.utils.PyDataset`` (its first
    batch). A generator is refused: it cannot be read without consuming it.
    ``mapping`` maps data paths to input names (like ``--input NAME=PATH``).
    ``shard=(I, N)`` checks only the I-th of N slices (``--shard I/N``; join with ``merge``).
    ``client``: a ``distributed.Client``, a scheduler address or ``"local"``: headers and
    values are read on that Dask cluster (default: ``$LSTMDIAG_DASK``, else here).
    ``storage_options``: for ``s3://``, ``gs://``, ``az://``, ``https://`` paths (fsspec).
    """
    _storage(storage_options)
    spec = _model(model)
    with _client(client) as live:
        return _check(model, spec, data, live, deep, mapping, ignore, fail_on, shard)


def _check(
    model: Model,
    spec: ModelSpec,
    data: Data,
    client: Any,
    deep: bool,
    mapping: dict[str, str] | None,
    ignore: Sequence[str],
    fail_on: str,
    shard: tuple[int, int] | None,
) -> Report:
    if client is not None and shard is not None:
        raise LstmdiagError("shard= and client=: give one (a cluster already splits the work)")
    infos, auto = _describe(data, spec, client)
    auto.update({path: name for path, name in (mapping or {}).items()})
    given = tuple(str(p) for p in _paths_in(data))
    options = CheckOptions(
        deep=deep,
        mapping=auto,
        ignore=frozenset(ignore),
        inputs=given,
        model_arg=_model_arg(model),
        shard=shard,
    )
    if client is not None:
        from .distribute.cluster import check_on

        report = check_on(client, spec, infos, options)
    else:
        report = check_arrays(spec, infos, options)
    return replace(_for_datasets(report, infos), fail_on=Severity(fail_on))


def _for_datasets(report: Report, infos: list[ArrayInfo]) -> Report:
    """Fixes for a tf.data.Dataset's elements, which are not arrays one can rewrite: an
    unbatched dataset needs ``.batch``; any other fix applies to the arrays it is made of."""
    specs = {i.path for i in infos if i.format == "spec"}
    if not specs:
        return report
    findings = []
    for f in report.findings:
        if f.path in specs and f.fix:
            fix = (
                "ds = ds.batch(32)   # its elements are single samples: fit batches a "
                "Dataset only when told"
                if f.kind is Kind.MISSING_BATCH
                else f"on the arrays the dataset is made from, before from_tensor_slices: {f.fix}"
            )
            f = replace(f, fix=fix, alternatives=())
        findings.append(f)
    notes = (*report.notes, "a tf.data.Dataset is read by its element_spec: shapes, no values")
    return replace(report, findings=tuple(findings), notes=notes)


def merge(reports: Sequence[str | Path | Report]) -> Report:
    """The report one unsharded run gives, from the N reports of ``check(..., shard=(I, N))``
    (Report objects, or the JSON files ``check --shard I/N --format json`` wrote)."""
    from .distribute.sharding import merge as merge_dicts
    from .distribute.sharding import read_reports

    dicts = [r.to_dict() if isinstance(r, Report) else None for r in reports]
    paths = [str(r) for r in reports if not isinstance(r, Report)]
    read = iter(read_reports(paths))
    names = [f"report {i}" if isinstance(r, Report) else str(r) for i, r in enumerate(reports)]
    return merge_dicts([d if d is not None else next(read) for d in dicts], names)


def _paths_in(data: Data) -> list[str | Path]:
    """The paths named in ``data`` (fixes never write inside them)."""
    if _is_path(data):
        return [data]
    if isinstance(data, Mapping):
        return [p for item in data.values() for p in _paths_in(item)]
    if isinstance(data, Sequence) and all(_is_path(p) for p in data):
        return list(data)
    return []


def assert_compatible(
    model: Model, data: Data, *, deep: bool = False, fail_on: str = "error"
) -> Report:
    """For tests: raise AssertionError, with every finding and its fix, unless ``data`` fits.

    >>> lstmdiag.assert_compatible("model.keras", x_test)   # doctest: +SKIP
    """
    __tracebackhide__ = True  # pytest: the failure points at the caller's line
    report = check(model, data, deep=deep, fail_on=fail_on)
    if not report.ok:
        bad = [f for f in report.findings if f.severity.rank >= report.fail_on.rank]
        lines = [f"{len(bad)} lstmdiag finding(s) against {report.model.path}:"]
        for f in bad:
            lines.append(f"  {f.severity.value} {f.kind.value} {f.label}: {f.message}")
            if f.fix:
                lines.append(f"      fix: {f.fix}")
        raise AssertionError("\n".join(lines))
    return report


def pad(
    inputs: Sequence[str | Path] | str | Path,
    *,
    out: str | Path | None = None,
    stack: str | Path | None = None,
    maxlen: int | str | None = None,
    model: Model | None = None,
    client: Any = None,
    storage_options: Mapping[str, Any] | None = None,
    **options: Any,
) -> Any:
    """Write padded copies, like ``lstmdiag pad`` (``maxlen`` may be ``"auto"`` or
    ``"longest"``; other
    keyword options as PadOptions: padding, truncating, value, dtype, mask, force, ...).
    ``out``/``stack`` may be URLs; ``client`` as in :func:`check` (per-file outputs are
    written by the workers). Returns the PadResult.

    Given arrays (a batch array, a list of sequences) instead of paths, it returns the padded
    array (and the mask, with ``mask=True``; for a time-major model, the array (time, batch,
    ...) and its int32 sequence_lens), made exactly as ``pad --stack`` makes it; a
    warning says how many sequences were cut. Without ``maxlen`` or ``model`` it pads to the
    longest sequence, as ``keras.utils.pad_sequences`` does."""
    if _arrays(inputs):
        _no_files("pad", out=out, stack=stack, client=client)
        longest = maxlen is None and model is None  # pad_sequences' own default
        return _in_memory(inputs, "pad", model, maxlen="longest" if longest else maxlen, **options)
    paths = [str(inputs)] if _is_path(inputs) else [str(p) for p in inputs]  # type: ignore[union-attr]
    _storage(storage_options)
    spec = None if model is None else _model(model)
    with staged(_text(out), _text(stack)) as (out_path, stack_path), _client(client) as live:
        opts = PadOptions(
            maxlen=maxlen if isinstance(maxlen, int) else None,
            maxlen_auto=maxlen == "auto",
            maxlen_longest=maxlen == "longest",
            out=out_path,
            stack=stack_path,
            value_set="value" in options,
            padding_set="padding" in options,
            **options,
        )
        return run_pad(plan_pad(paths, _paths(paths, live), opts, spec), mapper=mapper(live))


def window(
    inputs: Sequence[str | Path] | str | Path,
    *,
    out: str | Path | None = None,
    stack: str | Path | None = None,
    timesteps: int | None = None,
    model: Model | None = None,
    client: Any = None,
    storage_options: Mapping[str, Any] | None = None,
    **options: Any,
) -> Any:
    """Write sliding windows, like ``lstmdiag window`` (other keyword options as
    WindowOptions: stride, rate, columns, target, horizon, force); returns what it wrote.
    ``out``/``stack`` may be URLs; ``client`` as in :func:`check`.

    Given an array (rows, features) instead of paths, it returns the windows, made exactly
    as ``window --stack`` makes them (with ``target=``: the windows and their targets)."""
    if _arrays(inputs):
        _no_files("window", out=out, stack=stack, client=client)
        return _in_memory(inputs, "window", model, timesteps=timesteps, **options)
    paths = [str(inputs)] if _is_path(inputs) else [str(p) for p in inputs]  # type: ignore[union-attr]
    _storage(storage_options)
    spec = None if model is None else _model(model)
    with staged(_text(out), _text(stack)) as (out_path, stack_path), _client(client) as live:
        opts = WindowOptions(timesteps=timesteps, out=out_path, stack=stack_path, **options)
        return plan_and_run(paths, _paths(paths, live), opts, spec, mapper=mapper(live))


def _arrays(inputs: Any) -> bool:
    """Arrays, not paths: an ndarray (or a tensor), or a list of sequences."""
    if _is_path(inputs):
        return False
    if isinstance(inputs, Sequence):
        return bool(inputs) and not any(_is_path(p) for p in inputs)
    return hasattr(inputs, "__array__")


def _no_files(command: str, **given: Any) -> None:
    for name, value in given.items():
        if value is not None:
            what = "runs on files" if name == "client" else "writes files"
            raise LstmdiagError(f"{command}: {name}= {what}; give paths, not arrays")


def _in_memory(data: Any, command: str, model: Model | None, **options: Any) -> Any:
    """pad/window on arrays: the file pipeline, stacked into a private temporary folder, read
    back into memory (the same plan, the same warnings, the same values as on files)."""
    import tempfile
    import warnings

    with tempfile.TemporaryDirectory(prefix="lstmdiag-") as tmp:
        stack = Path(tmp) / "x.npy"
        infos = [memory.describe("x", data)]
        spec = None if model is None else _model(model)
        if command == "pad":
            result: Any = _pad_memory(infos, stack, spec, options)
            if result.truncated:
                warnings.warn(
                    f"pad: {result.truncated} of {result.sequences} sequences were cut to "
                    f"{result.maxlen} timesteps ({result.maxlen_reason})",
                    stacklevel=3,
                )
            arrays = [np.load(stack)]
            if options.get("mask"):
                arrays.append(np.load(sidecar(stack, "mask")))
            if sidecar(stack, LENS).exists():  # a time-major model: (x, sequence_lens)
                arrays.append(np.load(sidecar(stack, LENS)))
        else:
            opts = WindowOptions(stack=stack, **options)
            plan_and_run(["x"], infos, opts, spec, mapper=mapper(None))
            arrays = [np.load(stack)]
            if options.get("target") is not None:
                arrays.append(np.load(Path(tmp) / "x.y.npy"))  # window --stack: FILE.y.npy
    return arrays[0] if len(arrays) == 1 else tuple(arrays)


def _pad_memory(
    infos: list[ArrayInfo], stack: Path, spec: ModelSpec | None, options: dict[str, Any]
) -> PadResult:
    maxlen = options.pop("maxlen", None)
    opts = PadOptions(
        maxlen=maxlen if isinstance(maxlen, int) else None,
        maxlen_auto=maxlen == "auto",
        maxlen_longest=maxlen == "longest",
        stack=stack,
        value_set="value" in options,
        padding_set="padding" in options,
        **options,
    )
    return run_pad(plan_pad(["x"], infos, opts, spec), mapper=mapper(None))
