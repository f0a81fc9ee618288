"""The command line: parse options, call the core, pick a renderer, set the exit code."""

from __future__ import annotations

import contextlib
import shlex
import sys
from collections.abc import Iterator
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from . import __version__
from .errors import LstmdiagError

if TYPE_CHECKING:
    from .judge.findings import Report
    from .model.spec import ModelSpec
    from .settings import Settings


def _plain_usage() -> None:
    """typer writes required arguments as ``{MODEL}`` in usage lines; show them as man pages
    and click do: ``MODEL``, ``INPUTS...``."""
    import typer.core

    original = typer.core.TyperArgument.make_metavar

    def make_metavar(self: Any, ctx: Any, *, usage: bool = False) -> str:
        var = str(original(self, ctx, usage=usage))
        return var[1:-1] if var.startswith("{") and var.endswith("}") else var

    typer.core.TyperArgument.make_metavar = make_metavar  # type: ignore[method-assign]


_plain_usage()

app = typer.Typer(
    add_completion=True,
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Find and fix shape mismatches between a saved Keras model and its data.",
)


class ModelFormat(str, Enum):
    table = "table"
    json = "json"


class CheckFormat(str, Enum):
    table = "table"
    json = "json"
    github = "github"
    junit = "junit"
    sarif = "sarif"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"


GlobOption = Annotated[
    list[str] | None,
    typer.Option(
        "--glob",
        metavar="GLOB",
        help="File-name pattern for folders (default: *.npy *.npz *.h5 *.hdf5 *.csv *.tsv "
        "*.parquet).",
    ),
]
ExcludeOption = Annotated[
    list[str] | None,
    typer.Option(
        "--exclude",
        metavar="GLOB",
        help="Leave out arrays whose path, path:key or name matches GLOB (repeatable).",
    ),
]
TimeAxisOption = Annotated[
    int | None,
    typer.Option(
        "--time-axis",
        metavar="0|1",
        help="How to read arrays without --model: 1 = (batch, time, ...); 0 = each array is "
        "ONE sequence (time, ...), like --sequence-files. Needed when a layout is ambiguous.",
    ),
]
FormatOption = Annotated[ModelFormat, typer.Option("--format", "-f", help="Output format.")]
StorageOption = Annotated[
    list[str] | None,
    typer.Option(
        "--storage-option",
        metavar="KEY=VALUE",
        help="An fsspec storage option for s3:// gs:// az:// https:// paths (repeatable; "
        "VALUE is JSON when it parses). Credentials come from each backend's own setup.",
    ),
]
ConcurrencyOption = Annotated[
    int | None,
    typer.Option("--concurrency", metavar="N", help="Objects read at once over the network."),
]
DaskOption = Annotated[
    str | None,
    typer.Option(
        "--dask",
        metavar="ADDRESS",
        help="Run the per-file work on this Dask scheduler ('local': a LocalCluster on this "
        "machine's cores). Default: $LSTMDIAG_DASK, then [tool.lstmdiag] dask.",
    ),
]


def _stdout() -> Console:
    return Console(highlight=False, soft_wrap=False)


def _stderr() -> Console:
    return Console(stderr=True, highlight=False)


class LateProgress:
    """A progress bar on stderr (pip/rich style) that appears only once the work has taken
    about a second, only on a terminal, never with -q: quick runs and pipes stay clean."""

    DELAY = 1.0

    def __init__(self, label: str, enabled: bool = True) -> None:
        import time

        self.label = label
        self.enabled = enabled and sys.stderr.isatty()
        self.start = time.monotonic()
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> LateProgress:
        return self

    def __call__(self, done: int, total: int | None) -> None:
        import time

        if not self.enabled:
            return
        if self.bar is None:
            if time.monotonic() - self.start < self.DELAY:
                return
            from rich.progress import Progress

            self.bar = Progress(console=_stderr(), transient=True)
            self.bar.start()
            self.task = self.bar.add_task(self.label, total=total)
        self.bar.update(self.task, completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def fail(message: str, code: int = 2) -> NoReturn:
    """One red line on stderr, then exit (2: unusable arguments or model)."""
    from .text import visible

    _stderr().print(
        f"[bold red]error:[/] {escape(visible(message))}",
        markup=True,
        highlight=False,
        soft_wrap=True,
    )
    raise typer.Exit(code)


def _load_model(path: str, data: list[str] | None = None) -> ModelSpec:
    """The model read statically, or one red line and exit 2 (saying so when MODEL is data
    and one of the ``data`` paths is a model: the arguments were swapped)."""
    from .model import looks_like_data, looks_like_model, read_model

    try:
        return read_model(path)
    except LstmdiagError as exc:
        swapped = next((p for p in data or () if looks_like_model(p)), None)
        if swapped is not None and looks_like_data(path):
            fail(
                f"{path} is data and {swapped} is a model: MODEL comes first "
                f"(lstmdiag check {shlex.quote(swapped)} {shlex.quote(path)})"
            )
        fail(str(exc))


def _remote(
    settings: Settings | None, options: list[str] | None, concurrency: int | None
) -> Settings:
    """The configuration, with this run's storage options and concurrency applied."""
    from .settings import apply_remote, load_settings

    try:
        settings = settings or load_settings(None)
        apply_remote(settings, options, concurrency)
    except LstmdiagError as exc:
        fail(str(exc))
    return settings


@contextlib.contextmanager
def _cluster(address: str | None) -> Iterator[Any]:
    """A Dask client for ``address`` (None: no cluster, the work runs here), or exit 2."""
    if address is None:
        yield None
        return
    from .distribute.cluster import connect

    try:
        with connect(address) as client:
            yield client
    except LstmdiagError as exc:
        fail(str(exc))


def _describe(
    client: Any, paths: list[str], globs: tuple[str, ...], quiet: bool = False
) -> list[Any]:
    """Every array under ``paths``: headers read here, or on the cluster's workers. A local
    path that does not exist is an unusable argument (exit 2), not a finding."""
    from pathlib import Path

    from .data.remote import is_url
    from .distribute.cluster import describe

    for path in paths:
        if not is_url(path) and not any(c in path for c in "*?[") and not Path(path).exists():
            fail(f"{path}: no such file or folder")
    try:
        with LateProgress("reading headers", enabled=not quiet) as progress:
            return describe(paths, globs, client, progress)
    except LstmdiagError as exc:
        fail(str(exc))


def _version(value: bool) -> None:
    if value:
        typer.echo(f"lstmdiag {__version__}")
        raise typer.Exit(0)


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """lstmdiag: static shape checks for Keras recurrent models and their data."""


@app.command()
def inspect(
    model: Annotated[
        str,
        typer.Argument(
            metavar="MODEL", help="A .keras, .h5 or .json model file, or a SavedModel folder."
        ),
    ],
    format: FormatOption = ModelFormat.table,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print nothing; exit 2 if unreadable.")
    ] = False,
    storage_option: StorageOption = None,
) -> None:
    """Show the model's inputs, recurrent layers and masking, read statically.

    Example: lstmdiag inspect model.keras --format json
    """
    _remote(None, storage_option, None)
    spec = _load_model(model)
    if quiet:
        return
    if format is ModelFormat.json:
        from .render.json import inspect_json

        typer.echo(inspect_json(spec))
        return
    from .render.table import inspect_view

    console = _stdout()
    console.print(inspect_view(spec, console.width), soft_wrap=True)


def _parse_mapping(items: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for item in items:
        name, sep, path = item.partition("=")
        if not sep or not name or not path:
            fail(f"--input takes NAME=PATH, got {item!r}")
        mapping[path] = name
    return mapping


@app.command()
def check(
    model: Annotated[
        str | None,
        typer.Argument(
            metavar="MODEL",
            help="The model file (.keras, .h5, .json, SavedModel); default: [tool.lstmdiag].",
        ),
    ] = None,
    inputs: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="INPUTS...",
            help="Data files (.npy, .npz, .h5, .csv, .parquet) or folders (walked recursively).",
        ),
    ] = None,
    format: Annotated[
        CheckFormat | None, typer.Option("--format", "-f", help="Output format [default: table].")
    ] = None,
    input_map: Annotated[
        list[str] | None,
        typer.Option(
            "--input",
            metavar="NAME=PATH",
            help="NAME=PATH: feed PATH (file, folder or file.npz:member) to model input "
            "NAME. Repeatable.",
        ),
    ] = None,
    glob: GlobOption = None,
    exclude: ExcludeOption = None,
    deep: Annotated[
        bool | None,
        typer.Option(
            "--deep/--no-deep",
            help="Also read values (streamed): vocab, NaN/Inf, mask collisions, padding side.",
            show_default=False,
        ),
    ] = None,
    fail_on: Annotated[
        FailOn | None,
        typer.Option("--fail-on", help="Exit 1 on errors only [default], or on warnings too."),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option("--ignore", metavar="KIND", help="Drop findings of this kind (repeatable)."),
    ] = None,
    verify: Annotated[
        bool,
        typer.Option(
            "--verify", help="Also run real Keras (needs lstmdiag[tf]) on one batch per shape."
        ),
    ] = (False),
    verify_data: Annotated[
        bool,
        typer.Option(
            "--verify-data",
            help="Like --verify, but feed each array's first 32 samples, so value findings "
            "are tested too.",
        ),
    ] = False,
    shard: Annotated[
        str | None,
        typer.Option(
            "--shard",
            metavar="I/N",
            help="Check only the I-th (from 0) of N slices of the arrays; join the "
            "--format json reports with lstmdiag merge.",
        ),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show every row.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only the exit code.")] = False,
    config: Annotated[
        str | None,
        typer.Option("--config", metavar="PATH", help="Read [tool.lstmdiag] from this file."),
    ] = None,
    storage_option: StorageOption = None,
    concurrency: ConcurrencyOption = None,
    dask: DaskOption = None,
) -> None:
    """Check every data file against the model; print each mismatch with its fix.

    Exit 0: no errors; 1: at least one error (or warning, with --fail-on warning);
    2: unusable arguments or model. A bare `lstmdiag check` runs what [tool.lstmdiag] in
    pyproject.toml configures; options on the command line win.

    Example: lstmdiag check model.h5 data/ --format github
    """
    from .data.discover import DEFAULT_GLOBS, file_part
    from .distribute.sharding import parse_shard
    from .judge.checks import CheckOptions, check_arrays, with_findings
    from .judge.findings import ALIASES, Kind
    from .settings import dask_address, load_settings

    try:
        settings = load_settings(config)
    except LstmdiagError as exc:
        fail(str(exc))
    _remote(settings, storage_option, concurrency)
    model = model or settings.model
    if model is None:
        fail("no model given: lstmdiag check MODEL INPUTS... (or set model in [tool.lstmdiag])")
    format = format or CheckFormat(settings.format or "table")
    fail_on = fail_on or FailOn(settings.fail_on or "error")
    deep = settings.deep if deep is None else deep
    ignore = list(ignore or settings.ignore)
    glob = list(glob or settings.glob)
    mapping = {path: name for name, path in settings.input_map.items()}
    mapping.update(_parse_mapping(input_map or []))
    paths = list(inputs or settings.inputs)
    for target in mapping:
        base = file_part(target)
        if base not in paths:
            paths.append(base)
    if not paths:
        fail("no data given: lstmdiag check MODEL INPUTS...")
    known = {k.value for k in Kind} | set(ALIASES)
    for kind in ignore or []:
        if kind not in known:
            fail(f"--ignore: unknown finding kind {kind!r} (kinds: {', '.join(sorted(known))})")
    try:
        sliced = None if shard is None else parse_shard(shard)
    except LstmdiagError as exc:
        fail(str(exc))
    address = dask_address(settings, dask)
    if address is not None and sliced is not None:
        fail("--shard and --dask: give one (a cluster already splits the work)")
    spec = _load_model(model, paths)
    if not spec.inputs:
        fail(f"{model}: the model has no inputs")
    options = CheckOptions(
        deep=bool(deep),
        mapping=mapping,
        model_arg=model,
        ignore=frozenset(ignore or []),
        exclude=tuple(exclude or settings.exclude),
        inputs=tuple(paths),
        shard=sliced,
    )
    with _cluster(address) as client:
        infos = _describe(client, paths, tuple(glob) if glob else DEFAULT_GLOBS, quiet)
        if not infos:
            fail("no data files found in " + ", ".join(paths))
        if client is not None:
            from .distribute.cluster import check_on

            try:
                report = check_on(client, spec, infos, options)
            except LstmdiagError as exc:
                fail(str(exc))
        else:
            with LateProgress("checking", enabled=not quiet) as progress:
                report = check_arrays(spec, infos, options, progress=progress)
    if verify or verify_data:
        from .judge.verify import verify_report

        try:
            report = with_findings(report, verify_report(report, model, data=verify_data))
        except LstmdiagError as exc:
            fail(str(exc))
    _emit_check(report, format, fail_on, verbose=verbose, quiet=quiet)


def _emit_check(
    report: Report, format: CheckFormat, fail_on: FailOn, *, verbose: bool, quiet: bool
) -> NoReturn:
    """Render a check report in ``format`` and exit with its code (shared with merge)."""
    from .judge.findings import Severity

    code = report.exit_code(Severity(fail_on.value))
    if quiet:
        raise typer.Exit(code)
    if format is CheckFormat.json:
        from .render.json import write_check_json

        write_check_json(report, sys.stdout)
    elif format is CheckFormat.github:
        from .render.github import check_github

        typer.echo(check_github(report))
    elif format is CheckFormat.junit:
        from .render.junit import check_junit

        typer.echo(check_junit(report, Severity(fail_on.value)))
    elif format is CheckFormat.sarif:
        from .render.sarif import check_sarif

        typer.echo(check_sarif(report))
    else:
        from .render.table import check_view

        _stdout().print(check_view(report, verbose=verbose), soft_wrap=True)
    raise typer.Exit(code)


@app.command()
def merge(
    reports: Annotated[
        list[str],
        typer.Argument(
            metavar="REPORT.json...", help="The --format json reports of check --shard."
        ),
    ],
    format: Annotated[
        CheckFormat, typer.Option("--format", "-f", help="Output format.")
    ] = CheckFormat.table,
    fail_on: Annotated[
        FailOn,
        typer.Option("--fail-on", help="Exit 1 on errors only, or on warnings too."),
    ] = FailOn.error,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show every row.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only the exit code.")] = False,
    storage_option: StorageOption = None,
) -> None:
    """Join the JSON reports of `check --shard I/N` (one per shard, any order) into the report
    and exit code one unsharded run gives. A URL prefix or glob names every report below it.

    Example: lstmdiag merge shard-*.json --format github
    """
    from .distribute.sharding import expand_reports, read_reports
    from .distribute.sharding import merge as merge_reports

    _remote(None, storage_option, None)
    try:
        names = expand_reports(reports)
        report = merge_reports(read_reports(names), names)
    except LstmdiagError as exc:
        fail(str(exc))
    _emit_check(report, format, fail_on, verbose=verbose, quiet=quiet)


class Side(str, Enum):
    pre = "pre"
    post = "post"


@app.command()
def pad(
    inputs: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="INPUTS...", help="Data files or folders to pad; default: [tool.lstmdiag]."
        ),
    ] = None,
    maxlen: Annotated[
        str | None,
        typer.Option(
            "--maxlen",
            metavar="N|auto|longest",
            help="Timesteps per sequence: a number, 'auto' (what `stats` recommends), or "
            "'longest' (the longest sequence: nothing is cut, like pad_sequences' default).",
        ),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            "--model", metavar="MODEL", help="Take maxlen from this model's fixed time axis."
        ),
    ] = None,
    out: Annotated[
        str | None,
        typer.Option(
            "--out", metavar="DIR", help="Output folder: one output per input, same relative names."
        ),
    ] = None,
    stack: Annotated[
        str | None,
        typer.Option(
            "--stack",
            metavar="FILE",
            help="One FILE.npy or FILE.h5 with every sequence, plus their lengths.",
        ),
    ] = None,
    padding: Annotated[
        Side | None, typer.Option("--padding", help="Pad before or after [default: pre].")
    ] = None,
    truncating: Annotated[
        Side | None,
        typer.Option("--truncating", help="Cut long sequences at the start or the end [pre]."),
    ] = None,
    value: Annotated[
        str | None,
        typer.Option(
            "--value",
            metavar="V|auto",
            help="Padding value [0.0], or 'auto': one no real timestep equals.",
        ),
    ] = None,
    dtype: Annotated[
        str | None,
        typer.Option(
            "--dtype",
            metavar="DTYPE",
            help="Output dtype (default: each input's own; Keras's default is int32).",
        ),
    ] = None,
    mask: Annotated[
        bool | None,
        typer.Option(
            "--mask/--no-mask",
            help="Also write a boolean mask (batch, maxlen), True on real timesteps.",
            show_default=False,
        ),
    ] = None,
    sequence_files: Annotated[
        bool | None,
        typer.Option(
            "--sequence-files",
            help="Each array is ONE sequence (timesteps, ...) without a batch axis "
            "(automatic with --model when the rank says so).",
        ),
    ] = None,
    time_axis: TimeAxisOption = None,
    input_map: Annotated[
        list[str] | None,
        typer.Option(
            "--input",
            metavar="NAME=PATH",
            help="With --model: PATH (file, folder or file.npz:member) feeds input NAME.",
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Overwrite existing outputs; allow a maxlen over 4x the longest."
        ),
    ] = False,
    glob: GlobOption = None,
    exclude: ExcludeOption = None,
    format: FormatOption = ModelFormat.table,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on success.")] = (
        False
    ),
    config: Annotated[
        str | None,
        typer.Option("--config", metavar="PATH", help="Read [tool.lstmdiag.pad] from this file."),
    ] = None,
    storage_option: StorageOption = None,
    concurrency: ConcurrencyOption = None,
    dask: DaskOption = None,
) -> None:
    """Write padded/truncated (and masked) copies, identical to keras.utils.pad_sequences.

    Inputs are never modified; every output is written to a temporary name and renamed
    when complete. Defaults come from [tool.lstmdiag.pad] in pyproject.toml when set.

    Example: lstmdiag pad data/ --model model.keras --padding post --mask --out padded/
    """
    from dataclasses import replace

    import numpy as np

    from .data.discover import DEFAULT_GLOBS
    from .distribute.cluster import mapper
    from .settings import dask_address, load_settings, pad_paths
    from .transform.padding import PadOptions, plan_pad, run_pad
    from .transform.write import staged

    try:
        settings = load_settings(config)
    except LstmdiagError as exc:
        fail(str(exc))
    _remote(settings, storage_option, concurrency)
    address = dask_address(settings, dask)
    conf = settings.pad
    if model is None and inputs is None:  # a bare `lstmdiag pad`: the configured run
        model = settings.model
    try:
        inputs, out, stack = pad_paths(settings, inputs, out, stack)
    except LstmdiagError as exc:
        fail(str(exc))
    if maxlen is None and "maxlen" in conf:
        maxlen = str(conf["maxlen"])
    padding = padding or Side(conf.get("padding", "pre"))
    truncating = truncating or Side(conf.get("truncating", "pre"))
    value_set = value is not None or "value" in conf
    value = value if value is not None else str(conf.get("value", "0.0"))
    dtype = dtype or conf.get("dtype")
    mask = bool(conf.get("mask", False)) if mask is None else mask
    if sequence_files is None:
        sequence_files = bool(conf.get("sequence-files", False))

    size: int | None = None
    if maxlen is not None and maxlen not in ("auto", "longest"):
        try:
            size = int(maxlen)
        except ValueError:
            fail(f"--maxlen takes a whole number, 'auto' or 'longest', not {maxlen!r}")
    pad_value: float | None = None
    if value != "auto":
        try:
            pad_value = float(value)
        except ValueError:
            fail(f"--value takes a number or 'auto', not {value!r}")
    if dtype is not None:
        try:
            np.dtype(dtype)
        except TypeError:
            fail(f"--dtype: {dtype!r} is not a numpy dtype")
    options = PadOptions(
        maxlen=size,
        maxlen_auto=maxlen == "auto",
        maxlen_longest=maxlen == "longest",
        padding=padding.value,
        truncating=truncating.value,
        value=pad_value,
        value_set=value_set,
        dtype=dtype,
        mask=mask,
        sequence_files=sequence_files,
        force=force,
        time_axis=time_axis,
        exclude=tuple(exclude or settings.exclude),
        mapping=_parse_mapping(input_map or []),
    )
    spec = _load_model(model) if model else None
    try:
        with staged(out, stack) as (out_path, stack_path), _cluster(address) as client:
            options = replace(options, out=out_path, stack=stack_path)
            infos = _describe(client, inputs, tuple(glob) if glob else DEFAULT_GLOBS, quiet)
            if not infos:
                fail("no data files found in " + ", ".join(inputs))
            plan = plan_pad(inputs, infos, options, spec)
            with LateProgress("padding", enabled=not quiet) as progress:
                result = run_pad(plan, progress, mapper(client))
    except LstmdiagError as exc:
        fail(str(exc))
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        fail(f"cannot write the output{where}: {exc.strerror or exc}; nothing partial was left")
    except MemoryError:
        fail("out of memory while padding; nothing partial was left")
    if quiet:
        return
    if format is ModelFormat.json:
        import json
        from dataclasses import asdict

        typer.echo(json.dumps(asdict(result), indent=2))
        return
    from .render.table import pad_view

    _stdout().print(pad_view(result, options), soft_wrap=True)


@app.command()
def window(
    inputs: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="INPUTS...",
            help="Series or tables: .npy/.npz/.h5 (rows, features) or (rows,), CSV, Parquet; "
            "default: [tool.lstmdiag].",
        ),
    ] = None,
    timesteps: Annotated[
        int | None, typer.Option("--timesteps", "-T", help="Rows per window.", metavar="T")
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            "--model", metavar="MODEL", help="Take T (and check the features) from this model."
        ),
    ] = None,
    stride: Annotated[
        int | None,
        typer.Option("--stride", help="Rows between window starts [1].", metavar="S"),
    ] = None,
    rate: Annotated[
        int | None,
        typer.Option("--rate", help="Rows between timesteps in a window [1].", metavar="R"),
    ] = None,
    columns: Annotated[
        str | None,
        typer.Option(
            "--columns", metavar="a,b,c", help="Feature columns a,b,c (default: all numeric ones)."
        ),
    ] = None,
    target: Annotated[
        str | None,
        typer.Option(
            "--target", metavar="COLUMN", help="Also write y: this column, --horizon rows ahead."
        ),
    ] = None,
    horizon: Annotated[
        int | None,
        typer.Option(
            "--horizon", metavar="H", help="y[i] = target at H rows after window i's last row."
        ),
    ] = None,
    out: Annotated[
        str | None,
        typer.Option("--out", metavar="DIR", help="Output folder: one output per input."),
    ] = None,
    stack: Annotated[
        str | None,
        typer.Option("--stack", metavar="FILE", help="One FILE.npy or FILE.h5 with every window."),
    ] = None,
    dtype: Annotated[
        str | None,
        typer.Option(
            "--dtype",
            metavar="DTYPE",
            help="Output dtype (default: the data's; CSV/Parquet with --model: the model's).",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing outputs.")] = False,
    glob: GlobOption = None,
    exclude: ExcludeOption = None,
    format: FormatOption = ModelFormat.table,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on success.")] = (
        False
    ),
    config: Annotated[
        str | None,
        typer.Option(
            "--config", metavar="PATH", help="Read [tool.lstmdiag.window] from this file."
        ),
    ] = None,
    storage_option: StorageOption = None,
    concurrency: ConcurrencyOption = None,
    dask: DaskOption = None,
) -> None:
    """Cut series and tables into the (samples, timesteps, features) windows a model takes,
    exactly as keras.utils.timeseries_dataset_from_array (all batches, in order), streamed.

    Example: lstmdiag window sensors.csv --model model.keras --stride 4 --out windows/
    """
    from dataclasses import replace

    import numpy as np

    from .data.discover import DEFAULT_GLOBS
    from .distribute.cluster import mapper
    from .settings import dask_address, load_settings, pad_paths
    from .transform.windowing import WindowOptions, plan_and_run
    from .transform.write import staged

    try:
        settings = load_settings(config)
        inputs, out, stack = pad_paths(settings, inputs, out, stack, "window")
    except LstmdiagError as exc:
        fail(str(exc))
    _remote(settings, storage_option, concurrency)
    address = dask_address(settings, dask)
    conf = settings.window
    options = WindowOptions(
        timesteps=timesteps if timesteps is not None else conf.get("timesteps"),
        stride=stride if stride is not None else conf.get("stride", 1),
        rate=rate if rate is not None else conf.get("rate", 1),
        columns=tuple(c.strip() for c in columns.split(",")) if columns else None,
        target=target,
        horizon=horizon,
        force=force,
        exclude=tuple(exclude or ()),
        dtype=dtype,
    )
    if dtype is not None:
        try:
            np.dtype(dtype)
        except TypeError:
            fail(f"--dtype: {dtype!r} is not a numpy dtype")
    spec = _load_model(model) if model else None
    try:
        with staged(out, stack) as (out_path, stack_path), _cluster(address) as client:
            options = replace(options, out=out_path, stack=stack_path)
            infos = _describe(client, inputs, tuple(glob) if glob else DEFAULT_GLOBS, quiet)
            if not infos:
                fail("no data files found in " + ", ".join(inputs))
            with LateProgress("windowing", enabled=not quiet) as progress:
                result = plan_and_run(inputs, infos, options, spec, progress, mapper(client))
    except LstmdiagError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write the output: {exc.strerror or exc}; nothing partial was left")
    if quiet:
        return
    if format is ModelFormat.json:
        import json
        from dataclasses import asdict

        typer.echo(json.dumps(asdict(result), indent=2, default=str))
        return
    from .render.table import window_view

    _stdout().print(window_view(result), soft_wrap=True)


@app.command()
def stats(
    inputs: Annotated[
        list[str], typer.Argument(metavar="INPUTS...", help="Data files or folders.")
    ],
    model: Annotated[
        str | None,
        typer.Option(
            "--model", metavar="MODEL", help="Add the model's fixed time axis as a candidate."
        ),
    ] = None,
    buckets: Annotated[
        list[int] | None,
        typer.Option("--buckets", metavar="K", help="Bucket counts to plan (default 2 4 8)."),
    ] = None,
    plot: Annotated[
        str | None,
        typer.Option("--plot", metavar="FILE", help="Also draw the histogram to FILE.png or .svg."),
    ] = None,
    sequence_files: Annotated[
        bool, typer.Option("--sequence-files", help="Each array is ONE sequence (no batch axis).")
    ] = False,
    time_axis: TimeAxisOption = None,
    glob: GlobOption = None,
    exclude: ExcludeOption = None,
    format: FormatOption = ModelFormat.table,
    storage_option: StorageOption = None,
    concurrency: ConcurrencyOption = None,
    dask: DaskOption = None,
) -> None:
    """Sequence-length distribution, candidate maxlen values and exact bucket boundaries.

    Example: lstmdiag stats data/ --model model.keras --buckets 4
    """
    import json
    from dataclasses import replace

    from .data.discover import DEFAULT_GLOBS, drop_excluded
    from .judge.layout import place
    from .judge.stats import compute_stats, length_counts, step_bytes_of, to_dict
    from .settings import dask_address

    def stop(message: str) -> NoReturn:  # --format json prints JSON, errors too
        if format is ModelFormat.json:
            typer.echo(json.dumps({"error": message}))
        fail(message)

    settings = _remote(None, storage_option, concurrency)
    spec = _load_model(model) if model else None
    with _cluster(dask_address(settings, dask)) as client:
        infos = _describe(client, inputs, tuple(glob) if glob else DEFAULT_GLOBS)
    infos = drop_excluded(infos, tuple(exclude or ()))
    try:
        placed = place(infos, spec, axis=0 if sequence_files else time_axis, skip_ambiguous=True)
    except LstmdiagError as exc:
        stop(str(exc))
    skipped = tuple(p.note or "" for p in placed if p.ambiguous)
    infos = [p.info for p in placed if p.pad]
    counts = length_counts(infos)
    if not counts:
        stop("no sequences found in " + ", ".join(inputs))
    fixed = None
    if spec and spec.inputs and len(spec.inputs[0].shape) > 1:
        fixed = spec.inputs[0].shape[1]
    if buckets and any(b < 1 for b in buckets):
        stop("--buckets takes whole numbers >= 1")
    result = compute_stats(counts, step_bytes_of(infos), fixed, buckets or (2, 4, 8))
    result = replace(result, skipped=skipped)
    if plot:
        from .render.plot import plot_lengths
        from .transform.write import staged

        try:
            with staged(None, plot) as (_, local):  # a URL: drawn here, then uploaded
                plot_lengths(result, counts, str(local))
        except LstmdiagError as exc:
            fail(str(exc))
    if format is ModelFormat.json:
        typer.echo(json.dumps(to_dict(result), indent=2))
        return
    from .render.table import stats_view

    _stdout().print(stats_view(result), soft_wrap=True)


@app.command()
def explain(
    text: Annotated[
        str | None,
        typer.Argument(metavar="TEXT", help="The error message (default: read from stdin)."),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            "--model", metavar="MODEL", help="Use this model's real shapes in the advice."
        ),
    ] = None,
    data: Annotated[
        list[str] | None,
        typer.Option("--data", metavar="PATH", help="The data you fed (for the exact command)."),
    ] = None,
    format: FormatOption = ModelFormat.table,
) -> None:
    """Explain a Keras/TensorFlow shape error: the cause, the axis that differs, the fix.

    Exit 0 when recognised, 1 when not (it never guesses).

    Example: python train.py 2>&1 | lstmdiag explain --model model.keras
    """
    from .judge.explain import explain as run_explain
    from .judge.explain import to_dict

    if text is None or text == "-":
        if sys.stdin.isatty():
            fail("paste the error message as an argument, or pipe it in")
        text = sys.stdin.read()
    spec = _load_model(model) if model else None
    result = run_explain(text, spec, model, data)
    if result is None:
        if format is ModelFormat.json:
            typer.echo('{"recognised": false}')
        else:
            _stderr().print(
                "Not recognised: this does not look like a shape error lstmdiag "
                "knows. Try: lstmdiag check MODEL DATA",
                soft_wrap=True,
            )
        raise typer.Exit(1)
    if format is ModelFormat.json:
        import json

        typer.echo(json.dumps({"recognised": True, **to_dict(result)}, indent=2))
        return
    from .render.table import explain_view

    _stdout().print(explain_view(result), soft_wrap=True)


def main() -> None:
    """Console-script entry point."""
    import gc

    # A run builds a few objects per data file and frees them all at exit: collect cycles
    # rarely (as mypy does), not every 700 allocations (10-20% of a large folder's time),
    # and leave what is left out of the collection at shutdown (30 ms at 10,000 files).
    gc.set_threshold(100_000, 50, 100)
    try:
        app()
    except KeyboardInterrupt:
        _stderr().print("[bold red]interrupted[/]")
        sys.exit(130)
    except Exception as exc:  # a bug: one line, the traceback in a file, exit 2
        internal_error(exc, sys.argv[1:])
    finally:
        gc.freeze()


def internal_error(exc: BaseException, argv: list[str]) -> NoReturn:
    """The last guard: bugs no reader caught yet never print a traceback. The line says what
    ran on which file and where the traceback was written."""
    import tempfile
    import traceback

    from .errors import READING, one_line
    from .text import visible

    command = next((a for a in argv if not a.startswith("-")), "lstmdiag")
    where = READING.get()
    with tempfile.NamedTemporaryFile(
        "w", prefix="lstmdiag-internal-", suffix=".txt", delete=False
    ) as fh:
        fh.write(f"lstmdiag {' '.join(argv)}\n")
        traceback.print_exception(type(exc), exc, exc.__traceback__, file=fh)
    on = f" on {where}" if where else ""
    sys.stderr.write(
        visible(
            f"lstmdiag: internal error: {command}{on}: {one_line(exc)}; the traceback is in "
            f"{fh.name} (please report it)"
        )
        + "\n"
    )
    sys.exit(2)
