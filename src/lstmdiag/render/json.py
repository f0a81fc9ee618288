"""``--format json``: exactly one JSON object on stdout.

The text is byte for byte ``json.dumps(obj, indent=2)``, written by :func:`write_json`, which
is about twice as fast (the standard library indents in pure Python) and writes in pieces: a
report on 100,000 arrays is 100 MB of JSON, never held whole."""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring_ascii as _str
from typing import Any, TextIO

from ..findings import FileResult, Finding, Report
from ..model.spec import ModelSpec

FLUSH_AT = 4096  # pieces gathered before one write to the stream


def inspect_json(spec: ModelSpec) -> str:
    """The spec, with each input's axis roles (batch, time, features) added."""
    from ..roles import axis_roles

    data = spec.to_dict()
    for item, inp in zip(data["inputs"], spec.inputs, strict=True):
        item["axes"] = list(axis_roles(spec, inp))
    return json.dumps(data, indent=2)


def check_json(report: Report) -> str:
    pieces: list[str] = []
    write_json(_report_tree(report), pieces)
    return "".join(pieces)


def write_check_json(report: Report, stream: TextIO) -> None:
    """The report's JSON and a newline on ``stream``, in pieces as it is made."""
    pieces: list[str] = []

    def flush() -> None:
        stream.write("".join(pieces))
        pieces.clear()

    write_json(_report_tree(report), pieces, flush=flush)
    pieces.append("\n")
    flush()
    stream.flush()


@dataclass(frozen=True)
class Lazy:
    """A JSON list whose items are converted (``convert``) only as they are written."""

    items: Sequence[Any]
    convert: Callable[[Any], Any]


def _report_tree(report: Report) -> dict[str, Any]:
    """``report.to_dict()``, with the per-array lists converted as they are written."""
    tree = report.to_dict(lazy=True)
    shared = _Shared()
    tree["files"] = Lazy(report.files, shared.text)
    tree["findings"] = Lazy(report.findings, shared.text)
    return tree


class Text(str):
    """JSON already written (at the depth of a Lazy list's items)."""


# Stand-ins for an array's path (and its shell-quoted form) in a record written once for
# many arrays; no path or message holds a NUL byte, which is checked.
_PATH, _QUOTED = "\x00\x02", "\x00\x01"
_PATH_JSON, _QUOTED_JSON = _str(_PATH)[1:-1], _str(_QUOTED)[1:-1]


class _Shared:
    """Records that differ only by the array's path (thousands of files of a few shapes)
    written once as JSON, the path filled in per array: the same text, a fraction of the
    time. A record whose own strings hold a stand-in is written as it is."""

    def __init__(self) -> None:
        self.written: dict[tuple[Any, ...], str] = {}

    def text(self, item: Finding | FileResult) -> Text:
        path = item.path
        if not _clean(path, item.key or "", item.input or ""):
            return Text(_written(item.to_dict()))
        quoted = shlex.quote(path)
        if isinstance(item, FileResult):
            record: tuple[Any, ...] = (
                FileResult,
                item.key,
                item.input,
                item.shape,
                item.dtype,
                item.verdict,
                item.expected,
                item.role,
            )
        else:
            slotted = _finding_record(item, quoted)
            if slotted is None:
                return Text(_written(item.to_dict()))
            record = slotted
        done = self.written.get(record)
        if done is None:
            if len(self.written) >= 4096:
                self.written.clear()
            done = self.written[record] = _written(_from_record(record).to_dict())
        return Text(
            done.replace(_PATH_JSON, _str(path)[1:-1]).replace(_QUOTED_JSON, _str(quoted)[1:-1])
        )


def _clean(*texts: str) -> bool:
    """No stand-in in these strings, nor in their JSON (a NUL, or its escape spelled out)."""
    said = "\n".join(texts)
    return "\x00" not in said and "\\u0000" not in said


def _finding_record(f: Finding, quoted: str) -> tuple[Any, ...] | None:
    """The finding with its path stood in for, or None when its text already holds a
    stand-in (a NUL byte, or the JSON escape of one)."""
    path = f.path
    if not _clean(f.message, f.fix or "", *(t for alt in f.alternatives for t in alt)):
        return None

    def slot(text: str) -> str:
        return text.replace(quoted, _QUOTED).replace(path, _PATH)

    message, fix = slot(f.message), None if f.fix is None else slot(f.fix)
    alternatives = tuple((k, slot(fix), slot(when)) for k, fix, when in f.alternatives)
    return (
        Finding,
        f.kind,
        f.severity,
        f.key,
        f.input,
        f.expected,
        f.found,
        message,
        fix,
        f.culprit,
        alternatives,
    )


def _from_record(record: tuple[Any, ...]) -> Finding | FileResult:
    kind, *fields = record
    return (
        kind(fields[0], fields[1], _PATH, *fields[2:]) if kind is Finding else kind(_PATH, *fields)
    )


def _written(tree: Any) -> str:
    pieces: list[str] = []
    write_json(tree, pieces, "\n    ")  # the depth of a report's per-array records
    return "".join(pieces)


def write_json(
    o: Any, out: list[str], newline: str = "\n", flush: Callable[[], None] | None = None
) -> None:
    """``json.dumps(o, indent=2)`` appended to ``out`` in pieces; ``newline`` ends each line
    at o's depth. ``flush`` empties ``out`` once it is long, between items of a Lazy list."""
    write = out.append
    kind = type(o)
    if kind is Text:
        write(o)
    elif kind is str:
        write(_str(o))
    elif kind is dict and all(type(k) is str for k in o):
        if not o:
            write("{}")
            return
        inner = newline + "  "
        sep = "{" + inner
        for key, value in o.items():
            if type(value) is str:
                write(f"{sep}{_str(key)}: {_str(value)}")
            else:
                write(f"{sep}{_str(key)}: ")
                write_json(value, out, inner, flush)
            sep = "," + inner
        write(newline + "}")
    elif kind is list or kind is tuple:
        if not o:
            write("[]")
            return
        inner = newline + "  "
        sep = "[" + inner
        for value in o:
            write(sep)
            write_json(value, out, inner, flush)
            sep = "," + inner
        write(newline + "]")
    elif kind is Lazy:
        write_json([], out) if not o.items else _write_lazy(o, out, newline, flush)
    elif o is None:
        write("null")
    elif kind is int:
        write(int.__repr__(o))
    elif kind is bool:
        write("true" if o else "false")
    else:  # floats (NaN...), anything unusual: as the standard library writes them
        write(json.dumps(o, indent=2).replace("\n", newline))


def _write_lazy(o: Lazy, out: list[str], newline: str, flush: Callable[[], None] | None) -> None:
    inner = newline + "  "
    sep = "[" + inner
    for value in o.items:
        out.append(sep)
        write_json(o.convert(value), out, inner, flush)
        sep = "," + inner
        if flush is not None and len(out) >= FLUSH_AT:
            flush()
    out.append(newline + "]")
