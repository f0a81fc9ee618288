"""``lstmdiag inspect MODEL``: the model as lstmdiag reads it."""

from __future__ import annotations

from typing import Annotated

import typer

from .options import FormatOption, ModelFormat, StorageOption
from .steps import load_model, remote_settings, stdout


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
    remote_settings(storage_option)
    spec = load_model(model)
    if quiet:
        return
    if format is ModelFormat.json:
        from ..render.json import inspect_json

        typer.echo(inspect_json(spec))
        return
    from ..render.table import inspect_view

    console = stdout()
    console.print(inspect_view(spec, console.width), soft_wrap=True)
