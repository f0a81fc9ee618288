"""``check --shard I/N`` and ``lstmdiag merge`` (issue #16, job-array part): the merged report
is the unsharded report, finding for finding, in every output format."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import lstmdiag
from lstmdiag.errors import LstmdiagError
from lstmdiag.judge.checks import mine
from lstmdiag.settings import parse_shard

from .conftest import DATA, MODELS, run_cli

SEQ = MODELS / "k3/seq_fixed.keras"
TWO = MODELS / "k3/two_input.keras"
TOKENS = MODELS / "k3/embed_maskzero_gru.keras"


def _shards(tmp: Path, model: Path, data: Path, count: int, *extra: str) -> list[Path]:
    out = tmp / f"{model.stem}-{count}"
    out.mkdir(exist_ok=True)
    paths = []
    for index in range(count):
        result = run_cli("check", model, data, "--shard", f"{index}/{count}", "-f", "json", *extra)
        assert result.exit_code in (0, 1), result.output
        path = out / f"shard-{index}.json"
        path.write_text(result.stdout)
        paths.append(path)
    return paths


@pytest.mark.parametrize("count", [1, 2, 3, 7, 9])
def test_merged_shards_equal_one_run(tmp_path: Path, count: int) -> None:
    """7 arrays: 9 shards leaves two empty, which merge must accept too."""
    whole = run_cli("check", SEQ, DATA, "-f", "json")
    shards = _shards(tmp_path, SEQ, DATA, count)
    sizes = [len(json.loads(p.read_text())["files"]) for p in shards]
    assert sum(sizes) == 7 and max(sizes) - min(sizes) <= 1
    merged = run_cli("merge", *reversed(shards), "-f", "json")
    assert merged.exit_code == whole.exit_code == 1
    assert json.loads(merged.stdout) == json.loads(whole.stdout)
    for fmt in ("table", "github", "sarif", "junit"):
        assert (
            run_cli("merge", *shards, "-f", fmt).stdout
            == run_cli("check", SEQ, DATA, "-f", fmt).stdout
        )


def test_whole_dataset_findings_come_once(tmp_path: Path) -> None:
    """A two-input model fed only audio: 'video receives no data' is in every shard and
    once in the merged report."""
    data = tmp_path / "data"
    data.mkdir()
    for i in range(4):
        np.save(data / f"audio_{i}.npy", np.zeros((2, 10, 8), np.float32))
    whole = json.loads(run_cli("check", TWO, data, "-f", "json").stdout)
    shards = _shards(tmp_path, TWO, data, 3)
    for path in shards:
        kinds = [f["kind"] for f in json.loads(path.read_text())["findings"]]
        assert kinds.count("missing-input") == 1
    merged = json.loads(run_cli("merge", *shards, "-f", "json").stdout)
    assert merged == whole
    assert [f["kind"] for f in merged["findings"]].count("missing-input") == 1


def test_deep_value_checks_are_split_and_joined(tmp_path: Path) -> None:
    """--deep is where sharding pays: each shard reads the values of its own arrays only."""
    data = tmp_path / "tok"
    data.mkdir()
    for i in range(5):
        ids = np.full((2, 12), 3, np.int32)
        ids[0, 0] = 10_000 if i % 2 else 3  # out of the Embedding's vocabulary in two files
        np.save(data / f"t{i}.npy", ids)
    whole = lstmdiag.check(TOKENS, str(data), deep=True)
    parts = [lstmdiag.check(TOKENS, str(data), deep=True, shard=(i, 2)) for i in range(2)]
    assert [len(p.files) for p in parts] == [3, 2]
    merged = lstmdiag.merge(parts)
    assert merged.to_dict() == whole.to_dict()
    assert sum(f.kind.value == "vocab" for f in merged.findings) == 2


def test_merge_refuses_what_it_cannot_join(tmp_path: Path) -> None:
    a0, a1, a2 = _shards(tmp_path, SEQ, DATA, 3)
    cases = {
        (a0, a1): "cannot merge: shard 2/3 is missing",
        (a0, a0, a1, a2): "shard 0/3 is given twice",
    }
    b0 = _shards(tmp_path, SEQ, DATA, 2)[0]
    cases[(a0, a1, a2, b0)] = "different numbers of shards"
    whole = tmp_path / "whole.json"
    whole.write_text(run_cli("check", SEQ, DATA, "-f", "json").stdout)
    cases[(whole,)] = "not a shard report"
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    cases[(broken,)] = "not JSON"
    (tmp_path / "tok").mkdir()
    np.save(tmp_path / "tok/t.npy", np.ones((2, 12), np.int32))
    same_n = _shards(tmp_path, TOKENS, tmp_path / "tok", 3)
    cases[(a0, a1, same_n[2])] = "different models"
    cut = tmp_path / "cut.json"
    data = json.loads(a2.read_text())
    data["files"] = data["files"][:1]
    cut.write_text(json.dumps(data))
    cases[(a0, a1, cut)] = "sizes do not come from one run"
    bad_index = tmp_path / "bad_index.json"
    data = json.loads(a2.read_text())
    data["shard"]["index"] = "two"
    bad_index.write_text(json.dumps(data))
    cases[(a0, a1, bad_index)] = "a report is malformed"
    for given, message in cases.items():
        result = run_cli("merge", *given)
        assert result.exit_code == 2, given
        assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_shard_argument() -> None:
    assert parse_shard("0/4") == (0, 4) and parse_shard(" 3 / 4 ") == (3, 4)
    for bad in ("4/4", "1/0", "-1/4", "a/b", "2"):
        with pytest.raises(LstmdiagError):
            parse_shard(bad)
    assert [p for p in range(10) if mine(p, (1, 4))] == [1, 5, 9]
    assert all(mine(p, None) for p in range(3))
    result = run_cli("check", SEQ, DATA, "--shard", "4/4")
    assert result.exit_code == 2 and "I must be 0 to N-1" in result.stderr
