"""Fills the judging stage's display registry (lstmdiag.judge.display) with the surface's
renderers, so a Report or a Diagnosis shows as HTML in Jupyter and as a table in rich.

Run when the package is imported (every way to a result goes through it); rich and the
renderers themselves are imported only when something is shown.
"""

from __future__ import annotations

from typing import Any

from .judge import display


def _html(result: Any) -> str:
    from .render.html import to_html

    return to_html(result)


def _rich(result: Any) -> Any:
    from .judge.findings import Report
    from .render.table import check_view, diagnosis_panel

    return check_view(result) if isinstance(result, Report) else diagnosis_panel(result)


def register_renderers() -> None:
    """The HTML and rich views of results, for ``_repr_html_`` and ``__rich__``."""
    display.register("html", _html)
    display.register("rich", _rich)
