"""What Keras itself does with data of the wrong shape or values, by Keras version and model
type: the sentences findings quote, each verified against real Keras."""

from __future__ import annotations

from ..model.spec import ModelSpec, Shape

# -- what Keras itself does -----------------------------------------------------------------
# Verified with TensorFlow 2.21's tf.lite.Interpreter (tests/test_tflite.py): any shape other
# than the one allocated is refused by set_tensor.
INTERPRETER_RAISES = (
    "The TFLite interpreter raises ValueError (Cannot set tensor: Dimension mismatch) on any "
    "shape other than the one it allocated"
)

# Verified with onnxruntime 1.32's CPU session (tests/test_onnx.py): a fixed dim that differs
# or another rank is refused by run(), and so is any other dtype (float64 into float32 too).
ONNXRUNTIME_RAISES = (
    "onnxruntime raises InvalidArgument (Got invalid dimensions for input) on any fixed "
    "dimension that differs"
)
ONNXRUNTIME_DTYPE = (
    "onnxruntime casts nothing: it raises InvalidArgument (Unexpected input data type)"
)
# Verified with mlflow-skinny 3.17.2 and 3.18.0: mlflow.models.utils._enforce_schema, which
# PyFuncModel.predict runs before the model (tests/test_mlflow.py, tests/mlflow_child.py): a
# tensor spec refuses another rank or a fixed dim that differs, and any other dtype.
MLFLOW_RAISES = (
    "MLflow refuses it before the model runs: predict raises MlflowException (Shape of input "
    "... does not match expected shape ...)"
)
MLFLOW_DTYPE = (
    "MLflow casts nothing: predict raises MlflowException (dtype of input ... does not match "
    "expected dtype ...)"
)
# With mlflow-skinny 3.17.2: a column signature reads a bare array as pandas.DataFrame(x).
MLFLOW_COLUMNS = (
    "MLflow refuses it (MlflowException: ... missing inputs, for a 2-D array; pandas' "
    "ValueError: Must pass 2-d input, for another rank)"
)
MLFLOW_UNSAFE_CAST = (
    "MLflow casts a column only where no value changes: predict raises MlflowException "
    "(Incompatible input types for column ... Can not safely convert ...)"
)
# Triton core's checks of a request against config.pbtxt (docs/user_guide/
# model_configuration.md, "Inputs and Outputs" and "Maximum Batch Size"), verified against a
# real Triton 2.51 server (nvidia-pytriton's): fixtures/triton_server.py records what it did
# with each case and each printed fix (server_truth.json), and tests/test_triton.py holds
# check to it.
TRITON_RAISES = "Triton refuses the request (INVALID_ARG: unexpected shape for input)"
TRITON_DTYPE = (
    "Triton casts nothing: it refuses the request (INVALID_ARG: inference input data-type "
    "is not the one the model expects)"
)
TRITON_BATCH = (
    "Triton refuses the request (INVALID_ARG: inference request batch-size must be <= %d)"
)
RUNTIME_RAISES = {
    "tflite": INTERPRETER_RAISES,
    "onnx": ONNXRUNTIME_RAISES,
    "mlflow": MLFLOW_RAISES,
    "triton": TRITON_RAISES,
}
# the runtimes that take only the input's own dtype, and what they say on another
RUNTIME_DTYPE = {"onnx": ONNXRUNTIME_DTYPE, "mlflow": MLFLOW_DTYPE, "triton": TRITON_DTYPE}


def on_missing_input(model: ModelSpec, name: str) -> str:
    """What the runtime does with an input left out (onnxruntime 1.32's run(), verified in
    tests/test_onnx.py)."""
    if model.format == "onnx":
        return f"onnxruntime raises \"Required inputs (['{name}']) are missing from input feed\""
    return f'Keras would raise "Missing data for input \\"{name}\\""'


def keras_on_wrong_timesteps(model: ModelSpec) -> tuple[bool, str]:
    """(silent, sentence) for data whose time axis differs from the model's fixed one.

    Verified with real Keras 3.15 and tf-keras 2.21 on freshly loaded models: a Keras 3
    Sequential model runs on the wrong length with no error; Keras 3 functional models and
    every Keras 2 model raise ValueError. (Once ``predict`` has traced on one shape, both
    versions may retrace and run other lengths silently too.)
    """
    if model.format in RUNTIME_RAISES:
        return False, RUNTIME_RAISES[model.format]
    if model.keras_major is None and model.sequential:
        return True, (
            "Under Keras 3 a Sequential model runs on it with NO error (wrong predictions); "
            "Keras 2 raises a ValueError"
        )
    if model.keras_major == 3 and model.sequential:  # stateful ones too (the fix oracle)
        return True, (
            "Keras 3 runs a Sequential model on it with NO error: predictions come from the "
            "wrong number of timesteps"
        )
    return False, "Keras raises a ValueError (input incompatible with the layer)"


def keras_adds_unit_axis(
    model: ModelSpec, expected: Shape, found: Shape, kind: str
) -> tuple[str | None, str]:
    """What Keras does with data one axis short of an input whose last axis is 1: it adds
    that axis itself and runs (real Keras 3.15 and tf-keras 2.21, functional and Sequential).
    ``("fine", ...)`` for ``(N, T)`` into ``(None, T, 1)``: a warning; ``("misread", ...)``
    for one sequence ``(T, 1)``: run as T sequences of one timestep, with NO error."""
    if (
        len(expected) != 3  # only (batch, time, 1): seen with LSTM inputs, not ConvLSTM frames
        or len(found) != 2
        or expected[-1] != 1
        or model.signature is not None
        or model.format in RUNTIME_RAISES  # a runtime checks the rank: it adds no axis
    ):
        return None, ""
    if kind == "missing-axis" and all(
        e is None or e == f for e, f in zip(expected[1:-1], found[1:], strict=True)
    ):
        return "fine", (
            " Keras itself adds this axis and runs (checked with Keras 3.15 and tf-keras "
            "2.21), so this is a warning: code that feeds the model by other means may not"
        )
    if kind == "missing-batch":
        return "misread", (
            f" Keras does not refuse it: it adds a last axis and runs with NO error on "
            f"{found[0]} sequences of {found[1] if len(found) > 1 else 1} timestep(s) each "
            "(wrong predictions)"
        )
    return None, ""


def keras_on_wrong_batch(model: ModelSpec, found: int) -> tuple[bool, str]:
    """(silent, sentence) for a batch other than a fixed one. Verified with Keras 3.15 and
    tf-keras 2.21 on a stateful LSTM of batch 4: 2, 3, 6 and 8 samples raise (8 because
    predict's default batch_size=32 sends them at once); 8 and 12 run with batch_size=4; one
    sample runs under tf-keras only, broadcast (Keras 3 raises)."""
    expected = model.inputs[0].shape[0] if model.inputs else None
    if model.format in RUNTIME_RAISES:
        return False, RUNTIME_RAISES[model.format]
    if model.keras_major != 3 and expected is not None and found == 1 < expected:
        # tf-keras 2.21: the one sample broadcasts against every row of the state
        return True, (
            f"tf.keras 2 runs a batch of 1 with NO error: it broadcasts the sample against the "
            f"{expected} rows of the state and returns {expected} predictions"
        )
    if expected is not None and found % expected == 0:
        return False, (
            f"Keras raises an error unless it is fed {expected} at a time: "
            f"model.predict(x, batch_size={expected}) runs it"
        )
    return False, "Keras raises an error"


def keras_on_bad_token_ids(model: ModelSpec, negative: bool) -> str:
    """What Keras does with token ids outside an Embedding's range (TF backend).

    Verified on CPU with Keras 3.15 and tf-keras 2.21: tf-keras raises InvalidArgumentError for
    negative and too-large ids; Keras 3 raises for too-large ids but reads id -1 as the LAST row
    silently (negative ids index from the end). On GPU TensorFlow's gather returns zeros for
    out-of-range ids instead of raising (its documented behaviour).
    """
    if negative and model.keras_major == 3:
        return "Keras 3 silently reads negative ids from the end of the table (-1 is the last row)"
    if negative and model.keras_major is None:
        return "Keras 3 silently reads negative ids from the end of the table; tf.keras raises"
    return "Keras raises on CPU (InvalidArgumentError); on GPU TensorFlow returns zero vectors"
