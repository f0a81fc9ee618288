"""Shapes with a different rank than the input expects: one axis fewer (a missing batch or
features axis, a table to cut into windows), one more, or a single long series."""

from __future__ import annotations

from dataclasses import replace

from ..model.spec import Shape
from .diagnosis import Alternative, Diagnosis, Evidence, features, fits, fmt, missing_batch


def one_fewer(ev: Evidence, found: Shape) -> Diagnosis:
    exp = ev.expected
    if len(exp) == 3 and len(found) == 2:
        return _column_of_sequences(ev, found, _table_into_sequences(ev, found))
    if len(exp) == 5 and all(d is None for d in exp):  # only a rank: ConvLSTM2D / video
        return Diagnosis(
            "missing-axis",
            "data",
            "an axis is missing (4 axes instead of 5)",
            f"the model takes sequences of frames (samples, time, rows, cols, channels); "
            f"{fmt(found)} has one axis fewer: the time axis, or the channel axis.",
            "x = x[..., None] for a missing channel axis; x.reshape(-1, T, *x.shape[1:]) to group "
            "frames into sequences of T",
            exp,
            found,
            None,
            (Alternative("missing-batch", "x = np.expand_dims(x, 0)", "if it is one sample"),),
        )
    if len(exp) == 4 and all(d is None for d in exp) and images_without_channels(found):
        return Diagnosis(
            "missing-axis",
            "data",
            "the channel axis is missing (3 axes instead of 4)",
            f"the layer takes images (samples, rows, cols, channels); {fmt(found)} already has "
            "its batch axis, so what is missing is the channels: one, for grayscale.",
            "x = np.expand_dims(x, -1)   # (samples, rows, cols, 1)",
            exp,
            found,
            3,
        )
    if len(exp) == 4 and not any(exp) and found and not any(found) and not ev.fixes.checking:
        return _channels_or_batch(exp, found)
    if found and found[0] is None and len(found) == 1 and len(exp) == 2:
        # a symbolic batch axis is there: what is missing is the feature axis
        return Diagnosis(
            "missing-axis",
            "data",
            "the feature axis is missing (1 axis instead of 2)",
            f"the model takes {fmt(exp)}, one row of features per sample; {fmt(found)} is one "
            "value per sample without a feature axis (Keras 2.7 and later no longer add it).",
            "x = np.expand_dims(x, -1)   # (samples, 1)",
            exp,
            found,
            1,
        )
    if len(exp) == 2 and exp[1] is None and len(found) == 1 and (found[0] or 0) > 1:
        return _values_or_one_sample(ev, found)
    if fits((None, *found), exp):
        return missing_batch(ev, found)
    if exp[-1] == 1 and fits((*found, 1), exp) and not fits((None, *found), exp):
        return Diagnosis(  # only a size-1 last axis is missing (a channel, one feature)
            "missing-axis",
            "data",
            f"the last axis of size 1 is missing ({len(found)} axes instead of {len(exp)})",
            f"the model takes {fmt(exp)}, whose last axis holds one value (one channel or "
            f"feature); the data {fmt(found)} has every other axis but not that one.",
            "x = np.expand_dims(x, -1)",
            exp,
            found,
            len(exp) - 1,
        )
    if found[0] == 32 and exp[1] is not None and exp[1] > 32 and found[1:] == exp[2:]:
        # Keras batches the first axis by 32 (fit's and predict's default): one sample of
        # exp[1:] without its batch axis arrives as batches of 32 of its rows
        return replace(
            missing_batch(ev, found),
            cause=f"the model takes a batch {fmt(exp)}; one sample {fmt(exp[1:])} was given "
            f"without its batch axis, and Keras cut its first axis ({exp[1]}) into batches "
            "of 32, its default batch size.",
        )
    if len(exp) >= 4 and found[1:] == exp[2:] and all(d is not None for d in exp[2:]):
        return Diagnosis(
            "missing-axis",
            "data",
            f"the time axis is missing ({len(found)} axes instead of {len(exp)})",
            f"the model takes sequences of frames {fmt(exp)}; the data {fmt(found)} is a "
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
        f"the model takes {fmt(exp)} and the data is {fmt(found)}.",
        f"reshape the data to {fmt(exp)}; which axis is missing depends on what the data "
        f"holds (one sample without a batch axis: np.expand_dims(x, 0))",
        exp,
        found,
        None,
        (Alternative("missing-batch", "x = np.expand_dims(x, 0)", "if it is one sample"),),
    )


def _channels_or_batch(exp: Shape, found: Shape) -> Diagnosis:
    """Only the ranks, 3 where an image layer takes 4: grey images without their channel
    axis (the held-out threads' more common case, ten of sixteen with a shape), or one image
    without its batch axis."""
    return Diagnosis(
        "missing-axis",
        "data",
        "3 axes where the model takes images of 4: the channel axis, or the batch axis",
        "the layer takes images (samples, rows, cols, channels) and got 3 axes: grey images "
        "(samples, rows, cols) without their channel axis, or one image (rows, cols, "
        "channels) without its batch axis.",
        "x = np.expand_dims(x, -1)   # (samples, rows, cols, 1): grey images",
        exp,
        found,
        3,
        (
            Alternative(
                "missing-batch",
                "x = np.expand_dims(x, 0)   # (1, rows, cols, channels): one image",
                "if x is one image (its last axis 1, 3 or 4 channels)",
                culprit="data",
            ),
        ),
        when="if x holds many grey images",
        decides="x.shape: (samples, rows, cols) needs the channel axis; (rows, cols, 3) is "
        "one image and needs the batch axis",
    )


def _values_or_one_sample(ev: Evidence, found: Shape) -> Diagnosis:
    """A 1-D array of n values into rows of a width the message does not give: n samples
    of one value each (po001: a Dense given scalars), or one sample of n features."""
    n = found[0]
    return Diagnosis(
        "missing-axis",
        "data",
        f"a 1-D array of {n} values where the model takes rows (samples, features)",
        f"{fmt(found)} has no feature axis: {n} samples of one value each, or one sample of {n} "
        "features without its batch axis.",
        "x = np.expand_dims(x, -1)   # (samples, 1): one value per sample",
        ev.expected,
        found,
        1,
        (
            Alternative(
                "missing-batch",
                "x = np.expand_dims(x, 0)   # (1, features): one sample",
                f"if the {n} values are one sample's features",
            ),
        ),
        when=f"if x holds {n} samples",
        decides=f"how many features the model takes (model.input_shape[-1]): 1 means {n} "
        f"samples; {n} means one sample",
    )


def images_without_channels(found: Shape) -> bool:
    """Three axes where a layer takes (samples, rows, cols, channels), the batch among them:
    a symbolic one (None), or a last axis no image has as its channels (one image without
    its batch ends in 1, 3 or 4 channels: (28, 28, 1))."""
    if len(found) != 3 or not any(found):
        return False
    return found[0] is None or (None not in found and found[-1] not in (1, 3, 4))


def _table_into_sequences(ev: Evidence, found: Shape) -> Diagnosis:
    """A 2-D (a, b) array into (None, T, F): one sequence, a table of rows, a batch of
    one-feature sequences, or flattened sequences — decided by the sizes."""
    _, t, f = ev.expected
    a, b = found
    if f is not None and b is not None and b != f:
        return _other_width(ev, found)
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
        return _short_sequence(ev, found)
    if t is None and f is None and a is not None and a == b and a > 1 and not ev.fixes.checking:
        # square: as many rows as columns is one sample's (T, F) (stacked frames, an image),
        # rarely a table with as many samples as features
        return _one_sample_or_rows(ev, found, f"if the {a} rows are {a} samples")
    if t is None and f is not None:  # variable-length sequences: most likely one of them
        return _one_sample_or_rows(ev, found, "if every row is an independent sample")
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
    return _table(ev, found, one)


def _one_sample_or_rows(ev: Evidence, found: Shape, why: str) -> Diagnosis:
    """One sample without its batch axis; its rows as samples of one timestep second."""
    rows = Alternative(
        "missing-axis", "x = x[:, None, :]   # (samples, 1, features): one timestep per sample", why
    )
    return replace(missing_batch(ev, found), alternatives=(rows,))


def _other_width(ev: Evidence, found: Shape) -> Diagnosis:
    """(a, b) where b is not the model's F: a missing feature axis, flattened sequences, or
    a different feature count."""
    _, t, f = exp = ev.expected
    a, b = found
    assert f is not None and b is not None
    if f == 1 and (t is None or b == t):
        return Diagnosis(
            "missing-axis",
            "data",
            "the feature axis is missing",
            f"{fmt(found)} is {a} sequences of {b} timesteps; the model takes "
            f"{fmt(exp)}, one feature per timestep.",
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
            f"each row of {fmt(found)} holds {b} = {t} x {f} values: {t} timesteps of {f} "
            "features laid end to end.",
            f"x = x.reshape(-1, {t}, {f})",
            exp,
            found,
            1,
        )
    return features(ev, (None, None, b), 2)


def _short_sequence(ev: Evidence, found: Shape) -> Diagnosis:
    """(a, F) with a < T: one short sequence without its batch axis."""
    _, t, _ = exp = ev.expected
    a = found[0]
    assert a is not None and t is not None
    pre, post = (0, t - a) if ev.fixes.masked else (t - a, 0)
    value = f", constant_values={ev.fixes.value:g}" if ev.fixes.value else ""
    return Diagnosis(
        "missing-batch",
        "data",
        "the batch axis is missing (and the sequence is short)",
        f"{fmt(found)} is one sequence of {a} timesteps without its batch axis; the model "
        f"takes {t} timesteps.",
        f"x = np.pad(x, (({pre}, {post}), (0, 0)){value})[None]   # pad to {t} timesteps "
        f"({'post' if ev.fixes.masked else 'pre'}, with {ev.fixes.value:g}), then add the "
        "batch axis",
        exp,
        found,
        0,
    )


def _table(ev: Evidence, found: Shape, one: Alternative) -> Diagnosis:
    _, t, f = ev.expected
    a, b = found
    if t == 1:
        return _one_step(ev, found)
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
    table = Diagnosis(
        "missing-axis",
        "data",
        "a 2-D table was fed to a sequence model",
        f"{fmt(found)} is a table of {rows} x {b if b is not None else 'its'} features; an "
        "LSTM takes (samples, "
        f"timesteps, features){f', windows of {t} rows' if t else ''}. Cut the series into "
        "windows (each sample = the rows that lead up to one prediction).",
        ev.fixes.window(t, f),
        ev.expected,
        found,
        1,
        tuple(alts),
    )
    if a is None and t not in (None, 1) and not ev.fixes.checking:
        # a pasted (None, F): the rows are not shown, and only their number decides
        declared = Alternative(
            "model-structure",
            f"declare the input as one sample's shape, input_shape=x.shape[1:] "
            f"({b},): input_shape=x.shape counts the samples as {t} timesteps",
            f"if the model was declared with input_shape=x.shape and {t} is the number of samples",
            culprit="model",
        )
        data = tuple(replace(alt, culprit="data") for alt in table.alternatives)
        return replace(
            table,
            title="a 2-D array was fed to a sequence model: a table of rows, or one sequence",
            cause=f"{fmt(found)} has rows of {b} features and no time axis: a table of rows "
            f"to cut into windows of {t}, or one sequence of {t} steps given without its "
            "batch axis (its steps read as samples).",
            # hundreds of steps per window are rare; as many rows in a training set are
            # not: input_shape=x_train.shape (w001, pv002) is then the likelier second
            alternatives=(declared, *data)
            if t is not None and t >= _MANY_STEPS
            else (*data, declared),
            decides=f"len(x), and what its rows are: more rows than {t} are a series to cut "
            f"into windows of {t}; exactly {t} rows are one sequence (add the batch axis), or "
            f"{t} samples, and then the model was declared with input_shape=x.shape",
            when=f"if x has more rows than {t}",
        )
    return table


_MANY_STEPS = 300  # a time axis this long, against rows: more likely a count of samples


def _one_step(ev: Evidence, found: Shape) -> Diagnosis:
    """Rows of features into (samples, 1, features): each row one timestep of its own, or a
    model declared with a time axis of 1 it does not need (Dense layers: po003)."""
    f = ev.expected[2] if ev.expected[2] is not None else found[1]
    return Diagnosis(
        "missing-axis",
        "data",
        "rows of features fed to a model of one timestep",
        f"{fmt(found)} has rows of {found[1] if found[1] is not None else 'its'} features; the "
        f"model takes {fmt(ev.expected)}: each sample a sequence of one timestep.",
        "x = x[:, None, :]   # (samples, 1, features): one timestep per sample",
        ev.expected,
        found,
        1,
        (
            Alternative(
                "model-structure",
                f"declare the input without the time axis: keras.Input(shape=({f},)) "
                f"(input_shape=({f},))",
                "if the model has no recurrent or Conv1D layer (Dense layers take rows)",
                culprit="model",
            ),
        ),
        when="if the model has a recurrent or Conv1D layer, which needs the time axis",
        decides="model.summary(): a recurrent or Conv1D layer needs (samples, 1, features); "
        "Dense layers on rows were declared with a time axis they do not use",
    )


def one_more(ev: Evidence, found: Shape) -> Diagnosis:
    exp = ev.expected
    ones = sorted((a for a, d in enumerate(found) if d == 1), key=lambda a: a == 0)
    fitting = [a for a in ones if fits(found[:a] + found[a + 1 :], exp)]
    if ones and not fitting:
        return _extra_axis_and_more(ev, found, ones[0])
    if fitting:
        axis = fitting[0]
        squeezed = found[:axis] + found[axis + 1 :]
        return Diagnosis(
            "extra-axis",
            "data",
            f"one axis too many ({len(found)} axes instead of {len(exp)})",
            f"{fmt(found)} has an extra size-1 axis {axis} (often np.expand_dims or a reshape "
            f"after pad_sequences, which already returns a batch); without it the data is "
            f"{fmt(squeezed)}.",
            f"x = np.squeeze(x, axis={axis if axis < len(found) - 1 else -1})",
            exp,
            found,
            axis,
        )
    if len(found) < 3:  # a 2-D array for a 1-D input: nothing to merge
        return other_rank(ev, found)
    rows, cols = found[1], found[2]
    if len(exp) == 2 and rows is not None and cols is not None and exp[1] == rows * cols:
        return Diagnosis(
            "extra-axis",
            "data",
            f"one axis too many ({len(found)} axes instead of {len(exp)})",
            f"the model takes {fmt(exp)}, samples of {exp[1]} values in a row, and the data "
            f"is {fmt(found)}: {rows} x {cols} values per sample, the same values not yet "
            "flattened.",
            "x = x.reshape(len(x), -1)   # each sample flattened",
            exp,
            found,
            None,
        )
    if len(exp) == 2 and exp[1] is not None and fits(found[:-1], exp):
        return _values_per_position(exp, found)
    if not fits(found[:1] + found[2:], exp):  # merging the leading axes would not fit
        return other_rank(ev, found)
    return Diagnosis(
        "extra-axis",
        "data",
        f"one axis too many ({len(found)} axes instead of {len(exp)})",
        f"the model takes {fmt(exp)} and the data is {fmt(found)}: the two leading axes "
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


def _extra_axis_and_more(ev: Evidence, found: Shape, axis: int) -> Diagnosis:
    """A size-1 axis too many, and without it the data still differs from what the model
    takes: no squeeze alone makes it fit, and the fix says so."""
    exp = ev.expected
    squeezed = found[:axis] + found[axis + 1 :]
    where = [
        a
        for a, (e, f) in enumerate(zip(exp, squeezed, strict=True))
        if None not in (e, f) and e != f
    ]
    at = where[0]
    return Diagnosis(
        "features" if at == len(exp) - 1 else "extra-axis",
        "data",
        f"one axis too many, and {squeezed[at]} where the model takes {exp[at]} (axis {at})",
        f"{fmt(found)} has an extra size-1 axis {axis}; without it the data is "
        f"{fmt(squeezed)}, which still differs from the model's {fmt(exp)} in axis {at}: the "
        "data was prepared for another model (another preprocessing, or another version of "
        "the model file).",
        f"prepare the data as the model was trained ({exp[at]} on axis {at}), then drop the "
        f"extra axis (np.squeeze(x, axis={axis if axis < len(found) - 1 else -1})); or load "
        "the model that matches this data",
        exp,
        found,
        at,
    )


def _values_per_position(exp: Shape, found: Shape) -> Diagnosis:
    """(samples, T, k) into a model that takes (samples, T): k values at each position where
    it takes one, as an Embedding does (one id per step): one-hot ids, or k features for a
    model declared without them."""
    t, k = exp[1], found[-1]
    return Diagnosis(
        "extra-axis",
        "data",
        f"the data has {k} values at each of {t} positions where the model takes one",
        f"the model takes {fmt(exp)}, one value (an id, for an Embedding) at each of {t} "
        f"positions, and the data is {fmt(found)}: {k} values at each, one-hot ids or "
        "features.",
        f"x = np.argmax(x, axis=-1)   # one-hot {fmt(found)} -> ids {fmt(found[:-1])}",
        exp,
        found,
        len(found) - 1,
        (
            Alternative(
                "model-structure",
                f"declare the input as keras.Input(shape=({t}, {k})) and remove the Embedding "
                "(an LSTM takes the features of each step as they are)",
                "if each step holds real-valued features, not a one-hot id",
            ),
        ),
        decides="what a step of x holds: a single 1 among zeros (x.sum(axis=-1) all 1) is "
        "a one-hot id; other values are features",
        when="if each step of x is one-hot",
    )


def other_rank(ev: Evidence, found: Shape) -> Diagnosis:
    exp = ev.expected
    if len(found) == 1 and len(exp) == 3 and exp[2] == 1:
        return _one_series(ev, found)
    if len(exp) == 5 and len(found) == 3 and found[-1] in (1, 3, 4) and None not in found:
        return Diagnosis(  # one image where a ConvLSTM2D takes batches of sequences of frames
            "missing-batch",
            "data",
            "one frame where the model takes batches of sequences of frames",
            f"the model takes (samples, time, rows, cols, channels); {fmt(found)} is one "
            "image: it lacks both the batch and the time axis.",
            "x = x[None, None]   # (1, 1, rows, cols, channels); for a sequence of frames: "
            "x = np.stack(frames)[None]",
            exp,
            found,
            0,
        )
    kind = "missing-axis" if len(found) < len(exp) else "extra-axis"
    return Diagnosis(
        kind,
        "data",
        f"{len(found)} axes instead of {len(exp)}",
        f"the model takes {fmt(exp)} and the data is {fmt(found)}.",
        f"give x the model's {len(exp)} axes, {fmt(exp)}, the batch first; which axes are "
        "missing or extra depends on what the data holds",
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
            f"{fmt(found)} is one sequence of {n} values; the model takes {fmt(ev.expected)}: "
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
        f"{fmt(found)} is {n} values in a row; the model takes {fmt(ev.expected)}: "
        f"samples of {t} timesteps with one feature each. Cut the series into windows.",
        ev.fixes.window(t, 1, one_d=True),
        ev.expected,
        found,
        None,
    )


def _column_of_sequences(ev: Evidence, found: Shape, table: Diagnosis) -> Diagnosis:
    """(N, 1) read from a message: a one-column table, or a column whose cells each hold a
    whole sequence (an object array, from a DataFrame of lists). Only the dtype decides,
    and a message does not say it (check reads it)."""
    if found[-1] != 1 or not ev.fixes.pasted:
        return table
    steps = ev.expected[1]
    tail = "[..., np.newaxis]" if ev.expected[-1] == 1 else ""
    pad = (
        f"x = keras.utils.pad_sequences(list(x[:, 0]), maxlen={ev.fixes.maxlen(steps)}, "
        f"dtype='float32'){tail}"
    )
    why = (
        "if x.dtype == object: each row holds a whole sequence (a column of lists); "
        f"{ev.fixes.check()} reads it"
    )
    return replace(table, alternatives=(*table.alternatives, Alternative("ragged", pad, why)))
