"""``lstmdiag explain TEXT``: a Keras/TensorFlow shape error explained, with its fix."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ..errors import LstmdiagError
from ..settings import explain_text
from .options import FormatOption, ModelFormat
from .steps import fail, load_model, stderr, stdout


def explain(
    text: Annotated[
        str | None,
        typer.Argument(
            metavar="TEXT",
            help="The error message, or a file that holds it (default: read from stdin).",
        ),
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
    (or: python train.py 2> error.log; lstmdiag explain error.log)
    """
    from ..judge.explain import explain as run_explain
    from ..judge.explain import to_dict

    if text is None or text == "-":
        if sys.stdin.isatty():
            fail("paste the error message as an argument, or pipe it in")
        text = sys.stdin.read()
    else:
        try:
            text = explain_text(text)
        except LstmdiagError as exc:
            fail(str(exc))
    spec = load_model(model) if model else None
    result = run_explain(text, spec, model, data)
    if result is None:
        _declined(text, format)
    assert result is not None
    if format is ModelFormat.json:
        import json

        typer.echo(json.dumps({"recognised": True, **to_dict(result)}, indent=2))
        return
    from ..render.table import explain_view

    stdout().print(explain_view(result), soft_wrap=True)


def _declined(text: str, format: ModelFormat) -> None:
    """It never guesses: it says what it read, and exits 1."""
    from ..judge.error_text import understood, understood_line
    from ..render.safe import literal

    read = understood(text)
    if format is ModelFormat.json:
        import dataclasses
        import json

        typer.echo(json.dumps({"recognised": False, "understood": dataclasses.asdict(read)}))
    else:
        lead = (
            "Not recognised as a shape error"
            if read.topic
            else "Not recognised: this does not look like a shape error lstmdiag knows"
        )
        stderr().print(
            literal(f"{lead}. Understood: {understood_line(read)}. Try: lstmdiag check MODEL DATA"),
            soft_wrap=True,
        )
    raise typer.Exit(1)
