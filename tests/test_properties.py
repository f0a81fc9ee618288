"""Property-based tests and fuzz targets (hypothesis): random configs, headers, shapes and pad
options never raise anything but LstmdiagError, and padding always equals the Keras-verified
reference. ``LSTMDIAG_FUZZ_EXAMPLES=100000 pytest tests/test_properties.py`` fuzzes longer;
CI runs them briefly."""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lstmdiag.data.discover import describe_file
from lstmdiag.data.info import ArrayInfo
from lstmdiag.errors import LstmdiagError
from lstmdiag.judge.check_options import CheckOptions
from lstmdiag.judge.checks import check_arrays
from lstmdiag.judge.findings import SHAPE_KINDS
from lstmdiag.model.config import spec_from_config
from lstmdiag.model.spec import InputSpec, ModelSpec
from lstmdiag.transform.pad_blocks import mask_rows, pad_block, pad_list

EXAMPLES = int(os.environ.get("LSTMDIAG_FUZZ_EXAMPLES", "200"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CLASSES = [
    "InputLayer",
    "LSTM",
    "GRU",
    "SimpleRNN",
    "RNN",
    "Bidirectional",
    "TimeDistributed",
    "Masking",
    "Embedding",
    "Conv1D",
    "Convolution1D",
    "MaxPooling1D",
    "Dense",
    "Flatten",
    "Reshape",
    "Permute",
    "Concatenate",
    "Add",
    "Dropout",
    "RepeatVector",
    "ConvLSTM2D",
    "Sequential",
    "Functional",
    "Model",
    "Lambda",
    "Custom>Thing",
    "Merge",
]
KEYS = [
    "name",
    "units",
    "output_dim",
    "batch_shape",
    "batch_input_shape",
    "input_shape",
    "input_dim",
    "input_length",
    "return_sequences",
    "return_state",
    "layer",
    "cell",
    "filters",
    "kernel_size",
    "strides",
    "padding",
    "pool_size",
    "target_shape",
    "dims",
    "axis",
    "n",
    "mask_value",
    "mask_zero",
    "data_format",
    "merge_mode",
    "layers",
    "input_layers",
    "output_layers",
    "stateful",
    "dtype",
    "build_config",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 2**63),
    st.floats(),
    st.sampled_from(["same", "valid", "causal", "concat", "channels_first", ""]),
)
shapes = st.lists(st.one_of(st.none(), st.integers(-2, 64)), max_size=6)
json_values = st.recursive(
    st.one_of(scalars, shapes),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.sampled_from([*KEYS, "class_name", "config", "inbound_nodes"]), children, max_size=6
        ),
    ),
    max_leaves=30,
)
layer = st.fixed_dictionaries(
    {
        "class_name": st.sampled_from(CLASSES),
        "config": st.dictionaries(st.sampled_from(KEYS), json_values, max_size=8),
    },
    optional={
        "name": st.text(max_size=5),
        "inbound_nodes": st.lists(
            st.lists(
                st.lists(
                    st.one_of(
                        st.text(max_size=3),
                        st.integers(-1, 3),
                        st.dictionaries(st.text(max_size=2), scalars, max_size=2),
                    ),
                    max_size=4,
                ),
                max_size=3,
            ),
            max_size=2,
        ),
    },
)
model_config = st.fixed_dictionaries(
    {
        "class_name": st.sampled_from(["Sequential", "Functional", "Model", "Dense", 3]),
        "config": st.one_of(
            st.lists(layer, max_size=6),
            st.fixed_dictionaries(
                {"layers": st.lists(layer, max_size=6)},
                optional={"input_layers": json_values, "output_layers": json_values},
            ),
            json_values,
        ),
    }
)


@FUZZ
@given(model_config)
def test_config_reader_never_crashes(top: dict[str, Any]) -> None:
    try:
        spec = spec_from_config(top, path="m.json", fmt="json", keras_version=None)
    except LstmdiagError:
        return
    for r in spec.recurrent:
        assert r.input_shape is None or all(d is None or d >= 0 for d in r.input_shape)


@FUZZ
@given(st.binary(max_size=300), st.sampled_from([b"\x01\x00", b"\x02\x00", b"\x03\x00"]))
def test_npy_header_reader_never_crashes(tail: bytes, version: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.npy"
        path.write_bytes(b"\x93NUMPY" + version + tail)
        (info,) = describe_file(str(path), path)
        assert info.problem is not None or info.shape is not None


@FUZZ
@given(
    st.lists(st.integers(0, 5), min_size=1, max_size=5),
    st.sampled_from(["float32", "float64", "int32", ">f4", "uint8"]),
)
def test_valid_npy_headers_round_trip(shape: list[int], dtype: str) -> None:
    buf = io.BytesIO()
    np.save(buf, np.zeros(shape, dtype=dtype))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.npy"
        path.write_bytes(buf.getvalue())
        (info,) = describe_file(str(path), path)
        assert info.problem is None and info.shape == tuple(shape)
        assert np.dtype(info.dtype) == np.dtype(dtype)


@FUZZ
@given(
    st.lists(st.one_of(st.none(), st.integers(1, 6)), min_size=2, max_size=4),
    st.lists(st.integers(0, 7), min_size=0, max_size=5),
    st.sampled_from(["float32", "float64", "int64", "bool", "complex64"]),
)
def test_checker_verdicts_match_shapes(
    expected: list[int | None], found: list[int], dtype: str
) -> None:
    spec = ModelSpec(
        "m",
        "json",
        "3.0.0",
        "Functional",
        False,
        (InputSpec("x", tuple(expected), "float32"),),
        (),
        (),
    )
    info = ArrayInfo("d.npy", Path("d.npy"), "npy", None, tuple(found), dtype)
    report = check_arrays(spec, [info], CheckOptions())
    if report.files[0].role != "input":  # a boolean (N, T) array is read as a mask
        assert dtype == "bool" and len(found) == 2 and report.files[0].role == "mask"
        return
    fits = len(found) == len(expected) and all(
        e is None or e == f for e, f in zip(expected, found, strict=False)
    )
    shape_errors = [f for f in report.findings if f.kind.value in SHAPE_KINDS]
    empty = bool(found) and found[0] == 0  # no samples: Keras raises (an "empty" finding)
    assert (not shape_errors) == (fits and not empty)


@FUZZ
@given(
    st.integers(1, 5),
    st.integers(0, 9),
    st.integers(1, 12),
    st.sampled_from(["pre", "post"]),
    st.sampled_from(["pre", "post"]),
    st.sampled_from([0.0, -1.0, 2.5]),
    st.sampled_from(["float32", "int32", "float64"]),
    st.sampled_from([(), (3,), (2, 2)]),
)
def test_block_padding_equals_the_reference(
    rows: int,
    length: int,
    maxlen: int,
    padding: str,
    truncating: str,
    value: float,
    dtype: str,
    rest: tuple[int, ...],
) -> None:
    rng = np.random.default_rng(rows * 100 + length)
    block = (rng.normal(size=(rows, length, *rest)) * 10).astype(np.float64)
    got = pad_block(block, maxlen, padding, truncating, value, np.dtype(dtype))
    want = pad_list(list(block), maxlen, padding, truncating, value, np.dtype(dtype), rest)
    assert got.tobytes() == want.tobytes()
    mask = mask_rows(np.full(rows, length), maxlen, padding)
    assert mask.sum() == rows * min(length, maxlen)


@settings(max_examples=150, deadline=None)
@given(
    values=st.lists(
        st.sampled_from([0.0, 1.0, -1.0, 2.5, 3.0, np.nan, np.inf, 7.0, 0.5]), min_size=1
    ),
    dim=st.integers(1, 9),
)
def test_value_tally_reuses_buffers_without_changing_counts(values: list[float], dim: int) -> None:
    """The allocation-free scan (buffers reused across blocks of different sizes) counts
    exactly what plain numpy counts."""
    from lstmdiag.judge.value_findings import _Scratch, _Tally, _tally_values

    arr = np.array(values, np.float32)
    scratch, tally = _Scratch(), _Tally()
    for block in (arr, arr[: max(1, len(arr) // 2)], arr):
        _tally_values(block, tally, dim, True, scratch)
    whole = np.concatenate([arr, arr[: max(1, len(arr) // 2)], arr])
    finite = whole[np.isfinite(whole)]
    assert tally.nonfinite == int((~np.isfinite(whole)).sum())
    assert tally.values == finite.size
    assert tally.nonintegral == int((finite != np.round(finite)).sum())
    assert tally.below == int((finite < 0).sum())
    assert tally.above == int((finite >= dim).sum())
    assert tally.binary == bool(np.isin(finite, [0, 1]).all())


def test_reused_npy_blocks_hold_the_same_values(tmp_path: Path) -> None:
    """``reuse=True`` reads every block into one buffer: same values, block by block, and
    read-only, so no caller can write through it."""
    from lstmdiag.data import npy

    arr = np.arange(7 * 3 * 2, dtype=np.float32).reshape(7, 3, 2)
    np.save(tmp_path / "a.npy", arr)
    fresh = list(npy.iter_blocks(tmp_path / "a.npy", 3))
    for index, block in enumerate(npy.iter_blocks(tmp_path / "a.npy", 3, reuse=True)):
        assert np.array_equal(block, fresh[index])
        assert not block.flags.writeable
    assert [len(b) for b in fresh] == [3, 3, 1]
