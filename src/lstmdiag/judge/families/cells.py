"""Recurrent cells and tensors: a kernel's width, steps, masks, ranks, object arrays."""

from __future__ import annotations

import re
from dataclasses import replace

from ...model.spec import Shape, fmt_shape
from .. import diagnosis as D
from .. import shape_diagnosis as S
from .. import target_diagnosis as T
from ..diagnosis import Alternative, Diagnosis, Evidence
from ..error_text import Context, parse_shape
from .inputs import _evidence


def _matmul(m: re.Match[str], ctx: Context) -> Diagnosis:
    want, got = int(m.group(2)), int(m.group(1))
    return _features(want, got, ctx)


def _features(want: int, got: int, ctx: Context) -> Diagnosis:
    ev = Evidence((None, None, want), (None, None, got), fixes=ctx.fixes)
    d = D.features(ev, ev.found, 2)
    return replace(
        d,
        cause=f"the recurrent layer's kernel expects {want} features per timestep and the data "
        f"has {got} (this surfaces as a matrix-multiply error inside the LSTM/GRU cell). "
        "Padding cannot fix it: build the features the model was trained with.",
        expected=ctx.model_input(None)[0] or ev.expected,  # what is known: its features
        axis=-1,
    )


def _matrix_size(m: re.Match[str], ctx: Context) -> Diagnosis:
    """A MatMul's [rows, width] x [width', units]: where its node says it ran, a loss (the
    targets), a Dense fed by the data (2-D features), else a recurrent cell's kernel."""
    rows, got, want, _ = (int(g) for g in m.groups())
    node = ctx.node()
    if _LOSS_NODE.search(node):
        return T.loss_matmul(node, (rows, got), want, m.group(0))
    if _DENSE_NODE.search(node) and not _RNN_NODE.search(node):
        return _dense_width(rows, got, want, ctx)
    return _features(want, got, ctx)


def _dense_width(rows: int, got: int, want: int, ctx: Context) -> Diagnosis:
    """A Dense's kernel met another width: the data feeds it directly (its features, as
    the held-out thread confirmed), or a Flatten before it folds a time axis of another
    length (real tf-keras, 5 of 10 steps: In[0]: [2,40], In[1]: [80,1] at model/dense)."""
    ev = Evidence((None, want), (rows, got), fixes=ctx.fixes)
    base = D.features(ev, ev.found, 1)
    return replace(
        base,
        cause=f"this Dense's kernel takes {want} values per sample and got {got}: the data "
        "feeding it has other features than the model was trained on, or a Flatten before "
        "it folds a time axis of another length.",
        axis=-1,
        alternatives=(
            *base.alternatives,
            Alternative(
                "timesteps",
                f"give every sequence the model's timesteps: {ctx.fixes.pad(None)}",
                "if a Flatten before this Dense folds the time axis (its width is timesteps "
                "x features)",
            ),
        ),
    )


_DENSE_NODE = re.compile(r"(?:^|/)dense(?:_\d+)?/", re.I)


_RNN_NODE = re.compile(r"lstm|gru|rnn|while|cell|bidirectional|time_?distributed", re.I)


# Nodes where a loss meets its targets: [predictions, y], the predictions with the batch of
# the model's stored state (tf-keras: gradient_tape/mean_squared_error/BroadcastGradientArgs).
_LOSS_NODE = re.compile(r"loss|_error|crossentropy|hinge|huber|poisson|divergence", re.I)


def _incompatible_2d(m: re.Match[str], ctx: Context) -> Diagnosis:
    a, b, c, d = (int(m.group(i)) for i in range(1, 5))
    if a != c and b == d:  # the data's batch meets a stored state's batch
        # Inside the cell's step (while/add, lstm_cell/Add) the data's batch comes first;
        # where a loss meets the targets, the model's output (the state's batch) does.
        state, data = (a, c) if _LOSS_NODE.search(ctx.node()) else (c, a)
        return S.batch(state, data, (state, b), (data, b), ctx.fitting, pasted=True)
    node = ctx.node()
    if a == c and b != d and (not node or _LOSS_NODE.search(node)):
        # one batch, two widths, where a loss or metric meets y (the prediction first)
        target = T.output_vs_target((a, b), (c, d), m.group(0), binary=ctx.binary)
        if node:
            return target
        cell = Alternative(
            "features",
            _features(d, b, ctx).fix,
            "if it is raised inside a recurrent layer's step (its node names lstm, gru or while/)",
        )
        return replace(target, alternatives=(*target.alternatives, cell))  # fmt: skip
    return _features(d, b, ctx)


def _incompatible_steps(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    a, b = parse_shape(m.group(1)), parse_shape(m.group(2))
    if a and b and _in_a_stateful_cell(ctx, a, b):
        # a batch met the state a fixed-batch RNN keeps: the last, partial batch is smaller
        model, data = (a, b) if (a[0] or 0) > (b[0] or 0) else (b, a)
        return S.batch(model[0], data[0], model, data, ctx.fitting, pasted=True)
    if a and b and _LOSS_NODE.search(ctx.node() or ctx.raw):
        lo, hi = sorted((a, b), key=len)
        if len(lo) == 1 and len(hi) == 2 and lo[0] == hi[0] and (hi[1] or 0) > 1:
            return T.per_step_output(hi[1] or 0)  # a loss per sample against one per step
    d = None if a is None or b is None else T.steps_differ(a, b)
    if d is None or d.expected is not None:
        return d
    return replace(d, expected=a, found=b)  # a loss gets the prediction first: a is the output


def _in_a_stateful_cell(ctx: Context, a: Shape, b: Shape) -> bool:
    """Two shapes that differ only in their first axis, inside an RNN's own step (its node
    is lstm/mul, gru/add, ...): a batch against the state kept for another batch."""
    node = ctx.node()
    if not re.search(r"(?:lstm|gru|simple_rnn|rnn)(?:_\d+)?/(?:while/)?(?:mul|add|MatMul)", node):
        return False
    return len(a) == len(b) and a[1:] == b[1:] and a[0] != b[0] and None not in (a[0], b[0])


def _unroll(m: re.Match[str], ctx: Context) -> Diagnosis:
    return Diagnosis(
        "model-structure",
        "model",
        "unroll=True needs a fixed number of timesteps",
        "the model's input leaves the time axis as None, and an unrolled RNN must know how many "
        "steps to unroll.",
        "give the Input a fixed time axis (keras.Input(shape=(T, features))) and pad the data "
        f"to T ({ctx.fixes.pad(None)}), or set unroll=False",
        axis=1,
    )


def _ctc_empty_labels(m: re.Match[str], ctx: Context) -> Diagnosis:
    return Diagnosis(
        "empty",
        "data",
        f"an empty label sequence reached the CTC loss (index {m.group(1)} in its batch, "
        "counted from 0)",
        "CTC needs at least one label per sample: a sample's label_length is 0 (its "
        "transcription is empty, or the loader did not parse it).",
        "drop the samples whose label is empty (label_length == 0) before training, and "
        "check that the loader reads every transcription",
    )


def _mask_steps(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """Keras 3's TimeDistributed met a mask whose (batch, timesteps) are not its input's."""
    want = parse_shape(m.group("want") or m.group("want2"))
    mask = parse_shape(m.group("mask") or m.group("mask2"))
    if want is None or mask is None or len(want) != 2 or len(mask) < 2:
        return None
    if want[0] == mask[0] and want[1] != mask[1]:
        kind, what = "timesteps", f"{mask[1]} timesteps where the input has {want[1]}"
    elif want[0] != mask[0]:
        kind, what = "batch", f"a batch of {mask[0]} where the input has {want[0]}"
    else:
        return None
    return Diagnosis(
        kind,
        "data",
        "the mask passed to TimeDistributed does not fit its input",
        f"the mask {fmt_shape(mask)} has {what}: a mask must have the input's first two "
        f"axes {fmt_shape(want)} (batch, timesteps), so it was made for other data or "
        "padded to another length.",
        "make the mask from the same padded input as x, so that it has x's batch and "
        "timesteps (for padding 0.0: mask = np.any(x != 0.0, axis=-1)), or let a "
        "Masking(mask_value=0.0) layer make it",
        want,
        mask,
        axis=1 if kind == "timesteps" else 0,
    )


def _needs_length(m: re.Match[str], ctx: Context) -> Diagnosis:
    return D.structural(
        f"{m.group(1)} needs the length of its time axis",
        "Keras 1 builds this layer's weights from the input's length, and the first layer "
        "declares no time length.",
        "declare the time length on the first layer: input_length=T (or input_shape=(T, "
        "features)), with every sequence padded to T",
    )


def _unknown_rank(m: re.Match[str], ctx: Context) -> Diagnosis:
    expected = ctx.model_input(None)[0]
    shape = fmt_shape(expected) if expected else "(None, T, features)"
    return Diagnosis(
        "unknown-rank",
        "data",
        "the data reached the model without a known shape",
        "a tf.data pipeline (from_generator, py_function, numpy_function) produced tensors of "
        "unknown rank, so the RNN cannot read its time and feature axes.",
        f"declare the shape: tf.data.Dataset.from_generator(..., output_signature="
        f"tf.TensorSpec(shape={shape}, dtype=tf.float32)) or "
        f"ds.map(lambda x: tf.ensure_shape(x, {shape}))",
        expected,
    )


def _time_distributed_2d(m: re.Match[str], ctx: Context) -> Diagnosis:
    """TimeDistributed applies its layer to each step of axis 1 and was built on a 2-D
    input: the layer before it gives one vector per sequence."""
    found = parse_shape(m.group(1))
    return D.structural(
        "TimeDistributed got one vector per sequence, no time axis",
        f"TimeDistributed applies its layer at every timestep of (batch, timesteps, ...), and "
        f"its input is {fmt_shape(found) if found else '2-D'}: the layer before it returns "
        "one vector per sequence (a recurrent layer without return_sequences=True, or a "
        "pooling or Flatten).",
        "set return_sequences=True on the layer before TimeDistributed (an encoder-decoder: "
        "RepeatVector(timesteps) between them)",
        (
            Alternative(
                "model-structure",
                "declare the input as input_shape=(timesteps, features)",
                "if TimeDistributed is the first layer",
            ),
        ),
        (None, None, None),
        found,
    )


def _depth_unknown(m: re.Match[str], ctx: Context) -> Diagnosis:
    """TF1's dynamic_rnn (and bidirectional_dynamic_rnn) sizes its kernel from the inputs'
    last axis, which must be known when the graph is built."""
    return Diagnosis(
        "unknown-rank",
        "data",
        "the RNN's inputs have no known feature size",
        "tf.nn.dynamic_rnn builds its kernel from the size of the inputs' last axis (the "
        "features per step), and the tensor it was given has None there: it came from a "
        "pipeline or a reshape (tf.data, tf.py_func, a placeholder of shape [None, None, None]) "
        "that does not carry it.",
        "give the inputs their feature size before the RNN: inputs.set_shape([None, None, "
        "features]) (or tf.reshape(inputs, [batch, -1, features]), or a placeholder declared "
        "with it)",
        (None, None, None),
    )


def _indices(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    token, size = int(m.group(1)), int(m.group(2))
    if size == 0:
        return None  # an empty table is not a vocabulary problem (seen in detection code)
    return D.vocab(token, size, _in_loss(ctx), ctx.fixes, ctx.call)


def _in_loss(ctx: Context) -> bool:
    """The lookup is a loss's (a label), not an Embedding's: the op or node names a loss; a
    traceback line of user code that mentions a loss says nothing of where it failed."""
    node = ctx.node()
    if node:
        return bool(re.search(r"loss|SparseSoftmax|crossentropy", node, re.IGNORECASE))
    where = "\n".join(
        line
        for line in ctx.raw.splitlines()
        if not re.match(r"\s*(?:-+>\s*)?\d+\s|\s+File |\s{4}\S", line)
    )
    if re.search(r"embedding", where, re.IGNORECASE):
        return False
    # a CRF's own ops (crf/Gather: the tags' scores) look up tag ids: labels too
    return bool(re.search(r"loss|SparseSoftmax|crossentropy|\bcrf/", where, re.IGNORECASE))


def _object(m: re.Match[str], ctx: Context) -> Diagnosis:
    what = m.group(1)
    if what is None or what.strip() in ("list", "tuple", "numpy.ndarray", "ndarray"):
        maxlen = None
        own = ctx.model_input(None)[0]
        if own is not None and len(own) > 1:
            maxlen = own[1]
        ragged = D.ragged(maxlen, ctx.fixes)
        if _RAGGED_SHOWN.search(ctx.raw):
            return ragged
        if (what or "").strip() in ("numpy.ndarray", "ndarray"):
            return D.object_of_arrays(ragged)
        if m.group(0).startswith("Invalid dtype"):  # Keras 3 names no element type
            return D.object_array(ragged)
        return ragged
    return D.dtype_object(what.strip())


# What shows an object array of ndarrays to be sequences of different lengths: NumPy's own
# warning when it made one, or a traceback that already passes the inputs as a list
_RAGGED_SHOWN = re.compile(
    r"ragged nested sequences|different lengths|return \[np\.array\(|fit\(\s*\[", re.I
)


def _ndim_of_no_layer(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """ "expected ndim=3, found ndim=2" with no layer named."""
    want, got = int(m.group(1)), int(m.group(2))
    found = parse_shape(m.group(3)) if m.group(3) else None
    if want != 3 or got != 2:
        return None
    if ctx.building:  # no data yet: the declared input or a layer before feeds it
        d = S.diagnose_shape(_evidence(ctx, (None,) * 3, found or (None, None), "rnn", True))
        return replace(
            d,
            title="a recurrent layer receives a 2-D tensor while the model is built",
            cause="the error is raised while the model is being built, before any data: a "
            "recurrent layer takes (batch, timesteps, features), and the declared input or the "
            "layer before it gives 2-D.",
        )
    return _two_d_of_no_layer(ctx, found or (None, None))


def _two_d_of_no_layer(ctx: Context, found: Shape) -> Diagnosis:
    """2-D where a recurrent layer takes 3-D, no layer named: the data, as the model's
    first layer meets it, or a recurrent layer fed by one that drops the time axis. Only
    which layer raised it decides; an array's shape (its batch a number) is the data."""
    d = S.diagnose_shape(_evidence(ctx, (None, None, None), found, None, False))
    if found[0] is not None:
        return d
    stacked = Alternative(
        "model-structure",
        D.STACK_RECURRENT,
        "if a later recurrent layer raised it (it is fed by a layer, not by the data)",
        culprit="model",
    )
    return replace(
        d,
        title="2-D where a recurrent layer takes 3-D: the data, or a layer before it",
        alternatives=(stacked, *d.alternatives),
        when="if the model's first layer raised it (the data reaches it)",
        decides="which layer raised it: the full traceback's 'Input 0 of layer ...' or "
        "model.summary(); the first layer means the data, a later one the model",
    )


_COUNTS = {"one": 1, "two": 2, "three": 3, "four": 4}  # the words its pattern takes


def _rank_retold(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """A rank check in a user's words ("LSTM expects 3D input but got 2D input of shape
    (64, 20)", "Expected 3 dimensions but got only two (144,9)")."""
    want = int(m.group("want"))
    got = _COUNTS.get(m.group("got").lower()) or int(m.group("got"))
    found = parse_shape(m.group("shape")) if m.group("shape") else None
    if got >= want or (m.group("shape") and (found is None or len(found) >= want)):
        return None
    if want == 3 and got == 2:
        return _two_d_of_no_layer(ctx, found or (None, None))
    found = found or (None,) * got
    return S.diagnose_shape(_evidence(ctx, (None,) * want, found, building=False))


def _tensor_array(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """An RNN's loop runs over the input's timesteps and reads each step of what goes with
    it (the mask) from a TensorArray: one with fewer steps is read past its end (TF issue
    45035: a 6-step input with a mask of maxlen=5). Elsewhere (a decoder, CTC) it is not."""
    index, size = int(m.group(1)), int(m.group(2))
    if index < size or re.search(r"ctc|beam|decod|attention", ctx.raw, re.I):
        return None
    return Diagnosis(
        "timesteps",
        "data",
        f"a sequence that goes with the input has {size} timesteps, the input more",
        "an RNN steps through its input's timesteps and reads the same step of its mask "
        f"(or of another per-step tensor given with it); that one has only {size} steps, so "
        f"reading step {index} fails.",
        "give the mask the input's timesteps: mask = tf.sequence_mask(lengths, "
        "maxlen=tf.shape(x)[1]), or pad or cut both to one length",
        axis=1,
    )


def _structure(m: re.Match[str], ctx: Context) -> Diagnosis:
    return Diagnosis(
        "input-count",
        "data",
        "a list was passed to a model with one input",
        "model.predict([x]) or a list of per-sequence arrays was given to a single-input model; "
        "Keras expects one array.",
        "pass the array itself: model.predict(x); for a list of sequences: x = np.stack(seqs) "
        "(same length) or pad them first",
        ctx.model_input(None)[0],
    )


def _batch_of_other_shapes(m: re.Match[str], ctx: Context) -> Diagnosis:
    """tf.data's .batch() met elements of different shapes: sequences of different lengths
    (sa004: MFCCs of clips of 103 and 92 frames), which padded_batch pads per batch."""
    first, other = parse_shape(m.group(1)), parse_shape(m.group(2))
    if first is None or other is None:
        first, shown = None, "two shapes"
    else:
        shown = f"{fmt_shape(first)} and {fmt_shape(other)}"
    return Diagnosis(
        "ragged",
        "data",
        "tf.data cannot batch elements of different shapes",
        f"the dataset's elements have different shapes ({shown}): "
        "sequences of different lengths, which .batch() cannot stack into one tensor.",
        "ds = ds.padded_batch(32)   # instead of ds.batch(32): pads each batch to its longest "
        "element with zeros (mask them: Masking(0.0), or cut or pad every element to one length "
        "before batching)",
        None,
        first,
        0,
    )
