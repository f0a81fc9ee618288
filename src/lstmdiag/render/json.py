"""``--format json``: exactly one JSON object on stdout.

The text is byte for byte ``json.dumps(obj, indent=2)``, written by :func:`write_json`, which
is about twice as fast (the standard library indents in pure Python) and writes in pieces: a
report on 100,000 arrays is 100 MB of JSON, never held whole."""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from json.encoder import encode_basestring_ascii as _str
from typing import Any, TextIO

from ..judge.findings import PATH_SLOT, QUOTED_SLOT, FileResult, Finding, Report
from ..model.spec import ModelSpec

FLUSH_AT = 4096  # pieces gathered before one write to the stream


def inspect_json(spec: ModelSpec) -> str:
    """The spec, with each input's axis roles (batch, time, features) added."""
    from ..judge.roles import axis_roles

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


_PATH_JSON, _QUOTED_JSON = _str(PATH_SLOT)[1:-1], _str(QUOTED_SLOT)[1:-1]


class _Shared:
    """Records that differ only by the array's path (thousands of files of a few shapes)
    written once as JSON, the path filled in per array: the same text, a fraction of the
    time. A finding filled in from a template (Finding.for_path) is written from the
    template's JSON; a file row from that of its other fields. Each shared text is tried
    once on a probe path against the record written whole, and used only if they agree."""

    def __init__(self) -> None:
        # key -> (what was written, kept alive for its id; its JSON in pieces, or None)
        self.written: dict[Any, tuple[object, _Pieces | None]] = {}

    def text(self, item: Finding | FileResult) -> Text:
        if isinstance(item, FileResult):
            key: Any = (item.key, item.input, item.shape, item.dtype, item.verdict, item.expected)
            key += (item.role,)
        elif item.template is not None:
            key = id(item.template)
        else:
            return Text(_written(item.to_dict()))
        kept = self.written.get(key)
        if kept is None:
            if len(self.written) >= 4096:
                self.written.clear()
            kept = self.written[key] = _shared_text(item)
        done = kept[1]
        if done is None or PATH_SLOT in item.path:
            return Text(_written(item.to_dict()))
        return Text(done.fill(item.path))


class _Pieces:
    """A record's JSON cut at its path slots: the JSON of the path, and of its shell-quoted
    form, go between the pieces (each slot is filled once; a path that spells out the JSON
    escape of the slot, ``\\u0000``, is then never taken for one)."""

    def __init__(self, done: str) -> None:
        self.quoted = [part.split(_PATH_JSON) for part in done.split(_QUOTED_JSON)]

    def fill(self, path: str) -> str:
        plain = _str(path)[1:-1]
        if len(self.quoted) == 1:
            return plain.join(self.quoted[0])
        quoted = _str(shlex.quote(path))[1:-1]
        return quoted.join(plain.join(parts) for parts in self.quoted)


_PROBE = "\x01probe dir/it's.npy"  # a path that needs quoting, and no NUL


def _shared_text(item: Finding | FileResult) -> tuple[object, _Pieces | None]:
    if isinstance(item, FileResult):
        source: Finding | FileResult = replace(item, path=PATH_SLOT)
        probe: Finding | FileResult = replace(item, path=_PROBE)
    else:
        assert item.template is not None
        source, probe = item.template, item.template.for_path(_PROBE)
    pieces = _Pieces(_written(source.to_dict()))
    return source, pieces if pieces.fill(_PROBE) == _written(probe.to_dict()) else None


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
