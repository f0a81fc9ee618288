"""What every command body does at the edge: consoles, a late progress bar, one red line and
exit 2 for an unusable argument, the model read, the headers read (here or on a cluster),
and a check report rendered in the chosen format."""

from __future__ import annotations

import contextlib
import shlex
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import typer

from ..errors import LstmdiagError
from .options import CheckFormat, FailOn

if TYPE_CHECKING:
    from rich.console import Console

    from ..data.info import ArrayInfo
    from ..judge.findings import Report
    from ..model.spec import ModelSpec
    from ..pyproject import Settings
    from ..settings import PadRun, WindowRun


def stdout() -> Console:
    from rich.console import Console  # rich only where something is drawn (not for JSON)

    return Console(highlight=False, soft_wrap=False)


def stderr() -> Console:
    from rich.console import Console

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

            self.bar = Progress(console=stderr(), transient=True)
            self.bar.start()
            self.task = self.bar.add_task(self.label, total=total)
        self.bar.update(self.task, completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def fail(message: str, code: int = 2) -> NoReturn:
    """One red line on stderr, then exit (2: unusable arguments or model)."""
    from rich.markup import escape

    from ..text import visible

    stderr().print(
        f"[bold red]error:[/] {escape(visible(message))}",
        markup=True,
        highlight=False,
        soft_wrap=True,
    )
    raise typer.Exit(code)


def load_model(path: str, data: list[str] | None = None) -> ModelSpec:
    """The model read statically, or one red line and exit 2 (saying so when MODEL is data
    and one of the ``data`` paths is a model: the arguments were swapped)."""
    from ..model import looks_like_data, looks_like_model, read_model

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


def remote_settings(storage_option: list[str] | None) -> None:
    """The nearest pyproject.toml's storage options with this run's ``--storage-option``
    over them, applied (inspect, merge); or one red line and exit 2."""
    from ..pyproject import load_settings
    from ..settings import resolve_remote

    try:
        resolve_remote(load_settings(None), storage_option, None).apply()
    except LstmdiagError as exc:
        fail(str(exc))


def configured(config: str | None) -> Settings:
    """[tool.lstmdiag] from ``--config PATH`` or the nearest pyproject.toml, or exit 2."""
    from ..pyproject import load_settings

    try:
        return load_settings(config)
    except LstmdiagError as exc:
        fail(str(exc))


@contextlib.contextmanager
def cluster(address: str | None) -> Iterator[Any]:
    """A Dask client for ``address`` (None: no cluster, the work runs here), or exit 2."""
    if address is None:
        yield None
        return
    from ..distribute.cluster import connect

    try:
        with connect(address) as client:
            yield client
    except LstmdiagError as exc:
        fail(str(exc))


def describe(
    client: Any, paths: list[str], globs: tuple[str, ...], quiet: bool = False
) -> list[Any]:
    """Every array under ``paths``: headers read here, or on the cluster's workers. A local
    path that does not exist is an unusable argument (exit 2), not a finding."""
    from ..data.remote import is_url
    from ..distribute.cluster import describe as read_headers

    for path in paths:
        if not is_url(path) and not any(c in path for c in "*?[") and not Path(path).exists():
            fail(f"{path}: no such file or folder")
    try:
        with LateProgress("reading headers", enabled=not quiet) as progress:
            return read_headers(paths, globs, client, progress)
    except LstmdiagError as exc:
        fail(str(exc))


def emit_check(
    report: Report, format: CheckFormat, fail_on: FailOn, *, verbose: bool, quiet: bool
) -> NoReturn:
    """Render a check report in ``format`` and exit with its code (shared with merge)."""
    from ..judge.findings import Severity

    code = report.exit_code(Severity(fail_on.value))
    if quiet:
        raise typer.Exit(code)
    if format is CheckFormat.json:
        from ..render.json import write_check_json

        write_check_json(report, sys.stdout)
    elif format is CheckFormat.github:
        from ..render.github import check_github

        typer.echo(check_github(report))
    elif format is CheckFormat.junit:
        from ..render.junit import check_junit

        typer.echo(check_junit(report, Severity(fail_on.value)))
    elif format is CheckFormat.sarif:
        from ..render.sarif import check_sarif

        typer.echo(check_sarif(report))
    else:
        from ..render.table import check_view

        console = stdout()
        console.print(check_view(report, verbose, console.width), soft_wrap=True)
    raise typer.Exit(code)


J = TypeVar("J")


def writing(
    run: PadRun | WindowRun,
    job: Callable[[Path | None, Path | None, Any, list[ArrayInfo], LateProgress], J],
    label: str,
    quiet: bool,
) -> J:
    """``pad`` and ``window``: outputs staged (temporary names, renamed when complete), the
    headers read, then ``job(out, stack, client, infos, progress)``; or one red line, exit 2,
    and nothing partial left."""
    from ..transform.remote_outputs import staged

    try:
        with staged(run.out, run.stack) as (out, stack), cluster(run.address) as client:
            infos = describe(client, list(run.inputs), run.globs, quiet)
            if not infos:
                fail("no data files found in " + ", ".join(run.inputs))
            with LateProgress(label, enabled=not quiet) as progress:
                return job(out, stack, client, infos, progress)
    except LstmdiagError as exc:
        fail(str(exc))
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        fail(f"cannot write the output{where}: {exc.strerror or exc}; nothing partial was left")
    except MemoryError:
        fail(f"out of memory while {label}; nothing partial was left")
