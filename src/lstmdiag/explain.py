"""``lstmdiag explain``: a pasted Keras/TensorFlow error in, the cause and the fix out.

Each recogniser is a regular expression over the text (ANSI colours stripped) written
against messages produced by real Keras 3 and tf-keras 2 (the test suite provokes them live).
Unknown text is said to be unknown: no guessing.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass

from .model.spec import ModelSpec, Shape, fmt_shape

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class Explanation:
    kind: str  # timesteps | features | rank | batch | unroll | unknown-rank | vocab | ragged |
    #            structure | input-count
    title: str
    cause: str
    fix: str
    expected: Shape | None = None
    found: Shape | None = None
    axis: int | None = None
    matched: str = ""  # the line of the message that was recognised


def _shape(text: str) -> Shape:
    dims: list[int | None] = []
    for part in text.replace("[", "").replace("]", "").split(","):
        part = part.strip()
        if not part:
            continue
        dims.append(None if part in ("None", "?", "-1") else int(part))
    return tuple(dims)


def _q(text: str) -> str:
    return shlex.quote(text)


class _Context:
    def __init__(self, model: ModelSpec | None, model_arg: str | None, data: list[str]) -> None:
        self.model = model
        self.model_arg = model_arg
        self.data = data

    @property
    def data_arg(self) -> str:
        return " ".join(_q(d) for d in self.data) if self.data else "DATA"

    def pad_fix(self, maxlen: int | None, masked: bool = False) -> str:
        target = (
            f"--model {_q(self.model_arg)}"
            if self.model_arg
            else f"--maxlen {maxlen}"
            if maxlen
            else "--maxlen N"
        )
        side = " --padding post" if masked else ""
        return (
            f"lstmdiag pad {self.data_arg} {target}{side} --out padded/   "
            f"(or in Python: keras.utils.pad_sequences(seqs, maxlen={maxlen or 'N'}, "
            f"dtype='float32'{', padding=' + repr('post') if masked else ''}))"
        )

    @property
    def masked(self) -> bool:
        return bool(self.model and self.model.masking)

    def expected(self) -> Shape | None:
        if self.model and len(self.model.inputs) == 1:
            return self.model.inputs[0].shape
        return None


def _shape_mismatch(m: re.Match[str], ctx: _Context) -> Explanation:
    expected, found = _shape(m.group(1)), _shape(m.group(2))
    if ctx.expected() is not None and len(ctx.expected() or ()) == len(expected):
        expected = ctx.expected() or expected
    if len(found) != len(expected):
        return _rank(len(expected), len(found), found, ctx, m.group(0), expected)
    differing = [
        a
        for a, (e, f) in enumerate(zip(expected, found, strict=True))
        if e is not None and f is not None and e != f
    ]
    axis = differing[0] if differing else len(expected) - 1
    if axis == 0:
        return _batch(expected[0], found[0], ctx, m.group(0), expected, found)
    if axis == 1:
        return Explanation(
            "timesteps",
            f"wrong number of timesteps: {found[1]} instead of {expected[1]}",
            f"the model was built for sequences of exactly {expected[1]} timesteps (axis 1) "
            f"and got {found[1]}. Pad or truncate every sequence to {expected[1]}.",
            ctx.pad_fix(expected[1], ctx.masked),
            expected,
            found,
            1,
            m.group(0),
        )
    return Explanation(
        "features",
        f"wrong number of features: {found[axis]} instead of {expected[axis]}",
        f"axis {axis} of the data is {found[axis]}, the model expects {expected[axis]}. "
        "Padding cannot fix this: the data has different features than the model was "
        "trained on (another preprocessing, feature set or tokenizer).",
        "build the features the model was trained with; check with: lstmdiag check "
        f"{_q(ctx.model_arg) if ctx.model_arg else 'MODEL'} {ctx.data_arg}",
        expected,
        found,
        axis,
        m.group(0),
    )


def _rank(
    want: int,
    got: int,
    found: Shape | None,
    ctx: _Context,
    line: str,
    expected: Shape | None = None,
) -> Explanation:
    expected = expected or ctx.expected()
    if got == want - 1:
        return Explanation(
            "rank",
            f"the batch axis is missing ({got} axes instead of {want})",
            "Keras takes (batch, timesteps, features); a single sequence has no batch axis, so "
            "its timesteps were read as the batch.",
            "x = np.expand_dims(x, 0)   # a batch of one; for many sequences: np.stack(seqs)",
            expected,
            found,
            0,
            line,
        )
    if got == want + 1:
        return Explanation(
            "rank",
            f"one axis too many ({got} axes instead of {want})",
            "an extra size-1 axis, typically np.expand_dims after pad_sequences (which already "
            "returns a batch).",
            "x = np.squeeze(x, axis=1)   # or drop the expand_dims",
            expected,
            found,
            None,
            line,
        )
    return Explanation(
        "rank",
        f"{got} axes instead of {want}",
        f"the model takes {want}-D input (batch, timesteps, features...) and got {got}-D.",
        "reshape the data to (batch, timesteps, features)",
        expected,
        found,
        None,
        line,
    )


def _batch(
    want: int | None,
    got: int | None,
    ctx: _Context,
    line: str,
    expected: Shape | None = None,
    found: Shape | None = None,
) -> Explanation:
    return Explanation(
        "batch",
        f"batch of {got} for a model fixed to batches of {want}",
        "the model fixes its batch size (a stateful RNN, or Input(batch_size=...)); every "
        f"batch must hold exactly {want} sequences.",
        f"model.predict(x, batch_size={want}) with len(x) a multiple of {want} (pad the batch "
        "axis), or rebuild the inference model with stateful=False / batch_size=None",
        expected,
        found,
        0,
        line,
    )


def _recognisers() -> list[
    tuple[re.Pattern[str], Callable[[re.Match[str], _Context], Explanation]]
]:
    return [
        (re.compile(r"expected shape=\(([^)]*)\), found shape=\(([^)]*)\)"), _shape_mismatch),
        (
            re.compile(
                r"expected ndim=(\d+), found ndim=(\d+)"
                r"(?:\. Full shape received: \(([^)]*)\))?"
            ),
            lambda m, ctx: _rank(
                int(m.group(1)),
                int(m.group(2)),
                _shape(m.group(3)) if m.group(3) else None,
                ctx,
                m.group(0),
            ),
        ),
        (
            re.compile(r"Expected batch size: (\d+)\s*-?\s*Received batch size: (\d+)"),
            lambda m, ctx: _batch(int(m.group(1)), int(m.group(2)), ctx, m.group(0)),
        ),
        (re.compile(r"Incompatible shapes: \[(\d+),(\d+)\] vs\. \[(\d+),(\d+)\]"), _incompatible),
        (
            re.compile(
                r"Dimensions must be equal, but are (\d+) and (\d+) for "
                r"'\{\{node [^}]*?(?:MatMul|BiasAdd|add)[^}]*\}\}"
            ),
            _matmul,
        ),
        (
            re.compile(
                r"Matrix size-incompatible: In\[0\]: \[(\d+),(\d+)\], In\[1\]: "
                r"\[(\d+),(\d+)\]"
            ),
            lambda m, ctx: _features(int(m.group(3)), int(m.group(2)), ctx, m.group(0)),
        ),
        (
            re.compile(
                r"Cannot unroll a RNN if the time dimension is undefined|"
                r"Unrolling requires a fixed number of timesteps"
            ),
            _unroll,
        ),
        (
            re.compile(
                r"Cannot take the length of shape with unknown rank|"
                r"as_list\(\) is not defined on an unknown TensorShape"
            ),
            _unknown_rank,
        ),
        (re.compile(r"indices\[[^\]]*\] = (-?\d+) is not in \[0, (\d+)\)"), _vocab),
        (
            re.compile(
                r"Failed to convert a NumPy array to a Tensor \(Unsupported object type "
                r"([^)]*)\)|Invalid dtype: object"
            ),
            _ragged,
        ),
        (re.compile(r"The structure of `inputs` doesn't match the expected structure"), _structure),
        (
            re.compile(
                r"expects (\d+) (?:named )?input\(s\)[^\n]*?but it received (\d+) input "
                r"tensors"
            ),
            _input_count,
        ),
    ]


def _features(want: int, got: int, ctx: _Context, line: str) -> Explanation:
    return Explanation(
        "features",
        f"wrong number of features: {got} instead of {want}",
        f"the recurrent layer's kernel expects {want} features per timestep and the data has "
        f"{got} (this surfaces as a matrix-multiply error inside the LSTM/GRU cell). Padding "
        "cannot fix it: build the features the model was trained with.",
        f"lstmdiag check {_q(ctx.model_arg) if ctx.model_arg else 'MODEL'} {ctx.data_arg}  "
        "(names the file and the layer)",
        ctx.expected(),
        None,
        -1,
        line,
    )


def _matmul(m: re.Match[str], ctx: _Context) -> Explanation:
    return _features(int(m.group(2)), int(m.group(1)), ctx, m.group(0))


def _incompatible(m: re.Match[str], ctx: _Context) -> Explanation:
    a, b, c, d = (int(m.group(i)) for i in range(1, 5))
    if a != c and b == d:  # the data's batch meets a stored state's batch
        return _batch(c, a, ctx, m.group(0))
    return _features(d, b, ctx, m.group(0))


def _unroll(m: re.Match[str], ctx: _Context) -> Explanation:
    return Explanation(
        "unroll",
        "unroll=True needs a fixed number of timesteps",
        "the model's input leaves the time axis as None, and an unrolled RNN must know how "
        "many steps to unroll.",
        "give the Input a fixed time axis (keras.Input(shape=(T, features))) and pad the data "
        f"to T ({ctx.pad_fix(None)}), or set unroll=False",
        None,
        None,
        1,
        m.group(0),
    )


def _unknown_rank(m: re.Match[str], ctx: _Context) -> Explanation:
    expected = ctx.expected()
    shape = fmt_shape(expected) if expected else "(None, T, features)"
    return Explanation(
        "unknown-rank",
        "the data reached the model without a known shape",
        "a tf.data pipeline (from_generator, py_function, numpy_function) produced tensors of "
        "unknown rank, so the RNN cannot read its time and feature axes.",
        f"declare the shape: tf.data.Dataset.from_generator(..., output_signature="
        f"tf.TensorSpec(shape={shape}, dtype=tf.float32)) or "
        f"ds.map(lambda x: tf.ensure_shape(x, {shape}))",
        expected,
        None,
        None,
        m.group(0),
    )


def _vocab(m: re.Match[str], ctx: _Context) -> Explanation:
    token, size = int(m.group(1)), int(m.group(2))
    return Explanation(
        "vocab",
        f"token id {token} is outside the Embedding's vocabulary [0, {size})",
        f"the Embedding has input_dim={size}: every token id must be in 0..{size - 1}. The "
        "data was tokenized with another vocabulary (or ids were shifted). On GPU Keras does "
        "not raise: the lookup silently returns zeros.",
        f"use the tokenizer the model was trained with, or map unknown ids to an OOV id below "
        f"{size}; find every bad file with: lstmdiag check "
        f"{_q(ctx.model_arg) if ctx.model_arg else 'MODEL'} {ctx.data_arg} --deep",
        None,
        None,
        None,
        m.group(0),
    )


def _ragged(m: re.Match[str], ctx: _Context) -> Explanation:
    maxlen = None
    if ctx.expected() and len(ctx.expected() or ()) > 1:
        maxlen = (ctx.expected() or (None, None))[1]
    return Explanation(
        "ragged",
        "a list of sequences of different lengths cannot become one tensor",
        "numpy made an object array from sequences of different lengths; Keras needs one "
        "rectangular (batch, timesteps, features) array.",
        ctx.pad_fix(maxlen, ctx.masked),
        ctx.expected(),
        None,
        1,
        m.group(0) or "",
    )


def _structure(m: re.Match[str], ctx: _Context) -> Explanation:
    return Explanation(
        "structure",
        "a list was passed to a model with one input",
        "model.predict([x]) or a list of per-sequence arrays was given to a single-input "
        "model; Keras expects one array.",
        "pass the array itself: model.predict(x); for a list of sequences: "
        "x = np.stack(seqs) (same length) or pad them first",
        ctx.expected(),
        None,
        None,
        m.group(0),
    )


def _input_count(m: re.Match[str], ctx: _Context) -> Explanation:
    want, got = int(m.group(1)), int(m.group(2))
    return Explanation(
        "input-count",
        f"{got} arrays given to a model with {want} input(s)",
        "a Python list is read as one array per model input; a list of batches or of "
        "sequences is not one input.",
        "stack the list into one array: x = np.stack(seqs) (pad first if lengths differ: "
        f"{ctx.pad_fix(None)})"
        if want == 1
        else "pass one array per input, in the model's input order (or a dict keyed by input name)",
        ctx.expected(),
        None,
        None,
        m.group(0),
    )


def explain(
    text: str,
    model: ModelSpec | None = None,
    model_arg: str | None = None,
    data: list[str] | None = None,
) -> Explanation | None:
    """The first recognised cause in ``text`` (most specific recognisers first)."""
    clean = _ANSI.sub("", text)
    ctx = _Context(model, model_arg, list(data or []))
    for pattern, build in _recognisers():
        match = pattern.search(clean)
        if match:
            return build(match, ctx)
    return None


def to_dict(e: Explanation) -> dict[str, object]:
    return {
        "kind": e.kind,
        "title": e.title,
        "cause": e.cause,
        "fix": e.fix,
        "expected": None if e.expected is None else list(e.expected),
        "found": None if e.found is None else list(e.found),
        "axis": e.axis,
        "matched": e.matched,
    }
