"""``lstmdiag stats INPUTS...``: sequence lengths, candidate maxlen values, buckets."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Annotated, NoReturn

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
    TimeAxisOption,
)
from .steps import cluster, configured, describe, fail, load_model, stdout

if TYPE_CHECKING:
    from ..judge.stats import LengthStats


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

    from ..data.discover import drop_excluded
    from ..judge.stats import stats_of, to_dict
    from ..settings import check_buckets, resolve_stats

    def stop(message: str) -> NoReturn:  # --format json prints JSON, errors too
        if format is ModelFormat.json:
            typer.echo(json.dumps({"error": message}))
        fail(message)

    settings = configured(None)
    try:
        run = resolve_stats(settings, glob, buckets, storage_option, concurrency, dask)
    except LstmdiagError as exc:
        fail(str(exc))
    run.remote.apply()
    spec = load_model(model) if model else None
    with cluster(run.address) as client:
        infos = drop_excluded(describe(client, inputs, run.globs), tuple(exclude or ()))
    try:
        check_buckets(run.buckets)
        axis = 0 if sequence_files else time_axis
        result, counts = stats_of(infos, spec, axis, run.buckets, inputs)
    except LstmdiagError as exc:
        stop(str(exc))
    if plot:
        _plot(result, counts, plot)
    if format is ModelFormat.json:
        typer.echo(json.dumps(to_dict(result), indent=2))
        return
    from ..render.table import stats_view

    stdout().print(stats_view(result), soft_wrap=True)


def _plot(result: LengthStats, counts: Counter[int], plot: str) -> None:
    from ..render.plot import plot_lengths
    from ..transform.remote_outputs import staged

    try:
        with staged(None, plot) as (_, local):  # a URL: drawn here, then uploaded
            plot_lengths(result, counts, str(local))
    except LstmdiagError as exc:
        fail(str(exc))
