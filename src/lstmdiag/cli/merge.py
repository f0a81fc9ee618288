"""``lstmdiag merge REPORT.json...``: the sharded reports of ``check --shard`` joined."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import LstmdiagError
from .options import CheckFormat, FailOn, StorageOption
from .steps import emit_check, fail, remote_settings


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
    from ..distribute.sharding import expand_reports, read_reports
    from ..distribute.sharding import merge as merge_reports

    remote_settings(storage_option)
    try:
        names = expand_reports(reports)
        report = merge_reports(read_reports(names), names)
    except LstmdiagError as exc:
        fail(str(exc))
    emit_check(report, format, fail_on, verbose=verbose, quiet=quiet)
