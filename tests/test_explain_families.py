"""Families of messages `explain` reads by what they state (issue #28): each wording with the
kind, culprit and fix the evidence supports."""

from __future__ import annotations

import pytest

from lstmdiag.judge.explain import explain

CASES = [
    # Keras 1 and 2.0 print whole shapes, the batch first; Keras 2.1+ without it
    ("Error when checking model target: expected activation_1 to have shape (2688, 96, 96) "
     "but got array with shape (2688, 96, 1)", "target", "data",
     "y = keras.utils.to_categorical(y, 96)", (2688, 96, 96)),
    ("Error when checking target: expected activation_1 to have shape (96, 96) but got array "
     "with shape (96, 1)", "target", "data", "y = keras.utils.to_categorical(y, 96)",
     (None, 96, 96)),
    ("ValueError: Error when checking model input: expected input_1 to have shape (32, 10, 8) "
     "but got array with shape (1, 10, 8)", "batch", "data", "x = np.concatenate(",
     (32, 10, 8)),
    # Theano's matrix product in the recurrent step: two batch sizes
    ("ValueError: dimension mismatch in args to gemm (2000,64)x(64,64)->(5,64)", "batch",
     "model", "rebuild the model for the batch you feed", None),
    ("Exception: This model has not yet been built. Build the model first by calling build()",
     "model-structure", "model", "start the model with keras.Input(shape=", None),
    ("TypeError: The first layer in a Sequential model must get an `input_shape` or "
     "`batch_input_shape` argument.", "model-structure", "model", "start the model with", None),
    ("TypeError: index must be integers", "dtype", "data", "x = x.astype('int32')", None),
    ("TypeError: Value passed to parameter 'indices' has DataType float32 not in list of "
     "allowed values: int32, int64", "dtype", "data", "x = x.astype('int32')", None),
    ("UnimplementedError: TensorArray has size zero, but element shape <unknown> is not fully "
     "defined.", "empty", "data", "drop empty sequences before padding", None),
    # fewer arrays than the model has inputs: some were left out
    ("ValueError: Error when checking model input: the list of Numpy arrays that you are "
     "passing to your model is not the size the model expected. Expected to see 2 array(s), "
     "but instead got the following list of 1 arrays: [array([[1]])]", "input-count", "data",
     "pass one array per input", None),
]  # fmt: skip


@pytest.mark.parametrize(("text", "kind", "culprit", "fix", "expected"), CASES)
def test_each_family(
    text: str, kind: str, culprit: str, fix: str, expected: tuple[int | None, ...] | None
) -> None:
    result = explain(text)
    assert result is not None
    d = result.diagnosis
    assert (d.kind, d.culprit) == (kind, culprit), d
    assert d.fix.startswith(fix), d.fix
    if expected is not None:
        assert d.expected == expected


def test_a_column_into_a_sequence_model_offers_the_column_of_sequences_reading() -> None:
    """(375, 1) into a 3-D model: a one-column table, or an object array whose cells each
    hold a sequence; only the dtype decides, and the message does not say it."""
    result = explain(
        "ValueError: Error when checking input: expected lstm_1_input to have 3 dimensions, but "
        "got array with shape (375, 1)"
    )
    assert result is not None
    d = result.diagnosis
    assert d.kind == "missing-axis"
    ragged = [a for a in d.alternatives if a.kind == "ragged"]
    assert [a.fix for a in ragged] == [
        "x = keras.utils.pad_sequences(list(x[:, 0]), maxlen=None, dtype='float32')"
    ]
    assert ragged[0].why.startswith("if x.dtype == object")


def test_gemm_with_one_batch_is_no_batch_problem() -> None:
    assert explain("ValueError: dimension mismatch in args to gemm (5,64)x(32,64)->(5,64)") is None
