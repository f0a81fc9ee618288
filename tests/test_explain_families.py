"""Families of messages `explain` reads by what they state (issue #28): each wording with the
kind, culprit and fix the evidence supports."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lstmdiag.judge.diagnosis import Diagnosis
from lstmdiag.judge.explain import explain

TEXTS = Path(__file__).resolve().parent / "texts"

CASES = [
    # Keras 1 and 2.0 print whole shapes, the batch first; Keras 2.1+ without it
    ("Error when checking model target: expected activation_1 to have shape (2688, 96, 96) "
     "but got array with shape (2688, 96, 1)", "target", "data",
     "y = keras.utils.to_categorical(y, 96)", (2688, 96, 96)),
    ("Error when checking target: expected activation_1 to have shape (96, 96) but got array "
     "with shape (96, 1)", "target", "data", "y = keras.utils.to_categorical(y, 96)",
     (None, 96, 96)),
    ("ValueError: Error when checking model input: expected input_1 to have shape (32, 10, 8) "
     "but got array with shape (1, 10, 8)", "batch", "model",
     "build the same layers with batch_input_shape=(1, 10, 8)",
     (32, 10, 8)),
    # Theano's matrix product in the recurrent step: two batch sizes
    ("ValueError: dimension mismatch in args to gemm (2000,64)x(64,64)->(5,64)", "batch",
     "model", "rebuild the model for the batch you feed", None),
    ("Exception: This model has not yet been built. Build the model first by calling build()",
     "model-structure", "model", "start the model with keras.Input(shape=", None),
    ("TypeError: The first layer in a Sequential model must get an `input_shape` or "
     "`batch_input_shape` argument.", "model-structure", "model", "start the model with", None),
    ("TypeError: index must be integers", "dtype", "data", "x = x.astype('int32')", None),
    ("TypeError: Value passed to parameter 'indices' has DataType float32 not in list of "
     "allowed values: int32, int64", "dtype", "data", "x = x.astype('int32')", None),
    ("UnimplementedError: TensorArray has size zero, but element shape <unknown> is not fully "
     "defined.", "empty", "data", "drop empty sequences before padding", None),
    # fewer arrays than the model has inputs: some were left out
    ("ValueError: Error when checking model input: the list of Numpy arrays that you are "
     "passing to your model is not the size the model expected. Expected to see 2 array(s), "
     "but instead got the following list of 1 arrays: [array([[1]])]", "input-count", "data",
     "pass one array per input", None),
    # the loss's own checks, as real Keras words them (provoked in keras_target_child.py)
    ("InvalidArgumentError: Received a label value of 5 which is outside the valid range of "
     "[0, 5).  Label values: 2 1 2 1 3 4 0 5", "target", "model", "Dense(6, ...) for the "
     "output layer", None),
    # a CTC sample with no label (its transcription empty or unparsed)
    ("InvalidArgumentError: Labels length is zero in batch 25 [[{{node CTCLoss}}]]", "empty",
     "data", "drop the samples whose label is empty", None),
    # Keras 1: a first layer that builds its weights from the time length it was not given
    ("Exception: Layer timedistributeddense_1 requires to know the length of its input, but "
     "it could not be inferred automatically.", "model-structure", "model",
     "declare the time length on the first layer: input_length=T", None),
    # a page that lowercased Keras's text: 'none' is still a free axis
    ("expected shape=(none, 833, 1), found shape=(none, 12, 1)", "timesteps", "data", "",
     (None, 833, 1)),
    # the sparse loss flattens per-step logits: rows a multiple of the labels (32 x 2000)
    ("logits and labels must have the same first dimension, got logits shape [64000,4] and "
     "labels shape [32]", "model-structure", "model", "reduce the time axis before the output",
     None),
    # a matrix multiply in keras-contrib's CRF loss: integer tags for a one-hot CRF
    ("InvalidArgumentError: Matrix size-incompatible: In[0]: [1408,1], In[1]: [5,5] "
     "[[{{node loss/crf_1_loss/MatMul_1}}]]", "target", "model", "build the layer with "
     "CRF(..., sparse_target=True)", None),
    # a Dense fed by the data: its 2-D features
    ("InvalidArgumentError:  Matrix size-incompatible: In[0]: [47,1000], In[1]: [4096,256]\n"
     "\t [[node model/dense/Relu (defined at x.py:9) ]]", "features", "data", "build the "
     "features", (None, 4096)),
    # real tf-keras: a Flatten over 5 of the 10 trained steps, then Dense (40 = 5 x 8 wide
    # where the kernel wants 80): features first, a flattened time axis the alternative
    ("InvalidArgumentError: Matrix size-incompatible: In[0]: [2,40], In[1]: [80,1]\n"
     "\t [[{{node model/dense/BiasAdd}}]]", "features", "data", "build the features",
     (None, 80)),
    # a rank-only target check: the output's rank is what is known
    ("ValueError: Error when checking target: expected dense_1 to have 3 dimensions, but got "
     "array with shape (100, 148)", "target", "data", "y = y[..., np.newaxis]",
     (None, None, None)),
    # the same label with no 0 among the values shown: 1-based class ids
    ("InvalidArgumentError: Received a label value of 5 which is outside the valid range of "
     "[0, 5).  Label values: 2 1 2 1 3 4 5 5", "target", "data", "y = y - 1", None),
    ("InvalidArgumentError: Received a label value of 9 which is outside the valid range of "
     "[0, 5).", "target", "model", "give the output layer one unit per class: Dense(10)", None),
    ("InvalidArgumentError: Received a label value of -1 which is outside the valid range of "
     "[0, 5).", "target", "data", "remove or re-map the negative labels", None),
    ("ValueError: `labels.shape` must equal `logits.shape` except for the last dimension. "
     "Received: labels.shape=(40,) and logits.shape=(8, 5)", "target", "data",
     "y = y.argmax(axis=-1)   # one class id per sample; or keep y and compile with "
     "loss='categorical_crossentropy'", (8, 5)),
    ("ValueError: Argument `output` must have rank (ndim) `target.ndim - 1`. Received: "
     "target.shape=(8, 5), output.shape=(8, 5)", "target", "data",
     "y = y.argmax(axis=-1)", (8, 5)),
    ("ValueError: logits and labels must have the same first dimension, got logits shape "
     "[8,5] and labels shape [40]", "target", "data", "y = y.argmax(axis=-1)", None),
    ("ValueError: `logits` and `labels` must have the same shape, received ((8, 10) vs (8, "
     "1)).", "target", "model", "end the model with Dense(1, activation='sigmoid')", (8, 10)),
    ("ValueError: Dimensions must be equal, but are 10 and 20 for '{{node mean_squared_error/"
     "SquaredDifference}} = SquaredDifference[T=DT_FLOAT](sequential_3/dense_3/BiasAdd, "
     "IteratorGetNext:1)' with input shapes: [8,10], [8,20].", "target", "data",
     "build y with 10 columns, as the model was designed", (8, 10)),
    ("ValueError: Dimensions must be equal, but are 20 and 10 for '{{node compile_loss/mse/sub}}"
     " = Sub[T=DT_FLOAT](data_1, sequential_3_1/dense_3_1/BiasAdd)' with input shapes: [8,20], "
     "[8,10].", "target", "data", "build y with 10 columns, as the model was designed", (8, 10)),
    ("ValueError: Failed to find data adapter that can handle input: <class 'numpy.ndarray'>, "
     "(<class 'list'> containing values of types {\"<class 'int'>\"})", "dtype", "data",
     "y = np.asarray(y, dtype='float32')", None),
    ("ValueError: Unrecognized data type: x=[[0.0, 1, 2], [1, 2, 3]] (of type <class 'list'>)",
     "dtype", "data", "x = np.asarray(x, dtype='float32')", None),
    ("ValueError: A `Concatenate` layer requires inputs with matching shapes except for the "
     "concatenation axis. Received: input_shape=[(None, 6, 4), (None, 4)]", "model-structure",
     "model", "give the branches the same shape", None),
    ("ValueError: Input arrays should have the same number of samples as target arrays. Found "
     "100 input samples and 90 target samples.", "cardinality", "data", "give x and y the same",
     None),
    ("ValueError: could not broadcast input array from shape (10,8) into shape (10,)", "ragged",
     "data", "x = keras.utils.pad_sequences(", None),
    # only the title, for a stacked recurrent layer (its input came from the one before)
    ('ValueError: Input 0 of layer "gru_1" is incompatible with the layer', "model-structure",
     "model", "set return_sequences=True on every stacked recurrent layer", None),
    ("ValueError: Input dimension mis-match. (input[0].shape[0] = 10, input[1].shape[0] = 1)",
     "batch", "data", "feed batches of the model's size: model.predict(x, batch_size=10)", None),
    ("Exception: Error when checking model input: the list of Numpy arrays that you are passing "
     "to your model is not the size the model expected. Expected to see 1 arrays but instead got "
     "the following list of 100 arrays : [array([1])]", "input-count", "data",
     "x = np.array(x)", None),
    # no batch reached the model: Keras 3, tf.keras 2.4-2.12, an empty Sequence
    ("ValueError: Expected input data to be non-empty.", "empty", "data", "check len(x)", None),
    ("ValueError: Unexpected result of `predict_function` (Empty batch_outputs). Please use "
     "`Model.compile(..., run_eagerly=True)`", "empty", "data", "check len(x)", None),
    ("ValueError: Asked to retrieve element 0, but the Sequence has length 0", "empty", "data",
     "check len(x)", None),
    # a TimeDistributed is fed by a layer: the recurrent one before it returns no sequence
    ('ValueError: Input 0 of layer "time_distributed" is incompatible with the layer: expected '
     "ndim=3, found ndim=2. Full shape received: (None, 64)", "model-structure", "model",
     "time_distributed applies its layer at every timestep", None),
    ("InvalidArgumentError: logits and labels must be broadcastable: logits_size=[32,10] "
     "labels_size=[32,1]", "target", "data", "y = keras.utils.to_categorical(y, 10)", None),
    ('  File "t.py", line 3, in <module>\n    model.add(LSTM(1024, input_shape=1))\nTypeError: '
     "'int' object is not iterable", "model-structure", "model",
     "give the shape of one sample as a tuple", None),
    ("ValueError: `validation_split` is only supported for Tensors or NumPy arrays, found "
     "following types in the input: [<class 'list'>]", "dtype", "data", "x = np.asarray(x)",
     None),
    # tf-keras and Keras 3 build TimeDistributed on LSTM(8) without return_sequences
    ("ValueError: `TimeDistributed` Layer should be passed an `input_shape ` with at least 3 "
     "dimensions, received: (None, 8)", "model-structure", "model",
     "set return_sequences=True on the layer before TimeDistributed", (None, None, None)),
    # an attention score: every step (3-D) against the last hidden state (2-D), both batched
    ("ValueError: Shape must be rank 2 but is rank 3 for 'attention_score/MatMul' (op: "
     "'MatMul') with input shapes: [?,20,32], [?,32].", "model-structure", "model",
     "give the 2-D one a trailing axis before the product: keras.layers.Reshape((32, 1))",
     (None, 32, 1)),
    # a square 2-D array into a 3-D model: one sample's (T, F), four stacked states of four
    ("ValueError: Error when checking input: expected input_1 to have 3 dimensions, but got "
     "array with shape (4, 4)", "missing-batch", "data", "x = np.expand_dims(x, 0)", None),
    # TF1's dynamic_rnn on a placeholder [None, None, None] (checked in TF 2.21's compat.v1)
    ("ValueError: Input size (depth of inputs) must be accessible via shape inference, but saw "
     "value None for input=Tensor(\"rnn/transpose:0\", shape=(None, None, None))",
     "unknown-rank", "data", "give the inputs their feature size before the RNN: "
     "inputs.set_shape([None, None, features])", (None, None, None)),
    # Keras 2's stateful check: in fit the batch is not printed, in predict it is
    ("ValueError: In a stateful network, you should only pass inputs with a number of samples "
     "that can be divided by the batch size. Found: 1000 samples", "batch", "data",
     "n = len(x) // B * B; model.fit(x[:n], y[:n], batch_size=B)   # leaves out the last "
     "len(x) % B samples", None),
    ("ValueError: In a stateful network, you should only pass inputs with a number of samples "
     "that can be divided by the batch size. Found: 167 samples. Batch size: 32.", "batch",
     "data", "x = np.concatenate([x, np.zeros((25, *x.shape[1:]), x.dtype)])   # 167 -> 192", None),
    # Keras 0.x checks ranks as layers are connected: an Embedding (or Dense) before vectors
    ("Exception: Invalid input shape - Layer expects input ndim=2, was provided with input "
     "shape (None, 50, 300)", "model-structure", "model", "the data already holds vectors: "
     "drop that layer and begin with the recurrent one, LSTM(units, input_shape=(50, 300))",
     (None, None)),
    ("ValueError: Input 0 is incompatible with layer embedding_1: expected ndim=2, found "
     "ndim=3", "model-structure", "model", "an Embedding looks up integer ids", (None, None)),
    # a weighted loss meets one value per sample from two batch sizes (32: fit's default)
    ("InvalidArgumentError: Incompatible shapes: [32] vs. [64]\n\t [[{{node loss/dense_loss/"
     "mul}}]]", "batch", "model", "declare one sample's shape without the batch", None),
    ("InvalidArgumentError: Incompatible shapes: [32] vs. [64]\n [[{{node loss/dense_loss/mul}}"
     "]]\nmodel.add(LSTM(4, stateful=True, batch_input_shape=(64, 10, 1)))", "batch", "data",
     "n = len(x) // 64 * 64; model.fit(x[:n], y[:n], batch_size=64)", None),
    # Theano's training function takes [x, y, weights]: index 1 is the targets
    ("TypeError: ('Bad input argument to theano function with name \"keras/backend/theano_"
     "backend.py:380\" at index 1(0-based)', 'Wrong number of dimensions: expected 3, got 2 "
     "with shape (64, 5).')", "target", "data", "y = y[..., np.newaxis]", None),
    ("ValueError: Reshape: cannot reshape input of shape (700, 128) to shape (-1, 30, 128)",
     "timesteps", "data", "x = keras.utils.pad_sequences(list(x), maxlen=30", (None, 30, 128)),
    ("ValueError: non-broadcastable output operand with shape (500,1) doesn't match the "
     "broadcast shape (500,4)", "features", "data", "fit a scaler on the target alone", None),
    ("UnimplementedError:  Cast string to float is not supported\n\t [[{{node Cast}}]]",
     "dtype", "data", "clean the values before converting", None),
    # Keras 1/2.0 print the whole shape: batch_input_shape=(T, F, 1) for (N, T, F) data
    ("ValueError: Error when checking model input: expected lstm_input_1 to have shape (100, "
     "8, 1) but got array with shape (500, 100, 8)", "model-structure", "model",
     "declare one sample's shape: input_shape=(100, 8) (keras.Input(shape=(100, 8))), not "
     "batch_input_shape=(100, 8, 1)", (100, 8, 1)),
    # a convolution or pooling window longer than the steps that reach it
    ("ValueError: Negative dimension size caused by subtracting 3 from 1 for '{{node conv1d/"
     "conv1d}} = Conv2D[T=DT_FLOAT](conv1d/conv1d/ExpandDims, conv1d/conv1d/ExpandDims_1)' "
     "with input shapes: [?,1,1,5], [1,3,5,64].", "model-structure", "model",
     "give the convolutions and poolings padding='same'", None),
    ("ValueError: Negative dimension size caused by subtracting 2 from 1 for 'max_pooling1d_2/"
     "MaxPool' (op: 'MaxPool') with input shapes: [?,1,1,64].", "model-structure", "model",
     "give the convolutions and poolings padding='same', use fewer poolings or smaller "
     "kernel_size/pool_size (at most 1)", None),
    # cuDNN prints the state given, then the one the batch needs
    ("InvalidArgumentError: Invalid input_h shape: [1,33,16] [1,32,16]", "batch", "data",
     "n = len(x) // 33 * 33; model.fit(x[:n], y[:n], batch_size=33)", None),
    ("ValueError: Shape must be rank 3 but is rank 2 for '{{node lstm/transpose}} = Transpose"
     "[T=DT_FLOAT, Tperm=DT_INT32](lstm/Cast, lstm/transpose/perm)' with input shapes: [?,10],"
     " [3].", "missing-axis", "data", "x = np.lib.stride_tricks.sliding_window_view(",
     (None, None, None)),
    ("ValueError: Shape must be rank 3 but is rank 2 for 'lstm_1/transpose' (op: 'Transpose') "
     "with input shapes: [?,64], [3].", "model-structure", "model",
     "set return_sequences=True on every stacked recurrent layer", (None, None, None)),
    # tf-keras: Shapes (y) and (output): per-step targets against one prediction per sequence
    ("ValueError: Shapes (32, 10, 1) and (32, 1) are incompatible", "model-structure", "model",
     "set return_sequences=True on the last recurrent layer", (32, 1)),
    ("InvalidArgumentError:  required broadcastable shapes\n\t [[node mean_squared_error/"
     "SquaredDifference (defined at <ipython-input-5>:10) ]]", "target", "data",
     "shape y like the model's output", None),
    # layers around the recurrent ones that need (or refuse) its time axis
    ("ValueError: Input 0 of layer repeat_vector is incompatible with the layer: expected "
     "ndim=2, found ndim=3. Full shape received: (None, 10, 64)", "model-structure", "model",
     "repeat_vector repeats one vector per sample (batch, features): set "
     "return_sequences=False", (None, None)),
    ("ValueError: Input 0 is incompatible with layer flatten_1: expected min_ndim=3, found "
     "ndim=2", "model-structure", "model", "flatten_1 reads a time axis: set "
     "return_sequences=True on the recurrent layer before it", (None, None, None)),
    ("ValueError: Input 0 of layer global_average_pooling1d is incompatible with the layer: "
     "expected ndim=3, found ndim=2. Full shape received: (None, 64)", "model-structure",
     "model", "global_average_pooling1d reads a time axis", (None, None, None)),
    ("ValueError: Expect x to be a non-empty array or dataset.", "empty", "data",
     "check len(x) and len(y)", None),
    # numpy's reshape into (samples, T, F): one window from a series, or rows into windows
    ("ValueError: cannot reshape array of size 9 into shape (1,10,1)", "timesteps", "data",
     "give the window 10 steps (9 steps now: a longer history or date range), then x = "
     "np.reshape(x, (-1, 1))[-10:].reshape(1, 10, 1)", (1, 10, 1)),
    ("ValueError: cannot reshape array of size 3360 into shape (1,60,1)", "timesteps", "data",
     "x = np.reshape(x, (-1, 1))[-60:].reshape(1, 60, 1)   # the last 60 of 3360 steps",
     (1, 60, 1)),
    ("ValueError: cannot reshape array of size 9 into shape (1,10,10)", "timesteps", "data",
     "give the window 10 steps of 10 features (9 values now", (1, 10, 10)),
    ("    x = x.reshape(-1, 10, 1)\nValueError: cannot reshape array of size 1005 into shape "
     "(10,1)", "timesteps", "data", "x = np.lib.stride_tricks.sliding_window_view(np.ravel(x), "
     "10)[..., None].copy()   # (1005 - 10 + 1, 10, 1)", (None, 10, 1)),
    ("----> 1 x_test = np.reshape(x_test, (x_test.shape[0], x_test.shape[1], 1))\n\nIndexError: "
     "tuple index out of range", "empty", "data", "print(x_test.shape) after each step", None),
    ("Exception: Input 0 is incompatible with layer dense_2: expected dtype=float32, found "
     "dtype=float64", "dtype", "model", "pass plain Python numbers to the layers", None),
    # (n, T, 1) against (n, T): the prediction comes first in a loss or metric
    ("InvalidArgumentError: Incompatible shapes: [100,24,1] vs. [100,24]", "target", "data",
     "y = y[..., np.newaxis]", None),
    ("InvalidArgumentError: Incompatible shapes: [100,24] vs. [100,24,1]", "target", "data",
     "y = np.squeeze(y, axis=-1)", None),
    # a lookup in a loss's node is a label; in a traceback's code lines, 'loss' says nothing
    ("InvalidArgumentError: indices[3,1] = 509 is not in [0, 500) [[{{node loss_6/dense_14_"
     "loss/embedding_lookup}}]]", "target", "data", "give the output layer as many units", None),
    ("InvalidArgumentError: indices[26,0] = 700 is not in [0, 500)\n---> 21     out = dec(x)\n"
     "     23     loss += loss_function(y, out)", "vocab", "data", "use the tokenizer", None),
    ("UnboundLocalError: local variable 'logs' referenced before assignment", "empty", "data",
     "check len(x) and len(y)", None),
    ("TypeError: Expected float32, got 'abc' of type 'str' instead.", "dtype", "data",
     "clean the values before converting", None),
    ("InvalidArgumentError: Incompatible shapes: [32,1] vs. [32,10]", "target", "model",
     "end the model with Dense(10, activation='softmax')", None),
    ("AttributeError: 'list' object has no attribute 'shape'", "dtype", "data",
     "x = np.asarray(x, dtype='float32')", None),
    ("ValueError: logits and labels must have the same shape ((None, 1) vs (None, 10))",
     "target", "model", "end the model with Dense(10, activation='softmax')", (None, 1)),
    # a size-1 axis after the channels the layer takes (np.expand_dims(x, -1) on RGB images)
    ("ValueError: Input 0 of layer sequential_1 is incompatible with the layer: expected axis "
     "-1 of input shape to have value 3 but received input with shape [None, 64, 64, 3, 1]",
     "extra-axis", "data", "x = np.squeeze(x, axis=-1)", (None, None, None, 3)),
    # Keras 3's TimeDistributed and a mask of another length: 3.8 and 3.15 wordings
    ("ValueError: `TimeDistributed` Layer should be passed a `mask` of shape (2, 7, ...), "
     "received: mask.shape=(2, 9)", "timesteps", "data", "make the mask from the same padded "
     "input as x", (2, 7)),
    ("ValueError: The `mask` passed to the `TimeDistributed` layer has a shape (3, 7) that "
     "is incompatible with the input shape (2, 7, 4). The first two dimensions of the mask "
     "(batch size and timesteps) must match the input's first two dimensions. Expected mask "
     "shape prefix: (2, 7).", "batch", "data", "make the mask from the same padded", (2, 7)),
    # tf-keras's initial_state check: a sequence as the state, states of other units, too few
    ("ValueError: An `initial_state` was passed that is not compatible with `cell.state_size`. "
     "Received `state_spec`=ListWrapper([InputSpec(shape=(None, 20, 32), ndim=3)]); however "
     "`cell.state_size` is [32, 32]", "model-structure", "model",
     "return the encoder's final states, not its output: _, h, c = LSTM(32, return_state=True)",
     (None, 32)),
    ("ValueError: An `initial_state` was passed that is not compatible with `cell.state_size`. "
     "Received `state_spec`=ListWrapper([InputSpec(shape=(None, 16), ndim=2), InputSpec(shape="
     "(None, 16), ndim=2)]); however `cell.state_size` is [32, 32]", "model-structure",
     "model", "give the decoder the encoder's units: LSTM(16)", (None, 32)),
    ("ValueError: An `initial_state` was passed that is not compatible with `cell.state_size`. "
     "Received `state_spec`=ListWrapper([InputSpec(shape=(None, 32), ndim=2)]); however "
     "`cell.state_size` is [32, 32]", "model-structure", "model",
     "pass every state the layer takes: initial_state=[h, c]", None),
    # a layer's build reads axis 2 of a 2-D tensor (an attention layer after LSTM(units))
    ('  File "attention.py", line 40, in build\n    dim = int(input_shape[2])\nIndexError: '
     "tuple index out of range", "model-structure", "model",
     "return the sequence from the layer before it", None),
    ('    steps = int(inputs.shape[1])\n  File "/tf/python/framework/tensor_shape.py", line 9, '
     "in __getitem__\n    return self._dims[key]\nIndexError: list index out of range",
     "model-structure", "model", "return the sequence from the layer before it", None),
    # the same index on the data: an empty windowing result (its axis 1 is what fails)
    ("----> 1 x = np.reshape(x, (x.shape[0], x.shape[1], 1))\n\nIndexError: tuple index out "
     "of range", "empty", "data", "print(x.shape) after each step", None),
    # Keras 2's target check names a regression loss: the output's width, not class ids
    ("ValueError: A target array with shape (12, 1) was passed for an output of shape (None, "
     "4) while using as loss `mean_squared_error`. This loss expects targets to have the same "
     "shape as the output.", "target", "model", "end the model with Dense(1)", (None, 4)),
    ("ValueError: A target array with shape (12, 1) was passed for an output of shape (None, "
     "4) while using as loss `categorical_crossentropy`. This loss expects targets to have "
     "the same shape as the output.", "target", "data", "y = keras.utils.to_categorical(y, 4)",
     (None, 4)),
    # masks read in colour for a one-channel segmentation output
    ("ValueError: A target array with shape (4, 64, 64, 3) was passed for an output of shape "
     "(None, 64, 64, 1) while using as loss `binary_crossentropy`. This loss expects targets "
     "to have the same shape as the output.", "target", "data", "read the masks as one "
     "channel", (None, 64, 64, 1)),
    # a target of no axes: the dataset yields single samples (not batched)
    ("ValueError: Shapes () and (None, 1) must have the same rank", "missing-batch", "data",
     "ds = ds.batch(32)", (None, 1)),
    # ImageDataGenerator.fit: empty images, or grey images without their channel axis
    ("ValueError: Input to `.fit()` should have rank 4. Got array with shape: (0,)", "empty",
     "data", "check what x was loaded from", (None, None, None, None)),
    ("ValueError: Input to `.fit()` should have rank 4. Got array with shape: (50, 28, 28)",
     "missing-axis", "data", "x = x[..., None]", (None, None, None, None)),
    # CTC: no output unit left for the blank
    ("InvalidArgumentError: Saw a non-null label (index >= num_classes - 1) following a null "
     "label, batch: 3 num_classes: 40 labels: 5,39", "target", "model",
     "give the output layer one unit more than the vocabulary", None),
    # Keras 2: a list of losses for another number of outputs
    ("ValueError: When passing a list as loss, it should have one entry per model outputs. "
     "The model has 2 outputs, but you passed loss=['mse']", "model-structure", "model",
     "pass one loss per output (a list of 2", None),
    # a Dense given a 1-D array: n samples of one value, or one sample (both named)
    ('ValueError: Input 0 of layer "dense" is incompatible with the layer: expected '
     "min_ndim=2, found ndim=1. Full shape received: (7,)", "missing-axis", "data",
     "x = np.expand_dims(x, -1)", (None, None)),
    # rows of features into (samples, 1, features): one timestep each, or a Dense model
    # declared with a time axis it does not use
    ('ValueError: Input 0 of layer "sequential" is incompatible with the layer: expected '
     "shape=(None, 1, 5), found shape=(None, 5)", "missing-axis", "data", "x = x[:, None, :]",
     (None, 1, 5)),
    # images of another height and width: a model declared for other images (channels last
    # or first), or images to resize
    ('ValueError: Input 0 of layer "sequential" is incompatible with the layer: expected '
     "shape=(None, 28, 28, 1), found shape=(None, 64, 48, 3)", "model-structure", "model",
     "declare the model's input for these images: input_shape=(64, 48, 3)",
     (None, 28, 28, 1)),
    ("ValueError: Error when checking input: expected input_1 to have shape (3, 32, 32) but "
     "got array with shape (3, 96, 96)", "model-structure", "model",
     "declare the model's input for these images: input_shape=(3, 96, 96)", (None, 3, 32, 32)),
    # TF1's feed as retyped: no space before the shape, 'tensor' in lower case
    ("ValueError: Cannot feed value of shape(8,32,32) for tensor 'images:0', which has shape "
     "'(8,32,32,1)'", "missing-axis", "data", "x = np.expand_dims(x, -1)", (8, 32, 32, 1)),
    # a label of no axes (pr007 raised IndexError before): not batched, or one per batch
    ("ValueError: `logits` and `labels` must have the same shape, received ((None, 1) vs ()).",
     "missing-batch", "data", "ds = ds.batch(32)", (None, 1)),
    # the rank-only error reads the input's whole shape from tf.keras's warning before it
    ("WARNING:tensorflow:Model was constructed with shape (None, None, None, 3) for input "
     "KerasTensor(type_spec=TensorSpec(shape=(None, None, None, 3), dtype=tf.float32, "
     "name='input_1'), name='input_1'), but it was called on an input with incompatible "
     "shape (48, 640, 3).\nValueError: Input 0 of layer stem_conv is incompatible with the "
     "layer: : expected min_ndim=4, found ndim=3. Full shape received: (48, 640, 3)",
     "missing-batch", "data", "x = np.expand_dims(x, 0)", (None, None, None, 3)),
    # images given as the targets of a model that outputs k values per sample
    ("ValueError: A target array with shape (40, 64, 64, 3) was passed for an output of shape "
     "(None, 4) while using as loss `mean_squared_error`. This loss expects targets to have "
     "the same shape as the output.", "target", "data", "y = the labels of the images",
     (None, 4)),
    # a sparse loss given a 64 x 64 mask per image for one prediction per image
    ("InvalidArgumentError: logits and labels must have the same first dimension, got logits "
     "shape [3,4] and labels shape [12288]", "target", "data", "give y one label per image",
     (3, 4)),
]  # fmt: skip


@pytest.mark.parametrize(("text", "kind", "culprit", "fix", "expected"), CASES)
def test_each_family(
    text: str, kind: str, culprit: str, fix: str, expected: tuple[int | None, ...] | None
) -> None:
    result = explain(text)
    assert result is not None
    d = result.diagnosis
    assert (d.kind, d.culprit) == (kind, culprit), d
    assert d.fix.startswith(fix), d.fix
    if expected is not None:
        assert d.expected == expected


def test_a_dense_width_may_be_a_flattened_time_axis() -> None:
    """A Dense fed another width: its features (u015, confirmed), or a Flatten over another
    number of steps (real tf-keras, 5 of 10 steps: 40 against 80), the alternative."""
    flat = explain("Matrix size-incompatible: In[0]: [2,40], In[1]: [80,1] [[{{node "
                   "model/dense/BiasAdd}}]]")  # fmt: skip
    assert flat is not None and flat.diagnosis.decided
    assert "or a Flatten before it folds a time axis" in flat.diagnosis.cause
    assert [a.kind for a in flat.diagnosis.alternatives] == ["timesteps"]
    assert flat.diagnosis.alternatives[0].fix.endswith("maxlen=model.input_shape[1], "
                                                       "dtype='float32')")  # fmt: skip
    wide = explain("Matrix size-incompatible: In[0]: [47,1000], In[1]: [4096,256] [[node "
                   "model/dense/Relu (defined at x.py:9) ]]")  # fmt: skip
    assert wide is not None and wide.diagnosis.decided
    assert (wide.diagnosis.kind, wide.diagnosis.expected) == ("features", (None, 4096))


def test_a_column_into_a_sequence_model_reads_first_as_unpadded_sequences() -> None:
    """Keras 2 expands a 1-D x to (N, 1) before this check: (375, 1) into a 3-D model is an
    object array of 375 sequences (most often), or one numeric series; only the dtype
    decides, and the message does not say it."""
    result = explain(
        "ValueError: Error when checking input: expected lstm_1_input to have 3 dimensions, but "
        "got array with shape (375, 1)"
    )
    assert result is not None
    d = result.diagnosis
    assert (d.kind, d.fix) == (
        "ragged",
        "x = keras.utils.pad_sequences(list(x), maxlen=model.input_shape[1], dtype='float32')",
    )
    assert d.alternatives[0].kind == "missing-axis"
    assert d.alternatives[0].why == "if x is one numeric series (x.dtype is a number)"
    assert (d.decided, d.when) == (
        False,
        "if x.dtype == object (a list of sequences of different lengths)",
    )
    assert d.decides.startswith("x.dtype: object holds sequences to pad")


def test_keras_3_keeps_a_column_a_column() -> None:
    """Keras 3 adds no axis: (None, 1) there is a real 2-D array, a table."""
    result = explain(
        'ValueError: Input 0 of layer "lstm" is incompatible with the layer: expected ndim=3, '
        "found ndim=2. Full shape received: (None, 1)"
    )
    assert result is not None and result.diagnosis.kind == "missing-axis"


def test_the_title_alone_for_a_first_layer_says_too_little() -> None:
    assert explain('ValueError: Input 0 of layer "gru" is incompatible with the layer') is None
    assert explain("TypeError: 'int' object is not iterable") is None  # no input_shape seen


def test_what_says_too_little_is_declined() -> None:
    assert explain("InvalidArgumentError: required broadcastable shapes [Op:Mul]") is None
    assert explain("InvalidArgumentError: Invalid input_h shape: [1,32,16] [1,32,16]") is None
    assert explain("ValueError: Shapes (3, 3, 64) and (3, 3, 32) are incompatible") is None


def test_gemm_with_one_batch_is_no_batch_problem() -> None:
    assert explain("ValueError: dimension mismatch in args to gemm (5,64)x(32,64)->(5,64)") is None


@pytest.mark.parametrize(
    ("text", "kind", "culprit", "fix"),
    [
        ("ValueError: Variable rnn/basic_lstm_cell/kernel already exists, disallowed. Did you "
         "mean to set reuse=True or reuse=tf.AUTO_REUSE in VarScope?", "model-structure",
         "model", "build each RNN in its own scope: with tf.variable_scope('encoder')"),
        ("TypeError: inputs must be a sequence", "model-structure", "model",
         "inputs = tf.unstack(x, num=timesteps, axis=1) before static_rnn"),
        ("ValueError: Dimensions must be equal, but are 356 and 228 for 'rnn/while/basic_lstm_"
         "cell/MatMul' (op: 'MatMul') with input shapes: [?,356], [228,512].", "model-structure",
         "model", "make a new cell for every layer and every RNN"),
        ("ValueError: Trying to share variable rnn/multi_rnn_cell/cell_0/lstm_cell/kernel, but "
         "specified shape (600, 1200) and found shape (320, 1200).", "model-structure", "model",
         "make a new cell per layer"),
        ("InvalidArgumentError: ConcatOp : Dimensions of inputs should match: shape[0] = [32,50] "
         "vs. shape[1] = [10,128] [[Node: rnn/while/lstm_cell/concat = ConcatV2]]", "batch",
         "model", "make the state from the batch itself: cell.zero_state(tf.shape(x)[0]"),
        ("InvalidArgumentError: logits and labels must be same size: logits_size=[640,10] "
         "labels_size=[32,10]", "target", "data", "one label per sequence: take the last step"),
        ("ValueError: Layer lstm_1 was called with an input that isn't a symbolic tensor. "
         "Received type: <class 'numpy.ndarray'>.", "model-structure", "model",
         "build the model from keras.Input"),
        ("ValueError: The last dimension of the inputs to `Dense` should be defined. Found "
         "`None`.", "model-structure", "model", "end the sequence part with a fixed-size output"),
        ('Exception: Layer is not connected. Did you forget to set "input_shape"?',
         "model-structure", "model", "give the first layer the shape of one sample"),
        ("WARNING:tensorflow:Model inputs must come from `tf.keras.Input` (thus holding past "
         "layer metadata), they cannot be the output of a previous non-Input layer. Here, a "
         'tensor specified as input to "model" was not an Input tensor, it was generated by '
         "layer lstm_1_.", "model-structure", "model", "keep each keras.Input in its own name"),
        ("AssertionError: Incoming Tensor shape must be at least 2-D", "model-structure", "model",
         "set return_seq=False on the last recurrent layer"),
        ("ValueError: Dimension 1 in both shapes must be equal, but are 100 and 10000. Shapes "
         "are [?,100] and [?,10000]. for 'bidirectional_20/while/Select' (op: 'Select')",
         "model-structure", "model", "give that layer compute_mask"),
        ("ValueError: Input 0 is incompatible with layer recurrentcontainer_1: expected "
         "shape=(32, 53, 1024), found shape=(None, 53, 1024)", "batch", "model",
         "declare that Input with the same batch: keras.Input(batch_shape=(32, 53, 1024))"),
        ("ValueError: Cannot feed value of shape (128, 28, 28) for Tensor 'Placeholder:0', "
         "which has shape '(?, 28, 28, 1)'", "missing-axis", "data", "x = np.expand_dims(x, -1)"),
        ("ValueError: Invalid dtype: str32", "dtype", "data", "x = x.astype('float32')"),
        ("UnimplementedError: Cast string to int32 is not supported", "dtype", "data",
         "x = x.astype('float32')"),
        ("ValueError: When using a stateful RNN, batch_input_shape must be provided", "batch",
         "model", "give the batch size"),
        ("<unknown> shape of Tensor, as_list() is not defined on a unknown TensorShape",
         "unknown-rank", "data", "declare the shape"),
        ("ValueError: could not broadcast input array from shape (4794,1) into shape (0,1)",
         "empty", "data", "compute the slice from the arrays themselves"),
        ("ValueError: could not broadcast input array from shape (10,8) into shape (10,)",
         "ragged", "data", "x = keras.utils.pad_sequences(list(x), maxlen=model.input_shape[1]"),
        ("ValueError: Only input tensors may be passed as positional arguments. The following "
         "argument value should be passed as a keyword argument: <GRU name=gru_6, built=False>",
         "model-structure", "model", "call each layer on the previous one's output"),
        ("ValueError: The last dimension of the input shape must be equal to output shape. Use "
         "a linear layer if needed.", "model-structure", "model",
         "put a linear layer with one unit per tag before the CRF"),
        ("AssertionError: LSTMDecoder requires 2D  input, not 3D.", "model-structure", "model",
         "set return_sequences=False on the recurrent layer before it"),
        ("Error when checking target: expected lstm_1 to have 2 dimensions, but got array with "
         "shape (1, 316, 1)", "model-structure", "model", "end the model with a per-step head"),
        ("  File \"t.py\", line 3, in pretrain\n    self.autoencoder.fit(X, X, batch_size=32)\n"
         "ValueError: Error when checking target: expected output_seq to have shape (6400, 1) but "
         "got array with shape (128, 1)", "model-structure", "model", "make the decoder end in the "
         "input's shape"),
        ("ValueError: Input 0 is incompatible with layer AE: expected shape=(None, 5210, 6), "
         "found shape=(None, 6)", "missing-axis", "data",
         "x = np.lib.stride_tricks.sliding_window_view(x, 5210, axis=0)"),
        ("InvalidArgumentError (see above for traceback): indices[2,5] = 1716 is not in [0, 1681)"
         "\n\t [[Node: crf/Gather_1 = Gather[Tindices=DT_INT32]]]", "target", "data",
         "give the output layer as many units as classes"),
        ("ValueError: When passing validation_data, it must contain 2 (x_val, y_val) or 3 "
         "(x_val, y_val, val_sample_weights) items, however it contains 30732 items",
         "input-count", "data", "validation_data=(x_val, y_val)"),
        ("Exception: When using TensorFlow, you should define explicitly the number of timesteps "
         "of your sequences. Found input shape at layer lstm_1: (None, None, 39)",
         "model-structure", "model", "give the first layer the whole sample shape"),
        ("Input dimension mis-match. Input 1 (indices start at 0) has shape[0] == 3, but the "
         "output's size on that axis is 4.", "batch", "data",
         "feed batches of the model's size: model.predict(x, batch_size=4)"),
        ("ValueError: Can not squeeze dim[2], expected a dimension of 1, got 5 for "
         "'encode_features/Squeeze' (op: 'Squeeze') with input shapes: [?,98,5,512].",
         "extra-axis", "data", "resize the inputs to the height the convolutions reduce to 1"),
        ("ValueError: Cannot feed value of shape (20, 4) for Tensor u'chaincrf_1_target:0', "
         "which has shape '(?, ?, ?)'", "target", "data",
         "one-hot the per-timestep ids: y = keras.utils.to_categorical(y, model.output_shape[-1])"),
    ],
)  # fmt: skip
def test_families_read_from_what_they_state(text: str, kind: str, culprit: str, fix: str) -> None:
    result = explain(text)
    assert result is not None, text
    d = result.diagnosis
    assert (d.kind, d.culprit) == (kind, culprit), d.fix
    assert d.fix.startswith(fix), d.fix


def test_a_concat_of_other_batches_outside_an_rnn_is_declined() -> None:
    """A ConcatOp of two batches names no RNN state: a Concatenate of two branches as likely."""
    text = (
        "InvalidArgumentError: ConcatOp : Dimensions of inputs should match: shape[0] = "
        "[32,50] vs. shape[1] = [10,128]"
    )
    assert explain(text) is None


def test_strings_in_the_data_name_both_readings_and_what_decides() -> None:
    result = explain("ValueError: Invalid dtype: str32")
    assert result is not None
    d = result.diagnosis
    assert (d.decided, d.when) == (
        False,
        "if the strings are numbers written as text (a CSV read as str)",
    )
    assert d.decides == "what the strings hold: print(x.flat[0])"
    (words,) = d.alternatives
    assert words.why == "if the strings are words" and "TextVectorization" in words.fix


def test_an_assignment_into_a_slice_of_other_rows_is_declined() -> None:
    """a[i:j] = b with other rows: an index computed wrong, no shape to fix."""
    text = "ValueError: could not broadcast input array from shape (4794,1) into shape (4790,1)"
    assert explain(text) is None


def test_a_loss_names_the_output_first() -> None:
    result = explain("Incompatible shapes: [32,3,3] vs. [32,3]")
    assert result is not None
    d = result.diagnosis
    assert (d.kind, d.expected, d.found) == ("model-structure", (32, 3, 3), (32, 3))


def test_a_reshape_says_the_shape_it_was_asked_for() -> None:
    result = explain("ValueError: cannot reshape array of size 446208 into shape (3984,90,112)")
    assert result is not None
    d = result.diagnosis
    assert (d.kind, d.expected) == ("timesteps", (3984, 90, 112))
    assert d.fix.startswith(
        "x = np.lib.stride_tricks.sliding_window_view(np.reshape(x, (-1, 112)), 90"
    )


def test_longer_sequences_than_the_models_name_the_cut_and_the_rebuild() -> None:
    """300 steps into a placeholder of 200: cutting keeps 67% of every sequence, and a model
    still being built can declare 300; the text cannot say whether it is trained."""
    result = explain(
        "ValueError: Cannot feed value of shape (436, 300, 40, 3) for Tensor 'Placeholder:0', "
        "which has shape '(?, 200, 40, 3)'"
    )
    assert result is not None
    d = result.diagnosis
    assert (d.kind, d.decided) == ("timesteps", False)
    assert d.when == "if the model is trained and stays as it is (the cut keeps 67%)"
    assert d.alternatives[0].fix.startswith("rebuild the model with Input(shape=(None, 40, 3))")


def test_a_graph_tensor_of_rank_2_into_an_rnn_is_the_data_or_the_wiring() -> None:
    result = explain("ValueError: Shape (48, ?) must have rank at least 3")
    assert result is not None
    d = result.diagnosis
    assert (d.kind, d.decided, d.alternatives[0].kind) == ("missing-axis", False, "model-structure")


def test_y_one_axis_short_of_an_output_known_by_its_rank_names_both_readings() -> None:
    """Keras 2 gives only the output's rank: y (N, n) is ids per step without the class axis
    (seven held-out threads) or one target per sequence (four). A TimeDistributed or CRF
    head predicts per step by design: the ids then."""
    text = ("Error when checking target: expected {} to have 3 dimensions, but got array with "
            "shape (163717, 60)")  # fmt: skip
    open_ = explain(text.format("activation_1"))
    assert open_ is not None
    d = open_.diagnosis
    assert (d.kind, d.decided, d.expected, d.found) == ("target", False, (None,) * 3, (163717, 60))
    assert d.fix.startswith("y = y[..., np.newaxis]   # (samples, T, 1)")
    assert d.when == "if y holds one id per timestep"
    assert [a.kind for a in d.alternatives] == ["model-structure"]
    assert d.alternatives[0].fix.startswith("set return_sequences=False on the last recurrent")
    assert d.decides == (
        "model.output_shape: 60 as its timesteps (axis 1) means ids per step; 60 as its last "
        "axis means one target per sequence"
    )
    for head in ("time_distributed_1", "crf_1"):
        tagged = explain(text.format(head))
        assert tagged is not None and tagged.diagnosis.decided
        assert (tagged.diagnosis.kind, tagged.diagnosis.culprit) == ("target", "data")


def test_y_with_a_size_1_last_axis_for_a_2d_output_of_unknown_width() -> None:
    """(476, 400, 1) for an output known by its rank: 400 values to squeeze (Dense(400)), or
    a target per step for a model that predicts once (Dense(1)); only the width decides."""
    result = explain("ValueError: Error when checking target: expected dense_15 to have 2 "
                     "dimensions, but got array with shape (476, 400, 1).")  # fmt: skip
    assert result is not None
    d = result.diagnosis
    assert (d.kind, d.decided, d.fix) == ("target", False, "y = np.squeeze(y, axis=2)")
    assert d.when == "if the output has 400 units"
    assert [a.kind for a in d.alternatives] == ["model-structure"]
    assert d.decides.startswith("model.output_shape[-1]: 400 units takes the 400 values")
    known = explain("ValueError: Error when checking target: expected dense_1 to have shape "
                    "(None, 400) but got array with shape (476, 400, 1)")  # fmt: skip
    assert known is not None and known.diagnosis.decided
    assert known.diagnosis.fix == "y = np.squeeze(y, axis=2)"


@pytest.mark.parametrize("flavour", ["tf_keras", "keras3"])
def test_one_hot_sequences_into_an_embedding(flavour: str) -> None:
    """Real Keras (texts/make_onehot_embedding.py, which also runs the fix): (8, 100, 500)
    one-hot fit to Embedding(500, 16) -> SimpleRNN. tf-keras names the RNN's 4-D input and
    the call's 3-D one; Keras 3 the model's (None, 100). Either way: argmax to ids, or the
    model without its Embedding; not a merge of the leading axes."""
    result = explain((TEXTS / f"onehot_embedding_{flavour}.txt").read_text())
    assert result is not None
    d = result.diagnosis
    assert (d.kind, d.culprit, d.decided) == ("extra-axis", "data", False)
    assert (d.expected, d.found, d.axis) == ((None, 100), (None, 100, 500), 2)
    assert d.fix == "x = np.argmax(x, axis=-1)   # one-hot (None, 100, 500) -> ids (None, 100)"
    assert d.when == "if each step of x is one-hot"
    assert [a.kind for a in d.alternatives] == ["model-structure"]
    assert "remove the Embedding" in d.alternatives[0].fix


def test_x_and_y_in_one_list_are_read_as_two_inputs() -> None:
    """validation_data=[x_val, y_val] (four held-out threads, three confirmed: a tuple fixes
    it): two tensors of one batch, the second shaped like labels. Two alike are samples."""
    text = (
        "ValueError: Layer sequential expects 1 inputs, but it received 2 input tensors. "
        "Inputs received: [<tf.Tensor 'IteratorGetNext:0' shape=(None, 30, 4) "
        "dtype=float32>, <tf.Tensor 'IteratorGetNext:1' shape=(None, 1) dtype={}>]"
    )
    result = explain(text.format("float32"))
    assert result is not None
    d = result.diagnosis
    assert (d.kind, d.culprit, d.found) == ("input-count", "data", (None, 30, 4))
    assert d.title == "[x, y] given as one list: y (None, 1) was read as a second input"
    assert d.fix == (
        "pass x and y apart: model.fit(x, y), and validation_data=(x_val, y_val) as a tuple, "
        "not a list"
    )
    alike = explain(text.replace("(None, 1) dtype={}", "(None, 30, 4) dtype=float32"))
    assert alike is not None and alike.diagnosis.fix.startswith("stack the list into one array")


def test_an_embedding_bound_whose_parenthesis_was_lost_in_the_paste() -> None:
    """ "is not in [0, 55 | Errors may have originated..." (a practice thread): the bound is
    whole. One at the very end of the text may be cut short: declined."""
    lost = explain("InvalidArgumentError: indices[22,2] = 4109 is not in [0, 55 | Errors may "
                   "have originated from an input operation.")  # fmt: skip
    assert lost is not None and lost.diagnosis.kind == "vocab"
    assert "[0, 55)" in lost.diagnosis.title
    assert explain("InvalidArgumentError: indices[22,2] = 4109 is not in [0, 55") is None


def test_the_constructed_with_warning_and_an_error_cut_off_after_it() -> None:
    """tf-keras warns, goes on and fails; when the paste cuts the error's own message, the
    warning does not say what failed: declined. With the error shown, the warning's shapes
    are read, and an input named for its Embedding reads axis 1 as token positions."""
    warning = (
        "WARNING:tensorflow:Model was constructed with shape (None, 5) for input "
        "KerasTensor(type_spec=TensorSpec(shape=(None, 5), dtype=tf.float32, name='{}'), "
        "name='{}'), but it was called on an input with incompatible shape (None, 10).\n"
    )
    cut = "\nValueError: in user code:\n\n    training.py:805 train_function  *\n        return x\n"
    shown = cut + "\n    ValueError: Input 0 of layer dense is incompatible with the layer\n"
    assert explain(warning.format("input_1", "input_1") + cut) is None
    read = explain(warning.format("input_1", "input_1") + shown)
    assert read is not None and read.diagnosis.kind == "features"
    ids = explain(warning.format("embedding_input", "embedding_input"))
    assert ids is not None
    assert (ids.diagnosis.kind, ids.diagnosis.axis) == ("timesteps", 1)


def test_keras3_rows_without_a_time_axis_name_both_data_readings() -> None:
    """(None, 31) into (None, 25, 31): a table to window or one sequence without its batch
    (held-out threads two and two); len(x) decides, and both readings change the data."""
    text = ('ValueError: Input 0 of layer "sequential" is incompatible with the layer: expected '
            "shape=(None, 25, 31), found shape=(None, 31)")  # fmt: skip
    result = explain(text)
    assert result is not None
    d = result.diagnosis
    assert (d.kind, d.culprit, d.decided) == ("missing-axis", "data", False)
    assert d.fix.startswith("x = np.lib.stride_tricks.sliding_window_view(x, 25, axis=0)")
    assert (d.alternatives[0].kind, d.alternatives[0].fix) == (
        "missing-batch",
        "x = np.expand_dims(x, 0)",
    )
    assert d.decides.startswith("len(x), and what its rows are: more rows than 25 are a series")
    assert [a.kind for a in d.alternatives] == ["missing-batch", "model-structure"]
    from lstmdiag.render.grouping import culprit_said

    assert culprit_said(d) == "the data, in one of two ways: the evidence cannot say which"


def test_a_time_axis_of_hundreds_against_rows_reads_input_shape_x_shape_second() -> None:
    """(None, 455, 30) against (None, 30): windows of 455 rows are rare, a training set of 455
    rows is not; input_shape=x_train.shape (w001, pv002) comes second, the window first."""
    text = ('ValueError: Input 0 of layer "sequential" is incompatible with the layer: expected '
            "shape=(None, 455, 30), found shape=(None, 30)")  # fmt: skip
    result = explain(text)
    assert result is not None
    d = result.diagnosis
    assert (d.kind, d.culprit, d.decided) == ("missing-axis", "data", False)
    assert [(a.kind, a.culprit) for a in d.alternatives] == [
        ("model-structure", "model"),
        ("missing-batch", "data"),
    ]
    assert d.alternatives[0].fix.startswith("declare the input as one sample's shape, "
                                            "input_shape=x.shape[1:] (30,)")  # fmt: skip
    assert "then the model was declared with input_shape=x.shape" in d.decides
    short = explain(text.replace("455", "299"))
    assert short is not None
    assert [a.kind for a in short.diagnosis.alternatives] == ["missing-batch", "model-structure"]


def test_far_shorter_sequences_name_the_padding_and_the_model_declared_for_them() -> None:
    """12 steps for a model of 843: padding would be 99% of every sequence, or the model was
    declared for other data (held-out threads four and three); 4 of 10 stays the padding."""
    text = ('Input 0 of layer "model_2" is incompatible with the layer: expected shape=(None, {}, '
            "15), found shape=(None, {}, 15)")  # fmt: skip
    far = explain(text.format(843, 12))
    assert far is not None
    d = far.diagnosis
    assert (d.kind, d.decided) == ("timesteps", False)
    assert d.when == "if the model is trained and stays as it is (padding makes 99% of it)"
    assert [a.kind for a in d.alternatives] == ["model-structure"]
    near = explain(text.format(10, 4))
    assert near is not None and near.diagnosis.decided


def _diagnosis(text: str) -> Diagnosis:
    """What explain answers for ``text``, which it must answer."""
    result = explain(text)
    assert result is not None, text
    return result.diagnosis


def test_an_object_array_of_arrays_names_padding_and_stacked_inputs() -> None:
    """ "Unsupported object type numpy.ndarray" (held-out threads: sequences of different
    lengths, or two inputs' arrays stacked with np.array([a, b])): len(x) decides. NumPy's
    ragged warning in the paste decides for padding."""
    line = (
        "ValueError: Failed to convert a NumPy array to a Tensor(Unsupported object type "
        "numpy.ndarray)."
    )
    d = _diagnosis(line)
    assert (d.kind, d.culprit, d.decided) == ("ragged", "data", False)
    assert d.fix.startswith("x = keras.utils.pad_sequences(list(x)")
    kinds = [(a.kind, a.culprit) for a in d.alternatives]
    assert kinds == [("dtype", "data"), ("input-count", "data")]  # equal arrays second
    assert d.alternatives[1].fix.startswith("pass one array per model input, as a list")
    # elements all of one shape (pe003's list of equal arrays): stacked as printed
    x = np.empty(2, dtype=object)
    x[0], x[1] = np.zeros((3, 4)), np.ones((3, 4))
    scope = {"x": x, "np": np}
    exec(d.alternatives[0].fix, scope)
    assert scope["x"].shape == (2, 3, 4) and scope["x"].dtype == np.float32
    warned = explain("VisibleDeprecationWarning: Creating an ndarray from ragged nested "
                     "sequences\n" + line)  # fmt: skip
    assert warned is not None and warned.diagnosis.decided
    assert warned.diagnosis.kind == "ragged" and warned.diagnosis.alternatives == ()


def test_a_keras3_cell_matmul_whose_node_name_was_cut() -> None:
    """Keras 3 in a graph: LSTMCell.call's input x kernel, [batch, 1] by [180, 4 x 50], with
    the node name elided to "...": the data has 1 feature where the kernel takes 180."""
    d = _diagnosis(
        "Exception encountered when calling LSTMCell.call(). Dimensions must be equal, but "
        "are 1 and 180 for ... with input shapes: [64,1], [180,200]."
    )
    assert (d.kind, d.culprit, d.axis) == ("features", "data", -1)
    assert (d.expected, d.found) == ((None, None, 180), (None, None, 1))
    # the same numbers without a cell's call are not read as a recurrent kernel
    assert explain("Dimensions must be equal, but are 1 and 180 for ... with input shapes: "
                   "[64,1], [180,200].") is None  # fmt: skip


def test_theano_embedding_lookup_out_of_bound() -> None:
    """Theano's row lookup in an Embedding's weights (rows = input_dim) out of bound: the
    vocabulary, size from the weights' shape; which id is not said."""
    text = (
        "IndexError: One of the index value is out of bound. Error code: 65535.\n"
        "Apply node that caused the error: AdvancedSubtensor1(embedding_2_W, "
        "Elemwise{Cast{int64}}.0)\n"
        "Toposort index: 57\n"
        "Inputs types: [TensorType(float32, matrix), TensorType(int64, vector)]\n"
        "Inputs shapes: [(5000, 64), (640,)]\n"
    )
    d = _diagnosis(text)
    assert (d.kind, d.title) == (
        "vocab",
        "a token id is outside the Embedding's vocabulary [0, 5000)",
    )
    assert [a.fix for a in d.alternatives] == [
        "Embedding(input_dim=int(x.max()) + 1, ...), then retrain"
    ]
    # a lookup in another table says nothing about a vocabulary
    assert explain(text.replace("embedding_2_W", "W_out")) is None


def test_an_rnn_reading_its_mask_past_the_end() -> None:
    """What Keras 3 and tf-keras raise for LSTM(...)(x, mask=m) with a 6-step x and a
    5-step mask (run in both): the mask needs the input's timesteps."""
    text = ("OutOfRangeError: Exception encountered when calling LSTM.call().\n\nTried to read "
            "from index 5 but array size is: 5\n\nArguments received by LSTM.call():\n  • "
            "sequences=tf.Tensor(shape=(4, 6, 4), dtype=float32)\n  • initial_state=None\n  • "
            "mask=tf.Tensor(shape=(4, 5), dtype=bool)\n  • training=False")  # fmt: skip
    d = _diagnosis(text)
    assert (d.kind, d.culprit, d.axis) == ("timesteps", "data", 1)
    assert d.fix.startswith("give the mask the input's timesteps: mask = tf.sequence_mask(")
    assert explain("OutOfRangeError: Tried to read from index 5 but array size is: 5 "
                   "[[{{node decoder/while/TensorArrayV2Read}}]]") is None  # fmt: skip


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # pasted outside a code block: Markdown's escapes stay in the raw text
        ("ValueError: Input 0 is incompatible with layer lstm\\_2: expected ndim=3, found "
         "ndim=2", "model-structure"),
        ("InvalidArgumentError: indices\\[3,1\\] = 5001 is not in \\[0, 5001)", "vocab"),
        # the bound retyped without TensorFlow's space
        ("InvalidArgumentError: indices[3,1] = 5001 is not in [0,5001)", "vocab"),
        ("Received a label value of 7 which is outside the valid range of [0,5).", "target"),
        # Keras 0.x's hint quoted with single quotes
        ("Exception: Layer is not connected. Did you forget to set 'input_shape'?",
         "model-structure"),
    ],
)  # fmt: skip
def test_a_message_as_a_page_reprinted_it(text: str, kind: str) -> None:
    result = explain(text)
    assert result is not None and result.diagnosis.kind == kind


def test_keras_2_0s_unnamed_check_of_an_rnn_input_left_the_batch_out() -> None:
    """ "Error when checking :" (Keras 2.0's predict) printed whole shapes, but an RNN's
    input is 3-D: its shape printed with two axes has no batch, so (5, 4) against (8, 4) is
    8 timesteps for 5; with three axes the first is the batch."""
    two = explain("ValueError: Error when checking : expected lstm_1_input to have shape (5, 4) "
                  "but got array with shape (8, 4)")  # fmt: skip
    assert two is not None
    d = two.diagnosis
    assert (d.kind, d.expected, d.found) == ("timesteps", (None, 5, 4), (None, 8, 4))
    three = explain("ValueError: Error when checking : expected lstm_1_input to have shape "
                    "(32, 5, 4) but got array with shape (1, 5, 4)")  # fmt: skip
    assert three is not None and three.diagnosis.kind == "batch"


def test_images_without_their_channel_axis_into_a_conv2d() -> None:
    """min_ndim=4 and a received shape whose batch is symbolic (None): the channels are
    what is missing, not the batch."""
    d = _diagnosis(
        "ValueError: Input 0 of layer conv2d is incompatible with the layer: : expected "
        "min_ndim=4, found ndim=3. Full shape received: [None, 28, 28]"
    )
    assert (d.kind, d.culprit, d.axis) == ("missing-axis", "data", 3)
    assert d.fix == "x = np.expand_dims(x, -1)   # (samples, rows, cols, 1)"
    one = explain("ValueError: Input 0 of layer conv2d is incompatible with the layer: expected "
                  "min_ndim=4, found ndim=3. Full shape received: (28, 28, 1)")  # fmt: skip
    assert one is not None and one.diagnosis.kind == "missing-batch"


def test_a_rank_check_retold_in_the_users_words() -> None:
    d = _diagnosis("Expected 3 dimensions but got only two (144,9)")
    assert (d.kind, d.found) == ("missing-axis", (144, 9))
    assert explain("Expected 3 dimensions but got (2, 3, 4, 5)") is None


def test_logits_and_labels_whose_closing_parenthesis_was_lost() -> None:
    result = explain("ValueError: `logits` and `labels` must have the same shape, received "
                     "((None, 15, 1) vs (None,)")  # fmt: skip
    assert result is not None
    d = result.diagnosis
    assert (d.kind, d.culprit, d.expected, d.found) == (
        "model-structure",
        "model",
        (None, 15, 1),
        (None,),
    )


def test_the_rank_check_without_its_layer_names_the_data_and_the_stacking() -> None:
    """ "expected ndim=3, found ndim=2" quoted without "Input 0 of layer ...": the first
    layer meeting the data, or a recurrent layer after one without return_sequences. Only
    which layer raised it decides; the same in a user's words."""
    for text in ("ValueError: expected ndim=3, found ndim=2",
                 "Expected input to have 3 dimensions but got 2",
                 "LSTM expects 3D input but got 2D input of shape (None, 20)"):  # fmt: skip
        result = explain(text)
        assert result is not None, text
        d = result.diagnosis
        assert (d.kind, d.culprit, d.decided) == ("missing-axis", "data", False), text
        assert (d.alternatives[0].kind, d.alternatives[0].culprit) == ("model-structure", "model")
        assert d.alternatives[0].fix.startswith("set return_sequences=True on every stacked")
        assert d.decides.startswith("which layer raised it")
    # an array's shape (its batch a number) is the data's
    array = explain("LSTM expects 3D input but got 2D input of shape (64, 20)")
    assert array is not None
    assert (array.diagnosis.kind, array.diagnosis.decided) == ("missing-axis", True)
    assert array.diagnosis.found == (64, 20)
    # while the model is built, no data is there: the model, and what it declared
    built = explain('File "m.py", line 3, in <module>\n    model.add(LSTM(8))\nValueError: '
                    "expected ndim=3, found ndim=2")  # fmt: skip
    assert built is not None
    assert (built.diagnosis.kind, built.diagnosis.culprit) == ("model-structure", "model")
    assert built.diagnosis.fix.startswith("set return_sequences=True on every stacked")


def test_a_stack_of_grayscale_images_without_its_channel_axis() -> None:
    """(63000, 192, 192) where a Conv2D takes 4 axes: 192 is no image's channel count, so
    the channels are missing; (28, 28, 1) is one image without its batch."""
    text = ("ValueError: Error when checking input: expected input_2 to have 4 dimensions, but "
            "got array with shape {}")  # fmt: skip
    stack = explain(text.format("(63000, 192, 192)"))
    assert stack is not None
    assert (stack.diagnosis.kind, stack.diagnosis.axis) == ("missing-axis", 3)
    assert stack.diagnosis.fix == "x = np.expand_dims(x, -1)   # (samples, rows, cols, 1)"
    one = explain(text.format("(28, 28, 1)"))
    assert one is not None and one.diagnosis.kind == "missing-batch"


def test_one_string_per_sample_into_a_text_input_declared_with_a_second_axis() -> None:
    """Keras 3 (run): Input(shape=(None,), dtype='string') fed (batch,) strings; adding
    the axis to the data, or declaring shape=(1,), both train."""
    text = (
        "ValueError: Exception encountered when calling Functional.call().\n\nInvalid input "
        'shape for input Tensor("data:0", shape=(None,), dtype=string). Expected shape '
        "(None, None), but input has incompatible shape (None,)\n\nArguments received by "
        "Functional.call():\n  • inputs=tf.Tensor(shape=(None,), dtype=string)\n  • "
        "training=True\n  • mask=None"
    )
    d = _diagnosis(text)
    assert (d.kind, d.culprit, d.expected, d.found) == (
        "missing-axis",
        "data",
        (None, None),
        (None,),
    )
    assert d.fix.startswith("x = np.asarray(x)[:, None]")
    assert [(a.kind, a.culprit) for a in d.alternatives] == [("model-structure", "model")]
    assert "keras.Input(shape=(1,), dtype='string')" in d.alternatives[0].fix


def test_one_hot_labels_with_a_column_more_than_the_output_name_both_readings() -> None:
    """4 columns for 3 units: to_categorical of ids 1..3 (a held-out thread) or a fourth
    class the output leaves out (another): the first column's use decides."""
    d = _diagnosis("ValueError: A target array with shape (64, 4) was passed for an output of "
                     "shape (None, 3) while using as loss `binary_crossentropy`.")  # fmt: skip
    assert (d.kind, d.decided) == ("target", False)
    assert d.fix == "y = keras.utils.to_categorical(y - 1, 3)   # ids 1..3 become 0..2"
    assert [(a.fix, a.culprit) for a in d.alternatives] == [
        ("end the model with Dense(4)", "model")
    ]
    assert d.decides.startswith("y[:, 0].sum(): 0 means the first column is never used")


def test_keras3s_object_dtype_names_both_kinds_of_object_array() -> None:
    d = _diagnosis("ValueError: Invalid dtype: object")
    assert (d.kind, d.decided) == ("ragged", False)
    assert [a.kind for a in d.alternatives] == ["dtype"]
    assert d.alternatives[0].fix.startswith("x = np.asarray(x).astype('float32')")
    warned = explain("VisibleDeprecationWarning: Creating an ndarray from ragged nested "
                     "sequences\nValueError: Invalid dtype: object")  # fmt: skip
    assert warned is not None and warned.diagnosis.decided


def test_theanos_crossentropy_reads_its_first_input_as_y() -> None:
    """Theano's categorical crossentropy is true_dist * log(coding_dist): input 0 is y,
    input 1 the model's clipped output."""
    text = (
        "ValueError: Input dimension mis-match. (input[0].shape[2] = 6, input[1].shape[2] = "
        "50)\nApply node that caused the error: Elemwise{Composite{(i0 * log(i1))}}"
        "(<TensorType(float32, 3D)>, Elemwise{clip,no_inplace}.0)\nInputs types: "
        "[TensorType(float32, 3D), TensorType(float32, 3D)]\nInputs shapes: [(16, 20, 6), "
        "(16, 20, 50)]\n"
    )
    d = _diagnosis(text)
    assert (d.kind, d.expected, d.found) == ("target", (16, 20, 50), (16, 20, 6))


def test_y_and_the_output_of_other_widths_name_both_readings() -> None:
    """Held-out threads split: y built without every class (three), the output layer
    given another width (two); how many classes there are decides."""
    d = _diagnosis("Error when checking target: expected dense_6 to have shape (6,) but got "
                     "array with shape (5,)")  # fmt: skip
    assert (d.kind, d.culprit, d.decided) == ("target", "data", False)
    assert d.fix.startswith("build y with 6 columns, as the model was designed")
    assert [(a.fix, a.culprit) for a in d.alternatives] == [
        ("give the last layer 5 units (Dense(5)), one per target value or class", "model")
    ]
    assert d.decides.startswith("how many classes there are: len(np.unique(labels))")


def test_zero_samples_are_empty_whatever_else_differs() -> None:
    result = explain("ValueError: Error when checking input: expected input_1 to have shape "
                     "(None, 4096) but got array with shape (0, 1)")  # fmt: skip
    assert result is not None and result.diagnosis.kind == "empty"


def test_a_dense_after_a_flatten_called_on_more_timesteps() -> None:
    """The TF time-series tutorial's wide window: a Flatten + Dense built on 3 steps of 19
    features (57) called on 24 (456): timesteps, and no free time axis can feed a Flatten."""
    text = (
        "ValueError: Exception encountered when calling Sequential.call().\n\nInput 0 of layer "
        '"dense_4" is incompatible with the layer: expected axis -1 of input shape to have '
        "value 57, but received input with shape (32, 456)\n\nArguments received by "
        "Sequential.call():\n  • inputs=tf.Tensor(shape=(32, 24, 19), dtype=float32)\n  • "
        "training=None\n  • mask=None"
    )
    d = _diagnosis(text)
    assert (d.kind, d.culprit, d.expected, d.found) == (
        "timesteps",
        "data",
        (None, 3, 19),
        (32, 24, 19),
    )
    assert "Truncating keeps 3 of 24 timesteps (12%)" in d.cause
    assert not any("Input(shape=(None" in a.fix for a in d.alternatives)
    # the model fixed to 3 steps, or a model for 24-step windows: which it must run on decides
    assert d.decided is False and d.alternatives[0].culprit == "model"
    assert d.alternatives[0].fix.startswith(
        "let the model take any length: GlobalAveragePooling1D()"
    )


def test_a_partial_batch_against_a_stateful_rnns_state() -> None:
    d = _diagnosis(
        "Node: 'sequential/lstm/mul'\nIncompatible shapes: [25,30,7] vs. [30,30,7]\n\t "
        "[[{{node sequential/lstm/mul}}]] [Op:__inference_train_function_6923]"
    )
    assert (d.kind, d.culprit) == ("batch", "data")
    assert d.fix.startswith("n = len(x) // 30 * 30; model.fit(x[:n], y[:n], batch_size=30)")


def test_an_extra_axis_whose_removal_still_does_not_fit_says_so() -> None:
    d = _diagnosis("ValueError: Cannot feed value of shape (1, 64, 58, 1) for Tensor "
                     "'inputs:0', which has shape '(?, ?, 2400)'")  # fmt: skip
    assert (d.kind, d.axis) == ("features", 2)
    assert d.title == "one axis too many, and 58 where the model takes 2400 (axis 2)"
    assert not d.fix.startswith("x = np.squeeze")


def test_keras1s_model_input_named_for_its_first_layer_is_an_input() -> None:
    """Keras 1 names a Sequential model's input for its first layer: "checking model
    input: expected lstm_8 ..." is the data, not a target."""
    d = _diagnosis("Error when checking model input: expected lstm_8 to have shape (4, 10, 9) "
                     "but got array with shape (4, 49000, 9)")  # fmt: skip
    assert (d.kind, d.culprit, d.expected, d.found) == (
        "timesteps",
        "data",
        (4, 10, 9),
        (4, 49000, 9),
    )
    assert "Truncating keeps 10 of 49000 timesteps" in d.cause


def test_per_timestep_targets_of_another_length_are_a_forecast_or_padding() -> None:
    d = _diagnosis("ValueError: Dimensions must be equal, but are 20 and 5 for '{{node "
                     "mean_absolute_error/sub}} = Sub[T=DT_FLOAT](sequential/dense/BiasAdd, "
                     "IteratorGetNext:1)' with input shapes: [1,20,1], [1,5,1].")  # fmt: skip
    assert (d.kind, d.culprit, d.decided) == ("target", "model", False)
    assert d.fix.startswith("make the model output 5 steps: an LSTM without return_sequences")
    assert [(a.culprit, a.why) for a in d.alternatives] == [
        ("data", "if y holds one target per input step (a tagger)")
    ]


def test_zero_samples_of_another_rank_are_empty() -> None:
    result = explain("ValueError: Error when checking input: expected lstm_1_input to have 3 "
                     "dimensions, but got array with shape (0,)")  # fmt: skip
    assert result is not None and result.diagnosis.kind == "empty"


def test_keras2s_n_by_1_into_a_model_of_frames_is_an_object_array() -> None:
    """(2400, 1) into a 5-D TimeDistributed model: Keras 2 made it of a 1-D object array of
    2400 clips of different shapes; no reshape of a (2400, 1) array can give 5 axes."""
    d = _diagnosis("ValueError: Error when checking input: expected time_distributed_1_input "
                     "to have 5 dimensions, but got array with shape (2400, 1)")  # fmt: skip
    assert (d.kind, d.culprit) == ("ragged", "data")
    assert d.fix.endswith("then x = np.stack(list(x))")


def test_a_rank_only_model_and_another_rank_print_no_reshape_to_none() -> None:
    d = _diagnosis("ValueError: Error when checking input: expected conv_lst_m2d_1_input to "
                     "have 5 dimensions, but got array with shape (480, 640, 3)")  # fmt: skip
    assert (d.kind, d.axis) == ("missing-batch", 0)
    assert d.fix.startswith("x = x[None, None]   # (1, 1, rows, cols, channels)")
    other = explain("ValueError: Error when checking input: expected conv_lst_m2d_1_input to "
                    "have 5 dimensions, but got array with shape (480, 640)")  # fmt: skip
    assert other is not None and "reshape the data to (None" not in other.diagnosis.fix


def test_one_image_that_predict_cut_into_batches_of_32() -> None:
    """(224, 224, 3) given to predict without its batch axis: Keras batched its first axis
    by 32, so the model saw (32, 224, 3)."""
    d = _diagnosis(
        'ValueError: Input 0 of layer "sequential_7" is incompatible with the layer: expected '
        "shape=(None, 224, 224, 3), found shape=(32, 224, 3)"
    )
    assert (d.kind, d.culprit) == ("missing-batch", "data")
    assert d.fix.startswith("x = np.expand_dims(x, 0)")
    assert "into batches of 32" in d.cause


def test_a_features_mismatch_in_fit_names_a_new_model_too() -> None:
    """Raised in fit: the model may be trained (its features are fixed) or new, declared
    for other data (a practice thread rebuilt it); in predict only the data's reading."""
    line = (
        "ValueError: Exception encountered when calling layer 'sequential_2' (type "
        'Sequential).\n\nInput 0 of layer "dense_3" is incompatible with the layer: expected '
        "axis -1 of input shape to have value 2, but received input with shape (None, 1)\n\n"
        "Call arguments received by layer 'sequential_2' (type Sequential):\n  • "
        "inputs=tf.Tensor(shape=(None, 1), dtype=int64)\n  • training=True\n  • mask=None"
    )
    fit = explain('File "t.py", line 9, in <module>\n    model.fit(X, y, epochs=5)\n' + line)
    assert fit is not None
    d = fit.diagnosis
    assert (d.kind, d.culprit, d.decided) == ("features", "data", False)
    assert (d.alternatives[0].kind, d.alternatives[0].culprit) == ("model-structure", "model")
    assert "keras.Input(shape=(..., 1))" in d.alternatives[0].fix
    predict = explain('File "t.py", line 9, in <module>\n    model.predict(X)\n' + line)
    assert predict is not None and predict.diagnosis.decided


def test_a_list_of_images_into_flow_is_stacked_as_printed() -> None:
    """ImageDataGenerator.flow reads a list x as (images, other inputs) and takes x[0]
    (Keras 3's legacy and tf-keras's NumpyArrayIterator): the first image meets the labels."""
    d = _diagnosis(
        "ValueError: `x` (images tensor) and `y` (labels) should have the same length. "
        "Found: x.shape = (20, 20, 1), y.shape = (30, 3)"
    )
    assert (d.kind, d.culprit) == ("cardinality", "data")
    assert d.fix == "x = np.array(x)   # one (30, 20, 20, 1) array of the images, not a list"
    scope = {"x": [np.zeros((20, 20, 1))] * 30, "np": np}
    exec(d.fix, scope)
    assert scope["x"].shape == (30, 20, 20, 1)
    whole = _diagnosis(
        "ValueError: `x` (images tensor) and `y` (labels) should have the same length. "
        "Found: x.shape = (25, 20, 20, 1), y.shape = (30, 3)"
    )
    assert whole.title == "25 input samples but 30 targets"


def test_a_graph_fixed_to_another_batch_names_the_feed_and_the_graph() -> None:
    """TF1: a tensor of the user's graph fixed to n samples (threads split: the feed cut to
    n, or the graph made for any batch); a Keras model's input keeps its own reading."""
    short = _diagnosis(
        "ValueError: Cannot feed value of shape (6, 30) for Tensor 'Placeholder:0', which "
        "has shape '(8, 30)'"
    )
    assert (short.kind, short.culprit, short.decided) == ("batch", "data", False)
    assert short.fix.startswith("x = np.concatenate([x, np.zeros((2, *x.shape[1:]), x.dtype)])")
    scope = {"x": np.ones((6, 30), "float32"), "np": np}
    exec(short.fix, scope)
    assert scope["x"].shape == (8, 30) and scope["x"][:6].all() and not scope["x"][6:].any()
    graph = short.alternatives[0]
    assert (graph.kind, graph.culprit) == ("batch", "model")
    assert "tf.placeholder(tf.float32, [None, 30])" in graph.fix
    long = _diagnosis(
        "ValueError: Cannot feed value of shape (20, 2048) for Tensor u'pool_3/_reshape:0', "
        "which has shape '(8, 2048)'"
    )
    assert long.fix == (
        "feed it x[i:i + 8] for i in range(0, len(x), 8), one run each, and pad the last "
        "slice of 4 samples to 8 with zeros"
    )
    keras_input = _diagnosis(
        "ValueError: Cannot feed value of shape (1, 1, 1) for Tensor 'lstm_1_input:0', which "
        "has shape '(9, 1, 1)'"
    )
    assert (keras_input.culprit, keras_input.decided) == ("model", True)


def test_a_reshape_of_a_whole_multiple_is_a_batch_fixed_in_the_graph() -> None:
    """TF's "Input to reshape is a tensor with N values, but the requested shape has M":
    M = k x N is a batch written into the graph (j012: the model, pf001: the feed); a ratio
    that is not whole says too little."""
    d = _diagnosis(
        "InvalidArgumentError: Input to reshape is a tensor with 10 values, but the requested "
        "shape has 40 [Op:Reshape]"
    )
    assert (d.kind, d.culprit, d.decided) == ("batch", "data", False)
    assert d.fix.startswith("feed the batch the graph was built for: 4 times as many samples")
    assert [(a.kind, a.culprit) for a in d.alternatives] == [
        ("batch", "model"),
        ("model-structure", "model"),
    ]
    more = _diagnosis("Input to reshape is a tensor with 96 values, but the requested shape has 32")
    assert more.fix == "feed 3 times fewer samples per call: split each batch into 3 equal parts"
    assert (
        explain("Input to reshape is a tensor with 24 values, but the requested shape has 20")
        is None
    )


def test_a_model_input_of_one_value_fed_wider_rows_names_both_declarations() -> None:
    """TF 2.4-2.6 check the model's input on its last axis: a model declared for 1 value
    per row (input_dim=1, pd002) or with input_shape=(n, 1) (pk006) fed rows of n."""
    d = _diagnosis(
        "ValueError: Input 0 of layer sequential is incompatible with the layer: expected axis "
        "-1 of input shape to have value 1 but received input with shape (None, 6)"
    )
    assert (d.kind, d.culprit, d.decided) == ("model-structure", "model", False)
    assert d.fix.startswith("declare the model's input with the data's 6 values per sample")
    assert [(a.kind, a.culprit) for a in d.alternatives] == [
        ("missing-axis", "data"),
        ("features", "data"),
    ]
    scope = {"x": np.zeros((5, 6)), "np": np}
    exec(d.alternatives[0].fix, scope)
    assert scope["x"].shape == (5, 6, 1)
    inner = _diagnosis(
        "ValueError: Input 0 of layer dense_3 is incompatible with the layer: expected axis -1 "
        "of input shape to have value 1 but received input with shape (None, 6)"
    )
    assert inner.title != d.title  # a layer inside the model: its own reading


@pytest.mark.parametrize(
    ("want", "got", "decided", "shape"),
    [(3, 4, True, (2, 8, 8, 3)), (1, 3, False, (2, 8, 8, 1)), (3, 1, False, (2, 8, 8, 3))],
)
def test_images_of_other_channels_are_converted_as_printed(
    want: int, got: int, decided: bool, shape: tuple[int, ...]
) -> None:
    """RGBA for RGB drops alpha; RGB for grey (pp004: the model was declared again) and
    grey for RGB convert the images or declare the model: the fix runs as printed."""
    d = _diagnosis(
        f"ValueError: Error when checking input: expected conv2d_1_input to have shape (8, 8, "
        f"{want}) but got array with shape (8, 8, {got})"
    )
    assert (d.kind, d.culprit, d.decided) == ("features", "data", decided)
    scope = {"x": np.random.default_rng(0).random((2, 8, 8, got)), "np": np}
    exec(d.fix, scope)
    assert scope["x"].shape == shape
    if not decided:
        assert d.alternatives[0].culprit == "model"


@pytest.mark.parametrize(("want", "got"), [(3, 3), (1, 3), (1, 4), (3, 1), (3, 4)])
def test_images_resized_as_printed_fit_the_model(want: int, got: int) -> None:
    """The resize alternative for images of another size runs as printed and gives the
    model's height, width and channels (TensorFlow)."""
    tf = pytest.importorskip("tensorflow")
    d = _diagnosis(
        'ValueError: Input 0 of layer "sequential" is incompatible with the layer: expected '
        f"shape=(None, 28, 28, {want}), found shape=(None, 64, 48, {got})"
    )
    scope = {"x": np.zeros((2, 64, 48, got), "float32"), "tf": tf, "np": np}
    exec(d.alternatives[0].fix, scope)
    assert scope["x"].shape == (2, 28, 28, want)


def test_a_conversion_of_a_layers_own_weights_is_declined() -> None:
    """TF's dtype conversion of a layer's initial weights (fa006: Keras 1 code on Keras 2):
    no cast of the data reaches it; a tensor of the data keeps the cast."""
    weights = (
        "ValueError: Tensor conversion requested dtype int32 for Tensor with dtype float32: "
        "'Tensor(\"embedding_1/random_uniform:0\", shape=(500, 16), dtype=float32)'"
    )
    assert explain(weights) is None
    data = _diagnosis(
        "ValueError: Tensor conversion requested dtype int32 for Tensor with dtype float32: "
        "'Tensor(\"input_ids:0\", shape=(None, 20), dtype=float32)'"
    )
    assert data.fix == "x = x.astype('int32') (and y, if it is the targets)"


def test_a_handful_of_rows_of_one_value_reads_one_sample_second() -> None:
    """Keras 1/2's (5, 1) into a 3-D model: an object array of 5 sequences, or (x024: one
    sample x[-1, :, :] at predict) one sample of 5 steps without its batch axis, second;
    (50, 1), a column of 50 rows, keeps the series second."""
    text = ("ValueError: Error when checking input: expected input_1 to have 3 dimensions, but "
            "got array with shape ({}, 1)")  # fmt: skip
    few = explain(text.format(5))
    assert few is not None
    d = few.diagnosis
    assert (d.kind, d.decided, d.fix) == (
        "ragged",
        False,
        "x = keras.utils.pad_sequences(list(x), maxlen=model.input_shape[1], dtype='float32')",
    )
    assert (d.alternatives[0].kind, d.alternatives[0].culprit, d.alternatives[0].fix) == (
        "missing-batch",
        "data",
        "x = np.expand_dims(x, 0)",
    )
    assert d.title.endswith("; or one sample of 5 steps without its batch axis")
    assert "numbers shaped (5, 1) are one sample of 5 steps" in d.decides
    many = explain(text.format(50))
    assert many is not None
    assert [a.kind for a in many.diagnosis.alternatives][:2] == ["missing-axis", "missing-axis"]
    assert many.diagnosis.decides.startswith("x.dtype: object holds sequences to pad")


@pytest.mark.parametrize(
    ("layer", "kind", "culprit"),
    [
        ("lstm_LSTM1", "missing-axis", "data"),  # z012: the first LSTM takes the data
        ("lstm_LSTM2", "model-structure", "model"),  # fed by the LSTM before it
        ("flatten_Flatten1", "model-structure", "model"),  # pn001: its input is already flat
    ],
)
def test_tensorflow_js_layer_names_are_keras_s_own(layer: str, kind: str, culprit: str) -> None:
    """TensorFlow.js names layers snake_ClassN, counted from 1 per class: automatic names
    (not a user's), and lstm_LSTM1 is the first LSTM, as lstm is in Keras."""
    text = f"Error: Input 0 is incompatible with layer {layer}: expected ndim=3, found ndim=2."
    result = explain(text)
    assert result is not None
    assert (result.diagnosis.kind, result.diagnosis.culprit) == (kind, culprit)


def test_flattened_square_images_of_another_size_name_both_sides() -> None:
    """TF1: (50, 1600) fed to a (50, 57600) placeholder: 40 x 40 images where the graph was
    declared for 240 x 240 (pf006: the graph's size constant was changed), as for 4-D images
    of another size; widths that are not images stay token ids or features."""
    text = ("ValueError: Cannot feed value of shape (50, {}) for Tensor u'Placeholder:0', which "
            "has shape '(50, {})'")  # fmt: skip
    result = explain(text.format(1600, 57600))
    assert result is not None
    d = result.diagnosis
    assert (d.kind, d.culprit, d.decided) == ("model-structure", "model", False)
    assert d.title == "flattened images of 40 x 40 for a graph declared for 240 x 240"
    assert d.fix.startswith("declare the input for these images, tf.placeholder(tf.float32, "
                            "[50, 1600])")  # fmt: skip
    assert [(a.kind, a.culprit) for a in d.alternatives] == [("features", "data")]
    rgb = explain(text.format(3 * 32 * 32 + 0, 3 * 28 * 28))
    assert rgb is not None and rgb.diagnosis.title.endswith("28 x 28 x 3")
    for widths in ((1024, 256), (47, 56)):  # powers of two, or not squares: sequences
        other = explain(text.format(*widths))
        assert other is not None and not other.diagnosis.title.startswith("flattened images")


def test_sequences_of_four_times_the_steps_or_more_leave_cut_or_declare_open() -> None:
    """640 steps for a model of 128 (fc008: the model's seq_length was changed to 640): the
    pad cuts 80% of every sequence, so whether the model is trained decides, as for any
    longer sequence; the windows stay an alternative."""
    text = ('ValueError: Input 0 of layer "sequential" is incompatible with the layer: expected '
            "shape=(None, 128, 3, 1), found shape=(None, {}, 3, 1)")  # fmt: skip
    result = explain(text.format(640))
    assert result is not None
    d = result.diagnosis
    assert (d.kind, d.culprit, d.decided) == ("timesteps", "data", False)
    assert [a.kind for a in d.alternatives] == ["missing-axis", "model-structure"]
    assert d.when == "if the model is trained and stays as it is (the cut keeps 20%)"
    assert "(each a long series: cut it into windows of that many)" in d.decides
    near = explain(text.format(200))
    assert near is not None and near.diagnosis.alternatives[0].kind == "model-structure"
    assert "windows" not in near.diagnosis.decides


def test_keras2_rows_into_a_3d_input_at_predict_read_one_sample_first() -> None:
    """Keras 2 gives only the rank: (37, 30) at predict is one sequence without its batch
    axis (fc002), or a table of rows; the same line without a predict frame stays a table."""
    line = ("ValueError: Error when checking input: expected input_4 to have 3 dimensions, but "
            "got array with shape (37, 30)")  # fmt: skip
    frame = "----> 8     prediction = model.predict([source, s0, c0])\n"
    result = explain(frame + line)
    assert result is not None
    d = result.diagnosis
    assert (d.kind, d.culprit, d.decided) == ("missing-batch", "data", False)
    assert d.fix.startswith("x = np.expand_dims(x, 0)")
    x = np.zeros((37, 30))
    scope = {"x": x, "np": np}
    exec(d.fix, scope)
    assert scope["x"].shape == (1, 37, 30)
    assert d.alternatives[0].kind == "missing-axis"
    alone = explain(line)
    assert alone is not None and (alone.diagnosis.kind, alone.diagnosis.decided) == (
        "missing-axis",
        True,
    )
    # a dataset's batch axis (None): batches of rows, never one sample of "None" steps
    batched = explain(frame + line.replace("(37, 30)", "(None, 30)"))
    assert batched is not None and batched.diagnosis.kind == "missing-axis"
    assert "None steps" not in batched.diagnosis.cause


def test_a_pasted_2d_width_leaves_features_or_sequences_open() -> None:
    """(1, 5) into (None, 2): features, or ids padded to 5 for an Embedding of 2 steps (w022:
    input_length was changed); at a Dense, a Flatten's steps x features (z013); when the
    model's call shows the data itself there, its features only."""
    keras3 = explain('ValueError: Input 0 of layer "sequential" is incompatible with the '
                     "layer: expected shape=(None, 2), found shape=(1, 5)")  # fmt: skip
    assert keras3 is not None
    d = keras3.diagnosis
    assert (d.kind, d.decided) == ("features", False)
    assert [(a.kind, a.culprit) for a in d.alternatives] == [("timesteps", "data")]
    assert d.decides.startswith("what axis 1 of x holds: features (the model takes 2), or the "
                                "token ids of sequences padded to 5")  # fmt: skip
    dense = explain(
        "Input 0 of layer dense is incompatible with the layer: expected axis -1 of input "
        "shape to have value 448 but received input with shape (None, 14944)"
    )
    assert dense is not None
    d = dense.diagnosis
    assert (d.kind, d.decided, d.alternatives[0].kind) == ("features", False, "timesteps")
    assert "maxlen=model.input_shape[1]" in d.alternatives[0].fix
    assert d.decides.startswith("what reaches dense: the data's features (it takes 448), or a "
                                "Flatten's steps x features")  # fmt: skip


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        # a tf.data dataset's shape (None first) in Keras 2's check (qa004: np.newaxis twice)
        (
            "ValueError: Error when checking input: expected conv2d_input to have 4 dimensions, "
            "but got array with shape (None, 28, 28, 1, 1)",
            "extra-axis",
            (None, 28, 28, 1, 1),
        ),
        # Keras 1 names a Dense's input dense_input_1: one sample of 784 values (qb002)
        (
            "Exception: Error when checking : expected dense_input_1 to have shape (None, 784) "
            "but got array with shape (784, 1)",
            "missing-batch",
            (784, 1),
        ),
        # NumPy 1.24+ says how far the array is regular (ra005)
        (
            "ValueError: setting an array element with a sequence. The requested array has an "
            "inhomogeneous shape after 1 dimensions. The detected shape was (3861,) + "
            "inhomogeneous part",
            "ragged",
            (3861,),
        ),
    ],
)
def test_shapes_read_where_the_wording_varies(
    text: str, kind: str, found: tuple[int | None, ...]
) -> None:
    result = explain(text)
    assert result is not None
    assert (result.diagnosis.kind, result.diagnosis.found) == (kind, found)


def test_ranks_only_of_images_leave_the_channel_or_the_batch_axis_open() -> None:
    """3 axes where a model of images takes 4, no shape given (rb003): grey images without
    their channel axis first, one image without its batch second; x.shape decides."""
    result = explain('ValueError: Input 0 of layer sequential is incompatible with the layer: '
                     ": expected min_ndim=4, found ndim=3")  # fmt: skip
    assert result is not None
    d = result.diagnosis
    assert (d.kind, d.decided, d.fix) == (
        "missing-axis",
        False,
        "x = np.expand_dims(x, -1)   # (samples, rows, cols, 1): grey images",
    )
    assert [(a.kind, a.culprit) for a in d.alternatives] == [("missing-batch", "data")]
    for shape, fix in (((5, 28, 28), d.fix), ((28, 28, 3), d.alternatives[0].fix)):
        scope = {"x": np.zeros(shape), "np": np}
        exec(fix, scope)
        assert scope["x"].ndim == 4


def test_negative_dimension_size_without_its_node_is_the_window_too() -> None:
    """TF's "Negative dimension size caused by subtracting 3 from 2" quoted without "for
    '{{node ...}}'" (qc002: a third conv block on a map already 2 wide): the same family."""
    result = explain("Negative dimension size caused by subtracting 3 from 2")
    assert result is not None
    d = result.diagnosis
    assert (d.kind, d.culprit) == ("model-structure", "model")
    assert (
        d.title
        == "a convolution or pooling layer's window of 3 is longer than the 2 step(s) that reach it"
    )
    assert d.fix.startswith("give the convolutions and poolings padding='same'")


def test_attention_heads_and_a_disconnected_graph_are_the_model() -> None:
    """pu003: 40 values for 11 heads; j024: an inference model whose outputs need a tensor
    of the training graph."""
    heads = explain("The size of the last dimension of the input (40) must be evenly divisible "
                    "by the numberof the attention heads 11")  # fmt: skip
    assert heads is not None
    assert (heads.diagnosis.kind, heads.diagnosis.culprit) == ("model-structure", "model")
    assert heads.diagnosis.fix == (
        "give it a number of heads that divides 40 (2, 4, 5, 8, 10), or project the input "
        "first to a multiple of 11 (Dense(44))"
    )
    graph = explain("ValueError: Graph disconnected: cannot obtain value for tensor KerasTensor")
    assert graph is not None and graph.diagnosis.kind == "model-structure"


def test_a_target_message_quoted_from_its_middle_names_the_output_only() -> None:
    """Keras 2's "A target array with shape Y was passed for an output of shape O", quoted
    lowercased and from "was passed" on (rc001): y's shape is not there, the output's is."""
    result = explain("was passed for an output of shape (none, 1) while using as loss "
                     "`mean_squared_error`. this loss expects targets to have the same "
                     "shape as the output.")  # fmt: skip
    assert result is not None
    d = result.diagnosis
    assert (d.kind, d.culprit, d.expected, d.found) == ("target", "data", (None, 1), None)
    assert d.fix.startswith("shape y as the output, (samples, 1)")
    whole = explain("ValueError: A target array with shape (128, 3) was passed for an output "
                    "of shape (None, 1) while using as loss `mean_squared_error`.")  # fmt: skip
    assert whole is not None and whole.diagnosis.found == (128, 3)


@pytest.mark.parametrize(
    ("text", "kind", "title"),
    [
        # tf.data's .batch() on sequences of different lengths (sa004)
        (
            "InvalidArgumentError: Cannot batch tensors with different shapes in component 0. "
            "First element had shape [103,40,1] and element 1 had shape [92,40,1]. "
            "[Op:IteratorGetNext]",
            "ragged",
            "tf.data cannot batch elements of different shapes",
        ),
        # Keras 3's data adapter, the type cut off (sb007) or a string
        (
            "ValueError: Unrecognized data type",
            "dtype",
            "x (or y) is not an array: most often a Python list",
        ),
        (
            "ValueError: Unrecognized data type: x=abc (of type <class 'str'>)",
            "dtype",
            "x is a str, not an array",
        ),
        # Keras 2's first layer without its shape, input_shape in double quotes (sb006)
        (
            'The first layer in a Sequential model must get an "input_shape" or '
            '"batch_input_shape" argument.',
            "model-structure",
            "the model does not know its input shape",
        ),
    ],
)
def test_wordings_of_known_facts(text: str, kind: str, title: str) -> None:
    result = explain(text)
    assert result is not None
    assert (result.diagnosis.kind, result.diagnosis.title) == (kind, title)


def test_padded_batch_and_a_pooling_s_input_as_printed() -> None:
    """The padded_batch fix runs as printed on elements of 103 and 92 steps; TF's Negative
    dimension size gives the pooling's input it prints (sa002: [?,1,128,128]) (TensorFlow)."""
    tf = pytest.importorskip("tensorflow")

    d = _diagnosis(
        "InvalidArgumentError: Cannot batch tensors with different shapes in component 0. "
        "First element had shape [103,40,1] and element 1 had shape [92,40,1]."
    )
    assert d.found == (103, 40, 1)
    ds = tf.data.Dataset.from_generator(
        lambda: (np.zeros((n, 40, 1), "float32") for n in (103, 92)),
        output_signature=tf.TensorSpec((None, 40, 1)),
    )
    scope = {"ds": ds}
    exec(d.fix, scope)
    assert tuple(next(iter(scope["ds"])).shape) == (2, 103, 40, 1)
    pool = _diagnosis(
        "ValueError: Negative dimension size caused by subtracting 2 from 1 for "
        "'max_pooling2d_2/MaxPool' (op: 'MaxPool') with input shapes: [?,1,128,128]."
    )
    assert (pool.kind, pool.found) == ("model-structure", (None, 1, 128, 128))


def test_a_2d_placeholder_reads_features_second() -> None:
    """(1, 366) for '(?, 16)' (sa006: 366 laser readings for a model of 16): token ids
    first, their features reading second, before the ids' own windows."""
    d = _diagnosis(
        "ValueError: Cannot feed value of shape (1, 366) for Tensor 'Placeholder:0', which "
        "has shape '(?, 16)'"
    )
    assert (d.kind, d.decided, d.alternatives[0].kind) == ("timesteps", False, "features")
