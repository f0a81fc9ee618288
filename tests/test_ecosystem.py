"""CI fit: project configuration, JUnit/SARIF read by real consumers, pre-commit, the API."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from junitparser import JUnitXml
from sarif import loader as sarif_loader

import lstmdiag
from lstmdiag.errors import LstmdiagError
from lstmdiag.pyproject import load_settings

from .conftest import DATA, MODELS, ROOT, run_cli

SEQ = MODELS / "k3/seq_fixed.keras"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "data").mkdir()
    np.save(tmp_path / "data" / "ok.npy", np.ones((2, 10, 8), np.float32))
    np.save(tmp_path / "data" / "f64.npy", np.ones((2, 10, 8)))
    (tmp_path / "pyproject.toml").write_text(
        "[project]\nname = 'x'\n\n[tool.lstmdiag]\n"
        f"model = {str(SEQ)!r}\ninputs = ['data']\nfail-on = 'warning'\n\n"
        "[tool.lstmdiag.pad]\npadding = 'post'\nmask = true\n"
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_bare_check_runs_the_configured_check(project: Path) -> None:
    result = run_cli("check", "--format", "json")
    data = json.loads(result.stdout)
    assert [Path(f["path"]).name for f in data["files"]] == ["f64.npy", "ok.npy"]
    assert result.exit_code == 1  # fail-on = warning: the float64 warning fails
    assert run_cli("check", "--fail-on", "error").exit_code == 0  # the command line wins
    assert run_cli("check", "--ignore", "dtype").exit_code == 0
    only = run_cli("check", str(SEQ), "data/ok.npy", "--format", "json")
    assert [Path(f["path"]).name for f in json.loads(only.stdout)["files"]] == ["ok.npy"]


def test_pad_defaults_come_from_the_config(project: Path) -> None:
    np.save(project / "short.npy", np.ones((1, 3, 8), np.float32))
    result = run_cli("pad", "short.npy", "--maxlen", "5", "--out", "out", "--format", "json")
    assert result.exit_code == 0, result.output
    assert np.load(project / "out" / "short.npy")[0, :, 0].tolist() == [1, 1, 1, 0, 0]
    assert (project / "out" / "short.mask.npy").exists()
    result = run_cli(
        "pad", "short.npy", "--maxlen", "5", "--out", "out2", "--padding", "pre", "--no-mask"
    )
    assert np.load(project / "out2" / "short.npy")[0, :, 0].tolist() == [0, 0, 1, 1, 1]
    assert not (project / "out2" / "short.mask.npy").exists()


@pytest.mark.parametrize(
    "text, words",
    [
        ("[tool.lstmdiag]\nmodle = 'm.keras'\n", "unknown key 'modle'"),
        ("[tool.lstmdiag]\nfail-on = 'sometimes'\n", "'fail-on' must be"),
        ("[tool.lstmdiag.pad]\npaddding = 'post'\n", "unknown key 'paddding'"),
        ("[tool.lstmdiag.pad]\npadding = 'middle'\n", "'padding' must be"),
        ("[tool.lstmdiag\n", "cannot read the configuration"),
    ],
)
def test_bad_configuration_is_one_line_exit_2(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "lstmdiag.toml"
    path.write_text(text)
    result = run_cli("check", str(SEQ), str(DATA / "ok.npy"), "--config", str(path))
    assert result.exit_code == 2
    assert words in result.stderr and result.stderr.count("\n") == 1
    with pytest.raises(LstmdiagError, match=re.escape(words)):
        load_settings(str(path))


def test_junit_read_by_junitparser(tmp_path: Path) -> None:
    result = run_cli("check", SEQ, DATA, "--format", "junit")
    assert result.exit_code == 1
    path = tmp_path / "report.xml"
    path.write_text(result.stdout)
    xml = JUnitXml.fromfile(str(path))
    (suite,) = list(xml)
    cases = list(suite)
    assert suite.tests == 7 and suite.failures == 5
    assert len(cases) == 7
    failed = {c.name.rsplit("/", 1)[-1]: c.result[0].type for c in cases if c.result}
    assert failed == {
        "extra_axis.npy": "extra-axis",
        "long.npy": "timesteps",
        "no_batch.npy": "missing-batch",
        "short.npy": "timesteps",
        "wrong_features.npy": "features",
    }
    strict = run_cli("check", SEQ, DATA, "--format", "junit", "--fail-on", "warning")
    path.write_text(strict.stdout)
    assert next(iter(JUnitXml.fromfile(str(path)))).failures == 6


def test_sarif_read_by_sarif_tools(tmp_path: Path) -> None:
    result = run_cli("check", SEQ, DATA, "--format", "sarif")
    path = tmp_path / "report.sarif"
    path.write_text(result.stdout)
    sarif = sarif_loader.load_sarif_file(str(path))
    assert sarif.get_distinct_tool_names() == ["lstmdiag"]
    assert sarif.get_result_count() == 6
    records = sarif.get_records()
    assert sorted(r["Severity"] for r in records) == ["error"] * 5 + ["warning"]
    assert {Path(r["Location"]).name for r in records} == {
        "extra_axis.npy",
        "float64.npy",
        "long.npy",
        "no_batch.npy",
        "short.npy",
        "wrong_features.npy",
    }
    log = json.loads(result.stdout)
    assert log["version"] == "2.1.0"
    rule_ids = [r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]]
    for res in log["runs"][0]["results"]:
        assert rule_ids[res["ruleIndex"]] == res["ruleId"]


def test_pre_commit_manifest_is_valid() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "validate-manifest",
            str(ROOT / ".pre-commit-hooks.yaml"),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_api_with_arrays_lists_and_mappings() -> None:
    report = lstmdiag.check(SEQ, np.zeros((2, 4, 8), np.float32))
    (finding,) = report.findings
    assert finding.kind.value == "timesteps" and finding.found == (2, 4, 8)
    assert finding.fix is not None and "pad_sequences(list(x), maxlen=10" in finding.fix
    ragged = lstmdiag.check(
        MODELS / "k3/seq_none.keras", [np.zeros((3, 8), np.float32), np.zeros((5, 8), np.float32)]
    )
    assert [(f.kind.value, f.severity.value) for f in ragged.findings] == [("ragged", "warning")]
    two = lstmdiag.check(
        MODELS / "k3/two_input.keras", {"audio": np.zeros((2, 10, 8)), "video": np.zeros((2, 5, 4))}
    )
    assert [(f.input, f.kind.value) for f in two.findings] == [
        ("audio", "dtype"),
        ("video", "features"),
        ("video", "dtype"),
    ]
    assert lstmdiag.check(SEQ, [str(DATA / "ok.npy")]).exit_code() == 0


def test_assert_compatible() -> None:
    lstmdiag.assert_compatible(SEQ, np.zeros((2, 10, 8), np.float32))
    with pytest.raises(AssertionError) as info:
        lstmdiag.assert_compatible(SEQ, np.zeros((10, 8), np.float32))
    text = str(info.value)
    assert "error missing-batch" in text and "np.expand_dims(x, 0)" in text
    with pytest.raises(AssertionError, match="float64"):
        lstmdiag.assert_compatible(SEQ, np.zeros((2, 10, 8)), fail_on="warning")


def test_api_pad(tmp_path: Path) -> None:
    result = lstmdiag.pad([DATA / "short.npy"], out=tmp_path / "o", model=SEQ, padding="post")
    assert result.maxlen == 10 and result.padded == 1
    assert np.load(tmp_path / "o" / "short.npy").shape == (1, 10, 8)
