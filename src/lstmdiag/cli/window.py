"""``lstmdiag window INPUTS...``: the windows timeseries_dataset_from_array cuts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import LstmdiagError
from .options import (
    ConcurrencyOption,
    DaskOption,
    ExcludeOption,
    FormatOption,
    GlobOption,
    ModelFormat,
    StorageOption,
)
from .steps import LateProgress, configured, fail, load_model, stdout, writing

if TYPE_CHECKING:
    from ..data.info import ArrayInfo
    from ..model.spec import ModelSpec
    from ..settings import WindowRun
    from ..transform.window_plan import WindowResult


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
    from ..settings import WindowArgs, resolve_window

    settings = configured(config)
    given = WindowArgs(
        inputs, timesteps, model, stride, rate, columns, target, horizon, out, stack, dtype,
        force, glob, exclude, storage_option, concurrency, dask,
    )  # fmt: skip
    try:
        run = resolve_window(settings, given)
    except LstmdiagError as exc:
        fail(str(exc))
    run.remote.apply()
    spec = load_model(run.model) if run.model else None
    result = writing(run, lambda *a: _window(run, spec, *a), "windowing", quiet)
    if quiet:
        return
    if format is ModelFormat.json:
        import json
        from dataclasses import asdict

        typer.echo(json.dumps(asdict(result), indent=2, default=str))
        return
    from ..render.table import window_view

    console = stdout()
    console.print(window_view(result, console.width), soft_wrap=True)


def _window(
    run: WindowRun, spec: ModelSpec | None, out: Path | None, stack: Path | None, client: Any,
    infos: list[ArrayInfo], progress: LateProgress,
) -> WindowResult:  # fmt: skip
    from ..distribute.cluster import mapper
    from ..transform.windowing import plan_and_run

    options = replace(run.options, out=out, stack=stack)
    inputs = list(run.inputs)
    return plan_and_run(inputs, infos, options, spec, progress, mapper(client))
