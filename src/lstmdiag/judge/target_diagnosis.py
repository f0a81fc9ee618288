"""Targets against the model's output: one rule for every message that shows both (Keras 1/2
"when checking target", Keras 3's ``target.shape=..., output.shape=...``, the loss's "Shapes
A and B are incompatible", "A target array with shape ... was passed for an output of shape
...", and TensorFlow's "Incompatible shapes" where the loss meets y).

Shapes are whole, batch first. The output may be known only by its rank."""

from __future__ import annotations

import math
import re
from dataclasses import replace

from ..model.spec import Shape, fmt_shape
from .diagnosis import (
    Alternative,
    Diagnosis,
    layer_kind,
    output_without_head,
    structural,
    target,
)

GENERIC_FIX = (
    "shape y like the model's output: (samples, classes) one-hot with categorical_"
    "crossentropy, (samples,) integer ids with sparse_categorical_crossentropy; per-"
    "timestep targets need return_sequences=True on the last recurrent layer"
)
_LAST_SEQUENCES_OFF = (
    "set return_sequences=False on the last recurrent layer (and drop TimeDistributed around "
    "the head), so that the model predicts once per sequence"
)
_LAST_SEQUENCES_ON = (
    "set return_sequences=True on the last recurrent layer and wrap the head in "
    "TimeDistributed(Dense(k)), so that the model predicts at every timestep"
)


# integer class ids where one-hot labels are expected: the loss can take them as they are
KEEP_THE_IDS = Alternative(
    "target",
    "compile with loss='sparse_categorical_crossentropy' and keep y as it is",
    "to keep the integer ids",
    culprit="model",
)


def generic(quote: str) -> Diagnosis:
    return target(
        "the targets do not fit the model's output",
        f"Keras checked the targets (labels), not the inputs: {quote[:200]}.",
        GENERIC_FIX,
    )


def output_vs_target(
    output: Shape | None,
    y: Shape,
    quote: str,
    rank: int | None = None,
    layer: str | None = None,
    binary: bool = False,
    checked: bool = False,
) -> Diagnosis:
    """What the difference between the model's output and y says, most likely first
    (``binary``: the loss is a binary crossentropy; ``checked``: Keras 1/2's target check,
    which shows a sparse loss's output with a last axis of 1)."""
    ro = len(output) if output is not None else rank
    if not y:  # a target of no axes: one sample at a time
        return scalar_target(output)
    d = replace(generic(quote), expected=output, found=y)
    if not ro:  # no output rank known, or an output of no axes: nothing to compare
        return d
    full = output if output is not None else (None,) * ro
    d = replace(d, expected=full)
    if ro >= 3 and (len(y) == 1 or (ro >= 4 and len(y) < ro)):
        return output_without_head(full, y)
    if ro == 2 and len(y) == 1:
        return _classes(full, (*y, 1), d)
    if ro > len(y):
        return _output_has_time(full, y, d, layer)
    if ro == 2 and len(y) == 4 and y[-1] in (1, 3, 4) and None not in y[1:3]:
        return _images_as_targets(full, y)
    if ro < len(y):
        return _target_has_time(full, y, d, output is not None, layer)
    if binary and len(y) == ro and y[-1] == 1 and full[-1] not in (None, 1):
        return binary_head(full, y)
    return _same_rank(full, y, d, layer, checked)


def _output_has_time(output: Shape, y: Shape, d: Diagnosis, layer: str | None = None) -> Diagnosis:
    """(samples, T, k) out, (samples, k) in: one target per sequence, unless y's last axis
    is the timesteps of per-step ids that lack their class axis."""
    last, k = y[-1], output[-1]
    if last in (None, 1) or last == k:
        return Diagnosis(
            "model-structure",
            "model",
            f"the model predicts at every timestep {fmt_shape(output)} and y holds one "
            f"target per sequence {fmt_shape(y)}",
            "the model's output keeps its time axis: the last recurrent layer returns "
            "sequences (return_sequences=True), or the head is TimeDistributed.",
            _LAST_SEQUENCES_OFF,
            output,
            y,
            alternatives=(
                Alternative(
                    "target",
                    "give y a target per timestep: shape (samples, T, k)",
                    "if the targets are really per timestep",
                ),
            ),
        )
    onehot = f"y = keras.utils.to_categorical(y, {k})" if k else "keras.utils.to_categorical(y)"
    ids = replace(
        d,
        title=f"per-timestep ids {fmt_shape(y)} without the class axis the output has",
        cause=f"the output {fmt_shape(output)} has a time axis and a class axis; y has "
        f"{last} ids per sample, one per timestep, and no class axis.",
        fix="y = y[..., np.newaxis]   # (samples, T, 1), with loss='sparse_categorical_"
        f"crossentropy'; or {onehot} for a categorical loss",
        alternatives=(
            Alternative("model-structure", _LAST_SEQUENCES_OFF, "if y is one target per sequence"),
        ),
    )
    if k is None and len(output) == 3 and output[1] is None and not _per_step_head(layer):
        return _ids_or_one_per_sequence(output, y, ids)
    return ids


def _per_step_head(layer: str | None) -> bool:
    """A head that predicts at every step by design: TimeDistributed, or a CRF tagger."""
    return bool(layer) and bool(
        re.search(r"time_?distributed|crf|conditional_random", layer or "", re.I)
    )


def _ids_or_one_per_sequence(output: Shape, y: Shape, ids: Diagnosis) -> Diagnosis:
    """Only the output's rank is known: y's axis 1 is its timesteps (ids without a class
    axis) or its last axis (one target per sequence). Held-out threads went 9 to 3."""
    n = y[-1]
    return replace(
        ids,
        title=f"y {fmt_shape(y)} lacks an axis of the 3-D output: a class axis, or its time axis",
        cause=f"the output {fmt_shape(output)} is (samples, timesteps, k) and y {fmt_shape(y)} "
        f"has one axis fewer: {n} ids per sample, one per timestep, without the class axis; "
        f"or one target of {n} values per sequence, for a model that predicts at every "
        "timestep (return_sequences=True on the last recurrent layer, or a TimeDistributed "
        "head).",
        decides=f"model.output_shape: {n} as its timesteps (axis 1) means ids per step; {n} "
        "as its last axis means one target per sequence",
        when="if y holds one id per timestep",
    )


def _target_has_time(
    output: Shape, y: Shape, d: Diagnosis, known: bool, layer: str | None = None
) -> Diagnosis:
    """(samples, k) out, (samples, T, k) in: a size-1 axis too many, or per-step targets
    for a model that predicts once per sequence."""
    ones = [a for a in range(1, len(y)) if y[a] == 1 and _fits(y[:a] + y[a + 1 :], output)]
    if layer_kind(layer) == "recurrent" and len(y) == 3 and y[1] not in (None, 1):
        squeeze = f"y = np.squeeze(y, axis={ones[0]})" if ones else "y = y[:, -1]"
        return Diagnosis(  # the model ends at a recurrent layer: its last step only
            "model-structure",
            "model",
            f"the model ends at {layer}, which returns one step, and y has {y[1]} per sample",
            f"the output layer is the recurrent layer {layer} (return_sequences=False): it "
            f"gives one vector per sequence, and y {fmt_shape(y)} holds a target per "
            "timestep (an autoencoder's or a tagger's). The model being fit may be the "
            "encoder alone, not the whole model.",
            f"end the model with a per-step head: {_LAST_SEQUENCES_ON}; for an autoencoder, "
            "fit the model whose output is the decoder's, not the encoder",
            output,
            y,
            alternatives=(Alternative("target", squeeze, "if one target per sequence is meant"),),
        )
    per_step = Alternative("model-structure", _LAST_SEQUENCES_ON, "if y is one target per step")
    if len(y) == len(output) + 1 and ones:
        squeezed = replace(
            d,
            title=f"y {fmt_shape(y)} has a size-1 axis the output {fmt_shape(output)} lacks",
            fix=f"y = np.squeeze(y, axis={ones[0]})",
        )
        if len(y) == 3 and ones == [2] and y[1] not in (None, 1) and output[-1] is None:
            return _squeeze_or_per_step(output, y, squeezed, per_step)
        return squeezed
    if known and output[-1] is not None and output[-1] == y[-1] and y[1] not in (None, 1):
        return Diagnosis(
            "model-structure",
            "model",
            f"y has {y[1]} targets per sample {fmt_shape(y)} and the model predicts once per "
            f"sequence {fmt_shape(output)}",
            "the last recurrent layer returns only its final step (return_sequences=False), "
            "so the model has no time axis for per-timestep targets.",
            _LAST_SEQUENCES_ON,
            output,
            y,
            alternatives=(
                Alternative("target", "y = y[:, -1]   # the last step's target", "if one "
                            "target per sequence is meant"),
            ),
        )  # fmt: skip
    return replace(d, alternatives=(per_step,))


def _squeeze_or_per_step(
    output: Shape, y: Shape, squeezed: Diagnosis, per_step: Alternative
) -> Diagnosis:
    """y (N, T, 1) for a 2-D output of unknown width: T values per sample (an output of T
    units: squeeze), or one target per step for a model that predicts once (1 unit)."""
    t = y[1]
    return replace(
        squeezed,
        title=f"y {fmt_shape(y)} has an axis more than the 2-D output: a size-1 axis, or "
        "a time axis",
        cause=f"the output {fmt_shape(output)} is (samples, units) and y {fmt_shape(y)} has "
        f"an axis more: {t} values per sample with a size-1 axis after them, or one target "
        f"per timestep ({t} steps) for a model that predicts once per sequence.",
        alternatives=(per_step,),
        decides=f"model.output_shape[-1]: {t} units takes the {t} values (squeeze); 1 "
        "unit predicts once per sequence, for targets per step",
        when=f"if the output has {t} units",
    )


def _fits(a: Shape, b: Shape) -> bool:
    return len(a) == len(b) and all(
        i is None or j is None or i == j for i, j in zip(a, b, strict=True)
    )


def _same_rank(
    output: Shape, y: Shape, d: Diagnosis, layer: str | None, checked: bool = False
) -> Diagnosis:
    k, got = output[-1], y[-1]
    if layer_kind(layer) == "recurrent":
        return _no_head(output, y, layer or "", _classes(output, y, d))
    if len(y) == 3 and y[1] == 1 and output[1] not in (None, 1) and y[2] == output[2]:
        return _one_step_for_many(output, y)
    if len(y) == 3 and y[0] == output[0] and y[2] == output[2] and y[1] != output[1]:
        return _steps_per_target(output, y, d)
    if k == 1 and got in (3, 4) and len(y) == len(output) >= 4:
        return _colour_masks(output, y, got)
    if k == 1 and got not in (None, 1):
        one = _one_unit(output, y, got, d)
        return _sparse_or_one_unit(output, y, got, one) if checked and y[0] != 1 else one
    return _classes(output, y, d)


def _steps_per_target(output: Shape, y: Shape, d: Diagnosis) -> Diagnosis:
    """The output has one step per input step and y another number of steps: a forecast of
    the next y[1] steps, which the model must output (a held-out thread: RepeatVector, as
    its answer gave), or y padded to another length than x (a tagger)."""
    horizon = y[1]
    tagger = Alternative(
        "target",
        "give y one target per input step: pad or cut y to the length of x (both padded to "
        "the same maxlen)",
        "if y holds one target per input step (a tagger)",
        culprit="data",
    )
    return replace(
        d,
        culprit="model",
        title=f"per-timestep targets with {horizon} steps for an output of {output[1]}",
        cause="the model predicts once per input step (return_sequences=True into the head); "
        "y has another number of steps.",
        fix=f"make the model output {horizon} steps: an LSTM without return_sequences, then "
        f"RepeatVector({horizon}), an LSTM(..., return_sequences=True) and "
        f"TimeDistributed(Dense(k)); or Dense({horizon} * k) and Reshape(({horizon}, k))",
        alternatives=(tagger,),
        when=f"if y is a forecast of the next {horizon} steps",
        decides=f"what y's {horizon} steps are: the next {horizon} values to forecast, or one "
        "target per input step padded to another length",
    )


def _classes(output: Shape, y: Shape, d: Diagnosis) -> Diagnosis:
    """Another class count: integer ids where one-hot is expected, or one-hot labels made
    from ids that start at 1."""
    k, got = output[-1], y[-1]
    if k is None:
        return d
    if got == 1 and k > 1:
        return replace(
            d,
            title=f"integer class ids where the model's {k} output units expect one-hot labels",
            cause=f"y holds one class id per sample ({fmt_shape(y)}); a {k}-unit output "
            f"trained with a categorical loss takes one-hot labels ({fmt_shape(output)}).",
            fix=f"y = keras.utils.to_categorical(y, {k})",
            alternatives=(KEEP_THE_IDS,),
        )
    if got == k + 1:
        return replace(
            d,
            title=f"one-hot labels with {got} columns for {k} output units",
            cause=f"y has {got} columns and the output {k} units: one-hot labels made from ids "
            f"1..{k} (to_categorical counts classes from 0, so the first column is never used), "
            f"or {got} classes where the output layer has {k}.",
            fix=f"y = keras.utils.to_categorical(y - 1, {k})   # ids 1..{k} become 0..{k - 1}",
            alternatives=(
                Alternative(
                    "target",
                    f"end the model with Dense({got})",
                    f"if there are {got} classes",
                    culprit="model",
                ),
            ),
            # held-out threads split: ids from 1 (one), a class the model left out (one)
            when=f"if the class ids run from 1 to {k}",
            decides=f"y[:, 0].sum(): 0 means the first column is never used (ids from 1, "
            f"shift them); otherwise there are {got} classes and the model needs {got} units",
        )
    if got is not None and got != k and len(y) == len(output):
        return replace(
            d,
            culprit="data",
            title=f"y has {got} values per sample, the model's output {k}",
            cause=f"the loss compares y {fmt_shape(y)} with the output {fmt_shape(output)} "
            "value by value; their last axes differ: y was built with another number of "
            "classes or values, or the output layer was.",
            # held-out threads split: y built without every class (three), the output layer
            # given another width (two)
            fix=f"build y with {k} columns, as the model was designed (one-hot labels: "
            f"keras.utils.to_categorical(ids, num_classes={k}) of the integer class ids, so "
            "that a split without some classes keeps every column)",
            alternatives=(
                Alternative(
                    "target",
                    f"give the last layer {got} units (Dense({got})), one per target value or "
                    "class",
                    f"if y is right and there are {got} classes or values",
                    culprit="model",
                ),
            ),
            when=f"if the model is right: {k} classes or values",
            decides=f"how many classes there are: len(np.unique(labels)) over all the labels, "
            f"against the output layer's {k} units",
        )
    return d


def _no_head(output: Shape, y: Shape, layer: str, data: Diagnosis) -> Diagnosis:
    """The output named is a recurrent layer: the model ends without a Dense head."""
    return Diagnosis(
        "model-structure",
        "model",
        f"the model ends in {layer} itself: its output {fmt_shape(output)} is the LSTM's "
        "state, not a prediction",
        f"Keras compares y {fmt_shape(y)} with the output of {layer}, a recurrent layer: the "
        "model has no Dense head (check model.summary(): a layer may be missing or added in "
        "the wrong place).",
        "end the model with a head: Dense(n_outputs) (TimeDistributed(Dense(n_outputs)) for "
        "per-timestep targets), with as many units as y has columns",
        output,
        y,
        alternatives=(Alternative(data.kind, data.fix, "if the model is as intended"),),
    )


def _images_as_targets(output: Shape, y: Shape) -> Diagnosis:
    """y of images (samples, rows, cols, channels) for an output of k values per sample:
    the images themselves were given as the targets (pw004: y = np.array(images))."""
    return Diagnosis(
        "target",
        "data",
        f"y holds images {fmt_shape(y)} where the model outputs {output[-1]} values per sample",
        f"y {fmt_shape(y)} is {y[0]} images of {y[1]} x {y[2]} with {y[3]} channel(s); the "
        f"model predicts {fmt_shape(output)}: the images were given as the targets, not their "
        "labels.",
        f"y = the labels of the images, one row of {output[-1]} per image (class ids one-hot, "
        "or the boxes' values), in the order of x",
        output,
        y,
        alternatives=(
            Alternative(
                "model-structure",
                "end the model with an image output (Conv2D / Conv2DTranspose to "
                f"{y[1]} x {y[2]} x {y[3]}) if it is to predict images",
                "if the model should output images (an autoencoder, segmentation)",
                culprit="model",
            ),
        ),
    )


def _colour_masks(output: Shape, y: Shape, got: int) -> Diagnosis:
    """Image targets with 3 or 4 channels for a one-channel output (a segmentation mask
    per pixel): masks read as colour images (RGB, RGBA), which one channel holds."""
    return Diagnosis(
        "target",
        "data",
        f"masks with {got} channels {fmt_shape(y)} for a one-channel output {fmt_shape(output)}",
        f"y has {got} values per pixel, as an image file read in colour "
        f"({'RGB' if got == 3 else 'RGBA'}) has; the model predicts one value per pixel (a "
        "binary mask).",
        "read the masks as one channel (cv2.imread(path, cv2.IMREAD_GRAYSCALE)[..., None], "
        f"or color_mode='grayscale'), or keep the first of the {got}: y = y[..., :1]",
        output,
        y,
        alternatives=(
            Alternative(
                "target",
                f"end the model with {got} channels per pixel (Conv2D({got}, 1, "
                "activation='softmax') and a categorical loss)",
                f"if the masks hold {got} classes, one per channel",
                culprit="model",
            ),
        ),
    )


def _one_unit(output: Shape, y: Shape, got: int, d: Diagnosis) -> Diagnosis:
    """A one-unit output and y with ``got`` columns."""
    if y[0] == 1:  # one row: the targets lie along it
        return replace(
            d,
            title=f"y is one row of {got} values for a model with one output value",
            cause=f"y {fmt_shape(y)} is a single sample of {got} values; the model predicts "
            "one value per sample.",
            fix=f"if they are {got} samples' targets: y = y.reshape(-1, 1)",
            alternatives=(
                Alternative(
                    "model-structure",
                    _LAST_SEQUENCES_ON,
                    f"if they are one sequence's {got} per-timestep targets",
                ),
            ),
        )
    return Diagnosis(
        "target",
        "model",
        f"y has {got} columns and the output layer 1 unit",
        f"y {fmt_shape(y)} has {got} values per sample (one-hot classes, or {got} targets); "
        "the model's last layer has a single unit.",
        f"end the model with Dense({got}, activation='softmax') and categorical_crossentropy "
        f"for {got} one-hot classes (Dense({got}) for {got} regression targets)",
        output,
        y,
    )


def _sparse_or_one_unit(output: Shape, y: Shape, got: int, one: Diagnosis) -> Diagnosis:
    """Keras 1/2 check a sparse loss's targets against the output with its last axis made 1
    (``output_shape[:-1] + (1,)``): a last axis of 1 is a one-unit layer or a sparse loss,
    and y with ``got`` columns is then one-hot labels the sparse loss cannot take."""
    per_step = len(y) == 3
    ids = "y = np.argmax(y, axis=-1)" + ("[..., np.newaxis]" if per_step else "")
    sparse = Diagnosis(
        "target",
        "data",
        f"y has {got} columns where the model wants 1: one-hot labels for a sparse loss, "
        "or a one-unit output",
        f"Keras 1/2 check y {fmt_shape(y)} against the output with its last axis shown as "
        f"1 {fmt_shape(output)} when the loss is sparse_categorical_crossentropy, which takes "
        f"one class id per {'timestep' if per_step else 'sample'}; with any other loss the "
        "last layer has a single unit.",
        f"{ids}   # one-hot rows become class ids, for the sparse loss",
        output,
        y,
        alternatives=(
            Alternative(
                "target",
                "compile with loss='categorical_crossentropy' and keep the one-hot y",
                f"if the last layer has {got} units",
            ),
            Alternative("target", one.fix, "if the last layer has a single unit"),
        ),
        decides=f"model.output_shape[-1]: {got} units means a sparse loss met one-hot "
        "labels, 1 means the model has one output unit",
        when="if the loss is sparse_categorical_crossentropy",
    )
    return (
        sparse
        if per_step
        else replace(
            one,
            alternatives=(Alternative("target", sparse.fix, sparse.when), *one.alternatives),
            decides=sparse.decides,
            when="if the last layer has a single unit",
        )
    )


def scalar_target(output: Shape | None) -> Diagnosis:
    """A target of no axes, (), met the output: fit was given one sample at a time (a
    tf.data dataset before .batch(), or a generator yielding single samples)."""
    return Diagnosis(
        "missing-batch",
        "data",
        "a target without its batch axis: the dataset is not batched",
        "the loss got a target of no axes, ()"
        + (f", for the output {fmt_shape(output)}" if output else "")
        + ": fit was given one sample at a time, as a tf.data dataset yields before .batch() "
        "(or a generator yielding single samples).",
        "ds = ds.batch(32)   # ds.padded_batch(32) for sequences of different lengths; a "
        "generator must yield whole batches",
        output,
        (),
        0,
        (
            Alternative(
                "target",
                "yield one label per sample with each batch: y of shape (batch, 1), not one "
                "number for the whole batch",
                "if x comes in batches and y is a single number per batch",
                culprit="data",
            ),
        ),
        when="if x comes one sample at a time too",
        decides="one element of the dataset or generator (next(iter(ds))): x without its "
        "batch axis is a dataset not batched; x in batches with a single y is a label per batch",
    )


def per_step_output(steps: int, output: Shape | None = None, y: Shape | None = None) -> Diagnosis:
    """A loss got ``steps`` values per sample where y has one: the output has a time axis
    (the last recurrent layer returns sequences), or y should have one per step."""
    return Diagnosis(
        "model-structure",
        "model",
        f"the loss got {steps} values per sample: the model predicts at every timestep and y "
        "holds one target per sequence",
        f"the model's output keeps a time axis of {steps} steps (the last recurrent layer "
        "returns sequences, or the head is TimeDistributed), and the loss meets it with one "
        "target per sample.",
        _LAST_SEQUENCES_OFF,
        output,
        y,
        alternatives=(
            Alternative(
                "target",
                f"give y a target per timestep: shape (samples, {steps}, k)",
                "if the targets are really per timestep",
            ),
        ),
    )


def steps_differ(a: Shape, b: Shape) -> Diagnosis | None:
    """TensorFlow's "Incompatible shapes: a vs. b" where a loss meets y: which of the two is
    the output is not said, so the fix names both directions."""
    if len(a) == len(b) == 3 and a[0] == b[0] and a[2] == b[2] and a[1] != b[1]:
        return target(
            f"per-timestep targets and outputs with {a[1]} and {b[1]} steps",
            f"the loss compares the output with y step by step, and one has {a[1]} steps, the "
            f"other {b[1]}: the model predicts once per input step.",
            "give y one target per input step: pad or cut y to the length of x (both padded "
            "to the same maxlen)",
        )
    lo, hi = sorted((a, b), key=len)
    if len(lo) == 2 and len(hi) == 3 and lo[0] == hi[0] and lo[1] == hi[2]:
        if hi[1] in (None, 1):
            return None
        return Diagnosis(
            "model-structure",
            "model",
            f"one of output and y has {hi[1]} timesteps {fmt_shape(hi)}, the other none "
            f"{fmt_shape(lo)}",
            "the loss meets a per-timestep tensor and a per-sequence one: the last recurrent "
            "layer's return_sequences does not match the targets.",
            f"per-timestep targets (y {fmt_shape(hi)}): {_LAST_SEQUENCES_ON}; one target per "
            f"sequence (y {fmt_shape(lo)}): {_LAST_SEQUENCES_OFF}",
            a,  # a loss gets the prediction first (see _trailing_one): a is the output
            b,
        )
    if len(hi) == len(lo) + 1 and hi[-1] == 1 and tuple(hi[:-1]) == tuple(lo):
        return _trailing_one(a, b)
    return None


def _trailing_one(a: Shape, b: Shape) -> Diagnosis:
    """(n, T, 1) against (n, T): they do not broadcast (T meets n). A loss or metric gets
    the prediction first (y_pred - y_true), so the first is the model's output."""
    if len(a) > len(b):  # the output keeps a size-1 axis that y lacks
        return target(
            f"y {fmt_shape(b)} lacks the size-1 last axis of the output {fmt_shape(a)}",
            f"the output {fmt_shape(a)} (a TimeDistributed(Dense(1)) or Dense(1) head) meets y "
            f"{fmt_shape(b)}: they do not broadcast.",
            "y = y[..., np.newaxis]   # the targets shaped like the output (same for the "
            "validation targets)",
        )
    return target(
        f"y {fmt_shape(b)} has a size-1 last axis the output {fmt_shape(a)} lacks",
        f"the output {fmt_shape(a)} meets y {fmt_shape(b)}: they do not broadcast.",
        "y = np.squeeze(y, axis=-1)   # the targets shaped like the output (same for the "
        "validation targets)",
    )


def binary_head(output: Shape, y: Shape) -> Diagnosis:
    """A binary loss compares one label per sample with an output of several units."""
    return Diagnosis(
        "target",
        "model",
        f"one binary label per sample {fmt_shape(y)} against {output[-1]} output units",
        f"a binary crossentropy compares y {fmt_shape(y)} with the output {fmt_shape(output)} "
        "element by element: one label per sample needs one output unit.",
        "end the model with Dense(1, activation='sigmoid') (from_logits=True: no activation)",
        output,
        y,
        alternatives=(
            Alternative(
                "target",
                f"y = keras.utils.to_categorical(y, {output[-1]}) with "
                "loss='categorical_crossentropy'",
                f"if there are {output[-1]} classes, one per sample",
            ),
        ),
    )


def regression_head(output: Shape, y: Shape, loss: str) -> Diagnosis | None:
    """A regression loss compares one value per sample with an output of several units:
    the output layer's width, not class labels (Keras 2's check names the loss)."""
    if not output or len(y) != len(output) or y[-1] != 1 or output[-1] in (None, 1):
        return None
    k = output[-1]
    return Diagnosis(
        "target",
        "model",
        f"one target value per sample {fmt_shape(y)} against {k} output units",
        f"{loss} compares y {fmt_shape(y)} with the output {fmt_shape(output)} element by "
        f"element: one value per sample needs one output unit, and the last layer has {k}.",
        "end the model with Dense(1) (one value per sample; no softmax)",
        output,
        y,
        alternatives=(
            Alternative(
                "target",
                f"build y with {k} values per sample",
                f"if each sample has {k} targets",
                culprit="data",
            ),
        ),
    )


def onehot_into_sparse(labels: Shape | None, logits: Shape | None) -> Diagnosis:
    """A sparse loss takes one class id per sample; y came one-hot (or per timestep)."""
    said = f" (labels {fmt_shape(labels)}, logits {fmt_shape(logits)})" if labels and logits else ""
    return Diagnosis(
        "target",
        "data",
        "one-hot labels into a sparse loss",
        "sparse_categorical_crossentropy takes one integer class id per sample; y holds a "
        f"row of values per sample{said}, as one-hot labels do.",
        "y = y.argmax(axis=-1)   # one class id per sample; or keep y and compile with "
        "loss='categorical_crossentropy' (y is one-hot)",
        logits,
        labels,
        alternatives=(
            Alternative(
                "model-structure",
                _LAST_SEQUENCES_ON,
                "if y holds one class id per timestep",
            ),
        ),
    )


def label_out_of_range(label: int, classes: int, values: list[int] | None = None) -> Diagnosis:
    """A sparse loss met a class id at or beyond the output's units (or a negative one)."""
    if label < 0:
        return target(
            f"a label {label} among the class ids",
            "sparse labels must be 0..n_classes-1; a negative id (a padding or 'unknown' "
            "marker) reached the loss.",
            "remove or re-map the negative labels (y[y < 0] = ..., or drop those samples); "
            "for masked per-step labels, give them sample_weight 0",
        )
    if label == classes:
        return _label_one_short(classes, one_based=values is not None and 0 not in values)
    return Diagnosis(
        "target",
        "model",
        f"class id {label} for an output of {classes} units",
        f"sparse labels must be 0..{classes - 1} for {classes} output units; a label {label} "
        "reached the loss.",
        f"give the output layer one unit per class: Dense({label + 1}) at least (check the "
        "number of classes in y)",
    )


def _label_one_short(classes: int, one_based: bool) -> Diagnosis:
    """A label equal to the output's units: token ids counted from 1 (a tokenizer's) for an
    output of one unit per id. Both held-out threads were next-word models one unit short;
    1-based class ids give the same message, so shifting them is the alternative, and the
    answer when the label values shown have no 0."""
    wider = Alternative(
        "target",
        f"Dense({classes + 1}, ...) for the output layer (one unit per id, 0 included), then "
        "retrain",
        "if 0 is a label too (the values shown may be a part)",
    )
    shift = Alternative(
        "target",
        "y = y - 1 (shift 1-based class ids to 0-based)",
        f"if there are exactly {classes} classes, numbered 1..{classes}",
    )
    first, second = (shift, wider) if one_based else (wider, shift)
    return Diagnosis(
        "target",
        "data" if one_based else "model",
        f"class id {classes} for an output of {classes} units",
        f"sparse labels must be 0..{classes - 1} for {classes} output units; a label {classes} "
        "reached the loss. Ids counted from 1 (Tokenizer's word_index, 1-based classes) give "
        "exactly this.",
        first.fix,
        alternatives=(second,),
    )


def loss_matmul(node: str, labels: Shape, width: int, quote: str) -> Diagnosis:
    """A loss's matrix multiply met labels [rows, k] that do not fit its [width, ...]
    operand: a CRF's transitions take one-hot tags, integer tags have a last axis of 1."""
    if "crf" in node.lower() and labels[-1] == 1:
        return Diagnosis(
            "target",
            "model",
            f"integer tags where the CRF loss expects one-hot tags over {width} classes",
            f"the CRF's loss multiplies the labels {fmt_shape(labels)} (one tag id per step) "
            f"by its {width}x{width} transitions: the layer was built for one-hot targets "
            "(keras-contrib's CRF defaults to sparse_target=False).",
            "build the layer with CRF(..., sparse_target=True) and keep the integer tags",
            alternatives=(
                Alternative(
                    "target",
                    f"y = keras.utils.to_categorical(y, {width})   # (samples, T, {width})",
                    "to keep the layer as it is",
                ),
            ),
        )
    return replace(generic(quote), found=labels)


def _one_step_for_many(output: Shape, y: Shape) -> Diagnosis:
    """(samples, T, k) out, (samples, 1, k) in: one target per sequence kept on a time axis
    of 1, for a model that predicts at every step."""
    return Diagnosis(
        "model-structure",
        "model",
        f"the model predicts at each of {output[1]} timesteps {fmt_shape(output)} and y has one "
        f"target per sequence {fmt_shape(y)}",
        "the model's output keeps its time axis (the last recurrent layer returns sequences, "
        "or the head is TimeDistributed), and y holds a single step.",
        f"{_LAST_SEQUENCES_OFF}; then give y as (samples, k): y = y[:, 0]",
        output,
        y,
        alternatives=(
            Alternative(
                "target",
                f"give y a target per timestep: shape (samples, {output[1]}, {output[2]})",
                "if the targets are really per timestep",
            ),
        ),
    )


def steps_against_sequences(
    rows: int, labels: int, steps: int, shapes: tuple[Shape, Shape] | None = None
) -> Diagnosis:
    """A sparse loss flattens (batch, T, k) logits to (batch * T, k): rows a multiple of the
    labels are an output per step for a label per sequence, and the other way round."""
    d = _steps_against_sequences(rows, labels, steps)
    return d if shapes is None else replace(d, expected=shapes[0], found=shapes[1])


def _steps_against_sequences(rows: int, labels: int, steps: int) -> Diagnosis:
    side = math.isqrt(steps)
    if labels > rows and side >= 8 and side * side == steps:
        return target(  # a label per pixel of square images (a segmentation mask)
            f"y has {steps} labels per row of logits: a {side} x {side} mask per image, a "
            "prediction per image",
            f"the sparse loss flattened per-pixel labels to {labels} ({rows} images x {side} x "
            f"{side}), while the model gives one prediction per image.",
            "give y one label per image: shape (samples,), the class of each image",
            alternatives=(
                Alternative(
                    "model-structure",
                    "predict a class per pixel: a fully-convolutional head (Conv2D(k, 1) over "
                    f"the {side} x {side} map, no Flatten/Dense), if the masks are the targets",
                    "if the task is segmentation (a label per pixel)",
                    culprit="model",
                ),
            ),
        )
    if rows > labels:
        return structural(
            f"the logits have {steps} rows per label: the model predicts at every one of "
            f"{steps} steps, y once per sequence",
            f"the sparse loss flattened per-step logits to {rows} rows ({labels} sequences x "
            f"{steps} steps): the output keeps its time axis (a Dense applied to the sequence, "
            "or return_sequences=True on the last recurrent layer).",
            "reduce the time axis before the output layer: return_sequences=False on the last "
            "recurrent layer, or GlobalAveragePooling1D() (or Flatten()) after an Embedding",
            alternatives=(
                Alternative(
                    "target",
                    f"give y one label per step: shape (samples, {steps})",
                    "if the labels are really per step (a tagger)",
                ),
            ),
        )
    return target(
        f"y has {steps} labels per row of logits: a label per step, a prediction per sequence",
        f"the sparse loss flattened per-step labels to {labels} ({rows} sequences x {steps} "
        "steps), while the model gives one prediction per sequence.",
        "give y one label per sequence: shape (samples,) (y = y[:, -1] for the last step's)",
        alternatives=(
            Alternative("model-structure", _LAST_SEQUENCES_ON, "if the labels are really per step"),
        ),
    )
