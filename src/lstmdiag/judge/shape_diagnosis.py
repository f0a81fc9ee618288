"""The diagnosis engine for a shape that differs from the one a model input expects: the
readings of the difference (same rank: which axis; one axis fewer or more; a table), each with
its fix, for ``check``, ``explain`` and the API alike."""

from __future__ import annotations

from dataclasses import replace

from ..model.spec import Shape
from .diagnosis import (
    TRUNCATION_WARN,
    WINDOWS_OVER,
    Alternative,
    Diagnosis,
    Evidence,
    empty,
    features,
    first_of_kind,
    fmt,
    has_time,
    layer_kind,
    model_structure,
    other_images,
    tfjs_name,
)
from .rank_diagnosis import one_fewer, one_more, other_rank


# -- the engine -------------------------------------------------------------------------------
def diagnose_shape(ev: Evidence) -> Diagnosis:
    """The most likely cause of ``found`` not fitting ``expected``, with alternatives."""
    kind = layer_kind(ev.layer)
    if ev.found is not None and _only_the_batch_is_fixed(ev.expected, ev.found):
        return _fixed_batch_meets_free(ev.expected, ev.found)
    if kind not in (None, "model") and ev.building and not ev.fed:
        return model_structure(ev, kind)
    found = ev.found
    if found is None:
        return model_structure(ev, kind) if kind not in (None, "model") else _rank_only(ev)
    if found and found[0] == 0:  # no samples: whatever else differs, nothing reached it
        return empty(ev, found)
    want, got = len(ev.expected), len(found)
    if got == want:
        result = _same_rank(ev, found)
    elif got == want - 1:
        result = one_fewer(ev, found)
    elif got == want + 1:
        result = one_more(ev, found)
    else:
        result = other_rank(ev, found)
    if kind not in (None, "model") and found and found[0] is None and not ev.fed:
        # A symbolic tensor (batch None) reached an inner layer: the model is built wrong;
        # unless it is the first layer of its kind (no _1 suffix), which in a Sequential
        # model takes the data itself: then the data's reading comes first.
        structure = model_structure(ev, kind)
        if (first_of_kind(ev.layer) or named_by_hand(ev.layer)) and result.culprit == "data":
            when = f"if a layer before {ev.layer} feeds it (model.summary() shows it)"
            more = Alternative("model-structure", structure.fix, when)
            return replace(result, alternatives=(*result.alternatives, more))
        return structure
    return result


def named_by_hand(layer: str | None) -> bool:
    """A name Keras never gives (it names layers in lower snake case: lstm_2): one a user
    chose, as often the model's own (Model(..., name="AE")) as a custom layer's."""
    return bool(layer) and any(c.isupper() for c in layer or "") and tfjs_name(layer) is None


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
    if _shifted(exp, found):
        return _declared_without_batch(exp, found)
    if differing[0] == 0:
        return batch(exp[0], found[0], exp, found, pasted=ev.fixes.pasted)
    if len(exp) >= 3 and _transposed(exp, found):
        return Diagnosis(
            "features",
            "data",
            "the time and feature axes are swapped",
            f"the data is {fmt(found)} and the model takes {fmt(exp)}: axis 1 of the data "
            "holds the features and axis 2 the timesteps.",
            "x = np.transpose(x, (0, 2, 1))",
            exp,
            found,
            1,
        )
    sized = _image_size(ev, found, differing)
    if sized is not None:
        return sized
    feature_axes = [a for a in differing if a >= 2]
    if 1 in differing and has_time(ev) and not feature_axes:
        return timesteps(ev, found)
    axis = feature_axes[0] if feature_axes else differing[0]
    if len(exp) == 4 and axis == 3 and {exp[3], found[3]} <= {1, 3, 4}:
        return _channels(ev, found)
    result = features(ev, found, axis)
    if axis == 1 and ev.time_axis is None:  # (batch, n): features, or token ids over time?
        timed = timesteps(replace(ev, time_axis=True), found)
        result = replace(
            result,
            alternatives=(
                *result.alternatives,
                Alternative("timesteps", timed.fix, "if axis 1 is time (token ids)", "data"),
            ),
        )
        if (
            result.decided
            and ev.fixes.pasted
            and not ev.fed
            and layer_kind(ev.layer) != "recurrent"
        ):
            # a pasted message does not say what axis 1 is: features, the token ids of an
            # Embedding's input padded to another length (w022), or a Flatten's steps x
            # features before a Dense (z013); unless the model's call shows the data there
            return _features_or_steps(result, ev.layer, exp[1], found[1])
    return result


def _features_or_steps(
    d: Diagnosis, layer: str | None, want: int | None, got: int | None
) -> Diagnosis:
    """Axis 1 of a 2-D tensor, pasted: features, or sequences of another length: the token
    ids of an Embedding's input, or (at a Dense) what a Flatten made of steps x features."""
    if layer_kind(layer) == "dense":
        steps = Alternative(
            "timesteps",
            "x = keras.utils.pad_sequences(list(x), maxlen=model.input_shape[1], "
            "dtype='float32')   # the length the model was built for",
            f"if a Flatten before {layer} folds sequences of another length",
            "data",
        )
        return replace(
            d,
            cause=f"{layer} takes {want} values per sample and got {got}: the data's "
            "features, or what a Flatten before it made of sequences of another length.",
            alternatives=tuple(steps if a.kind == "timesteps" else a for a in d.alternatives),
            when="if the data reaches this layer as it is (its features)",
            decides=f"what reaches {layer}: the data's features (it takes {want}), or a "
            f"Flatten's steps x features, {got} for sequences of another length than the "
            f"{want} values it was built for (model.summary() shows the layers before it)",
        )
    return replace(
        d,
        cause=f"axis 1 of the data is {got}, and the model takes {want}: another number of "
        "features, or token ids of sequences padded to another length.",
        when="if axis 1 holds features (the input feeds a Dense or similar layer)",
        decides=f"what axis 1 of x holds: features (the model takes {want}), or the "
        f"token ids of sequences padded to {got} for an Embedding of "
        f"{want} steps (model.summary() shows which layer takes the input)",
    )


def _channels(ev: Evidence, found: Shape) -> Diagnosis:
    """Images with another number of colour channels than the model takes: RGBA for RGB
    (drop alpha), RGB for grey or grey for RGB (convert, or declare the model for them)."""
    want, got = ev.expected[3] or 0, found[3] or 0
    d = replace(
        features(ev, found, 3),
        title=f"images with {got} channels for a model of {want}",
        cause=f"axis 3 holds the colour channels: the images have {got} "
        f"({_COLOURS.get(got, got)}) and the model takes {want} ({_COLOURS.get(want, want)}).",
    )
    if (got, want) == (4, 3):
        return replace(d, fix="x = x[..., :3]   # drop the alpha channel (RGBA -> RGB)")
    convert = (
        "x = (x @ np.array([0.299, 0.587, 0.114]))[..., None]   # one grey channel, as "
        "cv2 and PIL weigh RGB (or load the images with color_mode='grayscale')"
        if want == 1
        else f"x = np.repeat(x[..., :1], {want}, axis=-1)   # the grey channel {want} times"
    )
    declare = Alternative(
        "model-structure",
        f"declare the model's input with {got} channels (input_shape=(rows, cols, {got})) and "
        "train it on these images",
        f"if the model is new and the images are meant to have {got} channels",
        culprit="model",
    )
    return replace(
        d,
        fix=convert,
        alternatives=(declare,),
        when="if the model is trained and is to keep its weights",
        decides=f"whether the model was trained on {want}-channel images (keep it: convert the "
        f"images) or is new (declare it for {got})",
    )


_COLOURS = {1: "grey", 3: "RGB", 4: "RGBA"}


def _resized(h: int | None, w: int | None, want: int | None, got: int | None) -> str:
    """Code that resizes channels-last images to h x w, with the channels the model takes."""
    size = f"tf.image.resize(x, ({h}, {w})).numpy()"
    if want == got or want is None or got is None:
        return f"x = {size}   # {h} x {w} images"
    if (got, want) in ((3, 1), (4, 1)):
        return (
            f"x = ({size}[..., :3] @ np.array([0.299, 0.587, 0.114]))[..., None]   # {h} x {w}, "
            "grey as cv2 and PIL weigh RGB"
        )
    if (got, want) == (1, 3):
        return f"x = np.repeat({size}, 3, axis=-1)   # {h} x {w}, the grey channel 3 times"
    if (got, want) == (4, 3):
        return f"x = {size}[..., :3]   # {h} x {w}, alpha dropped"
    return f"x = {size}   # {h} x {w} images; then {want} channels as the model was trained"


def _image_size(ev: Evidence, found: Shape, differing: list[int]) -> Diagnosis | None:
    """Images of another height and width than the model's input (both differ): a model
    declared for other images (an example's MNIST shape: pt008, ps007) or images to resize."""
    exp = ev.expected
    if len(exp) != 4 or len(found) != 4:
        return None
    first = exp[1] in (1, 3, 4) and exp[3] not in (1, 3, 4)  # (samples, channels, rows, cols)
    rows, cols = (2, 3) if first else (1, 2)
    if not {rows, cols} <= set(differing):
        return None
    h, w = exp[rows], exp[cols]
    shape = tuple(found[1:])
    resize = (
        f"resize the images to {h} x {w} (channels first: move the channel axis last, "
        "tf.image.resize, move it back)"
        if first
        else _resized(h, w, exp[3], found[3])
    )
    return other_images(
        f"images of {found[rows]} x {found[cols]} for a model declared for {h} x {w}",
        f"the model's input {fmt(exp)} was declared for other images than the data's "
        f"{fmt(found)} (an example's input shape kept, or another dataset).",
        f"declare the model's input for these images: input_shape={shape} "
        f"(keras.Input(shape={shape})), and train it on them",
        resize,
        (exp, found, rows),
        f"{h} x {w}",
    )


def _shifted(exp: Shape, found: Shape) -> bool:
    """The model's whole input shape is one sample's shape with an axis appended: its first
    value, the batch, is the data's timesteps (batch_input_shape=(T, F, 1) for (N, T, F))."""
    return (
        len(exp) >= 3
        and None not in exp[:-1]
        and tuple(found[1:]) == tuple(exp[:-1])
        and found[0] != exp[0]
    )


def _declared_without_batch(exp: Shape, found: Shape) -> Diagnosis:
    sample = fmt(found[1:])
    return Diagnosis(
        "model-structure",
        "model",
        f"the model's input {fmt(exp)} is one sample's shape {sample} shifted by an axis",
        f"the model takes batches of exactly {exp[0]} samples shaped {fmt(exp[1:])}; the data "
        f"is {found[0]} samples of {sample}. The batch_input_shape was given one sample's "
        "shape where its first value is the batch size.",
        f"declare one sample's shape: input_shape={sample} (keras.Input(shape={sample})), not "
        f"batch_input_shape={fmt(exp)}",
        exp,
        found,
        0,
    )


def _transposed(exp: Shape, found: Shape) -> bool:
    return (
        exp[1] is not None
        and exp[2] is not None
        and exp[1] != exp[2]
        and found[1] == exp[2]
        and found[2] == exp[1]
    )


def _only_the_batch_is_fixed(exp: Shape, found: Shape) -> bool:
    """The model fixes its batch, and a tensor with a free batch meets it: every other axis
    agrees (or is free)."""
    return (
        len(exp) == len(found) >= 2
        and exp[0] is not None
        and found[0] is None
        and all(e is None or f is None or e == f for e, f in zip(exp[1:], found[1:], strict=True))
    )


def _fixed_batch_meets_free(exp: Shape, found: Shape) -> Diagnosis:
    """A layer built with batch_input_shape=(B, ...) called on Input(shape=...) (batch None):
    a symbolic tensor, so the fix is in how the model is built, not in the data."""
    return Diagnosis(
        "batch",
        "model",
        f"a layer built for batches of exactly {exp[0]} is called on a tensor with a free batch",
        f"the layer was built with a fixed batch {fmt(exp)} (batch_input_shape, or a stateful "
        f"model), and the tensor it is called on has batch None {fmt(found)}: an Input "
        "declared with shape=..., which leaves the batch free.",
        f"declare that Input with the same batch: keras.Input(batch_shape={fmt(exp)}); or "
        "build the first model without a fixed batch (input_shape=... instead of "
        "batch_input_shape=...) unless it is stateful",
        exp,
        found,
        0,
    )


def _unknown_dims(ev: Evidence, found: Shape) -> Diagnosis:
    return Diagnosis(
        "unknown-rank",
        "data",
        "the data's shape is not fully known",
        f"the model takes {fmt(ev.expected)} and the data arrived as {fmt(found)}: a "
        "generator or tf.data pipeline produced tensors without a static shape.",
        f"declare the shape: tf.data.Dataset.from_generator(..., output_signature="
        f"tf.TensorSpec(shape={fmt(ev.expected)}, dtype=tf.float32)) or "
        f"ds.map(lambda x: tf.ensure_shape(x, {fmt(ev.expected)}))",
        ev.expected,
        found,
    )


MOSTLY_PADDING = 10  # data of under a tenth of the model's steps


def timesteps(ev: Evidence, found: Shape) -> Diagnosis:
    t, n = ev.expected[1], found[1]
    assert t is not None and n is not None
    fix = ev.fixes.pad(t, ev.dtype, longest=n, reading="--time-axis 1")
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
    d = Diagnosis(
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
    if (n > t or n * MOSTLY_PADDING < t) and ev.fixes.pasted:
        # A pasted message: longer data than the model's steps is cut (losing some of every
        # sequence), and far shorter data is mostly padding, or the model is declared for
        # them; only whether it is trained decides (held-out threads: four and three for a
        # tenth of the steps or less).
        # Sequences of WINDOWS_OVER times the steps or more may be series to cut into
        # windows too (three threads cut the data, one declared the model: fc008).
        share = f"the cut keeps {t / n:.0%}" if n > t else f"padding makes {1 - n / t:.0%} of it"
        # the windows alternative (kept first) is there only for WINDOWS_OVER times the steps
        series = (
            " (each a long series: cut it into windows of that many)"
            if len(alternatives) > 1
            else ""
        )
        return replace(
            d,
            when=f"if the model is trained and stays as it is ({share})",
            decides=f"whether the model is already trained: a trained one keeps its {t} "
            f"steps{series}; one still being built can "
            f"declare {n} (or None, any length)",
        )
    return d


def batch(
    want: int | None,
    got: int | None,
    exp: Shape | None,
    found: Shape | None,
    fitting: bool = False,
    pasted: bool = False,
) -> Diagnosis:
    """A batch other than the model's fixed one. A multiple of it runs when fed ``want`` at a
    time; anything else needs the batch padded to a multiple, as one literal snippet (for
    ``predict``), or the last partial batch left out (``fitting``: zero samples would be
    trained on). A ``pasted`` message of one sample is a prediction one at a time: a copy of
    the model built for batches of 1 first (the threads' fix), the padding second."""
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
    if fitting and want:
        return _fit_batch(want, got, cause, exp, found)
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
    padded = _padded_batch(want, got, cause, exp, found, rebuild)
    if pasted and got == 1 and want and want > 1:
        return _one_at_a_time(want, exp, found, padded)
    return padded


def _padded_batch(
    want: int | None,
    got: int | None,
    cause: str,
    exp: Shape | None,
    found: Shape | None,
    rebuild: Alternative,
) -> Diagnosis:
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


def _one_at_a_time(
    want: int, exp: Shape | None, found: Shape | None, padded: Diagnosis
) -> Diagnosis:
    """One sample for a model fixed to batches of ``want``: predicting one at a time, which a
    copy built for batches of 1 does; its weights are the same (they do not depend on the
    batch size)."""
    shape = fmt((1, *exp[1:])) if exp else "(1, timesteps, features)"
    return Diagnosis(
        "batch",
        "model",
        f"one sample for a model fixed to batches of {want}: build a copy for batches of 1",
        f"the model fixes its batch size (a stateful RNN, or batch_input_shape); every batch "
        f"must hold exactly {want} sequences, and one sample is predicted at a time. A copy of "
        "the same layers built for batches of 1 takes it: the weights do not depend on the "
        "batch size.",
        f"build the same layers with batch_input_shape={shape} (keras.Input(batch_shape="
        f"{shape}); keep stateful=True if it is stateful), then new_model.set_weights("
        "model.get_weights()) and new_model.predict(x)",
        exp,
        found,
        0,
        (Alternative("batch", padded.fix, f"to keep this model: {want - 1} zero samples "
                     "padded in, their predictions dropped"),),
    )  # fmt: skip


def interpreter_batch(
    want: int, got: int, exp: Shape, found: Shape, resizable: bool, index: str = "i"
) -> Diagnosis:
    """A TFLite interpreter allocated ``want`` samples (1): resize its input when its
    shape_signature lets it, else feed one allocation at a time."""
    resize = (
        f"interpreter.resize_tensor_input(interpreter.get_input_details()[0]['index'], "
        f"[{got}, {', '.join(str(d) for d in exp[1:])}]); interpreter.allocate_tensors()"
    )
    loop = (
        f"for {index} in range(len(x)): interpreter.set_tensor(interpreter.get_input_details()"
        f"[0]['index'], x[{index}:{index} + {want}]); interpreter.invoke()"
    )
    return Diagnosis(
        "batch",
        "data",
        f"{got} samples for an interpreter allocated for {want}",
        f"the TFLite model's input is allocated for batches of {want}"
        + (" (its signature lets the batch be resized)" if resizable else "; its signature "
           "fixes that batch, so it cannot be resized"),
        resize if resizable else loop,
        exp,
        found,
        0,
        (Alternative("batch", loop, "to keep the allocation"),) if resizable else (),
    )  # fmt: skip


def _fit_batch(
    want: int, got: int | None, cause: str, exp: Shape | None, found: Shape | None
) -> Diagnosis:
    """``fit`` with a fixed batch size: its last batch is partial unless len(x) is a
    multiple of it (``got`` is that batch, not the data's size)."""
    return Diagnosis(
        "batch",
        "data",
        f"a training batch of {got if got else 'another size'} for a model fixed to batches "
        f"of {want}",
        cause + f" In fit that is batch_size={want} and len(x) a multiple of {want} (else the "
        "last batch is smaller).",
        f"n = len(x) // {want} * {want}; model.fit(x[:n], y[:n], batch_size={want})   "
        f"# leaves out the last len(x) % {want} samples",
        exp,
        found,
        0,
    )


def request_batch(most: int, got: int, exp: Shape, found: Shape, exact: bool = False) -> Diagnosis:
    """More samples than one Triton request may hold (max_batch_size), or, ``exact``, a batch
    other than the one its dims fix (max_batch_size 0): send requests of ``most``."""
    split = f"requests = [x[i:i + {most}] for i in range(0, len(x), {most})]   # one request each"
    short = -got % most if exact else 0
    if short:  # the last request would be short of a fixed batch: pad it, drop its outputs
        split = (
            f"x = np.concatenate([x, np.zeros(({short}, *x.shape[1:]), x.dtype)]); {split}; "
            f"the last {short} outputs are padding"
        )
    cause = (
        f"config.pbtxt's dims fix the batch at {most} (max_batch_size 0): a request holds "
        f"exactly {most} samples"
        if exact
        else f"config.pbtxt's max_batch_size is {most}: a request holds at most {most} samples"
    )
    title = "exactly" if exact else "at most"
    return Diagnosis(
        "batch",
        "data",
        f"{got} samples in one request to a model that takes {title} {most}",
        cause,
        split,
        exp,
        found,
        0,
    )
