"""``lstmdiag pad INPUTS...``: padded, truncated and masked copies, as pad_sequences makes."""

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
    Side,
    StorageOption,
    TimeAxisOption,
)
from .steps import LateProgress, configured, fail, load_model, stdout, writing

if TYPE_CHECKING:
    from ..data.info import ArrayInfo
    from ..model.spec import ModelSpec
    from ..settings import PadRun
    from ..transform.pad_plan import PadOptions, PadResult


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
    from ..settings import PadArgs, resolve_pad

    settings = configured(config)
    given = PadArgs(
        inputs, maxlen, model, out, stack, padding and padding.value,
        truncating and truncating.value, value, dtype, mask, sequence_files, time_axis,
        input_map, force, glob, exclude, storage_option, concurrency, dask,
    )  # fmt: skip
    try:
        run = resolve_pad(settings, given)
    except LstmdiagError as exc:
        fail(str(exc))
    run.remote.apply()
    spec = load_model(run.model) if run.model else None
    result, options = writing(run, lambda *a: _pad(run, spec, *a), "padding", quiet)
    if quiet:
        return
    if format is ModelFormat.json:
        import json
        from dataclasses import asdict

        typer.echo(json.dumps(asdict(result), indent=2))
        return
    from ..render.table import pad_view

    console = stdout()
    console.print(pad_view(result, options, console.width), soft_wrap=True)


def _pad(
    run: PadRun, spec: ModelSpec | None, out: Path | None, stack: Path | None, client: Any,
    infos: list[ArrayInfo], progress: LateProgress,
) -> tuple[PadResult, PadOptions]:  # fmt: skip
    from ..distribute.cluster import mapper
    from ..transform.pad_plan import plan_pad
    from ..transform.padding import run_pad

    options = replace(run.options, out=out, stack=stack)
    plan = plan_pad(list(run.inputs), infos, options, spec)
    return run_pad(plan, progress, mapper(client)), plan.options
