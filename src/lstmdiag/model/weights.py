"""The weights as a second witness: the *shapes* (never the values) of each recurrent layer's
input kernel, read from HDF5 headers — a legacy ``.h5`` file's ``model_weights`` group, or the
``model.weights.h5`` member of a ``.keras`` zip.

A kernel is ``(features, gates x units)`` for LSTM (4), GRU (3) and SimpleRNN (1), and
``(*kernel_size, channels, 4 x filters)`` for ConvLSTM. So the feature count reaching a
recurrent layer is known from the file even where the config's shapes cannot be propagated
(a custom layer before it), and where both are known they must agree.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from dataclasses import replace
from typing import IO, Any

from ..data.info import Location, open_file
from .spec import ModelSpec, Note, RecurrentLayer

MAX_WEIGHTS_BYTES = 4 << 30  # a .keras weights member is read only up to this size


def _snake(name: str) -> str:
    """Keras 3's naming.to_snake_case for class names: LSTM -> lstm, ConvLSTM2D ->
    conv_lstm2d, SimpleRNN -> simple_rnn."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub("([a-z])([A-Z])", r"\1_\2", name)
    return name.lower()


def _keras3_paths(config: Any, prefix: str = "layers") -> dict[str, str]:
    """Config layer name -> weights path in model.weights.h5. Keras 3 stores a container's
    layers under their snake-cased class names made unique in order (lstm, lstm_1, ...)."""
    out: dict[str, str] = {}
    layers = config.get("layers") if isinstance(config, dict) else None
    if not isinstance(layers, list):
        return out
    used: dict[str, int] = {}
    for layer in layers:
        if not isinstance(layer, dict) or not isinstance(layer.get("class_name"), str):
            continue
        base = _snake(layer["class_name"])
        if base in used:
            used[base] += 1
            base = f"{base}_{used[base]}"
        else:
            used[base] = 0
        path = f"{prefix}/{base}"
        cfg = layer.get("config")
        name = cfg.get("name") if isinstance(cfg, dict) else None
        if isinstance(name, str):
            out[name] = path
        if isinstance(cfg, dict) and isinstance(cfg.get("layers"), list):
            out.update(_keras3_paths(cfg, f"{path}/layers"))
    return out


def _first_kernel(group: Any) -> tuple[int, ...] | None:
    """The input kernel under a recurrent layer's group: Keras 3 ``cell/vars/0`` (the forward
    layer's for Bidirectional), Keras 2 ``.../kernel:0`` (not the recurrent kernel)."""
    import h5py

    found: list[tuple[str, tuple[int, ...]]] = []

    def visit(name: str, obj: Any) -> None:
        if isinstance(obj, h5py.Dataset):
            found.append((name, tuple(int(d) for d in obj.shape)))

    group.visititems(visit)
    for name, shape in sorted(found):
        parts = name.split("/")
        leaf = parts[-1]
        if any(part.startswith("backward") for part in parts[:-1]):
            continue
        if leaf in ("0", "kernel:0", "kernel") and "recurrent" not in leaf and len(shape) >= 2:
            return shape
    return None


def keras3_kernels(path: Location, config: Any) -> dict[str, tuple[int, ...]]:
    import h5py

    paths = _keras3_paths(config.get("config") if isinstance(config, dict) else None)
    try:
        with open_file(path) as raw, zipfile.ZipFile(raw) as archive:
            info = archive.getinfo("model.weights.h5")
            if info.compress_type == zipfile.ZIP_STORED:
                member: io.RawIOBase | io.BytesIO = _Window(
                    raw, _data_offset(raw, info), info.file_size
                )
            elif info.file_size > MAX_WEIGHTS_BYTES:
                return {}
            else:
                member = io.BytesIO(archive.read(info))
            with h5py.File(member, "r") as f:
                return {
                    name: kernel
                    for name, where in paths.items()
                    if where in f and (kernel := _first_kernel(f[where])) is not None
                }
    except (KeyError, OSError, zipfile.BadZipFile, ValueError):
        return {}


def _data_offset(raw: IO[bytes], info: zipfile.ZipInfo) -> int:
    """Where a stored member's bytes start: after its local header (whose name and extra
    field lengths may differ from the central directory's)."""
    raw.seek(info.header_offset)
    local: bytes = raw.read(30)
    if len(local) < 30 or local[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("bad local file header")
    name_len, extra_len = struct.unpack("<HH", local[26:30])
    return int(info.header_offset) + 30 + int(name_len) + int(extra_len)


class _Window(io.RawIOBase):
    """Bytes ``[offset, offset + size)`` of a seekable file, as a file: h5py reads a stored
    ``model.weights.h5`` in place (only the blocks it touches; nothing inflated or copied)."""

    def __init__(self, base: IO[bytes], offset: int, size: int) -> None:
        self._base, self._offset, self._size, self._pos = base, offset, size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, pos: int, whence: int = 0) -> int:
        start = {0: 0, 1: self._pos, 2: self._size}[whence]
        self._pos = max(0, start + pos)
        return self._pos

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        count = max(0, min(len(view), self._size - self._pos))
        self._base.seek(self._offset + self._pos)
        data = self._base.read(count)
        view[: len(data)] = data
        self._pos += len(data)
        return len(data)


def legacy_kernels(file: Any) -> dict[str, tuple[int, ...]]:
    """Layer name -> input kernel shape from an open legacy HDF5 model file (layers of
    nested models too: their groups sit inside the outer model's)."""
    import h5py

    weights = file.get("model_weights")
    if weights is None:
        return {}
    out: dict[str, tuple[int, ...]] = {}
    groups: list[tuple[str, Any]] = []
    weights.visititems(
        lambda name, obj: groups.append((name, obj)) if isinstance(obj, h5py.Group) else None
    )
    for name, group in sorted(groups, key=lambda item: item[0].count("/")):
        layer = name.rsplit("/", 1)[-1]
        if layer in out:
            continue
        kernel = _first_kernel(group)
        if kernel is not None:
            out[layer] = kernel
    return out


def _features(layer: RecurrentLayer, kernel: tuple[int, ...]) -> int | None:
    if layer.class_name.startswith("ConvLSTM"):
        return kernel[-2] if len(kernel) >= 3 else None
    return kernel[0] if len(kernel) == 2 else None


def witness(spec: ModelSpec, kernels: dict[str, tuple[int, ...]]) -> ModelSpec:
    """``spec`` with unknown feature axes filled from the kernels, and every disagreement
    between the config and the weights said (never silently trusting either)."""
    if not kernels:
        return spec
    layers = []
    notes = list(spec.notes)
    for layer in spec.recurrent:
        kernel = kernels.get(layer.name)
        features = None if kernel is None else _features(layer, kernel)
        if features is None:
            layers.append(layer)
            continue
        shape = layer.input_shape
        if shape is None or shape[-1] is None:
            filled = (*(shape[:-1] if shape else (None, None)), features)
            layers.append(replace(layer, input_shape=filled, kernel_features=features))
            continue
        channels = {shape[-1]} | ({shape[2]} if layer.class_name.startswith("ConvLSTM") else set())
        if features not in channels:
            notes.append(
                Note(
                    f"layer {layer.name!r}: the config gives it {shape[-1]} features per "
                    f"timestep but its saved kernel {kernel} takes {features}; the file is "
                    "inconsistent (edited config, or weights from another model)",
                    "re-save the model from the code that trained it (model.save('model.keras'))",
                )
            )
        layers.append(replace(layer, kernel_features=features))
    return replace(spec, recurrent=tuple(layers), notes=tuple(notes))
