"""``lstmdiag explain``: a pasted Keras/TensorFlow error in, the cause and the fix out.

This module only *reads* messages: which family a text belongs to, the shapes and the layer
it names, and what the traceback says about when it was raised (while building the model,
or while feeding data). What that evidence means is decided in :mod:`.diagnosis`, the same
engine `check` uses. Messages come as users paste them: ANSI colours, markdown, ``[ ]`` or
``( )`` shapes, Python 2 longs (``10L``), full-width commas, wrapped lines. Text that is not
an input/target shape error is declined (``None``): declining beats guessing.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model.spec import ModelSpec
from .diagnosis import Diagnosis, Fixes
from .error_text import Context, clean, pasted, raised_in_fit
from .families import RECOGNISERS


@dataclass(frozen=True)
class Explanation:
    diagnosis: Diagnosis
    matched: str  # the part of the message that was recognised


def explain(
    text: str,
    model: ModelSpec | None = None,
    model_arg: str | None = None,
    data: list[str] | None = None,
) -> Explanation | None:
    """The cause of the first recognised error in ``text`` (most specific family first),
    or None when it is not an input/target shape error lstmdiag knows."""
    flat, raw = clean(text), pasted(text)
    fixes = Fixes(
        data=data[0] if data and len(data) == 1 else None,
        model=model_arg,
        masked=bool(model and model.masking),
        fitting=raised_in_fit(raw),
    )
    ctx = Context(model, fixes, raw)
    for pattern, build in RECOGNISERS:
        match = pattern.search(flat)
        if match:
            result = build(match, ctx)
            if result is not None:
                return Explanation(result, match.group(0))
            return None
    return None


def to_dict(e: Explanation) -> dict[str, object]:
    d = e.diagnosis
    return {
        "kind": d.kind,
        "culprit": d.culprit,
        "decided": d.decided,
        "when": d.when or None,
        "decides": d.decides or None,
        "title": d.title,
        "cause": d.cause,
        "fix": d.fix,
        "expected": None if d.expected is None else list(d.expected),
        "found": None if d.found is None else list(d.found),
        "axis": d.axis,
        "alternatives": [{"kind": a.kind, "fix": a.fix, "when": a.why} for a in d.alternatives],
        "matched": e.matched,
    }
