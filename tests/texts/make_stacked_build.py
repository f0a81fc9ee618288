"""Writes what real Keras raises while it builds a Sequential model whose first LSTM (with
input_shape) lacks return_sequences=True, as a full traceback. Run: python
make_stacked_build.py tf_keras|keras3 2> stacked_build_FLAVOUR.txt (the committed files keep
the traceback, with the virtualenv's path shortened to /venv)."""

from __future__ import annotations

import os
import sys
import traceback

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
keras = __import__("tf_keras") if sys.argv[1] == "tf_keras" else __import__("keras")
try:
    model = keras.Sequential()
    model.add(keras.layers.LSTM(8, input_shape=(10, 3)))
    model.add(keras.layers.LSTM(8))
    model.add(keras.layers.Dense(1))
    model.build((None, 10, 3))
except Exception:
    traceback.print_exc()
