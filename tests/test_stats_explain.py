"""stats (maxlen candidates, exact bucketing) and explain (real Keras messages)."""

from __future__ import annotations

import importlib.util
import json
from collections import Counter
from pathlib import Path

import h5py
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstmdiag.judge.stats import brute_force_buckets, compute_stats, optimal_buckets

from .conftest import MODELS, run_cli, run_keras_child

HERE = Path(__file__).resolve().parent


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(st.integers(1, 60), st.integers(1, 9), min_size=1, max_size=25),
    st.integers(1, 6),
)
def test_buckets_are_exactly_optimal(hist: dict[int, int], k: int) -> None:
    lengths = np.array(sorted(hist), dtype=np.int64)
    counts = np.array([hist[int(n)] for n in lengths], dtype=np.int64)
    ends, padding = optimal_buckets(lengths, counts, k)
    assert padding == brute_force_buckets(lengths, counts, k)
    assert len(ends) <= k and ends[-1] == len(lengths) - 1
    # the reported split really has that padding
    start, total = 0, 0
    for end in ends:
        group = slice(start, end + 1)
        total += int(((lengths[end] - lengths[group]) * counts[group]).sum())
        start = end + 1
    assert total == padding


def test_stats_numbers() -> None:
    counts = Counter({n: 1 for n in range(1, 101)})  # lengths 1..100, one each
    s = compute_stats(counts, step_bytes=32, model_maxlen=None, buckets=(2,))
    assert (s.count, s.min, s.max) == (100, 1, 100)
    assert s.percentiles == {50: 50, 90: 90, 95: 95, 99: 99}
    by = {c.label: c for c in s.candidates}
    assert by["p95"].truncated_pct == pytest.approx(5.0)
    assert by["p95"].lost_pct == pytest.approx(100 * (1 + 2 + 3 + 4 + 5) / 5050)
    assert by["p95"].bytes == 100 * 95 * 32
    rec = next(c for c in s.candidates if c.recommended)
    # p90 loses 55/5050 = 1.09% of timesteps, p95 15/5050 = 0.30%: p95 is the shortest <= 1%
    assert rec.label == "p95"
    (two,) = s.bucketings
    lengths = np.arange(1, 101)
    assert two.padding == brute_force_buckets(lengths, np.ones(100, np.int64), 2)
    assert two.boundaries == (51,)  # 1..50 | 51..100: 2 x (0+1+...+49) = 2450 padded steps
    assert two.padding == 2450


def test_stats_cli_json_with_model(tmp_path: Path) -> None:
    with h5py.File(tmp_path / "seqs.h5", "w") as f:
        vl = f.create_dataset("tokens", (6,), dtype=h5py.vlen_dtype(np.int32))
        for i, n in enumerate([2, 3, 3, 5, 9, 12]):
            vl[i] = np.arange(n, dtype=np.int32)
    result = run_cli(
        "stats",
        tmp_path / "seqs.h5",
        "--model",
        MODELS / "k3/embed_maskzero_gru.keras",
        "--buckets",
        "2",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["count"] == 6 and data["max"] == 12 and data["model_maxlen"] == 12
    rec = [c for c in data["candidates"] if c["recommended"]]
    assert [c["label"] for c in rec] == ["model"]
    # The model fixes 12 timesteps: buckets could not be fed to it, so none are offered.
    assert data["buckets"] == [] and "fixes 12 timesteps" in data["bucketing_note"]
    free = json.loads(
        run_cli("stats", tmp_path / "seqs.h5", "--buckets", "2", "--format", "json").stdout
    )
    assert free["buckets"][0]["bucket_boundaries"] == [6] and free["bucketing_note"] is None
    # lengths 2,3,3,5 | 9,12: padding (3+2+2+0) + (3+0) = 10 vs 10+9+9+7+3+0 = 38
    assert free["buckets"][0]["padding_steps"] == 10
    table = run_cli("stats", tmp_path / "seqs.h5", "--plot", tmp_path / "h.svg")
    assert table.exit_code == 0 and "bucket_boundaries=[" in table.stdout
    assert (tmp_path / "h.svg").read_text().lstrip().startswith("<?xml")


def test_stats_sequence_files(tmp_path: Path) -> None:
    for i, n in enumerate([4, 4, 7]):
        np.save(tmp_path / f"s{i}.npy", np.zeros((n, 3), np.float32))
    data = json.loads(run_cli("stats", tmp_path, "--sequence-files", "-f", "json").stdout)
    assert (data["count"], data["min"], data["max"]) == (3, 4, 7)
    assert data["step_bytes"] == 12


def test_explain_unknown_text_exits_1() -> None:
    result = run_cli("explain", "Segmentation fault (core dumped)")
    assert result.exit_code == 1
    assert result.stderr == (
        "Not recognised: this does not look like a shape error lstmdiag knows. Understood: no "
        "exception, shape or layer. Try: lstmdiag check MODEL DATA\n"
    )


def test_a_decline_says_what_it_read() -> None:
    """Issue #28: an unknown fact gives a decline that says what was understood."""
    text = (
        '  File "t.py", line 9, in <module>\n    model.fit(x, y)\nInvalidArgumentError: '
        "ConcatOp : Dimensions of inputs should match: shape[0] = [32,10] vs. shape[1] = "
        '[16,10] [[{{node model/concatenate/concat}}]] layer "[red]x[/red]"'
    )
    result = run_cli("explain", text)
    assert result.exit_code == 1
    assert result.stderr == (
        "Not recognised: this does not look like a shape error lstmdiag knows. Understood: "
        "InvalidArgumentError; shapes (32, 10), (16, 10); layers [red]x[/red]; raised while "
        "feeding data. Try: lstmdiag check MODEL DATA\n"
    )
    read = json.loads(run_cli("explain", "--format", "json", text).stdout)
    assert read == {
        "recognised": False,
        "understood": {
            "error": "InvalidArgumentError",
            "shapes": [[32, 10], [16, 10]],
            "layers": ["[red]x[/red]"],
            "phase": "feeding data",
            "topic": None,
        },
    }
    oom = run_cli("explain", "ResourceExhaustedError: OOM when allocating tensor with shape[8,4]")
    assert oom.stderr.startswith(
        "Not recognised as a shape error. Understood: ResourceExhaustedError; about out of "
        "memory, not the shape of data; shapes (8, 4)."
    )


def _real_messages(flavour: str) -> dict[str, str | None]:
    return dict(json.loads(run_keras_child("keras_errors_child.py", flavour)))


# case -> (kind, expected dims, found dims) as lstmdiag should read them from the message
EXPECT: dict[str, tuple[str | tuple[str, ...], int | None, int | None]] = {
    "timesteps": ("timesteps", 10, 4),
    "features": ("features", 8, 5),
    # tf.keras batches a (10, 8) array into (None, 8) rows before it fails: a table, or one
    # sequence? The message alone cannot tell; Keras 3 keeps (10, 8): one sequence.
    "ndim_missing_batch": (("missing-batch", "missing-axis"), None, None),
    "ndim_extra_axis": ("extra-axis", None, None),
    "graph_features": ("features", 8, 5),
    "stateful_batch": ("batch", 2, 3),
    "unroll_undefined": ("model-structure", None, None),
    "unknown_rank": ("unknown-rank", None, None),
    "unknown_rank_len": ("unknown-rank", None, None),
    "vocab": ("vocab", None, None),
    "ragged_list": ("ragged", None, None),
    "list_of_one": ("input-count", None, None),
    "list_to_one_input": ("input-count", None, None),
    "ndim_layer": ("missing-axis", None, None),
    "extra_channel_axis": ("extra-axis", None, None),
    "td_mask_steps": ("timesteps", 5, 6),  # the mask has 6 steps, the input 5
    "flow_list": ("cardinality", None, None),  # x = np.array(x): see test_explain_families
    "reshape_fixed_batch": ("batch", None, None),
    "attention_after_last_step": ("model-structure", None, None),  # LSTM without sequences
    "kernel_longer": ("model-structure", None, None),  # Conv1D(2, 12) on 10 steps
    "reshape_size": ("model-structure", None, None),  # Reshape((7, 7)) of (10, 8)
    "sample_weight": ("cardinality", None, None),
    # the last LSTM returns sequences, y one target per sample: the loss's own errors
    "per_step_loss": ("model-structure", None, None),
    "per_step_sparse": ("model-structure", None, None),
}


@pytest.mark.keras
@pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None, reason="needs lstmdiag[tf]")
@pytest.mark.parametrize("flavour", ["keras", "tf_keras"])
def test_explain_recognises_real_keras_errors(flavour: str) -> None:
    messages = _real_messages(flavour)
    seen = 0
    for case, (kind, want, got) in EXPECT.items():
        text = messages.get(case)
        if text is None:  # this Keras does not produce that error (e.g. a warning in 3 only)
            continue
        seen += 1
        result = run_cli("explain", text, "--format", "json")
        assert result.exit_code == 0, f"{flavour} {case} not recognised:\n{text[:600]}"
        data = json.loads(result.stdout)
        assert data["kind"] in ((kind,) if isinstance(kind, str) else kind), f"{case}: {data}"
        if want is not None and kind in ("timesteps", "features") and data["expected"]:
            axis = data["axis"]
            assert data["expected"][axis] == want and data["found"][axis] == got
        if kind == "features" and not data["expected"]:
            assert f"{got} instead of {want}" in data["title"]
        if kind == "batch" and want is not None:
            assert data["title"] == f"batch of {got} for a model fixed to batches of {want}"
        if case == "sample_weight":
            assert data["title"] == "sample_weight has 3 values for 4 samples"
        if kind == "vocab":
            assert "token id 60" in data["title"] and "[0, 50)" in data["title"]
    assert seen >= 21


@pytest.mark.keras
@pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None, reason="needs lstmdiag[tf]")
def test_explain_uses_the_model_for_the_fix() -> None:
    text = _real_messages("keras")["timesteps"]
    assert text is not None
    model = MODELS / "k3/func_masking.keras"
    result = run_cli("explain", text, "--model", model, "--data", "d.npy", "-f", "json")
    data = json.loads(result.stdout)
    assert data["fix"].startswith(f"lstmdiag pad d.npy --model {model} --padding post")


def test_explain_says_when_the_evidence_cannot_decide_between_data_and_model() -> None:
    """An id far beyond input_dim, with no call that decides: both readings, each with its
    condition, and what decides; the JSON says decided false and keeps both fixes."""
    text = "InvalidArgumentError: indices[4,0] = 12000 is not in [0, 10000)"
    shown = run_cli("explain", text)
    assert shown.exit_code == 0
    out = " ".join(shown.stdout.split())
    assert "Cause (the data or the model: the evidence cannot say which):" in out
    assert "Fix, if the model's vocabulary is the right one" in out
    assert (
        "Or, if the data's vocabulary is the right one and input_dim was set too small: "
        "Embedding(input_dim=int(x.max()) + 1, ...) (at least 12001), then retrain" in out
    )
    assert "What decides: where the ids come from: compare max(x) + 1" in out
    data = json.loads(run_cli("explain", text, "-f", "json").stdout)
    assert (data["kind"], data["culprit"], data["decided"]) == ("vocab", "data", False)
    assert data["when"].startswith("if the model's vocabulary") and data["decides"]
    assert [a["kind"] for a in data["alternatives"]] == ["vocab"]
    decided = json.loads(
        run_cli("explain", text + "\n---> 3 model.predict(x)", "-f", "json").stdout
    )
    assert (decided["decided"], decided["when"], decided["decides"]) == (True, None, None)
