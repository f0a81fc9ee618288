"""Writes what real Keras raises when a stateful LSTM fixed to batches of 8 is fit on 20
samples (batch_size=8: the last batch holds 4). Run: python make_stateful_fit.py tf_keras|keras3
> stateful_fit_FLAVOUR.txt, then keep the traceback's call lines, the error and its node line
(the committed files are those lines, with the virtualenv's path shortened to /venv)."""

from __future__ import annotations

import os
import sys
import traceback

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"

import numpy as np

keras = __import__("tf_keras") if sys.argv[1] == "tf_keras" else __import__("keras")
m = keras.Sequential(
    [
        keras.Input(shape=(5, 3), batch_size=8),
        keras.layers.LSTM(4, stateful=True),
        keras.layers.Dense(1),
    ]
)
m.compile("adam", "mse")
x, y = np.zeros((20, 5, 3), "float32"), np.zeros((20, 1), "float32")
try:
    m.fit(x, y, batch_size=8, epochs=1, verbose=0)
except Exception:
    traceback.print_exc()
