"""The options several commands share, as typer declares them, and their choices (enums)."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer


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


class Side(str, Enum):
    pre = "pre"
    post = "post"
