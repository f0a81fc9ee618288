"""Child process: save subclassed models that own functional sub-models, with real Keras.

Usage: python keras_subclassed_child.py FLAVOUR OUT_DIR  (prints one JSON object: file -> truth)

FLAVOUR ``tf_keras`` writes a SavedModel folder (its keras_metadata.pb holds the sub-models'
configs) and a ``.keras`` (no sub-model configs); ``keras`` writes a ``.keras`` of the same
model and one whose ``get_config()`` serializes its sub-model. The truth is what the live
sub-models say: their inputs and the shape reaching each recurrent layer.
"""

import json
import os
import sys

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
flavour, out = sys.argv[1:3]
if flavour == "tf_keras":
    import tf_keras as keras
else:
    import keras


def shape(t):
    return [None if d is None else int(d) for d in tuple(t.shape)]


def describe(sub):
    return {
        "inputs": [{"name": t.name.split(":")[0], "shape": shape(t)} for t in sub.inputs],
        "recurrent": [
            [layer.name, shape(layer.input)]
            for layer in sub.layers
            if type(layer).__name__ in ("LSTM", "GRU", "SimpleRNN")
        ],
    }


class AVModel(keras.Model):
    """Two functional encoders built in __init__; the root's call() joins them."""

    def __init__(self, **kw):
        super().__init__(**kw)
        a = keras.Input((10, 8), name="audio")
        self.audio_enc = keras.Model(a, keras.layers.LSTM(4, name="audio_lstm")(a), name="ae")
        v = keras.Input((None, 6), name="video")
        self.video_enc = keras.Model(v, keras.layers.GRU(3, name="video_gru")(v), name="ve")
        self.head = keras.layers.Dense(1, name="head")

    def call(self, inputs):
        a, v = inputs
        return self.head(keras.layers.concatenate([self.audio_enc(a), self.video_enc(v)]))


model = AVModel(name="av_model")
model([np.zeros((1, 10, 8), "float32"), np.zeros((1, 5, 6), "float32")])
subs = {"audio_enc": describe(model.audio_enc), "video_enc": describe(model.video_enc)}
truth = {}
if flavour == "tf_keras":
    model.save(os.path.join(out, "av_savedmodel"), save_format="tf")
    truth["av_savedmodel"] = {"root": "AVModel", "submodels": subs}

    class Doubler(keras.layers.Layer):
        """Unknown to any reader: only the recorded build shapes say what follows it."""

        def call(self, x):
            return keras.backend.concatenate([x, x], axis=-1)

    x = keras.Input((10, 8), name="frames")
    functional = keras.Model(x, keras.layers.LSTM(3, name="after")(Doubler(name="doubler")(x)))
    functional.save(os.path.join(out, "custom_savedmodel"), save_format="tf")
    after = functional.get_layer("after")
    truth["custom_savedmodel"] = {"root": None, "recurrent": [["after", shape(after.input)]]}
model.save(os.path.join(out, "av_opaque.keras"))
truth["av_opaque.keras"] = {"root": "AVModel", "submodels": None}  # nothing to describe

if flavour == "keras":

    @keras.saving.register_keras_serializable(package="lstmdiag_tests")
    class Pair(keras.Model):
        """A sub-model passed in and serialized by get_config()."""

        def __init__(self, encoder=None, **kw):
            super().__init__(**kw)
            if encoder is None:
                a = keras.Input((12, 5), name="frames")
                encoder = keras.Model(a, keras.layers.GRU(2, name="enc_gru")(a), name="enc")
            elif isinstance(encoder, dict):
                encoder = keras.saving.deserialize_keras_object(encoder)
            self.encoder = encoder
            self.head = keras.layers.Dense(1, name="head")

        def call(self, x):
            return self.head(self.encoder(x))

        def get_config(self):
            encoder = keras.saving.serialize_keras_object(self.encoder)
            return {**super().get_config(), "encoder": encoder}

    pair = Pair(name="pair")
    pair(np.zeros((1, 12, 5), "float32"))
    pair.save(os.path.join(out, "pair_config.keras"))
    reloaded = keras.saving.load_model(os.path.join(out, "pair_config.keras"))
    truth["pair_config.keras"] = {
        "root": "Pair",
        "submodels": {"encoder": describe(reloaded.encoder)},
    }


class Graph(keras.Model):
    """A subclass built functionally: its config is a full graph under its own class name."""


g_in = keras.Input((10, 8), name="frames")
graph = Graph(g_in, keras.layers.LSTM(2, name="graph_lstm")(g_in))
graph_file = "graph_subclass" if flavour == "tf_keras" else "graph_subclass.keras"
graph.save(
    os.path.join(out, graph_file), **({"save_format": "tf"} if flavour == "tf_keras" else {})
)
truth[graph_file] = {
    "root": "graph",
    "class": "Graph",
    "recurrent": [["graph_lstm", shape(graph.get_layer("graph_lstm").input)]],
}
print(json.dumps(truth))
