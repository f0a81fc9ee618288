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
import shlex
from dataclasses import dataclass, field, replace

from ..model.spec import Shape, fmt_shape

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
TRUNCATION_WARN = 0.25  # say what is lost when fewer than this share of timesteps are kept
WINDOWS_OVER = 4  # a sequence this many times the model's T is more likely a series


@dataclass(frozen=True)
class Alternative:
    kind: str
    fix: str
    why: str = ""


@dataclass(frozen=True)
class Diagnosis:
    kind: str
    culprit: str  # "data" | "model"
    title: str
    cause: str
    fix: str
    expected: Shape | None = None
    found: Shape | None = None
    axis: int | None = None
    alternatives: tuple[Alternative, ...] = ()


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

    def _q(self, text: str) -> str:
        return shlex.quote(text)

    @property
    def data_arg(self) -> str:
        return self._q(self.data) if self.data else "DATA"

    def pad(self, maxlen: int | None, dtype: str = "float32", one: bool = False) -> str:
        """``one``: the data is ONE sequence (time, ...), not a list or batch of them."""
        if self.in_memory or (self.data is None and self.model is None):
            seqs = "[x]" if one else "list(x)"
            post = ", padding='post'" if self.masked else ""
            value = f", value={self.value:g}" if self.value else ""
            return (  # maxlen=None is Keras's own default: the longest sequence
                f"x = keras.utils.pad_sequences({seqs}, maxlen={maxlen}, "
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
        parts.append(f"--out {self.out}")
        return " ".join(parts)

    def window(self, t: int | None, f: int | None, one_d: bool = False) -> str:
        """Sliding windows of T rows: the `lstmdiag window` command for a file, else numpy."""
        if self.in_memory or self.data is None:
            return _windows_fix(t, f, one_d)
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
    dtype: str = "float32"


# -- helpers ----------------------------------------------------------------------------------
def _fits(found: Shape, expected: Shape, skip_batch: bool = True) -> bool:
    start = 1 if skip_batch else 0
    return len(found) == len(expected) and all(
        e is None or f is None or e == f
        for f, e in zip(found[start:], expected[start:], strict=True)
    )


def _has_time(ev: Evidence) -> bool:
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
    return "other"


def _windows_fix(t: int | None, f: int | None, one_d: bool = False) -> str:
    """Sliding windows over a (rows, features) series — or a 1-D series of one feature —
    exactly like keras.utils.timeseries_dataset_from_array(x, None, sequence_length=T)
    concatenated (which gives (windows, T) for 1-D data: the model's feature axis is added)."""
    steps = t if t is not None else "T"
    if one_d:
        return (
            f"x = np.lib.stride_tricks.sliding_window_view(x, {steps})[..., None].copy()  "
            f"# (values - {steps} + 1, {steps}, 1)"
        )
    return (
        f"x = np.lib.stride_tricks.sliding_window_view(x, {steps}, axis=0)"
        ".transpose(0, 2, 1).copy()  "
        f"# (rows - {steps} + 1, {steps}, features); or keras.utils."
        f"timeseries_dataset_from_array(x, None, sequence_length={steps}) to stream them"
    )


def _fmt(shape: Shape | None) -> str:
    return fmt_shape(shape)


# -- the engine -------------------------------------------------------------------------------
def diagnose_shape(ev: Evidence) -> Diagnosis:
    """The most likely cause of ``found`` not fitting ``expected``, with alternatives."""
    kind = layer_kind(ev.layer)
    if kind not in (None, "model") and ev.building:
        return model_structure(ev, kind)
    found = ev.found
    if found is None:
        return model_structure(ev, kind) if kind not in (None, "model") else _rank_only(ev)
    want, got = len(ev.expected), len(found)
    if got == want:
        result = _same_rank(ev, found)
    elif got == want - 1:
        result = _one_fewer(ev, found)
    elif got == want + 1:
        result = _one_more(ev, found)
    else:
        result = _other_rank(ev, found)
    if kind not in (None, "model") and found and found[0] is None:
        # A symbolic tensor (batch None) reached an inner layer: the model is built wrong.
        return model_structure(ev, kind)
    return result


def _rank_only(ev: Evidence) -> Diagnosis:
    want = len(ev.expected)
    return Diagnosis(
        "missing-axis",
        "data",
        f"the input takes {want}-D arrays",
        f"the model takes {want} axes (batch first); the data has another number of axes.",
        f"reshape the data to {want} axes; see which with: {ev.fixes.check()}",
        ev.expected,
        None,
    )


def _same_rank(ev: Evidence, found: Shape) -> Diagnosis:
    exp = ev.expected
    differing = [
        a
        for a, (e, f) in enumerate(zip(exp, found, strict=True))
        if e is not None and f is not None and e != f
    ]
    if not differing:
        return _unknown_dims(ev, found)
    if differing[0] == 0:
        return batch(exp[0], found[0], exp, found)
    if len(exp) >= 3 and _transposed(exp, found):
        return Diagnosis(
            "features",
            "data",
            "the time and feature axes are swapped",
            f"the data is {_fmt(found)} and the model takes {_fmt(exp)}: axis 1 of the data "
            "holds the features and axis 2 the timesteps.",
            "x = np.transpose(x, (0, 2, 1))",
            exp,
            found,
            1,
        )
    feature_axes = [a for a in differing if a >= 2]
    if 1 in differing and _has_time(ev) and not feature_axes:
        return timesteps(ev, found)
    axis = feature_axes[0] if feature_axes else differing[0]
    result = features(ev, found, axis)
    if axis == 1 and ev.time_axis is None:  # (batch, n): features, or token ids over time?
        timed = timesteps(replace(ev, time_axis=True), found)
        return replace(
            result,
            alternatives=(Alternative("timesteps", timed.fix, "if axis 1 is time (token ids)"),),
        )
    return result


def _transposed(exp: Shape, found: Shape) -> bool:
    return (
        exp[1] is not None
        and exp[2] is not None
        and exp[1] != exp[2]
        and found[1] == exp[2]
        and found[2] == exp[1]
    )


def _unknown_dims(ev: Evidence, found: Shape) -> Diagnosis:
    return Diagnosis(
        "unknown-rank",
        "data",
        "the data's shape is not fully known",
        f"the model takes {_fmt(ev.expected)} and the data arrived as {_fmt(found)}: a "
        "generator or tf.data pipeline produced tensors without a static shape.",
        f"declare the shape: tf.data.Dataset.from_generator(..., output_signature="
        f"tf.TensorSpec(shape={_fmt(ev.expected)}, dtype=tf.float32)) or "
        f"ds.map(lambda x: tf.ensure_shape(x, {_fmt(ev.expected)}))",
        ev.expected,
        found,
    )


def timesteps(ev: Evidence, found: Shape) -> Diagnosis:
    t, n = ev.expected[1], found[1]
    assert t is not None and n is not None
    fix = ev.fixes.pad(t, ev.dtype)
    cause = f"the model was built for sequences of exactly {t} timesteps (axis 1) and got {n}. "
    alternatives: list[Alternative] = []
    if n > t:
        kept = t / n
        cause += (
            f"Truncating keeps {t} of {n} timesteps ({kept:.0%}) of every sequence"
            + ("; that loses most of the data" if kept < TRUNCATION_WARN else "")
            + "."
        )
        if n >= WINDOWS_OVER * t:
            alternatives.append(
                Alternative(
                    "missing-axis",
                    f"x = np.moveaxis(np.lib.stride_tricks.sliding_window_view(x, {t}, axis=1), "
                    f"-1, 2).reshape(-1, {t}, *x.shape[2:])   # every window "
                    f"of {t} steps of every sequence: (samples x ({n} - {t} + 1), {t}, ...)",
                    f"if each sequence is a long series, cut it into windows of {t} "
                    "instead of keeping only its end",
                )
            )
    else:
        cause += f"Padding adds {t - n} steps to each."
    per_step = ", ".join("?" if d is None else str(d) for d in ev.expected[2:])
    alternatives.append(
        Alternative(
            "model-structure",
            f"rebuild the model with Input(shape=(None{', ' if per_step else ','}{per_step})) "
            "to accept any length",
            "if the model should take other lengths",
        )
    )
    return Diagnosis(
        "timesteps",
        "data",
        f"wrong number of timesteps: {n} instead of {t}",
        cause,
        fix,
        ev.expected,
        found,
        1,
        tuple(alternatives),
    )


def features(ev: Evidence, found: Shape | None, axis: int) -> Diagnosis:
    want = ev.expected[axis] if axis < len(ev.expected) else None
    got = found[axis] if found is not None and axis < len(found) else None
    no_time = len(ev.expected) == 2 and not _has_time(ev)
    where = (
        f"this input has no time axis ({_fmt(ev.expected)} feeds no sequence layer), so axis "
        f"{axis} is its features"
        if no_time
        else f"axis {axis} of the data is {got}, the model expects {want}"
    )
    return Diagnosis(
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


def batch(want: int | None, got: int | None, exp: Shape | None, found: Shape | None) -> Diagnosis:
    """A batch other than the model's fixed one. A multiple of it runs when fed ``want`` at a
    time; anything else needs the batch padded to a multiple, as one literal snippet."""
    rebuild = Alternative(
        "model-structure",
        "rebuild the inference model with stateful=False and batch_size=None, then load "
        "the weights into it (model.get_weights() / set_weights)",
        "if predictions need not carry state from batch to batch",
    )
    cause = (
        "the model fixes its batch size (a stateful RNN, or Input(batch_size=...)); every "
        f"batch must hold exactly {want} sequences."
    )
    if want and got and got % want == 0:
        return Diagnosis(
            "batch",
            "data",
            f"{got} samples for a model fixed to batches of {want}: feed {want} at a time",
            cause,
            f"model.predict(x, batch_size={want})",
            exp,
            found,
            0,
            (rebuild,),
        )
    add = f"{-got % want}" if want and got else f"-len(x) % {want}"
    more = (
        f" {got} -> {got + -got % want} samples, the last {-got % want} zeros:"
        if want and got
        else ""
    )
    keep = f"[:{got}]" if got else "[:n]"
    return Diagnosis(
        "batch",
        "data",
        f"batch of {got} for a model fixed to batches of {want}",
        cause,
        f"x = np.concatenate([x, np.zeros(({add}, *x.shape[1:]), x.dtype)])   #{more} "
        f"then model.predict(x, batch_size={want}){keep} drops their predictions",
        exp,
        found,
        0,
        (rebuild,),
    )


def _one_fewer(ev: Evidence, found: Shape) -> Diagnosis:
    exp = ev.expected
    if found and found[0] == 0:
        return empty(ev, found)
    if len(exp) == 3 and len(found) == 2:
        return _table_into_sequences(ev, found)
    if len(exp) == 5 and all(d is None for d in exp):  # only a rank: ConvLSTM2D / video
        return Diagnosis(
            "missing-axis",
            "data",
            "an axis is missing (4 axes instead of 5)",
            f"the model takes sequences of frames (samples, time, rows, cols, channels); "
            f"{_fmt(found)} has one axis fewer: the time axis, or the channel axis.",
            "x = x[..., None] for a missing channel axis; x.reshape(-1, T, *x.shape[1:]) to group "
            "frames into sequences of T",
            exp,
            found,
            None,
            (Alternative("missing-batch", "x = np.expand_dims(x, 0)", "if it is one sample"),),
        )
    if _fits((None, *found), exp):
        return missing_batch(ev, found)
    if len(exp) >= 4 and found[1:] == exp[2:] and all(d is not None for d in exp[2:]):
        return Diagnosis(
            "missing-axis",
            "data",
            f"the time axis is missing ({len(found)} axes instead of {len(exp)})",
            f"the model takes sequences of frames {_fmt(exp)}; the data {_fmt(found)} is a "
            "batch of single frames.",
            "group the frames into sequences: x.reshape(-1, T, *x.shape[1:]) — or x[:, None] "
            "for sequences of one frame",
            exp,
            found,
            1,
        )
    return Diagnosis(
        "missing-axis",
        "data",
        f"one axis fewer than the model takes ({len(found)} instead of {len(exp)})",
        f"the model takes {_fmt(exp)} and the data is {_fmt(found)}.",
        f"reshape the data to {_fmt(exp)}; which axis is missing depends on what the data "
        f"holds (one sample without a batch axis: np.expand_dims(x, 0))",
        exp,
        found,
        None,
        (Alternative("missing-batch", "x = np.expand_dims(x, 0)", "if it is one sample"),),
    )


def missing_batch(ev: Evidence, found: Shape) -> Diagnosis:
    exp = ev.expected
    return Diagnosis(
        "missing-batch",
        "data",
        f"the batch axis is missing ({len(found)} axes instead of {len(exp)})",
        f"the model takes a batch {_fmt(exp)}; {_fmt(found)} is one sample without its batch "
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
        f"{_fmt(found)}: no rows reached the model — the loading or splitting step produced "
        "nothing (a wrong path, a filter that removed everything, a window longer than the "
        "series).",
        "print len(x) after each loading step and fix the one that returns nothing",
        ev.expected,
        found,
        0,
    )


def _table_into_sequences(ev: Evidence, found: Shape) -> Diagnosis:
    """A 2-D (a, b) array into (None, T, F): one sequence, a table of rows, a batch of
    one-feature sequences, or flattened sequences — decided by the sizes."""
    _, t, f = ev.expected
    a, b = found
    exp = ev.expected
    one = Alternative(
        "missing-batch",
        "x = np.expand_dims(x, 0)",
        f"if it is ONE sequence of {a if a is not None else 'all its'} timesteps",
    )
    if a is not None and t is not None and a > t:  # one sequence too long: pad cuts it
        one = Alternative(
            "timesteps",
            ev.fixes.pad(t, ev.dtype, one=True),
            f"if it is ONE sequence of {a} timesteps (this keeps {t} of them, {t / a:.0%})",
        )
    if f is not None and b is not None and b != f:
        if f == 1 and (t is None or b == t):
            return Diagnosis(
                "missing-axis",
                "data",
                "the feature axis is missing",
                f"{_fmt(found)} is {a} sequences of {b} timesteps; the model takes "
                f"{_fmt(exp)}, one feature per timestep.",
                "x = x[..., None]   # (samples, timesteps, 1)",
                exp,
                found,
                2,
            )
        if t is not None and b == t * f:
            return Diagnosis(
                "missing-axis",
                "data",
                "the sequences are flattened",
                f"each row of {_fmt(found)} holds {b} = {t} x {f} values: {t} timesteps of {f} "
                "features laid end to end.",
                f"x = x.reshape(-1, {t}, {f})",
                exp,
                found,
                1,
            )
        return features(ev, (None, None, b), 2)
    if a is not None and t is not None and a == t:
        return replace(
            missing_batch(ev, found),
            alternatives=(
                Alternative(
                    "missing-axis", ev.fixes.window(t, f), "if the rows are a longer series"
                ),
            ),
        )
    if a is not None and t is not None and a < t:
        pre, post = (0, t - a) if ev.fixes.masked else (t - a, 0)
        value = f", constant_values={ev.fixes.value:g}" if ev.fixes.value else ""
        return Diagnosis(
            "missing-batch",
            "data",
            "the batch axis is missing (and the sequence is short)",
            f"{_fmt(found)} is one sequence of {a} timesteps without its batch axis; the model "
            f"takes {t} timesteps.",
            f"x = np.pad(x, (({pre}, {post}), (0, 0)){value})[None]   # pad to {t} timesteps "
            f"({'post' if ev.fixes.masked else 'pre'}, with {ev.fixes.value:g}), then add the "
            "batch axis",
            exp,
            found,
            0,
        )
    if t is None and f is not None:  # variable-length sequences: most likely one of them
        return replace(
            missing_batch(ev, found),
            alternatives=(
                Alternative(
                    "missing-axis",
                    "x = x[:, None, :]   # (samples, 1, features): one timestep per sample",
                    "if every row is an independent sample",
                ),
            ),
        )
    return _table(ev, found, one)


def _table(ev: Evidence, found: Shape, one: Alternative) -> Diagnosis:
    _, t, f = ev.expected
    a, b = found
    rows = f"{a} rows" if a is not None else "rows"
    alts = [one]
    if t in (None, 1):
        alts.insert(
            0,
            Alternative(
                "missing-axis",
                "x = x[:, None, :]   # (samples, 1, features): one timestep per sample",
                "if every row is an independent sample",
            ),
        )
    return Diagnosis(
        "missing-axis",
        "data",
        "a 2-D table was fed to a sequence model",
        f"{_fmt(found)} is a table of {rows} x {b} features; an LSTM takes (samples, "
        f"timesteps, features){f', windows of {t} rows' if t else ''}. Cut the series into "
        "windows (each sample = the rows that lead up to one prediction).",
        ev.fixes.window(t, f),
        ev.expected,
        found,
        1,
        tuple(alts),
    )


def _one_more(ev: Evidence, found: Shape) -> Diagnosis:
    exp = ev.expected
    ones = sorted((a for a, d in enumerate(found) if d == 1), key=lambda a: a == 0)
    fitting = [a for a in ones if _fits(found[:a] + found[a + 1 :], exp)]
    candidates: list[int | None] = [*fitting, *ones, None]
    axis = candidates[0]
    if axis is not None:
        squeezed = found[:axis] + found[axis + 1 :]
        return Diagnosis(
            "extra-axis",
            "data",
            f"one axis too many ({len(found)} axes instead of {len(exp)})",
            f"{_fmt(found)} has an extra size-1 axis {axis} (often np.expand_dims or a reshape "
            f"after pad_sequences, which already returns a batch); without it the data is "
            f"{_fmt(squeezed)}.",
            f"x = np.squeeze(x, axis={axis if axis < len(found) - 1 else -1})",
            exp,
            found,
            axis,
        )
    return Diagnosis(
        "extra-axis",
        "data",
        f"one axis too many ({len(found)} axes instead of {len(exp)})",
        f"the model takes {_fmt(exp)} and the data is {_fmt(found)}: the two leading axes "
        "hold what the model reads as samples.",
        "x = x.reshape(-1, *x.shape[2:])   # merge the first two axes into the batch",
        exp,
        found,
        None,
        (
            Alternative(
                "model-structure",
                "wrap the per-frame layers in TimeDistributed(...) or use ConvLSTM2D",
                "if each sample really is a sequence of 2-D frames",
            ),
        ),
    )


def _other_rank(ev: Evidence, found: Shape) -> Diagnosis:
    exp = ev.expected
    if len(found) == 1 and len(exp) == 3 and exp[2] == 1:
        return _one_series(ev, found)
    kind = "missing-axis" if len(found) < len(exp) else "extra-axis"
    return Diagnosis(
        kind,
        "data",
        f"{len(found)} axes instead of {len(exp)}",
        f"the model takes {_fmt(exp)} and the data is {_fmt(found)}.",
        f"reshape the data to {_fmt(exp)} (batch, timesteps, features...)",
        exp,
        found,
        None,
    )


def _one_series(ev: Evidence, found: Shape) -> Diagnosis:
    """A 1-D array into (None, T, 1): one sequence of one feature per timestep (its length
    fits), or a series to cut into windows (it does not)."""
    t, (n,) = ev.expected[1], found
    if t is None or n == t:
        return Diagnosis(
            "missing-axis",
            "data",
            "the batch and feature axes are missing",
            f"{_fmt(found)} is one sequence of {n} values; the model takes {_fmt(ev.expected)}: "
            "samples of timesteps with one feature each.",
            "x = x.reshape(1, -1, 1)   # (1 sample, timesteps, 1 feature)",
            ev.expected,
            found,
            None,
        )
    return Diagnosis(
        "missing-axis",
        "data",
        "a 1-D series was fed to a sequence model",
        f"{_fmt(found)} is {n} values in a row; the model takes {_fmt(ev.expected)}: "
        f"samples of {t} timesteps with one feature each. Cut the series into windows.",
        ev.fixes.window(t, 1, one_d=True),
        ev.expected,
        found,
        None,
    )


def model_structure(ev: Evidence, kind: str | None) -> Diagnosis:
    """The layer an error names is inside the model and got a tensor of the wrong rank."""
    want = len(ev.expected)
    got = len(ev.found) if ev.found is not None else None
    layer = ev.layer or "a layer"
    if kind == "recurrent" and want == 5:
        fix = (
            "ConvLSTM2D takes (batch, time, rows, cols, channels): give the Input a time axis, "
            "Input(shape=(timesteps, rows, cols, channels)), and feed sequences of frames"
        )
        if got is not None and got > want:
            fix = "input_shape=x.shape includes the batch axis: use input_shape=x.shape[1:]"
    elif kind == "recurrent" and got is not None and got < want:
        fix = (
            "set return_sequences=True on every stacked recurrent layer but the last (a "
            "recurrent layer without it returns (batch, units), which the next one cannot read)"
        )
        if ev.declared_input:
            fix = (
                "declare the input as (timesteps, features): Input(shape=(T, F)) / "
                "input_shape=(T, F), not x.shape[1:] of a 2-D table"
            )
    elif kind == "recurrent" and got is not None and got > want:
        fix = (
            "reshape to (batch, timesteps, features) inside the model before the recurrent "
            "layer: layers.Reshape((T, -1)) or TimeDistributed(Flatten()); an Embedding takes "
            "integer ids (batch, timesteps), not one-hot vectors; input_shape=x.shape includes "
            "the batch axis (use x.shape[1:])"
        )
    elif kind == "dense" and got is not None and got > want:
        fix = (
            "a sequence reaches a Dense layer: set return_sequences=False on the last recurrent "
            "layer, or wrap the Dense in TimeDistributed(...), or Flatten() first"
        )
    elif kind == "conv" and got is not None and got > want:
        fix = "wrap the convolution in TimeDistributed(...) to apply it to every frame"
    elif kind == "conv" and got is not None and got < want:
        fix = "add the channel axis: layers.Reshape((*frame_shape, 1)) before the convolution"
    else:
        fix = (
            f"check what the layer before {layer} returns (model.summary()); reshape or wrap "
            "it so that the shapes meet"
        )
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
        f"layer {layer} receives a {got if got is not None else '?'}-D tensor; it takes {want}-D",
        f"the error is raised inside the model, at {layer}, "
        + ("while it is being built" if ev.building else "on a tensor another layer produced")
        + ": the layers do not fit together (the data is not the problem).",
        fix,
        ev.expected,
        ev.found,
        None,
        other,
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


def vocab(token: int, size: int, in_loss: bool, fixes: Fixes) -> Diagnosis:
    if in_loss:
        return target(
            f"a label {token} is outside [0, {size})",
            f"the loss's lookup failed: a target class id {token} is not below the model's "
            f"{size} output units (sparse labels must be 0..{size - 1}).",
            f"give the output layer as many units as classes (Dense({token + 1}) at least), or "
            "re-encode the labels to 0..n_classes-1",
        )
    return Diagnosis(
        "vocab",
        "data",
        f"token id {token} is outside the Embedding's vocabulary [0, {size})",
        f"the Embedding has input_dim={size}: every token id must be in 0..{size - 1}. The data "
        "was tokenized with another vocabulary, ids were shifted, or padding used -1. On GPU "
        "TensorFlow does not raise: the lookup silently returns zeros.",
        "use the tokenizer the model was trained with, or map unknown ids to an OOV id below "
        f"{size}; find every bad file with: {fixes.check()} --deep",
    )


def target(title: str, cause: str, fix: str) -> Diagnosis:
    return Diagnosis("target", "data", title, cause, fix)


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


def sizes_disagree(x_sizes: list[int], y_sizes: list[int]) -> Diagnosis:
    """Keras's "Data cardinality is ambiguous": read which arrays disagree."""
    if len(x_sizes) > 2 and len(set(x_sizes)) == 1:
        return Diagnosis(
            "input-count",
            "data",
            f"a list of {len(x_sizes)} arrays was read as {len(x_sizes)} model inputs",
            "a Python list passed as x is one array per model input; a list of samples is "
            "not one input.",
            "x = np.stack(samples)   # one array (pad first if lengths differ)",
        )
    if len(set(x_sizes)) > 1:
        return Diagnosis(
            "batch",
            "data",
            f"the inputs disagree on the number of samples ({', '.join(map(str, x_sizes))})",
            "every input array must hold the same samples, in the same order.",
            "give every input the same number of samples (check the split and the brackets "
            "around the inputs)",
        )
    return target(
        f"{x_sizes[0] if x_sizes else '?'} input samples but "
        f"{', '.join(map(str, y_sizes)) or '?'} targets",
        "the inputs and the targets hold different numbers of samples (a mixed-up train/test "
        "split, or targets built from another table).",
        "give x and y the same number of samples, in the same order: "
        "x_train with y_train, x_test with y_test",
    )


def percent(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f}%" if whole and math.isfinite(whole) else "?"
