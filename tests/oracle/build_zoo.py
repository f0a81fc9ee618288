"""Keras child: build and save every oracle model (tests/oracle/zoo.py) with fixed weights.

Usage: python build_zoo.py FLAVOUR OUT_DIR
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from keras_child_common import keras_module
from oracle.zoo import ZOO, file_name

flavour, out_dir = sys.argv[1:3]
keras = keras_module(flavour)
layers = keras.layers


def recurrent(m, x, **kw):
    units = 4
    if m.layer == "GRU":
        return layers.GRU(units, **kw)(x)
    if m.layer == "SimpleRNN":
        return layers.SimpleRNN(units, **kw)(x)
    if m.layer == "Bidirectional":
        return layers.Bidirectional(layers.LSTM(units, **kw))(x)
    if m.layer == "ConvLSTM2D":
        return layers.Flatten()(layers.ConvLSTM2D(2, 3, **kw)(x))
    if m.layer == "Conv1D":
        x = layers.Conv1D(4, 3)(x)
    return layers.LSTM(units, **kw)(x)


def build(m):
    keras.utils.set_random_seed(7)
    shape = (m.timesteps, *m.features)
    dtype = "int32" if m.tokens else "float32"
    name = "seq" if m.static else None
    inp = keras.Input(shape=shape, dtype=dtype, batch_size=m.batch, name=name)
    x = inp
    if m.mask == "masking":
        x = layers.Masking(mask_value=m.mask_value)(x)
    if m.mask == "embedding":
        x = layers.Embedding(50, 8, mask_zero=True)(x)
    kw = {"stateful": True} if m.batch else {}
    x = recurrent(m, x, **kw)
    inputs = [inp]
    if m.static:
        static = keras.Input(shape=(m.static,), name="static")
        inputs.append(static)
        x = layers.Concatenate()([x, static])
    out = layers.Dense(1)(x)
    if m.sequential:
        # the same stack as a Sequential model: the Input, then every layer after it
        model = keras.Sequential([inp, *keras.Model(inp, out).layers[1:]])
    else:
        model = keras.Model(inputs if len(inputs) > 1 else inp, out)
    return model


for m in ZOO:
    build(m).save(os.path.join(out_dir, file_name(m, flavour)))
print(keras.__name__, keras.__version__)
