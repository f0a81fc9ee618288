"""Writes what real Keras raises when one-hot sequences (samples, 100, 500) are fit to a
Sequential model that starts with Embedding(500, 16): the Embedding adds an axis, and the
SimpleRNN after it gets 4-D. Run: python make_onehot_embedding.py tf_keras|keras3
2> onehot_embedding_FLAVOUR.txt (the committed files keep the error as raised, with the
virtualenv's path shortened to /venv). Then it checks that the printed fix runs: ids from
np.argmax(x, axis=-1) fit."""

from __future__ import annotations

import os
import sys
import traceback

import numpy as np

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
keras = __import__("tf_keras") if sys.argv[1] == "tf_keras" else __import__("keras")


def build() -> object:
    model = keras.Sequential(
        [keras.Input((100,)), keras.layers.Embedding(500, 16), keras.layers.SimpleRNN(8),
         keras.layers.Dense(1, activation="sigmoid")]
    )  # fmt: skip
    model.compile("adam", "binary_crossentropy")
    return model


ids = np.random.default_rng(0).integers(0, 500, (8, 100))
x, y = np.eye(500, dtype="float32")[ids], np.zeros((8, 1), "float32")
try:
    build().fit(x, y, verbose=0)
except Exception:
    traceback.print_exc()
build().fit(np.argmax(x, axis=-1), y, verbose=0)  # the fix, applied literally (a new
# model: a fit that failed leaves its traced function behind)
print("fix ran", file=sys.stdout)
