"""Targets, losses and logits against the model's output; samples that do not pair up."""

from __future__ import annotations

import re

from ...model.spec import Shape, fmt_shape
from .. import diagnosis as D
from .. import target_diagnosis as T
from ..diagnosis import Diagnosis
from ..error_text import Context, parse_shape

_TARGET_SHAPES = re.compile(
    r"expected (?P<name>\S+) to have (?:shape (?P<shape>\([^)]*\))|"
    r"(?P<rank>\d{1,2}(?!\d)) dimensions),? "
    r"but got (?:an )?array with shape\s*(?P<got>\([^)]*\))"
)


def _checking_target(m: re.Match[str], ctx: Context) -> Diagnosis:
    """Keras 1/2: Error when checking (model) target: expected X to have ..."""
    d = _target_checked(m, ctx)
    if ctx.autoencoder and d.kind == "target":
        return _output_not_the_input(d)
    return d


def _output_not_the_input(d: Diagnosis) -> Diagnosis:
    """fit(X, X): the targets are the inputs, so the output must take their shape."""
    return D.structural(
        "an autoencoder's output does not have its input's shape",
        f"the model is fit to reproduce its input (fit(X, X)), so y is x {fmt_shape(d.found)}; "
        f"the output is {fmt_shape(d.expected)}: the decoder's upsampling, Reshape or "
        "RepeatVector gives another number of steps or features than the input has.",
        "make the decoder end in the input's shape: check each decoder layer's output with "
        "model.summary() (RepeatVector(timesteps), TimeDistributed(Dense(features)), "
        "Conv1DTranspose/UpSampling1D sizes)",
        expected=d.expected,
        found=d.found,
    )


def _target_checked(m: re.Match[str], ctx: Context) -> Diagnosis:
    shapes = _TARGET_SHAPES.search(m.string, m.start())
    found = parse_shape(shapes.group("got")) if shapes else None
    if shapes is None or found is None:
        return T.generic(m.group(0))
    quote, layer = shapes.group(0), shapes.group("name")
    if shapes.group("rank") is not None:
        return T.output_vs_target(None, found, quote, int(shapes.group("rank")), layer, ctx.binary)
    expected = parse_shape(shapes.group("shape"))
    if expected is None:
        return T.generic(quote)
    if (not expected or expected[0] is not None) and not _whole_shapes(ctx):
        expected, found = (None, *expected), (None, *found)  # Keras 2.1+: without the batch
    return T.output_vs_target(expected, found, quote, layer=layer, binary=ctx.binary, checked=True)


def _whole_shapes(ctx: Context) -> bool:
    """Keras 1 and 2.0 printed the whole shapes, the batch first ("Error when checking model
    input/target", Keras 1's bare Exception); Keras 2.1+ leave the batch out."""
    return bool(
        re.search(
            r"Error when checking model (?:input|target)|Error when checking :|"
            r"(?:^|\n)Exception: Error when checking",
            ctx.raw,
        )
    )


def _rank_target(m: re.Match[str], ctx: Context) -> Diagnosis:
    """Keras 3: Arguments target and output must have the same rank/shape."""
    shapes = re.search(
        r"target\.shape=(\([^)]*\)), output\.shape=(\([^)]*\))", m.string[m.start() :]
    )
    found = parse_shape(shapes.group(1)) if shapes else None
    expected = parse_shape(shapes.group(2)) if shapes else None
    if found is None or expected is None:
        return D.target(
            "the targets have another shape than the model's output",
            "the loss compares y with the model's output and their shapes differ "
            f"({m.group(0)[:160]}).",
            "reshape y like the output (np.squeeze(y, axis=1) for an extra size-1 axis), or use "
            "sparse_categorical_crossentropy for integer labels",
        )
    return T.output_vs_target(expected, found, m.group(0), binary=ctx.binary)


def _target_for_output(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """Keras 2: A target array with shape Y was passed for an output of shape O (quoted
    from its middle, Y is cut off: rc001)."""
    expected = parse_shape(m.group(2))
    if expected is None:
        return None
    if m.group(1) is None:
        return _target_unseen(expected)
    found = parse_shape(m.group(1))
    if found is None:
        return None
    if ctx.regression:
        return T.regression_head(expected, found, ctx.regression) or T.output_vs_target(
            expected, found, m.group(0)
        )
    return T.output_vs_target(expected, found, m.group(0), binary=ctx.binary)


def _target_unseen(expected: Shape) -> Diagnosis:
    """y of a shape the message does not show, for an output of ``expected``."""
    return D.target(
        f"y does not have the output's shape {fmt_shape(expected)}",
        "the loss compares y with the model's output element by element, so y must have "
        f"the output's shape {fmt_shape(expected)}; the part of the message with y's shape "
        "is not there.",
        f"shape y as the output, (samples, {', '.join(map(str, expected[1:]))}): print "
        "y.shape; a table of several columns where one target is meant keeps only that "
        "column (y = df.pop('target'))",
        expected=expected,
    )


def _loss_shapes(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """tf-keras's crossentropy checks target.shape.assert_is_compatible_with(output.shape):
    "Shapes (target) and (output) are incompatible". Elsewhere (weights) it is no target."""
    found, expected = parse_shape(m.group(1)), parse_shape(m.group(2))
    if found is None or expected is None:
        return None
    if re.search(r"load_weights|set_weights|assign|checkpoint|load_model", ctx.raw, re.I):
        return None
    told = re.search(r"loss|crossentropy|\.fit\(|train_function", ctx.raw, re.I)
    batch_first = None in found[:1] + expected[:1] or (
        len(found) != len(expected) and found[:1] == expected[:1]
    )  # a batch of samples on both sides: no kernel or weight
    if not told and not batch_first:
        return None
    return T.output_vs_target(expected, found, m.group(0), binary=ctx.binary)


def _ids_for_categorical(m: re.Match[str], ctx: Context) -> Diagnosis:
    """Keras 2: You are passing a target array of shape (n, 1) while using as loss
    categorical_crossentropy."""
    return D.target(
        f"integer class ids {m.group(1)} where categorical_crossentropy expects one-hot labels",
        "categorical_crossentropy takes one-hot targets (samples, classes); y holds one class "
        "id per sample.",
        "one-hot the labels: y = keras.utils.to_categorical(y, n_classes), n_classes being the "
        "output layer's units",
        (T.KEEP_THE_IDS,),
        found=parse_shape(m.group(1)),
    )


def _logits(m: re.Match[str], ctx: Context) -> Diagnosis:
    logits, labels = parse_shape(m.group(1)), parse_shape(m.group(2))
    rows, k = logits if logits is not None and len(logits) == 2 else (None, None)
    if rows and k and labels and len(labels) == 1 and labels[0] == rows * k:
        return T.onehot_into_sparse(labels, logits)  # a row of k values per sample, flattened
    if rows and labels and len(labels) == 1 and labels[0] and rows != labels[0]:
        many, few = max(rows, labels[0]), min(rows, labels[0])
        if many % few == 0 and logits is not None:
            return T.steps_against_sequences(rows, labels[0], many // few, (logits, labels))
    return D.target(
        f"logits {m.group(1)} and labels {m.group(2)} disagree",
        "the sparse loss gets one label per row of logits; here the counts differ (labels "
        "per timestep against one prediction per sequence, or the other way round).",
        "per-timestep labels need return_sequences=True (and TimeDistributed(Dense)) on the "
        "output; one label per sequence needs y shaped (samples,)",
        expected=logits,
        found=labels,
    )


# A layer's own weights or their initial values: a tensor of the model, not of the data
_WEIGHTS = re.compile(
    r"random_uniform|random_normal|truncated_normal|Initializer|/kernel|/bias|/embeddings|"
    r"Variable|/gamma|/beta"
)


def _conversion(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """TF: Tensor conversion requested dtype A for Tensor with dtype B: the data's dtype,
    unless the tensor is a layer's own weights (fa006: Keras 1 code on Keras 2), which no
    cast of the data reaches."""
    if m.group(3) and _WEIGHTS.search(m.group(3)):
        return None
    return Diagnosis(
        "dtype",
        "data",
        f"{m.group(2)} data where the model computes in {m.group(1)}",
        f"a tensor of dtype {m.group(2)} reached an operation that takes {m.group(1)}.",
        f"x = x.astype('{m.group(1)}') (and y, if it is the targets)",
    )


def _cardinality(m: re.Match[str], ctx: Context) -> Diagnosis:
    def sizes(text: str | None) -> list[int]:
        return [int(n) for n in re.findall(r"\d+", text or "")]

    x, y = sizes(m.group(1)), sizes(m.group(2))
    weights = re.match(r"\s*'?sample_weight'? sizes: ([\d, ]+)", m.string[m.end() :])
    if weights and len(set(x + y)) == 1 and sizes(weights.group(1)) != x[:1]:
        n, w = x[0], sizes(weights.group(1))[0]
        return Diagnosis(
            "cardinality",
            "data",
            f"sample_weight has {w} values for {n} samples",
            f"x and y agree on {n} samples; sample_weight (or class weights expanded to it) "
            f"holds {w}: one weight per sample, in the same order, is what fit takes.",
            f"give sample_weight one value per sample: len(sample_weight) == {n} (built from "
            "the same rows as y, after the same split)",
        )
    return D.sizes_disagree(x, y)


def _missing_data(m: re.Match[str], ctx: Context) -> Diagnosis:
    return Diagnosis(
        "input-count",
        "data",
        f"model input '{m.group(1)}' receives no data",
        "the dictionary (or list) of inputs leaves out one of the model's inputs.",
        f"pass every input, keyed by its name: {{'{m.group(1)}': ..., ...}}; check with: "
        f"{ctx.fixes.check()}",
    )


def _stateful(m: re.Match[str], ctx: Context) -> Diagnosis:
    return D.stateful_needs_batch()
