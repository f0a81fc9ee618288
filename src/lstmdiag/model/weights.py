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
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

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


def keras3_kernels(path: Path, config: Any) -> dict[str, tuple[int, ...]]:
    import h5py

    paths = _keras3_paths(config.get("config") if isinstance(config, dict) else None)
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("model.weights.h5")
            if info.file_size > MAX_WEIGHTS_BYTES:
                return {}
            data = archive.read(info)
        with h5py.File(io.BytesIO(data), "r") as f:
            return {
                name: kernel
                for name, where in paths.items()
                if where in f and (kernel := _first_kernel(f[where])) is not None
            }
    except (KeyError, OSError, zipfile.BadZipFile, ValueError):
        return {}


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
