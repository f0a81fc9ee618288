"""Strings from files in rich output: shown exactly, never read as markup (see lstmdiag.text)."""

from __future__ import annotations

from rich.text import Text

from ..text import visible


def literal(text: object, style: str = "") -> Text:
    """A rich Text that shows ``text`` exactly (no markup), control characters visible."""
    return Text(visible(text), style=style)
