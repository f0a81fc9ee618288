"""Child process for the pad tests: run real ``pad_sequences`` on the cases in an npz.

Usage: python keras_pad_child.py FLAVOUR CASES.npz PARAMS.json OUT.npz
"""

import sys

import numpy as np

from keras_child_common import keras_module, load_cases

flavour, cases_path, params_path, out_path = sys.argv[1:5]
keras = keras_module(flavour)
params, data = load_cases(cases_path, params_path)
results = {}
for index, p in enumerate(params):
    seqs = [data[f"c{index}_s{j}"] for j in range(p["count"])]
    results[f"c{index}"] = keras.utils.pad_sequences(
        seqs,
        maxlen=p["maxlen"],
        dtype=p["dtype"],
        padding=p["padding"],
        truncating=p["truncating"],
        value=p["value"],
    )
np.savez(out_path, **results)
print(keras.__name__, keras.__version__)
