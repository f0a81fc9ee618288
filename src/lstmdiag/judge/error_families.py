"""The error families ``explain`` recognises, most specific first: each a pattern over the
cleaned message and the diagnosis it gives, through the same engine as ``check``."""

from __future__ import annotations

import math
import re
from dataclasses import replace

from ..model.spec import Shape, fmt_shape
from . import diagnosis as D
from . import rank_diagnosis as R
from . import shape_diagnosis as S
from . import target_diagnosis as T
from .diagnosis import Alternative, Diagnosis, Evidence
from .error_text import Context, Recogniser, parse_shape


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
    if ctx.call == "predict" and rank == "3" and len(found) == 2 and d.kind == "missing-axis":
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
_NOT_SEQUENCES = re.compile(r"^(flatten|dense|conv[23]d|max_pooling2d)(_\d+)?_input$")


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


def _feed(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """TF1: Cannot feed value of shape (a, b) for Tensor 'name:0', which has shape '(c, d)'."""
    found, tensor, expected = parse_shape(m.group(1)), m.group(2), parse_shape(m.group(3))
    if found is None or expected is None:
        return None
    if re.search(r"target|label|/Y:|_y:|TargetsData", tensor, re.IGNORECASE):
        per_step = len(expected) == len(found) + 1 == 3
        return D.target(
            f"the targets {found} do not fit the placeholder {expected}",
            f"'{tensor}' holds the targets (labels); the array fed to it has another shape"
            + (
                f": {len(expected)} axes, (samples, timesteps, classes), for labels given "
                "as (samples, timesteps) ids."
                if per_step
                else "."
            ),
            "one-hot the per-timestep ids: y = keras.utils.to_categorical(y, "
            "model.output_shape[-1])  # (samples, timesteps, classes); sparse labels take "
            "y[..., np.newaxis] instead"
            if per_step
            else "shape the labels like the model's output (one-hot vs integer ids, one "
            "label per sample or per timestep)",
            expected=expected,
            found=found,
        )
    if _graph_batch_fixed(tensor, expected, found):
        return _graph_batch(tensor, expected, found)
    ev = _evidence(ctx, expected, found, None, building=False)
    if len(expected) == len(found) == 2 and ev.time_axis is None:
        flat = _flat_images(expected, found)
        if flat is not None:
            return flat
        read = _ids_or_features(ev, found)
        later = re.match(r"Placeholder_\d+:", tensor)  # not the first placeholder made
        return _labels_or_inputs(tensor, expected, found, read) if later else read
    return S.diagnose_shape(ev)


# What Keras names the placeholder of a model's input (lstm_1_input:0, input_15:0)
_KERAS_INPUT = re.compile(r"(?:^|_)input(?:_\d+)?:\d+$")


def _graph_batch_fixed(tensor: str, expected: Shape, found: Shape) -> bool:
    """Only the batch differs, at a tensor of a graph the user built (tf.placeholder, or a
    tensor inside it), not the input of a Keras model (whose fixed batch is its own)."""
    e, f = expected[0] if expected else None, found[0] if found else None
    return (
        bool(e)
        and f is not None
        and e != f
        and D.fits(found, expected)
        and not _KERAS_INPUT.search(tensor)
    )


def _feed_batches(n: int, got: int) -> str:
    """Feed a graph fixed to batches of n: pad a short batch, or feed slices of n."""
    if got < n:
        return (
            f"x = np.concatenate([x, np.zeros(({n - got}, *x.shape[1:]), x.dtype)])   # {got} "
            f"-> {n} samples, the last {n - got} zeros: drop their outputs"
        )
    rest = f", and pad the last slice of {got % n} samples to {n} with zeros" if got % n else ""
    return f"feed it x[i:i + {n}] for i in range(0, len(x), {n}), one run each{rest}"


def _graph_batch(tensor: str, expected: Shape, found: Shape) -> Diagnosis:
    """A TF1 graph made for batches of exactly n: the feed must be cut to n, or the graph
    made for any batch; only the code says whether it needs n (threads split, two each)."""
    n, got = expected[0] or 0, found[0] or 0  # both known: _graph_batch_fixed
    return Diagnosis(
        "batch",
        "data",
        f"a batch of {got} fed to '{tensor}', which takes batches of exactly {n}",
        f"'{tensor}' was made with a fixed batch axis of {n} (tf.placeholder(..., "
        f"[{n}, ...]), a batch size set when the graph was built, or an inner tensor of a "
        f"graph built so), and the array fed to it holds {got} sample{'s' if got != 1 else ''}.",
        _feed_batches(n, got),
        expected,
        found,
        0,
        (
            Alternative(
                "batch",
                f"make the graph take any batch: its placeholder with None first "
                f"(tf.placeholder(tf.float32, [None, {', '.join(map(str, found[1:]))}])), and "
                "no fixed batch size inside it (set the batch size before the graph is "
                "built, or feed the placeholder the graph takes, not an inner tensor)",
                "if nothing in the graph needs that batch size",
                culprit="model",
            ),
        ),
        when=f"if the graph needs batches of {n} (a batch size used inside it)",
        decides=f"whether the graph needs {n}: a number as the placeholder's first axis, or "
        "the batch size used in a reshape or an RNN's zero state",
    )


def _labels_or_inputs(tensor: str, expected: Shape, found: Shape, read: Diagnosis) -> Diagnosis:
    """An unnamed 2-D placeholder made after the first: TF1 scripts make x first and the
    labels next, so 'Placeholder_1' is often the labels; the name cannot say which."""
    name = tensor.split(":")[0]
    k, got = expected[-1], found[-1]
    if k is None or got is None:
        return read
    cut = f" (maxlen keeps {k} of each row's {got} values)" if got > k else ""
    return D.target(
        f"the array fed to '{tensor}' {fmt_shape(found)} does not fit its {fmt_shape(expected)}: "
        f"labels with {got} classes for {k}, or inputs of another length",
        f"TF1 names unnamed placeholders in the order they are made ('Placeholder', then "
        f"'{name}'); a later 2-D one is often the labels, one-hot with {k} columns, and the "
        f"labels fed have {got}. The message does not say which placeholder it is.",
        f"build the labels with the model's {k} classes (one-hot with {k} columns: the label "
        f"set fed has {got}, e.g. classes that never occur, or another n_classes)",
        alternatives=(
            Alternative(read.kind, read.fix, f"if '{name}' is an input, not the labels{cut}"),
            Alternative("target", f"build the model for {got} classes (n_classes = {got})",
                        f"if the labels are right and there are {got} classes"),
        ),
        expected=expected,
        found=found,
        decides=f"which tensor '{name}' is: print the .name of the labels' placeholder",
        when=f"if '{name}' holds the labels",
    )  # fmt: skip


def _square_image(n: int | None) -> tuple[int, int] | None:
    """n values as a flattened square image: (side, channels), grey or RGB, at least 20
    pixels a side and not a power of two (256, 1024: as often a sequence's length)."""
    if not n or n & (n - 1) == 0:
        return None
    for channels in (1, 3):
        side = math.isqrt(n // channels)
        if n % channels == 0 and side * side * channels == n and side >= 20:
            return side, channels
    return None


def _flat_images(expected: Shape, found: Shape) -> Diagnosis | None:
    """A 2-D placeholder whose width and the data's are both a flattened square image
    (57600 = 240 x 240, 1600 = 40 x 40; pf006): images of another size, as for 4-D images
    (the graph declared for other images, or the images to resize)."""
    want, got = _square_image(expected[1]), _square_image(found[1])
    if want is None or got is None or want[1] != got[1] or want == got:
        return None
    (h, c), (side, _) = want, got
    rgb = " x 3" if c == 3 else ""
    pixels, size = f"{side} x {side}{rgb}", f"{h} x {h}{rgb}"
    batch = expected[0] if expected[0] is not None else "None"
    return Diagnosis(
        "model-structure",
        "model",
        f"flattened images of {pixels} for a graph declared for {size}",
        f"each row of {fmt_shape(found)} holds {found[1]} = {pixels} values: a flattened "
        f"image; the graph was declared for images of {size} ({expected[1]} values).",
        f"declare the input for these images, tf.placeholder(tf.float32, [{batch}, "
        f"{found[1]}]) (every size computed from it too), and train the graph on them",
        expected,
        found,
        1,
        (
            Alternative(
                "features",
                f"resize every image to {h} x {h} before flattening it "
                f"(tf.image.resize(images, ({h}, {h})))",
                f"if the graph is trained on {h} x {h} images and is to keep its weights",
                culprit="data",
            ),
        ),
        when="if the graph is new (built from an example, or for other images)",
        decides=f"whether the graph was trained on {h} x {h} images (keep it: resize the "
        "images) or is being built for these",
    )


def _ids_or_features(ev: Evidence, found: Shape) -> Diagnosis:
    """A 2-D placeholder of a sequence model holds token ids, one per timestep (an RNN's
    vectors come in a 3-D one); a table of features is the other reading."""
    ids = S.diagnose_shape(replace(ev, time_axis=True))
    table = S.diagnose_shape(replace(ev, time_axis=False))
    if ids.kind == table.kind:
        return ids
    more = Alternative(table.kind, table.fix, "if axis 1 holds features, not token ids")
    return replace(ids, alternatives=(*ids.alternatives, more))


def _keras0_previous(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    found = parse_shape(m.group(2))
    return D.model_structure(
        Evidence((None,) * int(m.group(1)), found, building=True, fixes=ctx.fixes), "recurrent"
    )


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
    """Keras 2: A target array with shape Y was passed for an output of shape O."""
    found, expected = parse_shape(m.group(1)), parse_shape(m.group(2))
    if found is None or expected is None:
        return None
    if ctx.regression:
        return T.regression_head(expected, found, ctx.regression) or T.output_vs_target(
            expected, found, m.group(0)
        )
    return T.output_vs_target(expected, found, m.group(0), binary=ctx.binary)


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


def _input_count(m: re.Match[str], ctx: Context) -> Diagnosis:
    want, got = int(m.group(1)), int(m.group(2))
    received = re.match(
        r"\. Inputs received: \[<tf\.Tensor[^>]*?shape=\(([^)]*)\)", m.string[m.end() :]
    )
    if want > got:
        return Diagnosis(
            "input-count",
            "data",
            f"{got} array{'s' if got > 1 else ''} given to a model with {want} inputs",
            f"the model takes {want} inputs and was called with {got}: every input needs its "
            "array (an inference decoder takes its states too: [tokens, state_h, state_c]).",
            "pass one array per input, in the model's input order (or a dict keyed by input "
            "name): model.predict([x1, x2, ...]); model.inputs lists them",
            ctx.model_input(None)[0],
            parse_shape(received.group(1)) if received and got == 1 else None,
        )
    tensors = _received(m.string[m.end() :])
    if want == 1 and got == 2 and len(tensors) == 2 and _x_and_y(*tensors):
        return _x_and_y_as_inputs(*tensors)
    return Diagnosis(
        "input-count",
        "data",
        f"{got} arrays given to a model with {want} input(s)",
        "a Python list is read as one array per model input; a list of batches or of sequences "
        "is not one input.",
        "stack the list into one array: x = np.stack(seqs) (pad first if lengths differ: "
        f"{ctx.fixes.pad(None)})"
        if want == 1
        else "pass one array per input, in the model's input order (or a dict keyed by input name)",
        ctx.model_input(None)[0],
    )


def _received(rest: str) -> list[tuple[Shape, str]]:
    """The tensors Keras says it received ("Inputs received: [<tf.Tensor ... shape=(8, 128)
    dtype=float32>, ...]"): each one's shape and dtype."""
    listed = re.match(r"\. Inputs received: \[([^\n]*)\]", rest)
    if listed is None:
        return []
    found = re.findall(r"shape=\(([^)]*)\),? dtype=(\w+)", listed.group(1))
    return [(s, dtype) for text, dtype in found if (s := parse_shape(text)) is not None]


def _x_and_y(first: tuple[Shape, str], second: tuple[Shape, str]) -> bool:
    """Two tensors of one batch whose shapes or dtypes differ: inputs and labels, not two
    samples or batches of one input."""
    (a, da), (b, db) = first, second
    return bool(a) and bool(b) and a[0] == b[0] and (a != b or da != db)


def _x_and_y_as_inputs(x: tuple[Shape, str], y: tuple[Shape, str]) -> Diagnosis:
    return Diagnosis(
        "input-count",
        "data",
        f"[x, y] given as one list: y {fmt_shape(y[0])} was read as a second input",
        f"a Python list is read as one array per model input, and this one holds the inputs "
        f"{fmt_shape(x[0])} ({x[1]}) and what looks like their labels {fmt_shape(y[0])} "
        f"({y[1]}), with the same batch: a one-input model got both as inputs.",
        "pass x and y apart: model.fit(x, y), and validation_data=(x_val, y_val) as a tuple, "
        "not a list",
        None,
        x[0],
    )


def _list_of_arrays(m: re.Match[str], ctx: Context) -> Diagnosis:
    """Keras 2 read a Python list as one array per model input."""
    want, got = int(m.group(1)), int(m.group(2))
    stack = (
        "x = np.array(x)   # one array (samples, ...); lists of different lengths: "
        "keras.utils.pad_sequences(x) first"
    )
    inputs = (
        f"if the model should take {got} inputs: build it with {got} keras.Input layers "
        "(a functional model)"
    )
    if got < want:  # fewer arrays than the model has inputs: some were left out
        return Diagnosis(
            "input-count",
            "data",
            f"{got} array{'s' if got > 1 else ''} for a model with {want} inputs",
            f"Keras reads a Python list as one array per model input; the model takes {want} "
            f"and {got} were given.",
            "pass one array per input, in the model's input order: model.fit([x1, x2, ...], "
            "y) (or a dict keyed by input name)",
        )
    if want and got <= 4:  # a few arrays: as likely the model's inputs as samples
        return Diagnosis(
            "input-count",
            "model",
            f"{got} arrays for a model with {want} input{'s' if want > 1 else ''}",
            f"Keras reads a Python list as one array per model input: {got} arrays were given "
            f"and the model takes {want}.",
            inputs.removeprefix(f"if the model should take {got} inputs: "),
            alternatives=(Alternative("input-count", stack, "if the list holds samples"),),
        )
    return Diagnosis(
        "input-count",
        "data",
        f"a list of {got} arrays was read as {got} model inputs",
        f"Keras reads a Python list as one array per model input; the model takes {want}, so "
        f"a list of {got} per-sample arrays must become one array first.",
        stack,
        alternatives=(Alternative("input-count", inputs, "if they are really inputs"),),
    )


def _removed_argument(m: re.Match[str], ctx: Context) -> Diagnosis:
    """Keras 3 layers take no batch_input_shape, input_length or input_dim."""
    layer, argument = m.group(1), m.group(2)
    fix = {
        "batch_input_shape": "start the model with keras.Input(shape=(T, F), batch_size=B) "
        "instead of batch_input_shape=(B, T, F) on the layer",
        "input_length": "remove input_length (Keras 3 reads the length from the input); "
        "start the model with keras.Input(shape=(T,))",
        "input_dim": "start the model with keras.Input(shape=(..., F)) instead of input_dim=F",
    }[argument]
    return Diagnosis(
        "model-structure",
        "model",
        f"Keras 3 removed {argument} from {layer}",
        f"{argument} was a Keras 2 layer argument; Keras 3 layers refuse it (the model code "
        "predates Keras 3).",
        fix,
    )


def _no_masking(m: re.Match[str], ctx: Context) -> Diagnosis:
    layer = m.group(1).strip("\"'")
    return Diagnosis(
        "model-structure",
        "model",
        f"a mask reaches {layer}, which cannot take one",
        f"an Embedding(mask_zero=True) or Masking layer makes a mask that flows to later "
        f"layers, and {layer} does not support masking (the data is not the problem).",
        "remove mask_zero=True / Masking if nothing needs the mask, or use layers that take "
        "it (recurrent layers, GlobalAveragePooling1D) between the mask and that layer",
    )


# TF1's MultiRNNCell([cell] * n) shares one cell object with every layer
NEW_CELL_PER_LAYER = (
    "make a new cell per layer: tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.LSTMCell(n) "
    "for _ in range(layers)])"
)


def _shared_cell(m: re.Match[str], ctx: Context) -> Diagnosis:
    return Diagnosis(
        "model-structure",
        "model",
        "one RNN cell object reused for every layer of a MultiRNNCell",
        "TF1's MultiRNNCell([cell] * n) shares one cell, built for the first layer's input "
        f"size, with every layer: the next layer's input ({m.group(1)} wide) meets weights "
        f"made for {m.group(2)}.",
        NEW_CELL_PER_LAYER,
    )


def _shared_variable(m: re.Match[str], ctx: Context) -> Diagnosis:
    """TF1: a second RNN (or a second MultiRNNCell layer) finds the first one's weights under
    the same variable name and another shape: one cell object, or one scope, for both."""
    name, wanted, made = m.group(1), m.group(2), m.group(3)
    stacked = "multi_rnn_cell" in name
    return D.structural(
        "one RNN cell's weights are shared with a layer of another input size"
        if stacked
        else "two RNNs are built in one variable scope",
        f"TF1 found {name} already made with shape {made} and now needs {wanted}: "
        + (
            "MultiRNNCell([cell] * n) reuses one cell, built for the first layer's input, "
            "for every layer."
            if stacked
            else "a second dynamic_rnn in the same scope reuses the first one's weights."
        ),
        NEW_CELL_PER_LAYER
        if stacked
        else "build each RNN in its own scope (with tf.variable_scope('encoder'): ...) and "
        "with its own cell object",
    )


def _not_connected(m: re.Match[str], ctx: Context) -> Diagnosis:
    return D.structural(
        "the first layer does not know its input shape",
        "Keras 0.x's Sequential model reads the input shape from its first layer; a first "
        "layer without input_shape has nothing to connect to (the old LSTM(input_dim, "
        "output_dim) form no longer declares it).",
        "give the first layer the shape of one sample: LSTM(units, input_shape=(timesteps, "
        "features))",
    )


def _not_an_input(m: re.Match[str], ctx: Context) -> Diagnosis:
    layer = m.group(1)
    return D.structural(
        f"Model(inputs=...) was given a tensor made by {layer}, not a keras.Input",
        f"a functional model's inputs must be keras.Input tensors; one of them was made by the "
        f"layer {layer}, typically because a name that held an Input was rebound to a layer's "
        "output (a0, c0 = lstm(x, initial_state=[a0, c0]) in a loop).",
        "keep each keras.Input in its own name and pass those to Model(inputs=[...]); give "
        "the layers' outputs other names (a, c = lstm(x, initial_state=[a, c]) after a = a0)",
    )


def _tflearn_list(m: re.Match[str], ctx: Context) -> Diagnosis:
    return D.structural(
        "a recurrent layer's list of per-step outputs reached fully_connected",
        "tflearn's lstm/gru(..., return_seq=True) returns a Python list with one tensor per "
        "timestep; fully_connected takes one tensor of at least 2 axes.",
        "set return_seq=False on the last recurrent layer before fully_connected (keep "
        "return_seq=True only between stacked recurrent layers)",
        alternatives=(
            Alternative(
                "missing-axis",
                "give the layer before it a 2-D (batch, features) output",
                "if no recurrent layer returns sequences there: its input is 1-D",
            ),
        ),
    )


def _mask_in_rnn(m: re.Match[str], ctx: Context) -> Diagnosis:
    layer = m.group(3)
    return D.structural(
        f"a mask of another shape reached {layer}",
        f"the shapes [?,{m.group(1)}] and [?,{m.group(2)}] meet in the Select of {layer}'s "
        "time loop: that is where a recurrent layer applies its mask, so the mask it received "
        "does not fit its steps. A layer before it (a custom layer, an attention layer, "
        "TimeDistributed) passes on the mask of its input, not of its output.",
        "give that layer compute_mask(self, inputs, mask=None) returning None (or the mask "
        "of its own output), or remove mask_zero=True / Masking if nothing needs it",
    )


def _variable_exists(m: re.Match[str], ctx: Context) -> Diagnosis:
    """TF1: a second RNN asks for the first one's variables by name."""
    return D.structural(
        f"the variables {m.group(1)} already exist in this graph",
        "TF1 names an RNN's weights after its variable scope; a second RNN built in the same "
        "scope (an encoder and a decoder, two directions, or a notebook cell run twice into "
        "the same default graph) asks for the same names.",
        "build each RNN in its own scope: with tf.variable_scope('encoder'): ... (and "
        "tf.reset_default_graph() before building again in a notebook)",
        alternatives=(
            Alternative(
                "model-structure",
                "with tf.variable_scope(scope, reuse=True) around the second use",
                "if the two RNNs should share their weights",
            ),
        ),
    )


def _static_rnn_list(m: re.Match[str], ctx: Context) -> Diagnosis:
    return D.structural(
        "static_rnn takes a list of timesteps, not one tensor",
        "tf.nn.static_rnn (rnn.static_rnn, TF1's rnn.rnn) takes a Python list with one "
        "(batch, features) tensor per timestep; it was given one (batch, timesteps, "
        "features) tensor.",
        "inputs = tf.unstack(x, num=timesteps, axis=1) before static_rnn; or use "
        "tf.nn.dynamic_rnn(cell, x, dtype=tf.float32), which takes the 3-D tensor",
    )


def _cell_matmul(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """TF1: a cell's MatMul of [batch, inputs + units] by a kernel built for another input
    width: one cell object used on a second input (the usual cause), or other features."""
    fed, built = int(m.group(1)), int(m.group(3))
    if m.group(2) is None or fed == built:
        return None
    return D.structural(
        "an RNN cell built for one input width is fed another",
        f"a TF1 cell multiplies [its input, its state] ({fed} wide here) by a kernel it made on "
        f"its first call ({built} rows): the same cell object was used again on an input of "
        "another width (MultiRNNCell([cell] * n), one cell for both directions or for the "
        "encoder and decoder).",
        "make a new cell for every layer and every RNN: tf.nn.rnn_cell.MultiRNNCell("
        "[tf.nn.rnn_cell.LSTMCell(n) for _ in range(layers)])",
        alternatives=(
            Alternative(
                "features",
                "feed the data with the feature count the graph was built for",
                f"if the cell is used once: the data has {fed - built} features more than when "
                "the graph was built (a restored checkpoint, another preprocessing)",
            ),
        ),
    )


def _state_batch(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """TF1: an LSTM cell concatenates the input [B, F] with a state [b, units] made for
    another batch (cell.zero_state(batch_size) with a fixed batch_size)."""
    data, state = int(m.group(1)), int(m.group(3))
    if data == state or not re.search(r"rnn|lstm|gru|cell", ctx.raw, re.IGNORECASE):
        return None
    return Diagnosis(
        "batch",
        "model",
        f"an RNN state made for batches of {state} meets a batch of {data}",
        f"the cell joins each input step [{data}, {m.group(2)}] with its state "
        f"[{state}, {m.group(4)}]: the initial state was made for a fixed batch size "
        "(cell.zero_state(batch_size, ...)), and this batch (often the last, smaller one) "
        "has another.",
        "make the state from the batch itself: cell.zero_state(tf.shape(x)[0], tf.float32), "
        "or leave initial_state out and pass dtype=tf.float32",
        alternatives=(
            Alternative(
                "batch",
                "drop the last partial batch (tf.data: .batch(batch_size, drop_remainder=True))",
                "if the batch size must stay fixed",
            ),
        ),
    )


def _logits_size(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """TF1's softmax_cross_entropy: logits_size=[a,k] labels_size=[b,k]."""
    (a, k), (b, j) = (int(m.group(1)), int(m.group(2))), (int(m.group(3)), int(m.group(4)))
    if k != j or a == b or not a or not b:
        return None  # an empty side is another story than rows per sequence
    many, few = (a, b) if a > b else (b, a)
    per = f" ({many // few} per sequence)" if many % few == 0 else ""
    return D.target(
        f"{a} rows of logits and {b} rows of labels",
        f"the loss pairs each row of logits with a row of labels; one side has {many} rows"
        f"{per}, the other {few}: predictions per timestep (outputs reshaped to [-1, units]) "
        "against one label per sequence, or the other way round.",
        "one label per sequence: take the last step's output (outputs[:, -1, :]) before the "
        "final layer; labels per timestep: reshape them the same way as the outputs "
        f"(tf.reshape(y, [-1, {k}]))",
        expected=(a, k),
        found=(b, j),
    )


def _layer_on_numpy(m: re.Match[str], ctx: Context) -> Diagnosis:
    return D.structural(
        f"the layer {m.group(1)} was called on a numpy array",
        "layers are called on tensors while a model is built (keras.Input, or another layer's "
        "output); data goes through the built model.",
        "build the model from keras.Input(shape=(timesteps, features)) and run the data "
        "through it: model.predict(x)",
    )


def _dense_of_none(m: re.Match[str], ctx: Context) -> Diagnosis:
    return D.structural(
        "a Dense layer gets a last axis of unknown size",
        "a Dense layer needs to know how many values each input has; Flatten over a sequence "
        "of free length (input_shape=(None, features)), or a Reshape with -1 there, leaves "
        "that size unknown.",
        "end the sequence part with a fixed-size output: LSTM(units) (return_sequences=False) "
        "or GlobalAveragePooling1D() before Dense; or give the input a fixed number of "
        "timesteps",
    )


def _broadcast_into(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """numpy filling an array: np.array(list) of sequences whose shapes differ (the slot has
    fewer axes than the item: ragged), or an assignment a[i:j] = b into a slice of other
    rows (the same number of axes: its bounds, not the data's shape)."""
    if m.group(1) is None:
        return D.ragged(None, ctx.fixes)
    item, slot = parse_shape(m.group(1)), parse_shape(m.group(2))
    if item is None or slot is None:
        return None
    if len(slot) < len(item):
        return D.ragged(None, ctx.fixes)
    if 0 in slot:
        return Diagnosis(
            "empty",
            "data",
            f"{fmt_shape(item)} assigned into an empty slice {fmt_shape(slot)}",
            "an assignment a[start:stop] = b selected no rows: start is at or past stop (a "
            "split or look_back offset computed for another length), so nothing can take the "
            f"{item[0]} rows.",
            "compute the slice from the arrays themselves: a[start:start + len(b)] = b, with "
            "start = the number of rows before b (for example len(train_predict) + look_back)",
            slot,
            item,
        )
    return None  # a slice of other rows: an index computed wrong, not a shape to fix


def _layer_as_argument(m: re.Match[str], ctx: Context) -> Diagnosis:
    """Keras 3: a layer object given to another layer's call, next to its input tensor."""
    cls, name = m.group(1), m.group(2)
    return D.structural(
        f"the layer {cls} ({name}) was passed into another layer's call",
        f"a layer is called on the tensor the layer before it returned; here the {cls} layer "
        "object itself was given as a second argument of a call (layer(x, GRU(64))), where "
        "only tensors may go.",
        f"call each layer on the previous one's output, one at a time: x = embedding(inputs), "
        f"then x = layers.{cls}(...)(x)",
    )


def _crf_needs_tags(m: re.Match[str], ctx: Context) -> Diagnosis:
    return D.structural(
        "the CRF's input must have one value per tag",
        "this CRF layer reads its input's last axis as the tags' scores, so that axis must "
        "equal the number of tags; the layer before it (a BiLSTM) gives another width.",
        "put a linear layer with one unit per tag before the CRF: "
        "TimeDistributed(Dense(n_tags)) (or Dense(n_tags)), then the CRF",
    )


def _layer_needs_rank(m: re.Match[str], ctx: Context) -> Diagnosis:
    """A library layer's own check: X requires ND input, not MD."""
    layer, want, got = m.group(1), int(m.group(2)), int(m.group(3))
    more = got > want
    return D.structural(
        f"{layer} takes {want}-D input and got {got}-D",
        f"{layer} takes {'one vector per sample' if want == 2 else f'{want}-D tensors'}; the "
        f"layer before it gives {got}-D"
        + (": it returns a sequence (return_sequences=True)." if more else "."),
        "set return_sequences=False on the recurrent layer before it (it then returns its "
        "last step)"
        if more and want == 2
        else f"give {layer} the {want}-D input it takes: check the layer before it with "
        "model.summary()",
    )


def _validation_items(m: re.Match[str], ctx: Context) -> Diagnosis:
    return Diagnosis(
        "input-count",
        "data",
        f"validation_data holds {m.group(1)} items, not (x_val, y_val)",
        "validation_data is read as a tuple (x_val, y_val) or (x_val, y_val, weights); it was "
        "given something else that Keras counted item by item: one array, or (in R) "
        "c(x_val, y_val), which joins both into one vector.",
        "validation_data=(x_val, y_val)   # R: validation_data = list(x_val, y_val)",
    )


def _tf_needs_timesteps(m: re.Match[str], ctx: Context) -> Diagnosis:
    shape = re.search(r"Found input shape at layer [\w-]+: \(([^)]*)\)", m.string)
    return D.structural(
        "the first layer must declare the number of timesteps (Keras 1 on TensorFlow)",
        "Keras 1 builds a TensorFlow graph that needs the time axis's length; the first layer "
        "declares only the features (input_dim), which Theano allowed.",
        "give the first layer the whole sample shape: LSTM(units, input_shape=(timesteps, "
        "features)); after an Embedding: Embedding(..., input_length=timesteps)",
        found=parse_shape(shape.group(1)) if shape else None,
    )


def _squeeze_height(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    """TF: Squeeze of an axis that is not 1: a CNN's feature map squeezed into an RNN's
    sequence (CRNN) is more than one high, because the input image is taller."""
    axis, size, shape = int(m.group(1)), int(m.group(2)), parse_shape(m.group(3))
    if shape is None or axis >= len(shape):
        return None
    if _LOSS_NODE.search(ctx.node() or m.group(0)) and len(shape) == 2 and axis == 1:
        # the loss's values per sample, squeezed for the sample weights: one per timestep
        return T.per_step_output(size)
    return Diagnosis(
        "extra-axis",
        "data",
        f"axis {axis} is {size} where the model squeezes it away (it must be 1)",
        f"the tensor {fmt_shape(shape)} reaches a Squeeze of axis {axis}, which must be 1: a "
        "CNN's feature map turned into a sequence for the RNN is only 1 high when the input "
        "images have the height the network was built for.",
        "resize the inputs to the height the convolutions reduce to 1 (the one the model was "
        "written for)",
        None,
        shape,
        axis,
        alternatives=(
            Alternative(
                "model-structure",
                f"replace the Squeeze with a Reshape that keeps axis {axis}: "
                "layers.Reshape((steps, -1)) (height x channels become the features)",
                "if the model should take taller inputs",
            ),
        ),
    )


def _text_in_data(m: re.Match[str], ctx: Context) -> Diagnosis:
    if re.match(r"Invalid dtype|Cast string to (?!float)", m.group(0)):
        return Diagnosis(  # a string array reached the model whole
            "dtype",
            "data",
            "the array holds strings, not numbers",
            "the data is a string array (numpy dtype str, or objects that are str): Keras "
            "converts numbers only, so it stops before any layer runs.",
            "x = x.astype('float32')",
            alternatives=(
                Alternative(
                    "dtype",
                    "encode the words as token ids first: keras.layers.TextVectorization "
                    "(adapt it on the texts), or a Tokenizer's texts_to_sequences, then pad",
                    "if the strings are words",
                ),
            ),
            when="if the strings are numbers written as text (a CSV read as str)",
            decides="what the strings hold: print(x.flat[0])",
        )
    return Diagnosis(
        "dtype",
        "data",
        "the data holds text where numbers are expected",
        "numpy could not read a value as a number: a header row, a stray string or an empty "
        "cell in the file the arrays were read from.",
        "clean the values before converting: drop the header, and drop or fill the cells that "
        "are not numbers (pandas: pd.to_numeric(column, errors='coerce'), then dropna())",
    )


def _not_built(m: re.Match[str], ctx: Context) -> Diagnosis:
    """The model was never told its input shape, and something needed it."""
    return Diagnosis(
        "model-structure",
        "model",
        "the model does not know its input shape",
        "no layer was given the input's shape, so the model has no weights yet (summary, "
        "save and load_weights need them) and cannot check data against it.",
        "start the model with keras.Input(shape=(timesteps, features)) (Keras 2: "
        "input_shape=(timesteps, features) on the first layer), or call the model on one "
        "batch before",
    )


def _float_ids(m: re.Match[str], ctx: Context) -> Diagnosis:
    return Diagnosis(
        "dtype",
        "data",
        "float token ids into an Embedding",
        "an Embedding looks its inputs up by index, and indices must be integers; the ids "
        "arrive as floats (np.zeros, a float DataFrame, pad_sequences(dtype='float32')).",
        "x = x.astype('int32')",
    )


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
    """Keras 2.x/3 take arrays, tensors or datasets: a Python list (x or y) is refused."""
    which = "y" if m.group("y") else "x"
    return Diagnosis(
        "dtype",
        "data",
        f"{which} is a Python list",
        f"Keras takes numpy arrays, tensors or datasets; {which} is a Python list (of numbers "
        "or of arrays).",
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
    model = Diagnosis(
        "model-structure",
        "model",
        f"{layer}'s window of {k} is longer than the {n} step(s) that reach it",
        f"a convolution or pooling window of {k} slides over an axis of only {n}: the "
        "input's time axis is that short, or the layers before it shrank it (each "
        "padding='valid' convolution and each pooling shortens it).",
        "give the convolutions and poolings padding='same', use fewer poolings or smaller "
        f"kernel_size/pool_size (at most {n}), or feed longer sequences",
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


_S = r"[\(\[]([^()\[\]]*)[\)\]]"  # a shape in ( ) or [ ]


RECOGNISERS: list[Recogniser] = [
    (re.compile(r"when checking (?:model )?target", re.IGNORECASE), _checking_target),
    (
        re.compile(r"[Aa]rguments target and output must have the same (?:rank|shape)[^.]*"),
        _rank_target,
    ),
    (
        re.compile(rf"A target array with shape {_S} was passed for an output of shape {_S}"),
        _target_for_output,
    ),
    (
        re.compile(
            r"You are passing a target array of shape (\([^)]*\)) while using as loss "
            r"'?categorical_crossentropy"
        ),
        _ids_for_categorical,
    ),
    (
        re.compile(
            rf"logits and labels must have the same first dimension, got logits shape "
            rf"{_S} and labels shape {_S}"
        ),
        _logits,
    ),
    (
        re.compile(
            r"Data cardinality is ambiguous[:.]? ?(?:Make sure all arrays contain the same "
            r"number of samples\.)? ?'?x'? sizes: ([\d, ]+)(?:'?y'? sizes: ([\d, ]+))?"
        ),
        _cardinality,
    ),
    (re.compile(r'Missing data for input "?([^"\s.]+)"?'), _missing_data),
    (
        re.compile(
            r"In a stateful network, you should only pass inputs with a number of samples"
            r"(?: that (?:can be divided by|is divisible by) the batch size(?: \d+)?\.? ?"
            r"(?:Found: (\d+) samples?(?:\(s\))?\.?(?: Batch size: (\d+))?)?)?"
        ),
        _stateful_samples,
    ),
    (
        re.compile(
            r"If a RNN is stateful, (?:it needs to know its batch size|a complete "
            r"input_shape must be provided)|When using stateful=True in a RNN, the batch "
            r"size must be static|When using a stateful RNN, batch_input_shape must be provided"
        ),
        _stateful,
    ),
    (
        re.compile(
            r"(?:Error when checking (?:model )?input: )?(?:expected )?"
            r"(?<!\S)(?P<name>\S{1,200}(?: input)?) to have "
            r"(?:(?P<rank>\d{1,2}(?!\d)) dimension(?:s|\(s\))?|shape \((?P<shape>[^)]*)\))"
            r"[.,]? ?but "
            r"got (?:an )?array with shape:? \(?(?P<got>[\d, ]*)\)?"
        ),
        _checking_input,
    ),
    (
        re.compile(
            r"Error when checking ?: expected (?P<name>\S+) to have (?P<rank>\d{1,2}(?!\d)) "
            r"dimensions(?P<shape>)?, but got (?:an )?array with shape \((?P<got>[^)]*)\)"
        ),
        _checking_input,
    ),
    (
        re.compile(
            r"theano function [^\n]*?at index (\d+) ?\(0-based\)'?,? '?Wrong number of "
            r"dimensions: ?expected (\d{1,2}(?!\d)), ?got \d+ with shape ?\(([^)]*)\)"
        ),
        _theano_argument,
    ),
    (
        re.compile(
            r"Wrong number of dimensions: ?expected (?P<want>\d{1,2}(?!\d)), ?got \d+ with shape ?"
            r"\((?P<shape>[^)]*)\)|"
            r"Shape \((?P<shape2>[^)]*)\) must have rank at least (?P<want2>\d{1,2}(?!\d))"
        ),
        _rank_only_any,
    ),
    (
        re.compile(
            rf"Invalid input shape for input .*?Expected shape {_S}, but input has "
            rf"incompatible shape {_S}"
        ),
        _keras3_input,
    ),
    (
        re.compile(
            r"Input \d+ (?:with name '[^']*' )?(?:of layer [\"']?(?P<new>[^\"'\s:]+)[\"']? is "
            r"incompatible with the layer|is "
            r"incompatible with layer (?P<old>[^\s:]+))(?: ?:)* expected "
            r"(?:shape=\((?P<exp>[^)]*)\), "
            r"found shape=[\(\[](?P<fnd>[^)\]]*)[\)\]]|"
            r"min_ndim=(?P<min>\d{1,2}(?!\d)), found ndim=(?P<mgot>\d{1,2}(?!\d))"
            r"(?:\. Full shape received: [\(\[](?P<mfull>[^)\]]*)[\)\]])?|"
            r"ndim=(?P<want>\d{1,2}(?!\d)), found ndim=(?P<got>\d{1,2}(?!\d))"
            r"(?:\. Full shape received: "
            r"[\(\[](?P<full>[^)\]]*)[\)\]])?|axis (?P<axis>-?\d+) of input shape to have value "
            r"(?P<value>\d+),? but received input with shape [\(\[](?P<recv>[^)\]]*)[\)\]])"
        ),
        _incompatible_layer,
    ),
    (
        re.compile(
            rf"Model was constructed with shape {_S} for input .*? but it was called on an "
            rf"input with incompatible shape {_S}"
        ),
        _constructed,
    ),
    (
        re.compile(
            r"Cannot feed value of shape ?\(([^)]*)\) for [Tt]ensor u?'?([^',]+)'?, which has "
            r"shape? '?\(([^)]*)\)'?"  # 'shap': a paste retyped by hand
        ),
        _feed,
    ),
    (
        re.compile(
            r"layer expected input with ndim=(\d{1,2}(?!\d)) but previous layer has output_shape "
            r"\(([^)]*)\)"
        ),
        _keras0_previous,
    ),
    (
        re.compile(r"Expected batch size: (\d+)\s*-?\s*Received batch size: (\d+)"),
        lambda m, ctx: S.batch(
            int(m.group(1)), int(m.group(2)), None, None, ctx.fitting, pasted=True
        ),
    ),
    (re.compile(r"Incompatible shapes: \[(\d+)\] vs\. \[(\d+)\]"), _loss_batches),
    (re.compile(r"Incompatible shapes: \[(\d+),(\d+)\] vs\. \[(\d+),(\d+)\]"), _incompatible_2d),
    (re.compile(r"Incompatible shapes: \[([\d,\s]+)\] vs\. \[([\d,\s]+)\]"), _incompatible_steps),
    (re.compile(rf"Shapes {_S} and {_S} are incompatible"), _loss_shapes),
    (
        re.compile(
            r"Dimensions must be equal, but are (\d+) and (\d+) for '\{\{node [^}]*?"
            r"(?:MatMul|BiasAdd|add)[^}]*\}\}"
        ),
        _matmul,
    ),
    (
        re.compile(r"Matrix size-incompatible: In\[0\]: \[(\d+),(\d+)\], In\[1\]: \[(\d+),(\d+)\]"),
        _matrix_size,
    ),
    (
        re.compile(
            r"TimeDistributed Layer should be passed a mask of shape \((?P<want>\d+, \d+), "
            r"\.\.\.\), received: mask\.shape=(?P<mask>\([^)]*\))|The mask passed to the "
            r"TimeDistributed layer has a shape (?P<mask2>\([^)]*\)) that is incompatible with "
            r"the input shape \([^)]*\)\..{0,300}?Expected mask shape prefix: "
            r"(?P<want2>\([^)]*\))"
        ),
        _mask_steps,
    ),
    (re.compile(r"Labels length is zero in batch (\d+)"), _ctc_empty_labels),
    (
        re.compile(
            r"Layer (\S+) requires to know the length of its input, but it could not be "
            r"inferred automatically"
        ),
        _needs_length,
    ),
    (
        re.compile(
            r"Cannot unroll a RNN if the time dimension is undefined|Unrolling requires a "
            r"fixed number of timesteps"
        ),
        _unroll,
    ),
    (
        re.compile(
            r"Cannot take the length of shape with unknown rank|as_list\(\) is not "
            r"defined on an? unknown TensorShape"
        ),
        _unknown_rank,
    ),
    # the bound's ")" may be lost in a paste where TF's own text follows; a bound at the end
    # of what was pasted may be cut short
    (
        re.compile(
            r"indices\[[^\]\n]{0,100}\] = (-?\d+) is not in \[0, ?(\d+)"
            r"(?:\)|(?=[\s|]*(?:Errors may have originated|\[\[)))"
        ),
        _indices,
    ),
    (
        re.compile(
            r"[Ff]ailed to convert a NumPy array to a Tensor ?\(Unsupported object type "
            r"([^)]*)\)|Invalid dtype: object()|Can't convert non-rectangular Python "
            r"sequence to Tensor()"
        ),
        _object,
    ),
    (re.compile(r"The structure of inputs doesn't match the expected structure"), _structure),
    (
        re.compile(
            r"expects (\d+) (?:named )?inputs?(?:\(s\))?[^\n]*?but it received (\d+) input "
            r"tensors"
        ),
        _input_count,
    ),
    (
        re.compile(
            r"Expected to see (\d+) arrays?(?:\(s\))?,? but instead got the following list "
            r"of (\d+) arrays"
        ),
        _list_of_arrays,
    ),
    (
        re.compile(
            r"Unrecognized keyword arguments? passed to (\w+): \{'(batch_input_shape|"
            r"input_length|input_dim)'"
        ),
        _removed_argument,
    ),
    (re.compile(r"[Ll]ayer (\S+) does not support masking"), _no_masking),
    (
        re.compile(r"Dimensions must be equal, but are (\d+) and (\d+) for '[^']*multi_rnn_cell"),
        _shared_cell,
    ),
    (
        re.compile(
            r"Trying to share variable (\S*cell\S*), but specified shape (\([\d, ]+\)) and "
            r"found shape (\([\d, ]+\))"
        ),
        _shared_variable,
    ),
    (
        re.compile(r"Layer is not connected\. Did you forget to set [\"']?input_shape"),
        _not_connected,
    ),
    (
        re.compile(r"Variable (\S+) already exists, disallowed\. Did you mean to set reuse"),
        _variable_exists,
    ),
    (re.compile(r"TypeError: inputs must be a sequence"), _static_rnn_list),
    (
        re.compile(
            r"When passing validation_data, it must contain 2 \(x_val, y_val\) or 3 .{0,80}?"
            r"however it contains (\d+) items"
        ),
        _validation_items,
    ),
    (
        re.compile(r"When using TensorFlow, you should define explicitly the number of timesteps"),
        _tf_needs_timesteps,
    ),
    (
        re.compile(
            r"Can not squeeze dim\[(\d+)\], expected a dimension of 1, got (\d+)[^\n]*?input "
            r"shapes: \[([^\]]*)\]"
        ),
        _squeeze_height,
    ),
    (
        re.compile(r"The last dimension of the input shape must be equal to output shape"),
        _crf_needs_tags,
    ),
    (re.compile(r"\b(\w{1,100}) requires (\d)D\s+input, not (\d)D"), _layer_needs_rank),
    (
        re.compile(
            r"Only input tensors may be passed as positional arguments\. The following argument "
            r"value should be passed as a keyword argument: <(\w+) name=([\w.-]+)"
        ),
        _layer_as_argument,
    ),
    (
        re.compile(
            r"Dimensions must be equal, but are (\d+) and (\d+) for '[^']*?(?:lstm|gru|rnn)_cell"
            r"[^']*?/(?:MatMul|mul)[^']*' \(op: 'MatMul'\) with input shapes: \[\?,\d+\], "
            r"\[(\d+),\d+\]"
        ),
        _cell_matmul,
    ),
    (
        re.compile(
            r"ConcatOp ?: Dimensions of inputs should match: shape\[0\] = \[(\d+),(\d+)\] vs\. "
            r"shape\[1\] = \[(\d+),(\d+)\]"
        ),
        _state_batch,
    ),
    (
        re.compile(
            r"logits and labels must be (?:the )?same size: logits_size=\[(\d+),(\d+)\] "
            r"labels_size=\[(\d+),(\d+)\]"
        ),
        _logits_size,
    ),
    (
        re.compile(
            r"Layer (\S+) was called with an input that isn't a symbolic tensor\. Received "
            r"type: <class 'numpy\.ndarray'>"
        ),
        _layer_on_numpy,
    ),
    (
        re.compile(
            r"The last dimension of the inputs to `?Dense`? should be defined\. Found `?None"
        ),
        _dense_of_none,
    ),
    (
        re.compile(
            r"TimeDistributed`? [Ll]ayer should be passed an `?input_shape ?`? with at least 3 "
            r"dimensions, received: \(([^)]*)\)"
        ),
        _time_distributed_2d,
    ),
    (
        re.compile(r"Input size \(depth of inputs\) must be accessible via shape inference"),
        _depth_unknown,
    ),
    (
        re.compile(
            r"(?:Model|Functional) (?:model )?inputs must come from `?(?:tf\.keras|keras)\.Input`?"
            r"[^\n]*?generated by layer ([\w/.-]+?)_?\."
        ),
        _not_an_input,
    ),
    (re.compile(r"Incoming Tensor shape must be at least 2-D"), _tflearn_list),
    (
        re.compile(
            r"Dimension \d+ in both shapes must be equal, but are (\d+) and (\d+)\. Shapes are "
            r"[^\n]*? for '([\w-]*?(?:lstm|gru|rnn|bidirectional)[\w-]*)[\w/-]*?/while/Select"
        ),
        _mask_in_rnn,
    ),
    (
        re.compile(
            r"setting an array element with a sequence|could not broadcast input array from "
            r"shape \(([\d, ]+)\) into shape \(([\d, ]*)\)"
        ),
        _broadcast_into,
    ),
    (
        re.compile(
            r"could not convert string to float|Cast string to \w+ is not supported|"
            r"Invalid dtype: (?:str\d*|<U\d+|bytes\d*|\|S\d+)\b|"
            r"Expected (?:float|int|double)\d*, got .{0,80}? of type 'str' instead"
        ),
        _text_in_data,
    ),
    (
        re.compile(
            r"[Ll]ayer expects input ndim=(\d{1,2}(?!\d)),? (?:but )?was provided with input shape "
            r"\(([^)]*)\)"
        ),
        _keras0_ndim,
    ),
    (
        re.compile(
            r"non-broadcastable output operand with shape \(([\d, ]+)\) doesn't match the "
            r"broadcast shape \(([\d, ]+)\)"
        ),
        _scaler_columns,
    ),
    (
        re.compile(
            r"(?:Gpu)?Reshape: cannot reshape input of shape \(([\d, ]+)\) to shape "
            r"\(([\d, -]+)\)"
        ),
        _theano_reshape,
    ),
    (
        re.compile(
            r"Unexpected result of `?(?:train|predict|test)_function`? \(Empty (?:logs|"
            r"batch_outputs)\)|Expected input data to be non-empty|Asked to retrieve element "
            r"0, but the Sequence has length 0|Expect x to be a non-empty array or dataset|local "
            r"variable 'logs' referenced before assignment"
        ),
        _empty_logs,
    ),
    (
        re.compile(
            r"This model has not yet been built|The first layer in a Sequential model must get "
            r"an '?input_shape'?"
        ),
        _not_built,
    ),
    (
        re.compile(
            r"index must be integers|Value passed to parameter 'indices' has DataType "
            r"float\d*|indices must be integers"
        ),
        _float_ids,
    ),
    (re.compile(r"TensorArray has size zero"), _zero_steps),
    (re.compile(r"required broadcastable shapes"), _broadcast_at_loss),
    (re.compile(r"IndexError: (?:tuple|list) index out of range"), _shape_index),
    (
        re.compile(
            r"Input \d+ (?:of layer [\"']?([^\"'\s:]+)[\"']? is incompatible with the layer|is "
            r"incompatible with layer ([^\s:]+))\s*:?\s*expected dtype=(\w+), found dtype=(\w+)"
        ),
        _dtype_into_layer,
    ),
    (re.compile(r"cannot reshape array of size (\d+) into shape \(([\d, ]+)\)"), _numpy_reshape),
    (re.compile(r"'list' object has no attribute '(shape|ndim|dtype|reshape)'"), _list_not_array),
    (
        re.compile(
            r"Negative dimension size caused by subtracting (\d+) from (\d+) for "
            r"'(?:\{\{node )?([^'}\s]*)"
        ),
        _window_too_long,
    ),
    (
        re.compile(
            r"An initial_state was passed that is not compatible with cell\.state_size\. "
            r"Received state_spec=(.{0,2000}?); however cell\.state_size is (\S[^\n]{0,200})"
        ),
        _state_spec,
    ),
    (
        re.compile(
            r"Computed output size would be zero or negative\. Received inputs "
            r"shape=(?P<inputs>\([^)]*\)), kernel shape=(?P<kernel>\([^)]*\))|One of the "
            r"dimensions in the output is <= 0 due to downsampling in (?P<layer>\w+)\.[^.]*\. "
            r"Received input shape (?P<received>\[[^\]]*\])"
        ),
        _output_size,
    ),
    (
        re.compile(
            r"total size of (?:new array|the tensor) must be unchanged(?:[,.] (?:Received: )?"
            r"input_shape ?= ?([\[(][^\])]*[\])]), (?:output|target)_shape ?= ?"
            r"([\[(][^\])]*[\])]))?",
            re.IGNORECASE,
        ),
        _reshape_size,
    ),
    (
        re.compile(
            r"SparseSoftmaxCrossEntropyWithLogits/Shape_1:0\) = \] \[([\d ]+)\] \[y \([^)]*"
            r"SparseSoftmaxCrossEntropyWithLogits/strided_slice:0\) = \] \[([\d ]+)\]"
        ),
        _sparse_assert,
    ),
    (re.compile(r"Shapes \(\) and (\([^)]*\)) must have the same rank"), _scalar_target),
    (
        re.compile(
            r"Input to \.?fit\(\)?\.? should have rank (\d{1,2}(?!\d))\. Got array with shape: "
            r"(\([^)]*\))"
        ),
        _generator_fit_rank,
    ),
    (
        re.compile(
            r"Saw a non-null label \(index >= num_classes - 1\) following a null label, "
            r"batch: \d+ num_classes: (\d+)"
        ),
        _ctc_blank,
    ),
    (
        re.compile(
            r"When passing a list as loss, it should have one entry per model outputs\. The "
            r"model has (\d+) outputs?, but you passed loss=(\[.{0,1000}?\])"
        ),
        _loss_list,
    ),
    (
        re.compile(r"Invalid input_h shape: \[(\d+),(\d+),(\d+)\] \[(\d+),(\d+),(\d+)\]"),
        _initial_state_batch,
    ),
    (
        re.compile(
            r"Shape must be rank (\d+) but is rank (\d+) for '(?:\{\{node )?([^'}\s]*)\}?\}?"
            r"[^\n]*?with input shapes: \[([^\]]*)\]"
        ),
        _rank_at_node,
    ),
    (
        re.compile(
            r"logits and labels must be broadcastable: logits_size=\[([\d,]+)\] "
            r"labels_size=\[([\d,]+)\]"
        ),
        _broadcastable,
    ),
    (re.compile(r"'int' object is not iterable"), _int_shape),
    (
        re.compile(r"validation_split.{0,30}only supported for Tensors or NumPy arrays"),
        _validation_split,
    ),
    # Theano's crossentropy, true_dist * log(coding_dist): input 0 is y, input 1 the
    # model's clipped output
    (
        re.compile(
            r"Input dimension mis-match\. \(input\[0\]\.shape\[([1-9])\] = \d+, input\[1\]\.shape"
            r"\[\1\] = \d+\).{0,300}?Apply node that caused the error: Elemwise\{Composite\{[^}]*"
            r"log[^}]*\}\}.{0,600}?Inputs shapes: \[(\([^)]*\)), (\([^)]*\))"
        ),
        _theano_crossentropy,
    ),
    (
        re.compile(
            r"Input dimension mis-match\. \(input\[0\]\.shape\[0\] = (\d+), "
            r"input\[1\]\.shape\[0\] = (\d+)\)"
        ),
        _elemwise_batches,
    ),
    (
        re.compile(
            r"Input dimension mis-match\. Input \d+ \(indices start at 0\) has shape\[0\] == "
            r"(\d+), but the output's size on that axis is (\d+)"
        ),
        _elemwise_batches,
    ),
    (
        re.compile(
            r"Received a label value of (-?\d+) which is outside the valid range of \[0, ?(\d+)\)"
        ),
        _label_range,
    ),
    (
        re.compile(
            rf"labels\.shape must equal logits\.shape except for the last dimension\. Received: "
            rf"labels\.shape={_S} and logits\.shape={_S}|"
            rf"The shape of labels \(received {_S}\) should equal the shape of logits except "
            rf"for the last dimension \(received {_S}\)|"
            rf"Argument output must have rank \(ndim\) target\.ndim - 1\. Received: "
            rf"target\.shape={_S}, output\.shape={_S}|"
            r"Can not squeeze dim\[1\], expected a dimension of 1, got \d+ for '[^']*"
            r"sparse_categorical_crossentropy"
        ),
        _sparse_shapes,
    ),
    (
        # the pair's closing ")" is often lost where the paste ends
        re.compile(rf"logits and labels must have the same shape,? (?:received )?\({_S} vs {_S}"),
        _logits_labels,
    ),
    (
        re.compile(
            r"Dimensions must be equal, but are \d+ and \d+ for '\{\{node (?P<node>[^}]*)\}\} = "
            r"\w+\[[^\]]*\]\((?P<a1>[^,]+), (?P<a2>[^)]+)\)' with input shapes: "
            r"\[(?P<s1>[^\]]*)\], \[(?P<s2>[^\]]*)\]"
        ),
        _loss_dims,
    ),
    (
        re.compile(
            r"Failed to find data adapter that can handle input: [^,]*?(?:(?P<x><class 'list'>)"
            r"|<class '[\w.]+'>), \((?P<y><class 'list'>)?|"
            r"Unrecognized data type: x=.*?\(of type <class '(?:(?P<x2>list)|[\w.]+)'>\)"
        ),
        _data_adapter,
    ),
    (
        re.compile(
            r"A Concatenate layer requires inputs with matching shapes except for the "
            r"concat(?:enation)? axis\.? ?(?:Received|Got)?:? ?(?:input_shape=)?(\[[^\]]*\])?"
        ),
        _branches,
    ),
    (
        re.compile(
            r"Found (?P<inputs>\d+) input samples and (?P<targets>\d+) target samples|"
            r"All input arrays \(x\) should have the same number of samples\. Got array "
            r"shapes: (?P<shapes>\[.*?\])"
        ),
        _samples_vs_targets,
    ),
    (
        re.compile(
            r"Input to reshape is a tensor with (\d+) values, but the requested shape has (\d+)"
        ),
        _reshape_batch,
    ),
    (
        re.compile(
            r"x \(images tensor\) and y \(labels\) should have the same length\. Found: "
            r"x\.shape = (\([^)]*\)), y\.shape = (\([^)]*\))"
        ),
        _flow_lengths,
    ),
    (
        re.compile(
            r"Specified a list with shape \[((\d+)[\d,]*)\] from a tensor with shape "
            r"\[((\d+)[\d,]*)\]"
        ),
        lambda m, ctx: S.batch(
            int(m.group(2)),
            int(m.group(4)),
            parse_shape(m.group(1)),
            parse_shape(m.group(3)),
            ctx.fitting,
            pasted=True,
        ),
    ),
    (
        re.compile(
            r"Tensor conversion requested dtype (\w+) for Tensor with dtype (\w+)(?::? "
            r"'?(?:<tf\.Tensor |Tensor\()?[\"']?([^\"'\s:]+))?"
        ),
        _conversion,
    ),
    (
        re.compile(r"dimension mismatch in args to gemm \((\d+),(\d+)\)x\((\d+),(\d+)\)->\((\d+),"),
        _gemm_batches,
    ),
    (
        re.compile(rf"expected shape=?\s*{_S},? found shape=?\s*{_S}"),
        _keras3_input,
    ),
    (re.compile(r"Tried to read from index (\d+) but array size is: (\d+)"), _tensor_array),
    # the rank check quoted without the layer it names (the last family: any with the layer
    # comes first)
    (
        re.compile(
            r"(?<![\w=])expected ndim=(\d{1,2}(?!\d)),? found ndim=(\d{1,2}(?!\d))"
            r"(?:\.? Full shape received: "
            r"[\(\[]([^)\]]*)[\)\]])?"
        ),
        _ndim_of_no_layer,
    ),
    # Keras 1/2's rank check retold in a user's words: "Expected 3 dimensions but got only
    # two (144,9)"
    (
        re.compile(
            r"[Ee]xpect(?:ed|s) (?:\w+ ){0,3}?(?P<want>\d)[- ]?(?:D\b|dimensions?\b|dims\b)"
            r"[^.\n]{0,40}?\b(?:got|found|received) (?:only )?(?:a )?(?P<got>\d|one|two|three|"
            r"four)(?:[- ]?D\b| dimensions?\b| dims\b)?(?:[^.\n(\[]{0,40}?(?P<shape>\([\w, ?]*\)|"
            r"\[[\w, ?]*\]))?",
            re.I,
        ),
        _rank_retold,
    ),
    # Theano: an AdvancedSubtensor1 (a row lookup) of an Embedding's weights, (rows, dim)
    (
        re.compile(
            r"index value is out of bounds?\b.{0,400}?Apply node that caused the error: "
            r"\w*AdvancedSubtensor1?\((\w*embedding\w*), .{0,400}?Inputs shapes: \[\((\d+), ?\d+\)",
            re.I,
        ),
        lambda m, ctx: D.vocab_unnamed(int(m.group(2)), ctx.fixes, ctx.call),
    ),
    # Keras 3 / tf-keras: a cell's call multiplies [batch, features] by its kernel
    # [features it was built for, gates x units]; the node name may be cut to "..."
    (
        re.compile(
            r"calling (?:LSTM|GRU|SimpleRNN)Cell\.call\(\)\.? Dimensions must be equal, but are "
            r"(\d+) and (\d+) for [^\n]{0,300}?with input shapes: \[[?\d]+,\1\], \[\2,\d+\]"
        ),
        _matmul,
    ),
    (
        re.compile(
            r"Input \d+ (?:of layer [\"']?([^\"'\s:]+)[\"']? is incompatible with the layer|is "
            r"incompatible with layer ([^\s:]+))\s*:?\.?\s*(?:$|(?=[A-Z][a-z]+ (?!shape)))"
        ),
        _bare_incompatible,
    ),
]
