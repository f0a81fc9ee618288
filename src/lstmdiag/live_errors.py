"""``lstmdiag.explain_exception``: the exception just raised, diagnosed from what its
traceback holds (the live model and the arrays that were passed to it), before its text.

The frames are read, never run: the call is found in Keras's own frames (``fit``'s ``self``,
``x`` and ``y``, kept by tf-keras), or in the caller's source line (Keras 3 filters its own
frames out), where names are looked up in the frame and attributes read statically. The fix
names the caller's variables (``x_train``), as Python."""

from __future__ import annotations

import ast
import inspect
import linecache
import re
import sys
import textwrap
import traceback
from dataclasses import dataclass, replace
from types import FrameType, TracebackType
from typing import Any

from .errors import LstmdiagError
from .judge.diagnosis import Alternative, Diagnosis
from .judge.explain import explain
from .judge.findings import Finding, Severity
from .model.live import is_live_model, read_live

# The calls that feed a model data: their x (and y) are what the model was given
_METHODS = frozenset(
    {"fit", "predict", "evaluate", "train_on_batch", "predict_on_batch", "test_on_batch"}
)
_LIBRARIES = re.compile(r"[\\/](?:keras|tf_keras|tensorflow|site-packages|dist-packages)[\\/]")


# What to do where check prints no fix (no change to the array can make it right)
_NO_FIX = {"features": "build the features the model was trained with (the same preprocessing)"}


@dataclass(frozen=True)
class Call:
    """A failing call: the model, what it was given, and the caller's names for them."""

    model: Any
    x: Any
    y: Any
    x_name: str = "x"
    y_name: str = "y"
    model_name: str = "model"


def explain_exception(exc: BaseException | None = None) -> Diagnosis | None:
    """The diagnosis of ``exc`` (default: the exception being handled, else
    ``sys.last_value``), or None when it is not a shape error lstmdiag knows.

    With the model and the arrays in the traceback, the diagnosis is the check of those
    arrays (its ``findings`` attached); else, or when they pass, the exception's text is
    explained (with the model, when one was found)."""
    exc = exc if exc is not None else sys.exc_info()[1] or getattr(sys, "last_value", None)
    if exc is None:
        return None
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    call = find_call(exc.__traceback__)
    if call is None:
        found = explain(text)
        return None if found is None else found.diagnosis
    try:
        spec = read_live(call.model)
    except LstmdiagError:
        found = explain(text)
        return None if found is None else _named(found.diagnosis, call)
    checked = _checked(call)
    if checked is not None:
        return checked
    found = explain(text + _compiled_loss(call.model), model=spec)
    return None if found is None else _named(found.diagnosis, call)


def _compiled_loss(model: Any) -> str:
    """The model's compiled loss, as a line of evidence for the text (read statically)."""
    try:
        loss = inspect.getattr_static(model, "loss")
    except AttributeError:
        return ""
    name = loss if isinstance(loss, str) else getattr(loss, "name", type(loss).__name__)
    return f"\n(the model was compiled with loss={name})" if isinstance(name, str) else ""


def _checked(call: Call) -> Diagnosis | None:
    """The first error the check of the call's x finds, as a diagnosis."""
    from .api import check

    try:
        report = check(call.model, call.x, deep=True)  # in memory: the values are at hand
    except LstmdiagError:
        return None
    errors = [f for f in report.findings if f.severity is Severity.ERROR]
    if not errors:
        return None
    first = errors[0]
    return _named(_from_finding(first, report.findings), call)


def _from_finding(f: Finding, findings: tuple[Finding, ...]) -> Diagnosis:
    return Diagnosis(
        f.kind.value,
        f.culprit,
        f.message.split(": ", 1)[0],
        f.message,
        f.fix or _NO_FIX.get(f.kind.value, ""),
        f.expected,
        f.found,
        alternatives=tuple(Alternative(k, fix, when) for k, fix, when in f.alternatives),
        findings=findings,
    )


def _named(d: Diagnosis, call: Call) -> Diagnosis:
    """The diagnosis with the caller's names for x and y in its fixes."""

    def rename(text: str) -> str:
        for name, own in ((call.x_name, "x"), (call.y_name, "y")):
            if name != own:
                text = re.sub(rf"(?<![\w.'\"]){own}(?![\w'\"])", name, text)
        if call.model_name != "model":
            text = re.sub(
                r"(?<![\w.])model\.(predict|fit|evaluate)\(", rf"{call.model_name}.\1(", text
            )
        return text

    return replace(
        d,
        fix=rename(d.fix),
        alternatives=tuple(replace(a, fix=rename(a.fix)) for a in d.alternatives),
    )


# -- finding the call -------------------------------------------------------------------------
def find_call(tb: TracebackType | None) -> Call | None:
    """The outermost call that fed a live model data, from Keras's frames or the caller's
    source line."""
    frames: list[tuple[FrameType, int]] = []
    while tb is not None:
        frames.append((tb.tb_frame, tb.tb_lasti))
        tb = tb.tb_next
    return _from_keras_frames(frames) or _from_source(frames)


def _from_keras_frames(frames: list[tuple[FrameType, int]]) -> Call | None:
    for index, (frame, _) in enumerate(frames):
        if frame.f_code.co_name not in _METHODS | {"__call__"}:
            continue
        local = frame.f_locals
        model = local.get("self")
        if not is_live_model(model):
            continue
        x = local.get("x", local.get("inputs"))
        if x is None:
            continue
        y = local.get("y")
        outer = [f for f, _ in frames[:index] if not _library(f)]
        names = (_name_of(v, outer, d) for v, d in ((x, "x"), (y, "y"), (model, "model")))
        return Call(model, x, y, *names)
    return None


def _from_source(frames: list[tuple[FrameType, int]]) -> Call | None:
    for frame, lasti in frames:
        if _library(frame):
            continue
        tree = _statement(frame, lasti)
        if tree is None:
            continue
        for node in ast.walk(tree):
            call = _model_call(node, frame) if isinstance(node, ast.Call) else None
            if call is not None:
                return call
    return None


def _model_call(node: ast.Call, frame: FrameType) -> Call | None:
    func = node.func
    target = func.value if isinstance(func, ast.Attribute) and func.attr in _METHODS else func
    model = _lookup(target, frame)
    if not is_live_model(model):
        return None
    x_node = _argument(node, 0, ("x", "inputs"))
    y_node = _argument(node, 1, ("y",)) if target is not func else None
    x = _lookup(x_node, frame)
    if x is None:
        return None
    y = _lookup(y_node, frame)
    return Call(model, x, y, _name(x_node, "x"), _name(y_node, "y"), _name(target, "model"))


def _argument(node: ast.Call, position: int, keywords: tuple[str, ...]) -> ast.expr | None:
    for kw in node.keywords:
        if kw.arg in keywords:
            return kw.value
    return node.args[position] if len(node.args) > position else None


def _lookup(node: ast.expr | None, frame: FrameType) -> Any:
    """A name's or attribute chain's value in the frame, read without running code (no
    properties, no __getattr__); None when it cannot be read so."""
    if isinstance(node, ast.Name):
        for scope in (frame.f_locals, frame.f_globals, frame.f_builtins):
            if node.id in scope:
                return scope[node.id]
        return None
    if isinstance(node, ast.Attribute):
        base = _lookup(node.value, frame)
        if base is None:
            return None
        try:
            value = inspect.getattr_static(base, node.attr)
        except AttributeError:
            return None
        return None if hasattr(value, "__get__") and not is_live_model(value) else value
    return None


def _name(node: ast.expr | None, default: str) -> str:
    return node.id if isinstance(node, ast.Name) else default


def _name_of(obj: Any, frames: list[FrameType], default: str) -> str:
    """The caller's variable that holds ``obj`` (innermost caller first)."""
    if obj is None:
        return default
    for frame in reversed(frames):
        for name, value in frame.f_locals.items():
            if value is obj and name.isidentifier() and not name.startswith("_"):
                return name
    return default


def _statement(frame: FrameType, lasti: int) -> ast.Module | None:
    """The expression the frame was executing (Python 3.11+: exactly, from the code's
    positions; else its line), parsed; None without source."""
    code = frame.f_code
    span = (frame.f_lineno, frame.f_lineno, None, None)
    positions = getattr(code, "co_positions", None)
    if positions is not None:
        spans = list(positions())
        if 0 <= lasti // 2 < len(spans) and spans[lasti // 2][0] is not None:
            span = spans[lasti // 2]
    first, last, start, stop = span
    lines = [linecache.getline(code.co_filename, n) for n in range(first, (last or first) + 1)]
    if not any(lines):
        return None
    texts = [textwrap.dedent("".join(lines)).strip()]
    if start is not None and stop is not None:  # the expression alone (offsets in UTF-8)
        raw = [line.encode() for line in lines]
        raw[-1] = raw[-1][:stop]  # first: on one line, both cuts are of the same line
        raw[0] = raw[0][start:]
        texts.insert(0, b"".join(raw).decode(errors="replace"))
    for text in texts:
        try:
            return ast.parse(text)
        except SyntaxError:
            continue
    return None


def _library(frame: FrameType) -> bool:
    return bool(_LIBRARIES.search(frame.f_code.co_filename))
