"""Keras's own data objects for the Python API, read without consuming them: a
``tf.data.Dataset`` (its ``element_spec``: shapes and dtypes, no values), a
``keras.utils.PyDataset`` or ``Sequence`` (its first batch, by index), and the (x, y,
sample_weight) tuples they yield, read as ``fit`` reads them. Nothing here imports Keras or
TensorFlow: a live object's package is already loaded."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import LstmdiagError

_PACKAGES = ("keras", "tf_keras", "tensorflow")


@dataclass(frozen=True)
class Spec:
    """An element's declared shape (None: unknown rank) and dtype: what a dataset says of
    its batches without yielding one."""

    shape: tuple[int | None, ...] | None
    dtype: str


def fit_parts(data: Any) -> tuple[Any, Any]:
    """(x, y) as ``fit`` reads them from ``data``: a Dataset's or a PyDataset's element is
    (x, y) or (x, y, sample_weight); anything else is x itself (y: None)."""
    if _is_dataset(data):
        return _split(_specs(data.element_spec))
    if _is_keras_sequence(data):
        try:
            batch = data[0]
        except Exception as exc:  # the user's __getitem__ failed: say so, in one line
            raise LstmdiagError(
                f"{type(data).__name__}[0] raised {type(exc).__name__}: {exc}"
            ) from None
        return _split(batch)
    if inspect.isgenerator(data) or isinstance(data, Iterator):
        raise LstmdiagError(
            f"a {type(data).__name__} cannot be read without consuming it; pass one batch "
            "(x, y = next(gen)), the arrays, a tf.data.Dataset or a keras.utils.PyDataset"
        )
    return data, None


def _split(element: Any) -> tuple[Any, Any]:
    if isinstance(element, tuple) and 2 <= len(element) <= 3:
        return element[0], element[1]
    return element, None


def _is_dataset(data: Any) -> bool:
    return _from_keras(type(data)) and hasattr(data, "element_spec")


def _is_keras_sequence(data: Any) -> bool:
    return any(
        c.__name__ in ("PyDataset", "Sequence") and _from_keras(c) for c in type(data).__mro__
    ) and callable(getattr(data, "__getitem__", None))


def _from_keras(cls: type) -> bool:
    return cls.__module__.split(".", 1)[0] in _PACKAGES


def _specs(element: Any) -> Any:
    """A dataset's element_spec with each TensorSpec as a Spec (tuples and dicts kept)."""
    if isinstance(element, tuple | list):
        return tuple(_specs(e) for e in element)
    if isinstance(element, dict):
        return {str(k): _specs(v) for k, v in element.items()}
    shape = getattr(element, "shape", None)
    dtype = getattr(getattr(element, "dtype", None), "name", "float32")
    if shape is None or getattr(shape, "rank", 0) is None:
        return Spec(None, str(dtype))
    return Spec(tuple(None if d is None else int(d) for d in shape), str(dtype))
