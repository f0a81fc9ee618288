"""A pasted Keras/TensorFlow error as lstmdiag reads it: colour codes and line breaks
cleaned, shapes parsed as Keras prints them, and what else is known (the model, the data)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..model.spec import ModelSpec, Shape
from ..text import strip_ansi
from .diagnosis import Diagnosis, Fixes
from .roles import time_axis


def clean(text: str) -> str:
    """One line of plain text: colours, markdown and line wrapping removed."""
    text = strip_ansi(text)
    text = re.sub(r"(?m)^[ \t]*#+[ \t]?", "", text)  # pasted as code comments or headings
    text = text.replace("\uff0c", ",").replace("**", "").replace("`", "")  # full-width comma
    text = re.sub(r"(\d)L\b", r"\1", text)  # Python 2 longs: (10L, 39L)
    return re.sub(r"\s+", " ", text)


def parse_shape(text: str | None) -> Shape | None:
    if text is None:
        return None
    dims: list[int | None] = []
    for part in re.split(r"[,\s]+", text.strip().strip("()[]")):
        if not part:
            continue
        if part in ("None", "?", "-1"):
            dims.append(None)
        elif re.fullmatch(r"-?\d+", part):
            dims.append(int(part))
        else:
            return None
    return tuple(dims)


@dataclass(frozen=True)
class Context:
    model: ModelSpec | None
    fixes: Fixes
    raw: str  # the text as pasted (tracebacks: which line raised)

    @property
    def building(self) -> bool:
        """The traceback shows the model being built, and no data being fed."""
        built = re.search(
            r"model\.add\(|Sequential\(\[|\.build\(|(?:define|build|create|get)_?model\(|"
            r"keras\.Model\(|\bModel\(inputs|model = Model\(|\b[A-Z]\w*\([^()\n]*\)\(\w+\)",
            self.raw,
        )
        fed = re.search(
            r"\.fit\(|\.predict\(|\.evaluate\(|train_function|predict_function|fit_generator|"
            r"train_on_batch|predict_on_batch|_standardize",
            self.raw,
        )
        return bool(built) and not fed

    @property
    def fitting(self) -> bool:
        """The error was raised while training (gradients, fit's train function): a fix may
        not add samples to the data."""
        return bool(
            re.search(
                r"\.fit\(|\bin fit\b|train_function|fit_generator|train_on_batch|gradient_tape",
                self.raw,
            )
        )

    @property
    def binary(self) -> bool:
        """The loss is a binary crossentropy (its frames, or the model's compiled loss)."""
        return bool(
            re.search(r"binary_crossentropy|sigmoid_cross_entropy|BinaryCrossentropy", self.raw)
        )

    def node(self) -> str:
        """The graph node TensorFlow names (``{{node while/add}}``), or ''."""
        found = re.search(r"\{\{node ([^}]+)\}\}", self.raw)
        return found.group(1) if found else ""

    @property
    def declared_input(self) -> bool:
        return bool(re.search(r"input_shape\s*=|input_dim\s*=|Input\(shape", self.raw))

    def model_input(self, rank: int | None) -> tuple[Shape | None, bool | None]:
        """The model's own input shape and time axis, when the message concerns its input."""
        if self.model is None or len(self.model.inputs) != 1:
            return None, None
        inp = self.model.inputs[0]
        if rank is not None and len(inp.shape) != rank:
            return None, None
        return inp.shape, time_axis(self.model, inp) is not None


# -- families ---------------------------------------------------------------------------------
Recogniser = tuple[re.Pattern[str], Callable[[re.Match[str], Context], Diagnosis | None]]
