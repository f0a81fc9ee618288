"""Errors raised by an op deep in the graph: matrix products, reshapes, losses, Theano."""

from __future__ import annotations

import re
from dataclasses import replace

from ...model.spec import fmt_shape
from .. import diagnosis as D
from .. import shape_diagnosis as S
from .. import target_diagnosis as T
from ..diagnosis import Alternative, Diagnosis, Evidence
from ..error_text import Context, parse_shape
from .cells import _LOSS_NODE, _RNN_NODE
from .inputs import _evidence


def _zero_steps(m: re.Match[str], ctx: Context) -> Diagnosis:
    return Diagnosis(
        "empty",
        "data",
        "a sequence of zero timesteps (or an empty batch) reached the RNN",
        "the recurrent layer loops over the time axis, and it had no steps (an empty "
        "sequence after filtering or tokenizing, or a batch of none).",
        "drop empty sequences before padding (seqs = [s for s in seqs if len(s)]) and check "
        "len(x) > 0",
    )


def _gemm_batches(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """Theano's gemm z = x . y: x's rows and z's rows are two batch sizes (the product's
    inner sizes agree); anything else is not a batch."""
    rows, inner, inner2, _, out_rows = (int(m.group(i)) for i in range(1, 6))
    if inner != inner2 or rows == out_rows:
        return None
    return _gemm(rows, out_rows)


def _gemm(a: int, b: int) -> Diagnosis:
    """Theano: the step's matrix product meets a state kept for another batch size."""
    return Diagnosis(
        "batch",
        "model",
        f"batches of {a} and {b} meet inside the recurrent step",
        "the RNN's state was built for one batch size (a stateful layer, or batch_input_shape) "
        "and the data comes in another.",
        "rebuild the model for the batch you feed (batch_input_shape=(batch, timesteps, "
        "features)) and copy the weights: new.set_weights(old.get_weights())",
        alternatives=(
            Alternative(
                "batch",
                "feed batches of exactly the model's batch size (model.predict(x, "
                "batch_size=...), with len(x) a multiple of it)",
                "if the model must keep its batch size",
            ),
        ),
    )


def _label_range(m: re.Match[str], ctx: Context) -> Diagnosis:
    shown = re.search(r"Label values:\s+([\d\s]+)", ctx.raw)
    values = [int(v) for v in shown.group(1).split()] if shown else None
    return T.label_out_of_range(int(m.group(1)), int(m.group(2)), values)


def _sparse_shapes(m: re.Match[str], ctx: Context) -> Diagnosis:
    """The sparse loss's shape checks, in tf-keras's, TensorFlow's and Keras 3's words."""
    shapes = [parse_shape(g) for g in m.groups() if g is not None]
    labels, logits = [*shapes, None, None][:2]
    return T.onehot_into_sparse(labels, logits)


def _logits_labels(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """tf.nn.sigmoid_cross_entropy_with_logits: ((logits) vs (labels))."""
    logits, labels = parse_shape(m.group(1)), parse_shape(m.group(2))
    if logits is None or labels is None:
        return None
    if logits and len(logits) == len(labels) and labels[-1] == 1 and logits[-1] not in (None, 1):
        return T.binary_head(logits, labels)
    return T.output_vs_target(logits, labels, m.group(0))


def _loss_dims(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """A loss's elementwise op (SquaredDifference, Sub) met y and the output: which operand
    is the output is read from the node's inputs (a layer's BiasAdd, or the data)."""
    if not _LOSS_NODE.search(m.group("node")):
        return None
    a, b = parse_shape(m.group("s1")), parse_shape(m.group("s2"))
    if a is None or b is None:
        return None
    first_is_output = (
        re.search(r"BiasAdd|Softmax|Sigmoid|dense|sequential|model|functional", m.group("a1"), re.I)
        is not None
    )
    output, y = (a, b) if first_is_output else (b, a)
    return T.output_vs_target(output, y, m.group(0), binary=ctx.binary)


def _data_adapter(m: re.Match[str], ctx: Context) -> Diagnosis:
    """Keras 2.x/3 take arrays, tensors or datasets: a Python list (x or y) is refused; a
    bare "Unrecognized data type" (sb007) names no type, a list most often."""
    which = "y" if m.group("y") else "x"
    named = re.search(r"<class '([\w.]+)'>", m.group(0))
    if m.group("x") or m.group("y") or m.group("x2"):
        said, what, title = (
            which,
            "a Python list (of numbers or of arrays)",
            f"{which} is a Python list",
        )
    elif named:
        said, what = which, f"a {named.group(1)}"
        title = f"{which} is a {named.group(1)}, not an array"
    else:
        said, what = "x (or y)", "not an array: a Python list most often"
        title = "x (or y) is not an array: most often a Python list"
    if named and named.group(1) == "str":  # a path or a label where the array should be
        return Diagnosis(
            "dtype",
            "data",
            title,
            f"Keras takes numpy arrays, tensors or datasets; {said} is a string (a file's path, "
            "or a column's name), not the data.",
            f"load the array the string names first: {which} = np.load({which}) for a .npy "
            f"file (pd.read_csv({which}).to_numpy() for a CSV)",
        )
    return Diagnosis(
        "dtype",
        "data",
        title,
        f"Keras takes numpy arrays, tensors or datasets; {said} is {what}.",
        f"{which} = np.asarray({which}, dtype='float32')   # same-length sequences; of "
        f"different lengths: {ctx.fixes.pad(None)}",
    )


def _branches(m: re.Match[str], ctx: Context) -> Diagnosis:
    return Diagnosis(
        "model-structure",
        "model",
        "branches of different shapes meet in Concatenate",
        f"Concatenate joins tensors of the same shape except the joined axis: {m.group(1)}. A "
        "recurrent branch returns (batch, T, units) with return_sequences=True and (batch, "
        "units) without.",
        "give the branches the same shape: the same return_sequences on the recurrent "
        "branches, or reduce the 3-D one (GlobalAveragePooling1D(), or return_sequences="
        "False)",
    )


def _samples_vs_targets(m: re.Match[str], ctx: Context) -> Diagnosis:
    """Keras 2: Found N input samples and M target samples / inputs of other lengths."""
    if m.group("inputs") is not None:
        return D.sizes_disagree([int(m.group("inputs"))], [int(m.group("targets"))])
    sizes = [int(n) for n in re.findall(r"\((\d+)", m.group("shapes"))]
    return D.sizes_disagree(sizes, [])


def _flow_lengths(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """ImageDataGenerator.flow: x (images tensor) and y (labels) of other lengths."""
    x, y = parse_shape(m.group(1)), parse_shape(m.group(2))
    if not x or not y or x[0] is None or y[0] is None:
        return None
    d = D.sizes_disagree([x[0]], [y[0]])
    if len(x) != 3 or x[-1] not in (1, 3, 4):
        return d
    dims = ", ".join(map(str, x))
    return replace(  # (h, w, channels): one image, where flow() takes (samples, h, w, c)
        d,
        title=f"x was a list of images: flow() took its first image {fmt_shape(x)} as x",
        cause=f"x {fmt_shape(x)} is the shape of one image: flow() reads a list or tuple x as "
        f"(images, other inputs) and takes x[0] as the images, so a list of images gives it "
        f"the first image, {x[0]} rows long, against {y[0]} labels.",
        fix=f"x = np.array(x)   # one ({y[0]}, {dims}) array of the images, not a list",
    )


def _reshape_batch(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """TF: Input to reshape is a tensor with N values, but the requested shape has M, with
    one a whole multiple of the other: a batch size built into the graph's reshape (a TF1
    port, batch_size in tf.reshape) met another batch. The threads split: feed the batch the
    graph was built for (pf001), or reshape with -1 for the batch (j012)."""
    got, asked = int(m.group(1)), int(m.group(2))
    if min(got, asked) == 0 or got == asked or max(got, asked) % min(got, asked):
        return None  # not a batch of another size: the message alone says too little
    k = max(got, asked) // min(got, asked)
    feed = (
        f"feed the batch the graph was built for: {k} times as many samples per call as now "
        "(the whole batch used in training, not one sample of it)"
        if asked > got
        else f"feed {k} times fewer samples per call: split each batch into {k} equal parts"
    )
    return Diagnosis(
        "batch",
        "data",
        f"a reshape asked for {asked} values and got {got}: likely a batch size fixed in the graph",
        f"{max(got, asked)} is {k} x {min(got, asked)}: a reshape with a batch size written "
        "into it (tf.reshape(t, [batch_size, ...]), a graph ported from TF1, or a model saved "
        f"with a fixed batch) was given {'fewer' if asked > got else 'more'} samples than it "
        "was built for.",
        feed,
        alternatives=(
            Alternative(
                "batch",
                "let the reshape keep any batch: -1 for its batch axis (tf.reshape(t, [-1, "
                "...])), or rebuild the model with batch None and load the weights into it",
                "if the graph should take any batch",
                culprit="model",
            ),
            Alternative(
                "model-structure",
                f"give the Reshape a target shape with the values of one sample (the layer "
                f"before it returns {k} times {'fewer' if asked > got else 'more'})",
                "if no batch size is written into the graph (a Reshape layer's target shape)",
                culprit="model",
            ),
        ),
        when="if the model is to keep its fixed batch",
        decides="where the batch size is written: a reshape or an Input with a number for "
        "the batch (model.summary() shows it) can be given -1 or None instead",
    )


def _bare_incompatible(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """Only the title of "Input 0 of layer X is incompatible with the layer" was pasted: a
    recurrent layer after the first of its kind (lstm_1, gru_2) is fed by the one before it,
    which returns no sequence without return_sequences=True. Anything else says too little."""
    layer = (m.group(1) or m.group(2) or "").strip("\"'")
    if D.layer_kind(layer) != "recurrent" or D.first_of_kind(layer) or "_" not in layer:
        return None
    ev = Evidence((None, None, None), (None, None), layer=layer, building=True, fixes=ctx.fixes)
    return D.model_structure(ev, "recurrent")


def _elemwise_batches(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """Theano: an elementwise op met two batch sizes (a stateful RNN's state and the data)."""
    a, b = int(m.group(1)), int(m.group(2))
    if a == b:
        return None
    state, data = max(a, b), min(a, b)
    return Diagnosis(
        "batch",
        "data",
        f"batches of {a} and {b} meet in the recurrent step",
        "a stateful RNN keeps its state for one batch size, and the data comes in another.",
        f"feed batches of the model's size: model.predict(x, batch_size={state}) (with len(x) "
        f"a multiple of {state})",
        alternatives=(
            Alternative(
                "batch",
                f"rebuild the model for batches of {data} (batch_input_shape=({data}, "
                "timesteps, features)) and copy the weights: new.set_weights(old.get_weights())",
                f"if the data must come {data} at a time",
            ),
        ),
    )


def _broadcastable(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """softmax_cross_entropy_with_logits: logits_size=[n,k] labels_size=[n,j]."""
    logits, labels = parse_shape(m.group(1)), parse_shape(m.group(2))
    if logits is None or labels is None:
        return None
    return T.output_vs_target(logits, labels, m.group(0), binary=ctx.binary)


def _int_shape(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """An int where Keras iterates a shape: input_shape=1 (the traceback shows it)."""
    given = re.search(r"input_shape\s*=\s*(\w+)\s*[,)]", ctx.raw)
    if given is None:
        return None
    return Diagnosis(
        "model-structure",
        "model",
        "input_shape is a number, not a shape tuple",
        f"input_shape={given.group(1)} gives Keras an int where it iterates the axes of one "
        "sample.",
        "give the shape of one sample as a tuple: input_shape=(timesteps, features) for a "
        "recurrent layer (data shaped (samples, timesteps, features)), input_shape=(n,) for a "
        "Dense one",
    )


def _validation_split(m: re.Match[str], ctx: Context) -> Diagnosis:
    return Diagnosis(
        "dtype",
        "data",
        "validation_split with data that is not an array",
        "validation_split slices NumPy arrays or tensors; x or y is a Python list, a dataset "
        "or a generator.",
        "x = np.asarray(x); y = np.asarray(y) (same-length samples); for a dataset or "
        "generator, pass validation_data=... instead",
    )


def _empty_logs(m: re.Match[str], ctx: Context) -> Diagnosis:
    return Diagnosis(
        "empty",
        "data",
        "no batch reached the model: the data is empty",
        "Keras drew no batch: zero samples in x or y, or a dataset, generator or Sequence that "
        "yields nothing.",
        "check len(x) and len(y) (or iterate the dataset once) before fit or predict",
    )


def _stateful_samples(m: re.Match[str], ctx: Context) -> Diagnosis:
    """Keras 2: a stateful model's fit/predict given a number of samples that is not a
    multiple of the batch size ("Found: N samples. Batch size: B." in predict)."""
    n = int(m.group(1)) if m.group(1) else None
    b = int(m.group(2)) if m.group(2) else None
    if b is not None and n is not None and not ctx.fitting:
        return S.batch(b, n, None, None, pasted=True)
    size = str(b) if b is not None else "B"
    left = f"the last {n % b} of {n}" if b and n else f"the last len(x) % {size}"
    return Diagnosis(
        "batch",
        "data",
        f"{n if n is not None else 'the'} samples are not a multiple of the batch size"
        + (f" {b}" if b is not None else ""),
        "a stateful RNN carries its state from batch to batch, so Keras 2 makes every batch "
        "full: the number of samples must be a multiple of the batch size the model was "
        "built with (batch_input_shape's first value).",
        f"n = len(x) // {size} * {size}; model.fit(x[:n], y[:n], batch_size={size})   # leaves "
        f"out {left} samples" + ("; B: batch_input_shape[0]" if b is None else ""),
        None,
        (n,) if n is not None else None,
        0,
    )


def _keras0_ndim(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """Keras 0.x checks a layer's input rank as the model is assembled: "Invalid input
    shape - Layer expects input ndim=2, was provided with input shape (25, 200, 64)"."""
    want, found = int(m.group(1)), parse_shape(m.group(2))
    if found is None:
        return None
    ev = Evidence((None,) * want, found, building=True, fixes=ctx.fixes)
    if len(found) <= want or 1 in found[1:]:
        return D.model_structure(ev, "recurrent" if len(found) < want else None)
    sample = fmt_shape(found[1:])
    return replace(
        D.model_structure(ev, "embedding"),
        title=f"a layer that takes {want}-D input is given {fmt_shape(found)}",
        cause=f"Keras 0.x checks each layer's input rank as the model is assembled: a layer "
        f"that takes {want}-D input (an Embedding of integer ids, or a Dense, which took 2-D in "
        f"Keras 0/1) is given {len(found)}-D {fmt_shape(found)}, whose last axis is "
        f"{found[-1]} features.",
        fix=f"the data already holds vectors: drop that layer and begin with the recurrent "
        f"one, LSTM(units, input_shape={sample})",
    )


def _loss_batches(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """Incompatible shapes: [32] vs. [180] where a loss is weighted: one value per sample,
    from two batch sizes. The model fixes one (batch_input_shape); fit's default is 32."""
    a, b = int(m.group(1)), int(m.group(2))
    if a == b or not _LOSS_NODE.search(ctx.node() or ctx.raw):
        return None
    data, model = (a, b) if a == 32 or (b != 32 and a < b) else (b, a)
    if re.search(r"stateful", ctx.raw, re.IGNORECASE):
        return S.batch(model, data, None, None, fitting=True)
    return Diagnosis(
        "batch",
        "model",
        f"the model fixes batches of {model} and is trained on batches of {data}",
        f"the loss is computed per sample and meets {data} values against {model}: the model "
        f"was built for exactly {model} samples per batch (batch_input_shape, or "
        f"Input(batch_size={model}))"
        + (", and fit's default batch_size is 32." if data == 32 else "."),
        "declare one sample's shape without the batch: input_shape=(timesteps, features) "
        "(keras.Input(shape=(timesteps, features))) instead of batch_input_shape",
        (model,),  # the loss's values, one per sample: the batches themselves
        (data,),
        0,
        alternatives=(
            Alternative(
                "batch",
                f"n = len(x) // {model} * {model}; model.fit(x[:n], y[:n], batch_size={model})"
                f"   # leaves out the last len(x) % {model} samples",
                "if the model must keep its fixed batch (stateful=True)",
            ),
        ),
    )


def _theano_crossentropy(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    y, output = parse_shape(m.group(2)), parse_shape(m.group(3))
    if y is None or output is None:
        return None
    return T.output_vs_target(output, y, m.group(0)[:200])


def _theano_argument(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """Theano names the argument of the training function that had the wrong rank: Keras
    1's inputs come first (index 0 for one input), then the targets."""
    index, want, found = int(m.group(1)), int(m.group(2)), parse_shape(m.group(3))
    if found is None:
        return None
    if index == 0:
        return S.diagnose_shape(_evidence(ctx, (None,) * want, found, None, building=False))
    d = T.output_vs_target(None, found, m.group(0), rank=want, binary=ctx.binary)
    other = S.diagnose_shape(_evidence(ctx, (None,) * want, found, None, building=False))
    more = Alternative(other.kind, other.fix, f"if the model has more than {index} inputs")
    return replace(d, alternatives=(*d.alternatives, more))


def _scaler_columns(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """numpy: non-broadcastable output operand with shape (n,1) doesn't match the broadcast
    shape (n,k): a scaler fitted on k columns inverts 1 column of predictions."""
    given, fitted = parse_shape(m.group(1)), parse_shape(m.group(2))
    if given is None or fitted is None or len(given) != 2 or len(fitted) != 2:
        return None
    if given[0] != fitted[0] or given[1] == fitted[1]:
        return None
    k, j = fitted[1], given[1]
    return Diagnosis(
        "features",
        "data",
        f"a transform fitted on {k} columns is applied to {j}",
        f"numpy refused an in-place operation of a {fmt_shape(given)} array with {k} columns "
        f"of parameters: in a model's pipeline, a scaler (MinMaxScaler, StandardScaler) fitted "
        f"on the {k} input columns is asked to inverse_transform {j} column(s) of predictions.",
        f"fit a scaler on the target alone and invert with it: y_scaler = MinMaxScaler()."
        f"fit(y_train.reshape(-1, 1)); y_scaler.inverse_transform(pred); or fill a {k}-column "
        f"array: tmp = np.zeros((len(pred), {k})); tmp[:, col] = pred[:, 0]; "
        "scaler.inverse_transform(tmp)[:, col]   # col: the target's column",
    )


def _theano_reshape(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """Theano: GpuReshape/Reshape cannot reshape (rows, F) to (b, T, F): the model folds
    its fixed T timesteps back out of the rows, and the data had another number."""
    given, wanted = parse_shape(m.group(1)), parse_shape(m.group(2))
    if given is None or wanted is None or len(given) != 2 or len(wanted) != 3:
        return None
    rows, t = given[0], wanted[1]
    if rows is None or not t or given[1] != wanted[2] or rows % t == 0:
        return None
    return Diagnosis(
        "timesteps",
        "data",
        f"the model fixes {t} timesteps; the data's do not fill them",
        f"the model folds its {t} timesteps back out of {rows} rows of {given[1]} values "
        f"(batch x timesteps), and {rows} is not a multiple of {t}: the data has another "
        f"number of timesteps. pad_sequences also cuts longer sequences to their last {t} "
        "steps (truncating='pre').",
        ctx.fixes.pad(t),
        (None, t, wanted[2]),
        None,
        1,
    )


def _window_too_long(m: re.Match[str], ctx: Context) -> Diagnosis:
    """Negative dimension size caused by subtracting K from N: a convolution or pooling
    window K is longer than the N steps that reach it (TF adds a unit axis to 1-D ops)."""
    k, n, node = int(m.group(1)), int(m.group(2)), m.group(3) or ""
    layer = node.split("/")[0] or "a convolution or pooling layer"
    said = re.search(r"with input shapes: \[([^\]]*)\]", m.string[m.end() :])
    model = Diagnosis(
        "model-structure",
        "model",
        f"{layer}'s window of {k} is longer than the {n} step(s) that reach it",
        f"a convolution or pooling window of {k} slides over an axis of only {n}: the "
        "input's time axis is that short, or the layers before it shrank it (each "
        "padding='valid' convolution and each pooling shortens it).",
        "give the convolutions and poolings padding='same', use fewer poolings or smaller "
        f"kernel_size/pool_size (at most {n}), or feed longer sequences",
        found=parse_shape(said.group(1)) if said else None,  # the layer's input, as TF says
    )
    if n != 1 or "pool" in node.lower():
        return model
    one_row = Alternative(
        "timesteps",
        "x = x.reshape(len(x), -1, 1)   # each sample's values become timesteps of one feature",
        "if each sample was reshaped to one timestep (samples, 1, features) and the "
        "convolution should slide over its values",
    )
    return replace(model, alternatives=(one_row,))


def _output_size(m: re.Match[str], ctx: Context) -> Diagnosis:
    """Keras 3: Computed output size would be zero or negative (a kernel longer than the
    input's axis); tf-keras: One of the dimensions in the output is <= 0 due to
    downsampling in conv1d: as for TF's "Negative dimension size"."""
    shape = parse_shape(m.group("inputs") or m.group("received") or "")
    kernel = parse_shape(m.group("kernel") or "")
    layer = m.group("layer") or "a convolution"
    steps = shape[1] if shape and len(shape) > 2 else None
    k = kernel[0] if kernel else None
    window = f"window of {k}" if k else "window"
    over = f"the {steps} step(s) that reach it" if steps else "the axis that reaches it"
    return D.structural(
        f"{layer}'s {window} is longer than {over}",
        f"a convolution or pooling {window} slides over an axis of only "
        f"{steps if steps else 'a few'} step(s): the input's time axis is that short, or the "
        "layers before it shrank it (each padding='valid' convolution and each pooling "
        "shortens it).",
        "give the convolutions and poolings padding='same', use fewer poolings or a smaller "
        "kernel_size/pool_size"
        + (f" (at most {steps})" if steps else "")
        + ", or feed longer sequences",
        found=shape,
    )


def _reshape_size(m: re.Match[str], ctx: Context) -> Diagnosis:
    """A Reshape layer's target holds another number of values than its input (Keras 3:
    target_shape; tf-keras and Keras 2: output_shape; Keras 1: the bare sentence)."""
    given, target = parse_shape(m.group(1) or ""), parse_shape(m.group(2) or "")
    cause = (
        "a Reshape keeps every value of a sample: its target shape must hold as many values "
        "as its input (a target shape never includes the batch)."
    )
    fix = (
        "give the Reshape a target shape of one sample's values, without the batch (one -1 "
        "lets Keras work out an axis: Reshape((timesteps, -1)))"
    )
    if not given or not target or None in given or None in target:
        return D.structural("a Reshape's target shape does not hold its input's values", cause, fix)
    have = 1
    for n in given:
        have *= n or 1
    want = 1
    for n in target:
        want *= n or 1
    first = target[0] or 1
    sized = f"Reshape(({first}, {have // first}))" if have % first == 0 else ""
    return D.structural(
        f"a Reshape to {fmt_shape(target)} ({want} values) of an input of {fmt_shape(given)} "
        f"({have} values)",
        cause.replace("its input", f"its input, {have}"),
        f"give the Reshape a target shape of {have} values per sample"
        + (
            f": {sized}, or Reshape(({target[0]}, -1))"
            if sized
            else " (one -1 lets Keras work out an axis)"
        ),
        expected=given,
        found=target,
    )


def _sparse_assert(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """tf-keras's sparse crossentropy asserts labels.shape == logits.shape[:-1]: labels
    (n, 1) against logits (n, T, k) is one label per sequence for a per-step output."""
    labels = tuple(int(n) for n in m.group(1).split())
    logits = tuple(int(n) for n in m.group(2).split())
    if len(labels) == len(logits) == 2 and labels[0] == logits[0] and labels[1] == 1 < logits[1]:
        return T.per_step_output(logits[1], (*logits, None), labels)
    return None


def _scalar_target(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """TF: Shapes () and (None, k) must have the same rank: a target of no axes met the
    output: one sample at a time, from a tf.data dataset or a generator that is not batched."""
    output = parse_shape(m.group(1))
    if output is None or not output or output[0] is not None:
        return None
    return T.scalar_target(output)


def _generator_fit_rank(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """ImageDataGenerator.fit takes (samples, rows, cols, channels)."""
    want, found = int(m.group(1)), parse_shape(m.group(2))
    if found is None:
        return None
    if found and found[0] == 0:
        return Diagnosis(
            "empty",
            "data",
            "the images given to ImageDataGenerator.fit are empty",
            f"x {fmt_shape(found)} holds no images: the file or folder it was loaded from is "
            "empty, or the path is wrong.",
            "check what x was loaded from (print(x.shape) after loading): it must hold the "
            "images, (samples, rows, cols, channels)",
            (None,) * want,
            found,
            0,
        )
    return Diagnosis(
        "missing-axis",
        "data",
        f"ImageDataGenerator.fit takes {want} axes; x has {len(found)}",
        f"x {fmt_shape(found)}: ImageDataGenerator.fit takes images as (samples, rows, cols, "
        "channels).",
        "x = x[..., None]   # grey images without their channel axis"
        if len(found) == want - 1
        else "give fit the images as one (samples, rows, cols, channels) array",
        (None,) * want,
        found,
    )


def _ctc_blank(m: re.Match[str], ctx: Context) -> Diagnosis:
    """CTC: a label at num_classes - 1 (the blank) or beyond: the output has no unit left
    for the blank (it needs one more than the labels' classes)."""
    n = int(m.group(1))
    return Diagnosis(
        "target",
        "model",
        f"a label id at or beyond the CTC blank ({n - 1} of {n} classes)",
        f"CTC takes class {n - 1}, the last of the output's {n}, as its blank, so labels must "
        f"be 0..{n - 2}; a label reached {n - 1} or more: the output has as many units as the "
        "vocabulary, with none left for the blank.",
        "give the output layer one unit more than the vocabulary: Dense(len(vocabulary) + 1, "
        "activation='softmax') (the last unit is the blank)",
        alternatives=(
            Alternative(
                "target",
                f"map the labels into 0..{n - 2} (the vocabulary's ids counted from 0)",
                "if the output already has a unit for the blank",
                culprit="data",
            ),
        ),
    )


def _loss_list(m: re.Match[str], ctx: Context) -> Diagnosis:
    """Keras 2: When passing a list as loss, it should have one entry per model outputs."""
    outputs, losses = int(m.group(1)), len(re.findall(r"<function|'[^']+'|\w+\(", m.group(2)))
    return D.structural(
        f"the model has {outputs} outputs and the loss list {losses or 'another number'}",
        f"a list of losses pairs each with one output, in order: the model has {outputs} "
        "outputs (an output kept for inspection counts too).",
        f"pass one loss per output (a list of {outputs}, or a dict by output name), or build "
        "the model without the outputs that are not trained",
    )


def _initial_state_batch(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """cuDNN: Invalid input_h shape: [1,S,u] [1,B,u]: the state given holds S sequences, the
    data's batch B (the runtime prints the state's shape, then the one the input needs)."""
    given, needed = (tuple(int(m.group(i)) for i in r) for r in (range(1, 4), range(4, 7)))
    if given[0] != needed[0] or given[2] != needed[2] or given[1] == needed[1]:
        return None  # not (layers, batch, units) differing in the batch only
    state, data = given[1], needed[1]
    return Diagnosis(
        "batch",
        "data",
        f"a recurrent state for {state} sequences meets a batch of {data}",
        f"the recurrent layer's state holds {state} sequences and the batch {data}: the model "
        f"fixes its batch at {state} (a stateful layer, or Input(batch_size={state})), and it "
        f"was fed batches of {data} (fit's default is 32), or its last batch is smaller.",
        S.batch(state, data, None, None).fix
        if ctx.call == "predict"
        else f"n = len(x) // {state} * {state}; model.fit(x[:n], y[:n], batch_size={state})   "
        f"# leaves out the last len(x) % {state} samples (tf.data: dataset.batch({state}, "
        "drop_remainder=True))",
        alternatives=(
            Alternative(
                "batch",
                f"declare the inputs without a fixed batch: keras.Input(shape=...) without "
                f"batch_size={state} (input_shape=..., not batch_input_shape); an initial "
                "state built from the batch: tf.zeros((tf.shape(x)[0], units))",
                "if no layer is stateful",
            ),
        ),
        decides="whether a recurrent layer is stateful=True: a stateful model keeps its batch "
        f"of {state}; any other one can drop the fixed batch",
        when="if the model is stateful",
    )


_STATE_SPEC = re.compile(r"InputSpec\(shape=(\([^)]*\))")


def _state_spec(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """tf-keras: An initial_state was passed that is not compatible with cell.state_size:
    the states given (their InputSpecs) against the cell's sizes ([h, c] for an LSTM)."""
    given = [parse_shape(g) for g in _STATE_SPEC.findall(m.group(1))]
    sizes = [int(n) for n in re.findall(r"\d+", m.group(2))]
    if not given or not sizes or any(not g for g in given):
        return None  # an unparsed spec, or one of no axes: too little to read
    shapes = [g for g in given if g is not None]
    units = sizes[0]
    names = "[h, c]" if len(sizes) == 2 else f"{len(sizes)} state tensor(s)"
    encoder = (
        f"return the encoder's final states, not its output: _, h, c = LSTM({units}, "
        f"return_state=True)(x), then initial_state=[h, c] (a Bidirectional encoder returns "
        f"forward and backward states: concatenate the two h and the two c, and give the "
        f"decoder twice the encoder's units)"
    )
    if any(len(g) > 2 for g in shapes):
        seq = next(g for g in shapes if len(g) > 2)
        return D.structural(
            "a sequence was passed as the recurrent layer's initial_state",
            f"initial_state takes the final states {names}, each (batch, {units}); it was given "
            f"{fmt_shape(seq)}, a whole output sequence (return_sequences=True) with a time axis.",
            encoder,
            expected=(None, units),
            found=seq,
        )
    if len(shapes) != len(sizes):
        return D.structural(
            f"{len(shapes)} initial state(s) for a layer that takes {len(sizes)}",
            f"the recurrent layer takes {names} as its initial_state, of sizes "
            f"{', '.join(map(str, sizes))}, and was given {len(shapes)}.",
            f"pass every state the layer takes: initial_state=[h, c] for an LSTM (from "
            f"_, h, c = LSTM({units}, return_state=True)(x)), one state for a GRU",
        )
    widths = [g[-1] for g in shapes]
    if widths == sizes:
        return None
    return D.structural(
        f"initial states of {widths[0]} units for a layer of {units}",
        f"the states passed as initial_state have {', '.join(map(str, widths))} units, and the "
        f"layer's cell takes {', '.join(map(str, sizes))}: the encoder and the decoder were "
        "built with different units.",
        f"give the decoder the encoder's units: LSTM({widths[0]}) (or the encoder LSTM({units}))",
        expected=(None, units),
        found=shapes[0],
    )


def _rank_at_node(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """Shape must be rank 3 but is rank 2 for '{{node lstm/transpose}} ... with input shapes:
    [?,10], ...': the layer the node belongs to got that tensor."""
    want, node, found = int(m.group(1)), m.group(3), parse_shape(m.group(4))
    if found is None or len(found) != int(m.group(2)):
        return None
    layer = node.split("/")[0]
    if D.layer_kind(layer) not in ("recurrent", "model", "dense", "conv"):
        return _matmul_of_activations(m, node)
    return S.diagnose_shape(_evidence(ctx, (None,) * want, found, layer, ctx.building))


def _matmul_of_activations(m: re.Match[str], node: str) -> Diagnosis | None:
    """A MatMul of code written around the layers (an attention score) whose two operands
    both have a free batch: two of the model's own tensors, of ranks 3 and 2."""
    pair = re.match(r"\[([^\]]*)\], \[([^\]]*)\]", m.string[m.start(4) - 1 :])
    if not re.search(r"MatMul$", node) or _RNN_NODE.search(node) or pair is None:
        return None
    a, b = parse_shape(pair.group(1)), parse_shape(pair.group(2))
    if not a or not b or a[0] is not None or b[0] is not None or (len(a), len(b)) != (3, 2):
        return None
    scope = node.rsplit("/", 1)[0]
    return D.structural(
        f"'{scope}' multiplies a 3-D tensor {fmt_shape(a)} by a 2-D one {fmt_shape(b)}",
        f"both operands of the MatMul in '{scope}' have a free batch axis: they are two of "
        "the model's own tensors (an attention score of every step against one vector, such "
        "as the last hidden state), not the data. MatMul multiplies two 2-D matrices; a "
        "product per sample needs both operands 3-D (a batched matmul).",
        f"give the 2-D one a trailing axis before the product: keras.layers.Reshape(({b[1]}, "
        f"1)) gives {fmt_shape((None, b[1], 1))}, and the product {fmt_shape((*a[:2], 1))} "
        "(or keras.layers.Dot(axes=(2, 1)) on the two tensors as they are)",
        expected=(None, b[1], 1),
        found=b,
    )


def _broadcast_at_loss(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """TF 2.5+: "required broadcastable shapes" with no shapes, at a loss or metric node:
    the model's output and y have shapes that do not broadcast."""
    where = ctx.node() or ctx.raw
    if not re.search(r"loss|_error|crossentropy|SquaredDifference|metric|accuracy", where, re.I):
        return None
    return replace(
        T.generic(m.group(0)),
        title="the model's output and the targets have shapes that do not broadcast",
        cause="the loss (or a metric) compares the model's output with y elementwise, and "
        "their shapes differ beyond broadcasting. TensorFlow does not print them here: "
        "compare model.output_shape with y.shape.",
        alternatives=(
            Alternative(
                "model-structure",
                "set return_sequences=False on the last recurrent layer (or wrap the head in "
                "TimeDistributed for per-step targets) so that the output has y's axes",
                "if model.output_shape has a time axis that y lacks, or the other way round",
            ),
        ),
    )


def _list_not_array(m: re.Match[str], ctx: Context) -> Diagnosis:
    """A Python list where an array is read (Keras 2 and user code take x.shape, x.ndim)."""
    return Diagnosis(
        "dtype",
        "data",
        "a Python list where a numpy array is expected",
        f"the data is a Python list, which has no .{m.group(1)}: Keras (or the code that "
        "prepares the data) reads it as an array.",
        "x = np.asarray(x, dtype='float32')   # the same for y; samples must have one length",
        alternatives=(
            Alternative(
                "ragged",
                ctx.fixes.pad(None),
                "if the samples are sequences of different lengths (np.asarray fails or "
                "gives dtype object)",
            ),
        ),
    )


def _numpy_reshape(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """numpy: cannot reshape array of size N into shape (a, T, F) (numpy leaves a -1 out of
    the shape it prints: the code line shows it). One window of T steps from a series that
    is shorter or longer than T, or rows that are no multiple of T."""
    size, shape = int(m.group(1)), parse_shape(m.group(2))
    if shape is None:
        return None
    if len(shape) == 2 and re.search(r"reshape\(\s*\(?\s*-1\s*,", ctx.raw):
        shape = (None, *shape)
    if len(shape) != 3 or shape[1] is None or shape[2] is None or shape[1] < 2:
        return None
    samples = shape[0]
    t, f = int(shape[1]), int(shape[2])
    per = t * f
    cause = f"x holds {size} values and ({', '.join(map(str, (samples or -1, t, f)))}) needs "
    if samples == 1 and size < per and size % f:
        return Diagnosis(
            "timesteps",
            "data",
            f"one window of {t} timesteps of {f} features from {size} values",
            cause + f"{per}: the series is shorter than one window of the model's.",
            f"give the window {t} steps of {f} features ({size} values now: a longer history "
            "or date range), then reshape it",
            (1, t, f),
            None,
            1,
        )
    if not f or size % f:
        return None  # not even the features divide: nothing here says how x is laid out
    last = f"x = np.reshape(x, (-1, {f}))[-{t}:].reshape(1, {t}, {f})"
    if samples == 1:
        steps = f"{size // f} steps"
        more = size > per
        fix = (
            f"{last}   # the last {t} of {steps}"
            if more
            else f"give the window {t} steps ({steps} now: a longer history or date range), "
            f"then {last}"
        )
        return Diagnosis(
            "timesteps",
            "data",
            f"one window of {t} timesteps from {steps}",
            cause
            + f"{per}: one sample of {t} timesteps of {f} feature(s). The series is "
            + ("longer than one window: keep its last one." if more else "shorter than it."),
            fix,
            (1, t, f),
            None,
            1,
        )
    if samples is not None and size % per == 0:
        return None  # only the number of samples is off, or not even the features divide
    rows = f"np.ravel(x), {t})[..., None]" if f == 1 else f"np.reshape(x, (-1, {f})), {t}, axis=0)"
    windows = (
        f"x = np.lib.stride_tricks.sliding_window_view({rows}"
        + ("" if f == 1 else ".transpose(0, 2, 1)")
        + f".copy()   # ({size // f} - {t} + 1, {t}, {f}): every window of {t} steps"
    )
    return Diagnosis(
        "timesteps",
        "data",
        f"{size} values do not split into sequences of {t} timesteps",
        cause + f"a multiple of {per} ({t} timesteps x {f} feature(s)): a series is not cut "
        f"into sequences by reshape; slide windows of {t} steps over it.",
        windows,
        shape,  # the shape asked for, as numpy printed it
        None,
        1,
    )


_INDEXED_SHAPE = re.compile(r"\b(\w+)\.shape\[(\d+)\]|\b(input_shape)\[(\d+)\]")


# A frame inside a layer (its build or call), or TensorFlow's own TensorShape: the shape
# indexed is a tensor's in the model, not an array of the data
_IN_A_LAYER = re.compile(
    r"\bin _?(?:build|call|compute_output_shape)\w*\b|tensor_shape\.py|\bin __getitem__"
)


def _shape_index(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """IndexError: index out of range on a line reading ``x.shape[k]``: x has at most k
    axes; an empty windowing result (np.array([]) is (0,)) or a 1-D series. Inside a layer
    (``input_shape[k]`` in its build), a tensor with too few axes reached it."""
    lines = [ln for ln in ctx.raw.splitlines() if _INDEXED_SHAPE.search(ln)]
    if not lines:
        return None
    hits = [(a or c, int(b or d)) for a, b, c, d in _INDEXED_SHAPE.findall(lines[-1])]
    name, axis = max(hits, key=lambda h: h[1])
    if name == "input_shape" or _IN_A_LAYER.search(ctx.raw[ctx.raw.find(lines[-1]) :]):
        return _layer_needs_axis(name, axis)
    return Diagnosis(
        "empty",
        "data",
        f"{name} has fewer than {axis + 1} axes: most often it is empty",
        f"{name}.shape[{axis}] does not exist: {name} has {axis} or fewer axes. An empty result "
        "of a windowing loop is np.array([]), shape (0,): the split left fewer rows than one "
        "window.",
        f"print({name}.shape) after each step that builds it; a test split needs at least "
        "timesteps + 1 rows (take the window's history from the rows before the split)",
        alternatives=(
            Alternative(
                "missing-axis",
                f"{name} = {name}.reshape(len({name}), -1, 1)   # (samples, values, 1)",
                f"if {name} is filled but 1-D or 2-D (print({name}.shape) shows no zero)",
            ),
        ),
    )


def _layer_needs_axis(name: str, axis: int) -> Diagnosis:
    """A layer's build or call reads axis k of its input, and the tensor it was given has
    fewer axes: an attention or sequence layer after a layer that returns no sequence."""
    what = name if name == "input_shape" else f"{name}.shape"
    return D.structural(
        f"a layer reads axis {axis} of a tensor with fewer axes",
        f"{what}[{axis}] fails inside a layer: it takes {axis + 1}-D input (batch, timesteps, "
        f"features for a sequence layer) and was given a tensor of {axis} axes or fewer: the "
        "recurrent layer before it returns no sequence, or the model has no time axis there "
        "(Dense layers on rows).",
        "return the sequence from the layer before it: LSTM(units, return_sequences=True) "
        "(GRU, Bidirectional alike); a model of rows needs a time axis first "
        "(keras.Input(shape=(timesteps, features)))",
    )


def _dtype_into_layer(m: re.Match[str], ctx: Context) -> Diagnosis:
    """Keras 1: Input 0 is incompatible with layer X: expected dtype=float32, found
    dtype=float64: raised as layers are connected, so the tensor is the model code's."""
    layer, want, got = m.group(1) or m.group(2), m.group(3), m.group(4)
    fed = D.layer_kind(layer) == "model"
    return Diagnosis(
        "dtype",
        "data" if fed else "model",
        f"a {got} tensor reaches {layer}, which computes in {want}",
        f"Keras checks each layer's input dtype as the model is built: {layer} gets {got}"
        + (
            "."
            if fed
            else ", made by the model code (a numpy value, such as a size or a rate from a "
            "numpy array or argparse, used in a layer)."
        ),
        f"x = x.astype('{want}')"
        if fed
        else f"pass plain Python numbers to the layers (int(units), float(rate)), or cast "
        f"inside the model: layers.Lambda(lambda t: keras.backend.cast(t, '{want}'))",
    )


def _heads_do_not_divide(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """An attention layer splits its input's last axis into heads: d values and h heads
    that do not divide it (pu003: 40 values, 11 heads)."""
    d, h = int(m.group(1)), int(m.group(2))
    if d < 1 or h < 1 or d % h == 0:
        return None
    fits = [k for k in range(2, min(d, 16) + 1) if d % k == 0]
    return D.structural(
        f"{d} values per step do not split into {h} attention heads",
        f"the attention layer divides the last axis of its input ({d}) among its {h} heads, "
        f"and {d} is not a multiple of {h}.",
        f"give it a number of heads that divides {d}"
        + (f" ({', '.join(map(str, fits))})" if fits else "")
        # the next multiple of h up from d
        + f", or project the input first to a multiple of {h} (Dense({h * -(-d // h)}))",
    )


def _graph_disconnected(m: re.Match[str], ctx: Context) -> Diagnosis:
    """keras.Model(inputs, outputs) whose outputs depend on a tensor no input leads to (j024:
    an inference decoder reusing the training encoder's outputs)."""
    return D.structural(
        "the model's outputs need a tensor its inputs do not lead to",
        "keras.Model(inputs=..., outputs=...) traces the outputs back to the inputs; some "
        "tensor on the way comes from an Input left out of inputs, or from another model's "
        "graph (an encoder's outputs reused in an inference decoder).",
        "pass every keras.Input the outputs depend on: keras.Model(inputs=[...], outputs=...); "
        "for an inference model, make each reused tensor an Input of its own and feed it",
    )
