"""Newcomer papercuts (issue #17): one answer per question, said skips, honest links, an
API that reads like the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import lstmdiag

from .conftest import DATA, MODELS, run_cli

SEQ = MODELS / "k3/seq_fixed.keras"
TOKENS = MODELS / "k3/embed_maskzero_gru.keras"
MASKED = MODELS / "k3/func_masking.keras"


def test_header_only_check_says_what_it_did_not_read(tmp_path: Path) -> None:
    np.save(tmp_path / "tok.npy", np.ones((2, 12), np.int32))
    quick = lstmdiag.check(TOKENS, str(tmp_path / "tok.npy"))
    assert quick.ok and len(quick.notes) == 1 and "--deep" in quick.notes[0]
    assert "input_dim" in quick.notes[0]
    assert lstmdiag.check(TOKENS, str(tmp_path / "tok.npy"), deep=True).notes == ()
    masked = lstmdiag.check(MASKED, str(DATA / "ok.npy"))
    assert [n for n in masked.notes if "mask value" in n]
    assert lstmdiag.check(SEQ, str(DATA / "ok.npy")).notes == ()  # nothing skipped
    table = run_cli("check", TOKENS, tmp_path / "tok.npy")
    assert "note: values were not read" in table.stdout


def test_pad_warns_when_the_model_reads_padding_as_data(tmp_path: Path) -> None:
    plain = run_cli(
        "pad", DATA / "short.npy", "--model", SEQ, "--out", tmp_path / "a", "-f", "json"
    )
    notes = json.loads(plain.stdout)["notes"]
    assert any("reads the padded timesteps as real data" in n for n in notes)
    masked = run_cli(
        "pad",
        DATA / "short.npy",
        "--model",
        MASKED,
        "--padding",
        "post",
        "--out",
        tmp_path / "b",
        "-f",
        "json",
    )
    assert json.loads(masked.stdout)["notes"] == []
    fits = run_cli("pad", DATA / "ok.npy", "--model", SEQ, "--out", tmp_path / "c", "-f", "json")
    assert json.loads(fits.stdout)["notes"] == []  # nothing padded: nothing to warn about


def test_padding_value_is_printed_in_the_data_dtype(tmp_path: Path) -> None:
    np.save(tmp_path / "tok.npy", np.ones((2, 5), np.int32))
    ints = run_cli("pad", tmp_path / "tok.npy", "--maxlen", "8", "--out", tmp_path / "o")
    assert "value 0\n" in ints.stdout.splitlines()[0] + "\n"
    floats = run_cli("pad", DATA / "short.npy", "--maxlen", "8", "--out", tmp_path / "f")
    assert floats.stdout.splitlines()[0].endswith("value 0.0")


def test_report_reads_like_the_cli() -> None:
    report = lstmdiag.check(SEQ, np.zeros((2, 10, 8), np.float64))  # a float64 warning
    assert report.ok and report.exit_code() == 0
    strict = lstmdiag.check(SEQ, np.zeros((2, 10, 8), np.float64), fail_on="warning")
    assert not strict.ok
    assert repr(strict).startswith("<Report ") and "(not ok)" in repr(strict)
    assert "\n" not in repr(report)


def test_assert_compatible_lists_every_finding_and_hides_its_frame() -> None:
    with pytest.raises(AssertionError) as info:
        lstmdiag.assert_compatible(SEQ, np.zeros((1, 4, 8), np.float32))
    assert "timesteps" in str(info.value) and "fix: x = keras.utils.pad_sequences" in str(
        info.value
    )
    frame = info.traceback[-1].frame
    assert frame.f_locals.get("__tracebackhide__") is True  # pytest shows the caller's line


def test_sarif_invents_no_links() -> None:
    out = run_cli("check", SEQ, DATA / "short.npy", "-f", "sarif").stdout
    assert "lstmdiag/lstmdiag" not in out
    driver = json.loads(out)["runs"][0]["tool"]["driver"]
    assert "informationUri" not in driver  # the package names no address
    assert all("helpUri" not in rule for rule in driver["rules"])


def test_explain_knows_whole_dataset_errors() -> None:
    missing = run_cli(
        "explain",
        'ValueError: Missing data for input "video". You passed a data dictionary with keys '
        "['audio']. Expected the following keys: ['audio', 'video']",
        "-f",
        "json",
    )
    data = json.loads(missing.stdout)
    assert data["kind"] == "input-count" and "'video'" in data["title"]
    ragged = run_cli(
        "explain",
        "ValueError: Data cardinality is ambiguous:\n  x sizes: 80, 80, 80, 80\nMake sure all "
        "arrays contain the same number of samples.",
        "-f",
        "json",
    )
    assert json.loads(ragged.stdout)["kind"] == "input-count"


def test_explain_reads_an_error_log_given_by_its_path(tmp_path: Path) -> None:
    """`lstmdiag explain error.log` explains what the file holds (its end, undecodable bytes
    replaced), as piping it in does; a text that names no file is the message itself."""
    line = ('ValueError: Input 0 of layer "sequential" is incompatible with the layer: expected '
            "shape=(None, 10, 8), found shape=(None, 4, 8)")  # fmt: skip
    log = tmp_path / "error.log"
    log.write_bytes(b"Epoch 1/10\n\xff\xfe junk\n" + b"x" * (2 << 20) + b"\n" + line.encode())
    from_file = run_cli("explain", str(log), "-f", "json")
    piped = run_cli("explain", line, "-f", "json")
    assert from_file.exit_code == 0, from_file.output
    assert json.loads(from_file.stdout) == json.loads(piped.stdout)
    assert json.loads(from_file.stdout)["kind"] == "timesteps"
    missing = run_cli("explain", str(tmp_path / "no.log"))
    assert missing.exit_code == 1 and "Not recognised" in missing.stderr
