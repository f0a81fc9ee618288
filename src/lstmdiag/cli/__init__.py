"""The command line: one module per command (``cli/check.py`` for ``lstmdiag check``...),
each declaring its typer options and calling the core. What an option means once merged with
``[tool.lstmdiag]`` is decided in ``settings.py``; what every command does at the edge (one red
line and exit 2, progress, rendering a report) is in ``steps.py``.

A run imports only the command it runs; ``app`` (all of them) is built on first use.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Annotated, Any, NoReturn

import typer

from .. import __version__

COMMANDS = ("inspect", "check", "merge", "pad", "window", "stats", "explain")


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


def _version(value: bool) -> None:
    if value:
        typer.echo(f"lstmdiag {__version__}")
        raise typer.Exit(0)


def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """lstmdiag: static shape checks for Keras recurrent models and their data."""


def build(names: Sequence[str] = COMMANDS) -> typer.Typer:
    """The typer app with these commands (in this order, as ``--help`` lists them)."""
    app = typer.Typer(
        add_completion=True,
        no_args_is_help=True,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
        help="Find and fix shape mismatches between a saved Keras model and its data.",
    )
    app.callback()(main_options)
    for name in names:
        module = importlib.import_module(f"{__name__}.{name}")
        app.command(name=name)(getattr(module, name))
    return app


def _wanted(argv: list[str]) -> Sequence[str]:
    """The commands a run needs: the one it names first, else (help, completion, a typo) all."""
    completing = any(k.startswith("_") and k.endswith("_COMPLETE") for k in os.environ)
    if argv and argv[0] in COMMANDS and not completing:
        return (argv[0],)
    return COMMANDS


@functools.cache
def _every_command() -> typer.Typer:
    return build()


def __getattr__(name: str) -> Any:
    if name == "app":  # every command, for typer's CliRunner and the docs
        return _every_command()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """Console-script entry point."""
    import gc

    # A run builds a few objects per data file and frees them all at exit: collect cycles
    # rarely (as mypy does), not every 700 allocations (10-20% of a large folder's time),
    # and leave what is left out of the collection at shutdown (30 ms at 10,000 files).
    gc.set_threshold(100_000, 50, 100)
    try:
        build(_wanted(sys.argv[1:]))()
    except KeyboardInterrupt:
        from .steps import stderr

        stderr().print("[bold red]interrupted[/]")
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

    from ..errors import READING, one_line
    from ..text import visible

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
