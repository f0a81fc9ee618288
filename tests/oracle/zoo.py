"""The oracle's models: what each one is, as plain data both processes read. The Keras child
(build_zoo.py) builds and saves them; the parent generates data for them from this table."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Model:
    name: str
    timesteps: int | None  # the fixed time axis, None for any length
    features: tuple[int, ...]  # per-timestep shape; () for token ids
    mask: str | None = None  # None | "masking" | "embedding"
    mask_value: float = 0.0
    sequential: bool = False
    batch: int | None = None  # a stateful model's fixed batch
    static: int | None = None  # a second, static input of this many features
    layer: str = "LSTM"  # the recurrent layer (or "Conv1D" in front, "Bidirectional")

    @property
    def tokens(self) -> bool:
        return self.features == ()


ZOO = (
    Model("seq_fixed", 10, (8,), sequential=True),
    Model("seq_none", None, (8,), sequential=True),
    Model("func_fixed", 10, (8,)),
    Model("func_none", None, (8,), layer="GRU"),
    Model("mask0_fixed", 10, (8,), mask="masking", sequential=True),
    Model("mask0_none", None, (8,), mask="masking"),
    Model("mask_neg", 10, (8,), mask="masking", mask_value=-1.0),
    Model("embed_fixed", 12, (), mask="embedding", layer="GRU"),
    Model("embed_none", None, (), mask="embedding", sequential=True),
    Model("conv1d", 20, (8,), layer="Conv1D"),
    Model("bidir", 10, (8,), sequential=True, layer="Bidirectional"),
    Model("simplernn_none", None, (3,), layer="SimpleRNN"),
    Model("convlstm2d", 5, (6, 6, 1), layer="ConvLSTM2D"),
    Model("stateful", 10, (8,), batch=4),
    Model("stateful_seq", 10, (8,), sequential=True, batch=4),
    Model("two_input", 10, (8,), static=3),
    Model("uni_fixed", 9, (1,), sequential=True),
    Model("uni_none", None, (1,)),
)
FLAVOURS = ("keras", "tf_keras")


def file_name(model: Model, flavour: str) -> str:
    """Keras 3 saves .keras, tf-keras legacy .h5: both readers are on the path."""
    return f"{model.name}.keras" if flavour == "keras" else f"{model.name}.h5"
