"""How the model is built and wired: inputs counted, arguments removed, cells shared,
layers that need another rank."""

from __future__ import annotations

import re
from dataclasses import replace

from ...model.spec import Shape, fmt_shape
from .. import diagnosis as D
from .. import target_diagnosis as T
from ..diagnosis import Alternative, Diagnosis
from ..error_text import Context, parse_shape
from .cells import _LOSS_NODE


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
        # NumPy 1.24+ says how far the array is regular: (n,) is n sequences of other lengths
        said = re.search(r"detected shape was \(([\d, ]*)\) \+ inhomogeneous", ctx.raw)
        regular = parse_shape(said.group(1)) if said else None
        return replace(D.ragged(None, ctx.fixes), found=regular)
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
