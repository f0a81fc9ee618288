"""The diagnosis engine through `check`: the right kind for the evidence, and every printed
Python fix, applied literally to the data, makes it pass (and keeps all of it)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import lstmdiag
from lstmdiag.judge.diagnosis import Evidence, layer_kind
from lstmdiag.judge.explain import explain
from lstmdiag.judge.shape_diagnosis import diagnose_shape
from lstmdiag.model.spec import InputSpec, ModelSpec

from .conftest import MODELS


def _model(*inputs: tuple[str, tuple[int | None, ...]]) -> ModelSpec:
    specs = tuple(InputSpec(name, shape, "float32") for name, shape in inputs)
    return ModelSpec("m.keras", "keras", "3.15.1", "Functional", False, specs, (), ())


def _apply(fix: str, x: np.ndarray) -> np.ndarray:
    """Run a printed one-line Python fix on x, as a user would paste it."""
    scope: dict[str, Any] = {"np": np, "x": x}
    exec(fix, scope)  # the fixes are lstmdiag's own strings, never data-derived code
    return np.asarray(scope["x"])


def _fix_then_recheck(model: ModelSpec, x: np.ndarray, kind: str) -> np.ndarray:
    (finding,) = lstmdiag.check(model, x).findings
    assert finding.kind.value == kind, finding.message
    assert finding.fix is not None and finding.fix.startswith("x = ")
    fixed = _apply(finding.fix, x)
    assert lstmdiag.check(model, fixed).exit_code() == 0, fixed.shape
    return fixed


def test_series_into_windows_not_truncation() -> None:
    """(1000, 128) against Input((10, 128)): sliding windows, never 'pad to the last 10'."""
    model = _model(("x", (None, 10, 128)))
    x = np.random.default_rng(0).standard_normal((1000, 128)).astype(np.float32)
    (finding,) = lstmdiag.check(model, x).findings
    assert finding.kind.value == "missing-axis" and "lstmdiag pad" not in (finding.fix or "")
    windows = _fix_then_recheck(model, x, "missing-axis")
    assert windows.shape == (991, 10, 128)
    for i in (0, 500, 990):  # window i is rows i..i+9, as timeseries_dataset_from_array
        assert np.array_equal(windows[i], x[i : i + 10])
    ((kind, fix, when),) = finding.alternatives  # one 1000-step sequence is the other reading
    assert kind == "timesteps" and "keeps 10 of them, 1%" in when
    assert fix == "x = keras.utils.pad_sequences([x], maxlen=10, dtype='float32')"


def test_seed_case_short_sequence_is_padded() -> None:
    model = _model(("x", (None, 10, 128)))
    x = np.ones((1, 4, 128), np.float32)
    (finding,) = lstmdiag.check(model, x).findings
    assert finding.kind.value == "timesteps" and "Padding adds 6 steps" in finding.message


def test_one_sequence_without_batch_axis() -> None:
    model = _model(("x", (None, 10, 8)))
    x = np.arange(80, dtype=np.float32).reshape(10, 8)
    fixed = _fix_then_recheck(model, x, "missing-batch")
    assert fixed.shape == (1, 10, 8) and np.array_equal(fixed[0], x)


def test_short_sequence_without_batch_axis_gets_one_chained_fix() -> None:
    model = _model(("x", (None, 10, 8)))
    x = np.arange(1, 33, dtype=np.float32).reshape(4, 8)
    fixed = _fix_then_recheck(model, x, "missing-batch")
    assert fixed.shape == (1, 10, 8) and np.array_equal(fixed[0, 6:], x)  # pre-padded


def test_missing_feature_axis() -> None:
    model = _model(("x", (None, 12, 1)))
    x = np.ones((5, 12), np.float32)
    assert _fix_then_recheck(model, x, "missing-axis").shape == (5, 12, 1)


def test_flattened_sequences() -> None:
    model = _model(("x", (None, 6, 4)))
    x = np.arange(3 * 24, dtype=np.float32).reshape(3, 24)
    assert _fix_then_recheck(model, x, "missing-axis").shape == (3, 6, 4)


def test_swapped_time_and_feature_axes() -> None:
    model = _model(("x", (None, 10, 3)))
    x = np.ones((4, 3, 10), np.float32)
    (finding,) = lstmdiag.check(model, x).findings
    assert finding.message.startswith("the time and feature axes are swapped")
    assert _fix_then_recheck(model, x, "features").shape == (4, 10, 3)


def test_extra_size_one_axis() -> None:
    model = _model(("x", (None, 10, 8)))
    x = np.ones((3, 1, 10, 8), np.float32)
    assert _fix_then_recheck(model, x, "extra-axis").shape == (3, 10, 8)


def test_static_input_axis_1_is_features() -> None:
    """A second input (None, 4) feeding Dense: axis 1 is features, padding is no fix."""
    model = _model(("seq", (None, None, 16)), ("static", (None, 4)))
    report = lstmdiag.check(
        model, {"seq": np.ones((3, 7, 16), np.float32), "static": np.ones((3, 5), np.float32)}
    )
    (finding,) = report.findings
    assert (finding.kind.value, finding.fix, finding.input) == ("features", None, "static")


def test_empty_data() -> None:
    (finding,) = lstmdiag.check(_model(("x", (None, 10, 8))), np.ones((0, 8), np.float32)).findings
    assert finding.kind.value == "empty"


def test_very_long_sequences_say_what_truncation_loses() -> None:
    model = _model(("x", (None, 10, 8)))
    (finding,) = lstmdiag.check(model, np.ones((2, 1000, 8), np.float32)).findings
    assert finding.kind.value == "timesteps"
    assert "keeps 10 of 1000 timesteps (1%)" in finding.message
    assert "loses most of the data" in finding.message
    assert next(k for k, _, _ in finding.alternatives) == "missing-axis"  # windows


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("lstm_1", "recurrent"),
        ("conv_lst_m2d_5", "recurrent"),
        ("bidirectional_1", "recurrent"),
        ("dense_3", "dense"),
        ("time_distributed_1", "dense"),
        ("conv2d", "conv"),
        ("sequential_10", "model"),
        ("lstm_1_input", "model"),
        ("input_17", "model"),
        ('"functional"', "model"),
    ],
)
def test_layer_kinds_from_keras_names(name: str, kind: str) -> None:
    assert layer_kind(name) == kind


def test_a_symbolic_tensor_into_a_recurrent_layer_is_a_model_problem() -> None:
    d = diagnose_shape(Evidence((None, None, None), (None, 64), layer="lstm_2"))
    assert (d.kind, d.culprit) == ("model-structure", "model")
    assert "return_sequences=True" in d.fix
    data = diagnose_shape(Evidence((None, None, None), (32, 64), layer="sequential"))
    assert data.culprit == "data"


def test_check_and_explain_give_the_same_answer(tmp_path: Any) -> None:
    """One engine: explain's reading of Keras's message equals check's finding."""
    model = MODELS / "k3/seq_fixed.keras"
    x = np.ones((10, 8), np.float32)
    (finding,) = lstmdiag.check(model, x).findings
    from lstmdiag.judge.explain import explain

    text = (
        'ValueError: Invalid input shape for input Tensor("data:0", shape=(10, 8), '
        "dtype=float32). Expected shape (None, 10, 8), but input has incompatible shape (10, 8)"
    )
    result = explain(text)
    assert result is not None and result.diagnosis.kind == finding.kind.value
    assert result.diagnosis.fix == finding.fix


FAMILIES = [  # (message as users posted it, kind, culprit, the start of the fix)
    (
        "ValueError: Error when checking target: expected dense_3 to have shape (3,) but got "
        "array with shape (1,)",
        "target", "data", "y = keras.utils.to_categorical(y, 3)",
    ),
    (
        "Error when checking target: expected dense_1 to have shape (None, 3) but got array with "
        "shape (658118, 4)",
        "target", "data", "y = keras.utils.to_categorical(y - 1, 3)   # ids 1..3 become 0..2",
    ),
    (
        "ValueError: Arguments `target` and `output` must have the same rank (ndim). Received: "
        "target.shape=(None,), output.shape=(None, 2)",
        "target", "data", "y = keras.utils.to_categorical(y, 2)",
    ),
    (
        "ValueError: Arguments `target` and `output` must have the same rank (ndim). Received: "
        "target.shape=(50,), output.shape=(50, 149, 149, 32)",
        "model-structure", "model", "end the model with Flatten()",
    ),
    (
        "ValueError: Error when checking model input: the list of Numpy arrays that you are "
        "passing to your model is not the size the model expected. Expected to see 1 array(s), "
        "but instead got the following list of 5910 arrays: [array([[0.5, 0.4]])]",
        "input-count", "data", "x = np.array(x)",
    ),
    (
        "ValueError: Unrecognized keyword arguments passed to LSTM: {'batch_input_shape': "
        "(1, 1, 7)}",
        "model-structure", "model", "start the model with keras.Input(shape=(T, F), batch_size=B)",
    ),
    (
        "ValueError: Unrecognized keyword arguments passed to Embedding: {'input_length': 500}",
        "model-structure", "model", "remove input_length",
    ),
    (
        "Exception: Layer lambda_1 does not support masking, but was passed an input_mask: "
        "Elemwise{neq,no_inplace}.0",
        "model-structure", "model", "remove mask_zero=True / Masking",
    ),
    ("Tensorflow ValueError: setting an array element with a sequence.", "ragged", "data", ""),
    ("ValueError: could not convert string to float: 'date'", "dtype", "data", "clean the values"),
    (
        "ValueError: Unexpected result of `train_function` (Empty logs). Please use "
        "`Model.compile(..., run_eagerly=True)`",
        "empty", "data", "check len(x) and len(y)",
    ),
    (
        "ValueError: expected shape=(None, 157, 229), found shape=(None, 626, 229)",
        "timesteps", "data", "",
    ),
    (
        "ValueError: Error when checking input: expected dense_input to have shape (7,) but got "
        "array with shape (1,)",
        "missing-batch", "data", "x = np.expand_dims(x, 0)",
    ),
    (
        "ValueError: Error when checking input: expected flatten_3_input to have 3 dimensions, "
        "but got array with shape (28, 28)",
        "missing-batch", "data", "x = np.expand_dims(x, 0)",
    ),
    (
        'ValueError: Input 0 of layer "lstm" is incompatible with the layer: expected ndim=3, '
        "found ndim=2. Full shape received: (None, 13)",
        "missing-axis", "data", "",
    ),
    (
        'ValueError: Input 0 of layer "lstm_1" is incompatible with the layer: expected ndim=3, '
        "found ndim=2. Full shape received: (None, 13)",
        "model-structure", "model", "set return_sequences=True",
    ),
    (
        "ValueError: Dimensions must be equal, but are 128 and 364 for 'RNN_forward/rnn/while/"
        "rnn/multi_rnn_cell/cell_0/cell_0/basic_lstm_cell/MatMul_1' (op: 'MatMul') with input "
        "shapes: [250,128], [364,256].",
        "model-structure", "model", "make a new cell per layer",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("text", "kind", "culprit", "fix"), FAMILIES)
def test_families_from_the_held_out_set(text: str, kind: str, culprit: str, fix: str) -> None:
    result = explain(text)
    assert result is not None, text
    d = result.diagnosis
    assert (d.kind, d.culprit) == (kind, culprit), (d.kind, d.culprit, d.fix)
    assert d.fix.startswith(fix), d.fix


def test_the_first_lstm_offers_the_models_reading_too() -> None:
    text = (
        'Input 0 of layer "lstm" is incompatible with the layer: expected ndim=3, found ndim=2. '
        "Full shape received: (None, 13)"
    )
    result = explain(text)
    assert result is not None
    assert [a.kind for a in result.diagnosis.alternatives][-1] == "model-structure"


def test_an_id_equal_to_input_dim_first_gives_the_embedding_one_more_row() -> None:
    """id == input_dim is the off-by-one of input_dim = len(word_index) (ids from 1), or an
    unknown token numbered input_dim: held-out threads split (four and six), so the answer
    gives both and what decides; a predicting model keeps its vocabulary."""
    result = explain("InvalidArgumentError: indices[4,0] = 10000 is not in [0, 10000)")
    assert result is not None
    d = result.diagnosis
    assert (d.kind, d.culprit, d.decided) == ("vocab", "model", False)
    assert d.fix.startswith("Embedding(input_dim=10001, ...)")
    assert d.decides.startswith("where id 10000 comes from: len(word_index) == 10000")
    (alt,) = d.alternatives
    assert alt.fix.startswith("use the tokenizer the model was trained with")
    predicting = explain(
        "InvalidArgumentError: indices[4,0] = 10000 is not in [0, 10000)\n"
        '  File "x.py", line 3, in <module>\n    model.predict(x)'
    )
    assert predicting is not None
    assert (predicting.diagnosis.culprit, predicting.diagnosis.decided) == ("data", True)


def test_an_id_one_past_a_round_vocabulary_plus_one_is_a_token_numbered_after_the_cut() -> None:
    """input_dim=5001 already counts the padding id (num_words + 1): id 5001 is a token
    numbered after the cut (word_index[oov] = top_k + 1), so the data is first."""
    result = explain("InvalidArgumentError: indices[37,0] = 5001 is not in [0, 5001)")
    assert result is not None
    d = result.diagnosis
    assert (d.kind, d.culprit, d.decided) == ("vocab", "data", True)
    assert "Tokenizer(num_words=5000, oov_token=...) numbers the OOV token 1" in d.fix
    (alt,) = d.alternatives
    assert alt.fix == "Embedding(input_dim=5002, ...) (one more row), then retrain"


BEYOND = "InvalidArgumentError: indices[4,0] = 12000 is not in [0, 10000)"
DATA_FIX = "use the tokenizer the model was trained with"
MODEL_FIX = "Embedding(input_dim=int(x.max()) + 1, ...) (at least 12001), then retrain"


@pytest.mark.parametrize(
    ("frames", "first", "second", "decided"),
    [
        ("", DATA_FIX, MODEL_FIX, False),  # nothing says which: both, and what decides
        ("\n---> 12 model.fit(x, y)", MODEL_FIX, DATA_FIX, False),  # training: still free
        ("\n---> 12 model.predict(x)", DATA_FIX, MODEL_FIX, True),  # a trained vocabulary
        (" [[{{node gradients/embedding/embedding_lookup_grad}}]]", MODEL_FIX, DATA_FIX, False),
    ],
)
def test_an_id_beyond_input_dim_names_both_readings_unless_the_call_decides(
    frames: str, first: str, second: str, decided: bool
) -> None:
    """An id far beyond input_dim: the data's larger vocabulary or a vocab_size set by hand
    too small. Held-out threads confirm both (five the data, three the model), so without a
    predict call the answer is undecided: both fixes, and what decides."""
    result = explain(BEYOND + frames)
    assert result is not None
    d = result.diagnosis
    (alt,) = d.alternatives
    assert (d.kind, d.decided) == ("vocab", decided)
    assert d.fix.startswith(first) and alt.fix.startswith(second)
    assert d.culprit == ("data" if first == DATA_FIX else "model")
    if not decided:
        assert d.when.startswith("if the") and d.decides.startswith("where the ids come from")
    else:
        assert (d.when, d.decides) == ("", "")


def test_a_negative_id_is_the_datas_alone() -> None:
    result = explain("InvalidArgumentError: indices[0,3] = -1 is not in [0, 2000)")
    assert result is not None
    d = result.diagnosis
    assert (d.kind, d.culprit, d.decided, d.alternatives) == ("vocab", "data", True, ())
