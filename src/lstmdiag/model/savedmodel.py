"""TF SavedModel folders, read without TensorFlow.

tf.keras stores the model config as JSON inside protobuf string fields: in
``keras_metadata.pb`` (TF >= 2.5) or in ``saved_model.pb`` itself (TF 2.2-2.4). We find the
root model's JSON behind its ``_tf_keras_sequential`` / ``_tf_keras_network`` /
``_tf_keras_model`` identifier and decode exactly one JSON value there.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..errors import LstmdiagError
from . import keras_metadata, subclassed
from .config import spec_from_config
from .signatures import serving_inputs
from .spec import ModelSpec

_ROOT = re.compile(rb"_tf_keras_(?:sequential|network|model)[\s\S]{1,12}?(\{\")")
MAX_PB_BYTES = 512 * 1024 * 1024


def read(folder: Path, shown: str) -> ModelSpec:
    candidates = [folder / "keras_metadata.pb", folder / "saved_model.pb"]
    present = [p for p in candidates if p.is_file()]
    if not present:
        raise LstmdiagError(
            f"{shown}: a folder, but not a TF SavedModel (no saved_model.pb); "
            "give a model file (.keras, .h5, .json)"
        )
    for pb in present:
        try:
            if pb.stat().st_size > MAX_PB_BYTES:
                continue
            data = pb.read_bytes()
        except OSError as exc:
            raise LstmdiagError(f"{shown}: cannot read {pb.name}: {exc.strerror}") from None
        if pb.name == "keras_metadata.pb":
            objects = keras_metadata.metadata_objects(data)
            root = subclassed.is_subclassed_root(objects)
            if root is not None:
                return subclassed.from_metadata(objects, root, shown)
            top = next((m for p, _, m in objects if p == "root" and isinstance(m, dict)), None)
            if top is not None and "config" in top:
                return _spec(keras_metadata.with_recorded_shapes(top, objects), shown)
        match = _ROOT.search(data)
        if match is None:
            continue
        text = data[match.start(1) :].decode("utf-8", errors="replace")
        try:
            top, _ = json.JSONDecoder().raw_decode(text)
        except ValueError:
            continue
        return _spec(top, shown)
    return _from_signature(folder / "saved_model.pb", shown)


def _spec(top: Any, shown: str) -> ModelSpec:
    try:
        return spec_from_config(top, path=shown, fmt="savedmodel", keras_version=None)
    except LstmdiagError as exc:
        raise LstmdiagError(f"{shown}: {exc}") from None


def _from_signature(pb: Path, shown: str) -> ModelSpec:
    """Keras 3 ``model.export()`` / ``tf.saved_model.save``: no Keras config, only the
    serving signature's inputs (names, shapes, dtypes); no layers to describe."""
    try:
        data = pb.read_bytes() if pb.stat().st_size <= MAX_PB_BYTES else b""
    except OSError as exc:
        raise LstmdiagError(f"{shown}: cannot read {pb.name}: {exc.strerror}") from None
    name, inputs = serving_inputs(data, shown)
    return ModelSpec.of_inputs(shown, "savedmodel", "SavedModel (exported)", inputs, signature=name)
