"""``lstmdiag check MODEL INPUTS...``: every data file against the model, with fixes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import LstmdiagError
from .options import (
    CheckFormat,
    ConcurrencyOption,
    DaskOption,
    ExcludeOption,
    FailOn,
    GlobOption,
    StorageOption,
)
from .steps import LateProgress, cluster, configured, describe, emit_check, fail, load_model

if TYPE_CHECKING:
    from ..judge.findings import Report
    from ..model.spec import ModelSpec
    from ..settings import CheckRun


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
    from ..settings import CheckArgs, resolve_check

    settings = configured(config)
    given = CheckArgs(
        model, inputs, format and format.value, input_map, glob, exclude, deep,
        fail_on and fail_on.value, ignore, shard, storage_option, concurrency, dask,
    )  # fmt: skip
    try:
        run = resolve_check(settings, given)
    except LstmdiagError as exc:
        fail(str(exc))
    run.remote.apply()
    spec = load_model(run.model, list(run.paths))
    if not spec.inputs:
        fail(f"{run.model}: the model has no inputs")
    report = _report(run, spec, quiet)
    if verify or verify_data:
        from ..judge.checks import with_findings
        from ..judge.verify import verify_report

        try:
            report = with_findings(report, verify_report(report, run.model, data=verify_data))
        except LstmdiagError as exc:
            fail(str(exc))
    format, fail_on = CheckFormat(run.format), FailOn(run.fail_on)
    emit_check(report, format, fail_on, verbose=verbose, quiet=quiet)


def _report(run: CheckRun, spec: ModelSpec, quiet: bool) -> Report:
    """The findings, made here or on the run's Dask cluster."""
    from ..judge.checks import check_arrays

    with cluster(run.address) as client:
        infos = describe(client, list(run.paths), run.globs, quiet)
        if not infos:
            fail("no data files found in " + ", ".join(run.paths))
        if client is not None:
            from ..distribute.cluster import check_on

            try:
                return check_on(client, spec, infos, run.options)
            except LstmdiagError as exc:
                fail(str(exc))
        with LateProgress("checking", enabled=not quiet) as progress:
            return check_arrays(spec, infos, run.options, progress=progress)
