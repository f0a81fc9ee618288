"""Child process for the explain tests: provoke real Keras errors, print them as JSON.

Usage: python keras_errors_child.py keras|tf_keras
Each entry is (case name, the text a user would paste: "ExceptionType: message").
"""

import json
import os
import sys
import traceback
import warnings

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
flavour = sys.argv[1]
if flavour == "tf_keras":
    import tf_keras as keras
else:
    import keras

L = keras.layers
messages = {}


def capture(name, fn):
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fn()
        for w in caught:
            if "structure" in str(w.message):
                messages[name] = f"UserWarning: {w.message}"
                return
        messages[name] = None
    except Exception as exc:
        messages[name] = f"{type(exc).__name__}: {exc}"


def capture_traceback(name, fn):
    """As capture, but the whole traceback as Python prints it (what a user pastes)."""
    try:
        fn()
        messages[name] = None
    except Exception:
        messages[name] = traceback.format_exc()


class Attention(L.Layer):
    """An attention layer as third-party packages write it: its build reads axis 2."""

    def build(self, input_shape):
        self.w = self.add_weight(shape=(int(input_shape[2]), 1))

    def call(self, inputs):
        return inputs


def functional(shape, batch_size=None, stateful=False, unroll=False):
    x = keras.Input(shape=shape, batch_size=batch_size)
    h = L.LSTM(4, stateful=stateful, unroll=unroll)(x)
    return keras.Model(x, L.Dense(1)(h))


f10 = functional((10, 8))
capture("timesteps", lambda: f10.predict(np.zeros((1, 4, 8), "float32"), verbose=0))
capture("features", lambda: f10.predict(np.zeros((1, 10, 5), "float32"), verbose=0))
capture("ndim_missing_batch", lambda: f10.predict(np.zeros((10, 8), "float32"), verbose=0))
capture("ndim_extra_axis", lambda: f10.predict(np.zeros((1, 1, 10, 8), "float32"), verbose=0))
seq = keras.Sequential([keras.Input((None, 8)), L.LSTM(4), L.Dense(1)])
capture("graph_features", lambda: seq.predict(np.zeros((1, 10, 5), "float32"), verbose=0))
st = functional((10, 8), batch_size=2, stateful=True)
capture("stateful_batch", lambda: st.predict(np.zeros((3, 10, 8), "float32"), verbose=0))
capture("unroll_none", lambda: functional((None, 8), unroll=True))
emb = keras.Sequential([keras.Input((5,), dtype="int32"), L.Embedding(50, 4), L.LSTM(2)])
capture("vocab", lambda: emb.predict(np.array([[1, 2, 3, 60, 4]], "int32"), verbose=0))
ragged = [np.zeros((3, 8), "float32"), np.zeros((5, 8), "float32")]
capture("ragged_list", lambda: seq.predict(np.array(ragged, dtype=object), verbose=0))
capture("list_to_one_input", lambda: f10.predict([np.zeros((1, 10, 8), "float32")] * 2, verbose=0))
capture("list_of_one", lambda: f10.predict([np.zeros((1, 10, 8), "float32")], verbose=0))
capture("ndim_layer", lambda: L.LSTM(4)(np.zeros((10, 8), "float32")))


def fitted(*layers, loss="mse", y=None, **fit):
    """Fit a Sequential (Input((10, 8)) then ``layers``) on 4 samples: the error it raises."""
    m = keras.Sequential([keras.Input((10, 8)), *layers])
    m.compile("adam", loss)
    y = np.zeros((4, 1), "float32") if y is None else y
    return lambda: m.fit(np.zeros((4, 10, 8), "float32"), y, epochs=1, verbose=0, **fit)


capture("kernel_longer", lambda: keras.Sequential([keras.Input((10, 8)), L.Conv1D(2, 12)]))
capture("reshape_size", lambda: keras.Sequential([keras.Input((10, 8)), L.Reshape((7, 7))]))
capture("sample_weight", fitted(L.LSTM(2), L.Dense(1), sample_weight=np.ones(3)))
per_step = (L.LSTM(2, return_sequences=True), L.Dense(1))
capture("per_step_loss", fitted(*per_step))
per_step_ids = (L.LSTM(2, return_sequences=True), L.Dense(3, activation="softmax"))
capture("per_step_sparse", fitted(*per_step_ids, loss="sparse_categorical_crossentropy"))
capture_traceback("attention_after_last_step", lambda: Attention()(L.LSTM(4)(keras.Input((10, 8)))))
conv = L.Conv2D(2, 3)
conv.build((None, 8, 8, 3))  # images that already have their 3 channels, given one axis more
capture("extra_channel_axis", lambda: conv(np.zeros((2, 8, 8, 3, 1), "float32")))
if flavour == "keras":
    from keras.src.legacy.preprocessing.image import ImageDataGenerator
else:
    from tf_keras.preprocessing.image import ImageDataGenerator
images = [np.zeros((20, 20, 1), "float32")] * 30  # a list: flow() takes x[0] as the images
capture("flow_list", lambda: ImageDataGenerator().flow(images, np.zeros((30, 3)), batch_size=4))
if flavour == "keras":  # tf-keras fails inside a reshape instead
    steps = np.ones((4, 5, 3), "float32")
    td = L.TimeDistributed(L.Dense(2))
    capture("td_mask_steps", lambda: td(steps, mask=np.ones((4, 6), bool)))

import tensorflow as tf  # noqa: E402  (after keras: tf_keras must be imported first)


def traced(layer, shape):
    fn = tf.function(lambda t: layer(t), input_signature=[tf.TensorSpec(shape, tf.float32)])
    return lambda: fn.get_concrete_function()


capture("unknown_rank", traced(L.LSTM(4), None))
# a reshape with a batch of 4 written into it, given one sample (eager: "Input to reshape")
capture("reshape_fixed_batch", lambda: tf.reshape(tf.zeros((1, 10)), [4, 10]))
capture("unroll_undefined", traced(L.LSTM(4, unroll=True), [None, None, 8]))
capture("unknown_rank_len", lambda: len(tf.TensorShape(None)))
print(json.dumps(messages))
