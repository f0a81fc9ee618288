"""ONNX models (issue #26): read statically as onnxruntime reports them, time-major inputs
told from batch-major ones by following each recurrent node's X back to its input, and
checked as onnxruntime itself accepts or refuses data (its CPU session is the judge)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lstmdiag

from .conftest import MODELS, run_cli

ONNX = MODELS / "onnx"
TRUTH = json.loads((ONNX / "truth.json").read_text())
RUNS = {name: want for name, want in TRUTH.items() if isinstance(want, list)}


@pytest.mark.parametrize("name", sorted(RUNS))
def test_inspect_reports_the_inputs_onnxruntime_reports(name: str) -> None:
    data = json.loads(run_cli("inspect", MODELS / name, "--format", "json").stdout)
    got = [{k: i[k] for k in ("name", "shape", "dtype")} for i in data["inputs"]]
    assert got == RUNS[name]
    assert data["format"] == "onnx"


@pytest.mark.parametrize(
    ("name", "axes"),
    [
        ("lstm_time_major.onnx", [["time", "batch", "features"], ["batch"]]),
        ("gru_fixed_steps.onnx", [["time", "batch", "features"]]),
        # tf2onnx keeps Keras's (batch, time, features) and transposes before its LSTM node
        ("keras_lstm_tf2onnx.onnx", [["batch", "time", "features"]]),
        ("rnn_batch_first.onnx", [["batch", "time", "features"]]),  # layout=1
        ("lstm_fixed_batch.onnx", [["time", "batch", "features"]]),
    ],
)
def test_each_inputs_axes_are_read_from_the_node_it_feeds(name: str, axes: list[Any]) -> None:
    data = json.loads(run_cli("inspect", ONNX / name, "--format", "json").stdout)
    assert [i["axes"] for i in data["inputs"]] == axes


def test_the_recurrent_nodes_are_listed_with_their_attributes() -> None:
    spec = lstmdiag.inspect_model(ONNX / "lstm_time_major.onnx")
    (node,) = spec.recurrent
    assert (node.class_name, node.units, node.input, node.wrapper) == ("LSTM", 3, "x", None)
    spec = lstmdiag.inspect_model(ONNX / "keras_lstm_tf2onnx.onnx")
    assert [(r.class_name, r.units, r.input) for r in spec.recurrent] == [
        ("LSTM", 4, "keras_tensor")
    ]


def test_layout_1_is_said_to_be_refused_by_onnxruntime() -> None:
    spec = lstmdiag.inspect_model(ONNX / "rnn_batch_first.onnx")
    assert any("layout=1" in n.text for n in spec.notes)
    assert "Batchwise recurrent operations" in TRUTH["onnx/rnn_batch_first.onnx"]


# -- check agrees with onnxruntime ------------------------------------------------------------
def _session(name: str) -> Any:
    ort = pytest.importorskip("onnxruntime")
    return ort.InferenceSession(str(ONNX / name), providers=["CPUExecutionProvider"])


def _runs(session: Any, feed: dict[str, np.ndarray]) -> bool:
    try:
        session.run(None, feed)
    except Exception:  # onnxruntime's InvalidArgument / ValueError
        return False
    return True


def _feed(name: str, x: np.ndarray) -> dict[str, np.ndarray]:
    if name != "lstm_time_major.onnx":
        return {"x" if "tf2onnx" not in name else "keras_tensor": x}
    batch = x.shape[1] if x.ndim == 3 else 1
    return {"x": x, "sequence_lens": np.full((batch,), x.shape[0] if x.ndim else 1, "int32")}


# (label, shape, dtype) per model: the same faults as the Keras and TFLite matrices
MATRIX = {
    "gru_fixed_steps.onnx": [
        ("time_major", (10, 32, 4), "float32"),
        ("batch_major", (32, 10, 4), "float32"),
        ("one_sample_batch_major", (1, 10, 4), "float32"),
        ("short", (7, 32, 4), "float32"),
        ("features", (10, 32, 5), "float32"),
        ("missing_axis", (10, 4), "float32"),
        ("float64", (10, 32, 4), "float64"),
    ],
    "keras_lstm_tf2onnx.onnx": [
        ("batch_major", (32, 10, 8), "float32"),
        ("time_major", (10, 32, 8), "float32"),
        ("short", (32, 7, 8), "float32"),
        ("features", (32, 10, 3), "float32"),
        ("float64", (32, 10, 8), "float64"),
    ],
    "lstm_fixed_batch.onnx": [  # (12, 4, 3): as torch.onnx traces nn.LSTM on one input
        ("time_major", (12, 4, 3), "float32"),
        ("batch_major", (4, 12, 3), "float32"),
        ("small_batch", (12, 2, 3), "float32"),
        ("big_batch", (12, 8, 3), "float32"),
        ("short", (9, 4, 3), "float32"),
        ("long", (15, 4, 3), "float32"),
    ],
    "lstm_time_major.onnx": [
        ("any", (5, 2, 8), "float32"),
        ("features", (5, 2, 3), "float32"),
        ("float64", (5, 2, 8), "float64"),
    ],
}
KINDS = {
    ("gru_fixed_steps.onnx", "batch_major"): ["layout"],
    ("gru_fixed_steps.onnx", "one_sample_batch_major"): ["layout"],
    ("gru_fixed_steps.onnx", "short"): ["timesteps"],
    ("gru_fixed_steps.onnx", "features"): ["features"],
    ("gru_fixed_steps.onnx", "float64"): ["dtype"],
    ("gru_fixed_steps.onnx", "missing_axis"): ["missing-batch"],  # one sequence of 10 steps
    ("keras_lstm_tf2onnx.onnx", "short"): ["timesteps"],
    ("keras_lstm_tf2onnx.onnx", "features"): ["features"],
    ("keras_lstm_tf2onnx.onnx", "time_major"): ["timesteps"],
    ("keras_lstm_tf2onnx.onnx", "float64"): ["dtype"],
    ("lstm_fixed_batch.onnx", "batch_major"): ["layout"],
    # read as they are (time-major), not as (batch, time) data of other lengths
    ("lstm_fixed_batch.onnx", "small_batch"): ["batch"],
    ("lstm_fixed_batch.onnx", "big_batch"): ["batch"],
    ("lstm_fixed_batch.onnx", "short"): ["timesteps"],
    ("lstm_fixed_batch.onnx", "long"): ["timesteps"],
    ("lstm_time_major.onnx", "features"): ["features"],
    ("lstm_time_major.onnx", "float64"): ["dtype"],
}


def _check(name: str, x: np.ndarray) -> lstmdiag.Report:
    if name == "lstm_time_major.onnx":
        lens = np.full((x.shape[1],), x.shape[0], "int32")
        return lstmdiag.check(ONNX / name, {"x": x, "sequence_lens": lens})
    return lstmdiag.check(ONNX / name, x)


CASES = [(name, *case) for name, cases in MATRIX.items() for case in cases]


@pytest.mark.parametrize(("name", "label", "shape", "dtype"), CASES)
def test_check_agrees_with_onnxruntime_and_code_fixes_run(
    name: str, label: str, shape: tuple[int, ...], dtype: str
) -> None:
    session = _session(name)
    x = np.random.default_rng(0).normal(size=shape).astype(dtype)
    report = _check(name, x)
    errors = [f for f in report.findings if f.severity.value == "error"]
    assert (not errors) == _runs(session, _feed(name, x)), (label, errors)
    assert sorted(f.kind.value for f in errors) == KINDS.get((name, label), [])
    for f in errors:
        if f.fix and f.fix.startswith("x = ") and "keras" not in f.fix:  # code, applied
            scope = {"x": x, "np": np}
            exec(f.fix, scope)
            fixed = scope["x"]
            assert _runs(session, _feed(name, fixed)), (label, f.fix)
            assert _check(name, fixed).ok


def test_the_tf2onnx_verdicts_are_onnxruntimes_sentences() -> None:
    x = np.zeros((32, 7, 8), "float32")
    (f,) = _check("keras_lstm_tf2onnx.onnx", x).findings
    assert "onnxruntime raises InvalidArgument" in f.message
    assert "Keras" not in f.message.split("onnxruntime")[1]


def test_pad_writes_a_time_major_models_sequences_time_major(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder of sequences of several lengths into a model fixed at 10 steps, time-major:
    check prints the pad command; applied as printed, each output is (10, 1, 4) with its
    int32 sequence_lens; joined on axis 1 as the message says, onnxruntime runs the batch,
    and the one sequence of exactly 10 steps gives the state it gives alone."""
    session = _session("gru_fixed_steps.onnx")
    model = ONNX / "gru_fixed_steps.onnx"
    data = tmp_path / "seqs"
    data.mkdir()
    rng = np.random.default_rng(1)
    for i, t in enumerate([3, 7, 10, 12]):
        np.save(data / f"s{i}.npy", rng.normal(size=(t, 4)).astype("float32"))
    report = lstmdiag.check(model, data)
    assert {f.fix for f in report.findings} == {
        f"lstmdiag pad {data / f's{i}.npy'} --model {model} --out padded/" for i in range(4)
    }
    assert all("join them on axis 1 (or pad with --stack" in f.message for f in report.findings)
    assert {f.alternatives[0][1] for f in report.findings} == {
        "export the model again with a free time axis (torch.onnx.export(..., dynamic_axes="
        "{'x': {0: 'time'}}), or convert a Keras model built with Input(shape=(None, 4)))"
    }
    monkeypatch.chdir(tmp_path)
    printed = run_cli("check", model, data).stdout
    assert f"fix: lstmdiag pad {data} --model {model} --out padded/" in printed
    result = run_cli("pad", data, "--model", model, "--out", "padded/")
    assert result.exit_code == 0, result.output
    assert "is time-major: the outputs are written (time, batch, features)" in result.output
    assert "takes no lengths (no sequence_lens): the model reads the padded" in result.output
    outs = [np.load(tmp_path / "padded" / f"s{i}.npy") for i in range(4)]
    assert {o.shape for o in outs} == {(10, 1, 4)}
    lens = [np.load(tmp_path / "padded" / f"s{i}.sequence_lens.npy") for i in range(4)]
    assert [(int(v[0]), v.dtype.name) for v in lens] == [(t, "int32") for t in (3, 7, 10, 10)]
    (y_h,) = session.run(None, {"x": np.concatenate(outs, axis=1)})
    alone = session.run(None, {"x": np.load(data / "s2.npy")[:, None, :]})[0]
    np.testing.assert_allclose(y_h[0, 2], alone[0, 0], rtol=1e-5)


def _ragged(tmp_path: Path, lengths: list[int], features: int = 8) -> Path:
    data = tmp_path / "seqs"
    data.mkdir()
    rng = np.random.default_rng(2)
    for i, t in enumerate(lengths):
        np.save(data / f"s{i}.npy", rng.normal(size=(t, features)).astype("float32"))
    return data


@pytest.mark.parametrize("suffix", [".npy", ".h5"])
def test_a_stack_for_sequence_lens_keeps_every_sequences_output(
    tmp_path: Path, suffix: str
) -> None:
    """The model takes sequence_lens: pad pads after each sequence (post, said), writes
    (time, batch, features) and int32 sequence_lens, and onnxruntime gives each sequence of
    the padded batch exactly the state it gives that sequence alone."""
    model, session = ONNX / "lstm_time_major.onnx", _session("lstm_time_major.onnx")
    lengths = [3, 7, 10, 12, 1]
    data = _ragged(tmp_path, lengths)
    stack = tmp_path / f"st{suffix}"
    result = run_cli(
        "pad", "--input", f"x={data}", "--model", model, "--maxlen", "longest", "--stack", stack
    )
    assert result.exit_code == 0, result.output
    assert "padding post: input 'x' is read through sequence_lens" in result.output
    assert "padding post, truncating pre" in result.output
    if suffix == ".npy":
        x, lens = np.load(stack), np.load(tmp_path / "st.sequence_lens.npy")
    else:
        import h5py

        with h5py.File(stack) as f:
            x, lens = f["sequences"][()], f["sequence_lens"][()]
    assert x.shape == (12, 5, 8) and lens.dtype == np.int32
    assert lens.tolist() == lengths
    (y_h,) = session.run(None, {"x": x, "sequence_lens": lens})
    for i, t in enumerate(lengths):
        seq = np.load(data / f"s{i}.npy")
        np.testing.assert_array_equal(x[:t, i], seq)  # values kept, in place
        assert not x[t:, i].any()
        feed = {"x": seq[:, None, :], "sequence_lens": np.array([t], np.int32)}
        np.testing.assert_allclose(y_h[0, i], session.run(None, feed)[0][0, 0], atol=1e-6)


def test_pre_padding_against_sequence_lens_is_refused(tmp_path: Path) -> None:
    data = _ragged(tmp_path, [3, 5])
    model = ONNX / "lstm_time_major.onnx"
    out = tmp_path / "o.npy"
    args = ("pad", "--input", f"x={data}", "--model", model, "--maxlen", "4", "--stack", out)
    result = run_cli(*args, "--padding", "pre")
    assert result.exit_code == 2
    assert "sequence_lens, which counts the first steps of each sequence as real" in (result.stderr)
    masked = run_cli(*args, "--mask")
    assert masked.exit_code == 2 and "takes sequence_lens, not a mask" in masked.stderr
    assert not (tmp_path / "o.npy").exists()


def test_a_time_major_pad_in_memory_returns_the_batch_and_its_lengths() -> None:
    seqs = [np.ones((t, 8), "float32") for t in (2, 4)]
    x, lens = lstmdiag.pad(seqs, model=ONNX / "lstm_time_major.onnx", maxlen="longest")
    assert x.shape == (4, 2, 8) and lens.tolist() == [2, 4] and lens.dtype == np.int32
    assert x[:2, 0].all() and not x[2:, 0].any()  # post: the padding after the steps


@pytest.mark.parametrize("suffix", [".npy", ".h5"])
def test_time_major_writing_equals_the_transpose_in_pieces_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    """Blocks small enough that every row is written in spans: the time-major output is
    exactly np.swapaxes of the batch-major one."""
    from lstmdiag.transform import pad_blocks, padding

    data = _ragged(tmp_path, [9, 2, 13, 5], features=4)
    model = ONNX / "gru_fixed_steps.onnx"
    monkeypatch.setattr(pad_blocks, "BLOCK_BYTES", 40)
    monkeypatch.setattr(padding, "BLOCK_BYTES", 40)
    lstmdiag.pad(data, stack=tmp_path / f"tm{suffix}", model=model, padding="post")
    lstmdiag.pad(data, stack=tmp_path / f"bm{suffix}", maxlen=10, padding="post")
    if suffix == ".npy":
        tm, bm = np.load(tmp_path / "tm.npy"), np.load(tmp_path / "bm.npy")
    else:
        import h5py

        with h5py.File(tmp_path / "tm.h5") as a, h5py.File(tmp_path / "bm.h5") as b:
            tm, bm = a["sequences"][()], b["sequences"][()]
    assert tm.shape == (10, 4, 4)
    np.testing.assert_array_equal(tm, np.swapaxes(bm, 0, 1))


@pytest.mark.parametrize("cut", [0, 1, 3, 10, 60, 200, -5])
def test_a_damaged_onnx_is_one_line_never_a_traceback(tmp_path: Path, cut: int) -> None:
    data = (ONNX / "keras_lstm_tf2onnx.onnx").read_bytes()
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(data[:cut] if cut >= 0 else data[:cut] + b"\xff" * 10)
    result = run_cli("inspect", bad)
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and str(bad) in result.output, result.output


def test_random_flips_in_an_onnx_never_give_a_traceback(tmp_path: Path) -> None:
    data = (ONNX / "lstm_time_major.onnx").read_bytes()
    rng = np.random.default_rng(7)
    bad = tmp_path / "flip.onnx"
    for _ in range(300):
        raw = bytearray(data)
        for at in rng.integers(2, len(raw), size=int(rng.integers(1, 6))):
            raw[at] = int(rng.integers(0, 256))
        bad.write_bytes(bytes(raw))
        result = run_cli("inspect", bad, "--format", "json")
        assert result.exit_code in (0, 2), result.output
        if result.exit_code == 2:
            assert result.output.count("\n") == 1, result.output


def test_window_reads_a_time_major_models_time_axis_not_its_batch(tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    table.write_text("a,b,c,e\n" + "".join(f"{i},{i},{i},{i}\n" for i in range(30)))
    out = tmp_path / "out" / "w.npy"
    result = run_cli("window", table, "--model", ONNX / "gru_fixed_steps.onnx", "--stack", out)
    assert result.exit_code == 0, result.output
    assert np.load(out).shape == (21, 10, 4)  # windows of the model's 10 steps


def test_a_small_batch_padded_as_printed_keeps_each_sequences_output() -> None:
    session = _session("lstm_fixed_batch.onnx")
    x = np.random.default_rng(3).normal(size=(12, 2, 3)).astype("float32")
    (f,) = lstmdiag.check(ONNX / "lstm_fixed_batch.onnx", x).findings
    assert f.fix == "x = np.pad(x, ((0, 0), (0, 2), (0, 0)))"
    assert "keep the outputs of the first 2" in f.message
    scope = {"x": x, "np": np}
    exec(f.fix, scope)
    (y_h,) = session.run(None, {"x": scope["x"]})
    for i in range(2):  # each sequence alone, in a batch of its own copies
        alone = session.run(None, {"x": np.repeat(x[:, i : i + 1], 4, axis=1)})[0]
        np.testing.assert_allclose(y_h[0, i], alone[0, 0], rtol=1e-5)


def test_a_long_time_major_array_is_cut_as_said() -> None:
    x = np.zeros((15, 4, 3), "float32")
    (f,) = lstmdiag.check(ONNX / "lstm_fixed_batch.onnx", x).findings
    assert f.fix == "x = x[-12:]"
    assert "keeps the last 12 of 15 steps (80%)" in f.message


def test_an_array_that_runs_either_way_is_said_to_be_read_time_major() -> None:
    """Both axes free: onnxruntime runs (32, 10, 8) as 32 steps of 10 sequences, and would
    run its transpose too; check passes it and says how it is read (info, not a verdict)."""
    model = ONNX / "lstm_time_major.onnx"
    x, lens = np.zeros((32, 10, 8), "float32"), np.full(10, 32, "int32")
    assert _runs(_session("lstm_time_major.onnx"), {"x": x, "sequence_lens": lens})
    (f,) = lstmdiag.check(model, {"x": x, "sequence_lens": lens}).findings
    assert (f.kind.value, f.severity.value, f.fix) == ("layout", "info", None)
    assert f.message == (
        "<x> (32, 10, 8) is read time-major, as the runtime reads it: 32 timesteps of a batch "
        "of 10. Input 'x' fixes neither axis, so a (batch, time, features) array runs too, "
        "read wrong: if this one is, feed np.swapaxes(x, 0, 1)"
    )
    assert lstmdiag.check(model, {"x": x[:10], "sequence_lens": lens}).findings == ()
