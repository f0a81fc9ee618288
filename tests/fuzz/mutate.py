"""Mutations of real files, as a broken disk, a bad upload or a careless edit makes them:
byte flips, truncation at structural boundaries, edited .npy header fields, and structural
JSON edits (for .json architectures and a .keras archive's config.json). Pure functions of
(bytes, rng): a seed reproduces every case."""

from __future__ import annotations

import io
import json
import random
import re
import struct
import zipfile
from collections.abc import Callable
from typing import Any

Mutation = Callable[[bytes, random.Random], bytes]


def flip(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice((1, 1, 2, 4, 16))):
        if out:
            out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    return bytes(out)


def overwrite(data: bytes, rng: random.Random) -> bytes:
    """A run of bytes set to one hostile value (0x00, 0xff, a huge length)."""
    if not data:
        return data
    out = bytearray(data)
    at = rng.randrange(len(out))
    run = rng.choice((b"\x00" * 8, b"\xff" * 8, struct.pack("<q", -1), struct.pack("<Q", 2**62)))
    out[at : at + len(run)] = run
    return bytes(out[: len(data)])


def boundaries(data: bytes) -> list[int]:
    """Offsets where a format changes section: npy header end, zip records, HDF5 superblock."""
    points = {0, 1, 6, 8, 10, 12, len(data) // 2, len(data) - 1, len(data) - 22}
    if data[:6] == b"\x93NUMPY":
        points.add(data.find(b"\n") + 1)
    for sig in (b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06"):
        points.update(m.start() for m in re.finditer(re.escape(sig), data))
    if data[:8] == b"\x89HDF\r\n\x1a\n":
        points.update((8, 16, 24, 48, 96, 512, 1024, 2048, 4096))
    return sorted(p for p in points if 0 <= p < len(data))


def truncate(data: bytes, rng: random.Random) -> bytes:
    if rng.random() < 0.6:
        return data[: rng.choice(boundaries(data) or [0])]
    return data[: rng.randrange(len(data) + 1)]


_HEADER_EDITS = (
    ("'shape': (", "'shape': (-1, "),
    ("'shape': (", "'shape': (99999999999999, 99999999999, "),
    ("'shape': (", "'shape': (0, "),
    ("'shape': (", "'shape': ((1,), "),
    ("'shape': (", "'shape': ('a', "),
    ("'descr': '", "'descr': 'V9"),
    ("'descr': '", "'descr': '|O"),
    ("'descr': '", "'descr': '<U"),
    ("'descr': '", "'descr': [('a', '<f4'), ('b', '"),
    ("'descr': '", "'descr': 'zz"),
    ("'descr': '<f4'", "'descr': '<U1'"),  # valid text dtypes of the same item size:
    ("'descr': '<f4'", "'descr': '|S4'"),  # numpy names them str32 and bytes32
    ("'fortran_order': False", "'fortran_order': True"),
    ("'fortran_order': False", "'fortran_order': 7"),
    ("{", "{'extra': 1, "),
    ("}", ""),
    ("'", '"'),
    (",", ""),
    ("(", "(("),
)


def npy_header(data: bytes, rng: random.Random) -> bytes:
    """An edited header: a field changed, the version bytes, or the header length."""
    if data[:6] != b"\x93NUMPY" or len(data) < 10:
        return flip(data, rng)
    choice = rng.randrange(4)
    if choice == 0:  # version
        return data[:6] + bytes((rng.choice((0, 1, 2, 3, 9, 255)), 0)) + data[8:]
    if choice == 1:  # the header length field
        return data[:8] + struct.pack("<H", rng.choice((0, 1, 10, 65535))) + data[10:]
    end = 10 + struct.unpack("<H", data[8:10])[0]
    header = data[10:end].decode("latin1")
    old, new = rng.choice(_HEADER_EDITS)
    edited = header.replace(old, new, 1).encode("latin1")
    if choice == 2:  # keep the length field honest, so the edit itself is what is read
        return data[:8] + struct.pack("<H", len(edited)) + edited + data[end:]
    return data[:10] + edited + data[end:]


# -- JSON ---------------------------------------------------------------------------------------
_VALUES: tuple[Any, ...] = (
    None,
    True,
    -1,
    0,
    10**30,
    -(10**30),
    float("nan"),
    float("inf"),
    1e308,
    "",
    "x" * 100_000,
    "\x1b[31mred\x1b[0m",
    [],
    {},
    [None],
    {"class_name": "Lambda", "config": {}},
)


_DEEP = "\u0000deep:"


def _paths(node: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [here]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*here, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*here, i))
    return out


def _edit(doc: Any, rng: random.Random) -> Any:
    paths = [p for p in _paths(doc) if p]
    if not paths:
        return rng.choice(_VALUES)
    path = rng.choice(paths)
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    action = rng.randrange(4)
    if action == 0 and isinstance(parent, dict):
        del parent[last]  # a key dropped
    elif action == 1:
        parent[last] = rng.choice(_VALUES)  # a type swapped, a huge/negative/NaN number
    elif action == 2:  # deep nesting: written as text (json.dumps itself would recurse)
        parent[last] = f"{_DEEP}{rng.choice((50, 500, 5000))}"
    else:
        value = parent[last]
        if isinstance(value, int | float) and not isinstance(value, bool):
            parent[last] = rng.choice((-value, value * 10**9, 0, -1))
        elif isinstance(value, str):
            parent[last] = value * rng.choice((2, 1000))
        else:
            parent[last] = rng.choice(_VALUES)
    return doc


def json_edit(data: bytes, rng: random.Random) -> bytes:
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):
        return flip(data, rng)
    for _ in range(rng.choice((1, 1, 3))):
        doc = _edit(doc, rng)
    text = json.dumps(doc, allow_nan=True)
    return re.sub(
        f'"{_DEEP}(\\d+)"', lambda m: "[" * int(m.group(1)) + "0" + "]" * int(m.group(1)), text
    ).encode()


def keras_config(data: bytes, rng: random.Random) -> bytes:
    """A .keras archive with its config.json (or metadata.json) structurally edited."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            members = {i.filename: z.read(i) for i in z.infolist()}
    except (zipfile.BadZipFile, OSError, ValueError):
        return flip(data, rng)
    name = rng.choice([n for n in members if n.endswith(".json")] or list(members))
    members[name] = json_edit(members[name], rng)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n, content in members.items():
            z.writestr(n, content)
    return buf.getvalue()


def mutations_for(name: str) -> list[Mutation]:
    """The mutations that make sense for a file of this name (every file gets the generic)."""
    out: list[Mutation] = [flip, flip, overwrite, truncate, truncate]
    if name.endswith(".npy"):
        out += [npy_header] * 4
    if name.endswith(".json"):
        out += [json_edit] * 4
    if name.endswith(".keras"):
        out += [keras_config] * 4
    return out
