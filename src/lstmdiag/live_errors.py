"""``lstmdiag.explain_exception``: the exception just raised, diagnosed from what its
traceback holds (the live model and the arrays passed to it) before its text."""

from __future__ import annotations

import sys
import traceback

from .judge.diagnosis import Diagnosis
from .judge.explain import explain


def explain_exception(exc: BaseException | None = None) -> Diagnosis | None:
    """The diagnosis of ``exc`` (default: the exception being handled, else
    ``sys.last_value``), or None when it is not a shape error lstmdiag knows."""
    exc = exc if exc is not None else sys.exc_info()[1] or getattr(sys, "last_value", None)
    if exc is None:
        return None
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    found = explain(text)
    return None if found is None else found.diagnosis
