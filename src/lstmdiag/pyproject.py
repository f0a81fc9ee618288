"""Project configuration: ``[tool.lstmdiag]`` in pyproject.toml (or ``--config PATH``), read
and validated into Settings. What a command makes of it with its options: settings.py.

```toml
[tool.lstmdiag]
model = "models/model.keras"
inputs = ["data/"]
fail-on = "warning"          # or "error"
ignore = ["dtype"]           # finding kinds to drop
deep = false
format = "table"             # table | json | github | junit | sarif
glob = ["*.npy"]
input = { audio = "data/audio/" }   # model input -> path
exclude = ["*_meta.npy"]     # arrays to leave out (check and pad)
storage-options = { profile = "ci" }   # for s3:// gs:// az:// https:// paths (fsspec)
concurrency = 32             # objects read at once over the network
dask = "tcp://scheduler:8786"   # or "local"; LSTMDIAG_DASK and --dask win

[tool.lstmdiag.pad]
out = "padded/"              # or stack = "padded.npy": a bare `lstmdiag pad` then works
padding = "post"
truncating = "post"
value = 0.0                  # or "auto"
dtype = "float32"
mask = true
```
Paths are relative to the file's folder. Unknown keys are errors, named.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .data import remote
from .errors import LstmdiagError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CHECK_KEYS = {
    "model",
    "inputs",
    "fail-on",
    "ignore",
    "deep",
    "format",
    "glob",
    "input",
    "pad",
    "window",
    "exclude",
    "storage-options",
    "concurrency",
    "dask",
}
WINDOW_KEYS = {"out", "stack", "timesteps", "stride", "rate"}
PAD_KEYS = {
    "padding",
    "truncating",
    "value",
    "dtype",
    "mask",
    "maxlen",
    "sequence-files",
    "out",
    "stack",
}


@dataclass(frozen=True)
class Settings:
    source: str | None = None
    model: str | None = None
    inputs: tuple[str, ...] = ()
    fail_on: str | None = None
    ignore: tuple[str, ...] = ()
    deep: bool | None = None
    format: str | None = None
    glob: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    input_map: dict[str, str] = field(default_factory=dict)
    pad: dict[str, Any] = field(default_factory=dict)
    window: dict[str, Any] = field(default_factory=dict)
    storage_options: dict[str, Any] = field(default_factory=dict)
    concurrency: int | None = None
    dask: str | None = None


def _find_pyproject(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def _rel(base: Path, value: str) -> str:
    if os.path.isabs(value) or remote.is_url(value):
        return value
    joined = base / value
    try:
        return os.path.relpath(joined)
    except ValueError:
        return str(joined)


def _strings(value: Any, key: str, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise LstmdiagError(f"{where}: '{key}' must be a string or a list of strings")


def _check_pad(pad: dict[str, Any], where: str) -> None:
    for key in ("padding", "truncating"):
        if key in pad and pad[key] not in ("pre", "post"):
            raise LstmdiagError(f'{where}: \'{key}\' must be "pre" or "post"')
    for key in ("mask", "sequence-files"):
        if key in pad and not isinstance(pad[key], bool):
            raise LstmdiagError(f"{where}: '{key}' must be true or false")
    value = pad.get("value", 0.0)
    if value != "auto" and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise LstmdiagError(f"{where}: 'value' must be a number or \"auto\"")
    maxlen = pad.get("maxlen", 1)
    if maxlen != "auto" and (isinstance(maxlen, bool) or not isinstance(maxlen, int)):
        raise LstmdiagError(f"{where}: 'maxlen' must be a whole number or \"auto\"")
    for key in ("dtype", "out", "stack"):
        if key in pad and not isinstance(pad[key], str):
            raise LstmdiagError(f"{where}: '{key}' must be a string")


def load_settings(path: str | None = None, cwd: Path | None = None) -> Settings:
    """Read [tool.lstmdiag] from ``path``, or from the nearest pyproject.toml upward."""
    found = _read_table(path, cwd)
    if found is None:
        return Settings()
    file, table = found
    where = f"{file} [tool.lstmdiag]"
    for key in table:
        if key not in CHECK_KEYS:
            raise LstmdiagError(
                f"{where}: unknown key '{key}' (known: {', '.join(sorted(CHECK_KEYS))})"
            )
    pad = _pad_table(table.get("pad", {}), where)
    window = _window_table(table.get("window", {}), f"{where}.window")
    model, mapping, fail_on, deep = _check_keys(table, where)
    storage, concurrency, dask = _remote_keys(table, where)
    fmt = table.get("format")
    if fmt is not None and fmt not in ("table", "json", "github", "junit", "sarif"):
        raise LstmdiagError(f"{where}: 'format' must be table, json, github, junit or sarif")
    base = file.parent
    return Settings(
        source=str(file),
        model=_rel(base, model) if model else None,
        inputs=tuple(_rel(base, p) for p in _strings(table.get("inputs", []), "inputs", where)),
        fail_on=fail_on,
        ignore=_strings(table.get("ignore", []), "ignore", where),
        deep=deep,
        format=fmt,
        glob=_strings(table.get("glob", []), "glob", where),
        exclude=_strings(table.get("exclude", []), "exclude", where),
        input_map={name: _rel(base, p) for name, p in mapping.items()},
        pad={
            **pad,
            **{k: _rel(base, pad[k]) for k in ("out", "stack") if k in pad},
        },
        window={
            **window,
            **{k: _rel(base, window[k]) for k in ("out", "stack") if k in window},
        },
        storage_options=storage,
        concurrency=concurrency,
        dask=dask,
    )


def _read_table(path: str | None, cwd: Path | None) -> tuple[Path, dict[str, Any]] | None:
    """The configuration file and its [tool.lstmdiag] table (a file given with --config
    may also be the table itself); None when there is none to read."""
    if path is not None:
        file = Path(path)
        if not file.is_file():
            raise LstmdiagError(f"--config {path}: no such file")
    else:
        found = _find_pyproject(cwd or Path.cwd())
        if found is None:
            return None
        file = found
    where = str(file)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise LstmdiagError(f"{where}: cannot read the configuration ({exc})") from None
    table = (
        data.get("tool", {}).get("lstmdiag")
        if file.name == "pyproject.toml"
        else (data.get("tool", {}).get("lstmdiag", data))
    )
    if table is None:
        if path is not None:
            raise LstmdiagError(f"{where}: no [tool.lstmdiag] table")
        return None
    if not isinstance(table, dict):
        raise LstmdiagError(f"{where}: [tool.lstmdiag] must be a table")
    return file, table


def _pad_table(pad: Any, where: str) -> dict[str, Any]:
    if not isinstance(pad, dict):
        raise LstmdiagError(f"{where}: 'pad' must be a table")
    for key in pad:
        if key not in PAD_KEYS:
            raise LstmdiagError(
                f"{where}.pad: unknown key '{key}' (known: {', '.join(sorted(PAD_KEYS))})"
            )
    _check_pad(pad, f"{where}.pad")
    return pad


def _check_keys(
    table: dict[str, Any], where: str
) -> tuple[str | None, dict[str, str], str | None, bool | None]:
    """``model``, ``input``, ``fail-on`` and ``deep``, each of the right type."""
    model = table.get("model")
    if model is not None and not isinstance(model, str):
        raise LstmdiagError(f"{where}: 'model' must be a string")
    mapping = table.get("input", {})
    if not isinstance(mapping, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
    ):
        raise LstmdiagError(f"{where}: 'input' must map input names to paths")
    fail_on = table.get("fail-on")
    if fail_on is not None and fail_on not in ("error", "warning"):
        raise LstmdiagError(f'{where}: \'fail-on\' must be "error" or "warning"')
    deep = table.get("deep")
    if deep is not None and not isinstance(deep, bool):
        raise LstmdiagError(f"{where}: 'deep' must be true or false")
    return model, mapping, fail_on, deep


def _remote_keys(
    table: dict[str, Any], where: str
) -> tuple[dict[str, Any], int | None, str | None]:
    storage = table.get("storage-options", {})
    if not isinstance(storage, dict):
        raise LstmdiagError(f"{where}: 'storage-options' must be a table")
    concurrency = table.get("concurrency")
    if concurrency is not None and (
        isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1
    ):
        raise LstmdiagError(f"{where}: 'concurrency' must be a whole number >= 1")
    dask = table.get("dask")
    if dask is not None and not isinstance(dask, str):
        raise LstmdiagError(f"{where}: 'dask' must be a scheduler address or \"local\"")
    return storage, concurrency, dask


def _window_table(window: Any, where: str) -> dict[str, Any]:
    if not isinstance(window, dict):
        raise LstmdiagError(f"{where}: must be a table")
    for key, value in window.items():
        if key not in WINDOW_KEYS:
            raise LstmdiagError(
                f"{where}: unknown key '{key}' (known: {', '.join(sorted(WINDOW_KEYS))})"
            )
        if key in ("out", "stack") and not isinstance(value, str):
            raise LstmdiagError(f"{where}: '{key}' must be a string")
        if key in ("timesteps", "stride", "rate") and (
            isinstance(value, bool) or not isinstance(value, int) or value < 1
        ):
            raise LstmdiagError(f"{where}: '{key}' must be a whole number >= 1")
    return dict(window)
