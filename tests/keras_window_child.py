"""Child process: real keras.utils.timeseries_dataset_from_array on the cases in an npz.

Usage: python keras_window_child.py FLAVOUR CASES.npz PARAMS.json OUT.npz
"""

import sys

import numpy as np

from keras_child_common import keras_module, load_cases

flavour, cases_path, params_path, out_path = sys.argv[1:5]
keras = keras_module(flavour)
params, data = load_cases(cases_path, params_path)
results = {}
for index, p in enumerate(params):
    x = data[f"c{index}"]
    offset = (p["T"] - 1) * p["rate"] + p["horizon"]
    targets = x[offset:, 0] if x.ndim == 2 else x[offset:]
    try:
        ds = keras.utils.timeseries_dataset_from_array(
            x,
            targets if p["with_targets"] else None,
            sequence_length=p["T"],
            sequence_stride=p["stride"],
            sampling_rate=p["rate"],
            batch_size=7,
        )
    except ValueError as exc:  # Keras refuses stride/rate >= len(data)
        results[f"error{index}"] = np.array(str(exc))
        continue
    xs, ys = [], []
    for batch in ds:
        if p["with_targets"]:
            xs.append(np.asarray(batch[0]))
            ys.append(np.asarray(batch[1]))
        else:
            xs.append(np.asarray(batch))
    shape = (0, p["T"], *x.shape[1:])
    results[f"x{index}"] = np.concatenate(xs) if xs else np.zeros(shape, x.dtype)
    if p["with_targets"]:
        results[f"y{index}"] = np.concatenate(ys) if ys else np.zeros(0, x.dtype)
np.savez(out_path, **results)
print(keras.__name__, keras.__version__)
