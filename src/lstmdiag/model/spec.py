"""What lstmdiag knows about a saved model: small frozen dataclasses, no behaviour."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

Shape = tuple[int | None, ...]
"""A tensor shape; ``None`` marks a free dimension (batch, variable timesteps)."""


def fmt_shape(shape: Iterable[int | None] | None) -> str:
    """A shape as Python prints a tuple, with None for free dimensions; ``?`` if unknown."""
    if shape is None:
        return "?"
    dims = ["None" if d is None else str(d) for d in shape]
    return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"


@dataclass(frozen=True)
class InputSpec:
    """One model input: what ``model.inputs[i]`` would report."""

    name: str
    shape: Shape
    dtype: str
    # TFLite: whether the interpreter lets the batch be resized (shape_signature -1)
    batch_resizable: bool | None = None
    # what each axis is, when the format says (ONNX: ("time", "batch", "features") for an
    # input its recurrent node reads time-major); None: Keras's (batch, ...) reading
    axes: tuple[str, ...] | None = None
    # Triton: config.pbtxt's max_batch_size (> 0: the most samples one request may hold)
    max_batch: int | None = None
    # MLflow: a column signature's column names ("" for an unnamed column); None: a tensor
    columns: tuple[str, ...] | None = None

    @property
    def time_major(self) -> bool:
        return self.axes is not None and self.axes[:2] == ("time", "batch")


@dataclass(frozen=True)
class RecurrentLayer:
    """A recurrent layer and the shape that reaches it (``None`` where it cannot be known)."""

    name: str
    class_name: str
    wrapper: str | None
    units: int | None
    input: str | None
    input_shape: Shape | None
    return_sequences: bool
    stateful: bool
    unroll: bool
    go_backwards: bool
    kernel_features: int | None = None  # features per timestep, from the saved kernel's shape
    inputs: tuple[str, ...] = ()  # every model input its call depends on (mask=, initial_state=)


SEQUENCE_LENS = "sequence_lens"  # MaskSpec.class_name of ONNX's per-sequence lengths input


@dataclass(frozen=True)
class MaskSpec:
    """A layer that produces a mask: ``Masking(mask_value)``, ``Embedding(mask_zero=True)``,
    or a sequence layer called with ``mask=`` (class_name ``"mask argument"``; ``mask_input``
    is the model input that mask comes from)."""

    layer: str
    class_name: str
    mask_value: float | None
    input: str | None
    mask_input: str | None = None


@dataclass(frozen=True)
class EmbeddingSpec:
    """An Embedding fed (directly or through shape-preserving layers) by a model input."""

    layer: str
    input: str | None
    input_dim: int | None
    mask_zero: bool


@dataclass(frozen=True)
class Note:
    """Something about the model file itself that the user should know, with its fix."""

    text: str
    fix: str


@dataclass(frozen=True)
class ModelSpec:
    """Everything the static reader found in one model file."""

    path: str
    format: str  # "keras" | "h5" | "json" | "savedmodel" | "tflite" | "mlflow" | "triton"
    keras_version: str | None
    model_class: str
    sequential: bool
    inputs: tuple[InputSpec, ...]
    recurrent: tuple[RecurrentLayer, ...]
    masking: tuple[MaskSpec, ...]
    embeddings: tuple[EmbeddingSpec, ...] = ()
    unknown_layers: tuple[str, ...] = field(default=())
    keras_generation: int | None = None  # 2 (Keras 1/2, tf.keras) or 3; None when unknown
    outputs: tuple[Shape | None, ...] = ()  # propagated output shapes (None: unknown)
    signature: str | None = None  # an exported SavedModel: the serving signature read
    notes: tuple[Note, ...] = ()  # config/weights disagreements, a subclassed root
    # A subclassed root: the functional/Sequential sub-models it owns, by attribute name.
    submodels: tuple[tuple[str, ModelSpec], ...] = ()
    example_shape: Shape | None = None  # MLflow: the shape of the saved input example

    @classmethod
    def of_inputs(
        cls, path: str, format: str, model_class: str, inputs: tuple[InputSpec, ...], **more: Any
    ) -> ModelSpec:
        """A model known only by its inputs (a serving signature, an MLflow or Triton
        config): no layers, no masks."""
        return cls(path, format, None, model_class, False, inputs, (), (), **more)

    @property
    def keras_major(self) -> int | None:
        """2 for Keras 1/2 and tf.keras, 3 for Keras 3; ``None`` when nothing says."""
        return self.keras_generation

    def is_masked(self, name: str) -> bool:
        """Whether padding in input ``name`` is skipped: a mask is computed from it, or it is
        itself a ``mask=`` input (then it must be padded on the same side as its data)."""
        return any(m.input == name or m.mask_input == name for m in self.masking)

    def counts_lengths(self, name: str) -> bool:
        """Input ``name`` is masked by a lengths input (ONNX sequence_lens), which counts its
        first steps as each sequence: its padding must come after them."""
        return any(m.input == name and m.class_name == SEQUENCE_LENS for m in self.masking)

    def mask_value(self, name: str) -> float | None:
        """The value input ``name``'s mask skips: Masking's mask_value, or token 0 under
        Embedding(mask_zero=True); None when nothing masks it by value."""
        for m in self.masking:
            if m.input == name and m.class_name == "Embedding":
                return 0.0
            if m.input == name and m.class_name == "Masking":
                return 0.0 if m.mask_value is None else float(m.mask_value)
        return None

    def batch_major(self) -> ModelSpec:
        """This spec with every time-major input read (batch, time, ...), as Keras data are:
        what ``pad`` and ``window`` write for (they write batch-major arrays)."""
        if not any(i.time_major for i in self.inputs):
            return self
        inputs = tuple(
            dataclasses.replace(i, shape=(i.shape[1], i.shape[0], *i.shape[2:]), axes=None)
            if i.time_major
            else i
            for i in self.inputs
        )
        return dataclasses.replace(self, inputs=inputs)

    def input_named(self, name: str) -> InputSpec | None:
        return self._by_name.get(name)

    @functools.cached_property
    def _by_name(self) -> dict[str, InputSpec]:
        named: dict[str, InputSpec] = {}
        for i in self.inputs:
            named.setdefault(i.name, i)  # the first of a (malformed) repeated name
        return named

    def to_dict(self) -> dict[str, Any]:
        """The ``inspect --format json`` object."""
        out: dict[str, Any] = {
            "path": self.path,
            "format": self.format,
            "keras_version": self.keras_version,
            "model_class": self.model_class,
            "sequential": self.sequential,
            "inputs": [
                {"name": i.name, "shape": list(i.shape), "dtype": i.dtype}
                | ({"axes": list(i.axes)} if i.axes is not None else {})
                | ({"max_batch": i.max_batch} if i.max_batch is not None else {})
                | ({"columns": list(i.columns)} if i.columns is not None else {})
                for i in self.inputs
            ],
            "recurrent": [
                {
                    "name": r.name,
                    "class_name": r.class_name,
                    "wrapper": r.wrapper,
                    "units": r.units,
                    "input": r.input,
                    "inputs": list(r.inputs),
                    "input_shape": None if r.input_shape is None else list(r.input_shape),
                    "return_sequences": r.return_sequences,
                    "stateful": r.stateful,
                    "unroll": r.unroll,
                    "go_backwards": r.go_backwards,
                    "kernel_features": r.kernel_features,
                }
                for r in self.recurrent
            ],
            "masking": [
                {
                    "layer": m.layer,
                    "class_name": m.class_name,
                    "mask_value": m.mask_value,
                    "mask_input": m.mask_input,
                }
                for m in self.masking
            ],
            "outputs": [None if o is None else list(o) for o in self.outputs],
            "signature": self.signature,
            "notes": [n.text for n in self.notes],
            "submodels": {name: [i.name for i in sub.inputs] for name, sub in self.submodels},
        }
        if self.example_shape is not None:
            out["input_example"] = list(self.example_shape)
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ModelSpec:
        """What :meth:`to_dict` wrote, back (``lstmdiag merge``): the inputs, recurrent
        layers, masks, outputs and notes; embeddings and sub-model specs are not written."""

        def dims(value: Any) -> Shape | None:
            return None if value is None else tuple(value)

        recurrent = tuple(
            RecurrentLayer(
                **{k: r[k] for k in _RECURRENT_FIELDS if k in r},
                input_shape=dims(r.get("input_shape")),
                inputs=tuple(r.get("inputs", ())),
            )
            for r in d.get("recurrent", ())
        )
        return cls(
            path=d["path"],
            format=d.get("format", "?"),
            keras_version=d.get("keras_version"),
            model_class=d.get("model_class", "?"),
            sequential=bool(d.get("sequential")),
            inputs=tuple(
                InputSpec(
                    i["name"],
                    tuple(i["shape"]),
                    i["dtype"],
                    axes=None if i.get("axes") is None else tuple(i["axes"]),
                    max_batch=i.get("max_batch"),
                    columns=None if i.get("columns") is None else tuple(i["columns"]),
                )
                for i in d["inputs"]
            ),
            recurrent=recurrent,
            masking=tuple(
                MaskSpec(
                    m["layer"], m["class_name"], m.get("mask_value"), None, m.get("mask_input")
                )
                for m in d.get("masking", ())
            ),
            outputs=tuple(dims(o) for o in d.get("outputs", ())),
            signature=d.get("signature"),
            notes=tuple(Note(text, "") for text in d.get("notes", ())),
        )


_RECURRENT_FIELDS = (
    "name",
    "class_name",
    "wrapper",
    "units",
    "input",
    "return_sequences",
    "stateful",
    "unroll",
    "go_backwards",
    "kernel_features",
)
