"""TF1 graphs: a value fed to a placeholder of another shape (Cannot feed value)."""

from __future__ import annotations

import math
import re
from dataclasses import replace

from ...model.spec import Shape, fmt_shape
from .. import diagnosis as D
from .. import shape_diagnosis as S
from ..diagnosis import Alternative, Diagnosis, Evidence
from ..error_text import Context, parse_shape
from .inputs import _evidence


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
    return D.other_images(
        f"flattened images of {pixels} for a graph declared for {size}",
        f"each row of {fmt_shape(found)} holds {found[1]} = {pixels} values: a flattened "
        f"image; the graph was declared for images of {size} ({expected[1]} values).",
        f"declare the input for these images, tf.placeholder(tf.float32, [{batch}, "
        f"{found[1]}]) (every size computed from it too), and train the graph on them",
        f"resize every image to {h} x {h} before flattening it "
        f"(tf.image.resize(images, ({h}, {h})))",
        (expected, found, 1),
        f"{h} x {h}",
        what="graph",
    )


def _ids_or_features(ev: Evidence, found: Shape) -> Diagnosis:
    """A 2-D placeholder of a sequence model holds token ids, one per timestep (an RNN's
    vectors come in a 3-D one); a table of features is the other reading."""
    ids = S.diagnose_shape(replace(ev, time_axis=True))
    table = S.diagnose_shape(replace(ev, time_axis=False))
    if ids.kind == table.kind:
        return ids
    # the table is the competing reading: before the ids' own (windows, a longer model)
    more = Alternative(table.kind, table.fix, "if axis 1 holds features, not token ids")
    return replace(ids, alternatives=(more, *ids.alternatives))


def _keras0_previous(m: re.Match[str], ctx: Context) -> Diagnosis | None:
    found = parse_shape(m.group(2))
    return D.model_structure(
        Evidence((None,) * int(m.group(1)), found, building=True, fixes=ctx.fixes), "recurrent"
    )
