"""The model's own input checks, in every Keras wording: Keras 1/2's "Error when checking
input", tf.keras's and Keras 3's "Input 0 of layer ... is incompatible", one sample, a table."""

from __future__ import annotations

import re
from dataclasses import replace

from ...model.spec import Shape, fmt_shape
from .. import diagnosis as D
from .. import rank_diagnosis as R
from .. import shape_diagnosis as S
from ..diagnosis import Alternative, Diagnosis, Evidence
from ..error_text import Context, parse_shape
from .targets import _checking_target, _whole_shapes


def _evidence(
    ctx: Context,
    expected: Shape,
    found: Shape | None,
    layer: str | None = None,
    building: bool | None = None,
) -> Evidence:
    own, has_time = ctx.model_input(len(expected))
    if own is not None and D.layer_kind(layer) in (None, "model"):
        expected = tuple(o if o is not None else e for o, e in zip(own, expected, strict=True))
    return Evidence(
        expected=expected,
        found=found,
        time_axis=has_time,
        layer=layer,
        building=ctx.building if building is None else building,
        declared_input=ctx.declared_input,
        fixes=ctx.fixes,
        fed=found is not None and ctx.called_with() == (found,),
    )


def _checking_input(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """Keras 1/2: Error when checking (model) input: expected X to have ..."""
    name, rank, shape, got = m.group("name"), m.group("rank"), m.group("shape"), m.group("got")
    said_input = m.group(0).startswith("Error when checking") and " input: " in m.group(0)
    if _OUTPUT_NAME.fullmatch(name.lower()) and not said_input:
        return _checking_target(m, ctx)  # a layer's output, not an input: the targets
    found = parse_shape(got)
    if found is None:
        return None
    if rank is not None:
        expected: Shape = (None,) * int(rank)
    else:
        parsed = parse_shape(shape)
        if parsed is None:
            return None
        expected = parsed
        # an RNN's input is 3-D: its shape printed with 2 axes left the batch out, with 3 has it
        rnn = _RNN_INPUT.fullmatch(name.lower()) is not None
        whole = (_whole_shapes(ctx) and not (rnn and len(parsed) == 2)) or (
            rnn and len(parsed) == 3
        )
        if (not parsed or parsed[0] is not None) and not whole:
            # Keras 2 prints shapes without the batch; Keras 1 with it (an LSTM's is 3-D)
            expected, found = (None, *parsed), (None, *found)
    ev = _evidence(ctx, expected, found, name, building=False)
    if "embedding" in name.lower():  # the input feeds an Embedding: axis 1 is time (token ids)
        ev = replace(ev, time_axis=True)
    one = _one_sample(ev, name, found)
    if one is not None:
        return one
    if len(expected) >= 4 and len(found) == 2 and found[-1] == 1 and found[0]:
        return _one_d_of_frames(ev.expected, found)
    d = _one_d(S.diagnose_shape(ev), found)
    rows = len(found) == 2 and found[0] is not None  # a batch axis of None is a dataset's
    if ctx.call == "predict" and rank == "3" and rows and d.kind == "missing-axis":
        return _predicting_one(d, found)
    return d


def _predicting_one(table: Diagnosis, found: Shape) -> Diagnosis:
    """A 2-D (a, b) into a 3-D input at predict, which the message shows with its rank only:
    one sequence of a steps given without its batch axis (fc002), as predict is so often
    called on one sample, or a table of a rows to cut into windows."""
    rows = Alternative(table.kind, table.fix, "if x is a table of rows (a series)", "data")
    return Diagnosis(
        "missing-batch",
        "data",
        f"predict was given a 2-D {fmt_shape(found)}: one sample without its batch axis, or rows",
        f"the model takes (samples, timesteps, features); predict got {fmt_shape(found)}: one "
        f"sequence of {found[0]} steps of {found[1]} features given without its batch axis, or "
        f"a table of {found[0]} rows without a time axis.",
        "x = np.expand_dims(x, 0)   # (1, timesteps, features): one sample",
        table.expected,
        found,
        0,
        (rows, *(a for a in table.alternatives if a.kind != "missing-batch")),
        when="if x is one sequence (its rows are its timesteps)",
        decides="what x holds: one sequence of steps (add the batch axis), or rows of "
        "samples (the model.input_shape[1] steps each takes must come from windows)",
    )


def _one_d_of_frames(expected: Shape, found: Shape) -> Diagnosis:
    """Keras 1/2 expand a 1-D array to (N, 1) before their check: into a model of 4 or more
    axes (frames, clips), that is an object array of N samples of different shapes."""
    return Diagnosis(
        "ragged",
        "data",
        f"x was 1-D: {found[0]} samples of different shapes in an object array",
        f"Keras 1/2 add an axis to a 1-D array before this check, so x held {found[0]} "
        f"objects: samples (clips, sequences of frames) of different shapes, which "
        f"np.array() could not stack into the {len(expected)} axes the model takes.",
        "give every sample the same shape (pad or cut each to one number of frames), then "
        "x = np.stack(list(x))",
        expected,
        found,
        1,
    )


_FEW_ROWS = 10  # (n, 1) with n at most this: one sample as likely as n sequences


def _one_d(d: Diagnosis, found: Shape) -> Diagnosis:
    """Keras 1/2 expand a 1-D array (N,) to (N, 1) before this check: into a sequence model,
    that is an object array of N sequences of different lengths (the held-out threads: 6
    of 8) or a 1-D series, and only x.dtype decides: both readings, the ragged one first."""
    ragged = [a for a in d.alternatives if a.kind == "ragged"]
    if d.kind != "missing-axis" or len(found) != 2 or found[-1] != 1 or not ragged:
        return d
    first = ragged[0]
    cause = (
        f"Keras 1/2 add an axis to a 1-D array before this check, so x was 1-D: {found[0]} "
        "sequences of different lengths in an object array (np.array(list_of_sequences)), "
        "which must be padded; or one series of values, which must be windowed."
    )
    table = Alternative(
        d.kind, d.fix, "if x is one numeric series (x.dtype is a number)", culprit="data"
    )
    rest = tuple(a for a in d.alternatives if a is not first)
    title = f"x was 1-D: {found[0]} sequences of different lengths, or one series"
    readings = (table, *rest)
    decides = (
        "x.dtype: object holds sequences to pad, a number is one series to window; "
        "lstmdiag check MODEL DATA reads it"
    )
    if found[0] is not None and found[0] <= _FEW_ROWS:
        title, cause, readings, decides = _or_one_sample(found[0], title, cause, readings)
    return replace(
        d,
        kind="ragged",
        title=title,
        cause=cause,
        fix=first.fix.replace("list(x[:, 0])", "list(x)"),
        alternatives=readings,
        when="if x.dtype == object (a list of sequences of different lengths)",
        decides=decides,
    )


def _or_one_sample(
    n: int, title: str, cause: str, readings: tuple[Alternative, ...]
) -> tuple[str, str, tuple[Alternative, ...], str]:
    """(n, 1) for a handful of rows, rarely a training set: as likely one sample of n steps,
    one feature each, sliced without its batch axis (x024: x[-1, :, :] at predict), that
    reading right after the ragged one."""
    one = tuple(replace(a, culprit="data") for a in readings if a.kind == "missing-batch")
    return (
        f"{title}; or one sample of {n} steps without its batch axis",
        f"{cause} Or x was 2-D already, ({n}, 1): one sample of {n} steps with one feature "
        "each, given without its batch axis.",
        (*one, *(a for a in readings if a.kind != "missing-batch")),
        f"x.dtype and x.ndim: object holds sequences to pad; numbers shaped ({n}, 1) are one "
        f"sample of {n} steps (add the batch axis), numbers shaped ({n},) one series to "
        "window; lstmdiag check MODEL DATA reads them",
    )


# Keras's automatic names of layers that end a model (an input is "x_input", "input_1")
_OUTPUT_NAME = re.compile(
    r"(?:dense|activation|time_?distributed|lstm|gru|simple_?rnn|bidirectional|softmax)_\d+"
    r"|loss|predictions"  # SqueezeNet's and Keras Applications' last layers
)


# An input that feeds a recurrent layer (lstm_input_1, lstm_1_input): its shape has 3 axes
_RNN_INPUT = re.compile(r"(?:lstm|gru|simple_?rnn|bidirectional)(?:_\d+)?_input(?:_\d+)?")


# The first layers of models that take no sequences: a Flatten, a Dense, a 2-D/3-D convolution
_NOT_SEQUENCES = re.compile(  # Keras 2 names them dense_1_input, Keras 1 dense_input_1
    r"^(flatten|dense|conv[23]d|convolution2d|max_pooling2d)(_\d+)?_input(_\d+)?$"
)


def _one_sample(ev: Evidence, name: str, found: Shape) -> Diagnosis | None:
    """One sample given to a model that takes no sequences (Keras reads a 1-D array of F
    values as F samples of one value, and an image's first axis as its batch)."""
    if _NOT_SEQUENCES.match(name.lower()) is None:
        return None
    exp = ev.expected
    if len(found) == len(exp) - 1:
        if len(exp) == 4 and not any(exp) and R.images_without_channels(found):
            return None  # (samples, rows, cols): the channels are missing, not the batch
        return D.missing_batch(ev, found)
    if len(found) == len(exp) == 2 and found[-1] == 1 and exp[-1] not in (None, 1):
        return replace(
            D.missing_batch(ev, found),
            title="one sample given without its batch axis",
            cause=f"the model takes samples of {exp[-1]} values; Keras read a 1-D array as "
            f"samples of one value each ({fmt_shape(found)}): one sample of {exp[-1]} values "
            "needs its batch axis.",
            alternatives=(
                Alternative(
                    "features",
                    f"give each sample the {exp[-1]} features the model was trained with",
                    "if x holds many samples of one feature each",
                ),
            ),
        )
    return None


def _rank_only_any(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    want = m.group("want") or m.group("want2")
    shape = m.group("shape") if m.group("want") else m.group("shape2")
    found = parse_shape(shape)
    if found is None or want is None:
        return None
    d = S.diagnose_shape(_evidence(ctx, (None,) * int(want), found, None, building=False))
    if _inside_a_graph(found) and d.culprit == "data":
        return _fed_or_wired(d, found, int(want))
    return d


def _inside_a_graph(shape: Shape) -> bool:
    """A fixed batch with a free axis after it, (48, ?): no array fed as it is (all fixed)
    and no placeholder (free batch first), but a tensor a graph built."""
    return len(shape) >= 2 and shape[0] is not None and None in shape[1:]


def _fed_or_wired(d: Diagnosis, found: Shape, want: int) -> Diagnosis:
    """(48, ?) into an RNN: the data fed, or a tensor the graph wired to the RNN: threads
    confirm both, and only the code says which."""
    wired = Alternative(
        "model-structure",
        f"pass the RNN the {want}-D input tensor ([batch, time, features]), not the 2-D one "
        "the graph made (print(tensor.get_shape()) before the RNN call)",
        "if the code wires a 2-D tensor to the RNN",
    )
    return replace(
        d,
        alternatives=(wired, *d.alternatives),
        when="if the 2-D tensor is the data as fed",
        decides=f"what reaches the RNN: the tensor {fmt_shape(found)} is either the data "
        "(its batch fixed) or one the graph built; print its name and shape where the RNN "
        "is called",
    )


def _keras3_input(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    expected, found = parse_shape(m.group(1)), parse_shape(m.group(2))
    if expected is None or found is None:
        return None
    strings = re.search(r"inputs=tf\.Tensor\(shape=\([^)]*\), dtype=string", ctx.raw)
    if strings and len(expected) == 2 and len(found) == 1:
        return _strings_one_per_sample(expected, found)
    if strings:
        return Diagnosis(  # the shape follows from the strings: they are the problem
            "dtype",
            "data",
            "the model was given strings, not numbers",
            f"the input is a string tensor {fmt_shape(found)} (file names or raw text): the "
            "step that turns each element into numbers did not run on the data fed.",
            "feed the decoded data: map the dataset through its preprocessing (ds.map(...) "
            "that reads and decodes each element, or a TextVectorization) before fit",
            expected,
            found,
        )
    called = ctx.called_with()
    if len(called) >= 2 and set(called) == {found}:
        return _samples_as_inputs(len(called), found, expected, ctx)
    return S.diagnose_shape(_evidence(ctx, expected, found, None, building=False))


def _strings_one_per_sample(expected: Shape, found: Shape) -> Diagnosis:
    """A text model's string input declared (batch, n) fed one string per sample, (batch,):
    Keras 3 adds the last axis itself only when the declared one is 1 (run in Keras 3:
    either fix trains)."""
    return Diagnosis(
        "missing-axis",
        "data",
        "one string per sample where the model's input has a second axis",
        f"the model's string input is {fmt_shape(expected)} and the data gives one string per "
        f"sample, {fmt_shape(found)}; Keras 3 adds a missing last axis itself only when the "
        "input declares it as 1.",
        "x = np.asarray(x)[:, None]   # (samples,) -> (samples, 1); for a tf.data dataset: "
        "ds = ds.map(lambda x, y: (tf.expand_dims(x, -1), y))",
        expected,
        found,
        1,
        (
            Alternative(
                "model-structure",
                "declare the input as keras.Input(shape=(1,), dtype='string'): Keras then adds "
                "the axis itself",
                "to keep the data as it is",
                culprit="model",
            ),
        ),
    )


def _samples_as_inputs(n: int, each: Shape, expected: Shape, ctx: Context) -> Diagnosis:
    """Keras 3 reads a Python list as one tensor per model input: a list of n samples (each
    ``each``) reached a one-input model as n inputs, the first of which failed."""
    return Diagnosis(
        "input-count",
        "data",
        f"a list of {n} arrays {fmt_shape(each)} was read as {n} model inputs",
        f"Keras reads a Python list as one array per model input, so the model was called with "
        f"{n} tensors of {fmt_shape(each)} (its call's arguments show them) and takes one "
        f"{fmt_shape(expected)}: the list holds samples.",
        "stack the list into one array: x = np.stack(x) (pad first if lengths differ: "
        f"{ctx.fixes.pad(None)})",
        expected,
        each,
    )


def _incompatible_layer(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """Input 0 of layer "X" is incompatible with the layer / Input 0 is incompatible with
    layer X (Keras <= 2.3: raised only when a layer is called on a tensor: building)."""
    layer = (m.group("new") or m.group("old") or "").strip("\"'")
    old_wording = m.group("old") is not None
    building = ctx.building or (  # TensorFlow.js words it so on data too (fit, predict)
        old_wording
        and D.layer_kind(layer) != "model"
        and not S.named_by_hand(layer)
        and D.tfjs_name(layer) is None
    )
    if m.group("exp") is not None:
        expected, found = parse_shape(m.group("exp")), parse_shape(m.group("fnd"))
        if expected is None or found is None:
            return None
    elif m.group("want") is not None or m.group("min") is not None:
        want, got, full = m.group("want", "got", "full")
        if want is None:  # min_ndim: at least that many axes
            want, got, full = m.group("min", "mgot", "mfull")
        expected = _as_constructed(ctx, (None,) * int(want))
        found = parse_shape(full) if full else None
        if found is None:
            found = (None,) * int(got)
    else:
        found = parse_shape(m.group("recv"))
        if not found:  # unparsed, or a shape of no axes: no axis -1 to read
            return None
        axis, value = int(m.group("axis")), int(m.group("value"))
        expected = tuple(value if a == axis % len(found) else None for a in range(len(found)))
        if axis == -1 and value == 1 and len(found) == 2 and D.layer_kind(layer) == "model":
            wide = _one_value_input(found)
            if wide is not None:
                return wide
        if axis == -1 and len(found) >= 3 and found[-2:] == (value, 1):
            # the value the layer takes sits one axis in, with a size-1 axis after it
            # (np.expand_dims(x, -1) on data that already had its channels)
            expected = (None,) * (len(found) - 2) + (value,)
    folded = _flattened_steps(ctx, layer, expected, found)
    if folded is not None:
        return folded
    if re.match(r"time_?distributed", layer.lower()) and len(found) < len(expected):
        building = True  # fed by a layer: the data never reaches a TimeDistributed first
    called = ctx.called_with()
    if len(called) == 1 and len(called[0]) == 1 and len(found) == 2 and len(expected) == 3:
        return _one_sequence_of_ids(called[0], found, layer)
    if len(called) == 1 and _one_axis_appended(called[0], found) and len(found) > len(expected):
        return _vectors_into_embedding(called[0], found, layer)
    d = S.diagnose_shape(_evidence(ctx, expected, found, layer, building))
    if d.kind == "model-structure" and not building and called == (found,):
        # the model was called on exactly this tensor: the data reached the layer itself
        data = S.diagnose_shape(_evidence(ctx, expected, found, None, building))
        more = Alternative("model-structure", d.fix, f"if a layer before {layer} feeds it")
        return replace(data, alternatives=(*data.alternatives, more))
    return d


def _one_value_input(found: Shape) -> Diagnosis | None:
    """A model whose input takes 1 value on its last axis, fed rows of n (TF 2's axis
    check at the model's input): declared input_dim=1, or input_shape=(n, 1) for a trailing
    axis the data lacks (held-out code: both declared wrong, pd002 and pk006)."""
    n = found[-1]
    if n is None or n < 2:
        return None
    d = D.structural(
        f"the model's input takes 1 value per row and the data has {n}",
        f"the model was declared for inputs whose last axis holds 1 value, and the data "
        f"{fmt_shape(found)} has {n} per sample: input_dim=1 (or input_shape=(1,)) where the "
        f"data has {n} columns, or input_shape=({n}, 1) for data without that last axis.",
        f"declare the model's input with the data's {n} values per sample: "
        f"input_shape=({n},) (Dense(..., input_dim={n})), then train it",
        alternatives=(
            Alternative(
                "missing-axis",
                f"x = x[..., np.newaxis]   # (samples, {n}, 1)",
                f"if the model takes (samples, {n}, 1) (a Conv1D or LSTM over {n} steps)",
                culprit="data",
            ),
            Alternative(
                "features",
                "build the features the model was trained with (1 per sample)",
                "if the model is trained on one feature and must keep its weights",
                culprit="data",
            ),
        ),
        expected=(None, 1),
        found=found,
    )
    return replace(
        d,
        when=f"if the model is new and the data's {n} columns are its features",
        decides=f"model.input_shape: (None, {n}, 1) takes the data with a last axis added; "
        f"(None, 1) was declared for 1 column where the data has {n}",
    )


_CONSTRUCTED = re.compile(r"Model was constructed with shape [\(\[]([^)\]]*)[\)\]]")


def _as_constructed(ctx: Context, axes: Shape) -> Shape:
    """The input's whole shape from tf.keras's warning "Model was constructed with shape
    S" in the same paste, where the error gives only its rank."""
    said = _CONSTRUCTED.search(ctx.raw)
    shape = parse_shape(said.group(1)) if said else None
    return shape if shape is not None and len(shape) == len(axes) else axes


def _flattened_steps(ctx: Context, layer: str, expected: Shape, found: Shape) -> Diagnosis | None:
    """A Dense after a Flatten: the model was called on (batch, T, F) and the Dense got
    T x F values where its kernel takes T0 x F (the TF time-series tutorial's wide window):
    the data has T timesteps where the model was built for T0."""
    called = ctx.called_with()
    if D.layer_kind(layer) != "dense" or len(called) != 1 or len(called[0]) != 3:
        return None
    _, steps, feats = called[0]
    want, got = expected[-1], found[-1]
    if not (steps and feats and want and got == steps * feats and want % feats == 0):
        return None
    built = want // feats  # the timesteps the Flatten was built for
    if built == steps:
        return None
    ev = Evidence((None, built, feats), called[0], time_axis=True, fixes=ctx.fixes)
    d = S.diagnose_shape(ev)
    head = Alternative(
        "model-structure",
        "let the model take any length: GlobalAveragePooling1D() (or a Conv1D/LSTM that "
        "reduces the time axis) instead of Flatten() before the Dense, then retrain",
        f"if the model should run on windows of {steps} steps",
        culprit="model",
    )
    # a free time axis (Input(shape=(None, F))) cannot feed a Flatten: that reading goes
    kept = tuple(a for a in d.alternatives if a.kind != "model-structure")
    return replace(
        d,
        cause=f"a Flatten before {layer} folds the time axis into its width: the model was "
        f"built for {built} timesteps x {feats} features = {want} values, and was "
        f"called on {steps} timesteps ({got} values). {d.cause[:1].upper()}{d.cause[1:]}",
        alternatives=(head, *kept),
        when=f"if the model stays as it was trained, on {built} steps",
        decides=f"whether the model must run on {steps}-step windows: then its head must not "
        f"Flatten a fixed length; otherwise feed it {built}-step windows",
    )


def _one_axis_appended(called: Shape, found: Shape) -> bool:
    """``found`` is ``called`` with one axis more at the end: what an Embedding does."""
    return len(found) == len(called) + 1 >= 4 and all(
        c is None or f is None or c == f for c, f in zip(called, found, strict=False)
    )


def _vectors_into_embedding(called: Shape, found: Shape, layer: str) -> Diagnosis:
    """The model was called on (samples, T, n), and a layer before ``layer`` added an axis
    at the end (an Embedding: its vectors): an Embedding takes ids (samples, T), and the
    data holds n values per step, one-hot ids or features."""
    ids, n, width = called[:-1], called[-1], found[-1]
    return Diagnosis(
        "extra-axis",
        "data",
        f"the data has {n} values per step where an Embedding takes one id",
        f"the model was called on {fmt_shape(called)} (its call's arguments show it), and "
        f"{layer} got {fmt_shape(found)}: a layer before it added an axis of {width}, as an "
        f"Embedding gives each id a vector. An Embedding takes integer ids {fmt_shape(ids)}; "
        f"the data has {n} values at each step instead.",
        f"x = np.argmax(x, axis=-1)   # one-hot {fmt_shape(called)} -> ids {fmt_shape(ids)}",
        ids,
        called,
        len(called) - 1,
        (
            Alternative(
                "model-structure",
                f"remove the Embedding: {layer} takes the {n} features of each step as they are",
                "if each step holds real-valued features, not a one-hot id",
            ),
        ),
        decides="what a step of x holds: a single 1 among zeros (x.sum(axis=-1) all 1) is "
        "a one-hot id; other values are features",
        when="if each step of x is one-hot",
    )


def _one_sequence_of_ids(called: Shape, found: Shape, layer: str) -> Diagnosis:
    """The model was called on a 1-D array, which an Embedding turned into 2-D (batch,
    vectors) before the recurrent layer: one sequence of token ids without its batch axis."""
    return Diagnosis(
        "missing-batch",
        "data",
        "one sequence of token ids was given without its batch axis",
        f"the model was called on a 1-D array {fmt_shape(called)} (its call's arguments show "
        f"it): each id was read as a sample, so the Embedding gave {fmt_shape(found)}, one "
        f"vector per id, with no time axis for {layer}.",
        "x = np.expand_dims(x, 0)   # (1, timesteps): one sequence; many: np.stack(sequences)",
        None,
        called,
    )


def _constructed(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    expected, found = parse_shape(m.group(1)), parse_shape(m.group(2))
    if expected is None or found is None or _error_cut_after_warning(ctx.raw):
        return None
    return S.diagnose_shape(_evidence(ctx, expected, found, None, building=False))


def _error_cut_after_warning(raw: str) -> bool:
    """The warning is followed by an error whose own message the paste cut off ("ValueError:
    in user code:" and frames only): the warning alone does not say what failed, since Keras
    goes on after it and may fail on something else."""
    cut = re.search(r"\b\w+(?:Error|Exception): in user code:\s*$", raw, re.M)
    return cut is not None and not re.search(
        r"^\s+\w+(?:Error|Exception): \S", raw[cut.end() :], re.M
    )
