"""pad: equality with real keras pad_sequences, layouts, masks, and safety."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from pathlib import Path
from typing import Any

import h5py
import numpy as np
import pytest

from lstmdiag import inspect_model
from lstmdiag.data.discover import describe_paths
from lstmdiag.errors import LstmdiagError
from lstmdiag.transform import write
from lstmdiag.transform.pad_blocks import pad_block, pad_list
from lstmdiag.transform.pad_plan import PadOptions, plan_pad
from lstmdiag.transform.padding import run_pad

from .conftest import DATA, MODELS, run_cli, run_keras_child

HERE = Path(__file__).resolve().parent


def _random_cases(seed: int, count: int) -> list[dict[str, Any]]:
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(count):
        sample = [(), (3,), (2, 3)][rng.integers(3)]
        src_dtype = ["int32", "int64", "float32", "float64"][rng.integers(4)]
        lengths = rng.integers(0, 9, size=rng.integers(1, 7)).tolist()
        if rng.random() < 0.3:
            lengths = [int(lengths[0])] * len(lengths)  # uniform: also a batch file
        seqs = []
        for n in lengths:
            arr = rng.normal(0, 50, size=(n, *sample))
            seqs.append(arr.astype(src_dtype))
        longest = max(lengths) if max(lengths) > 0 else 1
        maxlen = int(rng.choice([1, max(1, longest - 2), longest, longest + 3]))
        cases.append(
            {
                "seqs": seqs,
                "sample": sample,
                "maxlen": maxlen,
                "dtype": ["int32", "float32", "float64", "int64"][rng.integers(4)],
                "padding": ["pre", "post"][rng.integers(2)],
                "truncating": ["pre", "post"][rng.integers(2)],
                "value": float([0.0, -1.0, 2.5, 7.0][rng.integers(4)]),
            }
        )
    return cases


def _keras_outputs(flavour: str, cases: list[dict[str, Any]], tmp: Path) -> dict[str, Any]:
    arrays = {f"c{i}_s{j}": s for i, c in enumerate(cases) for j, s in enumerate(c["seqs"])}
    np.savez(tmp / "cases.npz", **arrays)
    params = [
        {k: c[k] for k in ("maxlen", "dtype", "padding", "truncating", "value")}
        | {"count": len(c["seqs"])}
        for c in cases
    ]
    (tmp / "params.json").write_text(json.dumps(params))
    run_keras_child(
        "keras_pad_child.py", flavour, tmp / "cases.npz", tmp / "params.json", tmp / "out.npz"
    )
    with np.load(tmp / "out.npz") as out:
        return {k: out[k] for k in out.files}


def _ours_stacked(case: dict[str, Any], tmp: Path, name: str) -> np.ndarray:
    """Our result through the real file path: an h5 ragged collection -> --stack .npy."""
    src = tmp / f"{name}.h5"
    with h5py.File(src, "w") as f:
        g = f.create_group("seqs")
        for j, s in enumerate(case["seqs"]):
            g.create_dataset(f"s{j}", data=s)
    infos = describe_paths([str(src)])
    assert len(infos) == 1 and infos[0].ragged if len(case["seqs"]) > 1 else True
    out = tmp / f"{name}-out.npy"
    opts = PadOptions(
        maxlen=case["maxlen"],
        padding=case["padding"],
        truncating=case["truncating"],
        value=case["value"],
        dtype=case["dtype"],
        stack=out,
    )
    run_pad(plan_pad([str(src)], infos, opts))
    return np.load(out)


@pytest.mark.keras
@pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None, reason="needs lstmdiag[tf]")
@pytest.mark.parametrize("flavour", ["keras", "tf_keras"])
def test_identical_to_keras_pad_sequences(flavour: str, tmp_path: Path) -> None:
    cases = _random_cases(seed=7 if flavour == "keras" else 11, count=80)
    expected = _keras_outputs(flavour, cases, tmp_path)
    for i, case in enumerate(cases):
        want = expected[f"c{i}"]
        got = pad_list(
            case["seqs"],
            case["maxlen"],
            case["padding"],
            case["truncating"],
            case["value"],
            np.dtype(case["dtype"]),
        )
        assert got.dtype == want.dtype and got.shape == want.shape, i
        assert got.tobytes() == want.tobytes(), f"case {i}: {case}"
        if len(case["seqs"]) > 1 and max(len(s) for s in case["seqs"]) > 0:
            stacked = _ours_stacked(case, tmp_path, f"c{i}")
            assert stacked.tobytes() == want.tobytes(), f"stacked case {i}"
        if len({len(s) for s in case["seqs"]}) == 1 and len(
            case["seqs"][0]
        ):  # batch file: vectorised path
            batch = np.stack(case["seqs"])
            got = pad_block(
                batch,
                case["maxlen"],
                case["padding"],
                case["truncating"],
                case["value"],
                np.dtype(case["dtype"]),
            )
            assert got.tobytes() == want.tobytes(), f"batch case {i}"


def _hashes(folder: Path) -> dict[str, str]:
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _tmp_leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.startswith(write.TMP_PREFIX)]


def test_pad_then_check_is_clean(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "sub").mkdir(parents=True)
    np.save(data / "a.npy", np.ones((2, 4, 8), np.float32))
    np.save(data / "sub" / "b.npy", np.ones((3, 14, 8), np.float32))
    before = _hashes(data)
    model = MODELS / "k3/seq_fixed.keras"
    assert run_cli("check", model, data).exit_code == 1
    out = tmp_path / "padded"
    result = run_cli("pad", data, "--model", model, "--out", out)
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.npy")) == [
        "a.npy",
        "sub/b.npy",
    ]
    assert np.load(out / "sub" / "b.npy").shape == (3, 10, 8)
    assert run_cli("check", model, out).exit_code == 0
    assert _hashes(data) == before
    assert not _tmp_leftovers(tmp_path)


def test_never_into_the_input_tree_and_never_overwrite(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    np.save(data / "a.npy", np.ones((2, 4, 8), np.float32))
    result = run_cli("pad", data, "--maxlen", "6", "--out", data / "padded")
    assert result.exit_code == 2
    assert "inside the input folder" in result.stderr
    assert not (data / "padded").exists()
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.npy").write_bytes(b"precious")
    result = run_cli("pad", data, "--maxlen", "6", "--out", out)
    assert result.exit_code == 2 and "--force" in result.stderr
    assert (out / "a.npy").read_bytes() == b"precious"
    assert run_cli("pad", data, "--maxlen", "6", "--out", out, "--force").exit_code == 0
    assert np.load(out / "a.npy").shape == (2, 6, 8)
    result = run_cli("pad", data / "a.npy", "--maxlen", "6", "--stack", data / "a.npy", "--force")
    assert result.exit_code == 2 and "never overwrites its inputs" in result.stderr


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_failure_mid_write_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for name in ("a", "b"):
        np.save(data / f"{name}.npy", np.ones((4, 5, 8), np.float32))
    before = _hashes(data)
    calls = {"n": 0}
    original = write._StreamSink._write

    def flaky(self: Any, block: np.ndarray) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise failure
        original(self, block)

    monkeypatch.setattr(write._StreamSink, "_write", flaky)
    out = tmp_path / "out"
    if isinstance(failure, OSError):
        result = run_cli("pad", data, "--maxlen", "10", "--out", out)
        assert result.exit_code == 2
        assert "No space left on device" in result.stderr
        assert result.stderr.count("\n") == 1
    else:
        infos = describe_paths([str(data)])
        plan = plan_pad([str(data)], infos, PadOptions(maxlen=10, out=out))
        with pytest.raises(KeyboardInterrupt):
            run_pad(plan)
    assert not _tmp_leftovers(tmp_path)
    assert not (out / "b.npy").exists()  # the interrupted output never appears
    assert _hashes(data) == before


def test_unwritable_output(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        target = Path("/proc/lstmdiag-cannot-write-here")
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        target = locked / "out"
    result = run_cli("pad", DATA / "short.npy", "--maxlen", "10", "--out", target)
    assert result.exit_code == 2
    assert result.stderr.startswith("error:") and result.stderr.count("\n") == 1


def test_mask_and_value_auto(tmp_path: Path) -> None:
    frames = np.ones((2, 5, 3), np.float32)
    frames[0, 2] = 0.0  # a real all-zero frame
    np.save(tmp_path / "f.npy", frames)
    out = tmp_path / "out"
    result = run_cli(
        "pad",
        tmp_path / "f.npy",
        "--maxlen",
        "7",
        "--padding",
        "post",
        "--mask",
        "--out",
        out,
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert info["collisions"] == 1 and info["mask_layer"] == "Masking(mask_value=0.0)"
    mask = np.load(out / "f.mask.npy")
    assert mask.dtype == bool and mask.tolist() == [[True] * 5 + [False] * 2] * 2
    table = run_cli("pad", tmp_path / "f.npy", "--maxlen", "7", "--mask", "--out", out, "--force")
    assert "1 real timestep equals the padding value 0.0" in table.stdout
    auto = run_cli(
        "pad",
        tmp_path / "f.npy",
        "--maxlen",
        "7",
        "--padding",
        "post",
        "--mask",
        "--value",
        "auto",
        "--out",
        out,
        "--force",
        "--format",
        "json",
    )
    info = json.loads(auto.stdout)
    assert info["value"] == -1.0 and info["collisions"] == 0
    assert info["mask_layer"] == "Masking(mask_value=-1.0)"
    assert np.load(out / "f.npy")[0, 5:].tolist() == [[-1.0] * 3] * 2


def test_token_mask_suggests_embedding_mask_zero(tmp_path: Path) -> None:
    np.save(tmp_path / "t.npy", np.array([[3, 4, 5]], np.int32))
    result = run_cli(
        "pad",
        tmp_path / "t.npy",
        "--maxlen",
        "5",
        "--mask",
        "--out",
        tmp_path / "o",
        "--format",
        "json",
    )
    assert json.loads(result.stdout)["mask_layer"] == (
        "Embedding(input_dim, output_dim, mask_zero=True)"
    )
    assert np.load(tmp_path / "o" / "t.npy").tolist() == [[0, 0, 3, 4, 5]]


def test_maxlen_auto_is_what_stats_recommends(tmp_path: Path) -> None:
    with h5py.File(tmp_path / "r.h5", "w") as f:
        g = f.create_group("seqs")
        for i in range(100):
            g.create_dataset(f"{i}", data=np.ones((i + 1, 2), np.float32))
    result = run_cli(
        "pad",
        tmp_path / "r.h5",
        "--maxlen",
        "auto",
        "--stack",
        tmp_path / "all.h5",
        "--format",
        "json",
    )
    info = json.loads(result.stdout)
    assert info["maxlen"] == 95 and "as lstmdiag stats recommends" in info["maxlen_reason"]
    stats = json.loads(run_cli("stats", tmp_path / "r.h5", "-f", "json").stdout)
    assert [c["maxlen"] for c in stats["candidates"] if c["recommended"]] == [95]
    # the fixture clips: p95 is 29, but 28 already keeps >= 99% of timesteps
    from .conftest import FIXTURES

    clips = json.loads(
        run_cli(
            "pad",
            FIXTURES / "ragged/clips.h5",
            "--maxlen",
            "auto",
            "--stack",
            tmp_path / "c.h5",
            "-f",
            "json",
        ).stdout
    )
    assert clips["maxlen"] == 28
    with h5py.File(tmp_path / "all.h5") as f:
        assert f["sequences"].shape == (100, 95, 2)
        assert f["lengths"][()].tolist() == [*range(1, 96), *[95] * 5]  # kept of 1..100


def test_npz_and_h5_layouts(tmp_path: Path) -> None:
    np.savez(tmp_path / "d.npz", x=np.ones((2, 3, 4), np.float32), y=np.arange(2))
    with h5py.File(tmp_path / "d.h5", "w") as f:
        f["batch"] = np.ones((2, 12, 4), np.float32)
        g = f.create_group("clips")
        for i, n in enumerate([2, 7]):
            g.create_dataset(f"c{i}", data=np.full((n, 4), i + 1, np.float32))
    out = tmp_path / "out"
    result = run_cli(
        "pad",
        tmp_path / "d.npz",
        tmp_path / "d.h5",
        "--maxlen",
        "5",
        "--mask",
        "--padding",
        "post",
        "--out",
        out,
    )
    assert result.exit_code == 0, result.output
    with np.load(out / "d.npz") as z:
        assert z["x"].shape == (2, 5, 4) and z["y"].tolist() == [0, 1]
        assert z["x_mask"].tolist() == [[True] * 3 + [False] * 2] * 2
    with h5py.File(out / "d.h5") as f:
        assert f["batch"].shape == (2, 5, 4)
        assert f["clips"].shape == (2, 5, 4)
        assert f["clips_lengths"][()].tolist() == [2, 5]  # kept: 7 truncated to 5
        assert f["clips"][0, :, 0].tolist() == [1, 1, 0, 0, 0]
        assert f["clips"][1, :, 0].tolist() == [2] * 5
        assert f["clips_mask"][0].tolist() == [True, True, False, False, False]


def test_plan_errors(tmp_path: Path) -> None:
    infos = describe_paths([str(DATA / "short.npy")])
    with pytest.raises(LstmdiagError, match="exactly one of"):
        plan_pad([str(DATA)], infos, PadOptions(maxlen=3))
    with pytest.raises(LstmdiagError, match="give --maxlen"):
        plan_pad([str(DATA)], infos, PadOptions(out=tmp_path))
    free = inspect_model(MODELS / "k3/seq_none.keras")
    with pytest.raises(LstmdiagError, match="does not fix the time axis"):
        plan_pad([str(DATA)], infos, PadOptions(out=tmp_path), free)


def test_sequence_files_stack_in_sorted_order(tmp_path: Path) -> None:
    data = tmp_path / "seqs"
    data.mkdir()
    seqs = [np.full((n, 8), i + 1, np.float32) for i, n in enumerate([4, 1, 9, 6])]
    for i, s in enumerate(seqs):
        np.save(data / f"seq_{i:03d}.npy", s)
    out = tmp_path / "all.npy"
    result = run_cli(
        "pad",
        data,
        "--sequence-files",
        "--maxlen",
        "5",
        "--padding",
        "post",
        "--truncating",
        "post",
        "--stack",
        out,
    )
    assert result.exit_code == 0, result.output
    want = pad_list(seqs, 5, "post", "post", 0.0, np.dtype(np.float32))
    assert np.load(out).tobytes() == want.tobytes()
    assert np.load(tmp_path / "all.lengths.npy").tolist() == [4, 1, 5, 5]  # kept, of 9 and 6
    # With --model, a file one axis short of the model's input is one sequence too.
    out2 = tmp_path / "all2.npy"
    assert (
        run_cli(
            "pad",
            data,
            "--model",
            MODELS / "k3/seq_none.keras",
            "--maxlen",
            "5",
            "--padding",
            "post",
            "--truncating",
            "post",
            "--stack",
            out2,
        ).exit_code
        == 0
    )
    assert np.load(out2).tobytes() == want.tobytes()
    # Sequences whose timesteps the model cannot take are refused, not padded.
    np.save(data / "seq_004.npy", np.ones((3, 5), np.float32))
    refused = run_cli(
        "pad",
        data,
        "--model",
        MODELS / "k3/seq_none.keras",
        "--maxlen",
        "5",
        "--stack",
        tmp_path / "all3.npy",
    )
    assert refused.exit_code == 2
    assert "each timestep is (5,), input 'input_layer_1' takes (8,)" in refused.stderr
    assert not (tmp_path / "all3.npy").exists()
