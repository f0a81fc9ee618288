"""A pasted Keras/TensorFlow error as lstmdiag reads it: colour codes and line breaks
cleaned, shapes parsed as Keras prints them, and what else is known (the model, the data)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..model.spec import ModelSpec, Shape, fmt_shape
from ..text import strip_ansi
from .diagnosis import Diagnosis, Fixes
from .roles import time_axis

_TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
        "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u3000": " ", "\u2007": " ",
        "\u200b": "", "\ufeff": "", "\u2060": "",
        "\u2212": "-",
    }
)  # fmt: skip


def pasted(text: str) -> str:
    """The text as the program printed it, from what a paste made of it: colour codes, the
    quotes and spaces a blog or forum typeset (curly quotes, no-break spaces, a minus sign),
    HTML entities, CRLF, Python 2's u'' prefix and the "> " of a quoted reply, removed."""
    text = strip_ansi(text).translate(_TYPOGRAPHY).replace("\r\n", "\n").replace("\r", "\n")
    if re.search(r"&(?:gt|lt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);", text):
        text = html.unescape(text)
    text = re.sub(r"(?<![\w'\"])u(?=['\"])", "", text)  # Python 2 reprs: u'lstm_1'
    text = re.sub(r"\\([_*\[\]#<>])", r"\1", text)  # Markdown's escapes: input\_shape, \[0, 5)
    return re.sub(r"(?m)^[ \t]*(?:>[ \t]?)+(?!>)", "", text)


def clean(text: str) -> str:
    """One line of plain text: colours, markdown and line wrapping removed."""
    text = pasted(text)
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
        if part in ("None", "none", "?", "-1"):
            dims.append(None)
        elif re.fullmatch(r"-?\d+", part):
            dims.append(int(part))
        else:
            return None
    return tuple(dims)


def raised_in_fit(raw: str) -> bool:
    """The traceback shows training (fit, its train function, gradients)."""
    return bool(
        re.search(
            r"\.fit\(|\bin fit\b|train_function|fit_generator|train_on_batch|gradient_tape", raw
        )
    )


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
        return raised_in_fit(self.raw)

    @property
    def call(self) -> str | None:
        """The call that raised, "fit" or "predict", when the traceback (or the name of a
        training op) shows it."""
        if self.fitting or re.search(r"OptimizeLoss|\bgradients/", self.raw):
            return "fit"
        if re.search(r"\.predict\(|predict_function|predict_on_batch|\bin predict\b", self.raw):
            return "predict"
        return None

    def called_with(self) -> tuple[Shape, ...]:
        """The shapes Keras 3 says the model was called with ("Arguments received by
        Sequential.call(): inputs=tf.Tensor(shape=(None, 10, 5), ...)"; tf-keras 2.x: "calling
        layer "sequential" (type Sequential) ... Call arguments received: inputs=..."): one
        per tensor; a tuple of several is a list read as several inputs."""
        found = re.search(
            r"(?:Arguments\s+received\s+by\s+(?:Sequential|Functional|Model)\.call\(\)|Call\s+"
            r"arguments\s+received\s+by\s+layer\s+[\"']?[^\"'\n]*[\"']?\s+\(type\s+"
            r"(?:Sequential|Functional|Model)\)|(?<=\(type )(?:Sequential|Functional|Model)\)"
            r"\.(?:(?!Call\s+arguments)[\s\S]){0,2000}Call\s+arguments\s+received):\s*\W*\s*"
            r"inputs=(\(?'?tf\.Tensor\(shape=.*?)(?:\n\s*\W\s*(?:training|mask)=|$)",
            self.raw,
            re.S,
        )
        if found is None:
            return ()
        shapes = re.findall(r"tf\.Tensor\(shape=\(([^)]*)\)", found.group(1))
        return tuple(s for s in map(parse_shape, shapes) if s is not None)

    @property
    def autoencoder(self) -> bool:
        """The model is fit to give back its input (fit(X, X)): y is x, so a target that
        does not fit the output says the output is wrong."""
        return bool(re.search(r"\.fit\(\s*(\w+)\s*,\s*\1\s*[,)]", self.raw))

    @property
    def binary(self) -> bool:
        """The loss is a binary crossentropy (its frames, or the model's compiled loss)."""
        return bool(
            re.search(r"binary_crossentropy|sigmoid_cross_entropy|BinaryCrossentropy", self.raw)
        )

    @property
    def regression(self) -> str:
        """The regression loss Keras 2's target check names ("while using as loss
        `mean_squared_error`"), or ''."""
        found = re.search(
            r"while\s+using\s+as\s+loss\s+[`'\"\u2019]?(mean_\w+|mse|mae|mape|msle|huber\w*"
            r"|log_?cosh)\b",
            self.raw,
        )
        return found.group(1) if found else ""

    def node(self) -> str:
        """The graph node TensorFlow names (``{{node while/add}}``), or ''."""
        found = re.search(r"\{\{node ([^}]+)\}\}|\[\[node ([^\s\]]+)", self.raw)
        return (found.group(1) or found.group(2)) if found else ""

    @property
    def declared_input(self) -> bool:
        return bool(re.search(r"input_shape\s*=|input_dim\s*=|Input\(shape", self.raw))

    def model_input(self, rank: int | None) -> tuple[Shape | None, bool | None]:
        """The model's own input shape and time axis, when the message concerns its input."""
        if self.model is None or len(self.model.inputs) != 1:
            return None, (True if _TOKEN_CODE.search(self.raw) else None)
        inp = self.model.inputs[0]
        if rank is not None and len(inp.shape) != rank:
            return None, None
        return inp.shape, time_axis(self.model, inp) is not None


# A traceback's code lines that pad or tokenize what is fed, or an input named for the
# Embedding it feeds: axis 1 is token positions.
_TOKEN_CODE = re.compile(
    r"^\s+.*\b(?:pad_sequences|padded_seq\w*|texts_to_sequences|tokenizer)\b.*$"
    r"|\bembedding(?:_\d+)?_input\b",  # the model's input is an Embedding's: token ids
    re.M,
)


# -- families ---------------------------------------------------------------------------------
Recogniser = tuple[re.Pattern[str], Callable[[re.Match[str], Context], Diagnosis | None]]


# -- what a declined message was still understood to say --------------------------------------
_NOT_SHAPE = (
    ("out of memory", r"\bOOM\b|out of memory|Resource exhausted|MemoryError"),
    ("a GPU/cuDNN library", r"cuDNN|CUDNN_STATUS|DNN library|CUDA_ERROR|libcud|GPU sync"),
    ("an import or version", r"ImportError|ModuleNotFoundError|No module named|cannot import"),
    ("saving or loading", r"load_model|save_model|Unknown layer|h5py|SavedModel|\.save\("),
)
_ERROR_NAME = re.compile(r"\b([A-Z]\w*(?:Error|Exception))\b")
_LAYER = re.compile(
    r"""layer (?:"([^"\n]{1,80})"|'([^'\n]{1,80})'|([\w/.-]+))|"""
    r"""\b((?:lstm|gru|simple_rnn|bidirectional|dense|embedding|conv1d|conv_lstm2d|"""
    r"""time_distributed|masking)(?:_\d+)?)\b""",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Understood:
    """What a message says that lstmdiag read, when no family explains it."""

    error: str | None  # the last exception class named
    shapes: tuple[Shape, ...]  # every shape, in order, at most 6
    layers: tuple[str, ...]  # layer names, as written, at most 6
    phase: str | None  # "building the model" | "feeding data" | None
    topic: str | None  # a non-shape topic it names (out of memory, cuDNN, ...)


def understood(text: str) -> Understood:
    flat = clean(text)
    ctx = Context(None, Fixes(), pasted(text))
    errors = _ERROR_NAME.findall(flat)
    shapes: list[Shape] = []
    for raw in re.findall(
        r"[\(\[]((?:\s*(?:None|\?|-?\d+)\s*,)+\s*(?:None|\?|-?\d+)?\s*)[\)\]]", flat
    ):
        shape = parse_shape(raw)
        if shape and shape not in shapes:
            shapes.append(shape)
    layers: list[str] = []
    for m in _LAYER.finditer(flat):
        name = next(g for g in m.groups() if g)
        if name not in layers:
            layers.append(name)
    phase = (
        "building the model"
        if ctx.building
        else "feeding data"
        if ctx.fitting
        or re.search(r"\.predict\(|\.evaluate\(|predict_function|test_function", ctx.raw)
        else None
    )
    topic = next((name for name, pat in _NOT_SHAPE if re.search(pat, flat, re.I)), None)
    return Understood(errors[-1] if errors else None, tuple(shapes[:6]), tuple(layers[:6]),
                      phase, topic)  # fmt: skip


def understood_line(u: Understood) -> str:
    """One sentence: what was read, or that nothing was."""
    parts = [u.error] if u.error else []
    if u.topic:
        parts.append(f"about {u.topic}, not the shape of data")
    if u.shapes:
        parts.append("shapes " + ", ".join(fmt_shape(s) for s in u.shapes))
    if u.layers:
        parts.append("layers " + ", ".join(u.layers))
    if u.phase:
        parts.append(f"raised while {u.phase}")
    return "; ".join(parts) if parts else "no exception, shape or layer"
