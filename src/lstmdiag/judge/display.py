"""How results show themselves in Jupyter and in rich, without the judging stage knowing how.

``Report`` and ``Diagnosis`` ask this registry for a renderer (``_repr_html_``, ``__rich__``);
the surface fills it (``lstmdiag.display``, when the package is imported). With nothing
registered, Jupyter shows the repr and rich prints it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

Format = Literal["html", "rich"]

RENDERERS: dict[Format, Callable[[Any], Any]] = {}


def register(fmt: Format, renderer: Callable[[Any], Any]) -> None:
    """``renderer(result)``: an HTML string for "html", a rich renderable for "rich"."""
    RENDERERS[fmt] = renderer


def html(result: object) -> str | None:
    """``result`` as HTML, or None when no renderer is registered."""
    renderer = RENDERERS.get("html")
    return None if renderer is None else str(renderer(result))


def rich(result: object) -> Any:
    """``result`` as a rich renderable; its repr when no renderer is registered."""
    renderer = RENDERERS.get("rich")
    return repr(result) if renderer is None else renderer(result)
