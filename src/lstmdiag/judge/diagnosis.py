"""What went wrong, from evidence: one engine behind `check`, `explain` and the Python API.

Pure functions, no printing. The input is what was expected (from the model spec, or parsed
from a message), what was found (from a data header, or parsed), and every piece of context
there is: whether the input has a time axis, the layer an error names, whether the error was
raised while the model was being built. The output is a :class:`Diagnosis`: one ``kind`` from
:data:`KINDS`, who is at fault (the data or the model), the fix, and — when the evidence
cannot decide — the competing readings with their fixes, most likely first.

Nothing here assumes the model is right and only the lengths are off: a 2-D table fed to a
sequence model needs windows, not padding; a recurrent layer fed 2-D while the model is being
built needs ``return_sequences=True``, not ``np.expand_dims``.
"""

from __future__ import annotations

import math
import re
import shlex
from dataclasses import dataclass, field, replace
from typing import Any

from ..model.spec import Shape, fmt_shape
from . import display
from .findings import Finding

KINDS = (
    "timesteps",
    "features",
    "missing-batch",
    "extra-axis",
    "missing-axis",
    "model-structure",
    "batch",
    "vocab",
    "ragged",
    "dtype",
    "input-count",
    "unknown-rank",
    "target",
    "empty",
)


# pad refuses a maxlen more than this many times the longest sequence without --force (a typo
# guard); a fix that gives the maxlen itself, not --model, says --force where it must.
FAR_BEYOND = 4
TRUNCATION_WARN = 0.25  # say what is lost when fewer than this share of timesteps are kept


WINDOWS_OVER = 4  # a sequence this many times the model's T is more likely a series


@dataclass(frozen=True)
class Alternative:
    kind: str
    fix: str
    why: str = ""
    culprit: str = ""  # what this reading changes, when known ("data" | "model")


@dataclass(frozen=True)
class Diagnosis:
    kind: str
    culprit: str  # "data" | "model": what the first fix changes
    title: str
    cause: str
    fix: str
    expected: Shape | None = None
    found: Shape | None = None
    axis: int | None = None
    alternatives: tuple[Alternative, ...] = ()
    # When the evidence cannot decide between the readings: what would decide, and when the
    # first one (this fix) is the right one. Empty when the first reading is the likely one.
    decides: str = ""
    when: str = ""
    # explain_exception: the check of the arrays the failing call was given
    findings: tuple[Finding, ...] = field(default=(), compare=False)

    @property
    def decided(self) -> bool:
        """The first reading is the likely one (not one of two the evidence cannot order)."""
        return not self.decides

    def _repr_html_(self) -> str | None:
        """Jupyter's view: title, cause, fix and alternatives (None: the repr)."""
        return display.html(self)

    def __rich__(self) -> Any:
        """rich's view (``rich.print(diagnosis)``)."""
        return display.rich(self)


@dataclass(frozen=True)
class Fixes:
    """How to phrase fixes for where the data lives: a file (a command), in memory (Python),
    or unknown (a message pasted into `explain`)."""

    data: str | None = None  # the data path as the user gave it
    model: str | None = None  # the model path as the user gave it
    masked: bool = False  # the model masks padding: pad post, keep cuDNN
    value: float = 0.0  # what pads: the value the model's mask skips
    in_memory: bool = False  # the Python API: print Python, not commands
    out: str = "padded/"
    input: str | None = None  # the model input the data feeds, when the model has several
    input_label: str | None = None  # the data's own path:key for --input
    checking: bool = False  # phrased for `check` itself (no "run check" advice)
    windows_out: str = "windows/"
    fitting: bool = False  # explain: the error was raised in fit, with one target per row

    @property
    def pasted(self) -> bool:
        """A message pasted into `explain`: neither `check` nor the Python API, which see
        the arrays themselves."""
        return not (self.checking or self.in_memory)

    def _q(self, text: str) -> str:
        return shlex.quote(text)

    @property
    def data_arg(self) -> str:
        return self._q(self.data) if self.data else "DATA"

    def pad(
        self,
        maxlen: int | None,
        dtype: str = "float32",
        one: bool = False,
        longest: int | None = None,
        reading: str = "",
    ) -> str:
        """``one``: the data is ONE sequence (time, ...), not a list or batch of them;
        ``longest``: its longest sequence, when known; ``reading``: how pad must read the
        arrays when no --model says it (``--time-axis 1``, ``--sequence-files``)."""
        if self.in_memory or (self.data is None and self.model is None):
            seqs = "[x]" if one else "list(x)"
            post = ", padding='post'" if self.masked else ""
            value = f", value={self.value:g}" if self.value else ""
            return (
                f"x = keras.utils.pad_sequences({seqs}, maxlen={self.maxlen(maxlen)}, "
                f"dtype='{dtype}'{post}{value})"
            )
        parts = ["lstmdiag pad", self.data_arg]
        parts.append(
            f"--model {self._q(self.model)}" if self.model else f"--maxlen {maxlen or 'longest'}"
        )
        if self.model and not maxlen:
            parts.append("--maxlen longest")  # any length fits: cut nothing
        if self.input and self.input_label:
            parts.append(f"--input {self._q(f'{self.input}={self.input_label}')}")
        if self.masked:
            parts.append("--padding post")
        if not self.model and (one or reading):  # --model decides the reading; else say it
            parts.append("--sequence-files" if one else reading)
        if self.value and not self.model:  # with --model, pad takes the mask's value itself
            parts.append(f"--value {self.value:g}")
        if (
            not self.model
            and maxlen
            and longest is not None
            and maxlen > FAR_BEYOND * max(longest, 1)
        ):
            parts.append("--force")  # what the model takes, however much padding that is
        parts.append(f"--out {self.out}")
        return " ".join(parts)

    def maxlen(self, maxlen: int | None) -> str:
        """pad_sequences' maxlen in printed Python. A pasted message may not say the model's
        timesteps; the model does (its None, for any length, is Keras's own default: the
        longest sequence)."""
        return "model.input_shape[1]" if maxlen is None and not self.in_memory else str(maxlen)

    def window(self, t: int | None, f: int | None, one_d: bool = False) -> str:
        """Sliding windows of T rows: the `lstmdiag window` command for a file, else numpy."""
        if self.in_memory or self.data is None:
            return windows_fix(t, f, one_d, targets=self.fitting)
        target = f"--model {self._q(self.model)}" if self.model else f"--timesteps {t or 'T'}"
        return f"lstmdiag window {self.data_arg} {target} --out {self.windows_out}"

    def check(self) -> str:
        model = self._q(self.model) if self.model else "MODEL"
        return f"lstmdiag check {model} {self.data_arg}"


@dataclass(frozen=True)
class Evidence:
    """Everything known about one mismatch. Shapes are batch-first; None marks a free or
    unknown dimension. ``expected`` may be only a rank (all None) when a message gave just
    ``expected ndim=3``."""

    expected: Shape
    found: Shape | None
    time_axis: bool | None = None  # the input has a time axis (None: unknown)
    layer: str | None = None  # the layer an error names
    building: bool = False  # raised while the model was being built (traceback, wording)
    declared_input: bool = False  # the failing line declares input_shape / input_dim
    fixes: Fixes = field(default_factory=Fixes)
    # the failing layer got the model's own input (Keras 3 shows the call's arguments with
    # the shape found): the data, even in an inner layer with a numbered name
    fed: bool = False
    dtype: str = "float32"


# -- helpers ----------------------------------------------------------------------------------
def fits(found: Shape, expected: Shape, skip_batch: bool = True) -> bool:
    start = 1 if skip_batch else 0
    return len(found) == len(expected) and all(
        e is None or f is None or e == f
        for f, e in zip(found[start:], expected[start:], strict=True)
    )


def has_time(ev: Evidence) -> bool:
    if ev.time_axis is not None:
        return ev.time_axis
    return len(ev.expected) >= 3


def layer_kind(name: str | None) -> str | None:
    """What kind of layer an error names, from Keras's automatic names: "model" (the model
    itself or an input layer: data was fed), "recurrent", "dense", "conv", "other"."""
    if not name:
        return None
    n = name.strip("\"'").lower()
    base = n.rstrip("0123456789").rstrip("_")
    if (
        base in ("sequential", "model", "functional", "input", "input_layer", "sequential_model")
        or n.endswith("_input")
        or n.startswith(("input_", "sequential", "functional", "model_"))
    ):
        return "model"
    if any(t in base for t in ("conv_lst", "convlstm")):
        return "recurrent"
    if any(t in base for t in ("lstm", "gru", "rnn", "bidirectional", "recurrent")):
        return "recurrent"
    if base.startswith(("dense", "time_distributed", "timedistributed")):
        return "dense"
    if "conv" in base:
        return "conv"
    if base.startswith("embedding"):
        return "embedding"
    if base.startswith(("flatten", "global_", "max_pooling1d", "average_pooling1d", "attention")):
        return "sequence-head"  # layers that read (batch, timesteps, features)
    if base.startswith("repeat_vector"):
        return "repeat"
    return "other"


_AUTO_NAMES = frozenset(
    [
        "lstm", "gru", "simple_rnn", "rnn", "bidirectional", "conv_lstm1d", "conv_lstm2d",
        "conv_lstm3d", "dense", "conv1d", "conv2d", "time_distributed",
    ]
)  # fmt: skip


_TFJS_NAME = re.compile(r"([a-z][a-z0-9_]*)_([A-Z][A-Za-z0-9]*?)(\d+)")


def tfjs_name(layer: str | None) -> tuple[str, int] | None:
    """TensorFlow.js names a layer ``snake_ClassN``, N counted per class from 1 (lstm_LSTM1,
    flatten_Flatten1, conv1d_Conv1D2): the snake-case class and N."""
    m = _TFJS_NAME.fullmatch((layer or "").strip("\"'"))
    if m is None or m.group(1).replace("_", "") != m.group(2).lower():
        return None
    return m.group(1), int(m.group(3))


def first_of_kind(layer: str | None) -> bool:
    """Keras names the first layer of a class ``lstm`` and the next ``lstm_1``, ``lstm_2``;
    TensorFlow.js ``lstm_LSTM1`` and ``lstm_LSTM2`` (a name the user chose says nothing)."""
    tfjs = tfjs_name(layer)
    if tfjs is not None:
        return tfjs[0] in _AUTO_NAMES and tfjs[1] == 1
    return (layer or "").strip("\"'").lower() in _AUTO_NAMES


def windows_fix(t: int | None, f: int | None, one_d: bool = False, targets: bool = False) -> str:
    """Sliding windows over a (rows, features) series — or a 1-D series of one feature —
    exactly like keras.utils.timeseries_dataset_from_array(x, None, sequence_length=T)
    concatenated (which gives (windows, T) for 1-D data: the model's feature axis is added).
    ``targets``: fit was given one target per row, so y is cut to one per window, the
    target of its last row (as ``lstmdiag window --target`` with no horizon)."""
    steps = t if t is not None else "T"
    arg = t if t is not None else "model.input_shape[1]"  # a message that does not say T
    view = (
        f"np.lib.stride_tricks.sliding_window_view(x, {arg})[..., None].copy()"
        if one_d
        else f"np.lib.stride_tricks.sliding_window_view(x, {arg}, axis=0).transpose(0, 2, 1).copy()"
    )
    shape = f"(values - {steps} + 1, {steps}, 1)" if one_d else (
        f"(rows - {steps} + 1, {steps}, features)")  # fmt: skip
    if targets:
        return f"x, y = {view}, y[{steps} - 1:]  # {shape}; each window's target is its last row's"
    stream = (
        ""
        if one_d
        else f"; or keras.utils.timeseries_dataset_from_array(x, None, sequence_length={arg}) "
        "to stream them"
    )
    return f"x = {view}  # {shape}{stream}"


def fmt(shape: Shape | None) -> str:
    return fmt_shape(shape)


def features(ev: Evidence, found: Shape | None, axis: int) -> Diagnosis:
    want = ev.expected[axis] if axis < len(ev.expected) else None
    got = found[axis] if found is not None and axis < len(found) else None
    no_time = len(ev.expected) == 2 and not has_time(ev)
    where = (
        f"this input has no time axis ({fmt(ev.expected)} feeds no sequence layer), so axis "
        f"{axis} is its features"
        if no_time
        else f"axis {axis} of the data is {got}, the model expects {want}"
    )
    d = Diagnosis(
        "features",
        "data",
        f"wrong number of features: {got} instead of {want}",
        f"{where}. Padding cannot fix this: the data has different features than the model was "
        "trained on (another preprocessing, feature set or tokenizer).",
        ""
        if ev.fixes.checking
        else f"build the features the model was trained with; check with: {ev.fixes.check()}",
        ev.expected,
        found,
        axis,
    )
    if not ev.fixes.fitting or ev.fixes.checking or got is None:
        return d
    # raised in fit: a model being trained from scratch can take the data's features
    new = Alternative(
        "model-structure",
        f"declare the model's input with the data's {got} features (keras.Input(shape=(..., "
        f"{got}))) and train it from scratch",
        "if the model is new (it was built for other data)",
        culprit="model",
    )
    return replace(
        d,
        alternatives=(new,),
        when="if the model is trained and is to keep its weights",
        decides="whether the model's weights are to be kept: a trained model needs the "
        "features it was trained with; a new one can be declared for the data's",
    )


def missing_batch(ev: Evidence, found: Shape) -> Diagnosis:
    exp = ev.expected
    return Diagnosis(
        "missing-batch",
        "data",
        f"the batch axis is missing ({len(found)} axes instead of {len(exp)})",
        f"the model takes a batch {fmt(exp)}; {fmt(found)} is one sample without its batch "
        "axis, so its first axis was read as the batch.",
        "x = np.expand_dims(x, 0)   # a batch of one; for many samples: np.stack(samples)",
        exp,
        found,
        0,
    )


def empty(ev: Evidence, found: Shape) -> Diagnosis:
    return Diagnosis(
        "empty",
        "data",
        "the data is empty (0 samples)",
        f"{fmt(found)}: no rows reached the model — the loading or splitting step produced "
        "nothing (a wrong path, a filter that removed everything, a window longer than the "
        "series).",
        "print len(x) after each loading step and fix the one that returns nothing",
        ev.expected,
        found,
        0,
    )


def model_structure(ev: Evidence, kind: str | None) -> Diagnosis:
    """The layer an error names is inside the model and got a tensor of the wrong rank."""
    want = len(ev.expected)
    got = len(ev.found) if ev.found is not None else None
    layer = ev.layer or "a layer"
    fix = _structure_fix(ev, kind, want, got, layer)
    other = (
        (
            Alternative(
                "model-structure",
                "declare the input as (timesteps, features): Input(shape=(T, F)), not x.shape",
                "if the first layer's input_shape is wrong",
            ),
        )
        if not ev.declared_input and kind == "recurrent"
        else ()
    )
    return Diagnosis(
        "model-structure",
        "model",
        f"layer {layer} receives {fmt(ev.found)}; it takes {fmt(ev.expected)}"
        if got == want and ev.found is not None
        else f"layer {layer} receives a {got if got is not None else '?'}-D tensor; it takes "
        f"{want}-D",
        f"the error is raised inside the model, at {layer}, "
        + ("while it is being built" if ev.building else "on a tensor another layer produced")
        + ": the layers do not fit together (the data is not the problem).",
        fix,
        ev.expected,
        ev.found,
        None,
        other,
    )


# The fix for a recurrent layer fed 2-D by the one before it (a stacked LSTM)
STACK_RECURRENT = (
    "set return_sequences=True on every stacked recurrent layer but the last (a recurrent "
    "layer without it returns (batch, units), which the next one cannot read)"
)


def _structure_fix(ev: Evidence, kind: str | None, want: int, got: int | None, layer: str) -> str:
    """What makes the layers fit, by the kind of layer that raised and the ranks."""
    more = got is not None and got > want
    fewer = got is not None and got < want
    if kind == "recurrent" and want == 5:
        if more:
            return "input_shape=x.shape includes the batch axis: use input_shape=x.shape[1:]"
        return (
            "ConvLSTM2D takes (batch, time, rows, cols, channels): give the Input a time axis, "
            "Input(shape=(timesteps, rows, cols, channels)), and feed sequences of frames"
        )
    if kind == "recurrent" and fewer:
        # input_shape=... in the traceback speaks of the first recurrent layer only: a later
        # one (lstm_1) is fed by another layer
        if ev.declared_input and not re.search(r"_\d+$", layer):
            return (
                "declare the input as (timesteps, features): Input(shape=(T, F)) / "
                "input_shape=(T, F), not x.shape[1:] of a 2-D table"
            )
        return STACK_RECURRENT
    if kind == "recurrent" and more:
        return (
            "reshape to (batch, timesteps, features) inside the model before the recurrent "
            "layer: layers.Reshape((T, -1)) or TimeDistributed(Flatten()); an Embedding takes "
            "integer ids (batch, timesteps), not one-hot vectors; input_shape=x.shape includes "
            "the batch axis (use x.shape[1:])"
        )
    if kind == "dense" and more:
        return (
            "a sequence reaches a Dense layer: set return_sequences=False on the last recurrent "
            "layer, or wrap the Dense in TimeDistributed(...), or Flatten() first"
        )
    if kind == "dense" and fewer and layer.lower().startswith(("time_distributed", "timedist")):
        return (
            f"{layer} applies its layer at every timestep and needs (batch, timesteps, "
            "features): set return_sequences=True on the recurrent layer before it"
        )
    if kind == "sequence-head" and fewer:
        return (
            f"{layer} reads a time axis: set return_sequences=True on the recurrent layer "
            "before it (without it the layer returns only its last step, (batch, units))"
        )
    if kind == "repeat" and more:
        return (
            f"{layer} repeats one vector per sample (batch, features): set "
            "return_sequences=False on the encoder's last recurrent layer before it"
        )
    if kind == "embedding" and more:
        return (
            "an Embedding looks up integer ids (batch, timesteps); this input already holds "
            "vectors (its last axis is the features): drop the Embedding and give the first "
            "recurrent layer input_shape=(timesteps, features)"
        )
    if kind == "conv" and more:
        return "wrap the convolution in TimeDistributed(...) to apply it to every frame"
    if kind == "conv" and fewer:
        return "add the channel axis: layers.Reshape((*frame_shape, 1)) before the convolution"
    return (
        f"check what the layer before {layer} returns (model.summary()); reshape or wrap "
        "it so that the shapes meet"
    )


def stateful_needs_batch(detail: str = "") -> Diagnosis:
    return Diagnosis(
        "batch",
        "model",
        "a stateful RNN needs a fixed batch size",
        "stateful=True keeps one state per sample across batches, so the model must know its "
        f"batch size when it is built{detail}.",
        "give the batch size: keras.Input(shape=(T, F), batch_size=B) (Keras 3) or "
        "batch_input_shape=(B, T, F) on the first layer (Keras 2); feed exactly B samples per "
        "batch",
    )


def vocab(
    token: int, size: int, in_loss: bool, fixes: Fixes, phase: str | None = None
) -> Diagnosis:
    """An id outside the Embedding's ``[0, size)``. ``phase`` is "fit" or "predict" when the
    traceback shows which: a trained model that predicts keeps its vocabulary."""
    if in_loss:
        return target(
            f"a label {token} is outside [0, {size})",
            f"the loss's lookup failed: a target class id {token} is not below the model's "
            f"{size} output units (sparse labels must be 0..{size - 1}).",
            f"give the output layer as many units as classes (Dense({token + 1}) at least), or "
            "re-encode the labels to 0..n_classes-1",
        )
    if token == size and _round(size - 1):
        return _vocab_past_the_cut(size, fixes)
    if token == size:
        return _vocab_one_short(size, fixes, phase)
    return _vocab_beyond(token, size, fixes, phase)


def _vocab_beyond(token: int | None, size: int, fixes: Fixes, phase: str | None) -> Diagnosis:
    """An id beyond input_dim: the data's larger vocabulary, or a vocab_size set too small.
    Threads confirm both (five the data, three the model); only a predicting model decides.
    ``token`` is None when the message does not say which id (Theano's "index value is out
    of bound")."""
    which = "a token id" if token is None else f"token id {token}"
    title = f"{which} is outside the Embedding's vocabulary [0, {size})"
    cause = (
        f"the Embedding has input_dim={size}: every token id must be in 0..{size - 1}. On GPU "
        "TensorFlow does not raise: the lookup silently returns zeros."
    )
    data = Alternative(
        "vocab",
        "use the tokenizer the model was trained with, or map unknown ids to an OOV id below "
        f"{size}; find every bad file with: {fixes.check()} --deep",
        "if the model's vocabulary is the right one (the data was tokenized with another)",
    )
    if token is not None and token < 0:
        negative = " A negative id is never valid: padding or a shift used -1."
        return Diagnosis("vocab", "data", title, cause + negative, data.fix)
    model = Alternative(
        "vocab",
        "Embedding(input_dim=int(x.max()) + 1, ...)"
        + ("" if token is None else f" (at least {token + 1})")
        + ", then retrain",
        "if the data's vocabulary is the right one and input_dim was set too small",
    )
    if phase == "predict":
        fixed = " The model is predicting, so its vocabulary is fixed: the data was tokenized "
        return Diagnosis("vocab", "data", title, cause + fixed + "with another one.", data.fix,
                         alternatives=(model,))  # fmt: skip
    first, second = (model, data) if phase == "fit" else (data, model)  # fit: still free
    return Diagnosis(
        "vocab",
        "model" if first is model else "data",
        title,
        cause + " Either the data holds ids from a larger vocabulary, or the model's "
        "vocabulary was set too small.",
        first.fix,
        alternatives=(second,),
        when=first.why,
        decides="where the ids come from: compare max(x) + 1 with the vocabulary size the "
        "model was built for (len(word_index) + 1, or the num_words the tokenizer cut at)",
    )


def vocab_unnamed(size: int, fixes: Fixes, phase: str | None = None) -> Diagnosis:
    """An Embedding's lookup out of its ``[0, size)`` where the message names no id."""
    return _vocab_beyond(None, size, fixes, phase)


def _round(n: int) -> bool:
    """A size someone chose (num_words=5000, top_k=20000), not one counted from a tokenizer."""
    return n >= 1000 and n % 1000 == 0


def _vocab_past_the_cut(size: int, fixes: Fixes) -> Diagnosis:
    """input_dim is a round vocabulary plus one (num_words + 1: the padding id 0 is already
    counted), and an id equals it: a token given an id after the cut (an OOV, start or end
    token numbered num_words + 1), not a model one short."""
    return Diagnosis(
        "vocab",
        "data",
        f"token id {size} is one past the Embedding's vocabulary [0, {size})",
        f"input_dim={size} reads as a vocabulary of {size - 1} words plus the padding id 0, so ids "
        f"must be 0..{size - 1}. An id of {size} is a token numbered after that cut: an OOV, "
        "start or end token given num_words + 1 (as word_index[oov] = top_k + 1 does). On GPU "
        "TensorFlow does not raise: the lookup silently returns zeros.",
        f"give that token an id inside the vocabulary (Tokenizer(num_words={size - 1}, "
        "oov_token=...) numbers the OOV token 1), or drop the line that numbers it "
        f"{size}; find every bad file with: {fixes.check()} --deep",
        alternatives=(
            Alternative(
                "vocab",
                f"Embedding(input_dim={size + 1}, ...) (one more row), then retrain",
                f"to keep the token numbered {size}",
            ),
        ),
    )


def _vocab_one_short(size: int, fixes: Fixes, phase: str | None) -> Diagnosis:
    """The id is input_dim itself: input_dim = vocabulary size for ids that start at 1
    (Tokenizer's word_index), or an id from outside the model's vocabulary (an unknown
    token numbered size). Threads confirm both about equally; a predicting model keeps its
    vocabulary, so there the data is at fault."""
    title = f"token id {size} is input_dim itself: one past the Embedding's [0, {size})"
    cause = (
        f"Embedding input_dim is the largest id + 1; an id of {size} needs {size + 1} rows. "
        "Tokenizer's word_index counts from 1, so input_dim must be len(word_index) + 1; an "
        f"unknown token numbered {size} gives the same error. On GPU TensorFlow does not raise: "
        "the lookup silently returns zeros."
    )
    model = Alternative(
        "vocab",
        f"Embedding(input_dim={size + 1}, ...) (len(word_index) + 1), then retrain",
        f"if the ids are the model's own vocabulary counted from 1 (1..{size})",
    )
    data = Alternative(
        "vocab",
        "use the tokenizer the model was trained with, or map unknown ids to an OOV id "
        f"below {size}; find every bad file with: {fixes.check()} --deep",
        f"if the model is right (it was trained with {size} ids, 0..{size - 1}): the data "
        "holds a token from outside its vocabulary",
    )
    if phase == "predict":
        fixed = " The model is predicting, so its vocabulary is fixed."
        return Diagnosis("vocab", "data", title, cause + fixed, data.fix, alternatives=(model,))
    return Diagnosis(
        "vocab",
        "model",
        title,
        cause,
        model.fix,
        alternatives=(data,),
        when=model.why,
        decides=f"where id {size} comes from: len(word_index) == {size} (ids counted from 1) "
        "needs the larger table; an unknown or added token numbered "
        f"{size} needs an id below {size}",
    )


def structural(
    title: str,
    cause: str,
    fix: str,
    alternatives: tuple[Alternative, ...] = (),
    expected: Shape | None = None,
    found: Shape | None = None,
) -> Diagnosis:
    """The model's layers (or graph) do not fit together: the fix is in the model."""
    return Diagnosis(
        "model-structure", "model", title, cause, fix, expected, found, alternatives=alternatives
    )


def other_images(
    title: str,
    cause: str,
    declare: str,
    resize: str,
    shapes: tuple[Shape, Shape, int],
    size: str,
    what: str = "model",
) -> Diagnosis:
    """Images of another size than the ``what`` (a model, a TF1 graph) was declared for:
    declared for these (a new one), or the images resized (a trained one keeps its weights).
    ``shapes``: expected, found and the axis that differs; ``size``: "h x w" it takes."""
    expected, found, axis = shapes
    return Diagnosis(
        "model-structure",
        "model",
        title,
        cause,
        declare,
        expected,
        found,
        axis,
        (
            Alternative(
                "features",
                resize,
                f"if the {what} is trained on {size} images and is to keep its weights",
                culprit="data",
            ),
        ),
        when=f"if the {what} is new (built from an example, or for other images)",
        decides=f"whether the {what} was trained on {size} images (keep it: resize the "
        "images) or is being built for these",
    )


def target(
    title: str,
    cause: str,
    fix: str,
    alternatives: tuple[Alternative, ...] = (),
    expected: Shape | None = None,
    found: Shape | None = None,
    decides: str = "",
    when: str = "",
) -> Diagnosis:
    """The targets do not fit the model's output (``expected``) or its loss."""
    return Diagnosis(
        "target",
        "data",
        title,
        cause,
        fix,
        expected,
        found,
        alternatives=alternatives,
        decides=decides,
        when=when,
    )


def output_without_head(output: Shape, target: Shape) -> Diagnosis:
    """The loss gets a feature map from the model and one label per sample."""
    return Diagnosis(
        "model-structure",
        "model",
        f"the model's output {fmt(output)} is a feature map, not one prediction per sample",
        f"the loss compares the model's output {fmt(output)} with targets {fmt(target)}: "
        "the model ends without a head (its last layer keeps the time or spatial axes).",
        "end the model with Flatten() (or a global pooling layer) and Dense(n_classes), so "
        "that it outputs (samples, n_classes)",
        output,
        target,
        None,
    )


def dtype_object(what: str) -> Diagnosis:
    return Diagnosis(
        "dtype",
        "data",
        f"an object array (of Python {what}s) cannot become a tensor",
        "numpy kept the values as Python objects (mixed types, or a pandas column of "
        "objects), so TensorFlow cannot convert the array.",
        "x = np.asarray(x).astype('float32')   # the same for y",
    )


def ragged(maxlen: int | None, fixes: Fixes) -> Diagnosis:
    return Diagnosis(
        "ragged",
        "data",
        "a list of sequences of different lengths cannot become one tensor",
        "sequences of different lengths make a ragged (object) array; Keras needs one "
        "rectangular (batch, timesteps, features) array.",
        fixes.pad(maxlen),
        None,
        None,
        1,
    )


def object_of_arrays(ragged: Diagnosis) -> Diagnosis:
    """An object array whose elements are arrays: sequences of different lengths (the
    threads' usual case), or the arrays of several model inputs stacked into one with
    np.array([x1, x2]), or equal arrays in a list to stack (pe003, o024: second, as
    more threads had them than stacked inputs). Only the array's length and its elements'
    shapes decide, so the readings are given."""
    stacked = Alternative(
        "input-count",
        "pass one array per model input, as a list: model.fit([x1, x2], y), not np.array([x1, x2])",
        "if len(x) is the model's number of inputs (np.array([x1, x2]) of arrays of other shapes)",
        culprit="data",
    )
    same = Alternative(
        "dtype",
        "x = np.stack(list(x)).astype('float32')",
        "if every element has the same shape (a list or object array of equal arrays)",
        culprit="data",
    )
    return replace(
        ragged,
        title="an object array of arrays: sequences of different lengths, equal arrays to "
        "stack, or stacked inputs",
        cause="x is an object array whose elements are arrays, which Keras cannot make one "
        "tensor of: the sequences have different lengths, or the arrays of several model "
        "inputs were stacked with np.array([...]).",
        alternatives=(same, stacked),
        when="if len(x) is the number of samples (sequences of different lengths)",
        decides="len(x) and the shapes of its elements: as many elements as samples, of "
        "different lengths, are sequences to pad; as many as the model's inputs are inputs to "
        "pass as a list; elements all of one shape are one array to stack",
    )


def object_array(ragged: Diagnosis) -> Diagnosis:
    """Keras 3's "Invalid dtype: object", which names no element type: sequences of
    different lengths, or values that are not numbers (strings, a pandas column of objects)."""
    values = Alternative(
        "dtype",
        "x = np.asarray(x).astype('float32')   # the same for y; strings must be encoded first",
        "if the elements are values, not sequences (a pandas column of objects, strings)",
        culprit="data",
    )
    return replace(
        ragged,
        title="an object array: sequences of different lengths, or values that are not numbers",
        cause="x (or y) is a NumPy array of Python objects, which Keras cannot make a tensor "
        "of: sequences of different lengths, or mixed or string values.",
        alternatives=(values,),
        when="if the elements are sequences of different lengths",
        decides="what x[0] is: a sequence (and len(x[0]) != len(x[1])) is padding to do; a "
        "number or a string is values to convert",
    )


def sizes_disagree(x_sizes: list[int], y_sizes: list[int]) -> Diagnosis:
    """Keras's "Data cardinality is ambiguous": read which arrays disagree."""
    if len(x_sizes) > 2 and len(set(x_sizes)) == 1:
        return Diagnosis(
            "input-count",
            "data",
            f"a list of {len(x_sizes)} arrays was read as {len(x_sizes)} model inputs",
            "a Python list passed as x is one array per model input; a list of samples is "
            "not one input.",
            "x = np.stack(x)   # one array (pad first if lengths differ)",
        )
    if len(y_sizes) > 2 and len(set(y_sizes)) == 1:
        return Diagnosis(
            "input-count",
            "data",
            f"a list of {len(y_sizes)} targets was read as {len(y_sizes)} model outputs",
            "a Python list passed as y is one array per model output; a list of per-sample "
            "labels is not one target array.",
            "y = np.asarray(y)   # one array (samples, ...) for a single-output model",
        )
    if len(set(x_sizes)) > 1:
        return Diagnosis(
            "cardinality",
            "data",
            f"the inputs disagree on the number of samples ({', '.join(map(str, x_sizes))})",
            "every input array must hold the same samples, in the same order.",
            "give every input the same number of samples (check the split and the brackets "
            "around the inputs)",
        )
    if x_sizes == [0] and any(y_sizes):
        return Diagnosis(
            "empty",
            "data",
            f"x holds no samples, y {', '.join(map(str, y_sizes))}",
            "the input array is empty (a filter, a split or a file read that kept nothing); "
            "the targets are not.",
            "check len(x) where x is built: print(x.shape) before fit",
        )
    if x_sizes == [1] and y_sizes and min(y_sizes) > 1:
        return Diagnosis(
            "cardinality",
            "data",
            f"x is one sample and y {', '.join(map(str, y_sizes))}",
            "x was reshaped into a single sample (x.reshape(1, ...)): its first axis is 1, "
            f"while y has a target for each of {y_sizes[0]} samples.",
            f"make the first axes agree: x with {y_sizes[0]} samples, x.reshape({y_sizes[0]}, "
            "timesteps, features), if each row of y belongs to one window",
            alternatives=(
                Alternative(
                    "cardinality",
                    "y = y.reshape(1, -1)",
                    "if x really is one sequence and y its per-step targets",
                ),
            ),
        )
    return Diagnosis(
        "cardinality",
        "data",
        f"{x_sizes[0] if x_sizes else '?'} input samples but "
        f"{', '.join(map(str, y_sizes)) or '?'} targets",
        "the inputs and the targets hold different numbers of samples (a mixed-up train/test "
        "split, or targets built from another table).",
        "give x and y the same number of samples, in the same order: "
        "x_train with y_train, x_test with y_test",
    )


def percent(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f}%" if whole and math.isfinite(whole) else "?"
